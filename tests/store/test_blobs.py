"""The raw zone keeps originals by SHA-256, refuses what is too large, and says why a write failed."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
from pathlib import Path

import pytest

from jazari.errors import FileTooLargeError, StorageError
from jazari.store.blobs import BlobStore


def test_same_bytes_are_kept_once(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "raw")
    data = "code;nom\n01;طنجة\n".encode()
    first = store.put_stream(io.BytesIO(data))
    second = store.put_stream(io.BytesIO(data))
    assert first == second
    assert first.sha256 == hashlib.sha256(data).hexdigest()
    assert first.path.read_bytes() == data
    assert [p.name for p in (tmp_path / "raw").iterdir()] == [first.sha256]


def test_too_large_keeps_nothing(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "raw")
    with pytest.raises(FileTooLargeError, match="limit of 10 bytes"):
        store.put_stream(io.BytesIO(b"x" * 11), max_bytes=10, name="big.csv")
    assert list((tmp_path / "raw").iterdir()) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a read-only disk needs root (CI runs as root)")
def test_read_only_raw_zone_is_a_clear_error(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro", "tmpfs", str(raw)]).returncode != 0:
        pytest.skip("tmpfs cannot be mounted here")
    try:
        with pytest.raises(StorageError, match="permission denied"):
            BlobStore(raw).put_stream(io.BytesIO(b"x"))
    finally:
        subprocess.run(["umount", str(raw)], check=False)


def test_bad_hash_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StorageError):
        BlobStore(tmp_path).path("../../etc/passwd")
