"""Table Schema types as DuckDB SQL: the reference parse of text (and typed values) into each
type, strict where Arrow is lenient (`31/02/2024` is no date), with RE2 guards.

The cast stage uses it for dates, times, JSON and the other rare types, and as the fallback for
values its Arrow fast path does not take; `cast_batch_sql` is the whole cast in one query
(the reference the fast path is tested against).
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache

import duckdb
import pyarrow as pa

from jazari.errors import SchemaError
from jazari.factory.findings import ERRORS, ROW
from jazari.factory.schema import Field, TableSchema
from jazari.store import duck

SPACES = " \u00a0\u202f\u2009"
TRIM_CHARS = ("\t\n\v\f\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
              + "\u2028\u2029\u202f\u205f\u3000")  # Unicode White_Space, as Arrow's trim
_DUCK = {"integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE",
         "datetime": "TIMESTAMP", "time": "TIME", "year": "INTEGER"}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%d/%m/%y")
DATETIME_FORMATS = tuple(f"{d} {t}" for d in DATE_FORMATS[:5] for t in ("%H:%M:%S", "%H:%M"))
ISO_NAIVE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?)?"
TIME = r"[0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"
ISO_DATETIME = (r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]{1,9})?)?)?"
                 r"(Z|[+-][0-9]{2}(:?[0-9]{2})?)?")
NUMBER = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?(?i:nan|inf|infinity)"
STRING_FORMATS = {
    "email": r"[^@\s]+@[^@\s]+\.[^@\s]+",
    "uri": r"[A-Za-z][A-Za-z0-9+.\-]*:\S+",
    "uuid": r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}",
    "binary": r"[A-Za-z0-9+/\s]*=*",
}
_PATTERNS = {
    "yearmonth": r"[0-9]{4}-(0[1-9]|1[0-2])",
    "duration": r"P(?:[0-9.]+Y)?(?:[0-9.]+M)?(?:[0-9.]+W)?(?:[0-9.]+D)?"
                r"(?:T(?:[0-9.]+H)?(?:[0-9.]+M)?(?:[0-9.]+S)?)?",
    "geopoint": r"[+-]?[0-9.]+\s*,\s*[+-]?[0-9.]+",
}
_local = threading.local()


def worker_connection() -> duckdb.DuckDBPyConnection:
    """This thread's (and process's) DuckDB connection, created once, in UTC."""
    con = getattr(_local, "con", None)
    if con is None or getattr(_local, "pid", None) != os.getpid():
        con = duck.connect()
        con.execute("SET TimeZone = 'UTC'")
        _local.con, _local.pid = con, os.getpid()
    return con


def sql_ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def sql_string(text: str) -> str:
    """A quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _in_list(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(sql_string(v) for v in values) + ")"


def describe(f: Field) -> str:
    """What a valid value of the field looks like, for type-error messages."""
    kind = f.kind
    if kind in ("number", "integer"):
        text = "a number" if kind == "number" else "an integer"
        opts = []
        if kind == "number" or f.decimal_char is not None:
            opts.append(f'decimal "{f.decimal}"')
        if f.group:
            opts.append('group " "' if f.group in SPACES else f'group "{f.group}"')
        return text + (f" ({'; '.join(opts)})" if f.decimal != "." or f.group else "")
    if kind == "boolean":
        return f"a boolean ({'/'.join(f.trues[:3])} or {'/'.join(f.falses[:3])})"
    if kind in ("date", "datetime", "time"):
        if f.fmt == "default":
            return f"a {kind} (ISO 8601)"
        return f"a {kind}" if f.fmt == "any" else f"a {kind} in format {f.fmt}"
    if kind == "string":
        return f"a valid {f.fmt}"
    return f"a valid {kind}" if kind != "year" else "a year (4 digits)"


Step = tuple[str, str]  # (alias, SQL): one computed column of one layer of the query


def _number_steps(f: Field, i: int, v: str) -> list[Step]:
    """Steps turning trimmed text `v` into plain `[-]digits[.digits]` text (NULL if refused)."""
    steps: list[Step] = []
    x = v
    if not f.bare:
        steps.append((f"__b{i}", f"regexp_replace({x}, '^[^0-9+\\-.,]+|[^0-9]+$', '', 'g')"))
        x = f"__b{i}"
    group, dec = f.group, f.decimal
    if group:
        g = sql_string(group)
        steps.append((f"__g{i}", f"CASE WHEN contains({x}, {g}) THEN replace({x}, {g}, '') ELSE {x} END"))
        x = f"__g{i}"
        others = [ch for ch in SPACES if ch != group] if group in SPACES else []
        if others:
            test = " OR ".join(f"contains({x}, {sql_string(ch)})" for ch in others)
            steps.append((f"__h{i}", (f"CASE WHEN {test} THEN regexp_replace({x}, "
                                     f"{sql_string('[' + SPACES + ']')}, '', 'g') ELSE {x} END")))
            x = f"__h{i}"
    if dec != ".":
        refuse = f"WHEN contains({x}, '.') THEN NULL " if group != "." else ""
        d = sql_string(dec)
        steps.append((f"__d{i}", (f"CASE {refuse}WHEN contains({x}, {d}) THEN replace({x}, {d}, '.') "
                                 f"ELSE {x} END")))
    return steps


def _formats(formats: tuple[str, ...]) -> str:
    return sql_string(formats[0]) if len(formats) == 1 else "[" + ", ".join(map(sql_string, formats)) + "]"


def text_steps(f: Field, i: int, v: str, raw: str) -> tuple[list[Step], bool]:
    """Steps computing `__c{i}`, the typed value of `f` from trimmed text `v`; can it fail?"""
    kind, fmt, out = f.kind, f.fmt, f"__c{i}"
    if kind in ("integer", "number", "year"):
        steps = _number_steps(f, i, v) if kind != "year" else []
        n = steps[-1][0] if steps else v
        rx, typ = {"integer": ("[+-]?[0-9]+", "BIGINT"), "year": ("[0-9]{4}", "INTEGER"),
                   "number": (NUMBER, "DOUBLE")}[kind]
        return [*steps, (out, (f"CASE WHEN regexp_full_match({n}, {sql_string(rx)}) "
                              f"THEN TRY_CAST({n} AS {typ}) END"))], True
    if kind == "boolean":
        return [(out, (f"CASE WHEN {v} IN {_in_list(f.trues)} THEN true "
                      f"WHEN {v} IN {_in_list(f.falses)} THEN false END"))], True
    if kind == "date":
        if fmt == "default":
            return [(out, (f"CASE WHEN regexp_full_match({v}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
                          f"THEN TRY_CAST({v} AS DATE) END"))], True
        return [(out, f"try_strptime({v}, {_formats(DATE_FORMATS if fmt == 'any' else (fmt,))})::DATE")], True
    if kind == "datetime":
        iso = (f"CASE WHEN regexp_full_match({v}, {sql_string(ISO_NAIVE)}) THEN TRY_CAST({v} AS TIMESTAMP) "
               f"WHEN regexp_full_match({v}, {sql_string(ISO_DATETIME)}) "
               f"THEN TRY_CAST(replace({v}, ',', '.') AS TIMESTAMPTZ)::TIMESTAMP END")
        if fmt == "default":
            return [(out, iso)], True
        strp = f"try_strptime({v}, {_formats(DATETIME_FORMATS if fmt == 'any' else (fmt,))})::TIMESTAMP"
        return [(out, f"coalesce({iso}, {strp})" if fmt == "any" else strp)], True
    if kind == "time":  # kept as text `HH:MM:SS[.fraction]`: Delta has no time type (schema.ARROW_TYPES)
        if fmt == "default":
            return [(out, (f"CASE WHEN regexp_full_match({v}, {sql_string(TIME)}) "
                          f"THEN TRY_CAST({v} AS TIME)::VARCHAR END"))], True
        return [(out, (f"try_strptime({v}, {_formats(('%H:%M:%S', '%H:%M') if fmt == 'any' else (fmt,))})"
                      "::TIME::VARCHAR"))], True
    if kind in ("array", "object", "geojson"):
        want = "ARRAY" if kind == "array" else "OBJECT"
        return [(out, f"CASE WHEN json_valid({v}) AND json_type({v}) = '{want}' THEN {v} END")], True
    if kind in _PATTERNS:
        return [(out, f"CASE WHEN regexp_full_match({v}, {sql_string(_PATTERNS[kind])}) THEN {v} END")], True
    if kind == "string" and fmt in STRING_FORMATS:
        return [(out, (f"CASE WHEN regexp_full_match({v}, {sql_string(STRING_FORMATS[fmt])}) "
                      f"THEN {raw} END"))], True
    return [(out, f"CASE WHEN {v} IS NULL THEN NULL ELSE {raw} END")], False


def typed_expr(f: Field, col: str, source: pa.DataType) -> tuple[str, bool]:
    """SQL converting an already-typed input column to the field's type; can it fail?"""
    target = _DUCK.get(f.kind)
    if target is None:
        nested = pa.types.is_nested(source) or pa.types.is_map(source)
        return (f"to_json({col})::VARCHAR" if nested else f"CAST({col} AS VARCHAR)"), False
    if f.kind in ("integer", "year") and (pa.types.is_floating(source) or pa.types.is_decimal(source)):
        return f"CASE WHEN {col} = trunc({col}) THEN TRY_CAST({col} AS {target}) END", True
    if f.kind == "datetime" and pa.types.is_timestamp(source) and source.tz is not None:
        return f"{col}::TIMESTAMP", False
    if f.kind == "time":
        return f"TRY_CAST({col} AS TIME)::VARCHAR", True
    return f"TRY_CAST({col} AS {target})", True


def is_text(t: pa.DataType) -> bool:
    """Whether an input column holds raw text to parse."""
    if pa.types.is_dictionary(t):
        t = t.value_type
    return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)


