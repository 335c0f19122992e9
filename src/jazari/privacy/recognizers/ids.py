"""Moroccan personal identifiers: CIN, CNSS, passport, Massar, vehicle plate.

None of these carries a public check digit, so their scores lean on shape and context words.
"""

from __future__ import annotations

import re

from jazari.privacy.findings import Entity
from jazari.privacy.recognizers.base import Pattern, Recognizer, lead

# Two-letter prefixes that are abbreviations, not CIN issuing offices (RC 12345, BP 1234...).
NOT_CIN_PREFIXES = frozenset((
    "RC", "BP", "CP", "IF", "KM", "TP", "PV", "NO", "GB", "MB", "KB", "KG", "ML", "CM", "MM", "HT", "ID",
    "PK", "CH", "ST", "ND", "RD", "TH", "AM", "PM",
))
_UPPER = lead("[A-Z]", r"\w")
_LOWER = lead("[a-z]", r"\w")
_SPLIT = re.compile(r"([A-Za-z]+)[ -]?([0-9]+)")


def cin_score(value: str) -> float:
    """The score of a CIN shape: `AB123456`, `J123456`, `BK 12345` alone; lower case with context."""
    m = _SPLIT.fullmatch(value)
    if m is None or m.group(1).upper() in NOT_CIN_PREFIXES:
        return 0.0
    letters, number = m.groups()
    if letters.isupper() and (len(letters) == 2 and len(number) >= 5 or len(number) == 6):
        return 0.6 if len(letters) == 2 else 0.55
    spaced = len(value) > len(letters) + len(number)
    if len(number) < 3 or (not letters.isupper() and spaced and len(number) < 5):
        return 0.0  # `le 12`, `de 2024`, `a1`: words and numbers, not a card number
    return 0.25


CIN = Recognizer(
    name="ma_cin",
    entity=Entity.CIN,
    patterns=(
        Pattern(rf"{_UPPER}[A-Z]?[ -]?[0-9]{{3,6}}(?!\w)", 0.6, needs="upper_digit", min_digits=3),
        Pattern(rf"{_LOWER}[a-z]?(?:-?[0-9]{{3,6}}| [0-9]{{5,6}})(?!\w)", 0.25, needs="letter_digit",
                min_digits=3),
    ),
    validator=cin_score,
    context=(
        "cin", "c.i.n", "cnie", "carte nationale", "carte d'identité", "carte d'identite",
        "pièce d'identité", "carte d'identité nationale", "n° cin", "numéro cin", "identity card",
        "national id", "id card", "بطاقة التعريف", "البطاقة الوطنية", "بطاقة التعريف الوطنية",
        "رقم البطاقة", "ب.ت.و", "ب ت و", "لاكارط", "la carte", "lakart", "l'carte", "karta", "cart",
        "carte", "بطاقة", "البطاقة", "رقم البطاقة الوطنية", "البطاقة الوطنية للتعريف", "بطاقة التعريف الوطنية رقم",
        "لاكارط ناسيونال", "الكارط ناسيونال", "الكارط", "لاكارت", "la carte nationale", "n° de la cin", "numéro de la cin",
        "n° de la carte", "numéro de la carte nationale", "cnie n°", "carte d'identité nationale électronique",
        "lakarte", "lakart nasional", "karta nationale", "l'cin", "national identity card", "id number",
        "identity number", "البطاقة الوطنية رقم", "ب ت و رقم",
    ),
    context_boost=0.35,
    needs="digit",
)

_DIGIT_START = lead("[0-9]", r"[\w.,/-]", "[0-9] ")

CNSS = Recognizer(
    name="ma_cnss",
    entity=Entity.CNSS,
    patterns=(
        Pattern(rf"{_DIGIT_START}[0-9]{{2}}[ .-]?[0-9]{{3}}[ .-]?[0-9]{{3}}(?![\w/-])(?![ .,][0-9])", 0.2,
                min_digits=9),
        Pattern(rf"{_DIGIT_START}[0-9]{{6}}(?![\w/-])(?![ .,][0-9])", 0.15, min_digits=7),
    ),
    context=(
        "cnss", "c.n.s.s", "caisse nationale de sécurité sociale", "sécurité sociale",
        "securite sociale", "immatriculation cnss", "n° d'immatriculation", "numéro d'immatriculation",
        "affiliation", "n° d'affiliation", "numéro d'affiliation", "affilié", "immatriculé",
        "الضمان الاجتماعي", "الصندوق الوطني للضمان الاجتماعي", "رقم التسجيل", "رقم الانخراط",
        "social security", "ضمان", "damane", "الضمان", "رقم الضمان", "بطاقة الضمان", "كارط الضمان",
        "الكارط د الضمان", "لاكارط د الضمان", "الكارط ديال الضمان", "رقم الضمان الاجتماعي", "الضمان الإجتماعي",
        "dman", "ddaman", "ddamane", "damane ijtima3i", "lcnss", "cnss dyali", "n° cnss", "numéro cnss",
        "matricule cnss", "carte cnss", "la carte cnss", "social security number", "national social security",
        "ssn", "numéro d'immatriculation cnss", "سي إن إس إس",
    ),
    context_boost=0.7,
    negative=("commande", "facture", "prix", "total", "montant", "réf", "ref", "order", "invoice", "dh",
              "mad", "dirhams", "درهم", "ثمن", "الفاتورة", "ticket", "colis", "suivi"),
    needs="digit",
)

def passport_score(value: str) -> float:
    """The score of a passport shape: two capitals and seven digits strong, other shapes weak."""
    m = _SPLIT.fullmatch(value)
    if m is None:
        return 0.0
    letters, number = m.groups()
    return 0.5 if len(letters) == 2 and letters.isupper() and len(number) == 7 else 0.25


