"""The dataset page in tabs: each tab as a page and as an htmx panel, who gets what (readers, those
who may only see, strangers), the SQL console and its errors, CSRF, and no HTML injection through
column names, values or titles; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import pytest

from tests.files import COMMUNES, COMMUNES_HEADER, communes_csv
from tests.web.conftest import csrf_of

PAGE = "/datasets/hcp/communes"
TABS = ("overview", "data", "schema", "profile", "versions", "quality", "privacy", "access", "use")
READ_TABS = ("data", "schema", "profile", "quality", "privacy", "use")
PANEL = {"hx-request": "true", "hx-target": "tabpanel"}
SPEC = re.compile(r'<script type="application/json" id="(spec-[\w-]+)">(.*?)</script>', re.S)


def tab_url(tab: str) -> str:
    return PAGE if tab == "overview" else f"{PAGE}/{tab}"


def texts(page: str) -> str:
    """The page's text without tags, entities decoded (what a reader sees)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def selected_tab(page: str) -> list[str]:
    return re.findall(r'id="tab-(\w+)"[^>]*\s+aria-selected="true"', page)


# every tab -------------------------------------------------------------------------------------
@pytest.mark.parametrize("tab", TABS)
def test_each_tab_is_a_page_with_its_tab_selected_and_a_panel_for_htmx(browser, tab) -> None:
    amina = browser("amina@hcp.ma")
    page = amina.get(tab_url(tab))
    assert page.status_code == 200, page.text
    assert page.text.count('role="tab"') == len(TABS) and selected_tab(page.text) == [tab]
    assert f'aria-labelledby="tab-{tab}"' in page.text and 'role="tabpanel"' in page.text
    assert 'href="/datasets/hcp/communes/access"' in page.text and '<script src="/static/dataset.js" defer>' in page.text
    panel = amina.get(tab_url(tab), headers=PANEL)
    assert panel.status_code == 200 and panel.headers["x-jazari-fragment"] == "1"
    assert panel.text.lstrip().startswith("<title>") and '<section id="tabpanel"' in panel.text
    assert "<html" not in panel.text and 'role="tablist"' not in panel.text
    assert "HX-Request" in panel.headers["vary"]
    restore = amina.get(tab_url(tab), headers={**PANEL, "hx-history-restore-request": "true"})
    assert "<html" in restore.text  # the history needs the whole page
    assert ("The same in JSON:" in page.text) and "/api/v1/" in page.text.split('class="twins"')[1]


def test_the_overview_is_the_data_card_in_the_page_language(browser) -> None:
    amina = browser("amina@hcp.ma")
    page = amina.get(PAGE)
    card = page.text.split('<article class="data-card">')[1].split("</article>")[0]
    assert "nom_fr" in card and "<h2>" in card and "<h1>" not in card  # the page has the one h1
    assert "/api/v1/datasets/hcp/communes/versions/1/card.md?lang=en" in page.text
    arabic = amina.get(PAGE, params={"lang": "ar"})
    assert '<html lang="ar" dir="rtl">' in arabic.text and "نظرة عامة" in arabic.text
    assert "card.md?lang=ar" in arabic.text


