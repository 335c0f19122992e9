"""The stewards' metadata form: /datasets/{institute}/{name}/edit over Jazari.set_metadata."""

from __future__ import annotations

import pytest

from tests.web.conftest import csrf_of

EDIT = "/datasets/hcp/communes/edit"
FORM = {
    "title_fr": "Communes du Maroc", "title_ar": "جماعات المغرب", "title_en": "Communes of Morocco",
    "description_fr": "Population par commune.", "description_ar": "", "description_en": "",
    "keywords": "population, communes، جماعات", "themes": ["public_administration", "rural_mountain"],
    "regions": ["04", "06"], "license": "CC-BY-4.0", "source": "RGPH 2024", "contact": "data@hcp.ma",
}


def _meta(node) -> dict:
    return node.dataset("hcp/communes").get("metadata") or {}


def _save(client, data: dict):
    page = client.get(EDIT)
    assert page.status_code == 200, page.text
    return client.post(EDIT, data={**data, "csrf_token": csrf_of(page.text, EDIT)})


def test_a_steward_saves_and_the_search_finds_the_arabic_title(browser, node) -> None:
    karim = browser("karim@hcp.ma")
    assert 'href="/datasets/hcp/communes/edit"' in karim.get("/datasets/hcp/communes").text
    saved = _save(karim, FORM)
    assert saved.status_code == 303 and saved.headers["location"] == "/datasets/hcp/communes"
    assert "Metadata saved." in karim.get("/datasets/hcp/communes").text
    meta = _meta(node)
    assert meta["title"] == {"fr": "Communes du Maroc", "ar": "جماعات المغرب", "en": "Communes of Morocco"}
    assert meta["keywords"] == ["population", "communes", "جماعات"]
    assert meta["themes"] == ["public_administration", "rural_mountain"] and meta["regions"] == ["04", "06"]
    assert meta["license"] == "CC-BY-4.0" and "description" in meta and "ar" not in meta["description"]
    found = node.search("جماعات المغرب", actor=node.actor)
    assert [d["dataset"] for d in found["results"]] == ["hcp/communes"]
    again = karim.get(EDIT).text  # the form shows what is stored
    assert 'value="جماعات المغرب"' in again and 'dir="rtl"' in again
    assert 'value="04" checked' in again and 'value="01" checked' not in again


def test_a_viewer_and_an_anonymous_visitor_are_refused_and_nothing_changes(browser, node) -> None:
    before = _meta(node)
    amina = browser("amina@hcp.ma")
    assert 'href="/datasets/hcp/communes/edit"' not in amina.get("/datasets/hcp/communes").text
    assert amina.get(EDIT).status_code == 403
    csrf = csrf_of(amina.get("/datasets/hcp/communes/access").text)
    assert amina.post(EDIT, data={**FORM, "csrf_token": csrf}).status_code == 403
    anonymous = browser()
    assert anonymous.get(EDIT).status_code in (401, 404)  # 404 while the dataset is not public
    assert anonymous.post(EDIT, data=FORM).status_code in (401, 404)
    omar = browser("omar@dgsn.ma")  # another institute's member
    assert omar.post(EDIT, data={**FORM, "csrf_token": csrf_of(omar.get("/account").text)}).status_code in (403, 404)
    assert _meta(node) == before


def test_a_post_without_the_csrf_token_is_refused(browser, node) -> None:
    before = _meta(node)
    karim = browser("karim@hcp.ma")
    refused = karim.post(EDIT, data=FORM)
    assert refused.status_code == 403 and "CSRF" in refused.text
    assert karim.post(EDIT, data={**FORM, "csrf_token": "forged"}).status_code == 403
    assert _meta(node) == before


@pytest.mark.parametrize(("changes", "field", "text"), [
    ({"themes": ["space"]}, "themes", "unknown code"),
    ({"regions": ["04", "13"]}, "regions", "unknown code"),
    ({"title_ar": "ب" * 100_000}, "title_ar", "longer than 500 characters"),
    ({"keywords": "x" * 101}, "keywords", "at most 100 characters"),
])
def test_bad_input_shows_the_form_again_with_a_message_and_changes_nothing(browser, node, changes, field, text) -> None:
    before = _meta(node)
    karim = browser("karim@hcp.ma")
    page = _save(karim, {**FORM, "title_fr": "Titre gardé", **changes})
    assert page.status_code == 400
    assert text in page.text and f'id="{field}-error"' in page.text and 'aria-invalid="true"' in page.text
    assert 'value="Titre gardé"' in page.text  # the user's values are kept
    assert _meta(node) == before


def test_html_in_a_title_is_escaped(browser, node) -> None:
    karim = browser("karim@hcp.ma")
    assert _save(karim, {**FORM, "title_en": '<script>alert("x")</script>'}).status_code == 303
    for url in ("/datasets/hcp/communes?lang=en", EDIT):
        html = karim.get(url).text
        assert '<script>alert("x")</script>' not in html and "&lt;script&gt;" in html
