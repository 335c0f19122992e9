"""The Hyperscan prefilter: it changes how fast a scan is, never what it finds."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jazari.privacy import Scanner
from jazari.privacy.corpus import generate
from jazari.privacy.findings import Entity
from jazari.privacy.prefilter import Prefilter, portable
from jazari.privacy.recognizers import Doc, Pattern, Recognizer, default_recognizers
from jazari.privacy.recognizers.base import FEATURES, SCREENED_FEATURES, digit_run_feature, exact_feature


@pytest.fixture(scope="module")
def fast() -> Scanner:
    return Scanner()


@pytest.fixture(scope="module")
def plain() -> Scanner:
    return Scanner(prefilter=False)


def test_default_prefilter_screens_every_pattern_that_can_reach_the_threshold(fast: Scanner) -> None:
    assert fast.prefilter.active
    patterns = [p for r in default_recognizers() for p in r.patterns]
    # only the case-blind month names are always tried, and they score a date of birth only near a cue
    assert len(fast.prefilter.always) == 2
    assert all(portable(p.regex, p.flags) for p in patterns if p.score >= 0.5)
    assert Scanner(prefilter=False).prefilter.active is False


def test_prefilter_does_not_change_corpus_findings(fast: Scanner, plain: Scanner) -> None:
    texts = [s.text for split in ("dev", "test") for s in generate(400, 5, split=split)]
    for text in texts:
        assert fast.scan(text) == plain.scan(text), text
        assert fast.scan(text, min_score=0.15) == plain.scan(text, min_score=0.15), text
    subset = {"PHONE", "CIN", "DOB", "PERSON"}
    assert [fast.scan(t, entities=subset) for t in texts[:200]] == [plain.scan(t, entities=subset) for t in texts[:200]]


_ALPHABET = [*"aAZkKiI09 .-@:°|/,+()'\"é\n\tİıſ\x1c", *"بمحدأ٠٦\u200b\u00a0ＡＢ１"]
_SNIPPETS = st.sampled_from([
    "cafe::beef", "0661234567", "+212 6 61 23 45 67", "AB123456", "j123456", "Mme Benali", "السيد محمد", "m7mmd", "12 rue X",
    "né le 12/03/1990", "تاريخ الازدياد 12 مارس 1990", "33.5731, -7.5898", "LATİTUDE 33.5731 LONG -7.5898",
    "a@b.ma", "MA64 0111 1000 0012 3456 7890 1234", "4111 1111 1111 1111", "192.168.1.10", "2001:db8::1",
    "12345-أ-6", "WW123456", "CNSS 123456789", "ICE 001525489000055", "R130113445", "33°34'12\"N 7°35'24\"W",
    "passeport", "cin", "diabétique",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.text(alphabet=_ALPHABET, max_size=10), _SNIPPETS), max_size=20))
def test_prefilter_never_changes_what_is_found(parts: list[str]) -> None:
    text = "".join(parts)
    fast, plain = _scanners()
    assert fast.scan(text) == plain.scan(text)
    assert fast.scan(text, min_score=0.15) == plain.scan(text, min_score=0.15)


@cache
def _scanners() -> tuple[Scanner, Scanner]:
    return Scanner(), Scanner(prefilter=False)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.text(alphabet=_ALPHABET, max_size=10), _SNIPPETS), max_size=20))
def test_prefilter_reports_every_pattern_that_matches(parts: list[str]) -> None:
    text = "".join(parts)
    patterns, prefilter = _every_pattern()
    found = prefilter.candidates(text)
    assert found is not None
    assert {i for i, p in enumerate(patterns) if p.search(text)} <= set(found)


@cache
def _every_pattern() -> tuple[list[re.Pattern[str]], Prefilter]:
    patterns = [p for r in default_recognizers() for p in r.patterns]
    return [re.compile(p.regex, p.flags) for p in patterns], Prefilter([(p.regex, p.flags) for p in patterns])


# every feature a prefilter can tell (`ipv6` it cannot: `has` wants a digit its regex does not)
_FEATURES = tuple(name for name in (*FEATURES, *(digit_run_feature(n) for n in (1, 3, 4, 6, 7, 9, 13, 15, 24)))
                  if exact_feature(name) is not None)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.text(alphabet=_ALPHABET, max_size=10), _SNIPPETS), max_size=20))
def test_exact_features_are_reported_where_and_only_where_the_text_has_them(parts: list[str]) -> None:
    text = "".join(parts)
    has = Doc(text, text, {}).has  # without a prefilter: searched in `re`
    assert _exact_prefilter().candidates(text) == [i for i, name in enumerate(_FEATURES) if has(name)]


@cache
def _exact_prefilter() -> Prefilter:
    assert set(SCREENED_FEATURES) - set(_FEATURES) == {"ipv6"}
    return Prefilter([(exact_feature(name), 0) for name in _FEATURES], exact=range(len(_FEATURES)))


def test_a_screen_is_in_every_match_of_its_pattern() -> None:
    screened = [p for r in default_recognizers() for p in r.patterns if p.screen]
    texts = [s.text for split in ("dev", "test") for s in generate(1000, 2, split=split)]
    texts += ["a@b.ma", "x.y+z@mail.example.co.ma, -a@b.cd et _a@1b.fr", "9@9.io"]
    assert screened
    for p in screened:
        regex, screen = re.compile(p.regex, p.flags), re.compile(p.screen, p.flags)
        matches = [m.group() for t in texts for m in regex.finditer(t)]
        assert matches and all(screen.search(m) for m in matches), p.regex


def test_portable_leaves_out_what_hyperscan_reads_otherwise() -> None:
    assert portable(r"[0-9](?<![\w.,][0-9])(?:[ .-]?[0-9]){23}(?!\w)")
    assert portable(r"[:=]") and portable(r"(?P<x>a)(?P=x)")
    for regex in (r"(?i:lat)", r"\s+", r"a{,3}", r"[[:alpha:]]", r"\N{DIGIT ONE}", r"(?x) a b"):
        assert not portable(regex), regex
    assert not portable("lat", re.IGNORECASE)


def test_patterns_hyperscan_reads_otherwise_or_cannot_take_are_always_tried() -> None:
    recognizers = [
        Recognizer(name="city_code", entity=Entity.ADDRESS, patterns=(Pattern(r"(?i:istanbul)-[0-9]{3}", 0.9),)),
        Recognizer(name="ascii_word", entity=Entity.EMAIL, patterns=(Pattern(r"(?a:\w+)@jazari\b", 0.9),)),
        Recognizer(name="ticket", entity=Entity.CNSS, patterns=(Pattern(r"T-[0-9]{4}", 0.9),)),
    ]
    scanner, plain = Scanner(recognizers), Scanner(recognizers, prefilter=False)
    # case-blind (`re` folds İ to i, Hyperscan does not), and `(?a:` which Hyperscan cannot read
    assert scanner.prefilter.active and scanner.prefilter.always == (0, 1)
    text = "İSTANBUL-123 et abc@jazari, T-1234"
    found = [(f.entity, f.text) for f in scanner.scan(text)]
    assert found == [("ADDRESS", "İSTANBUL-123"), ("EMAIL", "abc@jazari"), ("CNSS", "T-1234")]
    assert scanner.scan(text) == plain.scan(text)


def test_text_that_is_not_utf8_is_scanned_without_the_prefilter(fast: Scanner, plain: Scanner) -> None:
    text = "CIN AB123456 \ud800 tél 0661234567"
    assert fast.prefilter.candidates(text) is None
    assert [f.entity for f in fast.scan(text)] == ["CIN", "PHONE"]
    assert fast.scan(text) == plain.scan(text)


def test_threads_share_a_scanner(fast: Scanner) -> None:
    texts = [s.text for s in generate(600, 9, split="test")]
    expected = [fast.scan(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(fast.scan, texts)) == expected
