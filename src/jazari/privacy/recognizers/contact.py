"""Ways to reach a person: Moroccan phone numbers, e-mail addresses, IP addresses."""

from __future__ import annotations

import ipaddress

from jazari.privacy.findings import Entity
from jazari.privacy.recognizers.base import Pattern, Recognizer, lead

_SEP = r"[ .-]?"
_INTERNATIONAL = r"\(?(?:\+|00)[ ]?212\)?[ .-]?(?:\(0\)[ .-]?|0[ .-]?)?"
# the national number: 5, 6, 7 or 8 then 8 digits, grouped by spaces, dots or dashes
_NATIONAL = rf"[5-8](?:{_SEP}[0-9]){{8}}"
# not followed by more digits of the same number (another phone after a space is fine)
_ZERO_START = lead("0", r"[\w+]", "[0-9][.-]")
_PHONE_END = r"(?![0-9])(?![.-][0-9])(?![ ](?!0[5-8]|\+|00)[0-9](?![A-Za-z]))"

PHONE = Recognizer(
    name="ma_phone",
    entity=Entity.PHONE,
    patterns=(
        Pattern(rf"(?=[(+0])(?<![\w+])(?<![0-9][.-]){_INTERNATIONAL}{_NATIONAL}{_PHONE_END}", 0.8,
                needs="212",
                min_digits=9),
        Pattern(rf"{_ZERO_START}{_SEP}{_NATIONAL}{_PHONE_END}", 0.75, min_digits=9),
    ),
    context=(
        "tél", "tel", "téléphone", "telephone", "portable", "mobile", "gsm", "fixe", "fax", "whatsapp",
        "appeler", "appelez", "contact", "joindre", "numéro", "numero", "num", "هاتف", "الهاتف",
        "رقم الهاتف", "المحمول", "الجوال", "واتساب", "رقمي", "nmra", "nemra", "nmrti", "ra9m", "ra9mi",
        "tilifoun", "tilifon", "phone", "call", "cell", "mobile number", "phone number", "عيط", "3ayet",
    ),
    context_boost=0.2,
    needs="digit",
)

EMAIL = Recognizer(
    name="email",
    entity=Entity.EMAIL,
    patterns=(
        Pattern(
            lead("[A-Za-z0-9]", r"[\w.+%-]") + r"(?:[A-Za-z0-9._%+-]{0,63})@[A-Za-z0-9][A-Za-z0-9-]{0,62}"
            r"(?:\.[A-Za-z0-9][A-Za-z0-9-]{0,62}){0,5}\.[A-Za-z]{2,24}(?![\w-])",
            0.95,
            # the characters around the `@` of every match: the run of up to 63 before it would cost
            # Hyperscan more than a quarter of its pass
            screen=r"[A-Za-z0-9._%+-]@[A-Za-z0-9]",
        ),
    ),
    context=("email", "e-mail", "mail", "courriel", "البريد الإلكتروني", "إيميل", "ايميل", "gmail"),
    context_boost=0.05,
    needs="@",
)


def valid_ipv4(value: str) -> bool:
    """Whether `value` is a dotted-quad IPv4 address (no leading zeros): what `ipaddress.IPv4Address` takes,
    without its exceptions (most matches are not addresses)."""
    parts = value.split(".")
    return len(parts) == 4 and all(
        0 < len(p) <= 3 and p.isascii() and p.isdigit() and (p == "0" or p[0] != "0") and int(p) <= 255
        for p in parts
    )


def valid_ipv6(value: str) -> bool:
    """Whether `value` is an IPv6 address with enough hex digits to be one on purpose."""
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    hexdigits = sum(c in "0123456789abcdefABCDEF" for c in value)
    return hexdigits >= 4 and (value.count(":") >= 7 or "::" in value)


IPV4 = Recognizer(
    name="ipv4",
    entity=Entity.IP,
    patterns=(Pattern(lead("[0-9]", r"[\w.]") + r"[0-9]{0,2}\.(?:[0-9]{1,3}\.){2}[0-9]{1,3}(?![\w]|\.[0-9])",
                      0.65, needs="dotted_quad", min_digits=4),),
    validator=valid_ipv4,
    context=("ip", "adresse ip", "ip address", "ipv4", "عنوان ip", "serveur", "server", "connexion",
             "login", "connecté depuis", "host"),
    context_boost=0.3,
    negative=("version", "v", "build", "release", "firmware", "logiciel", "software", "update", "mise à jour",
              "art", "article", "section", "chapitre", "paragraphe", "الفصل", "المادة"),
    negative_penalty=0.3,
    needs="digit",
)

IPV6 = Recognizer(
    name="ipv6",
    entity=Entity.IP,
    patterns=(
        # a colon among the first five characters, as in every IPv6 address (groups have four digits at
        # most): the pattern says so itself, so that a prefilter does not take every hex word for one
        Pattern(lead("[0-9A-Fa-f:]", r"[\w:.]")
                + r"[0-9A-Fa-f]{0,3}:[0-9A-Fa-f:]{0,37}(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3})?(?![\w:]|\.[0-9A-Fa-f])",
                0.8),
    ),
    validator=valid_ipv6,
    context=("ip", "adresse ip", "ip address", "ipv6", "عنوان ip"),
    context_boost=0.15,
    needs="ipv6",
)

RECOGNIZERS = (PHONE, EMAIL, IPV4, IPV6)
