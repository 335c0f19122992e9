"""Normalisation before matching, and offsets reported in the original text."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from jazari.privacy import scan_text
from jazari.privacy.lexicon import _fold, key_forms, match_text, match_texts
from jazari.privacy.normalize import normalize

ZW, LRM, RLM, BOM, TATWEEL = "\u200b", "\u200e", "\u200f", "\ufeff", "\u0640"


def test_identity_when_nothing_to_change() -> None:
    n = normalize("AB123456 Mohammed")
    assert n.text == "AB123456 Mohammed"
    assert n.starts is None
    assert n.span(2, 8) == (2, 8)


def test_digits_fullwidth_and_spaces_are_replaced_one_for_one() -> None:
    text = "٠٦٦١ ۲۳۴ ＡＢ１２\u00a0x\u202fy٫5"
    n = normalize(text)
    assert n.text == "0661 234 AB12 x y.5"
    assert len(n.text) == len(text)
    assert n.starts is None


def test_marks_tatweel_and_diacritics_are_removed() -> None:
    n = normalize(f"{RLM}مُحَمَّـد{ZW}{BOM}")
    assert n.text == "محمد"


def test_offsets_with_marks_before_and_inside_an_identifier() -> None:
    text = f"{RLM}{LRM}CIN: A{ZW}B{LRM}12{ZW}3456{RLM} fin"
    findings = scan_text(text)
    cin = [f for f in findings if f.entity == "CIN"]
    assert len(cin) == 1
    f = cin[0]
    assert text[f.start:f.end] == f.text
    assert f.text == f"A{ZW}B{LRM}12{ZW}3456"  # the marks inside are kept, the one after is not


def test_offsets_of_arabic_indic_phone_after_bidi_marks() -> None:
    text = f"{RLM}الهاتف{RLM}: {LRM}٠٦{ZW}٦١ ٢٣ ٤٥ ٦٧{LRM} شكرا"
    phones = [f for f in scan_text(text) if f.entity == "PHONE"]
    assert len(phones) == 1
    assert phones[0].text == f"٠٦{ZW}٦١ ٢٣ ٤٥ ٦٧"
    assert text[phones[0].start:phones[0].end] == phones[0].text


def test_name_with_tatweel_and_harakat_keeps_original_span() -> None:
    text = "السيد مُحَمَّـد العلوي حضر"
    people = [f for f in scan_text(text) if f.entity == "PERSON"]
    assert [p.text for p in people] == ["مُحَمَّـد العلوي"]


def test_match_form_keeps_length_and_folds() -> None:
    for text in ("Je m'appelle Élodie-Anne", "أحمد إبراهيم آمنة", "İstanbul ǅ", "a_b\tc\nd"):
        assert len(match_text(text)) == len(text)
    assert match_text("أحمد") == "احمد"
    assert match_text("Je m'appelle") == "je m appelle"


def test_key_forms_add_spelling_variants() -> None:
    assert {"diabetique", "diabétique"} <= set(key_forms("Diabétique"))
    assert {"فاطمة", "فاطمه"} <= set(key_forms("فاطمة"))
    forms = key_forms("السكري", clitics=True)
    assert forms["بالسكري"] == 1 and "للسكري" in forms


@given(st.text(alphabet=st.sampled_from(list("ab1 ٠٦\u200b\u200e\u0640\u064e\uff21\u00a0")), max_size=60))
def test_offset_map_round_trips(text: str) -> None:
    n = normalize(text)
    for i in range(len(n.text)):
        j = n.original(i)
        assert 0 <= j < len(text)
        assert normalize(text[j]).text == n.text[i]


_NON_WORD_REFERENCE = re.compile("[^\\w ]|_")  # what the match form turns into spaces, as first written


@given(st.text(alphabet=st.sampled_from("aZé_ ‿-,.'’ع٣ⵣ\u0651\u00a0\t\n09"), max_size=40))
def test_match_form_turns_every_non_word_character_into_a_space(text: str) -> None:
    low = text.lower()
    if low.isascii() or len(low) != len(text):
        return
    assert match_text(text) == _NON_WORD_REFERENCE.sub(" ", _fold(low))
    assert match_texts([text, "x", text]) == [match_text(text), "x", match_text(text)]
