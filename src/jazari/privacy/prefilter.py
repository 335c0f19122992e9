"""Which recognizer patterns may match a text, found in one pass over it by Hyperscan.

Hyperscan (Intel's multi-pattern regex engine in C) compiles the patterns of a scanner into one
database, each in *prefilter* mode: constructs it cannot run (lookarounds) are widened, so the
patterns it reports for a text are a superset of those Python's `re` matches there. A scan then
tries, in `re`, only the patterns reported instead of all of them: a prefilter never changes what
is found, only how fast. Without Hyperscan (not installed, or a CPU it does not support) a
prefilter knows nothing and the scanner tries every pattern behind its own gates.

A pattern may also be compiled *exact* (not widened): then it is reported exactly for the texts where
`re` finds a match, which only holds for patterns without lookarounds that Hyperscan reads as `re`
does (`portable`). The scanner screens its rarer document features so (a run of 13 digits, a capital
next to a digit, a digit inside a Latin word): one pass answers what would otherwise be a search per feature
and text.

Compiling the database takes about 0.8 s of CPU, once per process: the compiled database is kept in
a cache folder (`JAZARI_CACHE_DIR`, default `$XDG_CACHE_HOME/jazari` or `~/.cache/jazari`; set it
empty to keep none), under a name that hashes the patterns, their flags and the Hyperscan version, so
another process with the same patterns loads it instead. A file that does not load (damaged,
truncated, another CPU) is ignored and the database compiled again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import re
import tempfile
import threading
from collections.abc import Collection, Sequence
from functools import cache
from pathlib import Path
from typing import Any

try:
    import hyperscan
except ImportError:  # pragma: no cover - a dependency; a platform without a wheel still scans, slower
    hyperscan = None  # type: ignore[assignment]


# what Python's `re` and Hyperscan read differently, so that Hyperscan could miss a match of `re`: case-blind
# letters (`re` also folds `İ` and `ı` to `i`), `\s` (`re` counts \x1c-\x1f as spaces), `{,n}` (a count in
# `re`, text in Hyperscan), verbose mode, POSIX classes and named characters
_NOT_PORTABLE = re.compile(r"\(\?[a-zA-Z]*[ix]|\\s|\{,|\[:[a-z]+:\]|\\N")


def portable(regex: str, flags: int = 0) -> bool:
    """Whether Hyperscan reads `regex` as Python's `re` does, so that its prefilter misses no match."""
    return not flags & (re.IGNORECASE | re.VERBOSE) and _NOT_PORTABLE.search(regex) is None


def _report(pattern_id: int, start: int, end: int, flags: int, found: list[int]) -> None:
    found.append(pattern_id)


def _flags(re_flags: int, exact: bool = False) -> int:
    flags = hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_ALLOWEMPTY | hyperscan.HS_FLAG_UTF8 \
        | hyperscan.HS_FLAG_UCP | (0 if exact else hyperscan.HS_FLAG_PREFILTER)
    for python, hs in ((re.IGNORECASE, hyperscan.HS_FLAG_CASELESS), (re.DOTALL, hyperscan.HS_FLAG_DOTALL),
                       (re.MULTILINE, hyperscan.HS_FLAG_MULTILINE)):
        if re_flags & python:
            flags |= hs
    return flags


_Compiled = tuple[str, int, bool]  # regex, `re` flags, exact


@cache
def _database(patterns: tuple[_Compiled | None, ...]) -> tuple[Any, tuple[int, ...]] | None:
    """The compiled database of the given `(regex, re flags, exact)` patterns (ids by position) and the ids of
    those it could not take (tried always); None without Hyperscan or on a CPU it does not support."""
    wanted = [(i, p) for i, p in enumerate(patterns) if p is not None]
    if hyperscan is None or not wanted:
        return None
    database = _compile(wanted, keep=True)
    if database is not None:
        return database, ()
    # leave out the patterns Hyperscan cannot take; if it takes none, the CPU is one it does not support
    left_out = {i for i, p in wanted if _compile([(i, p)]) is None}
    kept = [(i, p) for i, p in wanted if i not in left_out]
    database = _compile(kept, keep=True) if left_out and kept else None
    return None if database is None else (database, tuple(sorted(left_out)))


def _compile(patterns: list[tuple[int, _Compiled]], *, keep: bool = False) -> Any:
    """The database of `patterns`, None if Hyperscan cannot take them; with `keep`, read from and written to the
    cache folder."""
    path = _cache_path(patterns) if keep else None
    database = _load(path) if path is not None else None
    if database is not None:
        return database
    database = hyperscan.Database()
    try:
        database.compile(expressions=[regex.encode() for _, (regex, _, _) in patterns], ids=[i for i, _ in patterns],
                         flags=[_flags(f, exact) for _, (_, f, exact) in patterns])
    except hyperscan.error:  # a pattern Hyperscan cannot take, or a CPU it does not support
        return None
    if path is not None:
        _store(path, database)
    return database


