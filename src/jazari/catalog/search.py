"""Multilingual search over the catalog, in the database itself: an FTS5 table on SQLite, a weighted
`tsvector` with a GIN index on PostgreSQL. Documents and queries go through the one normalisation of
`catalog.normalize`; a query word also matches its Arabizi readings, its Darija equivalents and, for a
place, its name in the other script. Results hold only what the actor may see, ranked alike: the
ranking, the access rule (`governance.access.seen_by`), filters, the total, facet counts (the
`dataset_facets` rows written with each index entry) and paging all run in SQL (docs/search.md)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Float,
    Integer,
    MetaData,
    Row,
    Select,
    String,
    Subquery,
    Table,
    and_,
    any_,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    literal_column,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, load_only

from jazari.catalog import normalize as nz
from jazari.catalog.themes import LANGUAGES, THEMES, region_labels
from jazari.datasets.models import ACCESS_LEVELS, Dataset, Version
from jazari.errors import InputError
from jazari.governance.access import can_see_moderated, seen_by
from jazari.governance.actors import Actor
from jazari.governance.models import REGIONS, Institute
from jazari.store.database import Database

MAX_QUERY = 500
MAX_WORDS = 16
MAX_LIMIT = 100
MAX_OFFSET = 10_000
FACET_WINDOW = 500  # facets count the best 500 matches (every match when there are fewer)
COMMON_SHARE, COMMON_FROM = 0.5, 1000  # a word in half the documents of a catalog of 1,000 or more is common
TITLE_WEIGHT = 4.0  # a word in a title, keyword or theme counts four times one in the body
FACETS = ("theme", "region", "institute", "license", "format", "access")
INDEXED_FACETS = ("theme", "region", "license", "format")  # the rows of `dataset_facets`
CHUNK = 900
_TABLES = MetaData()
TERMS = Table(  # the vocabulary: every indexed term, its skeleton (Arabic terms) and how many documents hold it
    "search_terms", _TABLES, Column("term", String(200), primary_key=True), Column("skeleton", String(200)),
    Column("docs", Integer),
)
CATALOG = ""  # the vocabulary row whose count is the number of indexed documents (no term is empty)
FACETS_TABLE = Table(  # one row per (dataset, facet, value): themes, regions, licence, format (migration 0006)
    "dataset_facets", _TABLES, Column("dataset_id", Integer, primary_key=True), Column("facet", String(20), primary_key=True),
    Column("key", String(200), primary_key=True), Column("value", String(200)),
)
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


def document(dataset: Dataset, latest: Version | None) -> tuple[str, str]:
    """The normalised (title, body) text a dataset is found by: titles, keywords and theme labels;
    descriptions, column names, institute names, region labels, licence and source."""
    meta = dataset.meta or {}
    institute = dataset.institute
    fields = (latest.table_schema or {}).get("fields", []) if latest else []
    labels = region_labels()
    title = [dataset.title, dataset.name.replace("-", " "), *(meta.get("title") or {}).values(),
             *meta.get("keywords", []), *(THEMES[t][lang] for t in meta.get("themes", []) for lang in LANGUAGES)]
    hidden = dataset.description_hidden  # by moderation: its words find nothing until a moderator decides
    body = [None if hidden else dataset.description, *(() if hidden else (meta.get("description") or {}).values()),
            *(str(f.get(k) or "") for f in fields for k in ("name", "title", "description")),
            *(institute.names().values() if institute else ()), institute.slug if institute else "",
            *(labels[r][lang] for r in meta.get("regions", []) for lang in LANGUAGES),
            meta.get("license"), meta.get("source")]
    return nz.normalize(" \n ".join(t for t in title if t)), nz.normalize(" \n ".join(t for t in body if t))


def facet_rows(dataset: Dataset, latest: Version | None) -> set[tuple[str, str, str]]:
    """The (facet, key, value) rows a dataset is filtered and counted by: its themes, regions, licence
    (key case-folded) and format (the extension of its latest version's source file)."""
    meta = dataset.meta or {}
    rows = {("theme", t, t) for t in meta.get("themes", [])} | {("region", r, r) for r in meta.get("regions", [])}
    if meta.get("license"):
        rows.add(("license", meta["license"].casefold()[:200], meta["license"][:200]))
    if ext := _extension(latest.source_name if latest else None):
        rows.add(("format", ext, ext))
    return rows


def _extension(source: str | None) -> str | None:
    return source.rsplit(".", 1)[-1].lower()[:200] if source and "." in source else None


def reindex(session: Session, dataset_id: int) -> None:
    """(Re)write one dataset's index entry and facets in the caller's transaction (on publish, on a
    metadata change); a dataset that is gone leaves the index."""
    reindex_many(session, [dataset_id])


def reindex_many(session: Session, ids: Sequence[int]) -> int:
    """(Re)write the index entries and facets of these datasets in the caller's transaction, a chunk
    at a time, and the vocabulary's document counts; returns how many were indexed (those that are
    gone leave the index)."""
    key = "rowid" if _dialect(session) == "sqlite" else "dataset_id"
    done, counts = 0, Counter[str]()
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start:start + CHUNK])
        for title, body in session.execute(text(f"SELECT title, body FROM search_index WHERE {key} IN :ids")
                                           .bindparams(_expanding("ids")), {"ids": chunk}):
            counts.subtract(_terms(title, body))
        session.execute(text(f"DELETE FROM search_index WHERE {key} IN :ids").bindparams(_expanding("ids")),
                        {"ids": chunk})
        session.execute(delete(FACETS_TABLE).where(FACETS_TABLE.c.dataset_id.in_(chunk)))
        datasets = session.scalars(select(Dataset).where(Dataset.id.in_(chunk))).all()
        latest = _latest(session, chunk)
        entries = [(d.id, *document(d, latest.get(d.id))) for d in datasets]
        facets = [{"dataset_id": d.id, "facet": f, "key": k, "value": v}
                  for d in datasets for f, k, v in sorted(facet_rows(d, latest.get(d.id)))]
        if entries:
            session.execute(text(f"INSERT INTO search_index ({key}, title, body) VALUES (:id, :title, :body)"),
                            [{"id": i, "title": t, "body": b} for i, t, b in entries])
        if facets:
            session.execute(insert(FACETS_TABLE), facets)
        for _i, title, body in entries:
            counts.update(_terms(title, body))
        done += len(entries)
    _count_terms(session, counts)
    return done


