"""A version as a Frictionless Data Package (v1, profile `tabular-data-package`): the dataset's
metadata and one tabular resource per download (Parquet and CSV), each with the Table Schema of
the exported file and, once known, its size and SHA-256. The caller passes what the facade returned
for an actor who may read the version."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from jazari.catalog.metadata import first_text
from jazari.catalog.standards import SPDX, SPDX_IDS, api_url, dataset_url, export_url, license_url
from jazari.catalog.themes import THEMES

MEDIA_TYPES = {"parquet": "application/vnd.apache.parquet", "csv": "text/csv"}
CSV_NOTE = "Text cells starting with = + - @ are prefixed with ' (no spreadsheet formulas)."
CSV_DIALECT = {"delimiter": ",", "doubleQuote": True, "header": True, "lineTerminator": "\n", "quoteChar": '"'}
CSV_FORMATS = {"datetime": "%Y-%m-%d %H:%M:%S.%f"}  # how pyarrow's CSV writer writes them (times are text HH:MM:SS)
SOURCE_ONLY = ("decimalChar", "groupChar", "bareNumber", "trueValues", "falseValues")  # how the upload was written
SEMANTIC_FORMATS = ("email", "uri", "binary", "uuid")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_LICENSE_NAME = re.compile(r"[-a-zA-Z0-9._]+")


def export_schema(schema: dict[str, Any], fmt: str) -> dict[str, Any]:
    """The Table Schema of a version's export in `fmt`: types and constraints as published, without
    the upload's number and boolean spellings or date patterns (exports write ISO dates, `.` decimals,
    `true`/`false`), nulls as empty cells."""
    fields = []
    for field in schema.get("fields") or []:
        out = {k: v for k, v in field.items() if k not in SOURCE_ONLY and k != "format"}
        kind = field.get("type", "string")
        if field.get("format") in SEMANTIC_FORMATS and kind == "string":
            out["format"] = field["format"]
        elif fmt == "csv" and kind in CSV_FORMATS:
            out["format"] = CSV_FORMATS[kind]
        fields.append(out)
    out_schema: dict[str, Any] = {"fields": fields}
    missing = [v for v in schema.get("missingValues") or [""] if isinstance(v, str)]
    out_schema["missingValues"] = [""] + [v for v in missing if v != ""]
    if schema.get("primaryKey"):
        out_schema["primaryKey"] = schema["primaryKey"]
    return out_schema


def _licenses(license: str | None, base_url: str, ref: str) -> list[dict[str, str]]:  # noqa: A002
    if not license:
        return []
    url = license_url(license)
    spdx = SPDX_IDS.get(license.strip().lower().replace(" ", "-"))
    if spdx:
        return [{"name": spdx, "path": SPDX + spdx, "title": license}]
    if url:
        return [{"path": url, "title": license}]
    if _LICENSE_NAME.fullmatch(license):
        return [{"name": license, "title": license}]
    return [{"path": dataset_url(base_url, ref), "title": license}]  # the dataset's page states it


def _created(iso: str | None) -> str | None:
    if not iso:
        return None
    moment = datetime.fromisoformat(iso)
    moment = moment.astimezone(UTC) if moment.tzinfo else moment
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _contributors(info: dict[str, Any], institute: dict[str, Any] | None, base_url: str) -> list[dict[str, str]]:
    slug = info["institute"]
    out = [{"title": first_text((institute or {}).get("names")) or slug, "role": "publisher",
            "path": f"{base_url.rstrip('/')}/institutes/{slug}"}]
    contact = (info.get("metadata") or {}).get("contact") or ""
    if _EMAIL.fullmatch(contact):
        out.append({"title": contact, "email": contact, "role": "maintainer"})
    return out


def datapackage(info: dict[str, Any], version: dict[str, Any], base_url: str, *,
                institute: dict[str, Any] | None = None) -> dict[str, Any]:
    """`datapackage.json` of one version: `info` from `jz.dataset`, `version` the full version from
    `jz.version` (with `lineage.exports` when the downloads' digests are known)."""
    ref, meta, number = info["dataset"], info.get("metadata") or {}, version["version"]
    name = ref.replace("/", "-")
    exports = (version.get("lineage") or {}).get("exports") or {}
    resources = []
    for fmt, media in MEDIA_TYPES.items():
        resource: dict[str, Any] = {
            "profile": "tabular-data-resource", "name": f"{name}-{fmt}", "path": export_url(base_url, ref, number, fmt),
            "title": f"{ref} v{number} ({fmt})", "format": fmt, "mediatype": media,
        }
        if fmt == "csv":
            resource.update(encoding="utf-8", dialect=CSV_DIALECT, description=CSV_NOTE)
        digest = exports.get(fmt) or {}
        if digest.get("bytes") is not None:
            resource["bytes"] = digest["bytes"]
        if digest.get("sha256"):
            resource["hash"] = f"sha256:{digest['sha256']}"
        resource["schema"] = export_schema(version.get("schema") or {}, fmt)
        resources.append(resource)
    sources = [{"title": meta["source"]}] if meta.get("source") else []
    source = version.get("source") or {}
    if source.get("name"):
        sources.append({"title": source["name"]})
    keywords = list(meta.get("keywords") or []) + [THEMES[t]["en"] for t in meta.get("themes") or [] if t in THEMES]
    package: dict[str, Any] = {
        "profile": "tabular-data-package", "name": name, "id": dataset_url(base_url, ref),
        "title": first_text(meta.get("title")) or info.get("title") or ref,
        "description": first_text(meta.get("description")) or info.get("description"),
        "homepage": dataset_url(base_url, ref), "version": f"{number}.0.0",
        "created": _created(version.get("created_at")), "keywords": list(dict.fromkeys(keywords)) or None,
        "licenses": _licenses(meta.get("license"), base_url, ref) or None,
        "sources": sources or None, "contributors": _contributors(info, institute, base_url),
        "resources": resources,
        "jazari": {"dataset": ref, "version": number, "card": api_url(base_url, ref, f"/versions/{number}/card.md")},
    }
    return {k: v for k, v in package.items() if v is not None}
