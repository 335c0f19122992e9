"""The home page (search, the two priority themes, recent datasets, institutes, the full list) and the
institute pages: what they show and count is only what the visitor may see, and it agrees with the
API that is their JSON twin."""

from __future__ import annotations

import re

import pytest

from jazari.governance.actors import Actor
from jazari.web import front
from tests.files import communes_csv

OP = Actor.operator()


@pytest.fixture
def catalog(node, tmp_path):
    """hcp/communes public (rural theme); hcp/stadiums restricted and unlisted (sporting events);
    an institute um5 with its three names, a kind and a region."""
    node.datasets_service.update(OP, "hcp/communes", access_level="public")
    node.set_metadata("hcp/communes", {"title": {"fr": "Communes du Maroc", "ar": "جماعات المغرب", "en": "Communes"},
                                       "themes": ["rural_mountain", "public_administration"]}, actor=OP)
    node.ingest(communes_csv(tmp_path / "stadiums.csv"), "hcp/stadiums", title="Stades")
    node.datasets_service.update(OP, "hcp/stadiums", access_level="restricted", unlisted=True)
    node.set_metadata("hcp/stadiums", {"title": {"fr": "Stades"}, "themes": ["major_sporting_events"]}, actor=OP)
    node.accounts.add_institute(OP, "um5", names={"fr": "Université Mohammed V", "ar": "جامعة محمد الخامس",
                                                  "en": "Mohammed V University"}, region="04", kind="university")
    return node


def _tile(html: str, theme: str) -> str:
    """The text of a theme's tile on the home page."""
    start = html.index(f'href="/search?theme={theme}"')
    return re.sub(r"<[^>]+>|\s+", " ", html[start:html.index("</a>", start)])


def _institute_row(html: str, slug: str) -> str:
    start = html.index(f'href="/institutes/{slug}"')
    return re.sub(r"<[^>]+>|\s+", " ", html[start:html.index("</tr>", start)])


def test_the_home_shows_the_two_themes_and_counts_only_what_the_visitor_sees(catalog, browser) -> None:
    anonymous = browser().get("/").text
    assert 'role="search"' in anonymous and 'action="/search"' in anonymous
    assert "Rural and mountain areas" in _tile(anonymous, "rural_mountain") and "Datasets: 1" in _tile(anonymous, "rural_mountain")
    assert "Major sporting events" in _tile(anonymous, "major_sporting_events")
    assert "Datasets: 0" in _tile(anonymous, "major_sporting_events")
    assert "hcp/stadiums" not in anonymous and "Stades" not in anonymous
    steward = browser("karim@hcp.ma").get("/").text
    assert "Datasets: 1" in _tile(steward, "major_sporting_events") and "hcp/stadiums" in steward
    assert _institute_row(steward, "hcp").split()[-1] == "2" and _institute_row(anonymous, "hcp").split()[-1] == "1"


def test_the_home_counts_are_the_search_facets_of_the_api(catalog, browser) -> None:
    """The JSON twin: facets.theme and facets.institute of /api/v1/search for the same visitor."""
    for client in (browser(), browser("karim@hcp.ma"), browser("omar@dgsn.ma")):
        html = client.get("/").text
        facets = client.get("/api/v1/search").json()["facets"]
        for theme in front.PRIORITY_THEMES:
            assert f"Datasets: {facets['theme'].get(theme, 0)}" in _tile(html, theme)
        for institute in client.get("/api/v1/institutes").json():
            slug = institute["institute"]
            assert _institute_row(html, slug).split()[-1] == str(facets["institute"].get(slug, 0))


def test_the_home_lists_recent_datasets_by_their_last_version(catalog, browser, tmp_path) -> None:
    catalog.ingest(communes_csv(tmp_path / "c2.csv", rows=[["1", "A", "أ", "1", "1,0", "01/01/2024", "oui"]]),
                   "hcp/communes")  # version 2: the communes were published last
    page = browser("karim@hcp.ma").get("/", params={"lang": "ar"}).text
    recent = page[page.index('id="recent-title"'):page.index('id="institutes-title"')]
    assert recent.index("/datasets/hcp/communes") < recent.index("/datasets/hcp/stadiums")
    assert "جماعات المغرب" in recent  # the title in the page's language
    api = browser("karim@hcp.ma").get("/api/v1/datasets").json()  # the twin: sorted by updated_at
    assert max(api, key=lambda d: d["updated_at"])["dataset"] == "hcp/communes"


