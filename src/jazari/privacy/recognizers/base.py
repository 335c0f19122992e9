# cython: annotation_typing=False
"""Recognizers as data: patterns, a validator, context words and scores; plus the scanned document."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from jazari.privacy.findings import Entity
from jazari.privacy.lexicon import Hits

Span = tuple[int, int, float]
_BOUNDARY = re.compile(r"[.!?;\n](?:\s|$)")


# what a pattern may need in a text before it is tried (`Pattern.needs`); the rarer ones are written
# without lookarounds, so that the scanner's prefilter (Hyperscan) can tell, in its pass, that they are absent
FEATURES = {
    "digit": re.compile(r"[0-9]"),
    "arabic": re.compile("[\u0621-\u064a]"),
    "upper_digit": re.compile(r"[0-9](?<=[A-Z][0-9])|[0-9](?<=[A-Z][ -][0-9])"),
    # a digit run next to a lone Arabic letter (a plate: 12345-أ-6, 12345 و 22)
    "ar_plate": re.compile("[0-9][ ]{0,2}[|/-]?[ ]{0,2}[\u0621-\u063a\u0641-\u064a](?:[^\u0621-\u064a]|$)"),
    "letter_digit": re.compile(r"[0-9](?<=[A-Za-z][0-9])|[0-9](?<=[A-Za-z][ -][0-9])"),
    "decimal": re.compile(r"[0-9]\.[0-9]{2}"),
    "dotted_quad": re.compile(r"[0-9]\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]"),
    "letter_9_digits": re.compile(r"[A-Za-z][0-9]{9}"),
    "iban_head": re.compile(r"[A-Z]{2}[0-9]{2}"),
    "ipv6": re.compile(r":[0-9A-Fa-f]{0,4}:"),
    "arabizi": re.compile(r"[A-Za-z][23579]|[23579][A-Za-z]"),
}
# the features a prefilter may tell: absent from most texts (present in 0.5-27% of the evaluation corpus); the
# scanner leaves out those Hyperscan finds at more cost than the searches they spare (`scanner._SEARCHED`)
SCREENED_FEATURES = ("ar_plate", "decimal", "dotted_quad", "letter_9_digits", "iban_head", "ipv6", "arabizi")
# the same features without lookarounds, for a prefilter to tell exactly (`jazari.privacy.prefilter`): a text
# has one when, and only when, its regex matches there (`[A-Z][0-9]` somewhere is a digit after a capital);
# not `ipv6`, which `has` wants with a digit somewhere (`cafe::beef` has none)
_EXACT_FEATURES = {
    "digit": "[0-9]",
    "upper_digit": "[A-Z][ -]?[0-9]",
    "letter_digit": "[A-Za-z][ -]?[0-9]",
    **{name: FEATURES[name].pattern for name in SCREENED_FEATURES if name != "ipv6"},
}
# a character a feature cannot go without: a cheap `in` before the search
_FEATURE_LITERALS = {"decimal": ".", "dotted_quad": ".", "ipv6": ":"}


def digit_run_feature(digits: int) -> str:
    """The name of the feature "a run of at least `digits` digits" (single spaces, dots or dashes between)."""
    return f"digits:{digits}" if digits else ""


def exact_feature(need: str) -> str | None:
    """A regex without lookarounds that matches in a text when, and only when, the text has the feature `need`
    (`Doc.has`); None for the literals."""
    if need.startswith("digits:"):
        return _digit_run_regex(int(need.removeprefix("digits:")))
    return _EXACT_FEATURES.get(need)


def _digit_run_regex(digits: int) -> str:
    return "[0-9]" + (f"(?:[ .-]?[0-9]){{{digits - 1}}}" if digits > 1 else "")


@cache
def _digit_run(name: str) -> re.Pattern[str]:
    return re.compile(_digit_run_regex(int(name.removeprefix("digits:"))))


def _strong_cue(value: Any) -> bool:
    return value in (2, 3, 4)  # name_cues.STRONG, ABBREVIATION, SELF (not weak cues such as `dyal`)


def _unambiguous(value: Any) -> bool:
    return value is False


def lead(first: str, *not_after: str) -> str:
    """A pattern start: the class `first`, not preceded by any of `not_after` (fast for `re` to seek)."""
    return first + "".join(f"(?<!{before}{first})" for before in not_after)


@dataclass(frozen=True, slots=True)
class Pattern:
    """A regular expression and the best score of a match before context (linear-time by design).

    `needs` gates the pattern on a document feature (see `FEATURES`), a literal substring, or a
    lower-case literal of the match form (`i:lat`); `min_digits` on the longest digit run.

    `screen`, when set, is what the scanner's prefilter (Hyperscan) looks for instead of `regex`: a regex that
    every match of `regex` contains, for a pattern Hyperscan runs slowly (a long run before a literal).
    """

    regex: str
    score: float
    flags: int = 0
    needs: str = ""
    min_digits: int = 0
    screen: str = ""


@dataclass(frozen=True, slots=True)
class Recognizer:
    """One detector: regex patterns or whole-word keywords, or a custom finder, with context.

    Keywords may take `lead_ins` and `tails`, words that belong to the phrase when adjacent
    (`atteint de` + cancer); adjacent keyword findings of one entity merge into one phrase.

    With `person_context`, a name cue (`Mme`, `السيد`) or an unambiguous gazetteer name in the window
    counts as context too (the text speaks of a person).

    `validator(value)` returns False to drop a match, True to keep the pattern's score, or a
    float to use as the score (shape-dependent scores, at most the pattern's).
    """

    name: str
    entity: Entity
    patterns: tuple[Pattern, ...] = ()
    validator: Callable[[str], bool | float] | None = None
    context: tuple[str, ...] = ()
    score: float = 0.5
    context_boost: float = 0.3
    keywords: tuple[str, ...] = ()
    lead_ins: tuple[str, ...] = ()
    tails: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()
    negative_penalty: float = 0.3
    needs: str = ""
    window: tuple[int, int] = (48, 24)
    clause: bool = False
    group: int | str = 0
    clitics: bool = True
    person_context: bool = False
    finder: Callable[[Doc, Recognizer], Iterable[Span]] | None = None
    lexicon: Callable[[], Iterable[tuple[str, str, Any]]] | None = None


class Doc:
    """A normalised text being scanned, its match form and its keyword hits.

    `known`: features a prefilter already told present or absent (`has` answers them without a search); the
    document takes it as its own.
    """

    __slots__ = ("_ends", "features", "hits", "lang", "match", "text")

    def __init__(self, text: str, match: str, hits: Hits, lang: str | None = None,
                 known: dict[str, bool] | None = None) -> None:
        self.text = text
        self.match = match
        self.hits = hits
        self.lang = lang
        self.features: dict[str, bool] = {} if known is None else known
        self._ends: dict[str, list[int]] = {}

    @property
    def has_digit(self) -> bool:
        """Whether the text has an ASCII digit."""
        return self.has("digit")

    def has(self, need: str) -> bool:
        """Whether the text has a feature of `FEATURES`, a digit run (`digit_run_feature`), a literal, or an
        `i:` literal of the match form."""
        found = self.features.get(need)
        if found is None:
            rx = FEATURES.get(need)
            if rx is not None:
                # every feature but `arabic` has a digit: no digit, no search
                literal = _FEATURE_LITERALS.get(need)
                found = ((need == "arabic" or need == "digit" or self.has("digit"))
                         and (literal is None or literal in self.text) and rx.search(self.text) is not None)
            elif need.startswith("digits:"):
                found = self.has("digit") and _digit_run(need).search(self.text) is not None
            elif need.startswith("i:"):
                found = need[2:] in self.match
            else:
                found = need in self.text
            self.features[need] = found
        return found

    def near_person(self, start: int, end: int, before: int, after: int) -> bool:
        """Whether a name cue or an unambiguous gazetteer name lies in the window around a span."""
        lo, hi = start - before, end + after
        places = self.hits.get("addr:city", ())
        for kind, keep in (("name:cue", _strong_cue), ("name:given", _unambiguous), ("name:family", _unambiguous)):
            for s, e, value in self.hits.get(kind, ()):
                if (lo <= e <= start or end <= s <= hi) and keep(value) \
                        and not any(ps <= s and e <= pe for ps, pe, _ in places):
                    return True
        return False

    def kind(self, kind: str) -> list[tuple[int, int, Any]]:
        """The hits of one lexicon kind, ordered by end."""
        return self.hits.get(kind, [])

    def near(self, kind: str, start: int, end: int, before: int, after: int, clause: bool = False) -> bool:
        """Whether a hit of `kind` ends at most `before` chars before `start` or starts soon after.

        With `clause`, no sentence or clause boundary (. ! ? ; newline) may lie in between.
        """
        found = self.hits.get(kind)
        if not found:
            return False
        ends = self._ends.get(kind)
        if ends is None:
            ends = self._ends[kind] = [h[1] for h in found]
        lo = bisect_left(ends, start - before)
        hi = bisect_right(ends, end + after + 64)
        for i in range(lo, hi):
            s, e, _ = found[i]
            near = e <= start or end <= s <= end + after
            if near and (not clause or not _BOUNDARY.search(self.text, min(e, end), max(s, start))):
                return True
        return False
