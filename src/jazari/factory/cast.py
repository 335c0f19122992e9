"""The cast stage: raw text (or typed) columns -> the schema's Arrow types, with type errors.

Rules: a value is missing when, trimmed of white space, it is one of the schema's
`missingValues` (so ` NA ` is missing); values are trimmed before parsing, string fields keep
their text as is; a whitespace `groupChar` removes every kind of space; when `decimalChar` is not
`.` (and `.` is not the group), a `.` in a value is a type error, never silently read.

Strings, integers, numbers, years, booleans and ISO datetimes take an Arrow fast path (pyarrow.compute, RE2)
that accepts a strict subset of what the DuckDB reference (`typesql`) accepts, with the same
values; the few values it leaves (e.g. `+5`, a stray NBSP) go to the reference, so do dates,
times and the rare types. No Python loop over values. Times become text `HH:MM:SS[.fraction]`
(Delta Lake has no time-of-day type; see `schema.ARROW_TYPES`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from jazari.factory.findings import ERRORS, ERRORS_TYPE, FINDING, ROW
from jazari.factory.schema import Field, TableSchema, check_matches
from jazari.factory.typesql import STRING_FORMATS, describe, is_text, parse_sql

_NULL_TEXT = pa.scalar(None, pa.string())
_ISO_FAST = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?)?$"


@dataclass(frozen=True)
class CastConfig:
    """Config of the cast stage: the schema to apply."""

    schema: TableSchema


def cast_output_schema(schema: TableSchema) -> pa.Schema:
    """The declared output schema of the stage: the fields, `_row`, `_errors`."""
    return schema.to_arrow().append(pa.field(ROW, pa.int64())).append(pa.field(ERRORS, ERRORS_TYPE))


def _fast_number(f: Field, v: pa.Array) -> pa.Array:
    """Values of plain layout only (`-1234,5` with the field's characters); others null."""
    kind, x = f.kind, v
    if kind == "year":
        return pc.cast(pc.if_else(pc.match_substring_regex(x, r"^[0-9]{4}$"), x, _NULL_TEXT), pa.int32())
    if f.group:
        x = pc.replace_substring(x, f.group, "")
    if kind == "integer":
        ok = pc.match_substring_regex(x, r"^-?[0-9]{1,18}$")
        return pc.cast(pc.if_else(ok, x, _NULL_TEXT), pa.int64())
    ok = pc.match_substring_regex(x, rf"^-?[0-9]+({re.escape(f.decimal)}[0-9]+)?$")
    if f.decimal != ".":
        x = pc.replace_substring(x, f.decimal, ".")
    return pc.cast(pc.if_else(ok, x, _NULL_TEXT), pa.float64())


def _optimistic(f: Field, raw: pa.Array, missing: pa.Array) -> pa.Array | None:
    """A bare integer or number column cast in one go (its group characters removed, its decimal
    character made a `.`, as the reference does); None if any value is not plain. Guarded so Arrow
    accepts exactly what the reference does: integers only when all digits (Arrow also reads `0x10`),
    numbers without `nan(...)`, no `.` when it is neither the decimal nor the group character;
    spaces other than the group, `+5`, `1_0` fail."""
    x = pc.if_else(pc.is_in(raw, value_set=missing), _NULL_TEXT, raw)
    if f.group:
        x = pc.replace_substring(x, f.group, "")
    if f.decimal != ".":
        if f.group != "." and pc.any(pc.match_substring(x, ".")).as_py():
            return None  # the reference refuses these values: let it say so
        x = pc.replace_substring(x, f.decimal, ".")
    if f.kind == "integer" and pc.all(pc.ascii_is_decimal(x)).as_py() is False:
        return None
    try:
        out = pc.cast(x, f.to_arrow().type)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if f.kind == "number" and pc.any(pc.is_nan(out)).as_py() and pc.any(pc.match_substring(x, "(")).as_py():
        return None
    return out


def _plain_text(f: Field) -> bool:
    """Whether the field keeps its text as is (no parse, no possible type error)."""
    return f.kind == "any" or (f.kind == "string" and f.fmt not in STRING_FORMATS)


def _fast(f: Field, v: pa.Array) -> tuple[pa.Array, bool] | None:
    """(typed values, whether failures must go to the reference) or None if no fast path."""
    kind = f.kind
    if kind == "boolean":
        yes = pc.is_in(v, value_set=pa.array(f.trues, pa.string()))
        no = pc.is_in(v, value_set=pa.array(f.falses, pa.string()))
        return pc.if_else(yes, True, pc.if_else(no, False, pa.scalar(None, pa.bool_()))), False
    if kind in ("integer", "number", "year") and f.bare:
        return _fast_number(f, v), kind != "year"
    if kind == "datetime" and f.fmt == "default":
        try:  # Arrow reads the forms of _ISO_FAST and, beyond them, only `YYYY-MM-DDThh` (13 characters)
            whole = pc.cast(v, pa.timestamp("us"))
            if not pc.any(pc.equal(pc.binary_length(v), 13)).as_py():
                return whole, False
        except pa.ArrowInvalid:
            pass
        ok = pc.match_substring_regex(v, _ISO_FAST)
        try:  # Arrow's ISO parser is strict but raises: any invalid date sends the column to SQL
            return pc.cast(pc.if_else(ok, v, _NULL_TEXT), pa.timestamp("us")), True
        except pa.ArrowInvalid:
            return None
    return None


def _errors(n: int, found: list[tuple[str, str, pa.Array, pa.Array]]) -> pa.Array:
    """The `_errors` column from (column, message tail, bad mask, text) per field, in field order."""
    rows, order, texts, tails = [], [], [], []
    for k, (_, tail, bad, text) in enumerate(found):
        idx = pc.indices_nonzero(bad)
        rows.append(idx)
        order.append(pa.repeat(pa.scalar(k, pa.int32()), len(idx)))
        texts.append(pc.take(text, idx))
        tails.append(tail)
    table = pa.table({"row": pa.concat_arrays(rows).cast(pa.int64()), "k": pa.concat_arrays(order),
                      "value": pa.concat_arrays(texts)})
    table = table.take(pc.sort_indices(table, [("row", "ascending"), ("k", "ascending")]))
    value = table.column("value").combine_chunks()
    k = table.column("k").combine_chunks()
    shown = pc.utf8_slice_codeunits(value, 0, 80)
    shown = pc.if_else(pc.greater(pc.utf8_length(value), 80), pc.binary_join_element_wise(shown, "…", ""),
                       shown)
    message = pc.binary_join_element_wise('"', shown, pc.take(pa.array(tails), k), "")
    items = pa.StructArray.from_arrays(
        [pc.take(pa.array([c for c, _, _, _ in found]), k), pa.repeat(pa.scalar("type-error"), len(k)), message, value],
        fields=list(FINDING))
    runs = pc.run_end_encode(table.column("row").combine_chunks()).run_ends
    offsets = pa.concat_arrays([pa.array([0], pa.int32()), runs.cast(pa.int32())])
    lists = pa.ListArray.from_arrays(offsets, items, type=ERRORS_TYPE)
    any_bad = found[0][2]
    for _, _, bad, _ in found[1:]:
        any_bad = pc.or_(any_bad, bad)
    position = pc.subtract(pc.cumulative_sum(pc.cast(any_bad, pa.int64())), 1)
    return pc.take(lists, pc.if_else(any_bad, position, pa.scalar(None, pa.int64())))


def cast_batch(config: CastConfig, batch: pa.RecordBatch) -> pa.RecordBatch:
    """The batch with the schema's column types, `_row` kept, and `_errors` for type errors."""
    schema = config.schema
    check_matches(schema, batch.schema.names)
    missing = pa.array(schema.missing, pa.string())
    typed: dict[int, pa.Array] = {}
    text: dict[int, pa.Array] = {}
    slow: list[tuple[int, Field, pa.Array, pa.Array | None]] = []
    retry: list[int] = []
    for i, f in enumerate(schema.fields):
        col = batch.column(f.name)
        if not is_text(col.type):
            if f.kind == "time":  # a typed time becomes text as DuckDB writes it (Arrow: `12:30:00.000000`)
                slow.append((i, f, col, None))
                continue
            try:
                typed[i] = col if col.type == f.to_arrow().type else pc.cast(col, f.to_arrow().type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                slow.append((i, f, col, None))
            continue
        raw = col if col.type == pa.string() else col.cast(pa.string())
        if f.kind in ("integer", "number") and f.bare:
            optimistic = _optimistic(f, raw, missing)
            if optimistic is not None:
                typed[i] = optimistic
                continue
        trimmed = pc.utf8_trim_whitespace(raw)
        gone = pc.is_in(trimmed, value_set=missing)
        if _plain_text(f):
            typed[i] = pc.if_else(gone, _NULL_TEXT, raw)
            continue
        text[i] = pc.if_else(gone, _NULL_TEXT, trimmed)
        fast = _fast(f, text[i])
        if fast is None:
            slow.append((i, f, text[i], pc.if_else(gone, _NULL_TEXT, raw)))
        else:
            typed[i], must_retry = fast
            if must_retry:
                retry.append(i)
    for i in retry:  # values the fast path left: the reference decides
        bad = pc.and_(pc.is_valid(text[i]), pc.is_null(typed[i]))
        if pc.any(bad).as_py():  # only values with a digit (or nan/inf) can still be numbers
            bad = pc.and_(bad, pc.match_substring_regex(text[i], r"[0-9]|(?i:nan|inf)"))
        if pc.any(bad).as_py():
            f = schema.fields[i]
            values = pc.filter(text[i], bad)
            again = parse_sql([(i, f, values, values)])[i][0]
            typed[i] = pc.replace_with_mask(typed[i], bad, again)
    if slow:
        for i, (values, shown) in parse_sql(slow).items():
            typed[i], text[i] = values, shown
    found = []
    for i, f in enumerate(schema.fields):
        if i not in text:
            continue
        bad = pc.and_(pc.is_valid(text[i]), pc.is_null(typed[i]))
        if pc.any(bad).as_py():
            found.append((f.name, '" is not ' + describe(f), bad, text[i]))
    n = batch.num_rows
    errors = _errors(n, found) if found else pa.nulls(n, ERRORS_TYPE)
    arrays = [typed[i] for i in range(len(schema.fields))]
    out = cast_output_schema(schema)
    if ROW in batch.schema.names:
        arrays.append(batch.column(ROW).cast(pa.int64()))
    else:
        out = out.remove(out.get_field_index(ROW))
    return pa.RecordBatch.from_arrays([*arrays, errors], schema=out)
