"""Validation findings as typed records, and the mergeable ValidationReport that counts them.

A finding is `(column, type, message, value)` attached to a row (`_row`). The stable types:

- `type-error`: a value that does not parse as the field's type (cast stage)
- `required-error`: a missing value in a required field (or a primary key field)
- `enum-error`, `pattern-error`, `minimum-error`, `maximum-error`, `min-length-error`,
  `max-length-error`: a row-local constraint of the field is not met
- `unique-error`: a value repeats an earlier row's value of a `unique` field
- `primary-key-error`: the primary key repeats an earlier row's key
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

FINDING_TYPES = (
    "type-error", "required-error", "enum-error", "pattern-error", "minimum-error", "maximum-error",
    "min-length-error", "max-length-error", "unique-error", "primary-key-error",
)
FINDING = pa.struct([("column", pa.string()), ("type", pa.string()), ("message", pa.string()),
                     ("value", pa.string())])
ERRORS_TYPE = pa.list_(FINDING)
ROW, ERRORS = "_row", "_errors"
FINDINGS_SCHEMA = pa.schema([(ROW, pa.int64()), ("column", pa.string()), ("type", pa.string()),
                             ("message", pa.string()), ("value", pa.string())])
QUARANTINE_SCHEMA = FINDINGS_SCHEMA.append(pa.field("record", pa.string()))
EXAMPLES = 5


def flatten_errors(batch: pa.RecordBatch | pa.Table) -> pa.Table:
    """One row per finding of a batch with `_errors`: `_row, column, type, message, value`."""
    errors = batch.column(ERRORS)
    if isinstance(errors, pa.ChunkedArray):
        errors = errors.combine_chunks()
    parents = pc.list_parent_indices(errors)
    items = pc.list_flatten(errors)
    rows = batch.column(ROW) if ROW in batch.schema.names else pa.nulls(len(batch), pa.int64())
    columns = [pc.take(rows, parents)] + [pc.struct_field(items, [i]) for i in range(4)]
    return pa.Table.from_arrays(columns, schema=FINDINGS_SCHEMA)


def key_columns(label: str, names: Iterable[str]) -> list[str]:
    """The columns a finding's `column` names: one column, or the `a, b` of a composite key."""
    names = set(names)
    return [label] if label in names or ", " not in label else [c for c in label.split(", ") if c in names]


def hide_value(message: str | None, label: str, raw: str | None, shown: str | None) -> str | None:
    """A finding's message with the value it quotes (`raw`, perhaps cut at 80 characters) replaced by `shown`."""
    if message is None or not raw:
        return message
    shown = "" if shown is None else shown
    cut = [raw[:80] + "…"] if len(raw) > 80 else []
    for value in (*cut, raw[:80], raw):  # the shapes messages take (validate.py, cast.py)
        if message.startswith(f'"{value}"'):
            return f'"{shown}"' + message[len(value) + 2:]
        if message.startswith(f"{value} is "):
            return shown + message[len(value):]
        start = f"primary key ({label}) = ({value})"
        if message.startswith(start):
            return f"primary key ({label}) = ({shown})" + message[len(start):]
    return message.replace(raw, shown)


