"""`scan_many`, the batch scan: the same findings as `scan` on each text, in less time per text."""

from __future__ import annotations

import ipaddress
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jazari.errors import InputError
from jazari.privacy import Scanner, default_scanner, scan_many, scan_text
from jazari.privacy import scanner as scanner_module
from jazari.privacy.corpus import generate
from jazari.privacy.lexicon import match_text, match_texts
from jazari.privacy.recognizers import dates
from jazari.privacy.recognizers.contact import valid_ipv4

# letters whose lower case is longer (İ) or depends on the next letter (Σ), the folded Arabic letters, marks
# that normalisation removes, odd digits and spaces, NUL, and the separator the batch uses between texts
_ALPHABET = [*"aAzZ09 .-@:°|/,+()'é\n\t\x00_", *"İıſΣσßﬁK", *"بمحدأإآکیـًّ٠٦", *"\u200b\u200f\ufeff\u00a0ＡＢ１"]
_SNIPPETS = st.sampled_from([
    "0661234567", "+212 6 61 23 45 67", "AB123456", "Mme Benali", "السيد محمد العلوي", "m7mmd", "12 rue X",
    "né le 12/03/1990", "تاريخ الازدياد 12 مارس 1990", "Janvier 12, 1990", "33.5731, -7.5898", "a@b.ma",
    "MA64 0111 1000 0012 3456 7890 1234", "4111 1111 1111 1111", "192.168.1.10", "12345-أ-6", "diabétique",
    "ΟΔΟΣ", "Avenue Hassan II, Rabat", "", " ", "\n",
])
_TEXT = st.lists(st.one_of(st.text(alphabet=_ALPHABET, max_size=12), _SNIPPETS), max_size=12).map("".join)


def test_corpus_findings_are_those_of_scan() -> None:
    texts = [s.text for split in ("dev", "test") for s in generate(300, 7, split=split)]
    scanner = default_scanner()
    assert scanner.scan_many(texts) == [scanner.scan(t) for t in texts]
    assert scanner.scan_many(texts, "fr", min_score=0.3) == [scanner.scan(t, "fr", min_score=0.3) for t in texts]
    subset = {"PHONE", "CIN", "DOB", "PERSON"}
    assert scanner.scan_many(texts, entities=subset) == [scanner.scan(t, entities=subset) for t in texts]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TEXT, max_size=15))
def test_any_texts_give_the_findings_of_scan(texts: list[str]) -> None:
    assert scan_many(texts) == [scan_text(t) for t in texts]


def test_long_texts_and_small_groups_between_short_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    scanner = Scanner(chunk_size=4096)
    long_text = ("Mme Benali, tél 0661234567, CIN AB123456. " * 300)[:9000]
    texts = ["appelez le 0612345678", long_text, "", "السيد محمد العلوي", long_text, "rien", "a@b.ma",
             "tél 0661234567 \ud800 (not UTF-8: scanned without the prefilter)"] * 3
    expected = [scanner.scan(t) for t in texts]
    assert scanner.scan_many(texts) == expected
    monkeypatch.setattr(scanner_module, "BATCH_CHARS", 30)  # a group every text or two
    assert scanner.scan_many(iter(texts)) == expected


def test_a_value_that_is_not_text_is_named_by_its_position() -> None:
    with pytest.raises(InputError, match=r"can only scan text, not bytes \(text 2\)"):
        scan_many(["ok", b"0661234567"])  # type: ignore[list-item]
    with pytest.raises(InputError, match="language"):
        scan_many(["ok"], "xx")
    assert scan_many([]) == []


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXT, max_size=12))
def test_match_forms_of_many_texts_are_those_of_each(texts: list[str]) -> None:
    assert match_texts(texts) == [match_text(t) for t in texts]


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXT, max_size=12))
def test_keywords_of_many_texts_are_those_of_each(texts: list[str]) -> None:
    lexicon = default_scanner().lexicon
    matches = [match_text(t) for t in texts]
    assert lexicon.find_many(matches) == [lexicon.find(m) for m in matches]


def test_prefilter_of_many_texts_is_that_of_each() -> None:
    prefilter = default_scanner().prefilter
    texts = ["0661234567", "", "rien", "a@b.ma 192.168.1.10", "lone \ud800 surrogate", "12345-أ-6"]
    assert prefilter.candidates_many(texts) == [prefilter.candidates(t) for t in texts]
    assert prefilter.candidates_many(texts)[4] is None  # not UTF-8: every pattern is tried


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789.١ /", max_size=17))
def test_ipv4_check_is_that_of_ipaddress(value: str) -> None:
    try:
        ipaddress.IPv4Address(value)
        expected = True
    except ValueError:
        expected = False
    assert valid_ipv4(value) is expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from([*dates.MONTHS, "JANVIER", "Déc", "ſept", "12", "1er", "1999", "2024"]),
                          st.text(alphabet=" .,aAsSkKſİ١", max_size=3)), max_size=8).map("".join))
def test_month_name_lookahead_changes_no_match(text: str) -> None:
    fast = re.compile(dates.DOB.patterns[3].regex)
    plain = re.compile(dates.DOB.patterns[3].regex.removeprefix(dates._MONTH_START))
    assert plain.pattern != fast.pattern
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]
