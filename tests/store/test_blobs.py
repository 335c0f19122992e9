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


# --- encryption at rest ------------------------------------------------------------------------

KEY = bytes(range(32))
SECRET = b"BK123456 Fatima Zahra El Amrani"


class Trickle:
    """A stream that hands out at most 7 bytes per read, as a pipe or an upload may."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, n: int = -1) -> bytes:
        n = 7 if n < 0 else min(n, 7)
        piece, self.data = self.data[:n], self.data[n:]
        return piece


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> int:
    import jazari.store.blobs as blobs

    monkeypatch.setattr(blobs, "CHUNK", 64)
    return 64


def _sealed(tmp_path: Path, data: bytes, key: bytes = KEY) -> tuple[BlobStore, str]:
    store = BlobStore(tmp_path / "raw", key=key)
    source = tmp_path / "source.csv"
    source.write_bytes(data)
    return store, store.put_file(source).sha256


@pytest.mark.parametrize("size", [0, 1, 64, 128, 200])
def test_encrypted_round_trip_at_chunk_edges(tmp_path: Path, small_chunks: int, size: int) -> None:
    data = (SECRET * 10)[:size]
    store, sha = _sealed(tmp_path, data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert store.is_sealed(sha)
    with store.open_plain(sha) as plain:
        assert plain.read() == data
    out = tmp_path / "out"
    assert store.decrypt_to(sha, out) == size and out.read_bytes() == data


def test_plaintext_never_reaches_the_raw_zone(tmp_path: Path) -> None:
    data = b"code;nom;cin\n" + SECRET * 100_000  # 3 MiB: several real chunks
    store, sha = _sealed(tmp_path, data)
    stored = store.path(sha).read_bytes()
    assert SECRET[:8] not in stored and b"code;nom" not in stored
    assert len(stored) > len(data) and store.open_plain(sha).read() == data
    again = store.put_stream(io.BytesIO(data))  # the same bytes: kept once, by the plaintext's hash
    assert again.sha256 == sha and [p.name for p in (tmp_path / "raw").iterdir()] == [sha]


def test_short_reads_give_whole_chunks(tmp_path: Path, small_chunks: int) -> None:
    data = SECRET * 9
    store = BlobStore(tmp_path / "raw", key=KEY)
    blob = store.put_stream(Trickle(data))  # type: ignore[arg-type]
    assert store.open_plain(blob.sha256).read() == data


def test_a_changed_byte_is_detected(tmp_path: Path, small_chunks: int) -> None:
    store, sha = _sealed(tmp_path, SECRET * 10)
    stored = bytearray(store.path(sha).read_bytes())
    stored[-100] ^= 1  # inside the second to last chunk
    store.path(sha).write_bytes(bytes(stored))
    out = tmp_path / "out"
    with pytest.raises(StorageError, match="was changed or damaged"):
        store.decrypt_to(sha, out)
    assert not out.exists()


def test_a_truncated_file_is_detected(tmp_path: Path, small_chunks: int) -> None:
    from jazari.store.blobs import HEADER, TAG

    store, sha = _sealed(tmp_path, SECRET * 10)  # 310 bytes: 5 chunks
    stored = store.path(sha).read_bytes()
    store.path(sha).write_bytes(stored[: HEADER + 2 * (64 + TAG)])  # cut at a chunk's end
    with pytest.raises(StorageError, match="truncated"):
        store.open_plain(sha).read()
    store.path(sha).write_bytes(stored[:-5])  # cut inside the last chunk
    with pytest.raises(StorageError, match="changed or damaged"):
        store.open_plain(sha).read()
    store.path(sha).write_bytes(stored[:HEADER])
    with pytest.raises(StorageError, match="truncated"):
        store.open_plain(sha).read()


def test_reordered_chunks_and_appended_bytes_are_detected(tmp_path: Path, small_chunks: int) -> None:
    from jazari.store.blobs import HEADER, TAG

    store, sha = _sealed(tmp_path, SECRET * 10)
    stored = store.path(sha).read_bytes()
    first, second = HEADER, HEADER + 64 + TAG
    swapped = stored[:first] + stored[second:second + 64 + TAG] + stored[first:second] + stored[second + 64 + TAG:]
    store.path(sha).write_bytes(swapped)
    with pytest.raises(StorageError, match="chunk 0 fails its check"):
        store.open_plain(sha).read()
    store.path(sha).write_bytes(stored + b"more")
    with pytest.raises(StorageError, match="changed or damaged"):
        store.open_plain(sha).read()


def test_a_file_swapped_for_another_is_detected(tmp_path: Path) -> None:
    store, sha = _sealed(tmp_path, SECRET)
    other = store.put_stream(io.BytesIO(b"other bytes"))
    store.path(sha).write_bytes(other.path.read_bytes())
    with pytest.raises(StorageError, match="does not match its SHA-256"):
        store.decrypt_to(sha, tmp_path / "out")


def test_the_wrong_key_is_a_clear_error(tmp_path: Path) -> None:
    store, sha = _sealed(tmp_path, SECRET)
    with pytest.raises(StorageError, match="another JAZARI_RAW_KEY"):
        BlobStore(store.root, key=bytes(32)).open_plain(sha)
    with pytest.raises(StorageError, match="encrypted and this store has no key"):
        BlobStore(store.root).open_plain(sha)


def test_files_from_before_encryption_are_read_then_sealed(tmp_path: Path) -> None:
    legacy = BlobStore(tmp_path / "raw").put_stream(io.BytesIO(SECRET))  # an older node: plaintext
    store = BlobStore(tmp_path / "raw", key=KEY)
    assert not store.is_sealed(legacy.sha256)
    assert store.open_plain(legacy.sha256).read() == SECRET
    assert store.seal_plaintext() == 1 and store.seal_plaintext() == 0
    assert store.is_sealed(legacy.sha256) and SECRET not in legacy.path.read_bytes()
    assert store.open_plain(legacy.sha256).read() == SECRET
    changed = BlobStore(tmp_path / "raw").put_stream(io.BytesIO(b"plain"))
    changed.path.write_bytes(b"PLAIN")
    with pytest.raises(StorageError, match="does not match its SHA-256"):
        store.open_plain(changed.sha256).read()


def test_missing_blob_and_delete(tmp_path: Path) -> None:
    store, sha = _sealed(tmp_path, SECRET)
    assert list(store.stored()) == [sha]
    assert store.delete(sha) is True and store.delete(sha) is False
    with pytest.raises(StorageError, match="no stored file"):
        store.open_plain(sha)


def test_prod_refuses_the_default_raw_key(tmp_path: Path) -> None:
    from jazari.errors import ConfigError
    from jazari.settings import DEV_SECRET, Settings

    keys = {"secret_key": "s" * 40, "privacy_key": "p" * 40}
    with pytest.raises(ConfigError, match="JAZARI_RAW_KEY is the development default") as caught:
        Settings(home=tmp_path, env="prod", raw_key=DEV_SECRET, **keys).check_secrets()  # type: ignore[arg-type]
    assert caught.value.context["field"] == "raw_key"
    with pytest.raises(ConfigError, match="JAZARI_RAW_KEY is shorter than 32 characters"):
        Settings(home=tmp_path, env="prod", raw_key="", **keys).check_secrets()  # type: ignore[arg-type]
    Settings(home=tmp_path, env="prod", raw_key="r" * 40, **keys).check_secrets()  # type: ignore[arg-type]
    assert Settings(raw_key="a" * 40).raw_zone_key() != Settings(raw_key="b" * 40).raw_zone_key()  # type: ignore[arg-type]


def test_outside_dev_mode_the_default_keys_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import jazari
    from jazari.errors import ConfigError

    for key in ("JAZARI_SECRET_KEY", "JAZARI_PRIVACY_KEY", "JAZARI_RAW_KEY"):
        monkeypatch.delenv(key, raising=False)
    with pytest.raises(ConfigError, match="development default"):
        jazari.open(tmp_path / "test-node", env="test")
    jazari.open(tmp_path / "laptop", env="dev").close()  # a laptop in dev mode may
