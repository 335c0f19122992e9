"""XLSX: a zip-bomb check, then openpyxl's read-only streaming, every cell rendered as text.

Rendering: integers as `12` (never `12.0`), other numbers to Excel's 15 significant digits,
dates `2024-03-01`, date-times `2024-03-01T10:30:00`, times `08:15:00`, booleans `TRUE`/`FALSE`,
text exactly as stored (`01` stays `01`). Empty cells are null. Trailing empty rows are dropped;
empty rows between data rows are kept (as nulls) so row numbers match the sheet.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from jazari.errors import FileFormatError, FileTooLargeError, InputError
from jazari.factory.readers.base import ClosingSource
from jazari.factory.readers.columns import check_cell_sizes, column_names
from jazari.factory.readers.dialect import looks_typed

MAX_RATIO = 250          # compressed -> uncompressed; real sheets stay well under 100
RATIO_FLOOR = 1 << 20    # small entries may compress as they like
WIDTH_SAMPLE = 1000      # data rows looked at to decide the number of columns
# What openpyxl raises for broken workbooks and sheet XML (ParseError is a SyntaxError).
_BROKEN = (InvalidFileException, KeyError, ValueError, TypeError, IndexError, AttributeError,
           zipfile.BadZipFile, OSError, SyntaxError)


def check_zip(path: Path, options: Any) -> None:
    """Refuse a workbook whose entries declare too much data or compress suspiciously well."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError) as e:
        raise FileFormatError(f"the workbook is not a valid XLSX (zip) file: {e}", file=path.name,
                              hint="open it in Excel or LibreOffice and save it again") from None
    total = sum(i.file_size for i in infos)
    if total > options.max_uncompressed_bytes:
        raise FileTooLargeError(
            f"the workbook expands to {total:,} bytes, over the limit of "
            f"{options.max_uncompressed_bytes:,}", file=path.name,
            hint="split the workbook, export the sheet as CSV, or raise max_uncompressed_bytes")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise FileTooLargeError(
                f"the workbook entry {info.filename!r} expands {ratio:,.0f} times "
                f"({info.file_size:,} bytes): this looks like a zip bomb", file=path.name,
                hint="export the sheet as CSV if the file is genuine")


def _open(path: Path, options: Any) -> tuple[Any, BinaryIO]:
    """The workbook in read-only mode and its file (opened here: raw-zone files have no extension)."""
    check_zip(path, options)
    stream = open(path, "rb")  # noqa: SIM115 - closed by the caller with the workbook
    try:
        return load_workbook(stream, read_only=True, data_only=True), stream
    except _BROKEN as e:
        stream.close()
        raise FileFormatError(f"the workbook cannot be opened: {e}", file=path.name,
                              hint="open it in Excel or LibreOffice and save it again") from None


def sheet_names(path: Path, options: Any) -> list[str]:
    """The worksheet names (chart sheets left out)."""
    wb, stream = _open(path, options)
    try:
        return [ws.title for ws in wb.worksheets]
    finally:
        wb.close()
        stream.close()