def _terms(title: str, body: str) -> set[str]:
    """The vocabulary entries one indexed document counts in: its terms, and `CATALOG` (itself)."""
    return {t[:200] for t in title.split()} | {t[:200] for t in body.split()} | {CATALOG}


def _latest(session: Session, ids: list[int]) -> dict[int, Version]:
    """Dataset id -> its latest published version, for these datasets."""
    newest = _newest(ids)
    found = session.scalars(select(Version).options(load_only(Version.dataset_id, Version.table_schema,
                                                               Version.source_name))
                            .join(newest, (Version.dataset_id == newest.c.dataset_id) & (Version.number == newest.c.n)))
    return {v.dataset_id: v for v in found}


def _count_terms(session: Session, counts: Counter[str]) -> None:
    """Apply these changes of document counts to the vocabulary; a new term comes in with its skeleton
    (Arabizi queries look Arabic terms up by it). In term order, so that concurrent writers lock alike."""
    insert_ = sqlite_insert if _dialect(session) == "sqlite" else pg_insert
    added = [{"term": t, "skeleton": nz.arabic_skeleton(t) if nz.is_arabic(t) else None, "docs": n}
             for t, n in sorted(counts.items()) if n > 0]
    for start in range(0, len(added), CHUNK):
        stmt = insert_(TERMS).values(added[start:start + CHUNK])
        session.execute(stmt.on_conflict_do_update(index_elements=[TERMS.c.term],
                                                   set_={"docs": TERMS.c.docs + stmt.excluded.docs}))
    removed = [{"t": t, "n": -n} for t, n in sorted(counts.items()) if n < 0]
    if removed:
        left = TERMS.c.docs - bindparam("n")
        session.execute(update(TERMS).where(TERMS.c.term == bindparam("t")).values(docs=case((left < 0, 0), else_=left)),
                        removed)


def reindex_all(db: Database) -> int:
    """Rebuild the whole index and the vocabulary's counts (after an upgrade, or to repair them);
    returns the datasets indexed."""
    with db.session() as session:
        session.execute(text("DELETE FROM search_index"))
        session.execute(update(TERMS).values(docs=0))
        ids = session.scalars(select(Dataset.id).order_by(Dataset.id)).all()
        for start in range(0, len(ids), CHUNK):
            reindex_many(session, ids[start:start + CHUNK])
            session.expunge_all()  # this session's own objects only: keep memory flat
        if _dialect(session) == "postgresql":  # the planner learns the catalog's new sizes at once
            session.execute(text("ANALYZE datasets, search_index, dataset_facets, search_terms"))
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


