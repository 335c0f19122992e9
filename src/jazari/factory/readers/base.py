"""What every source shares: closing as a context manager; DuckDB-backed ones, progress and cleanup."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Self

import duckdb
import pyarrow as pa

from jazari.factory.readers.columns import TempFile, check_cell_sizes


class ClosingSource:
    """A source used as `with open_source(...) as source:`; subclasses say what close() frees."""

    def close(self) -> None:
        """Free what the source holds."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DuckDBSource(ClosingSource):
    """A source read by a DuckDB connection, maybe from a temporary UTF-8 copy of the file."""

    _con: duckdb.DuckDBPyConnection | None
    _temp: TempFile | None
    _opts: Any
    path: Path
    schema: pa.Schema

    def _shaped(self, batch: pa.RecordBatch, first_row: int) -> pa.RecordBatch:
        """A batch from DuckDB under the source's column names, its cells checked against the limit."""
        batch = pa.RecordBatch.from_arrays(batch.columns, schema=self.schema)
        check_cell_sizes(batch, self._opts.max_cell_bytes, first_row, self.path.name)
        return batch

    def fraction(self) -> float:
        """How far the read has got, 0..1, as DuckDB reports it."""
        try:
            progress = self._con.query_progress() if self._con is not None else -1
        except duckdb.Error:
            return 0.0
        return max(0.0, min(1.0, progress / 100))

    def close(self) -> None:
        """Release DuckDB and delete the temporary UTF-8 copy."""
        if self._con is not None:
            self._con.close()
            self._con = None
        if self._temp is not None:
            self._temp.remove()
            self._temp = None
