# cython: annotation_typing=False
"""Person names in Latin script, Arabic script and Arabizi: gazetteers, cues and neighbours.

Scores: a name that is also a common word needs help (a cue, a neighbouring name, a capital in
mid-sentence); a plain gazetteer name alone is weaker than a name after a cue; a cue such as
`Mme`, `السيد` or `smiti` also takes unknown names that follow it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from jazari.privacy.findings import Entity
from jazari.privacy.recognizers.base import Doc, Recognizer, Span
from jazari.privacy.recognizers.name_cues import (
    ABBREVIATION,
    AR_STOP,
    CUES,
    LATIN_STOP,
    PARTICLES,
    SELF,
    STRONG,
    arabizi_skeleton,
)

GIVEN, FAMILY, PARTICLE = "name:given", "name:family", "name:particle"
_BLANKS = frozenset({" ", "\t"})
_NEXT_LATIN = re.compile(
    r"[ \t]{1,2}([A-ZÀ-ÖØ-Þ][a-zà-öø-ÿA-ZÀ-ÖØ-Þ'’2-9]{1,24}(?:-[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]{1,20})?"
    r"|[2-9](?=[0-9]{0,2}[a-z])[a-z2-9]{2,20})(?![\w])"
)
_FIRST_ARABIZI = re.compile(r"([2-9](?=[0-9]{0,2}[a-z])[a-z2-9]{2,20})(?![\w])")
_NEXT_ARABIC = re.compile(r"[ \t]{1,2}([\u0621-\u064a]{2,20})(?![\w])")
_FIRST_LATIN = re.compile(r"([A-ZÀ-ÖØ-Þ][\w'’-]{1,24})(?![\w])")
_FIRST_ARABIC = re.compile(r"([\u0621-\u064a]{2,20})(?![\w])")
_PREV_LATIN_CAPS = re.compile(r"(?<![\w])([A-Z][A-Z'’-]{2,24})[ \t]{1,2}$")
_PREV_WORD = re.compile(r"([\u0621-\u064a]{2,20})[ \t]{1,2}$")
_AFTER_CUE = re.compile(
    r"\.?[ \t]{0,2}(?:\((?:e|ة|s)\)[ \t]{0,2})?(?:(?:أدناه|ادناه|أسفله|اسفله|ci-dessous|below)[ \t]{0,2})?"
    r"[:,،\-]?[ \t]{0,3}"
)
_AFTER_ABBREVIATION = re.compile(r"\.?[ \t]{1,3}")
_STREET_GAP = re.compile(
    r"[ .]{0,3}(?:(?:de|du|des|la|sidi|moulay|my|lalla|al|el|ibn|ben|bnou|imam|cheikh|prince|princesse|roi|"
    r"الأمير|الإمام|الشيخ|مولاي|سيدي|ابن|الملك|للا)[ ]{1,2}){0,2}",
    re.IGNORECASE,
)
# an Arabizi word of the match form: a whole run of 3-16 [0-9a-z] whose first character that is not a letter is a 2,
# 3, 5, 7 or 9 after at most 12 letters, and that starts with at most 3 digits then a letter (`m7mmd`, `3ali`)
_ARABIZI = re.compile(r"(?<![0-9a-z])(?=[a-z]{0,12}[23579])(?=[0-9]{0,3}[a-z])[0-9a-z]{3,16}(?![0-9a-z])")
# where `_ARABIZI` may match, found without trying it at every position: that first 2-3-5-7-9, after a letter
# (group 1) or starting the run before a letter
_ARABIZI_DIGIT = re.compile(r"[23579](?:(?<=([a-z])[23579])|(?<![0-9a-z][23579])(?=[0-9]{0,2}[a-z]))")
_LETTERS_TO_END = re.compile(r"(?<![0-9a-z])[a-z]{1,12}\Z")  # the letters starting a run, before the digit
_MAX_PARTS = 6
_LATIN_PARTICLES = frozenset({"el", "al", "ben", "bel", "bou", "ait", "aït", "ou", "ould", "ibn"})
_FAMILY_PREFIXES = ("ou", "ait", "aït", "ben", "bou", "el", "al")
_AR_FAMILY_PREFIXES = ("أو", "او", "أم", "ام", "إي", "اي", "أي", "بو", "بن")
_PLACE_PARTICLES = (
    "ait", "aït", "ben", "beni", "bni", "ouled", "oulad", "sidi", "moulay", "lalla", "dar", "ain",
    "آيت", "أيت", "ايت", "بن", "بني", "أولاد", "اولاد", "سيدي", "مولاي", "للا", "عين", "دار",
)
_PLACE_BEFORE = re.compile(
    r"(?:^|[\s'’])(?:à|a|au|de|du|f|fi|l|dyal|dial|ف|في|ب|ل|من|الى|إلى|in|at|near|to|from|of)[ \t]{1,2}$",
    re.IGNORECASE,
)
_END_OF_NAME = re.compile(r"[ \t]*[،,:;)]")
_AR_PARTICLES = frozenset({"آيت", "أيت", "ايت", "بن", "ابن", "ولد", "أبو", "ابو", "بو"})
_SENTENCE_END = ".!?\n»\"“"
_AR_AMB_DEFINITE_PREV = 0.3


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Given and family names in the three scripts, with their ambiguity flags."""

    entries: tuple[tuple[str, str, bool], ...]
    skeletons: frozenset[str]


