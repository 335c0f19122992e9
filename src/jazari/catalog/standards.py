"""Metadata in open standards: DCAT-AP 3 (a dataset, the whole catalogue) and Croissant 1.0 (a
version's schema for machine-learning tools), as JSON-LD dictionaries. The callers pass what the
facade returned for the actor, so these documents never hold more than the actor may see or read."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from jazari.catalog.metadata import first_text
from jazari.catalog.themes import LANGUAGES, THEMES, region_labels

DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
THEME_URIS = {  # our themes on the EU data theme vocabulary (DCAT-AP's dcat:theme)
    "rural_mountain": "REGI", "major_sporting_events": "EDUC", "health": "HEAL", "education": "EDUC",
    "agriculture_water": "AGRI", "transport": "TRAN", "economy": "ECON", "public_administration": "GOVE",
}
EU_ACCESS = "http://publications.europa.eu/resource/authority/access-right/"
ACCESS_RIGHTS = {"public": "PUBLIC", "network": "RESTRICTED", "institute": "RESTRICTED", "restricted": "NON_PUBLIC"}
DISTRIBUTIONS = {"parquet": "application/vnd.apache.parquet", "csv": "text/csv", "jsonl": "application/x-ndjson"}
IANA = "http://www.iana.org/assignments/media-types/"

CROISSANT_CONTEXT = {
    "@language": "en", "@vocab": "https://schema.org/", "sc": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/", "rai": "http://mlcommons.org/croissant/RAI/",
    "dct": "http://purl.org/dc/terms/", "citeAs": "cr:citeAs", "equivalentProperty": "cr:equivalentProperty", "column": "cr:column",
    "conformsTo": "dct:conformsTo", "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"}, "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract", "field": "cr:field", "fileProperty": "cr:fileProperty", "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet", "format": "cr:format", "includes": "cr:includes", "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath", "key": "cr:key", "md5": "cr:md5", "parentField": "cr:parentField", "path": "cr:path",
    "recordSet": "cr:recordSet", "references": "cr:references", "regex": "cr:regex", "repeated": "cr:repeated",
    "replace": "cr:replace", "samplingRate": "cr:samplingRate", "separator": "cr:separator", "source": "cr:source", "subField": "cr:subField",
    "transform": "cr:transform",
}
CROISSANT_TYPES = {"string": "sc:Text", "integer": "sc:Integer", "number": "sc:Float", "boolean": "sc:Boolean",
                   "date": "sc:Date", "datetime": "sc:DateTime", "time": "sc:Time", "year": "sc:Integer"}
SPDX = "https://spdx.org/licenses/"
SPDX_IDS = {"cc-by-4.0": "CC-BY-4.0", "cc-by-sa-4.0": "CC-BY-SA-4.0", "cc0-1.0": "CC0-1.0", "cc0": "CC0-1.0",
            "odbl-1.0": "ODbL-1.0", "odbl": "ODbL-1.0", "etalab-2.0": "etalab-2.0", "cc-by-nc-4.0": "CC-BY-NC-4.0"}


def dataset_url(base_url: str, ref: str) -> str:
    """The dataset's page, also its identifier in the linked-data documents."""
    return f"{base_url.rstrip('/')}/datasets/{ref}"


def api_url(base_url: str, ref: str, tail: str = "") -> str:
    """A route of the dataset under /api/v1."""
    return f"{base_url.rstrip('/')}/api/v1/datasets/{ref}{tail}"


def export_url(base_url: str, ref: str, number: int, fmt: str) -> str:
    """The streamed download of version `number` in `fmt`."""
    return api_url(base_url, ref, f"/export?format={fmt}&version={number}")


def license_url(license: str | None) -> str | None:  # noqa: A002 - the metadata field's name
    """A licence as an IRI: itself when it is a URL, the SPDX page for a known identifier, else None."""
    if not license:
        return None
    if license.startswith(("http://", "https://")):
        return license
    spdx = SPDX_IDS.get(license.strip().lower().replace(" ", "-"))
    return SPDX + spdx if spdx else None


def _tagged(texts: dict[str, str] | None, fallback: str | None) -> list[dict[str, str]]:
    """Language-tagged literals, one per language that has a text (the fallback untagged)."""
    tagged = [{"@value": texts[lang], "@language": lang} for lang in LANGUAGES if (texts or {}).get(lang)]
    return tagged or ([{"@value": fallback}] if fallback else [])


