"""Readers: open a user's file (CSV, TSV, XLSX, JSON, JSON lines, Parquet) as a stream of
bounded Arrow record batches, with the options that were used (detected or forced) recorded
so the same ingest can be replayed: `open_source(path, ReadOptions(**source.options))`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, Self

import pyarrow as pa

from jazari.errors import InputError
from jazari.factory.readers.detect import FORMATS, detect_format, read_head

__all__ = ["FORMATS", "ReadOptions", "Source", "list_sheets", "open_source"]


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file; None means detect it from the content (and the extension)."""

    format: str | None = None      # "csv" | "tsv" | "xlsx" | "json" | "jsonl" | "parquet"
    encoding: str | None = None    # forced encoding, else detected
    delimiter: str | None = None
    quote: str | None = None       # "" reads without any quoting
    header: bool | None = None     # None = sniff
    skip_rows: int = 0             # lines (XLSX: rows) to skip before the header
    sheet: str | None = None       # XLSX sheet name, or its 1-based index as a string
    batch_rows: int = 100_000      # max rows per batch
    max_cell_bytes: int = 16 * 1024 * 1024   # a bigger cell -> FileTooLargeError naming row/column
    max_uncompressed_bytes: int = 2 * 1024**3  # XLSX zip-bomb guard (with a compression-ratio check)


class Source(Protocol):
    """An open file: its resolved options, its columns, and its rows as batches."""

    path: Path
    format: str
    options: dict[str, Any]
    schema: pa.Schema
    textual: bool
    first_row_number: int

    def batches(self) -> Iterator[pa.RecordBatch]:
        """The rows in file order, at most `batch_rows` per batch, each with `schema`."""
        ...

    def close(self) -> None:
        """Release files, connections and temporary copies (also done when batches() ends)."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...


def open_source(path: str | Path, options: ReadOptions = ReadOptions(), *,
                tmp_dir: str | Path | None = None) -> Source:
    """Open a file for reading; bad files raise a JazariError naming file, line/row and column."""
    path = Path(path)
    _check_options(options)
    head = read_head(path)
    fmt = detect_format(path, head, options.format)
    tmp = Path(tmp_dir) if tmp_dir is not None else None
    if fmt in ("csv", "tsv"):
        from jazari.factory.readers.csvfile import CsvSource

        return CsvSource(path, options, fmt, tmp)
    if fmt in ("json", "jsonl"):
        from jazari.factory.readers.jsonfile import JsonSource

        return JsonSource(path, options, fmt, tmp)
    if fmt == "xlsx":
        from jazari.factory.readers.xlsx import XlsxSource

        return XlsxSource(path, options)
    from jazari.factory.readers.parquet import ParquetSource

    return ParquetSource(path, options)


def list_sheets(path: str | Path, options: ReadOptions = ReadOptions()) -> list[str]:
    """The names of the worksheets of an XLSX workbook, in workbook order."""
    from jazari.factory.readers.xlsx import sheet_names

    path = Path(path)
    detect_format(path, read_head(path), "xlsx")
    return sheet_names(path, options)


def _check_options(options: ReadOptions) -> None:
    if options.batch_rows < 1:
        raise InputError("batch_rows must be at least 1", field="batch_rows")
    if options.skip_rows < 0:
        raise InputError("skip_rows cannot be negative", field="skip_rows", hint="use 0 or more")
    if options.max_cell_bytes < 1 or options.max_uncompressed_bytes < 1:
        raise InputError("size limits must be positive", field="max_cell_bytes")
    if options.quote is not None and len(options.quote) > 1:
        raise InputError(f"the quote must be one character, not {options.quote!r}", field="quote",
                         hint='use " or \' (or "" for no quoting)')
    if options.format is not None and options.format not in FORMATS:
        raise InputError(f"unknown format {options.format!r}", field="format",
                         hint=f"use one of {', '.join(FORMATS)}")
