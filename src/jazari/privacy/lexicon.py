# cython: annotation_typing=False
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
# `[^\w ]` (then `_`, a word character for `re`, by `str.replace`), with the commonest word characters (ASCII,
# Arabic letters) written out: `re` finds them in its table of the class before it asks the Unicode database
# what a word character is; one class, not an alternation, so that `re` seeks it without entering a match
_NON_WORD = re.compile("[^ 0-9a-z\u0621-\u064a\\w]")
_ASCII_SPACE = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})
_SEPARATOR = "\n"  # between texts matched together: a non-word character, like the ends of a text
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
    return _non_word_to_spaces(_fold(low))


def _non_word_to_spaces(low: str) -> str:
    low = _NON_WORD.sub(" ", low)
    return low.replace("_", " ") if "_" in low else low


def _fold(low: str) -> str:
    if _FOLD_CHAR.search(low) is None:
        return low
    for letter, folded in _FOLD.items():  # a C search per letter: cheaper than a regex calling back per hit
        if letter in low:
            low = low.replace(letter, folded)
    return low


def match_texts(texts: list[str]) -> list[str]:
    """`match_text` of each text, computed in one pass over them all (their separator is not a word character,
    and no case rule crosses it)."""
    if len(texts) < 2:
        return [match_text(t) for t in texts]
    out = [""] * len(texts)
    plain = [i for i, t in enumerate(texts) if t.isascii()]
    others = [i for i, t in enumerate(texts) if not t.isascii()] if len(plain) < len(texts) else []
    for group in (plain, others):  # ASCII texts apart: a translation is cheaper than a regex
        joined = _SEPARATOR.join([texts[i] for i in group])
        low = joined.lower()
        if len(low) != len(joined):  # a letter whose lower case is longer (`İ`): per text
            for i in group:
                out[i] = match_text(texts[i])
            continue
        low = low.translate(_ASCII_SPACE) if low.isascii() else _non_word_to_spaces(_fold(low))
        at = 0
        for i in group:
            out[i] = low[at:at + len(texts[i])]
            at += len(texts[i]) + 1
    return out


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

    def find_many(self, matches: list[str]) -> list[Hits]:
        """`find` for each match-form text, in one pass of the automaton over them all."""
        if len(matches) < 2 or not self.size:
            return [self.find(m) for m in matches]
        # each text between spaces, as `find` sees it, with a character no key has between two texts: no hit
        # spans two texts
        found: list[Hits] = [{} for _ in matches]
        bounds = []
        at = 0
        for m in matches:
            at += len(m) + 3
            bounds.append(at)
        i, hits, bound, base = 0, found[0], bounds[0], 0
        for last, (length, bucket) in self._automaton.iter(" " + " \x00 ".join(matches) + " "):
            if last >= bound:
                while last >= bounds[i]:
                    i += 1
                hits, bound, base = found[i], bounds[i], bounds[i - 1]
            start, end = last - base - length + 1, last - base - 1
            for kind, value, prefix in bucket:
                kind_hits = hits.get(kind)
                if kind_hits is None:
                    hits[kind] = [(start + prefix, end, value)]
                else:
                    kind_hits.append((start + prefix, end, value))
        return found
