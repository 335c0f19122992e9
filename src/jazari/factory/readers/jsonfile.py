"""JSON (a top-level array of objects, or concatenated objects) and JSON lines, read by DuckDB.

Types are the ones JSON carries: integers, floats, booleans, strings (never re-typed as dates),
nested objects as Arrow structs and arrays as lists when their shape is the same in every row.
A column whose values disagree across rows (1 in one row, "deux" or {...} in another) becomes
a string column: strings as themselves, other values as JSON text. The schema comes from a scan
of the whole file, so a type change late in the file cannot break the read half-way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from jazari.errors import FileFormatError, FileTooLargeError, JazariError
from jazari.factory.readers import encoding as enc
from jazari.factory.readers.base import DuckDBSource
from jazari.factory.readers.columns import TempFile, column_names
from jazari.store import duck

_MALFORMED = re.compile(r"Malformed JSON in file .*?, at byte (\d+) in (line|record/value) (\d+): (.*)")
_GUESSED = re.compile(r"\b(TIMESTAMP WITH TIME ZONE|TIMESTAMP|DATE|TIME|UUID)\b")
_RENAMED = re.compile(r"^(.+)_\d+$")
_CHUNK = 1 << 20


class JsonSource(DuckDBSource):
    """A JSON or JSON lines file read as typed batches."""

    textual = False
    first_row_number = 1

    def __init__(self, path: Path, options: Any, fmt: str, tmp_dir: Path | None = None) -> None:
        self.path, self._opts = path, options
        forced = options.encoding is not None
        self.encoding = enc.normalize(options.encoding) if forced else enc.detect(path)
        self._temp: TempFile | None = None
        self._con: duckdb.DuckDBPyConnection | None = duck.connect()
        try:
            self._target = path
            if self.encoding not in enc.UTF8:
                self._temp = TempFile(tmp_dir, ".json")
                enc.transcode(path, self.encoding, self._temp.path, guard=not forced)
                self._target = self._temp.path
            self.format, self._layout = _layout(self._target, fmt, path)
            self._select, self.schema = self._describe()
        except BaseException:
            self.close()
            raise
        self.options: dict[str, Any] = {"format": self.format, "encoding": self.encoding}

    def _scan(self, columns: str | None) -> str:
        limit = max(self._opts.max_cell_bytes, 16 << 20) * 2
        typed = f"columns={columns}" if columns else "sample_size=-1, map_inference_threshold=-1"
        return (f"read_json(?, format='{self._layout}', records=true, {typed}, "
                f"maximum_object_size={limit})")

    def _describe(self) -> tuple[str, pa.Schema]:
        """Scan the whole file for the column types; build the query that reads them as such."""
        assert self._con is not None
        try:
            described = self._con.sql(f"DESCRIBE SELECT * FROM {self._scan(None)}",
                                      params=[str(self._target)]).fetchall()
        except duckdb.Error as e:
            if "non-record JSON" in str(e) and _is_empty_array(self._target):
                return "", pa.schema([])
            raise self._error(str(e)) from None
        keys = [str(row[0]) for row in described]
        self._check_case_duplicates(keys)
        names = column_names(keys)
        columns, select = [], []
        for i, row in enumerate(described):
            kind = _GUESSED.sub("VARCHAR", str(row[1]))
            columns.append(f"{_lit(str(row[0]))}: {_lit(kind)}")
            ref = _ident(str(row[0]))
            if kind == "JSON":
                ref = f"CASE WHEN json_type({ref}) = 'VARCHAR' THEN {ref} ->> '$' ELSE {ref}::VARCHAR END"
            select.append(f'{ref} AS "c{i}"')
        query = f"SELECT {', '.join(select)} FROM {self._scan('{' + ', '.join(columns) + '}')}"
        schema = self._con.sql(f"SELECT * FROM ({query}) LIMIT 0", params=[str(self._target)]).to_arrow_table().schema
        return query, pa.schema([pa.field(n, f.type) for n, f in zip(names, schema, strict=True)])

    def _check_case_duplicates(self, keys: list[str]) -> None:
        """Refuse keys differing only by case (`Nom`, `nom`): DuckDB renames one (`nom_1`) and
        reading by that name would silently give nulls."""
        folded = {k.casefold() for k in keys}
        assert self._con is not None
        for key in keys:
            m = _RENAMED.match(key)
            if not m or m.group(1).casefold() not in folded:
                continue
            probe = f"SELECT count(*) FROM {self._scan('{' + _lit(key) + ': ' + _lit('JSON') + '}')} WHERE {_ident(key)} IS NOT NULL"
            if self._con.sql(probe, params=[str(self._target)]).fetchall() == [(0,)]:
                raise FileFormatError(
                    f"two keys differ only by case ({m.group(1)!r} and another spelling); column names"
                    " are case-insensitive here", file=self.path.name, field=m.group(1),
                    hint="rename one of the two keys in the file")

    def batches(self) -> Iterator[pa.RecordBatch]:
        """The records in file order, at most `batch_rows` per batch."""
        try:
            if not self._select:
                return
            if self._con is None:
                self._con = duck.connect()
            next_row = 1
            reader = None
            while True:
                try:
                    if reader is None:
                        reader = self._con.sql(self._select, params=[str(self._target)]).to_arrow_reader(
                            self._opts.batch_rows)
                    batch = reader.read_next_batch()
                except StopIteration:
                    return
                except (duckdb.Error, pa.ArrowException, OSError) as e:
                    raise self._error(str(e)) from None
                batch = self._shaped(batch, next_row)
                next_row += batch.num_rows
                yield batch
        finally:
            self.close()

    def _error(self, text: str) -> JazariError:
        """A DuckDB JSON error as a user-facing error naming the line and column."""
        file = self.path.name
        if "maximum_object_size" in text or "object_size" in text:
            return FileTooLargeError("one JSON record is larger than the limit", file=file,
                                     hint="raise max_cell_bytes if the record is genuine")
        m = _MALFORMED.search(text)
        if m and m.group(2) == "line":
            line = int(m.group(3))
            return FileFormatError(f"invalid JSON: {m.group(4).strip()}", file=file, line=line,
                                   column=_column_in_line(self._target, line, int(m.group(1))),
                                   hint="fix that line (each line must be one JSON object)")
        if m or "Malformed JSON" in text:
            found = locate_json_error(self._target, self._layout)
            if found is not None:
                line, column, message = found
                return FileFormatError(f"invalid JSON: {message}", file=file, line=line, column=column,
                                       hint="fix the file there (a JSON validator shows the same place)")
        if "non-record JSON" in text:
            return FileFormatError("the JSON holds values that are not objects with named keys "
                                   "(scalars, or an empty key \"\")", file=file,
                                   hint="give an array of objects ([{...}, {...}]) or one object per line")
        return FileFormatError(f"the file cannot be read as JSON: {text.splitlines()[0]}", file=file,
                               hint="check that it is an array of objects or JSON lines")


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _layout(path: Path, fmt: str, original: Path) -> tuple[str, str]:
    """('json', 'array'), ('json', 'unstructured') or ('jsonl', 'newline_delimited') from the content."""
    with open(path, "rb") as f:
        head = f.read(_CHUNK).lstrip(b"\xef\xbb\xbf")
    start = head.lstrip()[:1]
    if start not in (b"[", b"{"):
        raise FileFormatError("the file is not JSON: it does not start with [ or {", file=original.name,
                              hint="read it with --format csv if it is delimited text")
    if start == b"[":
        return "json", "array"
    if fmt == "jsonl":
        return "jsonl", "newline_delimited"
    first_line = head.lstrip().split(b"\n", 1)[0]
    try:
        json.loads(first_line)
    except ValueError:
        return "json", "unstructured"
    return "jsonl", "newline_delimited"


def _is_empty_array(path: Path) -> bool:
    with open(path, "rb") as f:
        head = f.read(4096)
    return len(head) < 4096 and head.lstrip(b"\xef\xbb\xbf").strip() in (b"[]", b"[ ]")


def _column_in_line(path: Path, line: int, byte: int) -> int | None:
    """The 1-based character column of the error in one line of a UTF-8 file."""
    with open(path, "rb") as f:
        for number, raw in enumerate(f, start=1):
            if number == line:
                text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
                try:
                    json.loads(text)
                except ValueError as e:
                    return getattr(e, "colno", None)
                return len(raw[:byte].decode("utf-8", errors="replace")) + 1
    return None


def locate_json_error(path: Path, layout: str) -> tuple[int, int, str] | None:
    """Where a JSON file stops being valid (line, column, message), streaming value by value."""
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
        cur = _Cursor(f)
        try:
            if layout == "array":
                cur.expect("[")
                if cur.peek() == "]":
                    cur.take(1)
                else:
                    while True:
                        cur.value()
                        if cur.expect(",]") == "]":
                            break
                if cur.peek() != "":
                    raise _Invalid("extra data after the closing ]")
            while cur.peek() != "":
                cur.value()
        except _Invalid as e:
            return cur.line, cur.col + e.offset, e.message
    return None


class _Invalid(Exception):
    def __init__(self, message: str, offset: int = 0) -> None:
        self.message, self.offset = message, offset


class _Cursor:
    """A window on a text stream that knows the line and column of its start."""

    def __init__(self, stream: Any) -> None:
        self.stream, self.buf, self.line, self.col, self.eof = stream, "", 1, 1, False
        self.decoder = json.JSONDecoder()

    def fill(self, size: int) -> None:
        while not self.eof and len(self.buf) < size:
            more = self.stream.read(max(_CHUNK, size - len(self.buf)))
            self.eof = not more
            self.buf += more

    def take(self, n: int) -> None:
        gone, self.buf = self.buf[:n], self.buf[n:]
        newlines = gone.count("\n")
        self.line += newlines
        self.col = len(gone) - gone.rindex("\n") if newlines else self.col + len(gone)

    def peek(self) -> str:
        while True:
            self.fill(1)
            stripped = self.buf.lstrip()
            self.take(len(self.buf) - len(stripped))
            if stripped or self.eof:
                return stripped[:1]

    def expect(self, allowed: str) -> str:
        char = self.peek()
        if char == "" or char not in allowed:
            what = " or ".join(repr(c) for c in allowed)
            raise _Invalid(f"expecting {what}" + (" before the end of the file" if char == "" else ""))
        self.take(1)
        return char

    def value(self) -> None:
        if self.peek() == "":
            raise _Invalid("expecting a value before the end of the file")
        size = _CHUNK
        while True:
            self.fill(size)
            try:
                _, end = self.decoder.raw_decode(self.buf)
            except json.JSONDecodeError as e:
                truncated = e.pos >= len(self.buf) - 8 or e.msg.startswith("Unterminated string")
                if truncated and not self.eof:
                    size = len(self.buf) * 2
                    continue
                newline = self.buf.rfind("\n", 0, e.pos)
                if newline >= 0:
                    self.take(newline + 1)
                    raise _Invalid(e.msg, e.pos - newline - 1) from None
                raise _Invalid(e.msg, e.pos) from None
            self.take(end)
            return