def test_the_data_tab_sorts_filters_and_pages(browser, node, tmp_path: Path) -> None:
    amina = browser("amina@hcp.ma")
    first = amina.get(f"{PAGE}/data")
    assert "Tanger" in first.text and "Rows 1 to 4 of 4" in texts(first.text)
    assert 'href="/datasets/hcp/communes/data?sort=population"' in first.text  # a header sorts
    down = amina.get(f"{PAGE}/data", params={"sort": "population", "descending": "true"})
    cells = re.findall(r"<td[^>]*><bdi>([^<]*)</bdi></td>", down.text)
    names = [c for c in cells if c in {r[1] for r in COMMUNES}]
    assert names == ["Tanger", "Gueznaia", "Aïn Bni Mathar", "Tafraout"]
    assert 'aria-sort="descending"' in down.text and "sorted by population, descending" in down.text
    assert 'href="/datasets/hcp/communes/data?sort=population"' in down.text  # the next click: ascending
    up = amina.get(f"{PAGE}/data", params={"sort": "population"})
    assert 'aria-sort="ascending"' in up.text and up.text.index("Tafraout") < up.text.index("Tanger")
    # the add-a-filter form (column + text), then the chips that remove it
    found = amina.get(f"{PAGE}/data", params={"column": "nom_fr", "text": "GUE", "sort": "population"})
    assert "Gueznaia" in found.text and "Tanger" not in found.text
    assert "1 of 4 rows match the filters" in texts(found.text)
    assert 'name="filter" value="nom_fr:GUE"' in found.text  # kept by the next filter added
    assert "filter=nom_fr%3AGUE" in found.text and "/api/v1/datasets/hcp/communes/rows?" in found.text
    both = amina.get(f"{PAGE}/data", params={"filter": ["nom_fr:a", "population:141"]})  # numbers as text
    assert "Gueznaia" in both.text and "Tafraout" not in both.text and "Tanger" not in both.text
    nothing = amina.get(f"{PAGE}/data", params={"filter": "nom_fr:zzz"})
    assert nothing.status_code == 200 and "No row matches." in nothing.text
    # more rows than a page: page links that work
    many = [[f"01.511.{i:02d}.0", f"Commune {i}", "جماعة", str(1000 + i), "1,0", "12/03/2024", "oui"] for i in range(120)]
    node.ingest(communes_csv(tmp_path / "many.csv", rows=many), "hcp/communes", mode="replace")
    paged = amina.get(f"{PAGE}/data")
    assert "Page 1 of 3" in paged.text and 'id="page-next"' in paged.text and 'id="page-previous"' not in paged.text
    last = amina.get(f"{PAGE}/data", params={"offset": "100"})
    assert "Rows 101 to 120 of 120" in texts(last.text) and 'id="page-next"' not in last.text
    assert "Commune 119" in last.text and 'id="page-previous"' in last.text


@pytest.mark.parametrize(("params", "status", "message"), [
    ({"sort": "nope"}, 400, "nope"),
    ({"filter": "no-colon"}, 400, "a filter is column:text"),
    ({"filter": "ghost:x"}, 400, "ghost"),
    ({"offset": "-1"}, 400, "offset"),
    ({"version": "9"}, 404, "version 9"),
])
def test_bad_parameters_of_the_data_tab_are_said_in_the_panel(browser, params, status, message) -> None:
    amina = browser("amina@hcp.ma")
    page = amina.get(f"{PAGE}/data", params=params)
    assert page.status_code == status and message in page.text
    panel = amina.get(f"{PAGE}/data", params=params, headers=PANEL)
    assert panel.status_code == status and message in panel.text
    if status != 422 and "offset" not in params:
        assert 'role="tablist"' in page.text and 'class="error"' in panel.text


def test_schema_profile_and_quality(browser, node) -> None:
    amina = browser("amina@hcp.ma")
    schema = texts(amina.get(f"{PAGE}/schema").text)
    assert "population" in schema and "integer" in schema and "thousands separator" in schema
    profile = amina.get(f"{PAGE}/profile").text
    assert 'data-vega="/static/vendor/vega.min.js /static/vendor/vega-lite.min.js /static/vendor/vega-embed.min.js"' in profile
    specs = {name: json.loads(body) for name, body in SPEC.findall(profile)}
    kinds = {c["name"]: c["kind"] for c in node.version("hcp/communes")["profile"]["columns"]}
    assert len([s for s in specs if s != "spec-nulls"]) == len(kinds)
    for spec in specs.values():
        assert spec["mark"]["type"] == "bar" and spec["data"]["values"]
        assert spec["encoding"]["x"] and spec["encoding"]["y"]
    population = specs[f"spec-{list(kinds).index('population') + 1}"]
    assert population["encoding"]["x"]["bin"] == {"binned": True}  # a histogram for numbers
    assert sum(v["count"] for v in population["data"]["values"]) == 4
    rural = specs[f"spec-{list(kinds).index('rural') + 1}"]
    assert {v["value"] for v in rural["data"]["values"]} <= {"oui", "non", "true", "false"}  # top values
    assert "Column statistics" in profile and "Histogram of population" in profile  # the numbers as tables
    assert "data-vega" not in amina.get(f"{PAGE}/data").text  # the charts' scripts only on the profile tab
    quality = texts(amina.get(f"{PAGE}/quality").text)
    assert "4 rows read, 4 written, 0 quarantined." in quality and "No finding." in quality
    assert "Show the quarantined rows" not in quality  # a viewer does not review


