"""Whole-word keyword index: every gazetteer, cue and context word in one Aho-Corasick automaton.

Text and keys are compared in their *match form*: lower case, hamza-folded Arabic, every
non-word character turned into a space. The match form has the same length as the text, so a
hit's offsets are offsets in the (normalised) text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import ahocorasick

_FOLD = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ک": "ك", "ی": "ي", "ۀ": "ه", "ٶ": "و", "ٸ": "ي"}
_FOLD_CHAR = re.compile("[" + "".join(_FOLD) + "]")
_NON_WORD = re.compile(r"[^\w ]|_")
_ASCII_SPACE = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})
_SPACES = re.compile(r"\s+")
_ARABIC = re.compile("[\u0600-\u06ff]")
# final-letter spellings people swap (ة/ه, ى/ي), unless the variant is a common word
_SWAP_STOP = frozenset({"مني", "بشري", "سلمي", "يحيي", "علي", "هدي", "ليلي"})
_DEFINITE_CLITICS = ("و", "ب", "ف", "ك")
_BARE_CLITICS = ("و", "ب", "ل", "ف")

Hits = dict[str, list[tuple[int, int, Any]]]


def match_text(text: str) -> str:
    """The match form of `text`: same length, lower case, folded, non-word chars as spaces."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    if low.isascii():
        return low.translate(_ASCII_SPACE)
    return _NON_WORD.sub(" ", _FOLD_CHAR.sub(lambda m: _FOLD[m.group()], low))


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def key_forms(word: str, *, clitics: bool = False) -> dict[str, int]:
    """The match forms a keyword is looked up under, each with the length of its clitic prefix."""
    base = _SPACES.sub(" ", match_text(unicodedata.normalize("NFC", word))).strip()
    if not base:
        return {}
    forms = {base: 0, _SPACES.sub(" ", match_text(_strip_accents(base))).strip(): 0}
    if _ARABIC.search(base):
        for form in list(forms):
            swapped = " ".join(_swap_final(w) for w in form.split(" "))
            if swapped != form and swapped not in _SWAP_STOP:
                forms[swapped] = 0
        if clitics:
            for form in list(forms):
                for variant, prefix in _with_clitics(form):
                    forms.setdefault(variant, prefix)
    forms.pop("", None)
    return forms


def _swap_final(word: str) -> str:
    if word.endswith("ة"):
        return word[:-1] + "ه"
    if word.endswith("ى"):
        return word[:-1] + "ي"
    return word


def _with_clitics(form: str) -> list[tuple[str, int]]:
    if form.startswith("ال"):
        return [(p + form, 1) for p in _DEFINITE_CLITICS] + [("لل" + form[2:], 0), ("ولل" + form[2:], 1)]
    return [(p + form, 1) for p in _BARE_CLITICS]


class Lexicon:
    """An Aho-Corasick automaton of whole-word keys, each tagged with (kind, value) pairs."""

    def __init__(
        self, entries: Iterable[tuple[str, str, Any]], *, clitic_kinds: frozenset[str] = frozenset()
    ) -> None:
        tags: dict[str, list[tuple[str, Any, int]]] = {}
        for word, kind, value in entries:
            for form, prefix in key_forms(word, clitics=kind in clitic_kinds).items():
                bucket = tags.setdefault(form, [])
                if all(t[0] != kind or t[1] != value for t in bucket):
                    bucket.append((kind, value, prefix))
        self.size = len(tags)
        self._automaton = ahocorasick.Automaton()
        for form, bucket in tags.items():
            self._automaton.add_word(f" {form} ", (len(form) + 2, tuple(bucket)))
        if tags:
            self._automaton.make_automaton()

    def find(self, match: str) -> Hits:
        """All whole-word hits in a match-form text, grouped by kind, ordered by end."""
        hits: Hits = {}
        if not self.size:
            return hits
        for last, (length, bucket) in self._automaton.iter(f" {match} "):
            start, end = last - length + 1, last - 1
            for kind, value, prefix in bucket:
                found = hits.get(kind)
                if found is None:
                    hits[kind] = [(start + prefix, end, value)]
                else:
                    found.append((start + prefix, end, value))
        return hits
