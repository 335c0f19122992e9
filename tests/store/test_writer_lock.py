"""The SQLite writer lock queues writers across processes (`jazari serve --workers N`), not only threads."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from jazari.store.database import Database
from jazari.store.locks import WriterLock

HOLDER = """
import sys, time
from pathlib import Path
from jazari.store.locks import WriterLock
lock = WriterLock(Path(sys.argv[1]))
with lock:
    print("held", flush=True)
    time.sleep(0.3)
    Path(sys.argv[2]).write_text("released by the other process")
"""


def test_a_writer_of_another_process_waits_for_the_lock(tmp_path: Path) -> None:
    path, marker = tmp_path / "db.writer-lock", tmp_path / "marker"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), str(marker)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with WriterLock(path):  # granted only once the other process has finished its write
            assert marker.read_text() == "released by the other process"
    finally:
        holder.wait(timeout=30)
    assert holder.returncode == 0


def test_threads_of_one_process_take_turns(tmp_path: Path) -> None:
    lock, inside, most = WriterLock(tmp_path / "db.writer-lock"), [0], [0]
    guard = threading.Lock()

    def write() -> None:
        for _ in range(200):
            with lock:
                with guard:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                time.sleep(0.0002)  # another thread would come in now, were the lock not held
                with guard:
                    inside[0] -= 1

    threads = [threading.Thread(target=write) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most[0] == 1


def test_an_error_inside_releases_the_lock(tmp_path: Path) -> None:
    lock = WriterLock(tmp_path / "db.writer-lock")
    try:
        with lock:
            raise ValueError("a failed write")
    except ValueError:
        pass
    done = threading.Event()
    threading.Thread(target=lambda: (lock.__enter__(), lock.__exit__(), done.set())).start()
    assert done.wait(10)


def test_only_a_sqlite_file_has_one(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'jazari.db'}")
    try:
        assert db.writer_lock is not None and db.writer_lock.path == tmp_path / "jazari.db.writer-lock"
    finally:
        db.dispose()
    assert Database("sqlite://").writer_lock is None  # in memory: one connection, nothing to share
