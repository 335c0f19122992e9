"""Bank and company numbers: RIB, IBAN, ICE and payment cards, all checked by their check digits."""

from __future__ import annotations

import re

from jazari.privacy.findings import Entity
from jazari.privacy.recognizers.base import Pattern, Recognizer, lead

_NOT_DIGIT = re.compile(r"[^0-9]")
_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")
# ISO 13616 letters as numbers: A=10 ... Z=35
_LETTER_NUMBERS = str.maketrans({chr(c): str(c - 55) for c in range(ord("A"), ord("Z") + 1)})

# ISO 13616 lengths of the IBANs people in Morocco meet most (Maghreb, Europe, Gulf).
IBAN_LENGTHS = {
    "MA": 28, "TN": 24, "DZ": 26, "MR": 27, "EG": 29, "LY": 25, "SA": 24, "AE": 23, "QA": 29, "KW": 30,
    "BH": 22, "JO": 30, "LB": 28, "TR": 26, "FR": 27, "ES": 24, "PT": 25, "IT": 27, "DE": 22, "BE": 16,
    "NL": 18, "LU": 20, "CH": 21, "AT": 20, "GB": 22, "IE": 22, "SE": 24, "NO": 15, "DK": 18, "FI": 18,
    "PL": 28, "CZ": 24, "RO": 24, "GR": 27, "MC": 27, "SN": 28, "CI": 28, "ML": 28, "CM": 27, "BJ": 28,
}


def digits(value: str) -> str:
    """Only the ASCII digits of `value`."""
    return _NOT_DIGIT.sub("", value)


def rib_key(first22: str) -> int:
    """The Moroccan RIB key of the first 22 digits: 97 - ((number x 100) mod 97)."""
    return 97 - (int(first22) * 100) % 97


def valid_rib(value: str) -> bool:
    """Whether a 24-digit Moroccan RIB (bank 3, city 3, account 16, key 2) has the right key."""
    number = digits(value)
    return len(number) == 24 and int(number[22:]) == rib_key(number[:22]) and number.strip("0") != ""


def iban_remainder(iban: str) -> int:
    """The ISO 13616 mod-97 remainder of an IBAN (1 when valid)."""
    compact = _NOT_ALNUM.sub("", iban).upper()
    rearranged = compact[4:] + compact[:4]
    return int(rearranged.translate(_LETTER_NUMBERS)) % 97


def valid_iban(value: str) -> bool:
    """Whether an IBAN has its country's length and a valid mod-97 check."""
    compact = _NOT_ALNUM.sub("", value).upper()
    if IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact[2:4].isdigit():
        return False
    if compact[:2] == "MA" and not compact[4:].isdigit():
        return False
    return iban_remainder(compact) == 1


def valid_ice(value: str) -> bool:
    """Whether a 15-digit ICE (company 9, establishment 4, key 2) is divisible by 97."""
    number = digits(value)
    return len(number) == 15 and int(number) % 97 == 0 and int(number) > 0


def luhn_ok(number: str) -> bool:
    """Whether a digit string passes the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def card_network(number: str) -> str | None:
    """The card network of an IIN, or None when the prefix and length fit no network."""
    n = len(number)
    p2, p4, p6 = int(number[:2]), int(number[:4]), int(number[:6])
    if number[0] == "4" and n in (13, 16, 19):
        return "visa"
    if (51 <= p2 <= 55 or 2221 <= p4 <= 2720) and n == 16:
        return "mastercard"
    if p2 in (34, 37) and n == 15:
        return "amex"
    if (300 <= p4 // 10 <= 305 or p2 in (36, 38, 39)) and 14 <= n <= 19:
        return "diners"
    if 3528 <= p4 <= 3589 and 16 <= n <= 19:
        return "jcb"
    if (p4 == 6011 or 644 <= p4 // 10 <= 649 or p2 == 65 or 622126 <= p6 <= 622925) and 16 <= n <= 19:
        return "discover"
    if p2 == 62 and 16 <= n <= 19:
        return "unionpay"
    if (p2 == 50 or 56 <= p2 <= 69) and 12 <= n <= 19:
        return "maestro"
    if 2200 <= p4 <= 2204 and n == 16:
        return "mir"
    return None


def valid_card(value: str) -> bool:
    """Whether a card number has a known IIN range and length and passes Luhn."""
    number = digits(value)
    return 13 <= len(number) <= 19 and card_network(number) is not None and luhn_ok(number)


_RUN_START = lead("[0-9]", r"[\w.,]", "[0-9][ .-]")
_M_START = lead("[Mm]", r"\w")
_UPPER_START = lead("[A-Z]", r"\w")
_RUN_END = r"(?![ .-]?[0-9])(?!\w)"

RIB = Recognizer(
    name="ma_rib",
    entity=Entity.RIB,
    patterns=(Pattern(rf"{_RUN_START}(?:[ .-]?[0-9]){{23}}{_RUN_END}", 0.85, min_digits=24),),
    validator=valid_rib,
    context=(
        "rib", "r.i.b", "relevé d'identité bancaire", "compte", "compte bancaire", "n° de compte",
        "virement", "banque", "bank", "account", "bank account", "الحساب", "رقم الحساب", "الحساب البنكي",
        "حساب", "البنك", "لكونط", "lcompte", "l'compte", "lkont", "kont", "التحويل", "transfer",
    ),
    context_boost=0.1,
    needs="digit",
)

IBAN = Recognizer(
    name="iban",
    entity=Entity.IBAN,
    patterns=(
        Pattern(rf"{_M_START}[Aa][ ]?[0-9]{{2}}(?:[ .-]?[0-9]){{24}}{_RUN_END}", 0.95, min_digits=24),
        Pattern(rf"{_UPPER_START}[A-Z][0-9]{{2}}[ ]?[A-Z0-9]{{4}}(?:[ ]?[A-Z0-9]{{4}}){{1,6}}"
                r"(?:[ ]?[A-Z0-9]{1,3})?(?!\w)", 0.9, needs="iban_head", min_digits=6),
    ),
    validator=valid_iban,
    context=("iban", "i.b.a.n", "virement", "bank", "banque", "compte", "الحساب", "آيبان", "إيبان"),
    context_boost=0.05,
    needs="digit",
)

ICE = Recognizer(
    name="ma_ice",
    entity=Entity.ICE,
    patterns=(Pattern(rf"{_RUN_START}(?:[ .]?[0-9]){{14}}{_RUN_END}", 0.6, min_digits=15),),
    validator=valid_ice,
    context=(
        "ice", "i.c.e", "identifiant commun de l'entreprise", "identifiant commun", "التعريف الموحد",
        "التعريف الموحد للمقاولة", "رقم التعريف الموحد", "common company identifier", "auto-entrepreneur",
        "auto entrepreneur", "المقاول الذاتي",
    ),
    context_boost=0.35,
    needs="digit",
)

CARD = Recognizer(
    name="payment_card",
    entity=Entity.CARD,
    patterns=(Pattern(rf"{_RUN_START}(?:[ -]?[0-9]){{12,18}}{_RUN_END}", 0.8, min_digits=13),),
    validator=valid_card,
    context=(
        "carte", "carte bancaire", "carte de crédit", "cb", "visa", "mastercard", "amex", "card",
        "credit card", "debit card", "بطاقة", "البطاقة البنكية", "بطاقة الائتمان", "lcarte", "la carte",
        "cvv", "expiration",
    ),
    context_boost=0.15,
    needs="digit",
)

RECOGNIZERS = (RIB, IBAN, ICE, CARD)