def _rows(name: str) -> Iterator[list[str]]:
    text = resources.files("jazari.privacy.recognizers").joinpath("data", name).read_text("utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            yield line.split("\t")


@cache
def gazetteer() -> Gazetteer:
    """The packaged name gazetteers, loaded once (plus `Ben`/`بن` + given name family names)."""
    entries: list[tuple[str, str, bool]] = []
    skeletons: set[str] = set()
    for ar, latin, arabizi, amb in _rows("given_names.tsv"):
        entries.append((ar, GIVEN, "a" in amb))
        for form in filter(None, latin.split(",")):
            entries.append((form, GIVEN, "l" in amb))
            if "l" not in amb and " " not in form and len(arabizi_skeleton(form)) >= 4:
                skeletons.add(arabizi_skeleton(form))
            if not amb and " " not in form and len(form) > 2:
                entries.append(("Ben" + form.lower(), FAMILY, False))
        entries.extend((form, GIVEN, False) for form in filter(None, arabizi.split(",")))
        if not amb and " " not in ar:
            entries.append(("بن" + ar, FAMILY, False))
    for ar, latin, amb in _rows("family_names.tsv"):
        entries.append((ar, FAMILY, "a" in amb))
        entries.extend((form, FAMILY, "l" in amb) for form in filter(None, latin.split(",")))
    return Gazetteer(tuple(entries), frozenset(skeletons))


def name_lexicon() -> Iterator[tuple[str, str, Any]]:
    """Gazetteer names, particles and cues for the keyword index."""
    yield from gazetteer().entries
    for particle in PARTICLES:
        yield particle, PARTICLE, None
    for cue, strength in CUES.items():
        yield cue, "name:cue", strength


def find_names(doc: Doc, recognizer: Recognizer) -> Iterable[Span]:
    """Person names: gazetteer groups, scored by ambiguity, neighbours and cues."""
    text, hits = doc.text, doc.hits
    tokens = _tokens(doc)
    cues = [c for c in hits.get("name:cue", ()) if c[2] != ABBREVIATION or _cue_ok(text, *c)]
    if not tokens and not cues:
        return []
    streets = {e for _, e, _ in hits.get("addr:street", ())}
    places = [(s, e) for s, e, _ in hits.get("addr:city", ())]
    cities = {s for s, _ in places}
    if places and cues:
        cues = [c for c in cues if not _within_place(c[0], c[1], places)]  # أوطاط الحاج
    announced: dict[int, int] = {}
    for _, cue_end, strength in cues:
        gap = (_AFTER_ABBREVIATION if strength == ABBREVIATION else _AFTER_CUE).match(text, cue_end)
        at = gap.end() if gap else cue_end
        announced[at] = max(announced.get(at, 0), strength)
    if cues and tokens:
        cue_spans = {(s, e) for s, e, _ in cues}
        cue_starts = {s for s, _ in cue_spans}
        tokens = [t for i, t in enumerate(tokens) if t[0] not in cue_starts or (t[0], t[1]) not in cue_spans
                  or not _cue_before_name(t, tokens[i + 1:i + 2])]
    spans: list[Span] = []
    for start, end, first, names, strong in _groups(text, tokens):
        if streets and _after_street(text, start, streets):
            continue
        score = _score(text, start, end, names, strong)
        strength = announced.pop(start, 0)
        if places and strength not in (STRONG, ABBREVIATION) and _is_place(text, start, end, places):
            continue
        if strength:
            if strength in (STRONG, ABBREVIATION):
                score = max(score, 0.85)
            elif strength == SELF or strong:
                score = max(score, 0.8)
        extended = _extend(text, end, cities, loose=score >= 0.6)
        if extended > end:
            score = max(score, 0.6)
        spans.append((_extend_left(text, start) if first == GIVEN else start, extended, score))
    for at, strength in announced.items():
        if strength in (STRONG, ABBREVIATION):
            found = _unknown_after_cue(text, at, cities)
            if found:
                spans.append((found[0], found[1], 0.8))
    return spans


def _within_place(start: int, end: int, places: list[tuple[int, int]]) -> bool:
    """Whether `[start, end)` lies in a place name and starts after it does (the `الحاج` of `أوطاط الحاج`)."""
    for s, e in places:
        if s < start and end <= e:
            return True
    return False


def _is_place(text: str, start: int, end: int, places: list[tuple[int, int]]) -> bool:
    """Whether a name is (part of) a place: inside a longer place name (`Sidi Kacem`, `مولاي يعقوب`),
    or a whole place name after `à`, `f`, `ف`, `في`, `dyal`, `near`... (`à Benslimane`)."""
    for s, e in places:
        inside = s <= start and end <= e
        if inside and (e - s > end - start or _PLACE_BEFORE.search(text, max(0, s - 12), s)
                       or text[s:e].lower().startswith(_PLACE_PARTICLES)):
            return True
    return False


Token = tuple[int, int, str, bool]


def _cue_before_name(token: Token, following: list[Token]) -> bool:
    """Whether a name token that is also a cue really announces the next name (`باسم سناء`: in the name of)."""
    return bool(following) and following[0][0] - token[1] <= 2


# the skeletons of the Arabizi words met (common words and names come back from text to text)
_skeleton = lru_cache(maxsize=4096)(arabizi_skeleton)


def _token_order(token: Token) -> tuple[int, int, bool]:
    return token[0], -token[1], token[2] == PARTICLE


def _tokens(doc: Doc) -> list[Token]:
    hits = doc.hits
    tokens = [(s, e, GIVEN, amb) for s, e, amb in hits.get(GIVEN, ())]
    if FAMILY in hits:
        tokens += [(s, e, FAMILY, amb) for s, e, amb in hits[FAMILY]]
    if PARTICLE in hits:
        tokens += [(s, e, PARTICLE, False) for s, e, _ in hits[PARTICLE]]
    if doc.has("arabizi"):
        skeletons = gazetteer().skeletons
        for start, end in arabizi_words(doc.match):
            if _skeleton(doc.match[start:end]) in skeletons:
                tokens.append((start, end, GIVEN, False))
    if len(tokens) < 2:
        return tokens
    tokens.sort(key=_token_order)
    kept: list[Token] = [tokens[0]]
    for token in tokens[1:]:
        if token[0] >= kept[-1][1]:
            kept.append(token)
    return kept


def arabizi_words(match: str) -> list[tuple[int, int]]:
    """The spans of `_ARABIZI.finditer(match)`: each run is tried at its start only, found from its digit."""
    words = []
    for digit in _ARABIZI_DIGIT.finditer(match):
        at = digit.start()
        if digit.group(1) is not None:  # letters before the digit: the run starts where they do
            letters = _LETTERS_TO_END.search(match, max(0, at - 12), at)
            if letters is None:
                continue
            at = letters.start()
        word = _ARABIZI.match(match, at)
        if word is not None:
            words.append(word.span())
    return words


def _cue_ok(text: str, start: int, end: int, strength: int) -> bool:
    """Abbreviated cues (`M.`, `Dr`, `Mr`) count only with their capital (and `M` with its dot)."""
    if strength != ABBREVIATION:
        return True
    return text[start].isupper() and (end - start > 1 or text[end:end + 1] == ".")


# a name: (start, end, kind of its first token, how many names, how many unambiguous ones)
Group = tuple[int, int, str, int, int]
# what may separate two parts of one name: one or two spaces or tabs, or a hyphen
_GAPS = frozenset({" ", "\t", "  ", " \t", "\t ", "\t\t", "-"})


def _groups(text: str, tokens: list[Token]) -> list[Group]:
    """Adjacent name tokens of one case class (Arabic, Capitalised, lower case) as one name."""
    groups: list[Group] = []
    current: list[Token] = []
    kind = ""
    for token in tokens:
        start = token[0]
        char = text[start]
        cls = "ar" if "\u0600" <= char <= "\u06ff" else "any" if char.isdigit() else "up" if char.isupper() else "low"
        if (current and len(current) < _MAX_PARTS and text[current[-1][1]:start] in _GAPS
                and (token[2] == PARTICLE or kind in ("", "any") or cls in (kind, "any"))):
            current.append(token)
            if token[2] != PARTICLE and kind in ("", "any"):
                kind = cls
            continue
        if current:
            _close(current, groups)
        current = [token]
        kind = cls if token[2] != PARTICLE else ""
    if current:
        _close(current, groups)
    return groups


def _close(current: list[Token], groups: list[Group]) -> None:
    """Add the name of `current` tokens to `groups`: trailing particles dropped, one name at least."""
    while current and current[-1][2] == PARTICLE:
        current.pop()
    names = strong = 0
    for _, _, kind, amb in current:
        if kind != PARTICLE:
            names += 1
            strong += not amb
    if names:
        groups.append((current[0][0], current[-1][1], current[0][2], names, strong))


def _score(text: str, start: int, end: int, names: int, strong: int) -> float:
    arabic = "\u0621" <= text[start] <= "\u064a"
    if strong and (names >= 2 or text.find(" ", start, end) >= 0):
        return 0.8
    if strong:
        return 0.65 if arabic or text[start].isupper() or text[start].isdigit() else 0.55
    if names >= 2:
        return 0.55
    if arabic:
        if not text.startswith("ال", start):
            return 0.3
        prev = _PREV_WORD.search(text, max(0, start - 24), start)
        return _AR_AMB_DEFINITE_PREV if prev and prev.group(1).startswith("ال") else 0.5
    initial = text[:start].rstrip()[-1:] in _SENTENCE_END or not text[:start].strip()
    return 0.5 if text[start].isupper() and not initial and not text[start:end].isupper() else 0.3


def _after_street(text: str, start: int, streets: set[int]) -> bool:
    """Whether a name follows a street keyword (`Avenue Hassan II`): then it names the street."""
    for end in streets:
        if 0 <= start - end < 40:
            m = _STREET_GAP.match(text, end, start)
            if m and m.end() == start:
                return True
    return False


def _extend(text: str, end: int, cities: set[int], *, loose: bool) -> int:
    """Extend a name with unknown family names: Arabic nisba `الـ...ي` or a Latin `...i` always;
    when the name is sure enough, any capitalised word, `El X`, `آيت X`, `بن X`, `أو...`."""
    after_particle = False
    for _ in range(2):
        if text[end:end + 1] not in _BLANKS:
            break  # both words below start with a space or a tab
        m = _NEXT_LATIN.match(text, end)
        if m and m.group(1) not in LATIN_STOP and m.start(1) not in cities:
            word = m.group(1)
            family_like = len(word) > 3 and (word.endswith("i") or word.lower().startswith(_FAMILY_PREFIXES))
            if (loose and (not word[0].isdigit() or after_particle)) or family_like:
                end, after_particle = m.end(1), word.lower() in _LATIN_PARTICLES
                continue
        m = _NEXT_ARABIC.match(text, end)
        if m and m.start(1) not in cities:
            word = m.group(1)
            if word.startswith("ال") and word.endswith("ي") and word not in AR_STOP:
                end = m.end(1)
                continue
            if loose and word in _AR_PARTICLES:
                after = _NEXT_ARABIC.match(text, m.end(1))
                if after and after.group(1) not in AR_STOP:
                    end = after.end(1)
                    continue
            if loose and word.startswith(_AR_FAMILY_PREFIXES) and len(word) > 3:
                end = m.end(1)
                continue
            if loose and word not in AR_STOP and len(word) > 2 and _END_OF_NAME.match(text, m.end(1)):
                end = m.end(1)  # `عثمان أمزيل،`: one unknown word closing the name
                continue
        break
    return end


def _extend_left(text: str, start: int) -> int:
    """Take an upper-case unknown family name written first (`KADIRI Youssef`)."""
    j = start
    while j > 0 and start - j < 3 and text[j - 1] in " \t\n":
        j -= 1
    if j == start or j == 0 or not ("A" <= text[j - 1] <= "Z" or text[j - 1] in "'’-"):
        return start  # no capital just before: the search below cannot match
    m = _PREV_LATIN_CAPS.search(text, max(0, start - 30), start)
    if m and m.group(1).title() not in LATIN_STOP and m.group(1) not in LATIN_STOP:
        return m.start(1)
    return start


def _unknown_after_cue(text: str, at: int, cities: set[int]) -> tuple[int, int] | None:
    """Up to three capitalised (or Arabic) words after a strong cue, e.g. `Mme Zoubida Kettani`."""
    m = _FIRST_LATIN.match(text, at) or _FIRST_ARABIZI.match(text, at)
    if m and m.group(1) not in LATIN_STOP and m.start(1) not in cities:
        start, end = m.span(1)
        for _ in range(2):
            n = _NEXT_LATIN.match(text, end)
            if not n or n.group(1) in LATIN_STOP or n.start(1) in cities:
                break
            end = n.end(1)
        return start, end
    m = _FIRST_ARABIC.match(text, at)
    if m and m.group(1) not in AR_STOP and not m.group(1).startswith("ال"):
        start, end = m.span(1)
        for _ in range(2):
            n = _NEXT_ARABIC.match(text, end)
            if not n or not n.group(1).startswith(("ال", "بن")) or n.start(1) in cities:
                break
            end = n.end(1)
        return start, end
    return None


def spacy_people(text: str) -> list[Span]:
    """PER entities from spaCy's French model when `spacy` and `fr_core_news_sm` are installed."""
    nlp = _spacy_model()
    if nlp is None:
        return []
    return [(ent.start_char, ent.end_char, 0.6) for ent in nlp(text).ents if ent.label_ in ("PER", "PERSON")]


@cache
def _spacy_model() -> Any:
    try:
        import spacy

        return spacy.load("fr_core_news_sm", disable=["lemmatizer", "morphologizer", "attribute_ruler"])
    except Exception:  # noqa: BLE001 - optional: any import or load failure means "not installed"
        return None


PERSON = Recognizer(
    name="person",
    entity=Entity.PERSON,
    score=0.65,
    finder=find_names,
    lexicon=name_lexicon,
)

RECOGNIZERS = (PERSON,)
