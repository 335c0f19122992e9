"""The preview (`rows`): pages in file order or sorted, filtered by text, counted; read from the
version's own Parquet files (time travel exact, appends whole), with names and texts that cannot
become SQL; on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jazari.datasets import preview
from jazari.errors import Forbidden, InputError, NotFound, QueryTimeout
from jazari.governance.actors import Actor
from jazari.store import duck
from tests.files import write_csv

VIEWER = Actor(name="amina@hcp.ma", roles={"hcp": "viewer"}, via="token")
OUTSIDER = Actor(name="omar@dgsn.ma", roles={"dgsn": "viewer"})
HEADER = ["code", "nom", "region", "population"]
PLACES = [
    ["001", "Tanger", "Tanger-Tétouan", "1275428"],
    ["002", "Gueznaia", "Tanger-Tétouan", "141853"],
    ["003", "Aïn Bni Mathar", "Oriental", "18405"],
    ["004", "Tafraout", "Souss-Massa", ""],
    ["005", "AÏN TAOUJDATE", "Fès-Meknès", "22700"],
    ["006", "طنجة البالية", "Tanger-Tétouan", "18405"],
]


@pytest.fixture
def node(jz, tmp_path: Path):
    jz.ingest(write_csv(tmp_path / "p.csv", HEADER, PLACES), "hcp/p")
    return jz


def _codes(page: dict) -> list[str]:
    return [r["code"] for r in page["rows"]]


def test_a_filter_keeps_rows_containing_its_text_in_any_case(node) -> None:
    page = node.rows("hcp/p", filters={"nom": "aïn"}, actor=VIEWER)
    assert _codes(page) == ["003", "005"]  # file order; "AÏN" matches "aïn"
    assert (page["matched"], page["total"], page["has_more"]) == (2, 6, False)
    assert page["filters"] == {"nom": "aïn"} and page["sort"] is None
    assert _codes(node.rows("hcp/p", filters={"nom": "طنجة"}, actor=VIEWER)) == ["006"]
    numbers = node.rows("hcp/p", filters={"population": "184"}, actor=VIEWER)  # a number read as text
    assert _codes(numbers) == ["003", "006"]


def test_filters_are_anded_and_an_empty_text_keeps_every_row(node) -> None:
    page = node.rows("hcp/p", filters={"region": "tanger", "population": "184"}, actor=VIEWER)
    assert _codes(page) == ["006"] and page["matched"] == 1
    assert node.rows("hcp/p", filters={"region": "TANGER", "nom": ""}, actor=VIEWER)["matched"] == 3
    nothing = node.rows("hcp/p", filters={"nom": "casablanca"}, actor=VIEWER)
    assert (nothing["rows"], nothing["matched"], nothing["has_more"]) == ([], 0, False)


def test_sort_both_ways_puts_empty_cells_last(node) -> None:
    up = node.rows("hcp/p", sort="population", actor=VIEWER)
    assert _codes(up) == ["003", "006", "005", "002", "001", "004"]  # 003 and 006 tie: file order
    down = node.rows("hcp/p", sort="population", descending=True, actor=VIEWER)
    assert _codes(down) == ["001", "002", "005", "003", "006", "004"]
    assert (down["sort"], down["descending"], down["matched"]) == ("population", True, 6)


def test_sorted_filtered_pages_follow_each_other_without_gap_or_repeat(jz, tmp_path: Path) -> None:
    rows = [[f"{i:03d}", f"commune {i % 3}", ["Nord", "Sud"][i % 2], str(i % 4)] for i in range(40)]
    jz.ingest(write_csv(tmp_path / "ties.csv", HEADER, rows), "hcp/ties")
    whole = jz.rows("hcp/ties", sort="population", filters={"nom": "commune"}, limit=100)
    pages, offset = [], 0
    while True:
        page = jz.rows("hcp/ties", sort="population", filters={"nom": "commune"}, offset=offset, limit=7)
        pages += page["rows"]
        assert page["matched"] == 40
        if not page["has_more"]:
            break
        offset += 7
    assert pages == whole["rows"] and len({r["code"] for r in pages}) == 40
    assert [r["population"] for r in pages] == sorted(r["population"] for r in pages)
    again = jz.rows("hcp/ties", sort="population", filters={"nom": "commune"}, offset=7, limit=7)
    assert again["rows"] == pages[7:14]  # the same page every time


def test_pages_count_has_more_from_the_matching_rows(node) -> None:
    first = node.rows("hcp/p", filters={"region": "tanger"}, limit=2, actor=VIEWER)
    assert (_codes(first), first["has_more"]) == (["001", "002"], True)
    last = node.rows("hcp/p", filters={"region": "tanger"}, limit=2, offset=2, actor=VIEWER)
    assert (_codes(last), last["has_more"], last["matched"]) == (["006"], False, 3)
    unfiltered = node.rows("hcp/p", limit=5, offset=1, actor=VIEWER)
    assert (unfiltered["matched"], unfiltered["has_more"], len(unfiltered["rows"])) == (6, False, 5)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"sort": "nope"}, "sort"),
    ({"sort": ""}, "sort"),
    ({"sort": 3}, "sort"),
    ({"descending": "yes"}, "descending"),
    ({"filters": {"nope": "x"}}, "filters"),
    ({"filters": {"nom": 3}}, "filters"),
    ({"filters": ["nom"]}, "filters"),
    ({"filters": {"nom": "x" * 1001}}, "filters"),
    ({"limit": 0}, "limit"),
    ({"limit": 1001}, "limit"),
    ({"offset": -1}, "offset"),
])
def test_bad_requests_name_the_field_and_are_not_audited(node, kwargs: dict, field: str) -> None:
    with pytest.raises(InputError) as refused:
        node.rows("hcp/p", actor=VIEWER, **kwargs)
    assert refused.value.context["field"] == field
    assert [e for e in node.audit("hcp/p") if e["action"] == "read.rows"] == []


def test_an_unknown_column_lists_the_version_columns(node) -> None:
    with pytest.raises(InputError) as refused:
        node.rows("hcp/p", sort="Nom", actor=VIEWER)
    assert "'Nom'" in refused.value.message and "hcp/p version 1" in refused.value.message
    assert "code, nom, region, population" in (refused.value.hint or "")


def test_the_read_is_audited_with_its_sort_and_filters(node) -> None:
    node.rows("hcp/p", sort="nom", descending=True, filters={"region": "oriental"}, limit=5, actor=VIEWER)
    [event] = [e for e in node.audit("hcp/p") if e["action"] == "read.rows"]
    assert event["details"] == {"offset": 0, "limit": 5, "sort": "nom", "descending": True,
                                "filters": {"region": "oriental"}, "via": "token"}
    with pytest.raises((Forbidden, NotFound)):
        node.rows("hcp/p", filters={"nom": "tanger"}, actor=OUTSIDER)


def test_names_and_texts_cannot_become_sql(jz, tmp_path: Path) -> None:
    evil = "n\"); SELECT * FROM read_csv('/etc/passwd') --"
    path = tmp_path / "evil.parquet"
    pq.write_table(pa.table({"code": ["a", "b", "c"], evil: ["x'y", "Zed", None], "n": [3, 1, 2]}), path)
    jz.ingest(path, "hcp/evil")
    page = jz.rows("hcp/evil", sort=evil, descending=True, filters={evil: "'"})
    assert page["rows"] == [{"code": "a", evil: "x'y", "n": 3}] and page["matched"] == 1
    assert _codes(jz.rows("hcp/evil", sort=evil)) == ["b", "a", "c"]  # text by code point; empty last
    for text in ("') OR 1=1 --", "%", "_", "\\"):
        assert jz.rows("hcp/evil", filters={"code": text})["matched"] == 0, text
    with pytest.raises(InputError):
        jz.rows("hcp/evil", sort='code" DESC, "n')
    assert "root:" not in str(jz.rows("hcp/evil"))


def test_a_data_column_named_like_duckdbs_row_position_still_sorts_stably(jz, tmp_path: Path) -> None:
    path = tmp_path / "clash.parquet"
    pq.write_table(pa.table({"file_index": [1, 1, 1, 0], "file_row_number": [9, 8, 7, 6],
                             "v": ["b", "a", "a", "a"]}), path)
    jz.ingest(path, "hcp/clash")
    page = jz.rows("hcp/clash", sort="v")
    assert page["columns"] == ["file_index", "file_row_number", "v"]
    assert [(r["file_index"], r["file_row_number"]) for r in page["rows"]] == [(0, 6), (1, 7), (1, 8), (1, 9)]


def test_each_version_reads_its_own_files_and_an_append_reads_all(jz, tmp_path: Path) -> None:
    jz.ingest(write_csv(tmp_path / "a.csv", HEADER, PLACES[:3]), "hcp/t")
    jz.ingest(write_csv(tmp_path / "b.csv", HEADER, PLACES[3:5]), "hcp/t")  # replace
    jz.ingest(write_csv(tmp_path / "c.csv", HEADER, PLACES[5:]), "hcp/t", mode="append")
    assert _codes(jz.rows("hcp/t", 1)) == ["001", "002", "003"]
    assert _codes(jz.rows("hcp/t", 2)) == ["004", "005"]
    latest = jz.rows("hcp/t", sort="code", descending=True)
    assert (latest["version"], _codes(latest), latest["total"]) == (3, ["006", "005", "004"], 3)
    assert jz.rows("hcp/t", 1, filters={"nom": "tafraout"})["matched"] == 0


def test_quarantined_rows_and_columns_stay_out_of_the_preview(jz, tmp_path: Path) -> None:
    bad = [*PLACES[:3], ["007", "Nulle part", "Oriental", "beaucoup"]]
    schema = tmp_path / "schema.json"
    schema.write_text('{"fields": [{"name": "code", "type": "string"}, {"name": "nom", "type": "string"}, '
                      '{"name": "region", "type": "string"}, {"name": "population", "type": "integer"}]}')
    jz.ingest(write_csv(tmp_path / "bad.csv", HEADER, bad), "hcp/q", schema=schema)
    page = jz.rows("hcp/q", filters={"region": "oriental"})
    assert page["columns"] == HEADER and _codes(page) == ["003"] and page["total"] == 3
    assert jz.quarantine("hcp/q")["rows"]  # the bad row is set aside, not previewed


def test_the_preview_database_reads_only_the_lake(jz, tmp_path: Path) -> None:
    outside = tmp_path / "outside.csv"
    outside.write_text("a\n1\n")
    with jz.datasets_service.reader.cursor() as cursor:
        for sql in (f"SELECT * FROM read_csv('{outside}')", "SELECT * FROM read_text('/etc/hostname')",
                    "SET enable_external_access = true"):
            with pytest.raises(duckdb.Error):
                cursor.sql(sql).fetchall()
    assert duck.identifier('a"b') == '"a""b"' and duck.literal("it's") == "'it''s'"


def test_a_preview_over_its_time_is_stopped_clearly(jz, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "floats.parquet"
    pq.write_table(pa.table({"x": [i / 7 for i in range(300_000)]}), path)
    jz.ingest(path, "hcp/floats")
    monkeypatch.setattr(preview, "TIMEOUT_S", 0.002)
    with pytest.raises(QueryTimeout) as stopped:
        jz.rows("hcp/floats", filters={"x": "999"}, sort="x")  # every float written as text, then sorted
    assert stopped.value.status == 408 and "preview" in stopped.value.message
    monkeypatch.setattr(preview, "TIMEOUT_S", 30.0)
    assert jz.rows("hcp/floats", filters={"x": "0.142857"}, limit=1)["matched"] > 0  # the reader still works