def test_stewards_see_the_quarantined_rows_on_demand_and_it_is_audited(browser, node, tmp_path: Path) -> None:
    bad = [["07.161.01.5", "Tiznit", "تيزنيت", "beaucoup", "1,0", "14/03/2024", "oui"]]
    node.ingest(communes_csv(tmp_path / "bad.csv", rows=bad), "hcp/communes", mode="append")  # the schema stays
    karim = browser("karim@hcp.ma")
    page = karim.get(f"{PAGE}/quality")
    assert 'id="show-quarantine"' in page.text
    before = len(node.audit("hcp/communes", limit=1000))
    shown = karim.get(f"{PAGE}/quality", params={"quarantine": "true"})
    assert shown.status_code == 200 and "beaucoup" in shown.text and "type-error" in shown.text
    assert node.audit("hcp/communes", limit=1)[0]["action"] == "read.quarantine"
    assert len(node.audit("hcp/communes", limit=1000)) > before
    amina = browser("amina@hcp.ma")
    refused = amina.get(f"{PAGE}/quality", params={"quarantine": "true"})
    assert refused.status_code == 403 and "may not review" in refused.text


def test_versions_history_links_and_the_diff(browser, node, tmp_path: Path) -> None:
    amina = browser("amina@hcp.ma")
    single = amina.get(f"{PAGE}/versions")
    assert "There is one version only" in single.text and 'href="/datasets/hcp/communes?version=1"' in single.text
    node.ingest(communes_csv(tmp_path / "v2.csv", rows=COMMUNES[:3]), "hcp/communes")
    page = amina.get(f"{PAGE}/versions")
    assert 'name="a"' in page.text and 'name="b"' in page.text and 'href="/datasets/hcp/communes?version=2"' in page.text
    diff = amina.get(f"{PAGE}/versions", params={"a": "1", "b": "2"})
    assert diff.status_code == 200 and "From version 1 to version 2" in diff.text
    assert "Rows: 4 → 3" in texts(diff.text) and "/api/v1/datasets/hcp/communes/diff?a=1&amp;b=2" in diff.text
    old = amina.get(PAGE, params={"version": "1"})
    assert "version 1 (the latest is 2)" in old.text and 'href="/datasets/hcp/communes/data?version=1"' in old.text
    assert amina.get(f"{PAGE}/versions", params={"a": "1"}).status_code == 400  # two versions, or none
    assert amina.get(f"{PAGE}/versions", params={"a": "1", "b": "7"}).status_code == 404


def test_the_privacy_tab_shows_the_register_to_stewards_only(browser, node) -> None:
    node.register_set("hcp/communes", {
        "controller": "Haut-Commissariat au Plan", "purpose": "statistiques communales", "legal_basis": "public_interest",
        "data_categories": ["identification"], "data_subjects": ["habitants"], "retention_days": 365,
    })
    karim = texts(browser("karim@hcp.ma").get(f"{PAGE}/privacy").text)
    assert "Processing register (CNDP)" in karim and "statistiques communales" in karim and "365 days" in karim
    amina = browser("amina@hcp.ma").get(f"{PAGE}/privacy")
    assert amina.status_code == 200 and "statistiques communales" not in amina.text
    assert "The register entry is read by the dataset's stewards." in html.unescape(amina.text)
    assert "Status:" in amina.text