def compile_cast(schema: TableSchema, layout: tuple[tuple[str, pa.DataType], ...]) -> str:
    """The SQL of the cast over `__jazari_batch` whose columns are `layout` (name, Arrow type)."""
    try:
        return _compile_cached(schema, layout)
    except TypeError:  # unhashable enum values (lists, objects): compile every time
        return _compile(schema, layout)


_EDGE_SPACE = sql_string(f"^[{TRIM_CHARS}]|[{TRIM_CHARS}]$")


def _missing(raw: str, missing: tuple[str, ...]) -> str:
    """SQL: the text trimmed of white space (as Arrow's utf8_trim_whitespace), NULL when missing.
    DuckDB's trim with a character list costs ~10x an RE2 test, so it only runs on values that
    start or end with white space."""
    t = f"CASE WHEN regexp_matches({raw}, {_EDGE_SPACE}) THEN trim({raw}, {sql_string(TRIM_CHARS)}) ELSE {raw} END"
    return f"CASE WHEN {t} IN {_in_list(missing)} THEN NULL ELSE {t} END" if missing else t


def _compile(schema: TableSchema, layout: tuple[tuple[str, pa.DataType], ...]) -> str:
    types = dict(layout)
    missing = tuple(schema.missing)
    first: list[str] = []
    layers: list[list[str]] = []
    checks: list[tuple[str, str]] = []
    for i, f in enumerate(schema.fields):
        col, v, source = sql_ident(f.name), f"__v{i}", types[f.name]
        if is_text(source):
            raw = f"CAST({col} AS VARCHAR)" if pa.types.is_dictionary(source) else col
            first.append(f"{_missing(raw, missing)} AS {v}")
            steps, can_fail = text_steps(f, i, v, raw)
        else:
            expr, can_fail = typed_expr(f, col, source)
            steps = [(f"__c{i}", expr)]
            if can_fail:
                first.append(f"CAST({col} AS VARCHAR) AS {v}")
        for k, (alias, expr) in enumerate(steps):
            if len(layers) <= k:
                layers.append([])
            layers[k].append(f"{expr} AS {alias}")
        if can_fail:
            bad = f"({v} IS NOT NULL AND __c{i} IS NULL)"
            shown = f"left({v}, 80) || CASE WHEN length({v}) > 80 THEN '…' ELSE '' END"
            message = f"'\"' || {shown} || '\" is not ' || {sql_string(describe(f))}"
            item = (f"CASE WHEN {bad} THEN {{'column': {sql_string(f.name)}, 'type': 'type-error', "
                    f"'message': {message}, 'value': {v}}} END")
            checks.append((bad, item))
    query = "SELECT *" + "".join(f", {c}" for c in first) + " FROM __jazari_batch"
    for layer in layers:
        query = f"SELECT *, {', '.join(layer)} FROM ({query})"
    outputs = [f"__c{i} AS {sql_ident(f.name)}" for i, f in enumerate(schema.fields)]
    outputs += [ROW] if ROW in types else []
    if checks:
        any_bad = " OR ".join(b for b, _ in checks)
        items = ", ".join(i for _, i in checks)
        errors = f"CASE WHEN {any_bad} THEN list_filter([{items}], lambda x: x IS NOT NULL) END"
    else:
        errors = "NULL"
    return f"SELECT {', '.join(outputs)}, {errors} AS {ERRORS} FROM ({query})"


