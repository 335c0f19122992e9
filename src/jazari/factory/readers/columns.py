"""Column names as users expect them, and the per-batch cell-size limit."""

from __future__ import annotations

import os
import tempfile
import weakref
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from jazari.errors import FileTooLargeError


def column_names(raw: list[str | None]) -> list[str]:
    """Header names stripped, empty ones named `column_<n>`, repeats made unique (`a`, `a_2`).

    Uniqueness ignores case, because DuckDB and Delta tables treat `Nom` and `nom` as one column.
    """
    names: list[str] = []
    taken: set[str] = set()
    for position, value in enumerate(raw, start=1):
        base = (value or "").strip() or f"column_{position}"
        name, suffix = base, 2
        while name.casefold() in taken:
            name, suffix = f"{base}_{suffix}", suffix + 1
        taken.add(name.casefold())
        names.append(name)
    return names


def check_cell_sizes(batch: pa.RecordBatch, limit: int, first_row: int, file: str) -> None:
    """Raise FileTooLargeError naming the row and column of the first cell over `limit` bytes."""
    for index, field in enumerate(batch.schema):
        if not (pa.types.is_string(field.type) or pa.types.is_large_string(field.type)
                or pa.types.is_binary(field.type) or pa.types.is_large_binary(field.type)):
            continue
        lengths = pc.binary_length(batch.column(index))
        biggest = pc.max(lengths).as_py()
        if biggest is None or biggest <= limit:
            continue
        at = pc.index(pc.greater(lengths, limit), True).as_py()
        raise too_large_cell(biggest, limit, file, row=first_row + at, column=field.name)


def too_large_cell(size: int | None, limit: int, file: str, **where: object) -> FileTooLargeError:
    """The error for one cell over the limit."""
    got = f"{size:,} bytes" if size else "more"
    return FileTooLargeError(
        f"a cell holds {got}, over the limit of {limit:,} bytes",
        hint="check the quoting of this row, or raise max_cell_bytes if the cell is genuine",
        file=file, **where,
    )


class TempFile:
    """A temporary file that is deleted on `remove()` or, at the latest, when garbage collected."""

    def __init__(self, tmp_dir: Path | None, suffix: str) -> None:
        fd, name = tempfile.mkstemp(prefix="jazari-read-", suffix=suffix, dir=tmp_dir)
        os.close(fd)
        self.path = Path(name)
        self._finalizer = weakref.finalize(self, _unlink, name)

    def remove(self) -> None:
        """Delete the file now (idempotent)."""
        self._finalizer()


def _unlink(name: str) -> None:
    try:
        os.unlink(name)
    except FileNotFoundError:
        pass