def _prefix(term: str) -> bool:
    """Whether a query term also matches as a prefix (four letters or more, not a number)."""
    return len(term) >= 4 and not term.isdigit()


def _fts5(groups: list[list[Alternative]]) -> str:
    def alt(a: Alternative) -> str:
        phrase = '"' + " ".join(a) + '"'
        return phrase + "*" if len(a) == 1 and _prefix(a[0]) else phrase
    return " OR ".join("(" + " OR ".join(alt(a) for a in g) + ")" for g in groups)


def _tsquery(groups: list[list[Alternative]]) -> str:
    def alt(a: Alternative) -> str:
        if len(a) == 1:
            return f"'{a[0]}'" + (":*" if _prefix(a[0]) else "")
        return "(" + " <-> ".join(f"'{t}'" for t in a) + ")"
    return " | ".join("(" + " | ".join(alt(a) for a in g) + ")" for g in groups)


def informative(session: Session, groups: list[list[Alternative]]) -> list[list[Alternative]]:
    """The query's groups without its common words, when it has others that the catalog holds. A word
    is common when one of its forms is in at least half the documents of a catalog of `COMMON_FROM` or
    more: BM25 gives it no weight (its idf is clamped to nothing), so the datasets it alone would add
    all rank last, in no order; leaving it out keeps the ranking and spares scanning most of the
    catalog (`budget des communes`, where every description says "commune")."""
    if len(groups) < 2:
        return groups
    docs = _documents(session, groups)
    catalog = docs.pop(-1, 0)
    if catalog < COMMON_FROM:
        return groups
    kept = [i for i in range(len(groups)) if docs.get(i, 0) < COMMON_SHARE * catalog]
    if len(kept) == len(groups) or not any(docs.get(i, 0) for i in kept):
        return groups
    return [groups[i] for i in kept]


def _documents(session: Session, groups: list[list[Alternative]]) -> dict[int, int]:
    """Group number -> the most documents one of its words (or the words it is a prefix of) is in,
    from the vocabulary's counts; -1 -> the number of indexed documents."""
    looks = [select(literal(-1).label("g"), TERMS.c.docs.label("n")).where(TERMS.c.term == CATALOG)]
    for i, group in enumerate(groups):
        for (word, *rest) in group:
            if rest:  # a phrase: its words have their own groups
                continue
            where = (and_(TERMS.c.term >= word, TERMS.c.term < word[:-1] + chr(ord(word[-1]) + 1))
                     if _prefix(word) else TERMS.c.term == word)
            looks.append(select(literal(i).label("g"), func.max(TERMS.c.docs).label("n")).where(where))
    found: dict[int, int] = {}
    for group, n in session.execute(union_all(*looks)):
        found[group] = max(found.get(group, 0), n or 0)
    return found


def _matches(session: Session, groups: list[list[Alternative]]) -> Subquery:
    """The datasets whose document matches, as rows (id, score: higher is better): BM25 with titles
    weighted on SQLite (FTS5), `ts_rank` of the weighted `tsvector` on PostgreSQL. The id is
    `rowid + 0`: the full-text match always drives, once; conditions on the id (joins, filters) are
    never handed to FTS5 as rowid look-ups (each would evaluate the query again)."""
    if _dialect(session) == "sqlite":
        sql = (f"SELECT rowid + 0 AS id, -bm25(search_index, {TITLE_WEIGHT}, 1.0) AS score FROM search_index "
               "WHERE search_index MATCH :q")
        q = _fts5(groups)
    else:
        sql = ("SELECT dataset_id AS id, ts_rank(tsv, to_tsquery('simple', :q)) AS score FROM search_index "
               "WHERE tsv @@ to_tsquery('simple', :q)")
        q = _tsquery(groups)
    return text(sql).bindparams(q=q).columns(id=Integer, score=Float).subquery("matches")