def test_the_use_tab_has_the_console_downloads_and_snippets(browser) -> None:
    page = browser("amina@hcp.ma").get(f"{PAGE}/use")
    text = html.unescape(page.text)
    assert 'action="/datasets/hcp/communes/query"' in page.text and 'name="csrf_token"' in page.text
    assert 'SELECT *\nFROM "hcp/communes"\nLIMIT 10' in text
    for fmt in ("parquet", "csv", "jsonl"):
        assert f"/api/v1/datasets/hcp/communes/export?version=1&amp;format={fmt}" in page.text
    assert 'jazari.connect("http://testserver", token=' in text and 'node.load("hcp/communes", version=1)' in text
    assert "df = table.to_pandas()" in text and 'curl -H "Authorization: Bearer $JAZARI_TOKEN"' in text
    assert '-d \'{"sql": "SELECT count(*) FROM \\"hcp/communes\\""}\'' in text


# who gets what --------------------------------------------------------------------------------
def test_one_who_may_only_see_gets_the_metadata_and_the_access_tab(browser, node) -> None:
    omar = browser("omar@dgsn.ma")
    overview = omar.get(PAGE)
    assert overview.status_code == 200 and "Communes" in overview.text and "Request access" in overview.text
    assert "nom_fr" not in overview.text and "Tanger" not in overview.text  # no schema, no profile, no rows
    before = len(node.audit("hcp/communes", limit=1000))
    for tab in READ_TABS:
        page = omar.get(f"{PAGE}/{tab}")
        assert page.status_code == 403, tab
        assert "You may see this dataset but not read its data." in page.text and "Tanger" not in page.text
        assert 'href="/datasets/hcp/communes/access"' in page.text
        panel = omar.get(f"{PAGE}/{tab}", headers=PANEL)
        assert panel.status_code == 403 and "You may see this dataset" in panel.text and "<html" not in panel.text
    assert len(node.audit("hcp/communes", limit=1000)) == before  # a refused read reads nothing
    versions = omar.get(f"{PAGE}/versions")
    assert versions.status_code == 200 and ">1</a>" in versions.text and "communes.csv" not in versions.text
    access = omar.get(f"{PAGE}/access")
    assert access.status_code == 200 and 'action="/datasets/hcp/communes/access/request"' in access.text


@pytest.mark.parametrize("tab", TABS)
def test_strangers_and_unknown_datasets_get_not_found(browser, tab) -> None:
    assert browser().get(tab_url(tab)).status_code == 404  # signed out: an institute dataset is not seen
    assert browser("amina@hcp.ma").get(tab_url(tab).replace("communes", "nothing")).status_code == 404


def test_a_public_dataset_is_read_by_anyone(browser, node) -> None:
    node.datasets_service.update(node.actor, "hcp/communes", access_level="public")
    visitor = browser()
    for tab in TABS:
        assert visitor.get(tab_url(tab)).status_code == 200, tab
    assert "Tanger" in visitor.get(f"{PAGE}/data").text
    assert browser().get(f"{PAGE}/nowhere").status_code == 404


# the SQL console ------------------------------------------------------------------------------
def _run(client, sql: str, *, panel: bool = False, token: str | None = None):
    page = client.get(f"{PAGE}/use")
    data = {"sql": sql, "csrf_token": csrf_of(page.text, "/datasets/hcp/communes/query") if token is None else token}
    headers = {"hx-request": "true", "hx-target": "sql-result"} if panel else {}
    return client.post(f"{PAGE}/query", data=data, headers=headers)