_CACHE_MAGIC = b"jazari-hyperscan-1\n"
CACHE_KEEP = 8  # compiled databases kept in the cache folder (about 1 MB each for the default scanner)


def cache_dir() -> Path | None:
    """The folder of compiled databases kept between processes; None when `JAZARI_CACHE_DIR` is set empty."""
    explicit = os.environ.get("JAZARI_CACHE_DIR")
    if explicit is not None:
        return Path(explicit) / "hyperscan" if explicit.strip() else None
    base = os.environ.get("XDG_CACHE_HOME")
    try:
        return (Path(base) if base else Path.home() / ".cache") / "jazari" / "hyperscan"
    except RuntimeError:  # no home folder
        return None


def _cache_path(patterns: list[tuple[int, _Compiled]]) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    key = hashlib.sha256(f"{hyperscan.__version__}\0{platform.machine()}".encode())
    for i, (regex, flags, exact) in patterns:
        key.update(f"\0{i}\0{_flags(flags, exact)}\0{len(regex)}\0{regex}".encode())
    return folder / f"{key.hexdigest()}.hsdb"


def _load(path: Path) -> Any:
    """The database kept in `path`, or None (missing, damaged, or one this CPU cannot run)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    start = len(_CACHE_MAGIC) + 32  # the magic, the SHA-256 of the body, the body
    body = data[start:]
    if not data.startswith(_CACHE_MAGIC) or hashlib.sha256(body).digest() != data[len(_CACHE_MAGIC):start]:
        return None
    try:
        database = hyperscan.loadb(body, hyperscan.HS_MODE_BLOCK)
        database.scan(b"", scratch=hyperscan.Scratch(database))  # a database for another CPU fails here
    except hyperscan.error:
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: the last one pruned
    return database


def _store(path: Path, database: Any) -> None:
    """Keep `database` in `path` for the next process (atomically; nothing happens if it cannot be written)."""
    try:
        body = hyperscan.dumpb(database)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    except (OSError, hyperscan.error):
        return
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(_CACHE_MAGIC + hashlib.sha256(body).digest() + body)
        os.replace(name, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(name)
        return
    with contextlib.suppress(OSError):  # keep the most recent few (scanners with other recognizers add theirs)
        kept = sorted(path.parent.glob("*.hsdb"), key=lambda f: f.stat().st_mtime, reverse=True)
        for old in kept[CACHE_KEEP:]:
            old.unlink()


class Prefilter:
    """A one-pass test of which of `patterns` (Python regexes with their `re` flags; None leaves one out)
    may match a text. Patterns Hyperscan may read otherwise than `re` (see `portable`) are always reported.

    The ids in `exact` (patterns without lookarounds) are compiled exact: reported when, and only when, they
    match (unless Hyperscan could not take them: see `always`)."""

    def __init__(self, patterns: Sequence[tuple[str, int] | None], *, exact: Collection[int] = ()) -> None:
        compiled = _database(tuple(None if p is None or not portable(*p) else (*p, i in exact)
                                   for i, p in enumerate(patterns)))
        self._database, left_out = compiled if compiled is not None else (None, ())
        self._always = tuple(sorted({*left_out, *(i for i, p in enumerate(patterns) if p and not portable(*p))}))
        self._local = threading.local()  # Hyperscan scratch space: one per thread

    @property
    def active(self) -> bool:
        """Whether Hyperscan runs (otherwise `candidates` always answers None)."""
        return self._database is not None

    @property
    def always(self) -> tuple[int, ...]:
        """Ids reported for every text: patterns Hyperscan may read otherwise than `re`, or could not take."""
        return self._always

    def candidates(self, text: str) -> list[int] | None:
        """Ids (positions in `patterns`) of those that may match `text`, ascending (those Hyperscan could not
        take always); None when not known."""
        database = self._database
        if database is None:
            return None
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: not UTF-8, let every pattern be tried
            return None
        found = list(self._always)
        database.scan(data, _report, 0, found, self._scratch())  # positional: cheaper to parse than keywords
        found.sort()
        return found

    def candidates_many(self, texts: Sequence[str]) -> list[list[int] | None]:
        """`candidates` of each text."""
        database = self._database
        if database is None:
            return [None] * len(texts)
        scan, scratch, always = database.scan, self._scratch(), self._always
        out: list[list[int] | None] = []
        for text in texts:
            try:
                data = text.encode("utf-8")
            except UnicodeEncodeError:
                out.append(None)
                continue
            found = list(always)
            scan(data, _report, 0, found, scratch)
            found.sort()
            out.append(found)
        return out

    def _scratch(self) -> Any:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self._database)
        return scratch
