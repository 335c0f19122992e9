"""diff_versions over profiles of real Parquet versions."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jazari.factory.diff import diff_versions
from jazari.factory.profile import profile_relation


def version(tmp_path: Path, name: str, table: pa.Table, types: dict[str, str]) -> dict[str, Any]:
    """A version summary: Table Schema, row count and profile of `table` written to Parquet."""
    path = tmp_path / f"{name}.parquet"
    pq.write_table(table, path)
    profile = profile_relation(duckdb.connect(), f"read_parquet('{path}')", top_k=3)
    schema = {"fields": [{"name": n, "type": types[n]} for n in table.column_names]}
    return {"version": name, "schema": schema, "row_count": table.num_rows, "profile": profile.to_dict()}


@pytest.fixture
def v1(tmp_path: Path) -> dict[str, Any]:
    table = pa.table({
        "id": list(range(100)),
        "city": ["Rabat"] * 50 + ["Fès"] * 30 + ["Oujda"] * 20,
        "amount": [float(i) for i in range(100)],
        "day": [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(100)],
    })
    types = {"id": "integer", "city": "string", "amount": "number", "day": "date"}
    return version(tmp_path, "v1", table, types)


@pytest.fixture
def v2(tmp_path: Path) -> dict[str, Any]:
    table = pa.table({
        "id": [str(i) for i in range(125)],
        "city": ["Rabat"] * 60 + ["Fès"] * 25 + ["الرباط"] * 30 + [None] * 10,
        "day": [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(125)],
        "region": ["R"] * 125,
    })
    types = {"id": "string", "city": "string", "day": "date", "region": "string"}
    return version(tmp_path, "v2", table, types)


def test_schema_changes(v1: dict[str, Any], v2: dict[str, Any]) -> None:
    diff = diff_versions(v1, v2)
    assert (diff["a"], diff["b"], diff["changed"]) == ("v1", "v2", True)
    assert diff["schema"] == {
        "added": [{"name": "region", "type": "string"}],
        "removed": [{"name": "amount", "type": "number"}],
        "type_changed": [{"name": "id", "a": "integer", "b": "string"}],
    }


def test_row_count_delta(v1: dict[str, Any], v2: dict[str, Any]) -> None:
    rows = diff_versions(v1, v2)["rows"]
    assert (rows["a"], rows["b"], rows["delta"], rows["pct"]) == (100, 125, 25, 25.0)


def test_column_statistics(v1: dict[str, Any], v2: dict[str, Any]) -> None:
    columns = {c["name"]: c for c in diff_versions(v1, v2)["columns"]}
    assert list(columns) == ["id", "city", "day"]  # columns in both versions, in b's order
    city = columns["city"]
    assert (city["nulls"]["a"], city["nulls"]["b"], city["nulls"]["delta"]) == (0, 10, 10)
    assert city["nulls"]["pct"] is None  # no percentage of zero
    assert (city["distinct"]["a"], city["distinct"]["b"], city["distinct"]["delta"]) == (3, 3, 0)
    assert not city["distinct"]["changed"]
    assert city["top_appeared"] == [{"value": "الرباط", "count": 30}]
    assert city["top_disappeared"] == [{"value": "Oujda", "count": 20}]
    day = columns["day"]
    assert (day["max"]["a"], day["max"]["b"], day["max"]["delta"]) == ("2024-04-09", "2024-05-04", 25)
    assert not day["min"]["changed"] and day["min"]["delta"] == 0
    ident = columns["id"]
    assert ident["mean"]["a"] == pytest.approx(49.5) and ident["mean"]["b"] is None
    assert ident["changed"]


def test_identical_versions_have_no_changes(v1: dict[str, Any]) -> None:
    diff = diff_versions(v1, v1)
    assert not diff["changed"]
    assert diff["schema"] == {"added": [], "removed": [], "type_changed": []}
    assert diff["rows"]["delta"] == 0 and diff["rows"]["pct"] == 0.0
    assert not any(c["changed"] for c in diff["columns"])
    amount = next(c for c in diff["columns"] if c["name"] == "amount")
    assert amount["mean"]["delta"] == 0.0 and amount["top_appeared"] == []


def test_from_empty_version(tmp_path: Path, v1: dict[str, Any]) -> None:
    empty = pa.table({"id": pa.array([], pa.int64()), "city": pa.array([], pa.string()),
                      "amount": pa.array([], pa.float64()), "day": pa.array([], pa.date32())})
    v0 = version(tmp_path, "v0", empty, {"id": "integer", "city": "string", "amount": "number", "day": "date"})
    diff = diff_versions(v0, v1)
    assert (diff["rows"]["delta"], diff["rows"]["pct"]) == (100, None)
    city = next(c for c in diff["columns"] if c["name"] == "city")
    assert [t["value"] for t in city["top_appeared"]] == ["Rabat", "Fès", "Oujda"]
    assert city["min"]["delta"] is None


def test_is_json_and_works_without_schema(v1: dict[str, Any], v2: dict[str, Any]) -> None:
    bare_a = {"profile": v1["profile"]}
    bare_b = {"profile": v2["profile"]}
    diff = diff_versions(bare_a, bare_b)
    json.dumps(diff, allow_nan=False)
    assert "a" not in diff
    assert diff["rows"]["delta"] == 25  # row count from the profiles
    assert diff["schema"]["type_changed"] == [{"name": "id", "a": "BIGINT", "b": "VARCHAR"}]


def test_hand_written_dicts() -> None:
    a = {"row_count": 2, "schema": {"fields": [{"name": "flag", "type": "boolean"}]},
         "profile": {"columns": [{"name": "flag", "kind": "boolean", "nulls": 0, "distinct": 2,
                                  "top": [{"value": True, "count": 1}, {"value": 1, "count": 1}]}]}}
    b = {"row_count": 2, "schema": {"fields": [{"name": "flag", "type": "boolean"}]},
         "profile": {"columns": [{"name": "flag", "kind": "boolean", "nulls": 0, "distinct": 2,
                                  "top": [{"value": True, "count": 2}]}]}}
    column = diff_versions(a, b)["columns"][0]
    assert column["top_disappeared"] == [{"value": 1, "count": 1}]
    assert column["top_appeared"] == []
