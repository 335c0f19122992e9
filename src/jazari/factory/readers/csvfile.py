"""CSV and TSV: sniffed in Python on a decoded sample, read by DuckDB's parallel CSV reader.

Non-UTF-8 files are first transcoded, streaming, into a UTF-8 temporary file. Every column is
`pa.string()`; an empty unquoted cell is null, a quoted empty cell `""` is the empty string.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from jazari.errors import FileFormatError, FileTooLargeError, InputError, JazariError
from jazari.factory.readers import encoding as enc
from jazari.factory.readers.base import DuckDBSource
from jazari.factory.readers.columns import TempFile, column_names, too_large_cell
from jazari.factory.readers.dialect import Dialect, sniff
from jazari.store import duck

SAMPLE_BYTES = 1 << 20
_LINE = re.compile(r"CSV Error on Line: (\d+)")
_COLUMNS = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")
_LINE_SIZE = re.compile(r"Maximum line size of \d+ bytes exceeded\. Actual Size:\s*(\d+)")


class CsvSource(DuckDBSource):
    """A delimited text file read as batches of string columns."""

    textual = True

    def __init__(self, path: Path, options: Any, fmt: str, tmp_dir: Path | None = None) -> None:
        self.path, self._opts, self._tmp_dir = path, options, tmp_dir
        forced = options.encoding is not None
        self.encoding = enc.normalize(options.encoding) if forced else enc.detect(path)
        self._guard = not forced
        dialect = self._sniff(fmt)
        self.dialect = dialect
        self.format = "tsv" if dialect.delimiter == "\t" else "csv"
        if dialect.header:
            names = column_names(dialect.first)
        else:
            names = [f"column_{i}" for i in range(1, len(dialect.first) + 1)]
        self.schema = pa.schema([pa.field(n, pa.string()) for n in names])
        self.first_row_number = self.skip_rows + (2 if dialect.header else 1)
        self.options: dict[str, Any] = {
            "format": self.format, "encoding": self.encoding, "delimiter": dialect.delimiter,
            "quote": dialect.quote, "header": dialect.header, "skip_rows": self.skip_rows,
        }
        self._con: duckdb.DuckDBPyConnection | None = None
        self._temp: TempFile | None = None

    def _sniff(self, fmt: str) -> Dialect:
        """Decode a sample, skip the asked lines and sniff; grow the sample for a huge first record."""
        size, opts = SAMPLE_BYTES, self._opts
        while True:
            text, whole = enc.read_text(self.path, self.encoding, size)
            body = text
            if opts.skip_rows:
                parts = text.split("\n", opts.skip_rows)
                body = parts[-1] if len(parts) > opts.skip_rows else ""
            body, self.skip_rows = _drop_blank_lines(body, opts.skip_rows)
            dialect = sniff(body, whole=whole, delimiter=_delimiter(opts.delimiter), quote=opts.quote,
                            header=opts.header, default_delimiter="\t" if fmt == "tsv" else ",")
            if dialect is not None or whole:
                break
            if size > 4 * opts.max_cell_bytes:
                raise too_large_cell(None, opts.max_cell_bytes, self.path.name, line=opts.skip_rows + 1)
            size *= 4
        if dialect is None:
            what = f"after skipping {opts.skip_rows} line(s)" if opts.skip_rows else "only blank lines"
            raise FileFormatError(f"the file has no rows ({what})", file=self.path.name,
                                  hint="check the file, or lower --skip-rows")
        return dialect

    def batches(self) -> Iterator[pa.RecordBatch]:
        """Stream the rows as string batches in file order; temporary files go when done."""
        try:
            target = self.path
            if self.encoding not in enc.UTF8:
                self._temp = TempFile(self._tmp_dir, ".csv")
                enc.transcode(self.path, self.encoding, self._temp.path, guard=self._guard)
                target = self._temp.path
            self._con = duck.connect()
            next_row = self.first_row_number
            for batch in _translated(self._con, self._query(), target, self):
                batch = self._shaped(batch, next_row)
                next_row += batch.num_rows
                yield batch
        finally:
            self.close()

    def _query(self) -> str:
        d = self.dialect
        columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(self.schema)))
        line_limit = line_limit_for(self._opts.max_cell_bytes)
        return (
            f"SELECT * FROM read_csv(?, columns={{{columns}}}, delim={_lit(d.delimiter)}, "
            f"quote={_lit(d.quote)}, escape={_lit(d.quote)}, header={str(d.header).lower()}, "
            f"skip={int(self.skip_rows)}, auto_detect=false, allow_quoted_nulls=false, "
            f"strict_mode=true, null_padding=false, max_line_size={line_limit}, "
            # DuckDB's buffer defaults to 16 lines of the maximum size (512 MB here); four are enough for
            # a cell as long as the limit (fewer break quoted cells across buffers)
            f"buffer_size={4 * line_limit}, encoding='utf-8')"
        )


def _drop_blank_lines(body: str, skipped: int) -> tuple[str, int]:
    """Drop the empty (or delimiters-only, as Excel writes them) lines above the header."""
    while True:
        line, newline, rest = body.partition("\n")
        if not newline or line.strip(" \t\r,;|"):
            return body, skipped
        body, skipped = rest, skipped + 1


def _delimiter(value: str | None) -> str | None:
    if value in ("\\t", "tab", "TAB"):
        return "\t"
    if value is not None and len(value) != 1:
        raise InputError(f"the delimiter must be one character, not {value!r}", field="delimiter",
                         hint="use , ; | or \\t")
    return value


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _translated(con: duckdb.DuckDBPyConnection, query: str, target: Path,
                source: CsvSource) -> Iterator[pa.RecordBatch]:
    """The query's batches, with DuckDB's errors turned into JazariErrors naming the line."""
    try:
        reader = con.sql(query, params=[str(target)]).to_arrow_reader(source._opts.batch_rows)
    except (duckdb.Error, pa.ArrowException, OSError) as e:
        raise _csv_error(str(e), source) from None
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            return
        except (duckdb.Error, pa.ArrowException, OSError) as e:
            raise _csv_error(str(e), source) from None
        yield batch


def _csv_error(text: str, source: CsvSource) -> JazariError:
    """A DuckDB CSV error as a user-facing error, without DuckDB's echo of the whole line."""
    file = source.path.name
    m = _LINE.search(text)
    line = int(m.group(1)) if m else None
    if "Invalid unicode" in text and source.encoding in enc.UTF8:
        found = enc.locate_utf8_error(source.path)
        if found is not None:
            return found
    if m_cols := _COLUMNS.search(text):
        expected, got = int(m_cols.group(1)), int(m_cols.group(2))
        few = "too few" if got < expected else "too many"
        first = "the header" if source.dialect.header else "the first row"
        return FileFormatError(
            f"{few} fields: expected {expected} (as in {first}), found {got}",
            hint=f"check the quoting on that line or the delimiter (read as {source.dialect.delimiter!r},"
                 " force one with --delimiter); title lines above the header: --skip-rows",
            file=file, line=line,
        )
    if m_size := _LINE_SIZE.search(text):
        return FileTooLargeError(
            f"the line holds {int(m_size.group(1)):,} bytes, over the limit of "
            f"{line_limit_for(source._opts.max_cell_bytes):,} bytes (twice max_cell_bytes)",
            file=file, line=line, column=_widest_column(text, source),
            hint="check the quoting of this line, or raise max_cell_bytes if the cell is genuine")
    if "unterminated quote" in text:
        return FileFormatError(
            f"a field opened with {source.dialect.quote} is never closed",
            hint="close the quote on that line, or read with another --quote", file=file, line=line,
        )
    first = text.split("\n", 1)[0].removeprefix("Invalid Input Error: ")
    if "Original Line" in text:
        detail = text.split("Original Line:", 1)[1].split("\n")
        first = next((t for t in detail[1:] if t.strip()), first)
    if "No such file" in text or "IO Error" in text:
        return InputError(f"cannot read the file: {first}", file=file, hint="check the path")
    return FileFormatError(f"the file cannot be read as CSV: {first.strip()}", file=file, line=line,
                           hint="check the delimiter, quoting and encoding options")


def _widest_column(text: str, source: CsvSource) -> str | None:
    """The column of the biggest field in DuckDB's (truncated) echo of the line, if it parses."""
    body = text.split("Original Line: ", 1)[-1]
    d = source.dialect
    try:
        row = next(csv.reader(io.StringIO(body), delimiter=d.delimiter, quotechar=d.quote or None,
                              quoting=csv.QUOTE_MINIMAL if d.quote else csv.QUOTE_NONE))
    except (csv.Error, StopIteration):
        return None
    if not row:
        return None
    widest = max(range(len(row)), key=lambda i: len(row[i]))
    return source.schema.names[widest] if widest < len(source.schema) else None


def line_limit_for(max_cell_bytes: int) -> int:
    """DuckDB's line-size limit: room for one full cell plus the rest of its row."""
    return max(2 * max_cell_bytes, 8 << 20)
