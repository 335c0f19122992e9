"""Law 09-08 sensitive categories: flagged for review with a moderate score."""

from __future__ import annotations

import pytest

from jazari.privacy import SENSITIVE, scan_text


def flagged(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in scan_text(text):
        assert text[f.start:f.end] == f.text
        if f.entity in SENSITIVE:
            assert 0.5 <= f.score < 0.9
            out.setdefault(f.entity, []).append(f.text)
    return out


@pytest.mark.parametrize(
    ("text", "entity", "word"),
    [
        ("Le patient est diabétique depuis 2015.", "HEALTH", "diabétique"),
        ("Elle est enceinte de 5 mois.", "HEALTH", "enceinte"),
        ("Il est séropositif (VIH).", "HEALTH", "séropositif"),
        ("مريض بالسكري منذ سنوات", "HEALTH", "مريض بالسكري"),
        ("fih sokkar w tension", "HEALTH", "fih sokkar w tension"),
        ("She was diagnosed with epilepsy last year.", "HEALTH", "diagnosed with epilepsy"),
        ("Carte d'handicapé n° 1234", "HEALTH", "handicapé"),
        ("Il s'est converti au christianisme, il est athée.", "RELIGION", "converti au christianisme"),
        ("هو شيعي من العراق", "RELIGION", "شيعي"),
        ("howa msi7i", "RELIGION", "msi7i"),
        ("Il est d'origine subsaharienne.", "ORIGIN", "d'origine subsaharienne"),
        ("Hiring without regard to ethnicity.", "ORIGIN", "ethnicity"),
        ("Il est membre du parti PJD.", "POLITICAL", "membre du parti PJD"),
        ("منخرط في حزب العدالة والتنمية", "POLITICAL", "منخرط في حزب العدالة والتنمية"),
        ("Il est syndiqué à l'UMT.", "UNION", "syndiqué à l'UMT"),
        ("مندوب نقابي في الشركة", "UNION", "مندوب نقابي"),
        ("He is a trade union member.", "UNION", "trade union member"),
    ],
)
def test_sensitive_keywords(text: str, entity: str, word: str) -> None:
    assert word in flagged(text).get(entity, [])


def test_weak_words_need_a_person_cue() -> None:
    assert flagged("La tension politique monte au parlement.") == {}
    assert flagged("Le syndicat a publié un communiqué.") == {}
    assert flagged("حامل الشهادة مدعو للحضور") == {}
    assert flagged("La race de ce chien est rare.") == {}
    assert "UNION" in flagged("Il est membre du syndicat.")
    assert "RELIGION" in flagged("Il est musulman pratiquant.")


def test_sensitive_filtered_by_entities() -> None:
    text = "Il est diabétique, tél 0661234567"
    assert {f.entity for f in scan_text(text, entities={"PHONE"})} == {"PHONE"}
    assert {f.entity for f in scan_text(text, entities={"HEALTH"})} == {"HEALTH"}


@pytest.mark.parametrize(
    ("text", "entity", "phrase"),
    [
        ("M. X, atteint de tuberculose, est suivi.", "HEALTH", "atteint de tuberculose"),
        ("السيد س، مسيحي الديانة، صحراوي الأصل، تقدم بطلب", "RELIGION", "مسيحي الديانة"),
        ("السيد س، مسيحي الديانة، صحراوي الأصل، تقدم بطلب", "ORIGIN", "صحراوي الأصل"),
        ("a CDT union delegate and an Istiqlal Party activist", "UNION", "CDT union delegate"),
        ("a CDT union delegate and an Istiqlal Party activist", "POLITICAL", "Istiqlal Party activist"),
        ("Il est d'origine sénégalaise.", "ORIGIN", "d'origine sénégalaise"),
        ("l7aja 3aicha 3ndo di9a", "HEALTH", "3ndo di9a"),
    ],
)
def test_sensitive_phrases_take_their_lead_ins_and_tails(text: str, entity: str, phrase: str) -> None:
    assert flagged(text).get(entity) == [phrase]


def test_disease_names_alone_are_not_about_a_person() -> None:
    assert flagged("Caravane médicale : dépistage du diabète le 06.10.2024.") == {}
    assert flagged("قافلة طبية: كشف مبكر عن داء السكري") == {}
