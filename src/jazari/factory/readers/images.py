"""Images: a ZIP archive (or a folder, zipped first) read as a file dataset, one row per file:
`path, sha256, bytes, media_type, width, height`. Each image's bytes go to a content-addressed
store through `keep`; a file that is not a PNG, JPEG, GIF or WebP image, or is corrupt, is set
aside with its path and the reason (`rejected()`), never read further.

The archive is checked before anything is stored (`check_archive`): names inside it (no `..`, no
absolute path), the member count and the total uncompressed size against the limits; the actual
bytes are counted again while reading, so a member that lies about its size cannot pass either.
Nothing holds a whole archive or a whole file in memory: members are copied in chunks to a
temporary file that Pillow reads (its headers, then one decode of the pixels, bounded in size).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import struct
import unicodedata
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from jazari.errors import FileFormatError, FileTooLargeError

try:  # a member compressed with LZMA whose data is damaged raises this (not an OSError)
    from lzma import LZMAError
except ImportError:  # pragma: no cover - a Python built without lzma cannot open such members at all
    LZMAError = OSError  # type: ignore[assignment,misc]
from jazari.factory.readers.base import ClosingSource
from jazari.factory.schema import TableSchema

CHUNK = 1024 * 1024
BATCH = 1000  # files per batch: the pipeline moves on (and reports progress) every so many
MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
# what Pillow names them once open: a JPEG holding several pictures (cameras, phones) opens as MPO
OPENED_AS = {**MEDIA_TYPES, "MPO": "image/jpeg"}
SKIPPED = ("__MACOSX",)  # folders of metadata that archivers add; hidden files (".name") are skipped too
FILES_SCHEMA = pa.schema([
    ("path", pa.string()), ("sha256", pa.string()), ("bytes", pa.int64()), ("media_type", pa.string()),
    ("width", pa.int64()), ("height", pa.int64()),
])
_DRIVE = re.compile(r"^[A-Za-z]:")


def files_schema() -> TableSchema:
    """The Table Schema of a file dataset's rows (the same for every file dataset)."""
    return TableSchema.from_dict({
        "fields": [
            {"name": "path", "type": "string", "description": "the file's name inside the archive or folder",
             "constraints": {"required": True, "unique": True}},
            {"name": "sha256", "type": "string", "description": "SHA-256 of the file's bytes (where it is kept)",
             "constraints": {"required": True, "pattern": "[0-9a-f]{64}"}},
            {"name": "bytes", "type": "integer", "description": "size of the file in bytes"},
            {"name": "media_type", "type": "string", "description": "image/png, image/jpeg, image/gif or image/webp"},
            {"name": "width", "type": "integer", "description": "width in pixels"},
            {"name": "height", "type": "integer", "description": "height in pixels"},
        ],
    })


@dataclass(frozen=True)
class ArchiveLimits:
    """How much one archive or folder of images may hold (JAZARI_ARCHIVE_MAX_FILES, ...)."""

    max_files: int
    max_bytes: int
    max_pixels: int


@dataclass(frozen=True)
class Member:
    """A file of an archive: its entry and its normalised name."""

    info: zipfile.ZipInfo
    path: str


