"""The validate stage (row-local constraints), unique keys over the whole data, and the split
of rows with findings into quarantine records. Finding types are listed in `findings.py`."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from jazari.factory.findings import (
    ERRORS,
    ERRORS_TYPE,
    FINDINGS_SCHEMA,
    QUARANTINE_SCHEMA,
    ROW,
    hide_value,
    key_columns,
)
from jazari.factory.schema import Field, TableSchema, parse_literal
from jazari.factory.typesql import run_sql, sql_ident, sql_string
from jazari.privacy.operators import tag
from jazari.privacy.policy import PolicyConfig, treat_cells


@dataclass(frozen=True)
class ValidateConfig:
    """Config of the validate stage: the schema whose constraints apply."""

    schema: TableSchema


def sql_literal(f: Field, value: Any) -> str:
    """A schema value (enum item, minimum...) as a typed SQL literal for field `f`."""
    v = parse_literal(f, value)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return f"'{v!r}'::DOUBLE"
    if isinstance(v, dt.datetime):
        if v.tzinfo is not None:
            v = v.astimezone(dt.UTC).replace(tzinfo=None)
        return f"TIMESTAMP '{v.isoformat()}'"
    if isinstance(v, dt.date):
        return f"DATE '{v.isoformat()}'"
    if isinstance(v, dt.time):
        return f"TIME '{v.isoformat()}'"
    return sql_string(str(v))


def _show(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def constraint_checks(f: Field, required: bool) -> list[tuple[str, str, str]]:
    """(condition, finding type, SQL message) for each row-local constraint of field `f`."""
    c, col = f.constraints, sql_ident(f.name)
    text = f"CAST({col} AS VARCHAR)"
    ordered = f"TRY_CAST({col} AS TIME)" if f.kind == "time" else col  # times are kept as text
    quoted = f"'\"' || left({text}, 80) || '\"'"
    out = []
    if required or c.required:
        typed_failed = (f"list_contains(list_transform(coalesce({ERRORS}, []), lambda e: e['column']), "
                        f"{sql_string(f.name)})")
        out.append((f"({col} IS NULL AND NOT {typed_failed})", "required-error", "'a value is required'"))
    if c.enum is not None:
        items = ", ".join(sql_literal(f, v) for v in c.enum)
        shown = ", ".join(_show(v) for v in c.enum[:10]) + (", …" if len(c.enum) > 10 else "")
        out.append((f"{ordered} NOT IN ({items})", "enum-error",
                    f"{quoted} || ' is not one of: ' || {sql_string(shown)}"))
    if c.pattern is not None:
        out.append((f"NOT regexp_full_match({text}, {sql_string(c.pattern)})", "pattern-error",
                    f"{quoted} || ' does not match the pattern ' || {sql_string(c.pattern)}"))
    if c.minimum is not None:
        out.append((f"{ordered} < {sql_literal(f, c.minimum)}", "minimum-error",
                    f"{text} || ' is less than the minimum ' || {sql_string(_show(c.minimum))}"))
    if c.maximum is not None:
        out.append((f"{ordered} > {sql_literal(f, c.maximum)}", "maximum-error",
                    f"{text} || ' is greater than the maximum ' || {sql_string(_show(c.maximum))}"))
    size = f"json_array_length({col})" if f.kind == "array" else f"length({col})"
    unit = "items" if f.kind == "array" else "characters"
    if c.min_length is not None:
        out.append((f"{size} < {c.min_length}", "min-length-error",
                    f"{quoted} || ' has ' || {size} || ' {unit}, fewer than {c.min_length}'"))
    if c.max_length is not None:
        out.append((f"{size} > {c.max_length}", "max-length-error",
                    f"{quoted} || ' has ' || {size} || ' {unit}, more than {c.max_length}'"))
    return out


def compile_validate(schema: TableSchema, names: tuple[str, ...]) -> str | None:
    """The SQL appending constraint findings to `_errors` over `__jazari_batch`, None if no constraint."""
    checks = []
    for f in schema.fields:
        for cond, kind, message in constraint_checks(f, f.name in schema.primary_key):
            value = "NULL::VARCHAR" if kind == "required-error" else f"CAST({sql_ident(f.name)} AS VARCHAR)"
            item = (f"CASE WHEN {cond} THEN {{'column': {sql_string(f.name)}, 'type': '{kind}', "
                    f"'message': {message}, 'value': {value}}} END")
            checks.append((f"coalesce({cond}, false)", item))
    if not checks:
        return None
    any_bad = " OR ".join(b for b, _ in checks)
    items = ", ".join(i for _, i in checks)
    found = f"list_filter([{items}], lambda x: x IS NOT NULL)"
    columns = ", ".join(sql_ident(n) for n in names if n != ERRORS)
    return (f"SELECT {columns}, CASE WHEN {any_bad} THEN list_concat({ERRORS}, {found}) "
            f"ELSE {ERRORS} END AS {ERRORS} FROM __jazari_batch")


_compile_cached = lru_cache(maxsize=128)(compile_validate)


def validate_batch(config: ValidateConfig, batch: pa.RecordBatch) -> pa.RecordBatch:
    """The cast batch with row-local constraint findings appended to `_errors`."""
    if ERRORS not in batch.schema.names:
        batch = batch.append_column(ERRORS, pa.nulls(batch.num_rows, ERRORS_TYPE))
    names = tuple(batch.schema.names)
    try:
        sql = _compile_cached(config.schema, names)
    except TypeError:  # unhashable enum values (lists, objects)
        sql = compile_validate(config.schema, names)
    if sql is None:
        return batch
    return run_sql(sql, batch, batch.schema)


def find_duplicates(con: duckdb.DuckDBPyConnection, relation_sql: str, schema: TableSchema) -> pa.Table:
    """Rows repeating an earlier row's `unique` value or primary key: `_row, column, type, message, value`.

    Each occurrence after the first (by `_row`) is reported; missing values never collide.
    `relation_sql` is any DuckDB relation with `_row` and the key columns (e.g. `read_parquet(...)`).
    """
    keys: list[tuple[tuple[str, ...], str]] = []
    if schema.primary_key:
        keys.append((schema.primary_key, "primary-key-error"))
    for f in schema.fields:
        if f.constraints.unique and schema.primary_key != (f.name,):
            keys.append(((f.name,), "unique-error"))
    if not keys:
        return FINDINGS_SCHEMA.empty_table()
    parts = []
    for i, (names, kind) in enumerate(keys):
        cols = [sql_ident(n) for n in names]
        on = " AND ".join(f"r.{c} = k{i}.{c}" for c in cols)
        value = " || ', ' || ".join(f"coalesce(CAST(r.{c} AS VARCHAR), '')" for c in cols)
        label = ", ".join(names)
        if kind == "unique-error":
            message = f"'\"' || {value} || '\" repeats row ' || k{i}.__first"
        else:
            message = f"'primary key ({label}) = (' || {value} || ') repeats row ' || k{i}.__first"
        parts.append(
            f"SELECT r.{ROW} AS {ROW}, {sql_string(label)} AS \"column\", '{kind}' AS type, "
            f"{message} AS message, {value} AS value FROM {relation_sql} r JOIN ("
            f"SELECT {', '.join(cols)}, min({ROW}) AS __first FROM {relation_sql} "
            f"WHERE {' AND '.join(f'{c} IS NOT NULL' for c in cols)} "
            f"GROUP BY ALL HAVING count(*) > 1) k{i} ON {on} WHERE r.{ROW} <> k{i}.__first")
    sql = " UNION ALL ".join(parts) + f" ORDER BY {ROW}, \"column\""
    return con.sql(sql).to_arrow_table().cast(FINDINGS_SCHEMA)


def split_batch(batch: pa.RecordBatch) -> tuple[pa.RecordBatch, pa.RecordBatch]:
    """(rows without findings, without `_errors`; rows with findings, with `_errors`)."""
    errors = batch.column(ERRORS)
    if errors.null_count == len(errors):  # no finding (most batches): no copy of every column
        return batch.drop_columns([ERRORS]), batch.slice(0, 0)
    bad = pc.fill_null(pc.greater(pc.list_value_length(errors), 0), False)
    return batch.filter(pc.invert(bad)).drop_columns([ERRORS]), batch.filter(bad)


def quarantine_records(bad: pa.RecordBatch) -> pa.RecordBatch:
    """One row per finding: `_row, column, type, message, value, record` (the row as JSON text,
    cells that failed to parse as their original text)."""
    if bad.num_rows == 0:
        return pa.RecordBatch.from_pylist([], QUARANTINE_SCHEMA)
    pairs = []
    for n in bad.schema.names:
        if n not in (ROW, ERRORS):  # a cell that failed to parse shows its text
            typed_failed = (f"list_filter({ERRORS}, lambda e: e['column'] = {sql_string(n)} "
                            f"AND e['type'] = 'type-error')[1]['value']")
            pairs.append(f"{sql_string(n)}, coalesce(to_json({sql_ident(n)}), to_json({typed_failed}))")
    record = f"json_object({', '.join(pairs)})" if pairs else "'{}'"
    row = ROW if ROW in bad.schema.names else "NULL::BIGINT"
    sql = (f"SELECT {row} AS {ROW}, __e['column'] AS \"column\", __e['type'] AS type, "
           f"__e['message'] AS message, __e['value'] AS value, {record}::VARCHAR AS record "
           f"FROM (SELECT *, unnest({ERRORS}) AS __e FROM __jazari_batch)")
    return run_sql(sql, bad, QUARANTINE_SCHEMA)


def treat_records(config: PolicyConfig, records: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """Quarantine records with the privacy policy applied as to the published rows (`schema`: the typed
    columns): the treated cells of each `record`, and the `value` and message of findings on them
    (a composite key with a treated column shows `[REDACTED]`). Dropped columns leave the record."""
    if records.num_rows == 0:
        return records
    rows = records.to_pylist()
    cells = [json.loads(r["record"]) if r["record"] else {} for r in rows]
    for name in config.policy.treated():
        if name not in schema.names:
            continue
        treated = treat_cells(config, name, [c.get(name) for c in cells], schema.field(name).type)
        for cell, value in zip(cells, treated or [None] * len(cells), strict=True):
            if treated is None:
                cell.pop(name, None)
            elif name in cell:
                cell[name] = value
    for row, cell in zip(rows, cells, strict=True):
        row["record"] = json.dumps(cell, ensure_ascii=False, separators=(",", ":"))
        _treat_finding(config, row, schema)
    return pa.RecordBatch.from_pylist(rows, records.schema)


def _treat_finding(config: PolicyConfig, row: dict[str, Any], schema: pa.Schema) -> None:
    label, raw = row["column"] or "", row["value"]
    names = key_columns(label, schema.names)
    covered = [n for n in names if (config.policy.treated().get(n) or "keep") != "keep"]
    if not covered or raw is None:
        return
    if names == [label]:
        treated = treat_cells(config, label, [raw], schema.field(label).type)
        shown = tag("REDACTED") if treated is None else treated[0]
    else:
        shown = tag("REDACTED")
    row["value"] = None if shown is None else str(shown)
    row["message"] = hide_value(row["message"], label, raw, row["value"] or tag("REDACTED"))
