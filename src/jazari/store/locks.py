"""Locks and limits shared by the threads and the processes of a node (`jazari serve --workers N`),
kept with `flock` on files of the home: the kernel drops a lock when its holder closes it or its
process ends, so a crashed process never keeps one. `WriterLock` queues SQLite's writers,
`SharedSlots` bounds how many of something run at once. Where `flock` does not exist (Windows), only the threads of
one process are counted."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

RETRY_S = 0.02  # how often a waiting holder tries the slots again


class SharedSlots:
    """At most `count` holders at once: a holder owns one of `count` files of `folder` (`slot-0` ...)
    through an exclusive `flock`. The interface of `threading.BoundedSemaphore` that its users need:
    `acquire(timeout=)` (False when no slot came free in time) and `release()`, in the same thread.
    Without a folder, the threads of this process only."""

    def __init__(self, folder: Path | None, count: int) -> None:
        self.folder = folder
        self.count = count
        self._threads = threading.BoundedSemaphore(count)
        self._held = threading.local()  # the files this thread holds, last taken last

    def acquire(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if not self._threads.acquire(timeout=timeout):
            return False
        if self.folder is None or fcntl is None:
            return True
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            while True:
                for i in range(self.count):
                    fd = os.open(self.folder / f"slot-{i}", os.O_RDONLY | os.O_CREAT, 0o644)
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:  # another process holds it
                        os.close(fd)
                        continue
                    self._held.files = [*getattr(self._held, "files", []), fd]
                    return True
                if time.monotonic() >= deadline:
                    self._threads.release()
                    return False
                time.sleep(RETRY_S)
        except BaseException:
            self._threads.release()
            raise

    def release(self) -> None:
        files = getattr(self._held, "files", [])
        try:
            if files:
                os.close(files.pop())  # closing the file drops its lock
        finally:
            self._threads.release()


class WriterLock:
    """One SQLite writer at a time among the threads and the processes of a node (`jazari serve
    --workers N`): a lock of this process, then an advisory lock (`flock`) on a file beside the
    database. A writer waiting here wakes as soon as the one before it commits; one that finds the
    database locked in SQLite itself sleeps 10-100 ms (its busy handler) before it tries again.

    Where `flock` does not exist (Windows), only the threads of one process are queued.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._pid = 0  # the process that opened `_fd`: a forked child opens its own (a shared open file
        # would share the lock with its parent)

    def __enter__(self) -> WriterLock:
        self._threads.acquire()
        try:
            if fcntl is not None:
                if self._fd is None or self._pid != os.getpid():
                    # read-only is enough for flock: a lock file made by another account of the
                    # server (root running `jazari` once) does not stop this one
                    self._fd = os.open(self.path, os.O_RDONLY | os.O_CREAT, 0o644)
                    self._pid = os.getpid()
                fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise
        return self

    def close(self) -> None:
        """Close the lock's file (taken again at the next write)."""
        with self._threads:
            if self._fd is not None and self._pid == os.getpid():
                os.close(self._fd)
            self._fd = None

    def __exit__(self, *exc: object) -> None:
        try:
            if self._fd is not None and self._pid == os.getpid():
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()
