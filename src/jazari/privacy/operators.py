"""Anonymisation operators: pure functions of (config, Arrow data), vectorised where Arrow allows.

Every operator keeps nulls as nulls and keeps the length (and order) of its input. The stage
dataclasses at the bottom are the configs a privacy policy is made of (DESIGN rule 4).
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from jazari.errors import InputError
from jazari.store import duck

Span = Any  # a scanner Finding (attributes entity/start/end) or a tuple (entity, start, end, ...)
Data = pa.Table | pa.RecordBatch

MIN_KEY_BYTES = 16
TOKEN_PREFIX = "tok_"


def tag(entity: str) -> str:
    """The placeholder that replaces a value of `entity`, e.g. `[CIN]`."""
    return f"[{entity.upper()}]"


def _strings(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        return values
    if pa.types.is_dictionary(values.type):
        return _strings(pc.cast(values, values.type.value_type))
    return pc.cast(values, pa.string())


def redact(values: pa.Array | pa.ChunkedArray, entity: str | None = None, lang: str | None = None) -> Any:
    """Replace a whole value by its tag (`entity` given) or the spans the scanner finds in it."""
    if entity is not None:
        filled = pc.if_else(pc.is_null(values), None, pa.scalar(tag(entity), pa.string()))
        return pc.cast(filled, pa.string())
    from jazari.privacy.scanner import scan_many  # the scanner loads its gazetteers lazily

    texts = _strings(values)
    values_list = texts.to_pylist()
    found = iter(scan_many([t for t in values_list if t], lang))
    findings = [next(found) if t else [] for t in values_list]
    return text_redact(texts, findings)


def mask(values: pa.Array | pa.ChunkedArray, keep_last: int = 4, char: str = "*") -> Any:
    """Replace every character but the last `keep_last` with `char` (code points)."""
    if keep_last < 0 or len(char) != 1:
        raise InputError("mask needs keep_last >= 0 and a single mask character",
                         hint=f"got keep_last={keep_last}, char={char!r}")
    texts = _strings(values)
    hidden = pc.max_element_wise(pc.subtract(pc.utf8_length(texts), keep_last), 0)
    tail = pc.utf8_slice_codeunits(texts, start=-keep_last) if keep_last else pc.binary_repeat(texts, 0)
    return pc.binary_join_element_wise(pc.binary_repeat(char, hidden), tail, "")


def pseudonym(value: str, key: bytes) -> str:
    """The stable token of one value: `tok_` + base32 of the first 10 bytes of HMAC-SHA-256."""
    digest = hmac.digest(key, value.encode("utf-8"), "sha256")
    return TOKEN_PREFIX + base64.b32encode(digest[:10]).decode("ascii").lower()


def pseudonymize(values: pa.Array | pa.ChunkedArray, key: bytes) -> Any:
    """Replace each value by a keyed token: equal values (exactly, as text) give equal tokens."""
    if not isinstance(key, bytes) or len(key) < MIN_KEY_BYTES:
        raise InputError("pseudonymize needs a secret key of at least 16 bytes",
                         hint="set the institute's pseudonymisation key in the settings, never in the data")
    texts = _strings(values)
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    encoded = pc.dictionary_encode(texts)
    n = len(encoded.dictionary)
    digests = b"".join(hmac.digest(key, v.encode("utf-8"), "sha256")[:10] for v in encoded.dictionary.to_pylist())
    offsets = pa.array(range(0, 16 * n + 1, 16), pa.int32())  # 10 bytes are exactly 16 base32 characters
    codes = pa.StringArray.from_buffers(n, offsets.buffers()[1], pa.py_buffer(base64.b32encode(digests).lower()))
    tokens = pc.binary_join_element_wise(TOKEN_PREFIX, codes, "")
    return pc.take(tokens, encoded.indices)


def generalize_date(values: pa.Array | pa.ChunkedArray, to: Literal["year", "month"] = "year") -> Any:
    """A date, timestamp or ISO date text reduced to `YYYY` or `YYYY-MM`."""
    if to not in ("year", "month"):
        raise InputError(f"cannot generalise a date to {to!r}", hint="use 'year' or 'month'")
    dates = values
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        try:
            dates = pc.cast(pc.utf8_slice_codeunits(values, 0, 10), pa.date32())
        except pa.ArrowInvalid as exc:
            raise InputError("a date value is not an ISO date (YYYY-MM-DD)", hint=str(exc)) from exc
    return pc.strftime(dates, format="%Y" if to == "year" else "%Y-%m")


def generalize_number(values: pa.Array | pa.ChunkedArray, width: float, top: float | None = None) -> Any:
    """A number replaced by its band of `width`: `30-39` for integers, `[1.5, 2.0)` for decimals."""
    if width <= 0:
        raise InputError("a generalisation band needs a positive width", hint=f"got {width}")
    integral = pa.types.is_integer(values.type)
    low = pc.multiply(pc.floor(pc.divide(pc.cast(values, pa.float64()), float(width))), float(width))
    if integral:
        low = pc.cast(low, pa.int64())
        high = pc.subtract(pc.add(low, int(width)), 1)
        bands = pc.binary_join_element_wise(pc.cast(low, pa.string()), pc.cast(high, pa.string()), "-")
    else:
        high = pc.add(low, float(width))
        bands = pc.binary_join_element_wise("[", pc.cast(low, pa.string()), ", ",
                                            pc.cast(high, pa.string()), ")", "")
    if top is not None:
        label = f"{int(top) if integral else top}+"
        bands = pc.if_else(pc.greater_equal(values, top), label, bands)
    return bands


def generalize_age(values: pa.Array | pa.ChunkedArray, width: int = 10, top: int | None = None) -> Any:
    """An age replaced by its band, e.g. `30-39`; ages >= `top` become `top+`."""
    return generalize_number(pc.cast(values, pa.int64()), width, top)


def generalize_gps(lat: pa.Array | pa.ChunkedArray, lon: pa.Array | pa.ChunkedArray,
                   degrees: float = 0.1) -> tuple[Any, Any]:
    """Latitude and longitude moved to the centre of their grid cell of `degrees` side."""
    if degrees <= 0:
        raise InputError("a GPS grid needs a positive cell size", hint=f"got {degrees}")

    def centre(values: pa.Array | pa.ChunkedArray) -> Any:
        cells = pc.floor(pc.divide(pc.cast(values, pa.float64()), degrees))
        return pc.round(pc.multiply(pc.add(cells, 0.5), degrees), 9)  # 9 decimals: no float noise

    return centre(lat), centre(lon)


def drop(data: Data, columns: Iterable[str]) -> Data:
    """The table without `columns`."""
    names = list(columns)
    _require_columns(data, names)
    return data.drop_columns(names)


def _require_columns(data: Any, names: Sequence[str]) -> None:
    present = set(data.column_names if hasattr(data, "column_names") else data.columns)
    for name in names:
        if name not in present:
            raise InputError("no such column", column=name, hint=f"columns are {sorted(present)}")


def quote(name: str) -> str:
    """A SQL identifier for DuckDB."""
    return '"' + name.replace('"', '""') + '"'


def suppress_small_groups(data: Any, quasi_identifiers: Sequence[str], k: int) -> Any:
    """Remove rows whose quasi-identifier group has fewer than `k` rows (nulls form a group)."""
    if not quasi_identifiers:
        raise InputError("suppression needs at least one quasi-identifier")
    _require_columns(data, quasi_identifiers)
    qis = ", ".join(quote(c) for c in quasi_identifiers)
    if isinstance(data, duckdb.DuckDBPyRelation):
        return data.query("_t", f"SELECT * EXCLUDE (_jz_n) FROM (SELECT *, count(*) OVER "
                                f"(PARTITION BY {qis}) AS _jz_n FROM _t) WHERE _jz_n >= {int(k)}")
    table = pa.Table.from_batches([data]) if isinstance(data, pa.RecordBatch) else data
    keys = table.select(list(quasi_identifiers)).append_column(
        "_jz_row", pa.array(range(table.num_rows), pa.int64()))
    con = duck.connect()
    try:
        con.register("_t", keys)
        rows = pa.table(con.sql(f"SELECT _jz_row FROM (SELECT _jz_row, count(*) OVER (PARTITION BY {qis}) "
                                f"AS n FROM _t) WHERE n >= {int(k)} ORDER BY _jz_row"))
    finally:
        con.close()
    return data.take(rows.column(0).combine_chunks())


def _span(finding: Span) -> tuple[str, int, int]:
    if hasattr(finding, "entity"):
        return str(finding.entity), int(finding.start), int(finding.end)
    return str(finding[0]), int(finding[1]), int(finding[2])


def merge_spans(findings: Iterable[Span]) -> list[tuple[str, int, int]]:
    """Overlapping spans merged into one, which takes the entity of its longest member."""
    merged: list[tuple[str, int, int, int]] = []  # entity, start, end, length of the longest member
    for entity, start, end in sorted((_span(f) for f in findings), key=lambda s: (s[1], -s[2])):
        if end <= start:
            continue
        if merged and start < merged[-1][2]:
            last = merged[-1]
            best = entity if end - start > last[3] else last[0]
            merged[-1] = (best, last[1], max(last[2], end), max(last[3], end - start))
        else:
            merged.append((entity, start, end, end - start))
    return [(e, s, t) for e, s, t, _ in merged]


def redact_spans(text: str, findings: Iterable[Span]) -> str:
    """`text` with each span (code points) replaced by its entity's tag."""
    out, cursor = [], 0
    for entity, start, end in merge_spans(findings):
        out.append(text[cursor:start])
        out.append(tag(entity))
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def text_redact(texts: pa.Array | pa.ChunkedArray, findings_per_text: Sequence[Iterable[Span]]) -> pa.Array:
    """Free texts rewritten with tags in place of the spans found in each (nulls stay null)."""
    if len(findings_per_text) != len(texts):
        raise InputError("one list of findings is needed per text",
                         hint=f"{len(texts)} texts, {len(findings_per_text)} lists")
    values = _strings(texts).to_pylist()
    for i, findings in enumerate(findings_per_text):
        if values[i] is not None and findings:
            values[i] = redact_spans(values[i], findings)
    return pa.array(values, pa.string())


