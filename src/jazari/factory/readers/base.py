"""What every source shares: closing as a context manager; DuckDB-backed ones, progress and cleanup."""

from __future__ import annotations

from typing import Self

import duckdb

from jazari.factory.readers.columns import TempFile


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