_compile_cached = lru_cache(maxsize=128)(_compile)


def run_sql(sql: str, batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """Run `sql` over `batch` (as `__jazari_batch`) on this worker's connection; one batch out."""
    con = worker_connection()
    con.register("__jazari_batch", batch)
    try:
        table = con.sql(sql).to_arrow_table()
    except duckdb.Error as e:  # a pattern RE2 cannot compile, a format DuckDB refuses...
        raise SchemaError(f"the schema cannot be applied: {e}",
                          hint="check the patterns and formats of the schema") from None
    finally:
        con.unregister("__jazari_batch")
    table = table.cast(schema)
    if table.num_rows == 0:
        return pa.RecordBatch.from_pylist([], schema)
    return table.combine_chunks().to_batches()[0]


def cast_batch_sql(schema: TableSchema, batch: pa.RecordBatch, out: pa.Schema) -> pa.RecordBatch:
    """The whole cast stage as one DuckDB query (the reference semantics)."""
    layout = tuple((fld.name, fld.type) for fld in batch.schema)
    return run_sql(compile_cast(schema, layout), batch, out)


def parse_sql(items: list[tuple[int, Field, pa.Array, pa.Array | None]]) -> dict[int, tuple[pa.Array, pa.Array]]:
    """Parse columns in one query: (i, field, values, raw text or None for typed values) ->
    {i: (typed values, text of each value)}; text values must be trimmed, missing ones null."""
    arrays: dict[str, pa.Array] = {}
    layers: list[list[str]] = []
    outputs: list[str] = []
    for i, f, values, raw in items:
        if raw is not None:  # the text of each value is `values` itself: not converted back from DuckDB
            arrays[f"__v{i}"], arrays[f"__r{i}"] = values, raw
            steps, _ = text_steps(f, i, f"__v{i}", f"__r{i}")
            outputs.append(f"__c{i}")
        else:
            arrays[f"__x{i}"] = values
            expr, _ = typed_expr(f, f"__x{i}", values.type)
            steps = [(f"__c{i}", expr)]
            outputs += [f"__c{i}", f"CAST(__x{i} AS VARCHAR) AS __v{i}"]
        for k, (alias, expr) in enumerate(steps):
            if len(layers) <= k:
                layers.append([])
            layers[k].append(f"{expr} AS {alias}")
    query = "SELECT * FROM __jazari_batch"
    for layer in layers:
        query = f"SELECT *, {', '.join(layer)} FROM ({query})"
    schema = []
    for i, f, _, raw in items:
        schema.append(pa.field(f"__c{i}", f.to_arrow().type))
        if raw is None:
            schema.append(pa.field(f"__v{i}", pa.string()))
    batch = pa.RecordBatch.from_pydict(arrays)
    result = run_sql(f"SELECT {', '.join(outputs)} FROM ({query})", batch, pa.schema(schema))
    return {i: (result.column(f"__c{i}"), values if raw is not None else result.column(f"__v{i}"))
            for i, _, values, raw in items}
