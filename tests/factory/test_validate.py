"""Row-local constraints, duplicates over the whole data, split and quarantine records."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jazari.errors import SchemaError
from jazari.factory.cast import CastConfig, cast_batch
from jazari.factory.findings import ERRORS_TYPE, FINDINGS_SCHEMA, QUARANTINE_SCHEMA
from jazari.factory.schema import TableSchema
from jazari.factory.validate import (
    ValidateConfig,
    find_duplicates,
    quarantine_records,
    split_batch,
    validate_batch,
)

SCHEMA = TableSchema.from_dict({
    "fields": [
        {"name": "cin", "constraints": {"required": True, "pattern": "[A-Z]{1,2}[0-9]{5,6}"}},
        {"name": "nom", "constraints": {"minLength": 2, "maxLength": 12}},
        {"name": "age", "type": "integer", "constraints": {"required": True, "minimum": 18, "maximum": 120}},
        {"name": "region", "constraints": {"enum": ["Fès-Meknès", "Oriental", "Souss-Massa"]}},
        {"name": "niveau", "type": "integer", "constraints": {"enum": [1, "2", 3]}},
        {"name": "inscrit", "type": "date", "format": "%d/%m/%Y",
         "constraints": {"minimum": "2020-01-01", "maximum": "2024-12-31"}},
        {"name": "score", "type": "number", "decimalChar": ",", "constraints": {"maximum": 20}},
    ],
    "missingValues": ["", "NA"],
})


def run(schema: TableSchema, **cols: list) -> pa.RecordBatch:
    """Cast then validate a raw batch whose rows start at spreadsheet row 2."""
    n = len(next(iter(cols.values())))
    raw = pa.record_batch({**{k: pa.array(v, pa.string()) for k, v in cols.items()},
                           "_row": pa.array(range(2, 2 + n), pa.int64())})
    return validate_batch(ValidateConfig(schema), cast_batch(CastConfig(schema), raw))


def findings(b: pa.RecordBatch) -> list[tuple[int, str, str, str]]:
    """(row, column, type, message) of every finding."""
    return [(r["_row"], e["column"], e["type"], e["message"]) for r in b.to_pylist() for e in r["_errors"] or []]


def good_row(**change: str) -> dict[str, list[str]]:
    """One valid row, with some cells changed."""
    row = {"cin": "AB123456", "nom": "Fatima Zahra", "age": "34", "region": "Oriental", "niveau": "2",
           "inscrit": "12/03/2024", "score": "15,5"}
    return {k: [change.get(k, v)] for k, v in row.items()}


def test_a_valid_row_has_no_finding() -> None:
    out = run(SCHEMA, **good_row())
    assert out.column("_errors").null_count == 1 and out.schema == cast_batch(
        CastConfig(SCHEMA), pa.record_batch({**{k: pa.array(v) for k, v in good_row().items()},
                                             "_row": pa.array([2])})).schema


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"cin": ""}, ("cin", "required-error", "a value is required")),
        ({"age": "NA"}, ("age", "required-error", "a value is required")),
        ({"cin": "ab123456"}, ("cin", "pattern-error", '"ab123456" does not match the pattern [A-Z]{1,2}[0-9]{5,6}')),
        ({"cin": "AB123456X"}, ("cin", "pattern-error",
                                '"AB123456X" does not match the pattern [A-Z]{1,2}[0-9]{5,6}')),  # full match
        ({"nom": "ب"}, ("nom", "min-length-error", '"ب" has 1 characters, fewer than 2')),
        ({"nom": "ⵜⴰⵎⴰⵣⵉⵖⵜ ⵜⴰⵎⴰⵣⵉⵖⵜ"}, ("nom", "max-length-error",
                                        '"ⵜⴰⵎⴰⵣⵉⵖⵜ ⵜⴰⵎⴰⵣⵉⵖⵜ" has 17 characters, more than 12')),
        ({"age": "17"}, ("age", "minimum-error", "17 is less than the minimum 18")),
        ({"age": "121"}, ("age", "maximum-error", "121 is greater than the maximum 120")),
        ({"region": "Fes-Meknes"}, ("region", "enum-error",
                                    '"Fes-Meknes" is not one of: Fès-Meknès, Oriental, Souss-Massa')),
        ({"niveau": "4"}, ("niveau", "enum-error", '"4" is not one of: 1, 2, 3')),
        ({"inscrit": "31/12/2019"}, ("inscrit", "minimum-error", "2019-12-31 is less than the minimum 2020-01-01")),
        ({"inscrit": "01/01/2025"}, ("inscrit", "maximum-error", "2025-01-01 is greater than the maximum 2024-12-31")),
        ({"score": "20,5"}, ("score", "maximum-error", "20.5 is greater than the maximum 20")),
    ],
)
def test_each_constraint(change: dict[str, str], expected: tuple[str, str, str]) -> None:
    assert findings(run(SCHEMA, **good_row(**change))) == [(2, *expected)]


def test_a_type_error_is_not_also_a_required_error() -> None:
    out = run(SCHEMA, **good_row(age="trente"))
    assert findings(out) == [(2, "age", "type-error", '"trente" is not an integer')]


def test_optional_missing_values_pass_every_constraint() -> None:
    out = run(SCHEMA, **good_row(nom="", region="NA", niveau="", inscrit="", score=""))
    assert out.column("_errors").null_count == 1


def test_several_findings_in_one_row_are_in_field_order() -> None:
    out = run(SCHEMA, **good_row(cin="x", age="12", score="beaucoup"))
    assert [(c, t) for _, c, t, _ in findings(out)] == [
        ("score", "type-error"), ("cin", "pattern-error"), ("age", "minimum-error")]


def test_primary_key_fields_are_required() -> None:
    schema = TableSchema.from_dict({"fields": [{"name": "code"}, {"name": "annee", "type": "year"}],
                                    "primaryKey": ["code", "annee"]})
    assert findings(run(schema, code=["01.511", ""], annee=["", "2024"])) == [
        (2, "annee", "required-error", "a value is required"), (3, "code", "required-error", "a value is required")]


def test_no_constraint_returns_the_batch_itself() -> None:
    schema = TableSchema.from_dict({"fields": [{"name": "a", "type": "integer"}]})
    cast = cast_batch(CastConfig(schema), pa.record_batch({"a": ["1"], "_row": pa.array([2])}))
    assert validate_batch(ValidateConfig(schema), cast) is cast
    alone = validate_batch(ValidateConfig(schema), pa.record_batch({"a": pa.array([1])}))
    assert alone.schema.field("_errors").type == ERRORS_TYPE


def test_a_pattern_re2_refuses_is_a_schema_error() -> None:
    schema = TableSchema.from_dict({"fields": [{"name": "a", "constraints": {"pattern": "(?=x)x"}}]})
    with pytest.raises(SchemaError, match="cannot be applied"):
        run(schema, a=["x"])


def test_split_and_quarantine_records() -> None:
    cols = {k: v * 3 for k, v in good_row().items()}
    cols["age"] = ["34", "quarante", "12"]
    cols["cin"] = ["AB123456", "AB123456", ""]
    out = run(SCHEMA, **cols)
    good, bad = split_batch(out)
    assert good.schema.names == [*SCHEMA.names, "_row"] and good.column("_row").to_pylist() == [2]
    assert bad.column("_row").to_pylist() == [3, 4]
    records = quarantine_records(bad)
    assert records.schema == QUARANTINE_SCHEMA
    rows = records.to_pylist()
    assert [(r["_row"], r["column"], r["type"]) for r in rows] == [
        (3, "age", "type-error"), (4, "cin", "required-error"), (4, "age", "minimum-error")]
    assert rows[0]["value"] == "quarante" and rows[1]["value"] is None
    record = json.loads(rows[0]["record"])
    assert record["age"] == "quarante"  # the text that failed, not null
    assert record["nom"] == "Fatima Zahra" and record["score"] == 15.5 and record["inscrit"] == "2024-03-12"
    assert quarantine_records(split_batch(run(SCHEMA, **good_row()))[1]).num_rows == 0


def _staged(tmp_path, rows: list[dict]) -> str:
    path = tmp_path / "rows.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    return f"read_parquet('{path}')"


def test_duplicates_of_unique_fields_and_primary_key(tmp_path) -> None:
    schema = TableSchema.from_dict({
        "fields": [{"name": "code", "constraints": {"unique": True}}, {"name": "annee", "type": "year"},
                   {"name": "cin", "constraints": {"unique": True}}, {"name": "n", "type": "integer"}],
        "primaryKey": ["code", "annee"]})
    relation = _staged(tmp_path, [
        {"_row": 2, "code": "01.511", "annee": 2024, "cin": "AB1", "n": 1},
        {"_row": 3, "code": "01.521", "annee": 2024, "cin": None, "n": 2},
        {"_row": 4, "code": "01.511", "annee": 2014, "cin": None, "n": 3},
        {"_row": 7, "code": "01.511", "annee": 2024, "cin": "AB1", "n": 4},
        {"_row": 5, "code": "02.111", "annee": 2024, "cin": "CD2", "n": 5},
    ])
    dups = find_duplicates(duckdb.connect(), relation, schema)
    assert dups.schema == FINDINGS_SCHEMA
    assert dups.to_pylist() == [
        {"_row": 4, "column": "code", "type": "unique-error", "message": '"01.511" repeats row 2', "value": "01.511"},
        {"_row": 7, "column": "cin", "type": "unique-error", "message": '"AB1" repeats row 2', "value": "AB1"},
        {"_row": 7, "column": "code", "type": "unique-error", "message": '"01.511" repeats row 2', "value": "01.511"},
        {"_row": 7, "column": "code, annee", "type": "primary-key-error",
         "message": "primary key (code, annee) = (01.511, 2024) repeats row 2", "value": "01.511, 2024"},
    ]


def test_a_single_primary_key_is_reported_once(tmp_path) -> None:
    schema = TableSchema.from_dict({"fields": [{"name": "id", "type": "integer", "constraints": {"unique": True}}],
                                    "primaryKey": "id"})
    relation = _staged(tmp_path, [{"_row": r, "id": i} for r, i in [(2, 1), (3, 2), (4, 1), (5, 1)]])
    dups = find_duplicates(duckdb.connect(), relation, schema).to_pylist()
    assert [(d["_row"], d["type"], d["message"]) for d in dups] == [
        (4, "primary-key-error", "primary key (id) = (1) repeats row 2"),
        (5, "primary-key-error", "primary key (id) = (1) repeats row 2")]


def test_no_unique_key_no_query() -> None:
    schema = TableSchema.from_dict({"fields": [{"name": "a"}]})
    assert find_duplicates(duckdb.connect(), "no_such_table", schema).num_rows == 0


def test_dates_in_duplicate_values(tmp_path) -> None:
    schema = TableSchema.from_dict({"fields": [{"name": "d", "type": "date", "constraints": {"unique": True}}]})
    relation = _staged(tmp_path, [{"_row": 2, "d": dt.date(2024, 3, 12)}, {"_row": 3, "d": dt.date(2024, 3, 12)}])
    assert find_duplicates(duckdb.connect(), relation, schema).column("value").to_pylist() == ["2024-03-12"]
