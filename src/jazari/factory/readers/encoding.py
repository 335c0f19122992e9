"""Text encodings: detection (BOM, UTF-8, cp1256 vs cp1252), streaming transcoding to UTF-8 with
errors that name the line and byte, and guards so a wrong guess never silently garbles Arabic."""

from __future__ import annotations

import codecs
import os
import re
from pathlib import Path

from jazari.errors import EncodingError, InputError
from jazari.factory.readers.detect import looks_utf16

SUPPORTED = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1256", "cp1252",
             "iso8859-1", "iso8859-6", "iso8859-15")
UTF8 = ("utf-8", "utf-8-sig")
HEAD_BYTES = 1 << 20
PROBES, PROBE_BYTES = 8, 1 << 16
CHUNK_BYTES = 8 << 20
# Bytes that cp1256 decodes to Arabic letters (most are uppercase accented letters in cp1252).
_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3]")
_ARABIC_WORD = re.compile("[\u0621-\u064a\u0671-\u06d3]{2,}")
_ARABIC_BYTES = bytes(b for b in range(128, 256) if _ARABIC_LETTER.match(bytes([b]).decode("cp1256")))
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


def _table(kind: dict[int, str]) -> bytes:
    """A bytes.translate table mapping each byte to a class letter ('.' for the rest)."""
    return bytes(ord(kind.get(b, ".")) for b in range(256))


# The guards look for byte-class patterns with translate + find (regexes run at ~50 MB/s here).
_LETTERS = {b: "L" for b in (*range(65, 91), *range(97, 123))}
_SINGLE = _table({**_LETTERS, **{b: "A" for b in _ARABIC_BYTES}})
_UTF8 = _table({**_LETTERS, **{b: "c" for b in range(0x80, 0xC0)},
                0xC3: "C", 0xD8: "D", 0xD9: "D", 0xDA: "D", 0xDB: "D"})


def _arabic_run(chunk: bytes) -> int:
    """Where 4+ bytes in a row are Arabic letters in cp1256 (an Arabic word), or -1."""
    return chunk.translate(_SINGLE).find(b"AAAA")


def _latin_sandwich(chunk: bytes) -> int:
    """Where a cp1256-Arabic byte touches two Latin letters (`FÉDÉ`, `ÉCOLE` in cp1252), or -1."""
    classes = chunk.translate(_SINGLE)
    return min([at for at in (classes.find(n) for n in (b"LAL", b"ALL", b"LLA")) if at >= 0], default=-1)


def _utf8_text(chunk: bytes) -> int:
    """Where a run of UTF-8 Arabic or a UTF-8 Latin accent after a letter starts, or -1."""
    classes = chunk.translate(_UTF8)
    hits = [classes.find(b"DcDcDc")]
    at = classes.find(b"Cc")
    while at >= 0:
        if at and classes[at - 1] == ord("L"):
            hits.append(at - 1)
            break
        at = classes.find(b"Cc", at + 1)
    return min([h for h in hits if h >= 0], default=-1)


_GUARDS = {
    "cp1252": ((_arabic_run, "Arabic text in cp1256", "cp1256"), (_utf8_text, "UTF-8 text", "utf-8")),
    "cp1256": ((_latin_sandwich, "French/Latin text in cp1252", "cp1252"), (_utf8_text, "UTF-8 text", "utf-8")),
}


def normalize(name: str) -> str:
    """The canonical name of a supported encoding (`windows-1256` -> `cp1256`), else InputError."""
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        canonical = ""
    if canonical not in SUPPORTED:
        raise InputError(f"unsupported encoding {name!r}", field="encoding",
                         hint=f"use one of: {', '.join(SUPPORTED)}")
    return canonical


def detect(path: Path) -> str:
    """The encoding of a text file, from its BOM, then strict UTF-8 on samples, then cp1256/cp1252."""
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES)
        if head.startswith(b"\xef\xbb\xbf"):
            return "utf-8-sig"
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return "utf-16"
        bare16 = looks_utf16(head)
        if bare16:
            return bare16
        samples = [head] + _probes(f, os.fstat(f.fileno()).st_size)
    if all(_valid_utf8(s, first=i == 0) for i, s in enumerate(samples)):
        return "utf-8"
    joined = b"".join(samples)
    text = joined.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if len(text) - len(text.encode("ascii", errors="ignore")) - bad > 4 * bad:
        return "utf-8"  # mostly UTF-8 with a few bad bytes: reading will name them
    return guess_single_byte(joined)


def _probes(f: object, size: int) -> list[bytes]:
    """Small samples spread over the rest of the file, so a late accent or Arabic word counts."""
    out: list[bytes] = []
    if size <= HEAD_BYTES:
        return out
    step = (size - HEAD_BYTES) // PROBES
    for i in range(PROBES):
        start = HEAD_BYTES + i * step if i < PROBES - 1 else max(HEAD_BYTES, size - PROBE_BYTES)
        f.seek(start)  # type: ignore[attr-defined]
        out.append(f.read(PROBE_BYTES))  # type: ignore[attr-defined]
    return out


