"""DuckDB helpers: sealed connections open only what they are given; spare connections are made
ahead and used once; the shared reader hands each thread its own cursor."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jazari.store import duck


def _parquet(path: Path, n: int) -> Path:
    pq.write_table(pa.table({"n": list(range(n))}), path)
    return path


def test_a_sealed_connection_opens_only_its_files(tmp_path: Path) -> None:
    mine, other = _parquet(tmp_path / "mine.parquet", 3), _parquet(tmp_path / "other.parquet", 5)
    con = duck.connect(threads=1)
    duck.seal(con, paths=[mine])
    assert con.sql(f"SELECT count(*) FROM {duck.parquet_source([mine])}").fetchall() == [(3,)]
    for sql in (f"SELECT * FROM {duck.parquet_source([other])}", f"SELECT * FROM read_parquet('{tmp_path}/*')",
                "SET allowed_paths = []", "SET enable_external_access = true"):
        with pytest.raises(duckdb.Error):
            con.sql(sql).fetchall()
    con.close()


def test_spares_are_made_ahead_used_once_and_closed(tmp_path: Path) -> None:
    spares = duck.Spares(memory_limit="64MB", threads=1)
    first = spares.take(memory_limit="64MB", threads=1)  # none ready yet: a connection of its own
    assert first.sql("SELECT 1").fetchall() == [(1,)]
    spares.release(first)
    deadline = time.monotonic() + 20
    while not spares._ready and time.monotonic() < deadline:
        time.sleep(0.01)
    [ahead] = spares._ready
    second = spares.take(memory_limit="64MB", threads=1)
    assert second is ahead and not spares._ready
    assert second.sql("SELECT current_setting('memory_limit')").fetchall()[0][0].startswith("61.0 MiB")
    other = spares.take(memory_limit="32MB", threads=1)  # other limits: not the spare's
    assert other is not second and other.sql("SELECT current_setting('threads')").fetchall() == [(1,)]
    spares.release(second)
    spares.release(other)
    spares.close()
    assert not spares._ready and not spares._used
    with pytest.raises(duckdb.Error):
        first.sql("SELECT 1").fetchall()  # closed on the background thread
    late = spares.take(memory_limit="64MB", threads=1)  # after close: still works, closed at once
    spares.release(late)
    with pytest.raises(duckdb.Error):
        late.sql("SELECT 1").fetchall()


def test_the_reader_gives_each_thread_its_cursor_over_the_root_only(tmp_path: Path) -> None:
    root = tmp_path / "lake"
    root.mkdir()
    files = [_parquet(root / f"{i}.parquet", 1000 * (i + 1)) for i in range(3)]
    _parquet(tmp_path / "lake2.parquet", 1)  # beside the root, its name starting like it
    reader = duck.Reader(root)
    counts: list[int] = []

    def count(i: int) -> None:
        with reader.cursor() as cursor:
            counts.append(cursor.sql(f"SELECT count(*) FROM {duck.parquet_source(files[: i % 3 + 1])}").fetchall()[0][0])

    threads = [threading.Thread(target=count, args=(i,)) for i in range(9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(counts) == [1000] * 3 + [3000] * 3 + [6000] * 3
    with reader.cursor() as cursor, pytest.raises(duckdb.Error):
        cursor.sql(f"SELECT * FROM read_parquet('{tmp_path}/lake2.parquet')").fetchall()
    reader.close()
    with reader.cursor() as cursor:  # opened again on the next use
        assert cursor.sql(f"SELECT count(*) FROM {duck.parquet_source(files[:1])}").fetchall() == [(1000,)]
    reader.close()


def test_a_program_that_does_not_close_its_spares_still_exits_cleanly(tmp_path: Path) -> None:
    """`jz = jazari.open(); jz.query(...)` and the end of the script: the spares' thread may be inside
    DuckDB then; the interpreter's exit must not abort the process (it did: `terminate called`, 134)."""
    import subprocess
    import sys

    script = ("from jazari.store import duck\n"
              "spares = duck.Spares()\n"
              "for _ in range(3):\n"
              "    spares.release(duck.connect())\n")
    for _ in range(3):  # the race was lost 5 times in 6
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and "terminate called" not in done.stderr, done.stderr
