"""The search page: in Arabic and Arabizi, with filters, and only what the visitor may see."""

from __future__ import annotations

from jazari.governance.actors import Actor


def _catalog(jz) -> None:
    operator = Actor.operator()
    jz.set_metadata("hcp/communes", {"title": {"fr": "Communes du Maroc", "ar": "جماعات المغرب"},
                                     "themes": ["rural_mountain"], "regions": ["01"]}, actor=operator)


def test_search_in_arabic_and_arabizi_with_a_theme(node, browser) -> None:
    jz = node
    _catalog(jz)
    jz.datasets_service.update(Actor.operator(), "hcp/communes", access_level="public")
    visitor = browser()
    page = visitor.get("/search", params={"q": "الجماعات", "lang": "ar"})
    assert page.status_code == 200 and 'dir="rtl"' in page.text
    assert 'href="/datasets/hcp/communes"' in page.text and "جماعات المغرب" in page.text
    assert 'href="/datasets/hcp/communes"' in visitor.get("/search", params={"q": "jama3at"}).text
    themed = visitor.get("/search", params={"q": "communes", "theme": "rural_mountain"})
    assert 'href="/datasets/hcp/communes"' in themed.text
    other = visitor.get("/search", params={"q": "communes", "theme": "health"})
    assert 'href="/datasets/hcp/communes"' not in other.text
    assert "ⵜⴰⵎⴰⵣⵉⵖⵜ" in visitor.get("/search", params={"q": "ⵜⴰⵎⴰⵣⵉⵖⵜ"}).text  # Tifinagh breaks nothing


def test_search_shows_only_what_the_visitor_may_see(node, browser) -> None:
    jz = node
    _catalog(jz)
    jz.datasets_service.update(Actor.operator(), "hcp/communes", access_level="restricted", unlisted=True)
    page = browser().get("/search", params={"q": "communes"})
    assert page.status_code == 200 and "hcp/communes" not in page.text
