"""Content-addressed files: the raw zone (original uploads) and file datasets, by SHA-256.

A store built with a key keeps every file encrypted at rest with AES-GCM, in a streaming format:

    header  = MAGIC (8 bytes) | FORMAT (1 byte) | salt (16 random bytes) | key check (16 bytes)
    chunk i = AES-GCM(file key, nonce = i as 12 bytes, plaintext of 1 MiB (the last one shorter),
                      associated data = header | i as 8 bytes | 1 if last else 0)

The file key is HMAC-SHA256(store key, salt): each file has its own key, so counter nonces never
repeat under one key. Binding the index and the last-chunk flag to each chunk detects reordered,
removed, changed, truncated or extended chunks; the key check tells a wrong key from damage. The
name stays the SHA-256 of the plaintext (the same bytes are kept once), and every read checks it.
Files written before encryption (no MAGIC) stay readable, checked by their hash, and
`seal_plaintext` encrypts them in place.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import io
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from jazari.errors import FileTooLargeError, StorageError

CHUNK = 1024 * 1024  # plaintext bytes per sealed chunk
TAG = 16
MAGIC = b"\x89JZRAW\r\n"
FORMAT = 1
SALT = 16
CHECK = 16
HEADER = len(MAGIC) + 1 + SALT + CHECK


@dataclass(frozen=True)
class Blob:
    """A stored file: the SHA-256 and size of its plaintext, and its path on disk."""

    sha256: str
    size: int
    path: Path


def too_large(name: str, limit: int) -> FileTooLargeError:
    """The error for a file or upload over the size limit."""
    return FileTooLargeError(f"{name} is larger than the limit of {limit:,} bytes",
                             hint="raise JAZARI_UPLOAD_MAX_BYTES or split the file", file=name)


def storage_error(exc: OSError, where: Path) -> StorageError:
    """Turn an OSError of the lake or raw zone into a StorageError that says what to do."""
    if exc.errno == errno.ENOSPC:
        return StorageError(f"no space left on the disk holding {where}", hint="free space and retry")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StorageError(
            f"permission denied writing {where}", hint="check the owner and mode of JAZARI_HOME"
        )
    return StorageError(f"cannot write {where}: {exc.strerror or exc}")


def _discard(tmp: Path) -> None:
    """Remove a temporary file if it is there (on a read-only disk it never was)."""
    try:
        tmp.unlink(missing_ok=True)
    except OSError:
        pass


def _damaged(sha256: str, what: str) -> StorageError:
    return StorageError(f"the stored file {sha256} {what}",
                        hint="restore it from a backup, or ingest the original file again")


class _Sealer:
    """Encrypts one file's chunks in order (the caller says which chunk is the last)."""

    def __init__(self, key: bytes) -> None:
        salt = os.urandom(SALT)
        file_key = hmac.new(key, b"jazari-raw-file:" + salt, hashlib.sha256).digest()
        check = hmac.new(file_key, b"jazari-raw-key-check", hashlib.sha256).digest()[:CHECK]
        self.header = MAGIC + bytes([FORMAT]) + salt + check
        self.aead = AESGCM(file_key)
        self.index = 0

    def seal(self, plain: bytes, last: bool) -> bytes:
        sealed = self.aead.encrypt(_nonce(self.index), plain, _aad(self.header, self.index, last))
        self.index += 1
        return sealed


def _read_full(stream: BinaryIO) -> bytes:
    """CHUNK bytes, fewer only at the end (a pipe or an upload may return less per read)."""
    data = stream.read(CHUNK)
    if not data or len(data) == CHUNK:
        return data
    parts = [data]
    size = len(data)
    while size < CHUNK and (more := stream.read(CHUNK - size)):
        parts.append(more)
        size += len(more)
    return b"".join(parts)


def _nonce(index: int) -> bytes:
    return index.to_bytes(12, "big")


def _aad(header: bytes, index: int, last: bool) -> bytes:
    return header + index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")


