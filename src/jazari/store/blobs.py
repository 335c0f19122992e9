"""Content-addressed files: the raw zone (original uploads) and file datasets, by SHA-256."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from jazari.errors import FileTooLargeError, StorageError

CHUNK = 4 * 1024 * 1024


@dataclass(frozen=True)
class Blob:
    """A stored file: its SHA-256, size in bytes and path on disk."""

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


class BlobStore:
    """Files kept under `<root>/<sha256>`; writing the same bytes twice keeps one copy."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        """Where the blob with this hash lives (it may not exist)."""
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise StorageError(f"not a SHA-256: {sha256!r}")
        return self.root / sha256

    def put_stream(self, stream: BinaryIO, *, max_bytes: int | None = None, name: str = "upload") -> Blob:
        """Store a stream, hashing while copying; nothing is kept if it fails or is too large."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise storage_error(exc, self.root) from exc
        tmp = self.root / f".tmp-{uuid.uuid4().hex}"
        digest = hashlib.sha256()
        size = 0
        try:
            with open(tmp, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise too_large(name, max_bytes)
                    digest.update(chunk)
                    out.write(chunk)
            blob = Blob(digest.hexdigest(), size, self.root / digest.hexdigest())
            if blob.path.exists():
                tmp.unlink()
            else:
                os.replace(tmp, blob.path)
            return blob
        except OSError as exc:
            raise storage_error(exc, self.root) from exc
        finally:
            if tmp.exists():
                tmp.unlink()

    def put_file(self, source: Path, *, max_bytes: int | None = None) -> Blob:
        """Store a copy of a file: copied by the kernel (copy_file_range), then the copy hashed."""
        if max_bytes is not None and source.stat().st_size > max_bytes:
            raise too_large(source.name, max_bytes)
        tmp = self.root / f".tmp-{uuid.uuid4().hex}"
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, tmp)
            sha256, size = sha256_file(tmp), tmp.stat().st_size
            if max_bytes is not None and size > max_bytes:  # it grew while being copied
                raise too_large(source.name, max_bytes)
            blob = Blob(sha256, size, self.root / sha256)
            if not blob.path.exists():
                os.replace(tmp, blob.path)
            return blob
        except OSError as exc:
            raise storage_error(exc, self.root) from exc
        finally:
            tmp.unlink(missing_ok=True)

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
