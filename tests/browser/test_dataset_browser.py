"""The dataset page in a real browser: tabs switched by click and by keyboard (and without JavaScript),
the profile's charts drawn by the vendored Vega-Lite, the data tab sorted and filtered, the SQL
console, and the Arabic page laid out right to left with its arrow keys mirrored."""

from __future__ import annotations

from typing import Any

from jazari.web.i18n import gettext_for
from tests.browser.conftest import Server, shoot

DATASET = "hcp/communes-2024"


def open_tab(page: Any, server: Server, tab: str = "", lang: str = "en") -> None:
    page.goto(f"{server.url}/datasets/{DATASET}{'/' + tab if tab else ''}?lang={lang}")
    page.wait_for_selector("#tabpanel")


def wait_panel(page: Any, tab: str) -> None:
    page.wait_for_selector(f'#tabpanel[data-tab="{tab}"]')
    page.wait_for_selector(f'#tab-{tab}[aria-selected="true"][tabindex="0"]')


def selected(page: Any) -> list[str]:
    return page.eval_on_selector_all('[role="tab"][aria-selected="true"]', "tabs => tabs.map(t => t.id)")


def test_tabs_switch_by_click_and_keyboard(site: Any, server: Server) -> None:
    open_tab(site, server)
    assert site.locator(".data-card h2").count() > 0  # the data card, rendered from Markdown
    shoot(site, "dataset-overview")
    site.click("#tab-schema")
    wait_panel(site, "schema")
    assert site.url.endswith(f"/datasets/{DATASET}/schema") and selected(site) == ["tab-schema"]
    assert site.locator("#tabpanel table.schema tbody tr").count() == 13
    # the keyboard: arrows move between tabs (only the selected one is in the tab order), Enter opens
    assert site.get_attribute("#tab-schema", "tabindex") == "0" and site.get_attribute("#tab-data", "tabindex") == "-1"
    site.focus("#tab-schema")
    site.keyboard.press("ArrowRight")
    assert site.evaluate("document.activeElement.id") == "tab-profile"
    site.keyboard.press("ArrowLeft")
    site.keyboard.press("ArrowLeft")
    assert site.evaluate("document.activeElement.id") == "tab-data"
    site.keyboard.press("End")
    assert site.evaluate("document.activeElement.id") == "tab-use"
    site.keyboard.press("Home")
    assert site.evaluate("document.activeElement.id") == "tab-overview"
    site.keyboard.press("ArrowLeft")  # from the first, round to the last
    assert site.evaluate("document.activeElement.id") == "tab-use"
    site.keyboard.press("ArrowLeft")
    site.keyboard.press("Enter")
    wait_panel(site, "access")
    assert selected(site) == ["tab-access"] and site.evaluate("document.activeElement.id") == "tab-access"
    focus_ring = site.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focus_ring != "none"  # a keyboard user sees where they are
    site.keyboard.press("ArrowLeft")
    site.keyboard.press(" ")
    wait_panel(site, "privacy")
    site.go_back()  # the history follows the tabs
    wait_panel(site, "access")
    assert site.url.endswith("/access") and selected(site) == ["tab-access"]


def test_tabs_are_links_without_javascript(browser: Any, server: Server) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{server.url}/datasets/{DATASET}?lang=en")
        page.click("#tab-data")
        page.wait_for_url(f"**/datasets/{DATASET}/data")
        assert page.get_attribute("#tab-data", "aria-selected") == "true"
        assert page.locator("#tabpanel table.rows tbody tr").count() == 50
        page.click("#page-next")
        page.wait_for_url("**offset=50")
        assert "Rows 51 to 100" in page.inner_text("#rows-count")
    finally:
        context.close()


def test_the_profile_charts_are_drawn(site: Any, server: Server) -> None:
    open_tab(site, server, "profile")
    charts = site.locator("#tabpanel .chart")
    assert charts.count() == 14  # 13 columns and the empty values of all
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()  # drawn when it comes near the screen
        chart.locator("svg").wait_for()
        marks = chart.locator("svg .mark-rect path")
        assert marks.count() > 0, chart.get_attribute("data-spec")
    assert site.locator("#tabpanel a[href*='vega.github.io'], #tabpanel .vega-actions").count() == 0
    site.evaluate("document.querySelector('#tabpanel .charts').scrollIntoView()")
    shoot(site, "dataset-profile")
    # the charts' scripts came with the profile tab, not before
    open_tab(site, server, "schema")
    assert site.evaluate("typeof window.vegaEmbed") == "undefined"
    site.click("#tab-profile")
    wait_panel(site, "profile")
    site.locator("#tabpanel .chart svg").first.wait_for()
    assert site.evaluate("typeof window.vegaEmbed") == "function"