def render(value: Any) -> str | None:
    """One cell as the text a user saw in Excel (see the module docstring)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        rounded = float(f"{value:.15g}")
        if rounded.is_integer() and abs(rounded) < 2**53:
            return str(int(rounded))
        return repr(rounded)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


class XlsxSource(ClosingSource):
    """One worksheet of a workbook, streamed row by row."""

    textual = True
    format = "xlsx"

    def __init__(self, path: Path, options: Any) -> None:
        self.path, self._opts = path, options
        self._wb, self._stream = _open(path, options)
        try:
            self._start(options)
        except BaseException:
            self.close()
            raise

    def _start(self, options: Any) -> None:
        """Pick the sheet, skip rows, read the header and a sample that decides the width."""
        path = self.path
        self.sheet = _pick_sheet([ws.title for ws in self._wb.worksheets], options.sheet, path)
        self._rows = self._wb[self.sheet].iter_rows(values_only=True)
        self._row_number = 0
        for _ in range(options.skip_rows):
            if self._next() is None:
                break
        first = self._next()
        while first is not None and not any(v is not None for v in first):
            first = self._next()  # blank rows above the header are skipped (and recorded)
        skipped = self._row_number - 1
        if first is None:
            raise FileFormatError("the sheet has no rows" + (f" after skipping {options.skip_rows}"
                                  if options.skip_rows else ""), file=path.name, sheet=self.sheet,
                                  hint="pick another sheet with --sheet, or lower --skip-rows")
        header = options.header
        if header is None:
            cells = [v for v in first if v is not None and v != ""]
            header = not all(not isinstance(v, str) or looks_typed(v) for v in cells)
        self._buffer: list[tuple[int, tuple[Any, ...]]] = [] if header else [(self._row_number, first)]
        while len(self._buffer) < WIDTH_SAMPLE and (row := self._next()) is not None:
            self._buffer.append((self._row_number, row))
        width = max([_width(first)] + [_width(r) for _, r in self._buffer])
        raw = [render(v) for v in first[:width]] + [None] * (width - len(first))
        names = column_names(raw) if header else [f"column_{i}" for i in range(1, width + 1)]
        self.schema = pa.schema([pa.field(n, pa.string()) for n in names])
        self.first_row_number = skipped + (2 if header else 1)
        self.options: dict[str, Any] = {"format": "xlsx", "sheet": self.sheet, "header": header,
                                        "skip_rows": skipped}

    def _next(self) -> tuple[Any, ...] | None:
        try:
            row = next(self._rows)
        except StopIteration:
            return None
        except _BROKEN as e:
            raise FileFormatError(f"the sheet cannot be read: {e}", file=self.path.name,
                                  sheet=self.sheet, row=self._row_number + 1,
                                  hint="open it in Excel or LibreOffice and save it again") from None
        self._row_number += 1
        return row

    def _data_rows(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        yield from self._buffer
        self._buffer = []
        while (row := self._next()) is not None:
            yield self._row_number, row

    def batches(self) -> Iterator[pa.RecordBatch]:
        """The rows as string batches; empty rows at the end of the sheet are left out."""
        width = len(self.schema)
        columns: list[list[str | None]] = [[] for _ in range(width)]
        blank_run, self._next_out = 0, self.first_row_number
        try:
            for number, row in self._data_rows():
                if not any(v is not None for v in row):
                    blank_run += 1
                    continue
                self._check_width(row, width, number)
                for col in columns:
                    col.extend([None] * blank_run)
                blank_run = 0
                for i in range(width):
                    columns[i].append(render(row[i]) if i < len(row) else None)
                if columns and len(columns[0]) >= self._opts.batch_rows:
                    yield from self._flush(columns, final=False)
            if columns:
                yield from self._flush(columns, final=True)
        finally:
            self.close()

    def _flush(self, columns: list[list[str | None]], *, final: bool) -> Iterator[pa.RecordBatch]:
        limit = self._opts.batch_rows
        while len(columns[0]) >= limit or (final and columns[0]):
            arrays = [pa.array(col[:limit], pa.string()) for col in columns]
            for col in columns:
                del col[:limit]
            batch = pa.RecordBatch.from_arrays(arrays, schema=self.schema)
            check_cell_sizes(batch, self._opts.max_cell_bytes, self._next_out, self.path.name)
            self._next_out += batch.num_rows
            yield batch

    def _check_width(self, row: tuple[Any, ...], width: int, number: int) -> None:
        if len(row) > width and any(v is not None for v in row[width:]):
            at = next(i for i in range(width, len(row)) if row[i] is not None)
            raise FileFormatError(
                f"a value lies beyond the last column ({get_column_letter(width)})",
                file=self.path.name, sheet=self.sheet, row=number, column=get_column_letter(at + 1),
                hint="give that column a header in the first row, or clear the stray cell")

    def close(self) -> None:
        """Close the workbook file."""
        if self._wb is not None:
            self._wb.close()
            self._stream.close()
            self._wb = None


def _width(row: tuple[Any, ...]) -> int:
    last = len(row)
    while last and (row[last - 1] is None or row[last - 1] == ""):
        last -= 1
    return last


def _pick_sheet(names: list[str], wanted: str | None, path: Path) -> str:
    if not names:
        raise FileFormatError("the workbook has no worksheet", file=path.name)
    if wanted is None:
        return names[0]
    if wanted in names:
        return wanted
    folded = [n for n in names if n.casefold() == wanted.strip().casefold()]
    if folded:
        return folded[0]
    if wanted.strip().isdigit() and 1 <= int(wanted) <= len(names):
        return names[int(wanted) - 1]
    raise InputError(f"the workbook has no sheet {wanted!r}", file=path.name, field="sheet",
                     hint="use one of: " + ", ".join(repr(n) for n in names) + " (or its number from 1)")
