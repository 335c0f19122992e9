"""DuckDB connections with bounded memory: a query over a 10 GB version spills to disk instead
of taking the machine's memory (DuckDB's own default is 80% of RAM)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb

DEFAULT_MEMORY = os.environ.get("JAZARI_DUCKDB_MEMORY", "1GB")


def connect(*, memory_limit: str | None = None, temp_directory: Path | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection limited to `memory_limit` (default 1GB), spilling to disk."""
    con = duckdb.connect(":memory:")
    spill = temp_directory or Path(tempfile.gettempdir()) / "jazari-duckdb"
    con.execute(f"SET memory_limit = '{memory_limit or DEFAULT_MEMORY}'")
    con.execute(f"SET temp_directory = '{str(spill).replace(chr(39), chr(39) * 2)}'")
    return con