def test_the_data_tab_sorts_and_filters(site: Any, server: Server) -> None:
    open_tab(site, server, "data")
    column = "population_2024"
    site.locator("#tabpanel a.sort", has_text=column).click()
    site.wait_for_selector("#tabpanel th[aria-sort='ascending']")
    assert site.evaluate("document.activeElement.textContent").startswith(column)  # the focus stays on the header
    site.locator("#tabpanel a.sort", has_text=column).click()
    site.wait_for_selector("#tabpanel th[aria-sort='descending']")
    top = server.jz.rows(DATASET, sort=column, descending=True, limit=3)["rows"]
    names = site.locator("#tabpanel table.rows tbody tr td:nth-child(4)").all_inner_texts()[:3]
    assert names == [r["name_fr"] for r in top]
    assert site.url.endswith(f"sort={column}&descending=true")
    site.select_option("#filter-column", "name_fr")
    site.fill("#filter-text", "sidi")
    site.press("#filter-text", "Enter")
    site.wait_for_selector("ul.chips")
    shown = site.locator("#tabpanel table.rows tbody tr td:nth-child(4)").all_inner_texts()
    assert shown and all("sidi" in n.lower() for n in shown)
    matched = server.jz.rows(DATASET, filters={"name_fr": "sidi"}, limit=1)["matched"]
    assert f"{matched:,} of 1,503 rows match the filters" in site.inner_text("#rows-count")
    assert site.locator("#tabpanel th[aria-sort='descending']").count() == 1  # the sort is kept
    site.click("#unfilter-1")
    site.wait_for_selector("ul.chips", state="detached")
    assert "of 1,503" in site.inner_text("#rows-count")


def test_the_sql_console_runs_a_query_and_shows_an_error(site: Any, server: Server) -> None:
    open_tab(site, server, "use")
    site.fill("#sql", f'SELECT type, count(*) AS n\nFROM "{DATASET}"\nGROUP BY type\nORDER BY n DESC')
    site.click(".sql-console button[type=submit]")
    site.wait_for_selector("#sql-result table")
    rows = site.locator("#sql-result tbody tr").all_inner_texts()
    assert [r.split("\t") for r in rows] == [["rural", "1261"], ["urban", "242"]]
    assert site.url.endswith("/use?lang=en")  # a query is not a page of the history
    shoot(site, "sql-console")
    site.fill("#sql", f'SELECT *\nFROM "{DATASET}"\nWHER type = 1')
    site.press("#sql", "Control+Enter")
    site.wait_for_selector("#sql-result .error")
    text = site.inner_text("#sql-result .error")
    assert "syntax error" in text and "Line 3, column" in text
    assert site.locator("#sql-result table").count() == 0
    # a copyable snippet
    site.context.grant_permissions(["clipboard-read", "clipboard-write"])
    site.click("button[data-copy='snippet-python']")
    site.wait_for_function("document.querySelector('.copy-status').textContent.length > 0")
    assert f'.load("{DATASET}", version=1)' in site.evaluate("navigator.clipboard.readText()")


def test_a_query_result_is_not_kept_in_htmxs_history_cache(site: Any, server: Server) -> None:
    """htmx copies the page it leaves into sessionStorage; a console result may hold any dataset the
    user may read, so it stays out of that copy, and going back asks the server again."""
    open_tab(site, server, "use")
    site.fill("#sql", "SELECT 'SECRET-MARK-42' AS x")
    site.click(".sql-console button[type=submit]")
    site.wait_for_selector("#sql-result table")
    site.click("#tab-data")
    wait_panel(site, "data")
    cached = site.evaluate("sessionStorage.getItem('htmx-history-cache') || ''")
    assert "SECRET-MARK-42" not in cached
    site.go_back()
    wait_panel(site, "use")
    assert site.url.endswith("/use?lang=en") and "SECRET-MARK-42" not in site.content()


def test_the_arabic_dataset_page_is_right_to_left(site: Any, server: Server) -> None:
    open_tab(site, server, "", lang="ar")
    assert site.evaluate("document.documentElement.dir") == "rtl"
    first, last = (site.locator(f"#tab-{t}").bounding_box() for t in ("overview", "use"))
    assert first["x"] > last["x"]  # the first tab at the right, the tabs running leftwards
    site.focus("#tab-overview")
    site.keyboard.press("ArrowLeft")  # mirrored: left goes to the next tab
    assert site.evaluate("document.activeElement.id") == "tab-data"
    site.keyboard.press("Enter")
    wait_panel(site, "data")
    table = site.locator("#tabpanel table.rows").bounding_box()
    first_header = site.locator("#tabpanel table.rows th").first.bounding_box()
    assert first_header["x"] + first_header["width"] > table["x"] + table["width"] / 2  # columns from the right
    assert site.locator("#tab-data").inner_text() == gettext_for("ar")("Data") != "Data"