PASSPORT = Recognizer(
    name="ma_passport",
    entity=Entity.PASSPORT,
    patterns=(
        Pattern(rf"{_UPPER}[A-Z]?[ -]?[0-9]{{6,8}}(?!\w)", 0.5, needs="upper_digit", min_digits=6),
        Pattern(rf"{_LOWER}[a-z]?[ -]?[0-9]{{6,8}}(?!\w)", 0.25, needs="letter_digit", min_digits=6),
    ),
    validator=passport_score,
    context=(
        "passeport", "passport", "n° de passeport", "numéro de passeport", "passport number",
        "passport no", "جواز", "جواز السفر", "جواز سفر", "رقم الجواز", "باسبور", "الباسبور",
        "paspor", "passpor", "lpaspor", "basbor", "lbasbor",
    ),
    context_boost=0.45,
    needs="digit",
)

MASSAR = Recognizer(
    name="ma_massar",
    entity=Entity.MASSAR,
    patterns=(
        Pattern(rf"{_UPPER}[0-9]{{9}}(?!\w)", 0.6, needs="letter_9_digits", min_digits=9),
        Pattern(rf"{_LOWER}[0-9]{{9}}(?!\w)", 0.4, needs="letter_9_digits", min_digits=9),
    ),
    validator=lambda value: 0.6 if value[0].isupper() else 0.4,
    context=(
        "massar", "code massar", "رمز مسار", "مسار", "رقم مسار", "cne", "code national de l'étudiant",
        "code élève", "code eleve", "رقم التلميذ", "الرقم الوطني للتلميذ", "student code", "student id",
        "tilmid", "élève", "eleve", "التلميذ", "التلميذة",
    ),
    context_boost=0.35,
    needs="digit",
)

_AR_LETTER = "\u0621-\u063a\u0641-\u064a"
_AR_PLATE = rf"[{_AR_LETTER}](?![{_AR_LETTER}])"
_BAR = r"[ ]{0,2}[|/-][ ]{0,2}"
_PLATE_START = lead("[0-9]", r"\w", "[0-9][.,]")
_PLATE_END = r"(?!\w|[.,][0-9])"


_NUMBERS = re.compile(r"[0-9]+")
_WW = re.compile(r"(?i)WW[ -]?[0-9]{5,6}")


def valid_plate(value: str) -> bool:
    """Whether a plate has a serial (1-6 digits) on one side and a region code 1-89 on the other."""
    numbers = _NUMBERS.findall(value)
    if len(numbers) != 2:
        return bool(_WW.fullmatch(value))
    left, right = numbers
    return (1 <= int(right) <= 89 and int(left) > 0) or (1 <= int(left) <= 89 and len(right) >= 3)


PLATE = Recognizer(
    name="ma_plate",
    entity=Entity.PLATE,
    patterns=(
        Pattern(rf"{_PLATE_START}[0-9]{{0,5}}{_BAR}{_AR_PLATE}{_BAR}[0-9]{{1,6}}{_PLATE_END}", 0.8,
                needs="ar_plate"),
        Pattern(rf"{_PLATE_START}[0-9]{{2,5}}[ ]{{1,2}}(?!و){_AR_PLATE}[ ]{{1,2}}[0-9]{{1,2}}{_PLATE_END}",
                0.6, needs="ar_plate"),
        Pattern(rf"{_PLATE_START}[0-9]{{0,5}}[ ]{{1,2}}{_AR_PLATE}[ ]{{1,2}}[0-9]{{1,2}}{_PLATE_END}",
                0.4, needs="ar_plate"),
        Pattern(rf"{_PLATE_START}[0-9]{{0,5}}{_BAR}[A-Z]{_BAR}[0-9]{{1,6}}{_PLATE_END}", 0.35),
        Pattern(rf"{_PLATE_START}[0-9]{{2,5}}[ ][A-Z][ ][0-9]{{1,2}}{_PLATE_END}", 0.25),
        Pattern(r"W(?<!\wW)W[ -]?[0-9]{5,6}(?!\w)", 0.4, needs="WW"),
    ),
    validator=valid_plate,
    context=(
        "matricule", "immatriculation", "immatriculée", "immatriculé", "plaque", "plaque d'immatriculation",
        "véhicule", "vehicule", "voiture", "auto", "camion", "moto", "taxi", "لوحة", "رقم اللوحة",
        "لوحة الترقيم", "الترقيم", "السيارة", "سيارة", "الطوموبيل", "tomobil", "tonobil", "tomobile",
        "lmatricule", "الماتريكول", "ماتريكول", "الماتريكولا", "car", "plate", "license plate",
        "licence plate", "registration", "vehicle", "bus", "autobus", "autocar", "minibus", "camionnette",
        "tracteur", "fourgon", "fourgonnette", "scooter", "motocyclette", "triporteur", "pick-up", "van", "truck",
        "lorry", "motorbike", "motorcycle", "حافلة", "الحافلة", "طاكسي", "الطاكسي", "شاحنة", "الشاحنة",
        "دراجة نارية", "الدراجة النارية", "موطور", "الموطور", "طوبيس", "الطوبيس", "كاميو", "الكاميو",
        "بيكوب", "تريبورتور", "ماتريكول", "tobis", "tobiss", "lkamio", "kamio", "motor", "lmotor", "sayara",
        "siyara", "tomobil dyali", "immatriculé sous", "immatriculée sous", "mle", "plaque n°",
        "véhicule immatriculé", "لوحة ترقيم", "رقم الترقيم", "المسجلة تحت رقم", "المسجل تحت رقم",
    ),
    context_boost=0.5,
    window=(64, 24),
    needs="digit",
)

RECOGNIZERS = (CIN, CNSS, PASSPORT, MASSAR, PLATE)
