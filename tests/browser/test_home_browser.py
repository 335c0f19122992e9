"""The home page and the institute pages in a real browser: the two priority themes with their
counts, the recent datasets and the institutes; an institute's page in Arabic, right to left."""

from __future__ import annotations

from typing import Any

from jazari.governance.actors import Actor
from tests.browser.conftest import Server, shoot


def test_the_home_shows_the_themes_and_the_institutes(site: Any, server: Server) -> None:
    site.goto(f"{server.url}/?lang=en")
    tiles = site.locator("ul.tiles a.tile")
    assert tiles.count() == 2
    rural = server.jz.search(None, theme="rural_mountain", actor=Actor.anonymous())["total"]
    assert rural >= 4  # the census tables, and the demo campaign's communes
    assert "Rural and mountain areas" in tiles.nth(0).inner_text() and f"Datasets: {rural}" in tiles.nth(0).inner_text()
    assert "Major sporting events" in tiles.nth(1).inner_text()
    recent = site.locator("ol.recent li .ref").all_inner_texts()
    assert "hcp/communes-2024" in recent and len(recent) >= 4
    institutes = site.locator("section[aria-labelledby=institutes-title] tbody tr")
    assert institutes.count() == 2
    assert "High Commission for Planning" in institutes.nth(0).inner_text()
    assert "Mohammed V University in Rabat" in institutes.nth(1).inner_text()
    shoot(site, "home")
    tiles.nth(0).click()
    site.wait_for_selector("ol.results")
    assert "theme=rural_mountain" in site.url and "hcp/communes-2024" in site.locator("ol.results .ref").all_inner_texts()


def test_an_institute_page_in_arabic_is_right_to_left(site: Any, server: Server) -> None:
    site.goto(f"{server.url}/institutes?lang=ar")
    site.click("a[href='/institutes/hcp']")
    site.wait_for_selector("h1")
    assert site.evaluate("document.documentElement.dir") == "rtl"
    assert site.inner_text("h1") == "المندوبية السامية للتخطيط"
    assert "الرباط-سلا-القنيطرة" in site.inner_text("dl.facts")
    # mirrored: the title's text sits against the right edge of the page
    left, right = site.evaluate("""() => { const range = document.createRange();
      range.selectNodeContents(document.querySelector("h1")); const box = range.getBoundingClientRect();
      return [box.left, box.right]; }""")
    width = site.evaluate("document.documentElement.clientWidth")
    assert left > width / 2 and right > width * 0.9, (left, right, width)
    links = site.locator("main table a[href^='/datasets/']").all_inner_texts()
    assert "hcp/communes-2024" in links
    assert site.locator("a[href='/institutes/hcp/members']").count() == 0  # a visitor sees no members
    shoot(site, "institute")