def _valid_utf8(sample: bytes, *, first: bool) -> bool:
    """Strict UTF-8, forgiving a character cut at either end of the sample."""
    if not first:
        cut = 0
        while cut < 3 and cut < len(sample) and 0x80 <= sample[cut] <= 0xBF:
            cut += 1
        sample = sample[cut:]
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def guess_single_byte(sample: bytes) -> str:
    """cp1256 when Arabic letters appear in words (runs), cp1252 (French, Latin) otherwise."""
    if _CP1252_UNDEFINED.intersection(sample):
        return "cp1256"
    text = sample.decode("cp1256")
    in_words = sum(len(w) for w in _ARABIC_WORD.findall(text))
    alone = len(_ARABIC_LETTER.findall(text)) - in_words
    return "cp1256" if in_words >= 3 and in_words > alone else "cp1252"


def read_text(path: Path, encoding: str, limit: int) -> tuple[str, bool]:
    """Up to `limit` bytes of the file decoded (BOM removed), and whether that is the whole file."""
    with open(path, "rb") as f:
        raw = f.read(limit + 1)
    whole = len(raw) <= limit
    raw = raw[:limit]
    codec = stream_codec(encoding, raw)
    bom = _bom_length(raw, encoding)
    try:
        text = codecs.getincrementaldecoder(codec)().decode(raw[bom:], final=whole)
    except UnicodeDecodeError as e:
        raise _decode_error(path, encoding, raw[bom:], e.start, bom, 0, codec) from None
    return text, whole


def stream_codec(encoding: str, head: bytes) -> str:
    """The codec that decodes the bytes after the BOM (`utf-16` becomes `utf-16-le`/`-be`)."""
    if encoding == "utf-16":
        return "utf-16-be" if head.startswith(b"\xfe\xff") else "utf-16-le"
    return "utf-8" if encoding == "utf-8-sig" else encoding


def _bom_length(head: bytes, encoding: str) -> int:
    if encoding in UTF8 and head.startswith(b"\xef\xbb\xbf"):
        return 3
    if encoding == "utf-16" and head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return 2
    return 0


def transcode(path: Path, encoding: str, dest: Path, *, guard: bool) -> None:
    """Write the file as UTF-8 to `dest`, streaming; EncodingError names the line and byte offset.

    With `guard` (a detected, not forced, encoding), Arabic words in a cp1252 file or Latin words
    broken by Arabic letters in a cp1256 file stop the read instead of garbling the text.
    """
    with open(path, "rb") as src, open(dest, "wb") as out:
        head = src.read(4)
        codec = stream_codec(encoding, head)
        src.seek(_bom_length(head, encoding))
        decoder = codecs.getincrementaldecoder(codec)()
        offset, lines = src.tell(), 0
        while True:
            chunk = src.read(CHUNK_BYTES)
            final = not chunk
            pending = decoder.getstate()[0]
            try:
                text = decoder.decode(chunk, final=final)
            except UnicodeDecodeError as e:
                start = offset - len(pending)
                raise _decode_error(path, encoding, e.object, e.start, start, lines, codec) from None
            if guard and chunk:
                _check_guard(path, encoding, chunk, offset, lines)
            out.write(text.encode("utf-8"))
            lines += text.count("\n")
            offset += len(chunk)
            if final:
                return


def _check_guard(path: Path, encoding: str, chunk: bytes, offset: int, lines: int) -> None:
    for search, what, other in _GUARDS.get(encoding, ()):
        at = search(chunk)
        if at < 0:
            continue
        line = lines + chunk.count(b"\n", 0, at) + 1
        raise EncodingError(
            f"this part looks like {what}, but the file was detected as {encoding} from samples;"
            f" reading on would garble it (byte offset {offset + at:,})",
            hint=f"give the encoding: --encoding {other}", file=path.name, line=line,
            offset=offset + at, encoding=encoding,
        )


def _decode_error(path: Path, encoding: str, data: bytes, at: int, base: int, lines: int,
                  codec: str) -> EncodingError:
    line = lines + data[:at].decode(codec, errors="ignore").count("\n") + 1
    return undecodable(path, encoding, base + at, line, data[max(0, at - 64): at + 64])


def undecodable(path: Path, encoding: str, offset: int, line: int, around: bytes) -> EncodingError:
    """The error for bytes that do not decode, with the likely right encoding as the hint."""
    likely = guess_single_byte(around) if encoding in UTF8 else "utf-8"
    return EncodingError(
        f"the bytes at offset {offset:,} do not decode as {encoding}",
        hint=f"give the right encoding, e.g. --encoding {likely}", file=path.name, line=line,
        offset=offset, encoding=encoding,
    )


def locate_utf8_error(path: Path) -> EncodingError | None:
    """Scan a file for its first invalid UTF-8 byte: the EncodingError naming its line, or None."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as f:
        offset, lines = 0, 0
        while True:
            chunk = f.read(CHUNK_BYTES)
            pending = decoder.getstate()[0]
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as e:
                data = e.object
                at = e.start
                line = lines + data.count(b"\n", 0, at) + 1
                return undecodable(path, "utf-8", offset - len(pending) + at, line,
                                   data[max(0, at - 64): at + 64])
            if not chunk:
                return None
            lines += chunk.count(b"\n")
            offset += len(chunk)