def sniff_image(head: bytes) -> str | None:
    """The media type of an image from its first bytes (PNG, JPEG, GIF, WebP), else None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def normalise_name(raw: str, archive: str) -> str | None:
    """The name of a member as a row keeps it (`a/b.png`: forward slashes, NFC, no `.` parts); None for a
    folder or a skipped file; FileFormatError for a name that leaves the archive (`..`, absolute)."""
    name = raw.replace("\\", "/")
    if "\x00" in name or name.startswith("/") or _DRIVE.match(name) or ".." in name.split("/"):
        raise FileFormatError(
            f"the member {raw!r} of {archive} names a place outside the archive (an absolute path or '..'): "
            "the archive is refused", hint="make the archive again with names relative to its folder",
            file=archive)
    if name.endswith("/"):
        return None
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if not parts or any(p.startswith(".") or p in SKIPPED for p in parts):
        return None
    return unicodedata.normalize("NFC", "/".join(parts))


def _count_entries(path: Path, limits: ArchiveLimits, archive: str) -> None:
    """Count the entries of the archive's central directory as they are read, before `zipfile` holds
    them all in memory (about 550 bytes each: a small ZIP of millions of empty entries would exhaust
    it); FileTooLargeError past the limit. Folders and skipped files are entries too, hence the slack.
    A damaged directory is left for `zipfile` to name."""
    most = 2 * limits.max_files + 10_000
    zf: Any = zipfile  # its private names: the end record and the directory's layout
    with open(path, "rb") as f:
        end = zf._EndRecData(f)
        if not end:
            return
        size = end[zf._ECD_SIZE]
        start = end[zf._ECD_LOCATION] - size
        if end[zf._ECD_SIGNATURE] == zf.stringEndArchive64:
            start -= zf.sizeEndCentDir64 + zf.sizeEndCentDir64Locator
        if start < 0:  # a bad offset: zipfile names it
            return
        if size > 64 * 1024**2 + 1024 * most:  # zipfile reads the directory whole: its size is bounded too
            raise _too_many(archive, limits.max_files)
        f.seek(start)
        done = count = 0
        while done < size:
            head = f.read(zf.sizeCentralDir)
            if len(head) != zf.sizeCentralDir or head[:4] != zf.stringCentralDir:
                return
            fields = struct.unpack(zf.structCentralDir, head)
            rest = fields[zf._CD_FILENAME_LENGTH] + fields[zf._CD_EXTRA_FIELD_LENGTH] + fields[
                zf._CD_COMMENT_LENGTH]
            f.seek(rest, os.SEEK_CUR)
            done += len(head) + rest
            count += 1
            if count > most:
                raise _too_many(archive, limits.max_files)


def _too_many(archive: str, limit: int) -> FileTooLargeError:
    return FileTooLargeError(f"{archive} holds more than {limit:,} files, the limit", file=archive,
                             hint="split it into several archives, or raise JAZARI_ARCHIVE_MAX_FILES")


def check_archive(path: Path, limits: ArchiveLimits, archive: str) -> list[Member]:
    """The files of a ZIP archive, checked before anything is read or stored: names, count and the
    total size they declare; a clear error for a corrupt archive or one over a limit."""
    try:
        _count_entries(path, limits, archive)
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise FileFormatError(f"{archive} is not a readable ZIP archive ({exc})",
                              hint="give a .zip of images, or a folder", file=archive) from None
    members: list[Member] = []
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = normalise_name(info.filename, archive)
        if name is None or info.is_dir():
            continue
        if name in seen:
            raise FileFormatError(f"{archive} holds two files named {name!r}", file=archive,
                                  hint="rename one of them and make the archive again")
        seen.add(name)
        members.append(Member(info, name))
        total += info.file_size
        if len(members) > limits.max_files:
            raise FileTooLargeError(
                f"{archive} holds more than {limits.max_files:,} files, the limit", file=archive,
                hint="split it into several archives, or raise JAZARI_ARCHIVE_MAX_FILES")
        if total > limits.max_bytes:
            raise _too_big(archive, limits.max_bytes)
    if not members:
        raise FileFormatError(f"{archive} holds no file", hint="give a .zip of images", file=archive)
    return members


def _too_big(archive: str, limit: int) -> FileTooLargeError:
    return FileTooLargeError(
        f"the files of {archive} add up to more than {limit:,} bytes uncompressed, the limit", file=archive,
        hint="split it into several archives, or raise JAZARI_ARCHIVE_MAX_BYTES")


@contextlib.contextmanager
def folder_archive(folder: Path, tmp_dir: Path, limits: ArchiveLimits) -> Iterator[Path]:
    """A folder's files as a temporary ZIP (names sorted, fixed dates: the same folder gives the same
    bytes, so an ingest of it again changes nothing). Symbolic links and hidden files are left out."""
    files: list[tuple[str, Path]] = []
    total = 0
    for root, dirs, names in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED)
        for name in sorted(names):
            full = Path(root) / name
            mode = full.lstat().st_mode
            if name.startswith(".") or not stat.S_ISREG(mode):
                continue
            files.append((full.relative_to(folder).as_posix(), full))
            total += full.stat().st_size
            if len(files) > limits.max_files:
                raise FileTooLargeError(f"{folder.name} holds more than {limits.max_files:,} files, the limit",
                                        file=folder.name, hint="raise JAZARI_ARCHIVE_MAX_FILES")
            if total > limits.max_bytes:
                raise _too_big(folder.name, limits.max_bytes)
    if not files:
        raise FileFormatError(f"the folder {folder.name} holds no file", file=folder.name)
    tmp_dir.mkdir(parents=True, exist_ok=True)
    target = tmp_dir / f"source-{uuid.uuid4().hex}.zip"  # "source-" files are removed at start
    try:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
            for name, full in sorted(files):
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = 0o644 << 16
                size = full.stat().st_size
                info.file_size = size
                with open(full, "rb") as src, z.open(info, "w", force_zip64=size > 2**31) as out:
                    while chunk := src.read(CHUNK):
                        out.write(chunk)
        yield target
    finally:
        target.unlink(missing_ok=True)


class Rejected(Exception):
    """Why one file of an archive is set aside (its reason, for the quarantine)."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


