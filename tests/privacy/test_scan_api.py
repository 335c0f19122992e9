"""The public scanning API: options, errors, recognizers as data, overlaps, the optional NER pass."""

from __future__ import annotations

import sys
import types

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jazari.errors import InputError
from jazari.privacy import (
    Entity,
    Pattern,
    Recognizer,
    Scanner,
    default_recognizers,
    default_scanner,
    scan_bytes,
    scan_many,
    scan_text,
)
from jazari.privacy.recognizers import names
from jazari.privacy.scanner import resolve_overlaps

TEXT = "Mme Fatima Zahra Benali, CIN AB123456, tél 0661234567, née le 12/03/1990, diabétique."


def test_entities_exactly_as_the_issue_names_them() -> None:
    assert [e.value for e in Entity] == [
        "PERSON", "CIN", "PHONE", "RIB", "IBAN", "ICE", "CNSS", "PASSPORT", "PLATE", "MASSAR", "EMAIL",
        "CARD",
        "ADDRESS", "DOB", "GPS", "IP", "HEALTH", "RELIGION", "ORIGIN", "POLITICAL", "UNION",
    ]
    assert {r.entity for r in default_recognizers()} == set(Entity)


def test_scan_text_sorted_and_typed() -> None:
    findings = scan_text(TEXT)
    assert [f.entity for f in findings] == ["PERSON", "CIN", "PHONE", "DOB", "HEALTH"]
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    assert all(isinstance(f.score, float) and f.recognizer for f in findings)


def test_entities_filter_and_min_score() -> None:
    assert [f.entity for f in scan_text(TEXT, entities={"PHONE", "CIN"})] == ["CIN", "PHONE"]
    assert scan_text(TEXT, entities=set()) == []
    strict = scan_text(TEXT, min_score=0.9)
    assert strict and all(f.score >= 0.9 for f in strict)
    loose = scan_text("Référence 123456789", min_score=0.1)
    assert "CNSS" in {f.entity for f in loose}


def test_bad_options_raise_input_errors() -> None:
    with pytest.raises(InputError, match="unknown entity"):
        scan_text("x", entities={"SSN"})
    with pytest.raises(InputError, match="unknown language"):
        scan_text("x", lang="de")
    with pytest.raises(InputError, match="min_score"):
        scan_text("x", min_score=2)
    with pytest.raises(InputError, match="can only scan text"):
        scan_text(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="encoding"):
        scan_bytes(b"x", encoding="no-such-codec")


@pytest.mark.parametrize("lang", [None, "fr", "ar", "en", "ary", "darija"])
def test_languages_accepted(lang: str | None) -> None:
    assert [f.entity for f in scan_text("tél 0661234567", lang)] == ["PHONE"]


def test_scan_many_is_scan_text_for_each() -> None:
    texts = [TEXT, "", "rien ici", "السيد محمد العلوي"]
    assert scan_many(texts) == [scan_text(t) for t in texts]


def test_default_scanner_is_built_once() -> None:
    assert default_scanner() is default_scanner()


def test_adding_a_recognizer_is_adding_data() -> None:
    employee = Recognizer(
        name="acme_employee",
        entity=Entity.CIN,
        patterns=(Pattern(r"EMP-[0-9]{5}", 0.4),),
        validator=lambda value: int(value[4:]) % 7 == 0,
        context=("matricule", "employé", "موظف"),
        context_boost=0.4,
    )
    scanner = Scanner([*default_recognizers(), employee])
    assert [f.text for f in scanner.scan("matricule employé EMP-00014")] == ["EMP-00014"]
    assert scanner.scan("EMP-00014") == []  # no context: under the threshold
    assert scanner.scan("matricule EMP-00015") == []  # the validator says no
    with pytest.raises(InputError, match="share a name"):
        Scanner([employee, employee])


def test_keyword_recognizer_as_data() -> None:
    allergy = Recognizer(name="allergy", entity=Entity.HEALTH, keywords=("allergique", "حساسية"), score=0.6)
    scanner = Scanner([allergy])
    assert [f.text for f in scanner.scan("Il est allergique, وعنده حساسية")] == ["allergique", "حساسية"]


def test_overlaps_higher_score_then_longer_wins() -> None:
    kept = resolve_overlaps([
        (0, 10, 0.6, "A", "a"),
        (5, 15, 0.9, "B", "b"),
        (15, 20, 0.5, "C", "c"),
        (16, 30, 0.5, "D", "d"),
        (40, 45, 0.7, "E", "e"),
        (40, 48, 0.7, "F", "f"),
    ])
    assert [c[3] for c in kept] == ["B", "D", "F"]


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 8), st.sampled_from([0.5, 0.6, 0.9]),
                          st.sampled_from("AB")), max_size=8))
def test_overlaps_keep_the_best_first_of_any_candidates(spans: list[tuple[int, int, float, str]]) -> None:
    candidates = [(start, start + size, score, entity, entity.lower()) for start, size, score, entity in spans]
    best_first: list[tuple[int, int, float, str, str]] = []
    for c in sorted(candidates, key=lambda c: (-c[2], c[0] - c[1], c[0])):
        if all(c[1] <= k[0] or k[1] <= c[0] for k in best_first):
            best_first.append(c)
    assert resolve_overlaps(list(candidates)) == sorted(best_first)


def test_address_beats_the_name_of_its_street() -> None:
    findings = scan_text("Avenue Mohammed V, Rabat")
    assert [(f.entity, f.text) for f in findings] == [("ADDRESS", "Avenue Mohammed V, Rabat")]


def test_optional_spacy_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    class _Ent:
        def __init__(self, start: int, end: int) -> None:
            self.start_char, self.end_char, self.label_ = start, end, "PER"

    class _Doc:
        def __init__(self, text: str) -> None:
            i = text.find("Jean Dupont")
            self.ents = [_Ent(i, i + 11)] if i >= 0 else []

    fake = types.ModuleType("spacy")
    fake.load = lambda name, disable=(): _Doc  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "spacy", fake)
    names._spacy_model.cache_clear()
    try:
        text = "Rapport rédigé par Jean Dupont hier."
        assert Scanner().scan(text) == []
        found = Scanner(ner=True).scan(text, "fr")
        assert [(f.text, f.recognizer) for f in found] == [("Jean Dupont", "spacy_fr")]
        assert Scanner(ner=True).scan(text, "ar") == []
    finally:
        names._spacy_model.cache_clear()


def test_missing_spacy_is_silently_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "spacy", None)
    names._spacy_model.cache_clear()
    try:
        assert [f.entity for f in Scanner(ner=True).scan("tél 0661234567")] == ["PHONE"]
    finally:
        names._spacy_model.cache_clear()
