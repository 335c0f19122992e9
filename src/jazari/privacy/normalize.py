"""Text normalisation before matching, with a map back to the original code points.

Replaced one for one: Arabic-Indic and Persian digits, the Arabic decimal and thousands
separators, full-width ASCII forms, the odd spaces (NBSP, narrow NBSP, thin, ideographic...).
Removed: zero-width and bidi marks, the BOM, soft hyphen, tatweel and Arabic diacritics.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from typing import NamedTuple

_REMOVED = (
    "\u00ad\u061c\u0640\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff"
    "\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
)
_REPLACED = "\u0660-\u0669\u06f0-\u06f9\u066b\u066c\u00a0\u2000-\u200a\u202f\u205f\u3000\uff01-\uff5e"

_REMOVED_RUN = re.compile(f"[{_REMOVED}]+")
_REPLACED_CHAR = re.compile(f"[{_REPLACED}]")
_ANY = re.compile(f"[{_REMOVED}{_REPLACED}]")


def _replacements() -> dict[str, str]:
    table: dict[str, str] = {}
    for i in range(10):
        table[chr(0x0660 + i)] = str(i)
        table[chr(0x06F0 + i)] = str(i)
    table["\u066b"] = "."
    table["\u066c"] = ","
    for code in (0x00A0, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000):
        table[chr(code)] = " "
    for code in range(0xFF01, 0xFF5F):
        table[chr(code)] = chr(code - 0xFEE0)
    return table


_TABLE = _replacements()


def _replace(match: re.Match[str]) -> str:
    return _TABLE[match.group()]


class Normalized(NamedTuple):
    """A normalised text and the way back: `starts[i]` is where shift `shifts[i]` begins."""

    text: str
    starts: array[int] | None = None
    shifts: array[int] | None = None

    def original(self, position: int) -> int:
        """The original index of the normalised character at `position`."""
        if self.starts is None or self.shifts is None:
            return position
        shift: int = self.shifts[bisect_right(self.starts, position) - 1]
        return position + shift

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of normalised `[start, end)`: marks inside kept, around dropped."""
        if self.starts is None or end <= start:
            return self.original(start), self.original(start) + (end - start)
        return self.original(start), self.original(end - 1) + 1


def normalize(text: str) -> Normalized:
    """Normalise `text` for matching; the identity (no map) when nothing needs changing."""
    if _ANY.search(text) is None:
        return Normalized(text)
    starts = array("q", [0])
    shifts = array("q", [0])
    removed = 0
    pieces: list[str] = []
    last = 0
    for run in _REMOVED_RUN.finditer(text):
        a, b = run.span()
        pieces.append(text[last:a])
        last = b
        removed += b - a
        position = a - (removed - (b - a))
        if starts[-1] == position:
            shifts[-1] = removed
        else:
            starts.append(position)
            shifts.append(removed)
    if removed == 0:
        return Normalized(_REPLACED_CHAR.sub(_replace, text))
    pieces.append(text[last:])
    kept = "".join(pieces)
    return Normalized(_REPLACED_CHAR.sub(_replace, kept), starts, shifts)
