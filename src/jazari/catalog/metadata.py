"""A dataset's descriptive metadata: titles and descriptions in fr/ar/en, keywords, themes, regions,
licence, source and contact. Stewards set it; it feeds the search index and every page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jazari.catalog import search
from jazari.catalog.themes import LANGUAGES, THEMES
from jazari.datasets.models import Dataset
from jazari.datasets.names import parse_ref
from jazari.errors import InputError, NotFound
from jazari.governance.access import require
from jazari.governance.actors import Actor
from jazari.governance.audit import record
from jazari.governance.models import REGIONS, Institute
from jazari.store.database import Database

FIELDS = ("title", "description", "keywords", "themes", "regions", "license", "source", "contact")
MAX_TEXT = {"title": 500, "description": 20_000, "license": 200, "source": 1000, "contact": 320}
MAX_KEYWORDS = 50


def validate_metadata(meta: Any) -> dict[str, Any]:
    """The metadata checked and tidied (texts stripped, empty ones dropped); an InputError names the
    first field that is wrong."""
    if not isinstance(meta, dict):
        raise InputError("metadata must be an object with " + ", ".join(FIELDS), field="metadata")
    unknown = sorted(set(meta) - set(FIELDS))
    if unknown:
        hint = "`license` (US spelling)" if "licence" in unknown else "known fields: " + ", ".join(FIELDS)
        raise InputError(f"unknown metadata field {unknown[0]!r}", hint=hint, field=unknown[0])
    out: dict[str, Any] = {}
    for name in ("title", "description"):
        if meta.get(name) is not None:
            texts = _texts(meta[name], name)
            if texts:
                out[name] = texts
    if meta.get("keywords") is not None:
        out["keywords"] = _keywords(meta["keywords"])
    for name, known in (("themes", THEMES), ("regions", REGIONS)):
        if meta.get(name) is not None:
            out[name] = _codes(meta[name], name, known)
    for name in ("license", "source", "contact"):
        if meta.get(name) is not None:
            text = _text(meta[name], name)
            if text:
                out[name] = text
    return out


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"{field} must be text, not {type(value).__name__}", field=field)
    text = value.strip()
    limit = MAX_TEXT[field.split(".")[0]]
    if len(text) > limit:
        raise InputError(f"{field} is longer than {limit} characters", field=field)
    return text


def _texts(value: Any, field: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise InputError(f'{field} must be an object of texts by language, e.g. {{"fr": "...", "ar": "..."}}',
                         field=field)
    out = {}
    for lang, text in value.items():
        if lang not in LANGUAGES:
            raise InputError(f"{field}: unknown language {lang!r}; use fr, ar or en", field=f"{field}.{lang}")
        if text is not None and (cleaned := _text(text, f"{field}.{lang}")):
            out[lang] = cleaned
    return out


def _keywords(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise InputError("keywords must be a list of words or phrases", field="keywords")
    if len(value) > MAX_KEYWORDS:
        raise InputError(f"at most {MAX_KEYWORDS} keywords", field="keywords")
    out: list[str] = []
    for i, word in enumerate(value):
        if not isinstance(word, str) or not word.strip() or len(word) > 100:
            raise InputError(f"keyword {i + 1} must be a non-empty text of at most 100 characters",
                             field=f"keywords[{i}]")
        if word.strip() not in out:
            out.append(word.strip())
    return out


def _codes(value: Any, field: str, known: dict[str, Any]) -> list[str]:
    if not isinstance(value, list):
        raise InputError(f"{field} must be a list of codes", field=field, hint=", ".join(known))
    out: list[str] = []
    for i, code in enumerate(value):
        if not isinstance(code, str) or code not in known:
            raise InputError(f"{field}: unknown code {code!r}", field=f"{field}[{i}]",
                             hint="one of " + ", ".join(known))
        if code not in out:
            out.append(code)
    return out


def first_text(texts: dict[str, str] | None, prefer: str = "fr") -> str | None:
    """The text in `prefer`, else the first that exists (fr, ar, en)."""
    texts = texts or {}
    return texts.get(prefer) or next((texts[lang] for lang in LANGUAGES if texts.get(lang)), None)


def find(session: Session, ref: str) -> Dataset:
    """The dataset `institute/name` (NotFound otherwise); the caller asks governance."""
    institute, name = parse_ref(ref)
    dataset = session.scalar(select(Dataset).join(Institute).where(Institute.slug == institute, Dataset.name == name))
    if dataset is None:
        raise NotFound(f"no dataset {ref}", hint="`jazari datasets` lists them", field="dataset")
    return dataset


def set_metadata(db: Database, actor: Actor, ref: str, meta: dict[str, Any]) -> dict[str, Any]:
    """Replace a dataset's metadata (its stewards); the title and description columns follow the French
    text (else the first there is), the change is audited and the dataset reindexed at once."""
    clean = validate_metadata(meta)
    with db.session() as session:
        dataset = find(session, ref)
        require(actor, "manage", dataset)
        before = dataset.meta or {}
        changed = sorted(k for k in set(before) | set(clean) if before.get(k) != clean.get(k))
        dataset.meta = clean
        if clean.get("title"):
            dataset.title = first_text(clean["title"])
        if clean.get("description"):
            dataset.description = first_text(clean["description"])
        record(session, actor.name, "metadata.change", dataset.ref, client=actor.client,
               details={"fields": changed})
        session.flush()
        search.reindex(session, dataset.id)
    return {"dataset": ref, "metadata": clean, "changed": changed}