def _publisher(slug: str, institute: dict[str, Any] | None, base_url: str) -> dict[str, Any]:
    names = (institute or {}).get("names") or {}
    return {"@id": f"{base_url.rstrip('/')}/institutes/{slug}", "@type": "foaf:Agent",
            "foaf:name": _tagged(names, slug), "dct:identifier": slug}


def _region(code: str) -> dict[str, Any]:
    labels = region_labels().get(code, {})
    return {"@type": "dct:Location", "dct:identifier": code, "skos:prefLabel": _tagged(labels, code)}


def _license(license: str | None) -> dict[str, Any] | None:  # noqa: A002
    if not license:
        return None
    url = license_url(license)
    return {"@id": url, "@type": "dct:LicenseDocument"} if url else {
        "@type": "dct:LicenseDocument", "rdfs:label": license}


def _distributions(ref: str, version: dict[str, Any] | None, base_url: str, license: Any) -> list[dict[str, Any]]:  # noqa: A002
    if not version:
        return []
    number = version["version"]
    out = []
    for fmt, media in DISTRIBUTIONS.items():
        url = export_url(base_url, ref, number, fmt)
        dist = {"@id": url, "@type": "dcat:Distribution", "dct:title": f"{ref} v{number} ({fmt})",
                "dcat:accessURL": {"@id": dataset_url(base_url, ref)}, "dcat:downloadURL": {"@id": url},
                "dcat:mediaType": {"@id": IANA + media}}
        if license:
            dist["dct:license"] = license
        out.append(dist)
    return out


def _dated(value: str | None) -> dict[str, str] | None:
    return {"@value": value, "@type": "xsd:dateTime"} if value else None


def dcat_dataset(
    info: dict[str, Any], version: dict[str, Any] | None, base_url: str, *,
    institute: dict[str, Any] | None = None, issued: str | None = None, context: bool = True,
) -> dict[str, Any]:
    """A dataset as a DCAT-AP 3 `dcat:Dataset`: `info` from `jz.dataset`, `version` the latest version's
    summary (None when there is none yet), `institute` from the accounts service, `issued` the first
    version's date. Without `context` it is a node to embed in the catalogue."""
    ref, meta = info["dataset"], info.get("metadata") or {}
    lic = _license(meta.get("license"))
    node: dict[str, Any] = {
        "@id": dataset_url(base_url, ref), "@type": "dcat:Dataset", "dct:identifier": ref,
        "dct:title": _tagged(meta.get("title"), info.get("title") or ref),
        "dct:description": _tagged(meta.get("description"), info.get("description")),
        "dcat:keyword": meta.get("keywords", []),
        "dcat:theme": [{"@id": EU_THEME + THEME_URIS[t]} for t in dict.fromkeys(meta.get("themes", []))
                       if t in THEME_URIS],
        "dct:subject": [{"@type": "skos:Concept", "skos:notation": t, "skos:prefLabel": _tagged(THEMES[t], t)}
                        for t in meta.get("themes", []) if t in THEMES],
        "dct:spatial": [_region(code) for code in meta.get("regions", [])],
        "dct:publisher": _publisher(info["institute"], institute, base_url),
        "dct:accessRights": {"@id": EU_ACCESS + ACCESS_RIGHTS.get(info.get("access_level", ""), "NON_PUBLIC")},
        "dcat:landingPage": {"@id": dataset_url(base_url, ref)},
        "dct:modified": _dated(info.get("updated_at")),
        "dct:issued": _dated(issued),
        "dcat:version": str(version["version"]) if version else None,
        "dct:license": lic,
        "dct:provenance": {"@type": "dct:ProvenanceStatement", "rdfs:label": meta["source"]}
        if meta.get("source") else None,
        "dcat:contactPoint": {"@type": "vcard:Kind", "vcard:hasEmail": {"@id": "mailto:" + meta["contact"]}}
        if "@" in meta.get("contact", "") else ({"@type": "vcard:Kind", "vcard:fn": meta["contact"]}
                                                 if meta.get("contact") else None),
        "dcat:distribution": _distributions(ref, version, base_url, lic),
    }
    node = {k: v for k, v in node.items() if v not in (None, [], {})}
    return {"@context": DCAT_CONTEXT, **node} if context else node


