"""A process killed at any moment of an ingest leaves every published version readable and no
partial version visible; concurrent ingests serialise or fail cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import jazari
from jazari.errors import Conflict, StorageError
from tests.files import big_csv, communes_csv

INGEST = """
import sys, jazari
jz = jazari.open(sys.argv[1], database_url=sys.argv[2])
print("start", flush=True)
jz.ingest(sys.argv[3], "hcp/big", mode=sys.argv[4])
print("done", flush=True)
"""


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["replace", "append"])
def test_killed_ingest_leaves_published_state(tmp_path: Path, database_url: str, mode: str) -> None:
    home = tmp_path / "home"
    with jazari.open(home, database_url=database_url) as jz:
        jz.ingest(big_csv(tmp_path / "v1.csv", 1000), "hcp/big")
    big = big_csv(tmp_path / "v2.csv", 400_000)
    outcomes = []
    for delay in (0.2, 0.8, 1.5, 2.5, 4.0):
        proc = subprocess.Popen(
            [sys.executable, "-c", INGEST, str(home), database_url, str(big), mode],
            stdout=subprocess.PIPE, cwd=Path(__file__).parents[2],
        )
        assert proc.stdout is not None
        proc.stdout.readline()  # "start": the node is open, the ingest begins now
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with jazari.open(home, database_url=database_url) as jz:
            versions = jz.versions("hcp/big")
            latest = versions[0]["version"]
            outcomes.append(latest)
            for v in versions:  # every published version reads back whole
                assert jz.load("hcp/big", version=v["version"]).num_rows == v["rows"]["total"]
            assert jz.load("hcp/big", version=1).num_rows == 1000
            if latest > 1:
                break
    with jazari.open(home, database_url=database_url) as jz:  # and the next ingest works
        result = jz.ingest(communes_csv(tmp_path / "next.csv"), "hcp/big", mode="replace")
        assert jz.load("hcp/big").num_rows == 4
        assert not (home / "lake" / "hcp" / "big" / "_staging").exists() or not any(
            (home / "lake" / "hcp" / "big" / "_staging").iterdir()
        )
        assert result["version"] == max(outcomes) + 1


def test_concurrent_ingests_into_different_datasets(jz, tmp_path: Path) -> None:
    errors: list[Exception] = []

    def run(i: int) -> None:
        try:
            jz.ingest(big_csv(tmp_path / f"f{i}.csv", 2000 + i), f"hcp/d{i}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(d["dataset"] for d in jz.datasets()) == ["hcp/d0", "hcp/d1", "hcp/d2"]
    assert [jz.load(f"hcp/d{i}").num_rows for i in range(3)] == [2000, 2001, 2002]


def test_concurrent_ingests_into_one_dataset_serialise_or_fail_cleanly(jz, tmp_path: Path) -> None:
    files = [big_csv(tmp_path / f"s{i}.csv", 50_000 + i) for i in range(3)]
    results: list[object] = []

    def run(path: Path) -> None:
        try:
            results.append(jz.ingest(path, "hcp/same"))
        except Exception as exc:
            results.append(exc)

    threads = [threading.Thread(target=run, args=(f,)) for f in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    published = [r for r in results if isinstance(r, dict)]
    assert len(results) == 3 and all(isinstance(r, (dict, Conflict)) for r in results), results
    assert published, results
    versions = jz.versions("hcp/same")
    assert sorted(v["version"] for v in versions) == list(range(1, len(published) + 1))
    for v in versions:
        assert jz.load("hcp/same", version=v["version"]).num_rows == v["rows"]["total"]


def test_lock_timeout_gives_a_conflict(tmp_path: Path, database_url: str) -> None:
    with jazari.open(tmp_path / "home", database_url=database_url, lock_timeout=0.2) as jz:
        with jz.lake.lock("hcp", "x", 1), pytest.raises(Conflict, match="another ingest"):
            jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/x")


def _mount_tmpfs(path: Path, options: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
                          capture_output=True).returncode == 0


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small disk needs root (CI runs as root)")
@pytest.mark.parametrize("options,message", [("size=256k", "no space left"), ("ro", "permission denied")])
def test_full_or_read_only_lake(tmp_path: Path, database_url: str, options: str, message: str) -> None:
    home = tmp_path / "home"
    with jazari.open(home, database_url=database_url) as jz:
        jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/other")
    lake = home / "lake" / "hcp" / "big"
    if not _mount_tmpfs(lake, options):
        pytest.skip("tmpfs cannot be mounted here")
    try:
        with jazari.open(home, database_url=database_url) as jz:
            with pytest.raises(StorageError, match=message):
                jz.ingest(big_csv(tmp_path / "big.csv", 100_000), "hcp/big")
            assert jz.load("hcp/other").num_rows == 4
            assert [d["dataset"] for d in jz.datasets()] == ["hcp/other"]
    finally:
        subprocess.run(["umount", str(lake)], check=False)
