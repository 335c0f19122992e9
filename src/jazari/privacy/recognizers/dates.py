"""Dates of birth: a real date (numeric or with fr/en/ar/Moroccan month names) after a birth cue.

A date with no birth cue around it is not a DOB: its base score stays under the threshold.
"""

from __future__ import annotations

import datetime as dt
import re

from jazari.privacy.findings import Entity
from jazari.privacy.recognizers.base import Pattern, Recognizer

MONTHS: dict[str, int] = {}
_MONTH_NAMES = {
    1: "janvier janv jan january يناير جانفي كانون الثاني كانون ثاني ينار",
    2: "février fevrier févr fevr fév fev feb february فبراير فيفري شباط",
    3: "mars mar march مارس آذار اذار",
    4: "avril avr apr april أبريل ابريل إبريل أفريل افريل نيسان",
    5: "mai may ماي مايو أيار ايار",
    6: "juin jun june يونيو يونيه جوان حزيران",
    7: "juillet juil jul july يوليوز يوليو جويلية تموز",
    8: "août aout aug august غشت أغسطس اغسطس أوت اوت آب",
    9: "septembre sept sep september شتنبر سبتمبر أيلول ايلول",
    10: "octobre oct october أكتوبر اكتوبر تشرين الأول تشرين اول",
    11: "novembre nov november نونبر نوفمبر تشرين الثاني تشرين ثاني",
    12: "décembre decembre déc dec december دجنبر ديسمبر دسمبر كانون الأول كانون اول",
}
for _number, _names in _MONTH_NAMES.items():
    _words = _names.split()
    for _i, _w in enumerate(_words):
        MONTHS[_w] = _number
        if _w in ("كانون", "تشرين") and _i + 1 < len(_words):
            MONTHS[f"{_w} {_words[_i + 1]}"] = _number


def _by_first_character(words: list[str]) -> str:
    """An alternation of `words`, tried longest first, factored by their first character (`j(?:anvier|uin|...)|...`):
    `re` compares each first character once instead of trying every word in turn; the same matches, in the same
    order (words with different first characters never match at the same place)."""
    groups: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(f"{re.escape(first)}(?:{'|'.join(rest)})" for first, rest in groups.items())


_MONTH_ALT = _by_first_character([m for m in MONTHS if " " in m or len(m) > 1])
# the first letters of the month names: a pattern that starts with a month name first tests this one class at each
# position (`re` would enter every case-blind alternative)
_MONTH_START = "(?=(?i:[" + "".join(sorted({m[0] for m in MONTHS if " " in m or len(m) > 1})) + "]))"
_DAY = r"(?:1er|[12][0-9]|3[01]|0?[1-9])"
_YEAR = r"(?:19|20)[0-9]{2}"
_NUM_MONTH = r"(?:1[0-2]|0?[1-9])"


_ISO = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})")
_MONTH_FIRST = re.compile(r"(.+?)\.?[ ]{1,2}([0-9]{1,2})(?:st|nd|rd|th)?,?[ ]{1,2}([0-9]{4})")
_NUMERIC = re.compile(r"([0-9]{1,2})[ ]?[/.-][ ]?([0-9]{1,2})[ ]?[/.-][ ]?([0-9]{2,4})")
_NAMED = re.compile(r"(1er|[0-9]{1,2})[ .]{1,3}(.+?)\.?[ ,]{1,3}([0-9]{4})")


def parse_date(value: str) -> dt.date | None:
    """The calendar date written in `value` (d/m/y, y-m-d or day month-name year), if it exists."""
    text = value.lower().strip()
    iso = _ISO.fullmatch(text)
    month_first = None if iso else _MONTH_FIRST.fullmatch(text)
    if iso:
        y, m, d = (int(g) for g in iso.groups())
    elif month_first and month_first.group(1) in MONTHS:
        m, d, y = MONTHS[month_first.group(1)], int(month_first.group(2)), int(month_first.group(3))
    else:
        numeric = _NUMERIC.fullmatch(text)
        if numeric:
            d, m, y = (int(g) for g in numeric.groups())
        else:
            named = _NAMED.fullmatch(text)
            if not named or named.group(2) not in MONTHS:
                return None
            d = 1 if named.group(1) == "1er" else int(named.group(1))
            m, y = MONTHS[named.group(2)], int(named.group(3))
    if y < 100:
        y += 1900 if y > dt.date.today().year % 100 else 2000
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def valid_birth_date(value: str) -> bool:
    """Whether `value` is a real date between 1900 and today."""
    date = parse_date(value)
    return date is not None and dt.date(1900, 1, 1) <= date <= dt.date.today()


DOB = Recognizer(
    name="date_of_birth",
    entity=Entity.DOB,
    patterns=(
        Pattern(rf"(?=[0-9])(?<![\w/.-]){_DAY}[ ]?[/.-][ ]?{_NUM_MONTH}[ ]?[/.-][ ]?(?:{_YEAR}|[0-9]{{2}})"
                r"(?![\w/-]|\.[0-9])", 0.2),
        Pattern(rf"(?=[12])(?<![\w/.-]){_YEAR}-(?:1[0-2]|0[1-9])-(?:[12][0-9]|3[01]|0[1-9])(?![\w/-])", 0.2),
        Pattern(rf"(?=[0-9])(?<!\w){_DAY}[ .]{{1,3}}(?i:{_MONTH_ALT})\.?[ ,]{{1,3}}{_YEAR}(?!\w)", 0.2),
        Pattern(rf"{_MONTH_START}(?<!\w)(?i:{_MONTH_ALT})\.?[ ]{{1,2}}{_DAY}(?:st|nd|rd|th)?,?[ ]{{1,2}}{_YEAR}"
                r"(?!\w)", 0.2),
        Pattern(rf"(?=[12])(?<![\w/.-]){_YEAR}[/.](?:1[0-2]|0?[1-9])[/.](?:[12][0-9]|3[01]|0?[1-9])"
                r"(?![\w/-])", 0.2),
    ),
    validator=valid_birth_date,
    context=(
        "né le", "née le", "né", "née", "né(e)", "ne le", "nee le", "date de naissance", "date naissance",
        "date de naiss", "naissance", "ddn", "né en", "date of birth", "dob", "d.o.b", "born", "born on",
        "birth date", "birthdate", "birthday", "تاريخ الازدياد", "تاريخ الميلاد", "تاريخ الولادة",
        "مزداد", "مزدادة", "المزداد", "المزدادة", "ازداد", "ازدادت", "ولد في", "ولدت في", "ولد يوم",
        "ولدت يوم", "ولد بتاريخ", "من مواليد", "مواليد", "الازدياد", "الميلاد", "عيد ميلاد", "tzadt",
        "tzadit", "tzad", "tzadet", "mzyad", "mzyada", "tarikh izdiyad", "nhar tzadt", "lmilad", "تزاد",
        "تزادت", "تزاديت", "تزاد ف", "مزيود", "مزيودة", "date of birth", "birth",
    ),
    context_boost=0.7,
    window=(40, 24),
    clause=True,
    needs="digit",
)

RECOGNIZERS = (DOB,)