def dcat_catalog(
    datasets: list[dict[str, Any]], base_url: str, *, institutes: dict[str, dict[str, Any]] | None = None,
    title: str = "Jazari",
) -> dict[str, Any]:
    """The catalogue as a DCAT-AP 3 `dcat:Catalog` of the given datasets (those the actor may see, from
    `jz.datasets`); each dataset's distributions point at its latest version."""
    institutes = institutes or {}
    nodes = [dcat_dataset(d, {"version": d["latest_version"]} if d.get("latest_version") else None, base_url,
                          institute=institutes.get(d["institute"]), context=False) for d in datasets]
    modified = max((d["updated_at"] for d in datasets if d.get("updated_at")), default=None)
    catalog = {
        "@context": DCAT_CONTEXT, "@id": f"{base_url.rstrip('/')}/api/v1/catalog.jsonld", "@type": "dcat:Catalog",
        "dct:title": [{"@value": title}], "dct:description": [{"@value": f"Datasets of the {title} node"}],
        "foaf:homepage": {"@id": base_url.rstrip("/") + "/"}, "dct:language": [
            {"@id": f"http://publications.europa.eu/resource/authority/language/{c}"} for c in ("FRA", "ARA", "ENG")],
        "dct:modified": _dated(modified), "dcat:dataset": nodes,
    }
    return {k: v for k, v in catalog.items() if v is not None}


def croissant(info: dict[str, Any], version: dict[str, Any], base_url: str, *, sha256: str | None = None,
              content_url: str | None = None) -> dict[str, Any]:
    """Croissant 1.0 of one version: `info` from `jz.dataset`, `version` the full version from
    `jz.version` (its Table Schema becomes the record set; no rows). The Parquet export is generated on
    request, byte for byte the same each time: its sha256 and size are those of the version's
    `lineage.exports` when known, or `sha256`; `content_url` replaces the export URL (e.g. a local copy)."""
    ref, meta, number = info["dataset"], info.get("metadata") or {}, version["version"]
    recorded = ((version.get("lineage") or {}).get("exports") or {}).get("parquet") or {}
    file_id = "parquet-export"
    file_object: dict[str, Any] = {
        "@type": "cr:FileObject", "@id": file_id, "name": file_id,
        "description": f"{ref} version {number} as Parquet, generated on request",
        "contentUrl": content_url or export_url(base_url, ref, number, "parquet"),
        "encodingFormat": "application/x-parquet",
    }
    if sha256 or recorded.get("sha256"):
        file_object["sha256"] = sha256 or recorded["sha256"]
    if not sha256 and recorded.get("bytes") is not None:
        file_object["contentSize"] = f"{recorded['bytes']} B"
    fields = [{
        "@type": "cr:Field", "@id": f"records/{quote(f['name'], safe='')}", "name": f["name"],
        **({"description": f["description"]} if f.get("description") else {}),
        "dataType": CROISSANT_TYPES.get(f.get("type", "string"), "sc:Text"),
        "source": {"fileObject": {"@id": file_id}, "extract": {"column": f["name"]}},
    } for f in (version.get("schema") or {}).get("fields", [])]
    lic = meta.get("license")
    doc: dict[str, Any] = {
        "@context": CROISSANT_CONTEXT, "@type": "sc:Dataset",
        "conformsTo": "http://mlcommons.org/croissant/1.0",
        "name": ref.replace("/", "-"),
        "alternateName": [t for t in (meta.get("title") or {}).values()] or None,
        "description": first_text(meta.get("description")) or info.get("description") or info.get("title") or ref,
        "license": license_url(lic) or lic,
        "url": dataset_url(base_url, ref),
        "version": f"{number}.0.0",
        "datePublished": version.get("created_at"),
        "keywords": meta.get("keywords") or None,
        "creator": {"@type": "sc:Organization", "name": info["institute"]},
        "citeAs": f"{info.get('title') or ref}, version {number}. {info['institute']}, {dataset_url(base_url, ref)}",
        "distribution": [file_object],
        "recordSet": [{"@type": "cr:RecordSet", "@id": "records", "name": "records",
                       "description": f"The rows of {ref} version {number}", "field": fields}],
    }
    return {k: v for k, v in doc.items() if v is not None}