def inspect_image(path: Path, max_pixels: int) -> tuple[str, int, int]:
    """The media type, width and height of an image file, after one full decode; Rejected when it is
    not a PNG, JPEG, GIF or WebP image, is corrupt or has more than `max_pixels` pixels."""
    from PIL import Image, UnidentifiedImageError

    with open(path, "rb") as f:
        if sniff_image(f.read(16)) is None:
            raise Rejected("not-an-image", "not a PNG, JPEG, GIF or WebP image")
    try:
        with Image.open(path, formats=list(MEDIA_TYPES)) as image:
            width, height = image.size
            media_type = OPENED_AS[str(image.format)]
            if width * height > max_pixels:
                raise Rejected("image-too-large", f"{width}x{height} pixels is more than the limit of "
                               f"{max_pixels:,} (JAZARI_IMAGE_MAX_PIXELS)")
            image.verify()
        with Image.open(path, formats=list(MEDIA_TYPES)) as image:
            image.load()  # decoding the pixels finds a truncated or damaged image that verify() lets by
    except Rejected:
        raise
    except UnidentifiedImageError:
        raise Rejected("not-an-image", "not a PNG, JPEG, GIF or WebP image") from None
    except Image.DecompressionBombError as exc:
        raise Rejected("image-too-large", str(exc)) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, TypeError,
            MemoryError, zlib.error) as exc:
        raise Rejected("corrupt-image", f"a corrupt or truncated image ({str(exc) or type(exc).__name__})") from None
    return media_type, width, height


class ImageArchiveSource(ClosingSource):
    """The images of a ZIP archive as rows; `keep(path) -> sha256` stores one file's bytes."""

    textual = False
    first_row_number = 1
    format = "images"

    def __init__(self, path: Path, members: list[Member], keep: Callable[[Path], str], limits: ArchiveLimits,
                 tmp_dir: Path, archive: str) -> None:
        self.path = path
        self.members = members
        self.keep = keep
        self.limits = limits
        self.tmp_dir = tmp_dir
        self.archive = archive
        self.options: dict[str, Any] = {"format": "images"}
        self.schema = FILES_SCHEMA
        self._done = 0
        self._read_bytes = 0
        self._rejected: list[dict[str, Any]] = []

    def fraction(self) -> float:
        """The share of the archive's files read so far."""
        return self._done / len(self.members) if self.members else 1.0

    def batches(self) -> Iterator[pa.RecordBatch]:
        """One row per image, in archive order; the rest are set aside (`rejected()`)."""
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        rows: list[dict[str, Any]] = []
        with zipfile.ZipFile(self.path) as z:
            for member in self.members:
                try:
                    rows.append(self._read(z, member))
                except Rejected as why:
                    self._rejected.append({"column": "path", "type": why.kind, "message": why.reason,
                                           "value": member.path, "record": json.dumps(
                                               {"path": member.path, "bytes": member.info.file_size},
                                               ensure_ascii=False)})
                self._done += 1
                if len(rows) >= BATCH:
                    yield pa.RecordBatch.from_pylist(rows, FILES_SCHEMA)
                    rows = []
        if rows:
            yield pa.RecordBatch.from_pylist(rows, FILES_SCHEMA)

    def _read(self, z: zipfile.ZipFile, member: Member) -> dict[str, Any]:
        if member.info.flag_bits & 0x1:
            raise Rejected("encrypted-file", "an encrypted (password-protected) file")
        tmp = self.tmp_dir / f"source-{uuid.uuid4().hex}"  # plaintext: removed at once, or at the next start
        try:
            digest, size = self._copy(z, member, tmp)
            media_type, width, height = inspect_image(tmp, self.limits.max_pixels)
            sha256 = self.keep(tmp)
            if sha256 != digest:
                raise Rejected("corrupt-image", "the file changed while it was read")
        finally:
            tmp.unlink(missing_ok=True)
        return {"path": member.path, "sha256": sha256, "bytes": size, "media_type": media_type,
                "width": width, "height": height}

    def _copy(self, z: zipfile.ZipFile, member: Member, tmp: Path) -> tuple[str, int]:
        """Copy a member to `tmp`, counting its bytes against the archive's limit; Rejected when it is
        damaged or compressed in a way this Python cannot read."""
        digest = hashlib.sha256()
        size = 0
        with open(tmp, "wb") as out:
            try:
                source = z.open(member.info)
            except (NotImplementedError, zipfile.BadZipFile, LZMAError, RuntimeError, ValueError, OSError) as exc:
                raise Rejected("unreadable-file", f"cannot be read from the archive ({exc})") from None
            with source:
                while True:
                    try:
                        chunk = source.read(CHUNK)
                    except (zipfile.BadZipFile, zlib.error, LZMAError, EOFError, OSError, ValueError) as exc:
                        raise Rejected("corrupt-file", f"damaged in the archive ({exc})") from None
                    if not chunk:
                        break
                    if size == 0 and sniff_image(chunk[:16]) is None:  # a video is not copied to learn that
                        raise Rejected("not-an-image", "not a PNG, JPEG, GIF or WebP image")
                    size += len(chunk)
                    self._read_bytes += len(chunk)
                    if self._read_bytes > self.limits.max_bytes:
                        raise _too_big(self.archive, self.limits.max_bytes)
                    digest.update(chunk)
                    out.write(chunk)
        return digest.hexdigest(), size

    def rejected(self) -> pa.RecordBatch:
        """The files set aside so far: `column, type, message, value, record` (the record names the file)."""
        names = ("column", "type", "message", "value", "record")
        return pa.RecordBatch.from_arrays([pa.array([r[n] for r in self._rejected], pa.string()) for n in names],
                                          names=list(names))
