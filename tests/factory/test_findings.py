"""ValidationReport: counts by (type, column), first examples by row, mergeable partial states."""

from __future__ import annotations

import json

import pyarrow as pa

from jazari.factory.cast import CastConfig, cast_batch
from jazari.factory.findings import FINDING_TYPES, FINDINGS_SCHEMA, ValidationReport
from jazari.factory.schema import TableSchema
from jazari.factory.validate import ValidateConfig, quarantine_records, split_batch, validate_batch

SCHEMA = TableSchema.from_dict({"fields": [
    {"name": "age", "type": "integer", "constraints": {"minimum": 0}},
    {"name": "nom", "constraints": {"required": True}},
]})


def checked(first_row: int, ages: list[str], noms: list[str | None]) -> pa.RecordBatch:
    """A validated batch."""
    raw = pa.record_batch({"age": pa.array(ages, pa.string()), "nom": pa.array(noms, pa.string()),
                           "_row": pa.array(range(first_row, first_row + len(ages)), pa.int64())})
    return validate_batch(ValidateConfig(SCHEMA), cast_batch(CastConfig(SCHEMA), raw))


def test_update_with_validated_batches() -> None:
    report = ValidationReport()
    assert report.ok and report.finalize()["findings"] == []
    report.update(checked(2, ["1", "x", "-1", "y"], ["a", None, "b", "c"]))
    report.update(checked(6, [str(-k) for k in range(1, 9)], ["z"] * 8))
    d = report.finalize()
    assert not report.ok and json.loads(json.dumps(d)) == d
    assert (d["rows_read"], d["rows_with_findings"], d["findings_count"]) == (12, 11, 12)
    top = d["findings"][0]
    assert (top["type"], top["column"], top["count"]) == ("minimum-error", "age", 9)
    assert [e["row"] for e in top["examples"]] == [4, 6, 7, 8, 9]
    assert top["examples"][0] == {"row": 4, "value": "-1", "message": "-1 is less than the minimum 0"}
    assert {(f["type"], f["column"], f["count"]) for f in d["findings"][1:]} == {
        ("type-error", "age", 2), ("required-error", "nom", 1)}


def test_update_with_quarantine_records_or_duplicates() -> None:
    bad = split_batch(checked(2, ["x", "-1"], [None, "b"]))[1]
    report = ValidationReport().update(quarantine_records(bad))
    dups = pa.Table.from_pylist([{"_row": 9, "column": "nom", "type": "unique-error",
                                  "message": '"b" repeats row 3', "value": "b"}], FINDINGS_SCHEMA)
    report.update(dups)
    d = report.finalize(rows_read=10)
    assert (d["rows_read"], d["rows_with_findings"], d["findings_count"]) == (10, 3, 4)
    assert {f["type"] for f in d["findings"]} <= set(FINDING_TYPES)


def test_merge_is_order_independent_and_keeps_first_examples() -> None:
    parts = [ValidationReport().update(checked(2 + 10 * k, [str(-k - 1)] * 10, ["x"] * 10)) for k in range(4)]
    one = parts[3].merge(parts[1]).merge(parts[0].merge(parts[2]))
    other = parts[0].merge(parts[1]).merge(parts[2]).merge(parts[3])
    assert one.finalize() == other.finalize()
    d = one.finalize()
    assert d["rows_read"] == 40 and d["findings"][0]["count"] == 40
    assert [e["row"] for e in d["findings"][0]["examples"]] == [2, 3, 4, 5, 6]


def test_stored_report_round_trips() -> None:
    report = ValidationReport().update(checked(2, ["x"], [None]))
    again = ValidationReport.from_dict(report.to_dict())
    assert again.to_dict() == report.to_dict()
    assert json.loads(report.to_json())["ok"] is False
