"""Look at a file before it is ingested: what the ingest would detect (format, encoding, delimiter,
quote, header, skipped lines, sheet) and infer (the Table Schema), with a few rows as the file has
them. It runs the ingest's own readers and inference (`open_source`, `decide_schema`), so what the
upload wizard shows is what `jazari ingest` would do. Nothing is kept.

A text file is looked at from its first MiB at most, up to its last whole line: a head sent for the
purpose (`complete=False`, its cut last line dropped) or the start of a longer file (read into a
temporary copy; the file itself is never changed). Workbooks, Parquet files and JSON arrays cannot
be read from a head: they are looked at whole. A schema given by the user (types edited) is checked against the columns and cast on the
sample, so the values that would not fit are counted per column before anything is uploaded.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from jazari.errors import InputError, JazariError
from jazari.factory.cast import CastConfig, cast_batch
from jazari.factory.findings import flatten_errors
from jazari.factory.pipeline import decide_schema, take_sample
from jazari.factory.readers import ReadOptions, list_sheets, open_source
from jazari.factory.readers import encoding as enc
from jazari.factory.readers.columns import TempFile
from jazari.factory.readers.detect import SUFFIXES, detect_format, read_head
from jazari.factory.schema import TableSchema

SAMPLE_ROWS = 20          # rows shown as the file has them
INFER_ROWS = 10_000       # rows the types are inferred from (at most what the head holds)
WHOLE_FORMATS = ("xlsx", "parquet", "json")  # formats that cannot be read from a head
HEAD_BYTES = 1 << 20      # how much of a text file the upload wizard sends
WHOLE_MAX_BYTES = 32 << 20  # the largest file looked at whole (a workbook, Parquet, JSON)
_LABELS = {"xlsx": "an XLSX workbook", "parquet": "a Parquet file", "json": "a JSON array"}


def sniff(
    path: Path, options: ReadOptions = ReadOptions(), *, name: str | None = None, complete: bool = True,
    schema: TableSchema | None = None, tmp_dir: Path | None = None, rows: int = SAMPLE_ROWS,
    infer_rows: int = INFER_ROWS,
) -> dict[str, Any]:
    """What the ingest would detect and infer for the file at `path` (named `name` by its owner, or
    only its first bytes: `complete=False`), its first `rows` rows as text, and, with a `schema`, the
    sample values each column would refuse. A JazariError names the file by `name`."""
    name = name or path.name
    try:
        return _sniff(path, options, name, complete, schema, tmp_dir, rows, infer_rows)
    except JazariError as exc:
        if "file" in exc.context:
            exc.context["file"] = name
        raise


def _sniff(path: Path, options: ReadOptions, name: str, complete: bool, schema: TableSchema | None,
           tmp_dir: Path | None, rows: int, infer_rows: int) -> dict[str, Any]:
    declared = options.format or SUFFIXES.get(Path(name).suffix.lower())
    fmt = detect_format(path, read_head(path), declared)  # errors name `path`: renamed by sniff()
    options = replace(options, format=fmt, batch_rows=max(1, min(infer_rows, options.batch_rows)))
    if fmt in WHOLE_FORMATS:
        if not complete:
            raise InputError(f"{_LABELS[fmt]} is looked at whole, not from its first bytes", field="complete",
                             hint="send the whole file", file=name)
        return _look(path, options, name, True, schema, tmp_dir, rows, infer_rows)
    if complete and path.stat().st_size <= HEAD_BYTES:
        return _look(path, options, name, True, schema, tmp_dir, rows, infer_rows)
    head = TempFile(tmp_dir, Path(name).suffix[:10])
    try:
        with path.open("rb") as f:
            data = f.read(HEAD_BYTES)
        head.path.write_bytes(data[:last_line_end(data, options.encoding or enc.detect(path))])
        return _look(head.path, options, name, False, schema, tmp_dir, rows, infer_rows)
    finally:
        head.remove()


def _look(path: Path, options: ReadOptions, name: str, complete: bool, schema: TableSchema | None,
          tmp_dir: Path | None, rows: int, infer_rows: int) -> dict[str, Any]:
    """Read the sample, decide the schema, describe what was found."""
    fmt = options.format
    with open_source(path, options, tmp_dir=tmp_dir) as source:
        sample = take_sample(source.batches(), infer_rows)
        decided = decide_schema(source, sample, schema)
        table = pa.Table.from_batches(sample, schema=source.schema)
        found = dict(source.options)
        columns = list(source.schema.names)
    return {
        "name": name, "complete": complete, "format": found.get("format", fmt),
        "encoding": found.get("encoding"), "delimiter": found.get("delimiter"), "quote": found.get("quote"),
        "header": found.get("header"), "skip_rows": found.get("skip_rows", 0), "sheet": found.get("sheet"),
        "sheets": list_sheets(path, options) if fmt == "xlsx" else None,
        "columns": columns, "schema": decided.to_dict(), "rows_sampled": table.num_rows,
        "sample": [[_shown(v) for v in row.values()] for row in table.slice(0, rows).to_pylist()],
        "type_errors": type_errors(decided, table) if schema is not None else dict.fromkeys(columns, 0),
    }


def type_errors(schema: TableSchema, table: pa.Table) -> dict[str, int]:
    """Per column, how many values of `table` the schema's type would refuse."""
    counts = dict.fromkeys(schema.names, 0)
    if table.num_rows == 0:
        return counts
    batch = table.combine_chunks().to_batches(max_chunksize=table.num_rows)[0]
    findings = flatten_errors(cast_batch(CastConfig(schema=schema), batch))
    for item in pc.value_counts(findings.column("column")).to_pylist():
        counts[item["values"]] = item["counts"]
    return counts


def last_line_end(data: bytes, encoding: str) -> int:
    """How many bytes of `data`, the start of a text file in `encoding`, hold whole lines (up to and
    with the last line break); an error if not even the first line is whole."""
    codec = enc.normalize(encoding)
    if codec == "utf-16":
        codec = enc.stream_codec(codec, data)
    pattern, step = {"utf-16-le": (b"\n\x00", 2), "utf-16-be": (b"\x00\n", 2)}.get(codec, (b"\n", 1))
    end = data.rfind(pattern)
    while step == 2 and end >= 0 and end % 2:  # a line break starts on a character's first byte
        end = data.rfind(pattern, 0, end + 1)
    if end < 0:
        raise InputError("the first line is longer than the part of the file looked at", field="complete",
                         hint="send more of the file, or the whole file")
    return end + len(pattern)


def _shown(value: Any) -> Any:
    """A cell as JSON can carry it: text, numbers and booleans as they are; the rest as text."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    return str(value)