class _PlainReader(io.RawIOBase):
    """Reads a stored file's plaintext, decrypting chunk by chunk; checks the SHA-256 at the end."""

    def __init__(self, path: Path, sha256: str, key: bytes | None) -> None:
        self.sha256 = sha256
        self.file = open(path, "rb")  # noqa: SIM115 - closed by close()
        self.digest = hashlib.sha256()
        self.buffer = memoryview(b"")
        self.done = False
        self.index = 0
        self.aead: AESGCM | None = None
        try:
            head = self.file.read(HEADER)
            if head[: len(MAGIC)] == MAGIC:
                self._open_sealed(head, key)
                self.pending = self.file.read(CHUNK + TAG)
        except BaseException:
            self.file.close()
            raise
        if self.aead is None:  # written before the raw zone was encrypted
            self.header = b""
            self.buffer = memoryview(head)
            self.digest.update(head)

    def _open_sealed(self, head: bytes, key: bytes | None) -> None:
        if len(head) < HEADER:
            raise _damaged(self.sha256, "is truncated (incomplete header)")
        if head[len(MAGIC)] != FORMAT:
            raise StorageError(f"the stored file {self.sha256} has format {head[len(MAGIC)]}, "
                               "written by a newer Jazari", hint="upgrade Jazari")
        if key is None:
            raise StorageError(f"the stored file {self.sha256} is encrypted and this store has no key")
        salt = head[len(MAGIC) + 1: len(MAGIC) + 1 + SALT]
        file_key = hmac.new(key, b"jazari-raw-file:" + salt, hashlib.sha256).digest()
        check = hmac.new(file_key, b"jazari-raw-key-check", hashlib.sha256).digest()[:CHECK]
        if not hmac.compare_digest(check, head[-CHECK:]):
            raise StorageError(
                f"cannot decrypt the stored file {self.sha256}: it was encrypted with another JAZARI_RAW_KEY",
                hint="set JAZARI_RAW_KEY to the key this raw zone was written with",
            )
        self.header = head
        self.aead = AESGCM(file_key)

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self.buffer and not self.done:
            self._refill()
        n = min(len(target), len(self.buffer))
        target[:n] = self.buffer[:n]
        self.buffer = self.buffer[n:]
        return n

    def chunks(self) -> Iterator[bytes | memoryview]:
        """The plaintext chunk by chunk, without copies (the hash is checked before the last one)."""
        while True:
            while not self.buffer and not self.done:
                self._refill()
            if not self.buffer:
                return
            chunk, self.buffer = self.buffer, memoryview(b"")
            yield chunk

    def _refill(self) -> None:
        if self.aead is None:
            data = self.file.read(CHUNK)
            if not data:
                self._finish()
                return
            self.digest.update(data)
            self.buffer = memoryview(data)
            return
        sealed, self.pending = self.pending, self.file.read(CHUNK + TAG)
        last = not self.pending
        if not sealed:
            raise _damaged(self.sha256, f"is truncated (no chunk {self.index})")
        plain = self._open(sealed, last)
        self.digest.update(plain)
        self.buffer = memoryview(plain)
        self.index += 1
        if last:
            self._finish()

    def _open(self, sealed: bytes, last: bool) -> bytes:
        assert self.aead is not None
        try:
            return self.aead.decrypt(_nonce(self.index), sealed, _aad(self.header, self.index, last))
        except InvalidTag:
            if last:
                try:
                    self.aead.decrypt(_nonce(self.index), sealed, _aad(self.header, self.index, False))
                except InvalidTag:
                    pass
                else:
                    raise _damaged(self.sha256, f"is truncated (it ends after chunk {self.index})") from None
            raise _damaged(self.sha256, f"was changed or damaged (chunk {self.index} fails its check)") from None

    def _finish(self) -> None:
        self.done = True
        if self.digest.hexdigest() != self.sha256:
            raise _damaged(self.sha256, "does not match its SHA-256")

    def close(self) -> None:
        self.file.close()
        super().close()