# search ---------------------------------------------------------------------------------------------
def search(
    db: Database, actor: Actor, query: str | None, *, theme: str | None = None, region: str | None = None,
    institute: str | None = None, license: str | None = None, format: str | None = None,  # noqa: A002
    access: str | None = None, limit: int = 10, offset: int = 0,
) -> dict[str, Any]:
    """The datasets the actor may see that match `query` (all of them when empty), best first (then
    newest), with the exact `total` and facet counts over the best `FACET_WINDOW` matches (all of them
    when there are fewer: `facets_over` says how many); filters narrow all three. Ranking, the access
    rule, filters, counts and paging run in the database; only the page's datasets are loaded."""
    filters = _check(query, theme=theme, region=region, access=access, limit=limit, offset=offset,
                     institute=institute, license=license, format=format)
    words = (query or "").strip()
    with db.session() as session:
        every = expand(session, words) if words else []
        if words and not every:  # only stop words or signs: nothing to look for
            return _result(query, filters, 0, [], _facets(session, []))
        groups = informative(session, every)
        ranked = _ranked(session, actor, groups, filters)
        best = session.execute(ranked.limit(FACET_WINDOW)).all()
        if not best and groups != every:  # the other words found nothing here: the common ones count
            ranked = _ranked(session, actor, every, filters)
            best = session.execute(ranked.limit(FACET_WINDOW)).all()
        total = _total(session, best, ranked)
        page = (best[offset:offset + limit] if offset + limit <= FACET_WINDOW
                else session.execute(ranked.limit(limit).offset(offset)).all())
        hits = _hits(session, actor, [(row[0], row[1]) for row in page])
        facets = _facets(session, best)
    return _result(query, filters, total, hits, facets)


def _ranked(session: Session, actor: Actor, groups: list[list[Alternative]], filters: dict[str, Any]) -> Select[Any]:
    """The datasets matching `groups` (all of them when there are none) that the actor may see and the
    filters keep, as rows (id, score, institute id, access level, total), best first, then newest.
    They are gathered once (a materialized CTE: the full-text match, the filters, the access rule
    and BM25 in one scan) and counted there. A listing with no words, facet or institute filter walks
    the datasets newest first instead (an index; it stops at the window) and is counted apart."""
    matches = _matches(session, groups) if groups else None
    where = [*_narrowed(filters, Dataset.id if matches is None else matches.c.id), seen_by(actor, Dataset)]
    if matches is None and all(filters[name] is None for name in (*INDEXED_FACETS, "institute")):
        return (select(Dataset.id, literal(0.0, Float), Dataset.institute_id, Dataset.access_level,
                       literal(None, Integer)).where(*where).order_by(Dataset.updated_at.desc(), Dataset.id.desc()))
    source = Dataset.__table__ if matches is None else matches.join(Dataset, Dataset.id == matches.c.id)
    score = literal(0.0, Float) if matches is None else matches.c.score
    hits = (select(Dataset.id, score.label("score"), Dataset.updated_at, Dataset.institute_id, Dataset.access_level)
            .select_from(source).where(*where).cte("hits").prefix_with("MATERIALIZED"))
    total = select(func.count()).select_from(hits).scalar_subquery()
    return (select(hits.c.id, hits.c.score, hits.c.institute_id, hits.c.access_level, total)
            .order_by(hits.c.score.desc(), hits.c.updated_at.desc(), hits.c.id.desc()))


def _total(session: Session, best: Sequence[Row[Any]], ranked: Select[Any]) -> int:
    """How many rows `ranked` has: the count it carries, or all of `best` when the window was not full."""
    if not best:
        return 0
    if best[0][4] is not None:
        return int(best[0][4])
    if len(best) < FACET_WINDOW:
        return len(best)
    return int(session.scalar(select(func.count()).select_from(ranked.order_by(None).subquery())) or 0)


def _result(query: str | None, filters: dict[str, Any], total: int, hits: list[dict[str, Any]],
            facets: tuple[int, dict[str, dict[str, int]]]) -> dict[str, Any]:
    return {"query": query or "", "filters": {k: v for k, v in filters.items() if v is not None},
            "total": total, "results": hits, "facets": facets[1], "facets_over": facets[0]}


def _check(query: str | None, *, limit: int, offset: int, **filters: Any) -> dict[str, Any]:
    if query is not None and not isinstance(query, str):
        raise InputError("the query must be text", field="q")
    if query and len(query) > MAX_QUERY:
        raise InputError(f"the query is longer than {MAX_QUERY} characters", field="q")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET:
        raise InputError(f"offset must be between 0 and {MAX_OFFSET}", field="offset")
    known = {"theme": THEMES, "region": REGIONS, "access": ACCESS_LEVELS}
    for name, value in filters.items():
        if value is not None and not isinstance(value, str):
            raise InputError(f"{name} must be text", field=name)
        if value is not None and name in known and value not in known[name]:
            raise InputError(f"unknown {name} {value!r}", field=name, hint="one of " + ", ".join(known[name]))
    return filters


