"""Multilingual search over the catalog, in the database itself: an FTS5 table on SQLite, a weighted
`tsvector` with a GIN index on PostgreSQL. Documents and queries go through the one normalisation of
`catalog.normalize`; a query word also matches its Arabizi readings, its Darija equivalents and, for a
place, its name in the other script. Results hold only what the actor may see, ranked alike."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Column, MetaData, String, Table, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from jazari.catalog import normalize as nz
from jazari.catalog.themes import LANGUAGES, THEMES, region_labels
from jazari.datasets.models import ACCESS_LEVELS, Dataset, Version
from jazari.errors import InputError
from jazari.governance.access import can
from jazari.governance.actors import Actor
from jazari.governance.models import REGIONS, Institute
from jazari.store.database import Database

MAX_QUERY = 500
MAX_WORDS = 16
MAX_LIMIT = 100
TITLE_WEIGHT = 4.0  # a word in a title, keyword or theme counts four times one in the body
FACETS = ("theme", "region", "institute", "license", "format", "access")
CHUNK = 900
TERMS = Table("search_terms", MetaData(), Column("term", String(200), primary_key=True), Column("skeleton", String(200)))
# Darija (both scripts) and broken plurals -> words documents use; keys and values are indexed terms.
GLOSSARY: dict[str, tuple[str, ...]] = {
    "سبيطار": ("مستشفي", "hopital"), "sbitar": ("مستشفي", "hopital", "سبيطار"),
    "قرايه": ("تعليم", "مدرسه", "education"), "l9raya": ("تعليم", "مدرسه", "قرايه"),
    "9raya": ("تعليم", "مدرسه", "قرايه"), "مدرسه": ("مدارس",), "مدارس": ("مدرسه",),
    "طريق": ("طرق",), "طرق": ("طريق",), "ملعب": ("ملاعب",), "ملاعب": ("ملعب",),
    "كوره": ("كره", "قدم", "football"), "koura": ("كره", "قدم", "football", "كوره"),
    "ما": ("ماء", "eau"), "lma": ("ماء", "eau"), "طوبيس": ("حافله", "bus"), "tobis": ("حافله", "bus"),
    "خدمه": ("شغل", "emploi"), "khdma": ("شغل", "emploi", "خدمه"), "بير": ("ابار", "بئر", "puit"),
    "bir": ("ابار", "بئر", "puit"), "mondial": ("كاس", "عالم", "coupe", "monde"),
    "can": ("كاس", "افريقيا", "afcon"), "afcon": ("can", "كاس", "افريقيا"),
    "sbitarat": ("مستشفي", "hopital"), "tbib": ("طبيب", "medecin"),
}


# indexing -------------------------------------------------------------------------------------------
def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def document(session: Session, dataset: Dataset) -> tuple[str, str]:
    """The normalised (title, body) text a dataset is found by: titles, keywords and theme labels;
    descriptions, column names, institute names, region labels, licence and source."""
    meta = dataset.meta or {}
    institute = session.get(Institute, dataset.institute_id)
    latest = session.scalar(select(Version).where(Version.dataset_id == dataset.id)
                            .order_by(Version.number.desc()).limit(1))
    fields = (latest.table_schema or {}).get("fields", []) if latest else []
    labels = region_labels()
    title = [dataset.title, dataset.name.replace("-", " "), *(meta.get("title") or {}).values(),
             *meta.get("keywords", []), *(THEMES[t][lang] for t in meta.get("themes", []) for lang in LANGUAGES)]
    body = [dataset.description, *(meta.get("description") or {}).values(),
            *(str(f.get(k) or "") for f in fields for k in ("name", "title", "description")),
            *(institute.names().values() if institute else ()), institute.slug if institute else "",
            *(labels[r][lang] for r in meta.get("regions", []) for lang in LANGUAGES),
            meta.get("license"), meta.get("source")]
    return nz.normalize(" \n ".join(t for t in title if t)), nz.normalize(" \n ".join(t for t in body if t))


def reindex(session: Session, dataset_id: int) -> None:
    """(Re)write one dataset's index entry in the caller's transaction (on publish, on a metadata
    change); a dataset that is gone leaves the index."""
    dialect = _dialect(session)
    key = "rowid" if dialect == "sqlite" else "dataset_id"
    session.execute(text(f"DELETE FROM search_index WHERE {key} = :id"), {"id": dataset_id})
    dataset = session.get(Dataset, dataset_id)
    if dataset is None:
        return
    title, body = document(session, dataset)
    session.execute(text(f"INSERT INTO search_index ({key}, title, body) VALUES (:id, :title, :body)"),
                    {"id": dataset_id, "title": title, "body": body})
    _remember_terms(session, set(title.split()) | set(body.split()))


def _remember_terms(session: Session, terms: set[str]) -> None:
    """Add new terms to the vocabulary, Arabic ones with their skeleton (for Arabizi queries)."""
    insert = sqlite_insert if _dialect(session) == "sqlite" else pg_insert
    rows = [{"term": t[:200], "skeleton": nz.arabic_skeleton(t) if nz.is_arabic(t) else None} for t in sorted(terms)]
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(TERMS).values(rows[start:start + CHUNK]).on_conflict_do_nothing())


def reindex_all(db: Database) -> int:
    """Rebuild the whole index (after an upgrade, or to repair it); returns the datasets indexed."""
    with db.session() as session:
        ids = session.scalars(select(Dataset.id)).all()
        for dataset_id in ids:
            reindex(session, dataset_id)
    return len(ids)


# queries --------------------------------------------------------------------------------------------
Alternative = tuple[str, ...]  # one term, or a phrase


def expand(session: Session, query: str) -> list[list[Alternative]]:
    """The query as groups of alternatives: each word with its Arabizi readings, Darija equivalents
    and other-script place names, and each multi-word place name with its other names."""
    words = nz.words(query)[:MAX_WORDS]
    terms = [nz.term(w) for w in words]
    known = _known(session, [t for t in terms if nz.is_latin(t)])
    groups: list[list[Alternative]] = []
    for word, term in zip(words, terms, strict=True):
        alts: list[Alternative] = [(v,) for v in nz.variants(term)]
        if nz.is_latin(word) and (nz.looks_arabizi(word) or term not in known):
            alts += [(t,) for t in _arabizi(session, word)]
        for alt in list(alts):
            alts += [(g,) for g in GLOSSARY.get(alt[0], ()) + GLOSSARY.get(word, ())]
        for alt in list(alts):
            alts += list(nz.place_names(alt))
        groups.append(list(dict.fromkeys(alts)))
    for size in (2, 3):
        for i in range(len(terms) - size + 1):
            ngram = tuple(terms[i:i + size])
            if names := nz.place_names(ngram):
                groups.append([ngram, *names])
    return groups


def _known(session: Session, terms: list[str]) -> set[str]:
    if not terms:
        return set()
    found = session.execute(text("SELECT term FROM search_terms WHERE term IN :terms")
                            .bindparams(_expanding("terms")), {"terms": terms})
    return {row[0] for row in found}


def _arabizi(session: Session, word: str) -> list[str]:
    """Indexed Arabic terms an Arabizi word may be (`s7a` -> صحه, `tanja` -> طنجه)."""
    minimum = 2 if nz.looks_arabizi(word) else 3
    skeletons = [s for s in nz.arabizi_skeletons(word) if len(s) >= minimum]
    if not skeletons:
        return []
    rows = session.execute(text("SELECT term FROM search_terms WHERE skeleton IN :s ORDER BY term LIMIT 20")
                           .bindparams(_expanding("s")), {"s": skeletons})
    return [row[0] for row in rows]


def _expanding(name: str) -> Any:
    return bindparam(name, expanding=True)


def _fts5(groups: list[list[Alternative]]) -> str:
    def alt(a: Alternative) -> str:
        phrase = '"' + " ".join(a) + '"'
        return phrase + "*" if len(a) == 1 and len(a[0]) >= 4 and not a[0].isdigit() else phrase
    return " OR ".join("(" + " OR ".join(alt(a) for a in g) + ")" for g in groups)


def _tsquery(groups: list[list[Alternative]]) -> str:
    def alt(a: Alternative) -> str:
        if len(a) == 1:
            return f"'{a[0]}'" + (":*" if len(a[0]) >= 4 and not a[0].isdigit() else "")
        return "(" + " <-> ".join(f"'{t}'" for t in a) + ")"
    return " | ".join("(" + " | ".join(alt(a) for a in g) + ")" for g in groups)


def _matches(session: Session, groups: list[list[Alternative]]) -> dict[int, float]:
    """Dataset id -> score (higher is better) of the datasets whose document matches."""
    if _dialect(session) == "sqlite":
        rows = session.execute(text(f"SELECT rowid, -bm25(search_index, {TITLE_WEIGHT}, 1.0) FROM search_index "
                                    "WHERE search_index MATCH :q"), {"q": _fts5(groups)})
    else:
        rows = session.execute(text("SELECT dataset_id, ts_rank(tsv, q) FROM search_index, "
                                    "to_tsquery('simple', :q) q WHERE tsv @@ q"), {"q": _tsquery(groups)})
    return {int(i): float(s) for i, s in rows}


# search ---------------------------------------------------------------------------------------------
def search(
    db: Database, actor: Actor, query: str | None, *, theme: str | None = None, region: str | None = None,
    institute: str | None = None, license: str | None = None, format: str | None = None,  # noqa: A002
    access: str | None = None, limit: int = 10,
) -> dict[str, Any]:
    """The datasets the actor may see that match `query` (all of them when empty), best first, with
    facet counts over every match and `total`; filters narrow both."""
    filters = _check(query, theme=theme, region=region, access=access, limit=limit, institute=institute,
                     license=license, format=format)
    with db.session() as session:
        groups = expand(session, query or "") if (query or "").strip() else []
        if groups:
            scores = _matches(session, groups)
            datasets = _load(session, scores)
        elif (query or "").strip():  # only stop words or signs: nothing to look for
            scores, datasets = {}, []
        else:
            scores, datasets = {}, list(session.scalars(select(Dataset)))
        formats = _formats(session, [d.id for d in datasets])
        hits = [_hit(d, scores.get(d.id, 0.0), formats.get(d.id)) for d in datasets if can(actor, "see", d)]
    hits = [h for h in hits if _keep(h, filters)]
    hits.sort(key=lambda h: (-h["score"], h["_updated"], h["dataset"]))
    for hit in hits:
        del hit["_updated"]
    return {"query": query or "", "filters": {k: v for k, v in filters.items() if v is not None},
            "total": len(hits), "results": hits[:limit], "facets": _facets(hits)}


def _check(query: str | None, *, limit: int, **filters: Any) -> dict[str, Any]:
    if query is not None and not isinstance(query, str):
        raise InputError("the query must be text", field="q")
    if query and len(query) > MAX_QUERY:
        raise InputError(f"the query is longer than {MAX_QUERY} characters", field="q")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    known = {"theme": THEMES, "region": REGIONS, "access": ACCESS_LEVELS}
    for name, value in filters.items():
        if value is not None and not isinstance(value, str):
            raise InputError(f"{name} must be text", field=name)
        if value is not None and name in known and value not in known[name]:
            raise InputError(f"unknown {name} {value!r}", field=name, hint="one of " + ", ".join(known[name]))
    return filters


def _load(session: Session, scores: dict[int, float]) -> list[Dataset]:
    ids = list(scores)
    found: list[Dataset] = []
    for start in range(0, len(ids), CHUNK):
        found += session.scalars(select(Dataset).where(Dataset.id.in_(ids[start:start + CHUNK])))
    return found


def _formats(session: Session, ids: list[int]) -> dict[int, tuple[int, str | None]]:
    """Dataset id -> (latest version number, the extension of its source file)."""
    out: dict[int, tuple[int, str | None]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        newest = (select(Version.dataset_id, func.max(Version.number).label("n"))
                  .where(Version.dataset_id.in_(chunk)).group_by(Version.dataset_id).subquery())
        rows = session.execute(select(Version.dataset_id, Version.number, Version.source_name).join(
            newest, (Version.dataset_id == newest.c.dataset_id) & (Version.number == newest.c.n)))
        for dataset_id, number, source in rows:
            ext = source.rsplit(".", 1)[-1].lower() if source and "." in source else None
            out[dataset_id] = (number, ext)
    return out


def _hit(dataset: Dataset, score: float, latest: tuple[int, str | None] | None) -> dict[str, Any]:
    meta = dataset.meta or {}
    descriptions = meta.get("description") or {}
    return {
        "dataset": dataset.ref, "score": float(f"{score:.6g}"), "title": dataset.title or dataset.ref,
        "titles": meta.get("title") or {}, "description": dataset.description or next(iter(descriptions.values()), None),
        "institute": dataset.institute.slug, "access_level": dataset.access_level,
        "themes": meta.get("themes", []), "regions": meta.get("regions", []), "license": meta.get("license"),
        "format": latest[1] if latest else None, "latest_version": latest[0] if latest else None,
        "_updated": -dataset.updated_at.timestamp(),
    }


def _keep(hit: dict[str, Any], filters: dict[str, Any]) -> bool:
    checks = {
        "theme": lambda v: v in hit["themes"], "region": lambda v: v in hit["regions"],
        "institute": lambda v: v == hit["institute"], "access": lambda v: v == hit["access_level"],
        "license": lambda v: (hit["license"] or "").casefold() == v.casefold(),
        "format": lambda v: (hit["format"] or "") == v.lower().lstrip("."),
    }
    return all(checks[name](value) for name, value in filters.items() if value is not None)


def _facets(hits: Iterable[dict[str, Any]]) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for hit in hits:
        counts["theme"].update(hit["themes"])
        counts["region"].update(hit["regions"])
        counts["institute"][hit["institute"]] += 1
        counts["access"][hit["access_level"]] += 1
        if hit["license"]:
            counts["license"][hit["license"]] += 1
        if hit["format"]:
            counts["format"][hit["format"]] += 1
    return {name: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))) for name, c in counts.items()}
