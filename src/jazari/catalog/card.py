"""A version's data card in Markdown, in French, Arabic or English: description, provenance and
lineage, schema, profile summary, quality, personal-data treatment, licence and how to cite it.

The caller passes what the facade returned for the actor: the full version (`jz.version`) to one who
may read it, else its summary (`jz.versions`), which holds no schema, profile or reports, and then
the card holds only the metadata part. Every text from users goes through `catalog.markdown`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from babel.numbers import format_decimal

from jazari.catalog import markdown as md
from jazari.catalog.card_labels import LABELS
from jazari.catalog.metadata import first_text
from jazari.catalog.standards import dataset_url, license_url
from jazari.catalog.themes import LANGUAGES, THEMES, region_labels
from jazari.errors import InputError

TOP_VALUES = 3
VALUE_CHARS = 40
_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$",
                   "#": r"\#", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}


def check_language(lang: str) -> str:
    """`lang` if the card can be written in it, else an InputError naming the field."""
    if lang not in LANGUAGES:
        raise InputError(f"lang must be one of {', '.join(LANGUAGES)}, not {str(lang)[:20]!r}", field="lang")
    return lang


def card_title(info: dict[str, Any], lang: str) -> str:
    """The dataset's title in `lang`, else in the first language it has, else its name."""
    meta = info.get("metadata") or {}
    return first_text(meta.get("title"), lang) or info.get("title") or info["dataset"]


def data_card(
    info: dict[str, Any], version: dict[str, Any], *, history: Sequence[dict[str, Any]] = (),
    institute: dict[str, Any] | None = None, register: dict[str, Any] | None = None,
    base_url: str = "http://localhost:8000", publisher: str = "Jazari", lang: str = "fr",
) -> str:
    """The data card of `version` of the dataset `info` (from `jz.dataset`): `history` the version
    summaries (newest first), `institute` the owner (for its names), `register` its processing
    register entry when the reader may see it, `publisher` the node's name."""
    words = LABELS[check_language(lang)]
    readable = "schema" in version
    meta = info.get("metadata") or {}
    parts = [f"# {md.inline(card_title(info, lang))}",
             f"{md.code(info['dataset'])} · {words['version']} {version['version']}"]
    description = first_text(meta.get("description"), lang) or info.get("description")
    if description:
        parts.append(md.block(description))
    parts += _about(info, institute, words, lang)
    parts += _provenance(version, history, readable, words, lang)
    if readable:
        parts += _schema(version.get("schema") or {}, words)
        parts += _profile(version.get("profile") or {}, words, lang)
        parts += _quality(version, words, lang)
        parts += _privacy(version.get("privacy") or {}, register, words, lang)
    else:
        parts.append(f"*{md.inline(words['see_only'])}*")
    parts += _citation(info, version, institute, base_url, publisher, words, lang)
    return "\n\n".join(p for p in parts if p) + "\n"


def _institute_name(info: dict[str, Any], institute: dict[str, Any] | None, lang: str) -> str:
    return first_text((institute or {}).get("names"), lang) or info["institute"]


def _item(label: str, value: str) -> str:
    """A list item `- **label**: value`; `value` is Markdown already."""
    return f"- **{md.inline(label)}**: {value}"


def _number(value: Any, lang: str) -> str:
    """A count written the way `lang` writes numbers (plain text)."""
    if value is None:
        return "-"
    return format_decimal(value, locale=lang) if isinstance(value, int | float) else str(value)


def _date(iso: str | None) -> str:
    """An ISO time as `YYYY-MM-DD HH:MM UTC` (plain text)."""
    if not iso:
        return "-"
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _about(info: dict[str, Any], institute: dict[str, Any] | None, words: dict[str, str], lang: str) -> list[str]:
    meta = info.get("metadata") or {}
    licence = meta.get("license")
    items = [
        _item(words["institute"],
              f"{md.inline(_institute_name(info, institute, lang))} ({md.code(info['institute'])})"),
        _item(words["license"],
              md.link(license_url(licence), licence) if licence else md.inline(words["license_missing"])),
        _item(words["access"], md.inline(words.get(f"access_{info.get('access_level')}", info.get("access_level")))),
    ]
    if meta.get("keywords"):
        items.append(_item(words["keywords"], md.inline(words["list_separator"].join(meta["keywords"]))))
    if meta.get("themes"):
        themes = words["list_separator"].join(THEMES[t][lang] for t in meta["themes"] if t in THEMES)
        items.append(_item(words["themes"], md.inline(themes)))
    if meta.get("regions"):
        labels = region_labels()
        regions = words["list_separator"].join(labels.get(c, {}).get(lang, c) for c in meta["regions"])
        items.append(_item(words["regions"], md.inline(regions)))
    for key in ("source", "contact"):
        if meta.get(key):
            items.append(_item(words[key], md.inline(meta[key])))
    return [f"## {md.inline(words['h_about'])}", "\n".join(items)]


