"""Search in a real browser: Arabic and Arabizi words find the census, and the Arabic page is laid out
right to left."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Server, shoot


def search(page: Any, server: Server, words: str, lang: str = "en") -> list[str]:
    """Type the words in the search box of the page in `lang`, submit, and list the results' refs."""
    page.goto(f"{server.url}/search?lang={lang}")
    page.fill("#q", words)
    page.press("#q", "Enter")
    page.wait_for_selector("ol.results, main p")
    return page.locator("ol.results .ref").all_inner_texts()


def test_an_arabic_word_finds_the_communes(site: Any, server: Server) -> None:
    found = search(site, server, "الجماعات", lang="ar")
    assert "hcp/communes-2024" in found
    shoot(site, "search-ar")


def test_an_arabizi_word_finds_the_regions(site: Any, server: Server) -> None:
    found = search(site, server, "jihat")
    assert found and found[0] == "hcp/regions-2024", found


def test_a_word_found_nowhere_says_so(site: Any, server: Server) -> None:
    assert search(site, server, "zzzqqq") == []
    assert site.get_by_text("No dataset matches this search.").is_visible()


def test_the_arabic_page_is_laid_out_right_to_left(site: Any, server: Server) -> None:
    site.goto(f"{server.url}/?lang=ar")
    assert site.evaluate("document.documentElement.dir") == "rtl"
    assert site.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # mirrored: the brand, first in the header, sits at the right edge of the page
    brand = site.locator("header .brand").bounding_box()
    width = site.evaluate("document.documentElement.clientWidth")
    assert brand["x"] > width / 2, brand
    site.goto(f"{server.url}/?lang=fr")
    assert site.locator("header .brand").bounding_box()["x"] < width / 2
