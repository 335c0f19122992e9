"""Access and metadata in a real browser: a researcher asks for a non-public dataset, its steward
approves on /access/requests and the researcher reads the rows; a steward edits the metadata in
Arabic and the page shows the new title right to left."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import Server, shoot, sign_in


def _dataset(server: Server, tmp_path: Path, ref: str, access_level: str) -> str:
    """A tiny HCP dataset made through the node's library, at `access_level`."""
    csv = tmp_path / "budget.csv"
    csv.write_text("commune,budget\nRabat,120\nSalé,80\nTemara,45\n", encoding="utf-8")
    jz = server.jz
    jz.ingest(csv, ref, title="Budget demo")
    jz.datasets_service.update(jz.actor, ref, access_level=access_level)
    return ref


def _sign_out(page: Any) -> None:
    page.context.clear_cookies()  # a new visitor in the same browser


def test_a_researcher_asks_a_steward_approves_and_the_researcher_reads(site: Any, server: Server,
                                                                       tmp_path: Path) -> None:
    ref = _dataset(server, tmp_path, "hcp/budget-demo", "institute")
    sign_in(site, server, "researcher@um5.ma")
    site.goto(f"{server.url}/datasets/{ref}/data?lang=en")
    assert site.locator("table.rows").count() == 0  # not readable yet
    site.goto(f"{server.url}/datasets/{ref}/access?lang=en")
    site.fill("#purpose", "thesis on municipal budgets")
    site.fill("#intended-use", "compare the budgets of the communes of Rabat-Salé-Kénitra")
    site.fill("#duration", "30")
    shoot(site, "access-request")
    site.click("form[action$='/access/request'] button[type=submit]")
    site.wait_for_load_state()
    assert "Your request was sent to the stewards." in site.inner_text("body")
    assert "pending" in site.inner_text("#tabpanel")

    _sign_out(site)
    sign_in(site, server, "steward@hcp.ma")
    site.goto(f"{server.url}/access/requests?lang=en")
    card = site.locator("article.card", has_text=ref)
    assert card.count() == 1
    card.locator("form[action$='/approve'] button[type=submit]").click()
    site.wait_for_load_state()
    assert site.locator("article.card", has_text=ref).count() == 0  # no longer pending

    _sign_out(site)
    sign_in(site, server, "researcher@um5.ma")
    site.goto(f"{server.url}/datasets/{ref}/data?lang=en")
    rows = site.locator("table.rows tbody tr")
    assert rows.count() == 3
    assert "Temara" in site.inner_text("table.rows")


def test_a_steward_edits_the_metadata_in_arabic_and_the_title_reads_right_to_left(
        site: Any, server: Server, tmp_path: Path) -> None:
    ref = _dataset(server, tmp_path, "hcp/budget-edit-demo", "network")
    sign_in(site, server, "steward@hcp.ma")
    site.goto(f"{server.url}/datasets/{ref}?lang=ar")
    site.click(f"a[href='/datasets/{ref}/edit']")
    site.wait_for_selector("#title_ar")
    assert site.get_attribute("#title_ar", "dir") == "rtl" and site.get_attribute("html", "dir") == "rtl"
    site.fill("#title_ar", "ميزانيات الجماعات")
    site.fill("#keywords", "ميزانية، جماعات")
    site.check("input[name=themes][value=economy]")
    site.check("input[name=regions][value='04']")
    site.click(f"form[action='/datasets/{ref}/edit'] button[type=submit]")
    site.wait_for_url(f"{server.url}/datasets/{ref}")
    title = site.locator(".dataset-head h1")
    assert title.inner_text() == "ميزانيات الجماعات"
    assert title.evaluate("h => getComputedStyle(h).direction") == "rtl"
    shoot(site, "metadata-edited")
    meta = server.jz.dataset(ref)["metadata"]
    assert meta["keywords"] == ["ميزانية", "جماعات"] and meta["themes"] == ["economy"] and meta["regions"] == ["04"]