class BlobStore:
    """Files kept under `<root>/<sha256>`; writing the same bytes twice keeps one copy. With a
    32-byte `key`, files are encrypted at rest (see the module's docstring)."""

    def __init__(self, root: Path, key: bytes | None = None) -> None:
        if key is not None and len(key) != 32:
            raise ValueError("the blob store key must be 32 bytes")
        self.root = root
        self.key = key

    def path(self, sha256: str) -> Path:
        """Where the blob with this hash lives (it may not exist)."""
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise StorageError(f"not a SHA-256: {sha256!r}")
        return self.root / sha256

    def exists(self, sha256: str) -> bool:
        """Whether the blob is stored."""
        return self.path(sha256).is_file()

    def put_stream(self, stream: BinaryIO, *, max_bytes: int | None = None, name: str = "upload") -> Blob:
        """Store a stream, hashing (and encrypting) while copying; nothing is kept if it fails or
        is too large."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise storage_error(exc, self.root) from exc
        tmp = self.root / f".tmp-{uuid.uuid4().hex}"
        try:
            with open(tmp, "wb") as out:
                sha256, size = self._copy(stream, out, max_bytes, name)
            return self._keep(tmp, sha256, size)
        except OSError as exc:
            raise storage_error(exc, self.root) from exc
        finally:
            _discard(tmp)

    def put_file(self, source: Path, *, max_bytes: int | None = None) -> Blob:
        """Store a copy of a file, hashed and encrypted in one pass."""
        if max_bytes is not None and source.stat().st_size > max_bytes:
            raise too_large(source.name, max_bytes)
        with open(source, "rb") as stream:
            return self.put_stream(stream, max_bytes=max_bytes, name=source.name)

    def _copy(self, stream: BinaryIO, out: BinaryIO, max_bytes: int | None, name: str) -> tuple[str, int]:
        digest = hashlib.sha256()
        size = 0
        sealer = _Sealer(self.key) if self.key is not None else None
        if sealer is not None:
            out.write(sealer.header)
        chunk = _read_full(stream)
        while True:
            size += len(chunk)
            if max_bytes is not None and size > max_bytes:
                raise too_large(name, max_bytes)
            digest.update(chunk)
            following = _read_full(stream) if len(chunk) == CHUNK else b""
            out.write(chunk if sealer is None else sealer.seal(chunk, last=not following))
            if not following:
                return digest.hexdigest(), size
            chunk = following

    def _keep(self, tmp: Path, sha256: str, size: int) -> Blob:
        blob = Blob(sha256, size, self.root / sha256)
        if blob.path.exists():
            os.utime(blob.path)  # in use again: retention reads the time of orphans
        else:
            os.replace(tmp, blob.path)
        return blob

    def _reader(self, sha256: str) -> _PlainReader:
        path = self.path(sha256)
        if not path.is_file():
            raise StorageError(f"no stored file {sha256}")
        try:
            return _PlainReader(path, sha256, self.key)
        except OSError as exc:
            raise StorageError(f"cannot read {path}: {exc.strerror or exc}") from exc

    def open_plain(self, sha256: str) -> BinaryIO:
        """The plaintext of a stored file as a stream; a wrong key, a damaged or changed file is a
        StorageError (a changed hash shows at the end of the stream)."""
        return io.BufferedReader(self._reader(sha256), CHUNK)  # type: ignore[return-value]

    def iter_plain(self, sha256: str) -> Iterator[bytes | memoryview]:
        """The plaintext of a stored file chunk by chunk (the fastest way to copy it out)."""
        with self._reader(sha256) as reader:
            yield from reader.chunks()

    def decrypt_to(self, sha256: str, target: Path) -> int:
        """Write the plaintext of a stored file to `target`; returns its size. Nothing is left
        at `target` if the file is damaged."""
        try:
            with open(target, "wb") as out:
                for chunk in self.iter_plain(sha256):
                    out.write(chunk)
                return out.tell()
        except StorageError:
            target.unlink(missing_ok=True)
            raise
        except OSError as exc:
            target.unlink(missing_ok=True)
            raise storage_error(exc, target) from exc

    def is_sealed(self, sha256: str) -> bool:
        """Whether the stored file is in the encrypted format."""
        with open(self.path(sha256), "rb") as f:
            return f.read(len(MAGIC)) == MAGIC

    def delete(self, sha256: str) -> bool:
        """Remove a stored file; returns whether it was there."""
        path = self.path(sha256)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise storage_error(exc, path) from exc
        return True

    def stored(self) -> Iterator[str]:
        """The hashes of the files kept here."""
        if not self.root.is_dir():
            return
        for entry in self.root.iterdir():
            name = entry.name
            if len(name) == 64 and all(c in "0123456789abcdef" for c in name) and entry.is_file():
                yield name

    def seal_plaintext(self) -> int:
        """Encrypt in place the files written before the store had a key; returns how many."""
        if self.key is None:
            return 0
        sealed = 0
        for sha256 in list(self.stored()):
            if self.is_sealed(sha256):
                continue
            tmp = self.root / f".tmp-{uuid.uuid4().hex}"
            try:
                with self.open_plain(sha256) as plain, open(tmp, "wb") as out:
                    digest, _size = self._copy(plain, out, None, sha256)  # type: ignore[arg-type]
                if digest != sha256:
                    raise _damaged(sha256, "does not match its SHA-256")
                before = self.path(sha256).stat()
                os.utime(tmp, ns=(before.st_atime_ns, before.st_mtime_ns))  # its age counts for retention
                os.replace(tmp, self.path(sha256))
                sealed += 1
            except OSError as exc:
                raise storage_error(exc, self.root) from exc
            finally:
                _discard(tmp)
        return sealed

    def clean_partial(self) -> int:
        """Remove temporary files left by an interrupted copy; returns how many."""
        if not self.root.is_dir():
            return 0
        removed = 0
        for tmp in self.root.glob(".tmp-*"):
            tmp.unlink(missing_ok=True)
            removed += 1
        return removed


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()
