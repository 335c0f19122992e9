"""The labelled corpus generator: deterministic, spans on the right substrings, valid check digits."""

from __future__ import annotations

import ipaddress
import re
from collections import Counter

import pytest

from jazari.errors import InputError
from jazari.privacy import corpus
from jazari.privacy.corpus import ENTITIES, LANGS, generate

SAMPLES = generate(2000, seed=0)
HELD_OUT = generate(1000, seed=0, split="test")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")


def _phone_ok(value: str) -> bool:
    value = value.translate(_DIGITS)
    digits = re.sub(r"\D", "", value)
    national = digits[5:] if digits.startswith("00212") else digits[3:] if value.startswith("+") else digits[1:]
    if "(0)" in value:
        national = national[1:]
    return len(national) == 9 and national[0] in "5678"


def _gps_ok(value: str) -> bool:
    numbers = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", value)]
    if "°" in value:
        lat = numbers[0] + numbers[1] / 60 + numbers[2] / 3600
        lon = -(numbers[3] + numbers[4] / 60 + numbers[5] / 3600)
    else:
        lat, lon = numbers
    return 20.5 < lat < 36.1 and -17.5 < lon < -0.9


CHECKS = {
    "CIN": lambda v: re.fullmatch(r"[A-Za-z]{1,2} ?\d{5,6}", v) is not None,
    "PHONE": _phone_ok,
    "RIB": corpus.is_valid_rib,
    "IBAN": corpus.is_valid_iban,
    "ICE": corpus.is_valid_ice,
    "CARD": corpus.is_valid_luhn,
    "CNSS": lambda v: re.fullmatch(r"\d{7}|\d{9}", v) is not None,
    "PASSPORT": lambda v: re.fullmatch(r"[A-Z]{2}\d{7}", v) is not None,
    "MASSAR": lambda v: re.fullmatch(r"[A-Za-z]\d{9}", v) is not None,
    "EMAIL": lambda v: re.fullmatch(r"[\w.]+@[\w.]+\.\w+", v) is not None,
    "PLATE": lambda v: (m := re.fullmatch(r"\d{1,5} ?[|\- ] ?[أبدهوطABDHEW] ?[|\- ] ?(\d{1,2})", v)) is not None
    and 1 <= int(m.group(1)) <= 89,
    "DOB": lambda v: any(1945 <= int(y) <= 2012 for y in re.findall(r"\d{4}", v.translate(_DIGITS))),
    "GPS": _gps_ok,
    "IP": lambda v: ipaddress.ip_address(v) is not None,
}


def test_deterministic_and_independent_of_size() -> None:
    assert generate(60, seed=3) == generate(60, seed=3)
    assert generate(20, seed=3) == generate(60, seed=3)[:20]
    assert [s.text for s in generate(20, seed=4)] != [s.text for s in generate(20, seed=3)]
    assert [s.lang for s in SAMPLES[:5]] == list(LANGS)
    assert len({s.id for s in SAMPLES}) == len(SAMPLES)


@pytest.mark.parametrize("samples", [SAMPLES, HELD_OUT], ids=["dev", "test"])
def test_every_entity_and_language_is_covered(samples: list[corpus.Sample]) -> None:
    counts = Counter(e for s in samples for e, _, _ in s.spans)
    assert set(counts) == set(ENTITIES)
    assert min(counts.values()) >= 25
    for lang in LANGS:
        ents = {e for s in samples if s.lang == lang for e, _, _ in s.spans}
        assert len(ents) >= 17, lang


@pytest.mark.parametrize("samples", [SAMPLES, HELD_OUT], ids=["dev", "test"])
def test_spans_point_at_the_values(samples: list[corpus.Sample]) -> None:
    bad = []
    for s in samples:
        previous_end = 0
        for entity, start, end in s.spans:
            value = s.text[start:end]
            assert value and value == value.strip(" ,.;:،()") and start >= previous_end, (s.id, entity, value)
            previous_end = end
            if entity in CHECKS and not CHECKS[entity](value):
                bad.append((s.id, entity, value))
            assert "⟦" not in s.text and "⟧" not in s.text and "{" not in s.text
    assert bad == []


def test_check_digits_are_the_published_algorithms() -> None:
    # The example IBAN of the SWIFT IBAN registry for Morocco, and its RIB (key 21).
    assert corpus.is_valid_iban("MA64 0115 1900 0001 2050 0053 4921")
    assert corpus.rib_key("0115190000012050005349") == "21"
    assert corpus.iban_check("370400440532013000", "DE") == "89"  # the registry's German example
    assert not corpus.is_valid_rib("011519000001205000534922")
    assert corpus.is_valid_luhn("4111 1111 1111 1111") and not corpus.is_valid_luhn("4111 1111 1111 1112")
    assert corpus.is_valid_ice("001525498000016") is (1525498000016 % 97 == 0)
    first = "0015254980000"
    assert int(first + corpus.ice_control(first)) % 97 == 0


def test_clean_texts_have_no_spans_but_look_alike_numbers() -> None:
    clean = [s for s in SAMPLES if not s.spans]
    assert 0.2 < len(clean) / len(SAMPLES) < 0.4
    assert all(re.search(r"\d", s.text) for s in clean)
    for s in clean:
        for run in re.findall(r"\d[\d ]{13,}\d", s.text):
            digits = run.replace(" ", "")
            assert not (len(digits) == 24 and corpus.is_valid_rib(digits)), s.text
            assert not (len(digits) == 16 and corpus.is_valid_luhn(digits)), s.text
            assert not (len(digits) == 15 and corpus.is_valid_ice(digits)), s.text
    texts = " ".join(s.text for s in clean)
    for look_alike in ("DH", "FA-", "درهم", "TKT-2030-", "Commande n°"):
        assert look_alike in texts


def test_arabic_and_realistic_content() -> None:
    ar = [s for s in SAMPLES if s.lang == "ar" and s.spans]
    assert any(re.search(r"[\u0660-\u0669]", s.text) for s in SAMPLES if s.lang in ("ar", "darija_ar"))
    assert any(e == "PERSON" and re.search(r"[\u0600-\u06ff]", s.text[a:b]) for s in ar for e, a, b in s.spans)
    arabizi = [s.text[a:b] for s in SAMPLES if s.lang == "darija_latn" for e, a, b in s.spans if e == "PERSON"]
    assert any(re.search(r"[379]", name) for name in arabizi)
    texts = " ".join(s.text for s in SAMPLES)
    for word in ("douar", "2030", "CAN 2025", "CNSS", "Massar", "غشت"):
        assert word in texts


def test_the_held_out_split_shares_no_template_name_or_phrase_with_dev() -> None:
    dev, test = corpus.lexicon("dev"), corpus.lexicon("test")
    for section in ("given_latn_m", "given_latn_f", "family_latn", "given_ar_m", "given_ar_f", "family_ar",
                    "street_latn", "street_ar", "address_latn", "address_ar", "health_fr", "religion_ar",
                    "origin_en", "political_fr", "union_ar"):
        assert not set(dev[section]) & set(test[section]), section
    dev_templates = {t for ts in corpus.templates("dev").values() for t in ts}
    assert not dev_templates & {t for ts in corpus.templates("test").values() for t in ts}
    assert HELD_OUT[0].id.startswith("test-") and HELD_OUT[0].text != SAMPLES[0].text


def test_unknown_language() -> None:
    with pytest.raises(InputError):
        generate(3, langs=("fr", "kab"))
    with pytest.raises(InputError):
        generate(3, split="train")
    assert {s.lang for s in generate(10, langs=("ar",))} == {"ar"}