# --- stage configs: frozen dataclasses applied by one pure function -------------------------

@dataclass(frozen=True)
class Redact:
    """Replace a column's values by `[ENTITY]`, or (no entity) the spans the scanner finds."""

    column: str
    entity: str | None = None
    lang: str | None = None


@dataclass(frozen=True)
class Mask:
    """Hide all but the last `keep_last` characters."""

    column: str
    keep_last: int = 4
    char: str = "*"


@dataclass(frozen=True)
class Pseudonymize:
    """Replace values by keyed tokens; the key never appears in a repr or a report."""

    column: str
    key: bytes = field(repr=False)


@dataclass(frozen=True)
class Generalize:
    """Coarsen a column: `date` (to year/month), `number` or `age` (band of `width`)."""

    column: str
    kind: Literal["date", "number", "age"]
    to: Literal["year", "month"] = "year"
    width: float = 10
    top: float | None = None


@dataclass(frozen=True)
class GeneralizeGPS:
    """Move a latitude/longitude pair to the centre of its grid cell."""

    lat_column: str
    lon_column: str
    degrees: float = 0.1


@dataclass(frozen=True)
class Drop:
    """Remove columns."""

    columns: tuple[str, ...]


Operator = Redact | Mask | Pseudonymize | Generalize | GeneralizeGPS | Drop


