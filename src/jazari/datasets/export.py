"""Writing a version out, streaming batch by batch: Parquet, CSV (formula injection neutralised),
JSON lines, or an Arrow IPC stream. The same encoder feeds a file and an HTTP response."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.dataset as pads
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from jazari.errors import InputError
from jazari.store.blobs import storage_error

FORMATS = ("parquet", "csv", "jsonl", "arrow")
MEDIA_TYPES = {
    "parquet": "application/vnd.apache.parquet",
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "arrow": "application/vnd.apache.arrow.stream",
}
SUFFIXES = {"parquet": "parquet", "csv": "csv", "jsonl": "jsonl", "arrow": "arrows"}
FORMULA_START = r"^[=+\-@\t\r]"
JSONL_BATCH = 16_384  # rows turned into Python objects at a time


def check_format(fmt: str) -> str:
    """`fmt` if it is an export format, else an InputError naming the field."""
    if fmt not in FORMATS:
        raise InputError(f"format must be one of {', '.join(FORMATS)}, not {str(fmt)[:40]!r}", field="format")
    return fmt


def neutralise_formulas(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Prefix text cells starting with = + - @ with a quote so spreadsheets don't run them."""
    columns = []
    for column in batch.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            risky = pc.match_substring_regex(column, FORMULA_START)
            column = pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)
        columns.append(column)
    return pa.RecordBatch.from_arrays(columns, schema=batch.schema)


class _Sink:
    """A write-only file object whose bytes the encoder hands on after each batch."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def export_chunks(data: pads.Dataset, fmt: str, counter: list[int] | None = None) -> Iterator[bytes]:
    """The bytes of `data` in `fmt`, one chunk per batch: memory stays bounded by a batch. The rows
    written are added to `counter[0]` when given."""
    check_format(fmt)
    counted = counter if counter is not None else [0]
    if fmt == "jsonl":
        for batch in data.to_batches(batch_size=JSONL_BATCH):
            counted[0] += batch.num_rows
            yield "".join(json.dumps(row, ensure_ascii=False, allow_nan=False) + "\n"
                          for row in jsonable_rows(batch)).encode()
        return
    sink = _Sink()
    stream = pa.PythonFile(sink, mode="w")
    if fmt == "parquet":
        writer: Any = pq.ParquetWriter(stream, data.schema)
    elif fmt == "csv":
        writer = pacsv.CSVWriter(stream, data.schema)
    else:
        writer = ipc.new_stream(stream, data.schema)
    with writer:
        for batch in data.to_batches():
            writer.write_batch(neutralise_formulas(batch) if fmt == "csv" else batch)
            counted[0] += batch.num_rows
            yield sink.take()
    yield sink.take()


def write_export(data: pads.Dataset, output: Path, fmt: str) -> int:
    """Stream every row of `data` to `output` in `fmt`; returns the row count. Atomic: a
    partial file never stays under the final name."""
    check_format(fmt)
    tmp = output.with_name(f".{output.name}.part")
    rows = [0]
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as out:
            for chunk in export_chunks(data, fmt, rows):
                out.write(chunk)
        os.replace(tmp, output)
    except OSError as exc:
        raise storage_error(exc, output) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return rows[0]


def jsonable_rows(table: pa.Table | pa.RecordBatch) -> list[dict[str, Any]]:
    """Rows as JSON-able dicts: dates as ISO text, decimals as numbers, NaN as null, bytes as hex."""
    return [{key: jsonable(value) for key, value in row.items()} for row in table.to_pylist()]


def jsonable(value: Any) -> Any:
    """One cell as a JSON value."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return jsonable(float(value))
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return str(value)