def _provenance(version: dict[str, Any], history: Sequence[dict[str, Any]], readable: bool,
                words: dict[str, str], lang: str) -> list[str]:
    items = [_item(words["version"], str(version["version"])),
             _item(words["published"], md.inline(_date(version.get("created_at"))))]
    lineage = version.get("lineage") or {}
    if readable:
        items.append(_item(words["by"], md.inline(version.get("actor"))))
        items.append(_item(words["mode"], md.inline(words.get(f"mode_{version.get('mode')}", version.get("mode")))))
    source = version.get("source")  # only there for one who may read the version
    if source:
        size = words["bytes"].format(n=_number(source.get("size"), lang))
        text = f"{md.inline(source.get('name'))}, {md.inline(size)}"
        text += f", SHA-256 {md.code(source.get('sha256') or '')}"
        if source.get("purged_at"):
            text += f" ({md.inline(words['source_purged'].format(date=_date(source['purged_at'])))})"
        items.append(_item(words["source_file"], text))
    options = lineage.get("reader_options") or {}
    shown = {k: v for k, v in options.items() if v not in (None, "", [], {}, 0, False)}
    if readable and shown:
        items.append(_item(words["reader_options"], md.inline(", ".join(f"{k}={v!r}" for k, v in shown.items()))))
    software = lineage.get("software") or (
        f"jazari {version['software_version']}" if version.get("software_version") else None)
    if software:
        items.append(_item(words["software"], md.inline(software)))
    parts = [f"## {md.inline(words['h_provenance'])}", "\n".join(items)]
    if history:
        header = [md.inline(words["version"]), md.inline(words["date"])]
        rows = [[h["version"], _date(h.get("created_at"))] for h in history]
        if readable:
            header += [md.inline(words["mode"]), md.inline(words["rows"])]
            rows = [r + [words.get(f"mode_{h.get('mode')}", h.get("mode")),
                         _number((h.get("rows") or {}).get("total"), lang)] for r, h in zip(rows, history)]
        parts += [f"### {md.inline(words['h_versions'])}", md.table(header, rows)]
    return parts


def _constraints(field: dict[str, Any]) -> str:
    found = []
    for key, value in (field.get("constraints") or {}).items():
        if value is True:
            found.append(key)
        elif isinstance(value, list):
            found.append(f"{key}: {', '.join(str(v) for v in value)}")
        elif value not in (None, False):
            found.append(f"{key}: {value}")
    return "; ".join(found)


def _field_type(field: dict[str, Any]) -> str:
    kind = field.get("type", "string")
    return f"{kind} ({field['format']})" if field.get("format") not in (None, "default") else kind


def _schema(schema: dict[str, Any], words: dict[str, str]) -> list[str]:
    fields = schema.get("fields") or []
    if not fields:
        return []
    header = [md.inline(words[k]) for k in ("column", "type", "description", "constraints")]
    rows = [[f.get("name"), _field_type(f), f.get("description") or f.get("title") or "", _constraints(f)]
            for f in fields]
    parts = [f"## {md.inline(words['h_schema'])}", md.table(header, rows, limit=200)]
    key = schema.get("primaryKey")
    extra = []
    if key:
        extra.append(_item(words["primary_key"], md.inline(", ".join(key) if isinstance(key, list) else key)))
    if schema.get("missingValues"):
        extra.append(_item(words["missing_values"], md.inline(", ".join(repr(v) for v in schema["missingValues"]))))
    if extra:
        parts.append("\n".join(extra))
    return parts


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:.6g}"
    return "" if value is None else str(value)


def _profile(profile: dict[str, Any], words: dict[str, str], lang: str) -> list[str]:
    columns = profile.get("columns") or []
    if not profile:
        return []
    summary = words["profile_summary"].format(rows=_number(profile.get("row_count"), lang),
                                              columns=_number(profile.get("column_count", len(columns)), lang))
    parts = [f"## {md.inline(words['h_profile'])}", md.inline(summary)]
    if not profile.get("exact", True):
        parts.append(md.inline(words["profile_approximate"]))
    if columns:
        header = [md.inline(words[k]) for k in ("column", "nulls", "distinct", "min", "max", "top_values")]
        rows = [[c.get("name"), _number(c.get("nulls"), lang), _number(c.get("distinct"), lang),
                 _value(c.get("min"))[:VALUE_CHARS], _value(c.get("max"))[:VALUE_CHARS],
                 ", ".join(f"{_value(t.get('value'))[:VALUE_CHARS]} ({_number(t.get('count'), lang)})"
                           for t in (c.get("top") or [])[:TOP_VALUES])] for c in columns]
        parts.append(md.table(header, rows, limit=200))
    return parts


