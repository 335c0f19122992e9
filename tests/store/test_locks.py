"""Shared slots: a limit counted among every process of a node (`jazari serve --workers N`)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from jazari.store.locks import SharedSlots

HOLDER = """
import sys, time
from pathlib import Path
from jazari.store.locks import SharedSlots
slots = SharedSlots(Path(sys.argv[1]), 1)
assert slots.acquire(timeout=5)
print("held", flush=True)
sys.stdin.readline()  # until told to go, or killed
slots.release()
"""


def _holder(folder: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(folder)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_slot_held_by_another_process_is_not_given_again(tmp_path: Path) -> None:
    holder = _holder(tmp_path)
    slots = SharedSlots(tmp_path, 1)
    try:
        assert not slots.acquire(timeout=0.2)
        holder.communicate("go\n", timeout=30)  # it releases its slot and ends
        assert slots.acquire(timeout=5)
        slots.release()
    finally:
        holder.kill()


def test_a_process_that_dies_gives_its_slot_back(tmp_path: Path) -> None:
    holder = _holder(tmp_path)
    holder.kill()  # no release: the kernel drops the lock with the process
    holder.wait(timeout=30)
    slots = SharedSlots(tmp_path, 1)
    assert slots.acquire(timeout=5)
    slots.release()


def test_threads_count_as_holders_too(tmp_path: Path) -> None:
    slots = SharedSlots(tmp_path, 2)
    taken = threading.Event()
    done = threading.Event()

    def hold() -> None:
        assert slots.acquire(timeout=5)
        taken.set()
        done.wait(10)
        slots.release()

    other = threading.Thread(target=hold)
    other.start()
    assert taken.wait(10)
    assert slots.acquire(timeout=1)  # the second of two
    assert not slots.acquire(timeout=0.1)  # no third
    slots.release()
    done.set()
    other.join(10)
    assert slots.acquire(timeout=1) and slots.acquire(timeout=1)
    slots.release()
    slots.release()
