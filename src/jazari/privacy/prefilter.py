"""Which recognizer patterns may match a text, found in one pass over it by Hyperscan.

Hyperscan (Intel's multi-pattern regex engine in C) compiles the patterns of a scanner into one
database, each in *prefilter* mode: constructs it cannot run (lookarounds) are widened, so the
patterns it reports for a text are a superset of those Python's `re` matches there. A scan then
tries, in `re`, only the patterns reported instead of all of them: a prefilter never changes what
is found, only how fast. Without Hyperscan (not installed, or a CPU it does not support) a
prefilter knows nothing and the scanner tries every pattern behind its own gates.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from functools import cache
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


def _flags(re_flags: int) -> int:
    flags = hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_ALLOWEMPTY \
        | hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP
    for python, hs in ((re.IGNORECASE, hyperscan.HS_FLAG_CASELESS), (re.DOTALL, hyperscan.HS_FLAG_DOTALL),
                       (re.MULTILINE, hyperscan.HS_FLAG_MULTILINE)):
        if re_flags & python:
            flags |= hs
    return flags


@cache
def _database(patterns: tuple[tuple[str, int] | None, ...]) -> tuple[Any, tuple[int, ...]] | None:
    """The compiled database of the given `(regex, re flags)` patterns (ids by position) and the ids of those
    it could not take (tried always); None without Hyperscan or on a CPU it does not support."""
    wanted = [(i, p) for i, p in enumerate(patterns) if p is not None]
    if hyperscan is None or not wanted:
        return None
    database = _compile(wanted)
    if database is not None:
        return database, ()
    # leave out the patterns Hyperscan cannot take; if it takes none, the CPU is one it does not support
    left_out = {i for i, p in wanted if _compile([(i, p)]) is None}
    kept = [(i, p) for i, p in wanted if i not in left_out]
    database = _compile(kept) if left_out and kept else None
    return None if database is None else (database, tuple(sorted(left_out)))


def _compile(patterns: list[tuple[int, tuple[str, int]]]) -> Any:
    database = hyperscan.Database()
    try:
        database.compile(expressions=[regex.encode() for _, (regex, _) in patterns], ids=[i for i, _ in patterns],
                         flags=[_flags(f) for _, (_, f) in patterns])
    except hyperscan.error:  # a pattern Hyperscan cannot take, or a CPU it does not support
        return None
    return database


class Prefilter:
    """A one-pass test of which of `patterns` (Python regexes with their `re` flags; None leaves one out)
    may match a text. Patterns Hyperscan may read otherwise than `re` (see `portable`) are always reported."""

    def __init__(self, patterns: Sequence[tuple[str, int] | None]) -> None:
        compiled = _database(tuple(None if p is None or not portable(*p) else p for p in patterns))
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
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(database)
        found = list(self._always)
        database.scan(data, match_event_handler=_report, context=found, scratch=scratch)
        found.sort()
        return found