def _quality(version: dict[str, Any], words: dict[str, str], lang: str) -> list[str]:
    rows = version.get("rows") or {}
    items = [_item(words[f"rows_{k}"], md.inline(_number(rows.get(k), lang)))
             for k in ("read", "written", "quarantined")]
    parts = [f"## {md.inline(words['h_quality'])}", "\n".join(items)]
    findings = (version.get("validation") or {}).get("findings") or []
    if findings:
        header = [md.inline(words[k]) for k in ("column", "type", "count", "message")]
        rows = [[f.get("column"), f.get("type"), _number(f.get("count"), lang),
                 ((f.get("examples") or [{}])[0] or {}).get("message") or ""] for f in findings]
        parts.append(md.table(header, rows))
    else:
        parts.append(md.inline(words["no_findings"]))
    return parts


def _privacy(report: dict[str, Any], register: dict[str, Any] | None, words: dict[str, str], lang: str) -> list[str]:
    status = report.get("status")
    if not status:
        return []
    parts = [f"## {md.inline(words['h_privacy'])}",
             _item(words["privacy_status"], f"{md.inline(words.get(f'status_{status}', status))} ({md.code(status)})")]
    columns = report.get("columns") or {}
    treated = [(name, c) for name, c in columns.items()
               if c.get("kind") not in (None, "none") or c.get("operator") not in (None, "none")
               or c.get("quasi_identifier")]
    if treated:
        header = [md.inline(words[k]) for k in ("column", "entities", "operator")]
        rows = [[name, ", ".join(f"{e} ({_number(n, lang)})" for e, n in (c.get("entities") or {}).items()),
                 (c.get("operator") or "none") + (" · quasi-identifier" if c.get("quasi_identifier") else "")]
                for name, c in treated]
        parts.append(md.table(header, rows))
    k = report.get("k_anonymity") or {}
    if k.get("quasi_identifiers"):
        text = words["k_summary"].format(k=k.get("k"), target=k.get("k_target"),
                                         columns=", ".join(k["quasi_identifiers"]),
                                         rows=_number(k.get("rows_below_k", 0), lang))
        parts.append(_item(words["k_anonymity"], md.inline(text)))
    if register:
        items = [_item(words["purpose"], md.inline(register.get("purpose"))),
                 _item(words["legal_basis"], md.inline(register.get("legal_basis")))]
        if register.get("cndp_reference"):
            items.append(_item("CNDP", md.inline(register["cndp_reference"])))
        parts += [f"### {md.inline(words['register'])}", "\n".join(items)]
    return parts


def _bibtex_text(value: str) -> str:
    text = " ".join(str(value).split())
    return "".join(_BIBTEX_SPECIAL.get(ch, ch) for ch in text)


def _citation(info: dict[str, Any], version: dict[str, Any], institute: dict[str, Any] | None, base_url: str,
              publisher: str, words: dict[str, str], lang: str) -> list[str]:
    title = card_title(info, lang)
    author = _institute_name(info, institute, lang)
    year = (version.get("created_at") or "")[:4] or "n.d."
    url = dataset_url(base_url, info["dataset"])
    number = version["version"]
    line = (f"{md.inline(author)} ({year}). *{md.inline(title)}* ({md.inline(words['version'].lower())} {number}) "
            f"\\[{md.inline(words['cite_kind'])}\\]. {md.inline(publisher)}. {md.link(url)}")
    key = re.sub(r"[^A-Za-z0-9]+", "_", f"{info['dataset']}_v{number}").strip("_")
    fields = {"author": f"{{{_bibtex_text(author)}}}", "title": f"{{{_bibtex_text(title)}}}", "year": year,
              "version": str(number), "publisher": _bibtex_text(publisher), "url": url.replace("}", "%7D"),
              "note": _bibtex_text(f"{info['dataset']}, version {number}")}
    bibtex = "\n".join([f"@misc{{{key},"] + [f"  {k} = {{{v}}}," for k, v in fields.items()] + ["}"])
    return [f"## {md.inline(words['h_cite'])}", line, md.inline(words["bibtex"]), f"```bibtex\n{bibtex}\n```"]