def test_the_home_lists_every_dataset_or_links_to_the_list(catalog, browser, monkeypatch) -> None:
    steward = browser("karim@hcp.ma")
    home = steward.get("/").text
    assert home.count('href="/datasets/hcp/stadiums"') == 2  # recent and the full list
    monkeypatch.setattr(front, "LISTED", 1)
    monkeypatch.setattr(front, "PAGE", 1)
    home = steward.get("/").text
    assert 'href="/datasets"' in home and "See the 2 datasets" in home
    first = steward.get("/datasets").text
    assert "Page 1 of 2" in first and 'href="/datasets?page=2"' in first and first.count('<td><a href="/datasets/') == 1
    second = steward.get("/datasets", params={"page": 2}).text
    assert 'href="/datasets?page=1"' in second and "Next page" not in second
    assert steward.get("/datasets", params={"page": "x"}).status_code == 400


def test_an_empty_catalogue_says_how_to_publish(node, browser) -> None:
    page = browser().get("/").text
    assert "No public dataset yet. Sign in to see those of the network." in page
    assert browser().get("/datasets").status_code == 200


def test_the_institutes_page_lists_every_institute_with_what_the_visitor_sees(catalog, browser) -> None:
    page = browser().get("/institutes").text
    assert "Université Mohammed V" not in page  # the English page names it in English
    assert "Mohammed V University" in page and "Rabat-Salé-Kénitra" in page and "University" in page
    assert _institute_row(page, "hcp").split()[-1] == "1" and _institute_row(page, "um5").split()[-1] == "0"
    arabic = browser().get("/institutes", params={"lang": "ar"}).text
    assert 'dir="rtl"' in arabic and "جامعة محمد الخامس" in arabic and "الرباط-سلا-القنيطرة" in arabic


def test_an_institute_page_shows_names_kind_region_datasets(catalog, browser) -> None:
    page = browser().get("/institutes/um5").text
    for text in ("Université Mohammed V", "جامعة محمد الخامس", "Mohammed V University", "University", "Rabat-Salé-Kénitra"):
        assert text in page
    assert "No dataset of this institute that you may see." in page
    hcp = browser().get("/institutes/hcp").text
    assert 'href="/datasets/hcp/communes"' in hcp and "hcp/stadiums" not in hcp
    assert 'href="/datasets/hcp/stadiums"' in browser("amina@hcp.ma").get("/institutes/hcp").text
    assert browser().get("/institutes/nowhere").status_code == 404


def test_members_show_only_to_those_allowed(catalog, browser) -> None:
    for email in ("amina@hcp.ma", "karim@hcp.ma"):
        page = browser(email).get("/institutes/hcp").text
        assert "Karim Steward" in page and 'href="/institutes/hcp/members"' in page
    for client in (browser(), browser("omar@dgsn.ma")):
        page = client.get("/institutes/hcp").text
        assert page.count("Karim Steward") == 0 and "/institutes/hcp/members" not in page


def test_an_institute_page_in_arabic_is_right_to_left(catalog, browser) -> None:
    page = browser().get("/institutes/hcp", params={"lang": "ar"}).text
    assert '<html lang="ar" dir="rtl">' in page
    assert "<h1 dir=\"auto\">المندوبية السامية للتخطيط</h1>" in page
    assert "جماعات المغرب" in page  # the dataset's title in Arabic


def test_the_institute_pages_json_twin_lists_its_datasets(catalog, browser) -> None:
    steward = browser("karim@hcp.ma")
    assert steward.get("/api/v1/institutes/um5").json()["kind"] == "university"
    assert [d["dataset"] for d in steward.get("/api/v1/datasets", params={"institute": "hcp"}).json()] == [
        "hcp/stadiums", "hcp/communes"]
    assert steward.get("/api/v1/datasets", params={"institute": "um5"}).json() == []
    assert [d["dataset"] for d in browser().get("/api/v1/datasets", params={"institute": "hcp"}).json()] == [
        "hcp/communes"]


def test_the_menu_links_the_institutes_and_the_upload_for_contributors_only(catalog, browser) -> None:
    assert 'href="/institutes"' in browser().get("/").text
    assert 'href="/upload"' not in browser().get("/").text
    assert 'href="/upload"' not in browser("amina@hcp.ma").get("/").text  # a viewer
    assert 'href="/upload"' in browser("karim@hcp.ma").get("/").text