def test_the_console_runs_a_query_as_the_page_actor(browser, node) -> None:
    amina = browser("amina@hcp.ma")
    result = _run(amina, 'SELECT nom_fr, population FROM "hcp/communes" ORDER BY population DESC LIMIT 2', panel=True)
    assert result.status_code == 200 and result.headers["x-jazari-fragment"] == "1" and "<html" not in result.text
    assert "<table" in result.text and result.text.index("Tanger") < result.text.index("Gueznaia")
    assert "Aïn Bni Mathar" not in result.text and "hcp/communes@1" in result.text
    assert node.audit("hcp/communes", limit=1)[0]["action"] == "query"
    whole = _run(amina, 'SELECT count(*) AS n FROM "hcp/communes"')  # without JavaScript: the whole page
    assert whole.status_code == 200 and 'role="tablist"' in whole.text and selected_tab(whole.text) == ["use"]
    assert "SELECT count(*) AS n" in html.unescape(whole.text) and "<td class=\"num\">4</td>" in whole.text


@pytest.mark.parametrize(("sql", "status", "shown"), [
    ("SELEC 1", 400, "Line 1, column 1"),
    ('SELECT *\nFROM "hcp/communes"\nWHER x', 400, "Line 3, column"),
    ('SELECT nope FROM "hcp/communes"', 400, "nope"),
    ('SELECT * FROM "hcp/ghost"', 404, "no dataset hcp/ghost"),
    ("DROP TABLE x", 400, "only SELECT queries"),
    ("", 400, "the query is empty"),
    ("SELECT * FROM read_csv('/etc/passwd')", 403, "queries read only the datasets they name"),
])
def test_console_errors_say_what_and_where(browser, sql, status, shown) -> None:
    amina = browser("amina@hcp.ma")
    panel = _run(amina, sql, panel=True)
    assert panel.status_code == status and shown in html.unescape(panel.text) and 'class="error"' in panel.text
    assert "<html" not in panel.text
    whole = _run(amina, sql)
    assert whole.status_code == status and shown in html.unescape(whole.text) and 'role="tablist"' in whole.text


def test_the_console_reads_only_what_the_actor_may_read(browser, node) -> None:
    omar = browser("omar@dgsn.ma")
    refused = omar.post(f"{PAGE}/query", data={"sql": 'SELECT * FROM "hcp/communes"',
                                               "csrf_token": csrf_of(omar.get("/account").text)})
    assert refused.status_code == 403 and "Tanger" not in refused.text


def test_the_console_needs_the_csrf_token(browser, node) -> None:
    amina = browser("amina@hcp.ma")
    for token in ("", "forged"):
        response = _run(amina, 'SELECT * FROM "hcp/communes"', token=token)
        assert response.status_code == 403 and "CSRF" in response.text and "Tanger" not in response.text
    panel = _run(amina, 'SELECT * FROM "hcp/communes"', token="", panel=True)
    assert panel.status_code == 403 and 'class="error"' in panel.text  # the page shows its message box
    assert "query" not in {e["action"] for e in node.audit("hcp/communes", limit=1000)}  # nothing ran