def redact_examples(report: dict[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
    """A validation report (its `to_dict()` form) whose examples of the columns in `tags` (personal data)
    show the column's tag (e.g. `[CIN]`) instead of the value, so that it can be shown at the dataset's level."""
    findings = []
    for summary in report.get("findings", []):
        hidden = [c for c in key_columns(summary.get("column") or "", tags) if c in tags]
        if hidden:
            tag = tags[hidden[0]]
            examples = [{**e, "value": None if e.get("value") is None else tag,
                         "message": hide_value(e.get("message"), summary["column"], e.get("value"), tag)}
                        for e in summary.get("examples", [])]
            summary = {**summary, "examples": examples}
        findings.append(summary)
    return {**report, "findings": findings}


@dataclass
class FindingSummary:
    """How many findings of one type a column has, with the first examples by row."""

    type: str
    column: str
    count: int = 0
    examples: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {"type": self.type, "column": self.column, "count": self.count, "examples": self.examples}


@dataclass
class ValidationReport:
    """Mergeable counts of findings: `ValidationReport()` / `update(batch)` / `merge` / `finalize`.

    `update` takes a validated batch (with `_errors`: its rows count as read) or a table of
    findings (`_row, column, type, message, value[, record]`, e.g. quarantine records or
    duplicates). Rows with findings add up per update: give each row's findings in one update.
    """

    rows_read: int = 0
    rows_with_findings: int = 0
    summaries: dict[tuple[str, str], FindingSummary] = field(default_factory=dict)

    def update(self, batch: pa.RecordBatch | pa.Table) -> ValidationReport:
        """Count the findings of one batch into this report (returns self)."""
        if ERRORS in batch.schema.names:
            self.rows_read += batch.num_rows
            found = flatten_errors(batch)
        else:
            found = pa.table({n: batch.column(n) for n in FINDINGS_SCHEMA.names}).cast(FINDINGS_SCHEMA)
        if found.num_rows == 0:
            return self
        self.rows_with_findings += len(pc.unique(found.column(ROW)))
        found = found.sort_by([("type", "ascending"), ("column", "ascending"), (ROW, "ascending")])
        counts = found.group_by(["type", "column"], use_threads=False).aggregate([(ROW, "count")])
        offset = 0
        for kind, column, n in zip(*(counts.column(i).to_pylist() for i in range(3))):
            head = found.slice(offset, min(n, EXAMPLES)).to_pylist()
            offset += n
            self._add(kind, column, n, [{"row": r[ROW], "value": r["value"], "message": r["message"]}
                                        for r in head])
        return self

    def _add(self, kind: str, column: str, count: int, examples: list[dict[str, Any]]) -> None:
        s = self.summaries.setdefault((kind, column), FindingSummary(kind, column))
        s.count += count
        merged = s.examples + examples
        merged.sort(key=lambda e: (e["row"] is None, e["row"] or 0))
        s.examples = merged[:EXAMPLES]

    def merge(self, other: ValidationReport) -> ValidationReport:
        """A new report counting both partial reports (of disjoint rows)."""
        out = ValidationReport(self.rows_read + other.rows_read,
                               self.rows_with_findings + other.rows_with_findings)
        for part in (self, other):
            for s in part.summaries.values():
                out._add(s.type, s.column, s.count, list(s.examples))
        return out

    @property
    def findings(self) -> int:
        """The total number of findings."""
        return sum(s.count for s in self.summaries.values())

    @property
    def ok(self) -> bool:
        """True when there is no finding."""
        return not self.summaries

    def finalize(self, rows_read: int | None = None) -> dict[str, Any]:
        """The JSON-able report; `rows_read` overrides the count when updates were findings only."""
        rows = self.rows_read if rows_read is None else rows_read
        ordered = sorted(self.summaries.values(), key=lambda s: (-s.count, s.column, s.type))
        return {"ok": self.ok, "rows_read": rows, "rows_with_findings": self.rows_with_findings,
                "findings_count": self.findings, "findings": [s.to_dict() for s in ordered]}

    def to_dict(self) -> dict[str, Any]:
        """Same as `finalize()`."""
        return self.finalize()

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ValidationReport:
        """A report from its `to_dict()` form (to merge with a stored one)."""
        out = cls(d["rows_read"], d["rows_with_findings"])
        for s in d["findings"]:
            out.summaries[(s["type"], s["column"])] = FindingSummary(
                s["type"], s["column"], s["count"], list(s["examples"]))
        return out

    def to_json(self) -> str:
        """The report as JSON text."""
        return json.dumps(self.to_dict(), ensure_ascii=False)
