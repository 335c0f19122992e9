"""Sandboxed SQL: one SELECT over the versions the actor may read, audited, paged and bounded;
every way out we could think of (files, network, extensions, settings, other statements, other
datasets, Python objects) is refused; on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from pathlib import Path

import pyarrow as pa
import pytest

from jazari.catalog.query import dataset_refs, run_query
from jazari.errors import Forbidden, InputError, InvalidName, NotFound, QueryTimeout, Unauthenticated
from jazari.governance.actors import Actor
from tests.files import COMMUNES, communes_csv

VIEWER = Actor(name="amina@hcp.ma", roles={"hcp": "viewer"}, via="token")
STEWARD = Actor(name="karim@hcp.ma", roles={"hcp": "steward"})
OP = Actor.operator()


@pytest.fixture
def node(jz, tmp_path: Path):
    """hcp/c (two versions, institute level), dgsn/secret (another institute's), open/p (public)."""
    jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/c")
    jz.ingest(communes_csv(tmp_path / "d.csv", rows=COMMUNES[:2]), "hcp/c")
    jz.ingest(communes_csv(tmp_path / "s.csv"), "dgsn/secret")
    jz.ingest(communes_csv(tmp_path / "p.csv"), "open/p")
    jz.datasets_service.update(OP, "open/p", access_level="public")
    return jz


def _query_events(jz, ref: str) -> list[dict]:
    return [e for e in jz.audit(ref) if e["action"] == "query"]


def test_a_select_over_a_dataset_pages_its_rows(node) -> None:
    sql = 'SELECT nom_fr, population FROM "hcp/c@1" ORDER BY population DESC'
    first = node.query(sql, limit=3, actor=VIEWER)
    assert first["columns"] == ["nom_fr", "population"] and first["types"] == ["string", "int64"]
    assert [r["nom_fr"] for r in first["rows"]] == ["Tanger", "Gueznaia", "Aïn Bni Mathar"]
    assert (first["has_more"], first["next_offset"]) == (True, 3)
    assert first["datasets"] == [{"name": "hcp/c@1", "dataset": "hcp/c", "version": 1}]
    last = node.query(sql, limit=3, offset=3, actor=VIEWER)
    assert last["rows"] == [{"nom_fr": "Tafraout", "population": 5123}]
    assert (last["has_more"], last["next_offset"]) == (False, None)


def test_a_name_without_version_is_the_latest_and_joins_work(node) -> None:
    result = node.query('SELECT count(*) AS n, count(DISTINCT o.code) AS both FROM "hcp/c" o '
                        'JOIN "hcp/c@1" a USING (code);', actor=VIEWER)
    assert result["rows"] == [{"n": 2, "both": 2}]
    assert [(d["dataset"], d["version"]) for d in result["datasets"]] == [("hcp/c", 2), ("hcp/c", 1)]


def test_values_become_json(node) -> None:
    result = node.query("SELECT DATE '2024-03-12' AS d, 1.5::DECIMAL(4,2) AS x, 'nan'::DOUBLE AS n, "
                        "'\\x01'::BLOB AS b, [1, 2] AS l, {'k': 'طنجة'} AS s", actor=VIEWER)
    assert result["rows"] == [{"d": "2024-03-12", "x": 1.5, "n": None, "b": "01", "l": [1, 2],
                               "s": {"k": "طنجة"}}]


def test_queries_of_non_public_data_are_audited_with_their_sql(node) -> None:
    sql = 'SELECT count(*) FROM "hcp/c" JOIN "open/p" USING (code)'
    node.query(sql, actor=VIEWER)
    [event] = _query_events(node, "hcp/c")
    assert (event["actor"], event["version"]) == (VIEWER.name, 2)
    assert event["details"] == {"sql": sql, "via": "token"}
    assert _query_events(node, "open/p") == []  # public data: no audit
    assert node.audit_verify()["ok"]


def test_anonymous_reads_public_data_only(node) -> None:
    anonymous = Actor.anonymous()
    assert node.query('SELECT count(*) AS n FROM "open/p"', actor=anonymous)["rows"] == [{"n": 4}]
    with pytest.raises((Unauthenticated, NotFound)):
        node.query('SELECT count(*) FROM "hcp/c"', actor=anonymous)


OTHER_DATASET = [
    'SELECT * FROM "hcp/c" WHERE code IN (SELECT code FROM "dgsn/secret")',
    'SELECT * FROM "hcp/c" UNION ALL SELECT * FROM "dgsn/secret"',
    'SELECT (SELECT max(population) FROM "dgsn/secret@1") AS m',
    'WITH "dgsn/secret" AS (SELECT 1 AS x) SELECT * FROM "dgsn/secret"',  # a CTE named like a dataset
    'SELECT * FROM memory.main."dgsn/secret"',
]


def test_a_dataset_the_actor_may_not_read_refuses_the_whole_query(node) -> None:
    for sql in OTHER_DATASET:
        with pytest.raises((Forbidden, NotFound)):
            node.query(sql, actor=VIEWER)
    assert _query_events(node, "hcp/c") == [] and _query_events(node, "dgsn/secret") == []


def test_a_cte_named_like_a_readable_dataset_is_only_the_cte(node) -> None:
    result = node.query('WITH "hcp/c" AS (SELECT 1 AS x) SELECT * FROM "hcp/c"', actor=VIEWER)
    assert result["rows"] == [{"x": 1}]


def test_names_in_strings_and_comments_are_not_references(node) -> None:
    sql = ('SELECT \'"dgsn/secret"\' AS s FROM "hcp/c" -- "dgsn/secret"\n'
           '/* "dgsn/secret" */ LIMIT 1')
    assert dataset_refs(sql) == [("hcp/c", "hcp/c", None)]
    assert node.query(sql, actor=VIEWER)["rows"] == [{"s": '"dgsn/secret"'}]


def test_a_table_function_by_name_cannot_reach_an_unnamed_dataset(node) -> None:
    for sql in ("SELECT * FROM query_table('dgsn/secret')", "SELECT * FROM query('SELECT * FROM \"dgsn/secret\"')"):
        with pytest.raises((InputError, Forbidden, NotFound)):
            node.query(sql, actor=VIEWER)


def _lake_file(jz, ref: str) -> Path:
    return next((jz.settings.lake_dir / ref).rglob("*.parquet"))


OUT_OF_REACH = [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/hostname')",
    "SELECT * FROM '/etc/passwd'",
    "SELECT * FROM glob('/*')",
    "SELECT * FROM read_csv_auto('http://127.0.0.1:9/x.csv')",
    "SELECT * FROM read_parquet('https://example.org/x.parquet')",
    "SELECT * FROM read_parquet('{lake}')",  # another dataset's files in the lake
    "SELECT * FROM '{lake}'",
    "SELECT * FROM sniff_csv('/etc/passwd')",
    "SELECT * FROM secret",  # a Python variable of the caller (a replacement scan)
]


def test_files_network_and_python_objects_are_out_of_reach(node) -> None:
    secret = pa.table({"code": ["leak"]})  # noqa: F841 - what a replacement scan would find
    for sql in OUT_OF_REACH:
        with pytest.raises((Forbidden, InputError)) as refused:
            node.query(sql.format(lake=_lake_file(node, "dgsn/secret")), actor=VIEWER)
        assert "leak" not in str(refused.value) and "Tanger" not in str(refused.value), sql
    with pytest.raises(Forbidden, match="no files, network"):
        node.query("SELECT * FROM read_csv('/etc/passwd')", actor=VIEWER)


def test_only_the_named_versions_files_can_be_opened(node) -> None:
    lake = node.settings.lake_dir / "hcp" / "c" / "data"
    v1, v2 = (node.lake.files(lake, node.version("hcp/c", n)["lineage"]["delta_version"]) for n in (1, 2))
    assert v1 and v2 and set(v1).isdisjoint(v2)  # version 2 replaced version 1's files
    for sql in (f"SELECT * FROM \"hcp/c@2\", read_parquet('{v1[0]}')",  # the older version's file
                f"SELECT * FROM \"hcp/c@2\", read_parquet('{lake}/*.parquet')",  # every file of the table
                f"SELECT * FROM \"hcp/c@2\", glob('{lake}/*')",
                f"SELECT * FROM \"hcp/c@2\", read_csv('{lake}/_delta_log/00000000000000000000.json')"):
        with pytest.raises(Forbidden):
            node.query(sql, actor=VIEWER)
    assert node.query('SELECT count(*) AS n FROM "hcp/c@1"', actor=VIEWER)["rows"] == [{"n": 4}]
    assert node.query('SELECT count(*) AS n FROM "hcp/c@2"', actor=VIEWER)["rows"] == [{"n": 2}]


def test_an_appended_version_reads_all_its_files_and_an_empty_one_none(jz, tmp_path: Path) -> None:
    jz.ingest(communes_csv(tmp_path / "a.csv", rows=COMMUNES[:3]), "hcp/a")
    jz.ingest(communes_csv(tmp_path / "b.csv", rows=COMMUNES[3:]), "hcp/a", mode="append")
    (tmp_path / "e.csv").write_text("code;nom\n")
    jz.ingest(tmp_path / "e.csv", "hcp/empty")
    result = jz.query('SELECT (SELECT count(*) FROM "hcp/a") AS now, (SELECT count(*) FROM "hcp/a@1") AS before, '
                      '(SELECT count(*) FROM "hcp/empty") AS empty', actor=VIEWER)
    assert result["rows"] == [{"now": 4, "before": 3, "empty": 0}]
    assert jz.query('SELECT * FROM "hcp/empty"', actor=VIEWER)["columns"] == ["code", "nom"]


NOT_ONE_SELECT = [
    "COPY \"hcp/c\" TO '{out}'",
    "COPY (SELECT * FROM \"hcp/c\") TO '{out}' (FORMAT csv)",
    "EXPORT DATABASE '{out}'",
    "ATTACH '{out}' AS x",
    "ATTACH ':memory:' AS x",
    "INSTALL httpfs",
    "LOAD httpfs",
    "PRAGMA version",
    "SET enable_external_access = true",
    "RESET lock_configuration",
    "CREATE TABLE t AS SELECT * FROM \"hcp/c\"",
    "CREATE SECRET s (TYPE s3, KEY_ID 'x', SECRET 'y')",
    "CALL pragma_version()",
    "EXPLAIN ANALYZE SELECT 1",
    "PIVOT \"hcp/c\" ON rural",
    "SELECT 1; COPY \"hcp/c\" TO '{out}'",
    "SELECT 1; SELECT 2",
    "SELECT 1) AS q; COPY \"hcp/c\" TO '{out}'; SELECT (1",
]


def test_only_one_select_may_run(node, tmp_path: Path) -> None:
    out = tmp_path / "escaped.csv"
    for sql in NOT_ONE_SELECT:
        with pytest.raises(InputError):
            node.query(sql.format(out=out), actor=VIEWER)
        assert not out.exists(), sql
    assert _query_events(node, "hcp/c") == []


def test_a_trailing_comment_or_semicolon_is_still_one_select(node) -> None:
    assert node.query("SELECT 1 AS x; -- done", actor=VIEWER)["rows"] == [{"x": 1}]


def test_settings_cannot_be_changed_from_a_select(node) -> None:
    for sql in ("SELECT set_config('enable_external_access', 'true')",
                "SELECT * FROM duckdb_settings() WHERE name = 'x'; SET threads = 64"):
        with pytest.raises(InputError):
            node.query(sql, actor=VIEWER)
    sealed = node.query("SELECT name, value FROM duckdb_settings() WHERE name IN "
                        "('enable_external_access', 'lock_configuration', 'python_enable_replacements')"
                        " ORDER BY name", actor=VIEWER)
    assert [r["value"] for r in sealed["rows"]] == ["false", "true", "false"]


def test_a_cross_join_blow_up_is_stopped_by_the_timeout(node) -> None:
    sql = 'SELECT sum(a.population * b.range) FROM "hcp/c" a, range(100000000000) b'
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as stopped:
        run_query(node.datasets_service, VIEWER, sql, timeout_s=0.5)
    assert time.monotonic() - started < 10
    assert stopped.value.status == 408 and stopped.value.to_dict()["error"]["code"] == "query_timeout"


def test_a_flood_of_queries_runs_a_few_at_once_and_refuses_the_rest(node) -> None:
    """DuckDB's memory limit does not bound every allocation (a `repeat('x', 10^9)` takes GBs whatever
    it says), and anyone may query public data: so a node runs a bounded number of queries at once
    and answers the others 429 at once, instead of letting a flood take the machine's memory."""
    import threading

    from jazari.errors import RateLimited
    from jazari.store.duck import SANDBOXES

    slow = 'SELECT sum(a.population * b.range) FROM "hcp/c" a, range(100000000000) b'
    outcomes: list[type] = []

    def busy() -> None:
        try:
            run_query(node.datasets_service, VIEWER, slow, timeout_s=3)
        except Exception as exc:  # noqa: BLE001 - the outcome is what is checked
            outcomes.append(type(exc))

    before = len(_query_events(node, "hcp/c"))
    threads = [threading.Thread(target=busy) for _ in range(SANDBOXES)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while len(_query_events(node, "hcp/c")) < before + SANDBOXES and time.monotonic() < deadline:
        time.sleep(0.05)  # every slot is taken once its query is audited
    started = time.monotonic()
    with pytest.raises(RateLimited) as refused:
        run_query(node.datasets_service, VIEWER, 'SELECT count(*) FROM "open/p"')
    assert refused.value.status == 429 and time.monotonic() - started < 2.5
    for thread in threads:
        thread.join()
    assert outcomes == [QueryTimeout] * SANDBOXES
    assert node.query('SELECT count(*) AS n FROM "open/p"', actor=VIEWER)["rows"] == [{"n": 4}]  # free again


def test_a_query_over_its_memory_is_refused_clearly(node) -> None:
    sql = "SELECT list(range) FROM range(50000000) GROUP BY range % 2"
    with pytest.raises((InputError, QueryTimeout)):
        run_query(node.datasets_service, VIEWER, sql, memory="20MB", spill="1MB", timeout_s=20)


def test_syntax_errors_say_where(node) -> None:
    with pytest.raises(InputError) as bad:
        node.query('SELECT nom_fr,\n  FROM FROM "hcp/c"', actor=VIEWER)
    assert bad.value.context["line"] == 2 and bad.value.context["column"] >= 3
    assert "syntax error" in bad.value.message
    with pytest.raises(InputError) as unknown:
        node.query('SELECT nom FROM "hcp/c"', actor=VIEWER)
    assert 'nom' in unknown.value.message and "nom_fr" in (unknown.value.hint or "")


@pytest.mark.parametrize(("sql", "kwargs", "error", "field"), [
    ("", {}, InputError, "sql"),
    ("   ", {}, InputError, "sql"),
    ('SELECT * FROM "hcp/c"', {"limit": 0}, InputError, "limit"),
    ('SELECT * FROM "hcp/c"', {"limit": 10_001}, InputError, "limit"),
    ('SELECT * FROM "hcp/c"', {"offset": -1}, InputError, "offset"),
    ('SELECT * FROM "hcp/c@0"', {}, InputError, "sql"),
    ('SELECT * FROM "hcp/c@x"', {}, InputError, "sql"),
    ('SELECT * FROM "HCP/c"', {}, InvalidName, "dataset"),
    ('SELECT * FROM "hcp/nothing"', {}, NotFound, "dataset"),
    ("SELECT * FROM nothing", {}, InputError, "sql"),
])
def test_bad_input_is_named(node, sql: str, kwargs: dict, error: type, field: str) -> None:
    with pytest.raises(error) as refused:
        node.query(sql, actor=VIEWER, **kwargs)
    assert refused.value.context.get("field") == field


def test_an_unknown_version_is_not_found(node) -> None:
    with pytest.raises(NotFound, match="version 9"):
        node.query('SELECT * FROM "hcp/c@9"', actor=VIEWER)