# no HTML injection ------------------------------------------------------------------------------
def test_names_values_and_titles_cannot_inject_html(browser, node, tmp_path: Path) -> None:
    path = tmp_path / "evil.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["<script>alert(1)</script>", 'x"><img src=x onerror=alert(2)>', "n"])
        writer.writerow(["<b>bold</b>", "</script><script>alert(3)</script>", "1"])
        writer.writerow(["<i>x</i>", "</script><script>alert(3)</script>", "2"])
    node.ingest(path, "hcp/evil", title="<script>alert(4)</script> *not markdown*")
    node.datasets_service.update(node.actor, "hcp/evil", access_level="public",
                                 description="<img src=x onerror=alert(5)> [link](javascript:alert(6))")
    visitor = browser()
    for tab in TABS:
        url = "/datasets/hcp/evil" + ("" if tab == "overview" else f"/{tab}")
        for params in ({}, {"sort": "<script>alert(1)</script>", "filter": 'x"><img src=x onerror=alert(2)>:<b>'}):
            page = visitor.get(url, params=params if tab == "data" else {})
            body = page.text
            assert "<script>alert" not in body and "<img src=x" not in body and "<b>bold" not in body, tab
            assert "</script><script>" not in body and 'href="javascript:' not in body, tab
    data = visitor.get("/datasets/hcp/evil/data").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in data and "&lt;b&gt;bold&lt;/b&gt;" in data
    profile = visitor.get("/datasets/hcp/evil/profile").text
    specs = [json.loads(body) for _, body in SPEC.findall(profile)]  # JSON that a value cannot close
    assert any(v.get("value") == "</script><script>alert(3)</script>" for s in specs for v in s["data"]["values"])
    sql = visitor.post("/datasets/hcp/evil/query",
                       data={"sql": "SELECT '<script>alert(7)</script>' AS \"<img src=x onerror=alert(8)>\""})
    assert sql.status_code == 200 and "<script>alert(7)" not in sql.text and "&lt;script&gt;alert(7)" in sql.text
    assert "<img src=x" not in sql.text and "&lt;img src=x onerror=alert(8)&gt;" in sql.text


def test_the_access_tab_keeps_its_address_and_forms(browser) -> None:
    karim = browser("karim@hcp.ma")
    page = karim.get(f"{PAGE}/access")
    assert selected_tab(page.text) == ["access"] and 'name="access_level" value="restricted"' in page.text
    assert 'href="/datasets/hcp/communes/audit"' in page.text
    assert COMMUNES_HEADER[1] not in texts(page.text)  # the access tab reads no data


def test_pages_of_data_that_is_not_public_stay_out_of_the_browsers_caches(browser, node) -> None:
    """htmx keeps a copy of each page it leaves in sessionStorage (back/forward without a request),
    and browsers keep pages for the back button: rows, quarantined values and register entries of
    non-public data must not outlive the visit on a shared computer (law 09-08)."""
    karim = browser("karim@hcp.ma")
    for tab in TABS:
        page = karim.get(tab_url(tab))
        assert page.status_code == 200 and 'hx-history="false"' in page.text, tab
        assert "no-store" in page.headers.get("cache-control", ""), tab
        panel = karim.get(tab_url(tab), headers=PANEL)
        assert "no-store" in panel.headers.get("cache-control", ""), tab
    node.datasets_service.update(node.actor, "hcp/communes", access_level="public")
    public = browser().get(f"{PAGE}/data")
    assert 'hx-history="false"' not in public.text and "no-store" not in public.headers.get("cache-control", "")
    for panel in (False, True):  # the console on a public page may read any dataset the user may read
        result = _run(karim, 'SELECT count(*) FROM "hcp/communes"', panel=panel)
        assert result.status_code == 200 and 'hx-history="false"' in result.text
        assert "no-store" in result.headers.get("cache-control", "")


def test_the_profile_tab_is_the_statistical_profile_in_arabic(browser) -> None:
    """"Profile" is also the account page's heading (the user's own profile, الملف الشخصي): the
    dataset's tab must say the statistical profile, as its JSON twin and its messages do."""
    amina = browser("amina@hcp.ma")
    page = amina.get(f"{PAGE}/profile", params={"lang": "ar"})
    label = re.search(r'id="tab-profile"[^>]*>([^<]*)</a>', page.text).group(1)
    heading = re.search(r"<h2>([^<]*)</h2>", page.text.split('id="tabpanel"')[1]).group(1)
    assert label == heading == "الملمح الإحصائي" and "الملف الشخصي" not in page.text
    assert "الملمح الإحصائي (JSON)" in page.text
    french = amina.get(f"{PAGE}/profile", params={"lang": "fr"}).text
    assert re.search(r'id="tab-profile"[^>]*>Profil</a>', french)
