"""Writing a version out, streaming batch by batch: Parquet, CSV (formula injection neutralised),
JSON lines, or an Arrow IPC stream. The same encoder feeds a file and an HTTP response."""

from __future__ import annotations

import datetime as dt
import hashlib
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
ROW_GROUP_ROWS = 131_072
"""Rows per row group of a Parquet export, whatever the lake's files and batches hold."""
PARQUET_OPTIONS: dict[str, Any] = {"compression": "snappy", "version": "2.6", "data_page_version": "1.0",
                                   "use_dictionary": True, "write_statistics": True}
WRITER = f"pyarrow {pa.__version__}"
"""What encodes the exports: a recorded digest holds only for the same writer."""
DIGESTED = ("parquet", "csv")


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


class Encoder:
    """Turns record batches into the bytes of one export format, a chunk per `write`. Parquet is
    written in row groups of exactly `ROW_GROUP_ROWS` rows (the last one shorter) with fixed writer
    options, so a version gives the same bytes however its rows are split into files and batches."""

    def __init__(self, fmt: str, schema: pa.Schema) -> None:
        self.fmt = check_format(fmt)
        self.pending: list[pa.RecordBatch] = []
        self.pending_rows = 0
        self.sink = _Sink()
        stream = pa.PythonFile(self.sink, mode="w")
        self.writer: Any = None
        if fmt == "parquet":
            self.writer = pq.ParquetWriter(stream, schema, **PARQUET_OPTIONS)
        elif fmt == "csv":
            self.writer = pacsv.CSVWriter(stream, schema)
        elif fmt == "arrow":
            self.writer = ipc.new_stream(stream, schema)

    def write(self, batch: pa.RecordBatch) -> bytes:
        """The bytes that `batch` completes (perhaps none yet)."""
        if self.fmt == "jsonl":
            return "".join(json.dumps(row, ensure_ascii=False, allow_nan=False) + "\n"
                           for row in jsonable_rows(batch)).encode()
        if self.fmt == "parquet":
            offset = 0
            while offset < batch.num_rows:
                take = min(ROW_GROUP_ROWS - self.pending_rows, batch.num_rows - offset)
                self.pending.append(batch.slice(offset, take))
                self.pending_rows += take
                offset += take
                if self.pending_rows == ROW_GROUP_ROWS:
                    self._row_group()
        else:
            self.writer.write_batch(neutralise_formulas(batch) if self.fmt == "csv" else batch)
        return self.sink.take()

    def _row_group(self) -> None:
        if self.pending:
            joined = pa.Table.from_batches(self.pending).combine_chunks()  # one contiguous row group
            self.writer.write_table(joined, row_group_size=ROW_GROUP_ROWS)
        self.pending, self.pending_rows = [], 0

    def close(self) -> bytes:
        """The last bytes (the Parquet footer, the end of the Arrow stream)."""
        if self.writer is not None:
            if self.fmt == "parquet":
                self._row_group()
            self.writer.close()
        return self.sink.take()


def export_chunks(data: pads.Dataset, fmt: str, counter: list[int] | None = None) -> Iterator[bytes]:
    """The bytes of `data` in `fmt`, chunk by chunk: memory stays bounded by a batch (a row group for
    Parquet). The rows written are added to `counter[0]` when given."""
    encoder = Encoder(fmt, data.schema)
    counted = counter if counter is not None else [0]
    for batch in data.to_batches(batch_size=JSONL_BATCH) if fmt == "jsonl" else data.to_batches():
        counted[0] += batch.num_rows
        if chunk := encoder.write(batch):
            yield chunk
    yield encoder.close()


def export_digests(data: pads.Dataset, formats: tuple[str, ...] = DIGESTED) -> dict[str, Any]:
    """The SHA-256 and size in bytes of the export of `data` in each of `formats`, in one read and
    without writing a file: what a download of that format gives, byte for byte, with this writer."""
    encoders = {fmt: Encoder(fmt, data.schema) for fmt in formats}
    hashes = {fmt: hashlib.sha256() for fmt in formats}
    sizes = dict.fromkeys(formats, 0)
    rows = 0

    def add(fmt: str, chunk: bytes) -> None:
        hashes[fmt].update(chunk)
        sizes[fmt] += len(chunk)

    for batch in data.to_batches():
        rows += batch.num_rows
        for fmt, encoder in encoders.items():
            add(fmt, encoder.write(batch))
    for fmt, encoder in encoders.items():
        add(fmt, encoder.close())
    return {"writer": WRITER, "rows": rows,
            **{fmt: {"sha256": hashes[fmt].hexdigest(), "bytes": sizes[fmt]} for fmt in formats}}


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