def _narrowed(filters: dict[str, Any], ids: ColumnElement[int]) -> list[ColumnElement[bool]]:
    """The filters as SQL conditions; facet filters are sets of dataset ids, checked on `ids` (the
    match's id) before anything else is read for a row."""
    where: list[ColumnElement[bool]] = []
    keys = {"theme": str, "region": str, "license": str.casefold, "format": lambda v: v.lower().lstrip(".")}
    for facet, key in keys.items():
        if filters[facet] is not None:
            where.append(ids.in_(select(FACETS_TABLE.c.dataset_id).where(
                FACETS_TABLE.c.facet == facet, FACETS_TABLE.c.key == key(filters[facet]))))
    if filters["institute"] is not None:
        where.append(Dataset.institute_id == select(Institute.id).where(Institute.slug == filters["institute"])
                     .scalar_subquery())
    if filters["access"] is not None:
        where.append(Dataset.access_level == filters["access"])
    return where


def _facets(session: Session, best: Sequence[Row[Any]]) -> tuple[int, dict[str, dict[str, int]]]:
    """How many matches the facets count, and the counts: institute and access level from the ranked
    rows (id, score, institute id, access level), the other facets from their `dataset_facets` rows."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    if best:
        owners = Counter(row[2] for row in best)
        slugs = dict(session.execute(select(Institute.id, Institute.slug).where(Institute.id.in_(owners))).all())
        counts["institute"].update({slugs[i]: n for i, n in owners.items()})
        counts["access"].update(row[3] for row in best)
        rows = session.execute(select(FACETS_TABLE.c.facet, FACETS_TABLE.c.value, func.count())
                               .where(_among(session, FACETS_TABLE.c.dataset_id, [row[0] for row in best]))
                               .group_by(FACETS_TABLE.c.facet, FACETS_TABLE.c.value))
        for facet, value, n in rows:
            counts[facet][value] += n
    return len(best), {name: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))) for name, c in counts.items()}


def _among(session: Session, column: ColumnElement[int], ids: list[int]) -> ColumnElement[bool]:
    """`column IN ids` with the ids bound as one value (a JSON array on SQLite, an array on
    PostgreSQL): a thousand ids are not a thousand parameters to render and bind."""
    if _dialect(session) == "sqlite":
        return column.in_(select(literal_column("value")).select_from(func.json_each(json.dumps(ids))))
    return column == any_(bindparam("ids", ids, type_=ARRAY(Integer)))


def _hits(session: Session, actor: Actor, page: list[tuple[int, float]]) -> list[dict[str, Any]]:
    """The page's datasets in the page's order, read in one query with their latest version; a
    description that moderation hid is left out for all but the dataset's institute."""
    if not page:
        return []
    ids = [dataset_id for dataset_id, _score in page]
    newest = _newest(ids)
    rows = session.execute(
        select(Dataset.id, Institute.slug, Dataset.name, Dataset.title, Dataset.description, Dataset.description_hidden,
               Dataset.access_level, Dataset.meta, newest.c.n, Version.source_name)
        .join(Institute, Institute.id == Dataset.institute_id).outerjoin(newest, newest.c.dataset_id == Dataset.id)
        .outerjoin(Version, (Version.dataset_id == Dataset.id) & (Version.number == newest.c.n))
        .where(Dataset.id.in_(ids)))
    found = {row[0]: row for row in rows}
    return [_hit(actor, found[i], score) for i, score in page]


def _newest(ids: list[int]) -> Subquery:
    """The latest version number of each of these datasets (that has one), as rows (dataset_id, n)."""
    return (select(Version.dataset_id, func.max(Version.number).label("n"))
            .where(Version.dataset_id.in_(ids)).group_by(Version.dataset_id).subquery())


def _hit(actor: Actor, row: Row[Any], score: float) -> dict[str, Any]:
    _id, institute, name, title, description, description_hidden, level, meta, latest, source = row
    meta = meta or {}
    if description_hidden and not can_see_moderated(actor, institute):
        description, meta = None, {k: v for k, v in meta.items() if k != "description"}
    return {
        "dataset": f"{institute}/{name}", "score": float(f"{score:.6g}"), "title": title or f"{institute}/{name}",
        "titles": meta.get("title") or {}, "description": description or next(iter((meta.get("description") or {}).values()), None),
        "institute": institute, "access_level": level,
        "themes": meta.get("themes", []), "regions": meta.get("regions", []), "license": meta.get("license"),
        "format": _extension(source), "latest_version": latest,
    }
