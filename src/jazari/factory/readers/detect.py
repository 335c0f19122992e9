"""What a file really is: its format from magic bytes, content and extension; binary refusal."""

from __future__ import annotations

import zipfile
from pathlib import Path

from jazari.errors import FileFormatError, InputError

FORMATS = ("csv", "tsv", "xlsx", "json", "jsonl", "parquet")
TEXT_FORMATS = ("csv", "tsv", "json", "jsonl")
SUFFIXES = {
    ".csv": "csv", ".txt": "csv", ".tsv": "tsv", ".tab": "tsv", ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet",
}
_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive"), (b"PAR1", "a Parquet file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Excel .xls (OLE2) file"),
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"), (b"\x7fELF", "an ELF executable"), (b"MZ", "a Windows executable"),
    (b"\x1f\x8b", "a gzip-compressed file"), (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"), (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"), (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x28\xb5\x2f\xfd", "a zstd-compressed file"),
)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def read_head(path: Path, size: int = 65536) -> bytes:
    """The first `size` bytes of a file, with clear errors for missing or unreadable files."""
    try:
        with open(path, "rb") as f:
            return f.read(size)
    except FileNotFoundError:
        raise InputError(f"no such file: {path}", hint="check the path", file=path.name) from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder, not a file", hint="give one file", file=path.name) from None
    except OSError as e:
        raise InputError(f"cannot read the file: {e.strerror}", hint="check its permissions",
                         file=path.name) from None


def magic_kind(head: bytes) -> str | None:
    """A description of a known binary signature at the start of `head`, else None."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            if what == "a Windows executable" and b"\x00" not in head[:512]:
                continue
            return what
    return None


def looks_utf16(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when BOM-less text has its zeros (the high bytes of ASCII
    characters) on one side only, else None."""
    sample = head[: len(head) // 2 * 2][:4096]
    even, odd = sample[0::2], sample[1::2]
    for zeros, others, name in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= max(8, 0.2 * len(zeros)) and others.count(0) <= 0.02 * len(others):
            return name
    return None


def binary_reason(head: bytes) -> str | None:
    """Why `head` is not text (a known signature, NUL or control bytes), or None if it is text."""
    what = magic_kind(head)
    if what:
        return what
    if head.startswith(_BOMS[1:]) or looks_utf16(head):
        return None
    if b"\x00" in head:
        return "it contains NUL bytes"
    controls = sum(1 for b in head[:8192] if b < 32 and b not in (9, 10, 12, 13, 26))
    if controls > max(4, len(head[:8192]) // 100):
        return "it contains control bytes"
    return None


def detect_format(path: Path, head: bytes, declared: str | None) -> str:
    """The format to read: the declared one checked against the content, else content + extension."""
    if declared is not None and declared not in FORMATS:
        raise InputError(f"unknown format {declared!r}", hint=f"use one of {', '.join(FORMATS)}",
                         file=path.name, field="format")
    if not head:
        raise FileFormatError("the file is empty (0 bytes)", hint="export the data again", file=path.name)
    found = _content_format(path, head)
    expected = declared or SUFFIXES.get(path.suffix.lower())
    if expected is None:
        if found is None:
            raise FileFormatError(f"the file looks binary ({binary_reason(head)})",
                                  hint="give a CSV, TSV, XLSX, JSON, JSON lines or Parquet file",
                                  file=path.name)
        return found
    if expected in ("xlsx", "parquet"):
        if found != expected:
            raise _mismatch(path, head, expected, found)
        return expected
    if found in ("xlsx", "parquet") or found is None:
        raise _mismatch(path, head, expected, found)
    if expected in ("json", "jsonl"):
        if found != "json":
            raise _mismatch(path, head, expected, found)
        return expected
    return expected


def _content_format(path: Path, head: bytes) -> str | None:
    """'xlsx', 'parquet', 'json' or 'csv' from the bytes alone; None for other binary content."""
    if head.startswith(b"PK\x03\x04") and _is_workbook(path):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    if binary_reason(head):
        return None
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(_BOMS[1:]) or looks_utf16(head):
        text = head.decode("utf-16", errors="ignore").lstrip("\ufeff \t\r\n").encode()
    return "json" if text[:1] in (b"[", b"{") else "csv"


def _is_workbook(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            return "xl/workbook.xml" in z.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _mismatch(path: Path, head: bytes, expected: str, found: str | None) -> FileFormatError:
    label = {"csv": "CSV text", "tsv": "TSV text", "json": "JSON", "jsonl": "JSON lines",
             "xlsx": "an XLSX workbook", "parquet": "a Parquet file"}
    if found is None:
        message = f"the file looks binary ({binary_reason(head)}), not {label[expected]}"
        hint = "check that this is the file you meant"
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            hint = "open it in Excel or LibreOffice and save it as .xlsx"
    elif found in ("xlsx", "parquet"):
        message = f"the file looks binary ({label[found]}), not {label[expected]}"
        hint = f"read it with --format {found}"
    else:
        message = f"the file is not {label[expected]}: it looks like {label[found]}"
        hint = f"read it with --format {found}, or rename it"
    return FileFormatError(message, hint=hint, file=path.name, format=expected)
