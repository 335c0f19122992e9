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


def test_hide_value_replaces_the_quoted_value_in_every_message_shape() -> None:
    from jazari.factory.findings import hide_value

    long = "x" * 100
    assert hide_value('"J12-3456" does not match the pattern [A-Z]+', "cin", "J12-3456", "[CIN]") == (
        '"[CIN]" does not match the pattern [A-Z]+')
    assert hide_value(f'"{long[:80]}…" is not an integer', "cin", long, "[CIN]") == '"[CIN]" is not an integer'
    assert hide_value("-3 is less than the minimum 0", "age", "-3", "[AGE]") == "[AGE] is less than the minimum 0"
    assert hide_value("primary key (id, cin) = (1, J1) repeats row 1", "id, cin", "1, J1", "[X]") == (
        "primary key (id, cin) = ([X]) repeats row 1")
    assert hide_value("a value is required", "cin", None, "[CIN]") == "a value is required"


def test_quarantine_records_get_the_policy_with_the_published_pseudonyms() -> None:
    from jazari.factory.validate import treat_records
    from jazari.privacy.operators import pseudonym
    from jazari.privacy.policy import PolicyConfig, PrivacyPolicy

    key = b"k" * 32
    config = PolicyConfig(PrivacyPolicy.from_dict({"columns": {"nom": "pseudonymize", "age": "drop"}}), key)
    bad = checked(2, ["-1", "abc"], ["Alaoui", None])
    records = treat_records(config, quarantine_records(bad), pa.schema([("age", pa.int64()), ("nom", pa.string())]))
    rows = records.to_pylist()
    assert {r["_row"]: json.loads(r["record"]) for r in rows} == {2: {"nom": pseudonym("Alaoui", key)},
                                                                   3: {"nom": None}}
    assert all(r["value"] in (None, "[REDACTED]") for r in rows if r["column"] == "age")
    assert "Alaoui" not in json.dumps(rows) and "abc" not in json.dumps(rows)