def _replace(data: Data, column: str, values: Any) -> Data:
    _require_columns(data, [column])
    if isinstance(values, pa.ChunkedArray) and isinstance(data, pa.RecordBatch):
        values = values.combine_chunks()
    return data.set_column(data.schema.get_field_index(column), column, values)


def apply_operator(op: Operator, data: Data) -> Data:
    """The batch (or table) with one operator applied; row-local, so batch boundaries do not matter."""
    if isinstance(op, Drop):
        return drop(data, op.columns)
    if isinstance(op, GeneralizeGPS):
        lat, lon = generalize_gps(data[op.lat_column], data[op.lon_column], op.degrees)
        return _replace(_replace(data, op.lat_column, lat), op.lon_column, lon)
    _require_columns(data, [op.column])
    values = data[op.column]
    if isinstance(op, Redact):
        return _replace(data, op.column, redact(values, op.entity, op.lang))
    if isinstance(op, Mask):
        return _replace(data, op.column, mask(values, op.keep_last, op.char))
    if isinstance(op, Pseudonymize):
        return _replace(data, op.column, pseudonymize(values, op.key))
    if op.kind == "date":
        return _replace(data, op.column, generalize_date(values, op.to))
    if op.kind == "age":
        return _replace(data, op.column, generalize_age(values, int(op.width), None if op.top is None
                                                          else int(op.top)))
    return _replace(data, op.column, generalize_number(values, op.width, op.top))


def apply_operators(ops: Sequence[Operator], data: Data) -> Data:
    """The batch (or table) with every operator applied in order."""
    for op in ops:
        data = apply_operator(op, data)
    return data


def operator_names(ops: Sequence[Operator]) -> Mapping[str, str]:
    """Column -> operator name, for the privacy report (never includes keys)."""
    names: dict[str, str] = {}
    for op in ops:
        if isinstance(op, Drop):
            names.update({c: "drop" for c in op.columns})
        elif isinstance(op, GeneralizeGPS):
            names.update({op.lat_column: "generalize", op.lon_column: "generalize"})
        else:
            names[op.column] = type(op).__name__.lower()
    return names
