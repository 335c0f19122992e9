"""DuckDB connections with bounded memory: a query over a 10 GB version spills to disk instead
of taking the machine's memory (DuckDB's own default is 80% of RAM). Sealed connections read only
the files they are given; `Reader` keeps one sealed database per node for the SQL Jazari writes
itself, so a preview does not pay for a new connection."""

from __future__ import annotations

import atexit
import os
import tempfile
import threading
import uuid
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from jazari.store.locks import SharedSlots

DEFAULT_MEMORY = os.environ.get("JAZARI_DUCKDB_MEMORY", "1GB")
GRACE_S = 5.0  # how long an interrupted query may take to stop before we give up waiting
SANDBOXES = max(2, (os.cpu_count() or 1) // 2)
"""Sandboxes in use at once (`Spares.slots`): DuckDB's memory limit does not bound every allocation."""


def connect(
    *, memory_limit: str | None = None, temp_directory: Path | None = None, threads: int | None = None,
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection limited to `memory_limit` (default 1GB), spilling to disk, with
    at most `threads` threads and never more than the machine's cores (more only slow it down)."""
    cores = os.cpu_count() or 1
    con = duckdb.connect(":memory:", config={"threads": max(1, min(threads or cores, cores))})
    spill = temp_directory or Path(tempfile.gettempdir()) / "jazari-duckdb"
    con.execute(f"SET memory_limit = {literal(memory_limit or DEFAULT_MEMORY)}")
    con.execute(f"SET temp_directory = {literal(str(spill))}")
    return con


def literal(text: str) -> str:
    """`text` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def identifier(name: str) -> str:
    """`name` as a quoted SQL identifier: any column name, never SQL."""
    return '"' + name.replace('"', '""') + '"'


def parquet_source(files: Sequence[str | Path]) -> str:
    """`read_parquet([...])` over exactly these files, read in the order given."""
    return "read_parquet([" + ", ".join(literal(str(f)) for f in files) + "])"


def seal(
    con: duckdb.DuckDBPyConnection, *, paths: Iterable[str | Path] = (), directories: Iterable[str | Path] = (),
    spill: str | None = None,
) -> None:
    """Close the connection to every file but `paths` and those under `directories`, to the network,
    extensions and Python objects; then lock its configuration, so no statement can undo it."""
    settings = [
        "SET python_enable_replacements = false",  # no Python variable becomes a table
        "SET autoinstall_known_extensions = false",
        "SET autoload_known_extensions = false",
        "SET allow_community_extensions = false",
        "SET enable_progress_bar = false",
    ]
    if spill is not None:
        settings.append(f"SET max_temp_directory_size = {literal(spill)}")
    allowed = [str(p) for p in paths]
    if allowed:
        settings.append("SET allowed_paths = [" + ", ".join(literal(p) for p in allowed) + "]")
    folders = [str(d).rstrip(os.sep) + os.sep for d in directories]  # a prefix: /lake/ and not /lake2
    if folders:
        settings.append("SET allowed_directories = [" + ", ".join(literal(d) for d in folders) + "]")
    settings += [
        "SET enable_external_access = false",  # no other file, no http, attach, install or load
        "SET lock_configuration = true",  # and no SET can undo any of it
    ]
    for setting in settings:
        con.execute(setting)


def run(
    con: duckdb.DuckDBPyConnection, sql: str, *, params: Sequence[Any] | None = None, timeout_s: float,
) -> pa.Table:
    """The result of `sql` (parameters bound), run on a thread that is interrupted after `timeout_s`
    seconds: then TimeoutError. DuckDB's own errors are raised as they are."""
    return run_all(con, [(sql, params)], timeout_s=timeout_s)[0]


def run_all(
    con: duckdb.DuckDBPyConnection, queries: Sequence[tuple[str, Sequence[Any] | None]], *, timeout_s: float,
) -> list[pa.Table]:
    """The results of `(sql, params)` queries run one after the other on one thread, interrupted
    when together they take longer than `timeout_s` seconds: then TimeoutError."""
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["tables"] = [(con.sql(sql, params=params) if params else con.sql(sql)).to_arrow_table()
                                 for sql, params in queries]
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name=f"jazari-duckdb-{uuid.uuid4().hex[:8]}", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        con.interrupt()
        worker.join(GRACE_S)
        raise TimeoutError(f"stopped after {timeout_s:g} s")
    error = outcome.get("error")
    if isinstance(error, duckdb.InterruptException):
        raise TimeoutError(f"stopped after {timeout_s:g} s")
    if error is not None:
        raise error
    tables: list[pa.Table] = outcome["tables"]
    return tables


class Spares:
    """Fresh DuckDB connections for sandboxes, each used once: one is opened ahead of need, and a
    used one is closed, on a background thread after the query, so a query waits neither for
    DuckDB to start (10-60 ms) nor to stop. A spare is made with `memory_limit` and `threads`; a
    query asking for others gets a connection of its own. `slots` bounds how many sandboxes run at
    once: their users take one before `take` and give it back after `release`; with a `slot_dir`,
    among every process of the node (`store.locks.SharedSlots`), else in this one."""

    def __init__(self, *, count: int = 1, memory_limit: str = "512MB", threads: int = 4,
                 slots: int = SANDBOXES, slot_dir: Path | None = None) -> None:
        self.count = count
        self.slots = SharedSlots(slot_dir, slots)
        self.memory_limit = memory_limit
        self.threads = threads
        self._ready: list[duckdb.DuckDBPyConnection] = []
        self._used: list[duckdb.DuckDBPyConnection] = []
        self._wake = threading.Condition()
        self._worker: threading.Thread | None = None
        self._closed = False
        self._pid = os.getpid()
        _OPEN_SPARES.add(self)

    def take(self, *, memory_limit: str, threads: int) -> duckdb.DuckDBPyConnection:
        """A fresh connection with these limits, unsealed: seal it before running anyone's SQL."""
        with self._wake:
            mine = self._pid == os.getpid() and not self._closed
            if mine and (memory_limit, threads) == (self.memory_limit, self.threads) and self._ready:
                return self._ready.pop()
        return connect(memory_limit=memory_limit, threads=threads)

    def release(self, con: duckdb.DuckDBPyConnection) -> None:
        """Close a used connection (on the background thread), then open the next spare there."""
        with self._wake:
            if self._closed or self._pid != os.getpid():
                con.close()
                return
            self._used.append(con)
            if self._worker is None:
                self._worker = threading.Thread(target=self._work, name="jazari-duckdb-spares", daemon=True)
                self._worker.start()
            self._wake.notify()

    def _work(self) -> None:
        while True:
            with self._wake:
                while not self._closed and not self._used and len(self._ready) >= self.count:
                    self._wake.wait()
                if self._closed:
                    return
                used = self._used.pop() if self._used else None
            try:
                if used is not None:
                    used.close()
                    continue
                spare = connect(memory_limit=self.memory_limit, threads=self.threads)
            except duckdb.Error:  # out of memory or file handles: queries open their own until next time
                with self._wake:
                    self._worker = None
                return
            with self._wake:
                if self._closed:
                    spare.close()
                    return
                self._ready.append(spare)

    def close(self) -> None:
        """Close every spare and stop the background thread."""
        with self._wake:
            self._closed = True
            left, self._ready, self._used = self._ready + self._used, [], []
            worker = self._worker
            self._wake.notify_all()
        if worker is not None:
            worker.join(GRACE_S)
        if self._pid == os.getpid():
            for con in left:
                con.close()


_OPEN_SPARES: weakref.WeakSet[Spares] = weakref.WeakSet()


@atexit.register
def _close_spares() -> None:
    """Stop the spares' threads before the interpreter exits: a daemon thread still inside DuckDB
    when Python finalizes aborts the whole process (`terminate called ...`, exit code 134)."""
    for spares in list(_OPEN_SPARES):
        spares.close()


class Reader:
    """One DuckDB database per node for the SQL Jazari writes itself (previews, counts), opened on
    first use and sealed: it reads only the files under `root`. Each read takes its own cursor, so
    threads never share a connection; a forked process opens its own database."""

    def __init__(self, root: Path, *, memory_limit: str | None = None) -> None:
        self.root = root
        self.memory_limit = memory_limit
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._pid = 0

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection of the shared database, closed after use."""
        with self._lock:
            if self._con is None or self._pid != os.getpid():
                con = connect(memory_limit=self.memory_limit)
                seal(con, directories=[self.root.resolve()])
                self._con, self._pid = con, os.getpid()
            cursor = self._con.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    def close(self) -> None:
        """Release the database (the next read opens it again)."""
        with self._lock:
            if self._con is not None and self._pid == os.getpid():
                self._con.close()
            self._con = None
