"""Ingest end to end: a messy file in, a validated, profiled, versioned dataset out."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jazari.errors import InvalidName, NotFound, SchemaError, ValidationFailed
from tests.files import COMMUNES, communes_csv, write_csv


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1256", "utf-16"])
def test_communes_in_every_encoding(jz, tmp_path: Path, encoding: str) -> None:
    path = communes_csv(tmp_path / "communes.csv", encoding=encoding)
    result = jz.ingest(path, "hcp/communes-2024", title="Communes, RGPH 2024")
    assert result["version"] == 1 and result["rows_written"] == 4 and result["rows_quarantined"] == 0
    table = jz.load("hcp/communes-2024")
    assert table.column("code").to_pylist() == [r[0] for r in COMMUNES]  # codes stay text
    assert table.column("nom_ar").to_pylist() == [r[2] for r in COMMUNES]  # Arabic intact
    assert table.column("population").to_pylist() == [1275428, 141853, 18405, 5123]
    assert table.column("taux").to_pylist() == [34.55, 8.2, -2.1, 0.75]
    assert str(table.column("date_maj").to_pylist()[0]) == "2024-03-12"
    assert table.column("rural").to_pylist() == [False, False, True, True]
    lineage = jz.version("hcp/communes-2024")["lineage"]
    assert lineage["source"]["name"] == "communes.csv"
    assert lineage["source"]["size"] == path.stat().st_size
    assert lineage["reader_options"]["delimiter"] == ";"


def test_identical_file_is_a_no_op(jz, tmp_path: Path) -> None:
    path = communes_csv(tmp_path / "communes.csv")
    jz.ingest(path, "hcp/communes")
    again = jz.ingest(path, "hcp/communes")
    assert again["unchanged"] is True and "byte-identical" in again["message"]
    assert [v["version"] for v in jz.versions("hcp/communes")] == [1]


def test_versions_replace_append_and_time_travel(jz, tmp_path: Path) -> None:
    jz.ingest(communes_csv(tmp_path / "a.csv", rows=COMMUNES[:2]), "hcp/communes")
    jz.ingest(communes_csv(tmp_path / "b.csv", rows=COMMUNES[2:]), "hcp/communes", mode="append")
    jz.ingest(communes_csv(tmp_path / "c.csv", rows=COMMUNES[:1]), "hcp/communes", mode="replace")
    assert [v["version"] for v in jz.versions("hcp/communes")] == [3, 2, 1]
    assert jz.load("hcp/communes", version=1).num_rows == 2
    assert jz.load("hcp/communes", version=2).num_rows == 4
    assert jz.load("hcp/communes", version=3).num_rows == 1
    assert jz.load("hcp/communes").num_rows == 1
    diff = jz.diff("hcp/communes", 2, 3)
    assert diff["rows"]["delta"] == -3 and diff["schema"]["added"] == []


def test_bad_rows_go_to_quarantine_with_row_and_reason(jz, tmp_path: Path) -> None:
    rows = [r[:] for r in COMMUNES] + [["08.999.01.1", "Imlil", "إمليل", "beaucoup", "1,5", "15/03/2024", "oui"]]
    schema = {"fields": [
        {"name": "code", "type": "string", "constraints": {"required": True, "pattern": r"\d\d\.\d{3}\.\d\d\.\d"}},
        {"name": "nom_fr", "type": "string"}, {"name": "nom_ar", "type": "string"},
        {"name": "population", "type": "integer", "groupChar": " ", "constraints": {"minimum": 0}},
        {"name": "taux", "type": "number", "decimalChar": ",", "constraints": {"maximum": 30}},
        {"name": "date_maj", "type": "date", "format": "%d/%m/%Y"},
        {"name": "rural", "type": "boolean", "trueValues": ["oui"], "falseValues": ["non"]},
    ]}
    schema_path = tmp_path / "schema.json"
    schema_path.write_text(json.dumps(schema))
    result = jz.ingest(communes_csv(tmp_path / "c.csv", rows=rows), "hcp/communes", schema=schema_path)
    assert result["rows_read"] == 5
    assert result["rows_quarantined"] == 2  # "beaucoup" is not an integer; 34,55 > 30
    assert result["rows_written"] == 3
    bad = jz.quarantine("hcp/communes")["rows"]
    by_row = {r["_row"]: r for r in bad}
    assert by_row[6]["column"] == "population" and by_row[6]["value"] == "beaucoup"
    assert by_row[2]["column"] == "taux"
    report = jz.version("hcp/communes")["validation"]
    assert {f["column"] for f in report["findings"]} == {"population", "taux"}


def test_strict_refuses_and_keeps_previous_version(jz, tmp_path: Path) -> None:
    jz.ingest(communes_csv(tmp_path / "good.csv"), "hcp/communes")
    rows = COMMUNES + [["x", "y", "z", "pas un nombre", "1", "01/01/2024", "oui"]]
    schema = jz.version("hcp/communes")["schema"]
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(schema))
    with pytest.raises(ValidationFailed):
        jz.ingest(communes_csv(tmp_path / "bad.csv", rows=rows), "hcp/communes", strict=True, schema=path)
    assert [v["version"] for v in jz.versions("hcp/communes")] == [1]
    assert jz.load("hcp/communes").num_rows == 4


def test_unique_constraint_quarantines_later_duplicates(jz, tmp_path: Path) -> None:
    rows = COMMUNES + [COMMUNES[0]]
    schema = {"fields": [{"name": n, "type": "string"} for n in
                         ["code", "nom_fr", "nom_ar", "population", "taux", "date_maj", "rural"]]}
    schema["fields"][0]["constraints"] = {"unique": True}
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(schema))
    result = jz.ingest(communes_csv(tmp_path / "c.csv", rows=rows), "hcp/communes", schema=path)
    assert result["rows_written"] == 4 and result["rows_quarantined"] == 1
    assert jz.quarantine("hcp/communes")["rows"][0]["_row"] == 6


def test_schema_that_does_not_match(jz, tmp_path: Path) -> None:
    path = tmp_path / "schema.json"
    path.write_text(json.dumps({"fields": [{"name": "id", "type": "integer"}]}))
    with pytest.raises(SchemaError) as info:
        jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/communes", schema=path)
    assert "id" in str(info.value)
    with pytest.raises(NotFound):
        jz.versions("hcp/communes")


@pytest.mark.parametrize("name", ["hcp/../etc", "hcp/my data", "../x", "hcp/a/b", "HCP/x", "hcp/"])
def test_unsafe_names_are_refused(jz, tmp_path: Path, name: str) -> None:
    with pytest.raises(InvalidName):
        jz.ingest(communes_csv(tmp_path / "c.csv"), name)
    assert not any((tmp_path / "home" / "lake").rglob("_delta_log"))


def test_parquet_and_jsonl_and_export(jz, tmp_path: Path) -> None:
    pq.write_table(pa.table({"code": ["01", "02"], "n": [1, 2]}), tmp_path / "t.parquet")
    assert jz.ingest(tmp_path / "t.parquet", "hcp/t")["rows_written"] == 2
    (tmp_path / "e.jsonl").write_text('{"id": 1, "texte": "سلام"}\n{"id": 2, "texte": "=SUM(A1)"}\n',
                                      encoding="utf-8")
    jz.ingest(tmp_path / "e.jsonl", "hcp/events")
    out = tmp_path / "events.csv"
    assert jz.export("hcp/events", out, fmt="csv")["rows"] == 2
    text = out.read_text(encoding="utf-8")
    assert "سلام" in text and "'=SUM(A1)" in text  # formula neutralised
    back = pq.read_table(jz.export("hcp/t", tmp_path / "t2.parquet")["path"])
    assert back.column("code").to_pylist() == ["01", "02"]


def test_header_only_file_gives_an_empty_version(jz, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", ["code", "nom"], [])
    result = jz.ingest(path, "hcp/empty")
    assert result["rows_written"] == 0
    assert jz.load("hcp/empty").schema.names == ["code", "nom"]


@pytest.mark.parametrize("set_aside_rows", [3, 50_000])
def test_bad_rows_of_many_batches_all_reach_quarantine(tmp_path: Path, database_url: str,
                                                       monkeypatch: pytest.MonkeyPatch, set_aside_rows: int) -> None:
    """Rows with findings are made quarantine records a few batches at a time: none is lost or
    misnumbered, whether they are flushed often (3 rows) or once at the end."""
    import jazari
    from jazari.factory import pipeline

    monkeypatch.setattr(pipeline, "SET_ASIDE_ROWS", set_aside_rows)
    rows = [[f"{i:05d}", str(i) if i % 97 else f"n{i}", f"{i % 28 + 1:02d}/02/2024"] for i in range(5_000)]
    rows[4_321][2] = "31/02/2024"  # two findings in one row, in another batch than most
    rows[4_321][1] = "x"
    path = write_csv(tmp_path / "many.csv", ["code", "n", "jour"], rows)
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"fields": [{"name": "code", "type": "string"}, {"name": "n", "type": "integer"},
                                             {"name": "jour", "type": "date", "format": "%d/%m/%Y"}]}))
    node = jazari.open(tmp_path / "home", database_url=database_url, env="test", batch_rows=400)
    try:
        result = node.ingest(path, "hcp/many", schema=schema)
        bad = sorted({i for i in range(5_000) if i % 97 == 0} | {4_321})
        assert result["rows_quarantined"] == len(bad) and result["rows_written"] == 5_000 - len(bad)
        quarantined = node.quarantine("hcp/many", limit=1_000)["rows"]
        assert sorted({r["_row"] for r in quarantined}) == [i + 2 for i in bad]  # line numbers, header is line 1
        assert {r["column"] for r in quarantined if r["_row"] == 4_323} == {"n", "jour"}
        report = node.version("hcp/many")["validation"]
        assert report["rows_with_findings"] == len(bad) and report["findings_count"] == len(bad) + 1
    finally:
        node.close()


def test_times_of_day_are_kept_as_text_and_profiled_as_times(jz, tmp_path: Path) -> None:
    """Delta Lake has no time-of-day type: a time column is stored as text `HH:MM:SS`, so the
    version is written, loads, profiles, validates and exports (it used to crash the Delta write)."""
    path = write_csv(tmp_path / "horaires.csv", ["ligne", "depart", "arrivee"],
                     [["1", "8:15", "08:15:00"], ["2", "12:30", "23:59:59"], ["3", "", "07:00:30.5"],
                      ["4", "9:00", "09:00:00"]])
    result = jz.ingest(path, "hcp/horaires")
    fields = {f["name"]: f["type"] for f in jz.version("hcp/horaires")["schema"]["fields"]}
    assert fields == {"ligne": "integer", "depart": "time", "arrivee": "time"}
    assert result["rows_written"] == 4 and result["rows_quarantined"] == 0
    table = jz.load("hcp/horaires")
    assert table.column("depart").to_pylist() == ["08:15:00", "12:30:00", None, "09:00:00"]
    assert table.column("arrivee").to_pylist() == ["08:15:00", "23:59:59", "07:00:30.5", "09:00:00"]
    profile = {c["name"]: c for c in jz.version("hcp/horaires")["profile"]["columns"]}
    assert profile["depart"]["kind"] == "time" and profile["depart"]["nulls"] == 1
    assert (profile["arrivee"]["min"], profile["arrivee"]["max"]) == ("07:00:30.5", "23:59:59")
    assert profile["arrivee"]["top"][0] == {"value": "07:00:30.5", "count": 1}
    out = tmp_path / "horaires-out.csv"
    jz.export("hcp/horaires", out, fmt="csv")
    assert out.read_text(encoding="utf-8").splitlines()[1].endswith('"08:15:00","08:15:00"')
    pq_out = pq.read_table(jz.export("hcp/horaires", tmp_path / "h.parquet")["path"])
    assert pq_out.column("depart").to_pylist()[:2] == ["08:15:00", "12:30:00"]


def test_time_constraints_and_typed_times_from_parquet(jz, tmp_path: Path) -> None:
    """Time constraints compare times, not text; a Parquet time64 column becomes the same text;
    a value that is no time of day is quarantined with its text."""
    import datetime as dt

    pq.write_table(pa.table({"n": [1, 2, 3], "t": pa.array([dt.time(7, 5), dt.time(12, 30), dt.time(22, 0, 0, 500000)],
                                                        pa.time64("us"))}), tmp_path / "t.parquet")
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"fields": [
        {"name": "n", "type": "integer"},
        {"name": "t", "type": "time", "constraints": {"minimum": "08:00:00", "maximum": "22:00:00"}}]}))
    result = jz.ingest(tmp_path / "t.parquet", "hcp/t", schema=schema)
    assert result["rows_written"] == 1 and result["rows_quarantined"] == 2
    assert jz.load("hcp/t").column("t").to_pylist() == ["12:30:00"]
    assert {r["type"] for r in jz.quarantine("hcp/t")["rows"]} == {"minimum-error", "maximum-error"}
    path = write_csv(tmp_path / "t.csv", ["n", "t"], [["1", "9:30"], ["2", "25:00"], ["3", "midi"]])
    result = jz.ingest(path, "hcp/t", schema=schema)
    assert result["rows_written"] == 1 and result["rows_quarantined"] == 2
    assert {r["value"] for r in jz.quarantine("hcp/t")["rows"]} == {"25:00", "midi"}
