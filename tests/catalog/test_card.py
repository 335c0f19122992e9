"""The data card: a version described in Markdown in fr, ar or en (falling back to the texts that
exist), only its metadata part to one who may only see the dataset, its quality and privacy
treatment as the version's reports say, user text that can never become Markdown or HTML, and the
same card from the facade, the API and the CLI; on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from jazari.api.app import create_app
from jazari.catalog.card_labels import LABELS
from jazari.cli import app as cli
from jazari.errors import InputError, JazariError, NotFound
from jazari.factory.schema import TableSchema
from jazari.governance.actors import Actor
from jazari.privacy.policy import PrivacyPolicy
from tests.datasets.test_privacy_ingest import POLICY, people
from tests.files import communes_csv, write_csv
from tests.governance.test_register import ENTRY

OP = Actor.operator()
READER = Actor(name="amina@hcp.ma", roles={"hcp": "viewer"})  # reads institute-level datasets of hcp
OUTSIDER = Actor(name="omar@um5.ma", roles={"um5": "viewer"})  # signed in: sees them, may not read them
TIFINAGH = "ⵜⴰⵎⴰⵣⵉⵖⵜ"
META = {"title": {"fr": f"Communes du Maroc {TIFINAGH}", "ar": "جماعات المغرب"},
        "description": {"ar": "الجماعات وسكانها"}, "keywords": ["communes", TIFINAGH],
        "themes": ["rural_mountain"], "regions": ["01"], "license": "CC-BY-4.0", "contact": "data@hcp.ma"}
RENDER = MarkdownIt("commonmark").enable(["table", "strikethrough"])  # raw HTML on: escaping is ours


@pytest.fixture
def node(jz, tmp_path: Path):
    jz.accounts.add_institute(OP, "hcp", names={"fr": "Haut-Commissariat au Plan", "ar": "المندوبية السامية للتخطيط"})
    jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/communes")
    jz.set_metadata("hcp/communes", META)
    return jz


def headings(card: str) -> list[str]:
    return re.findall(r"^#+ (.+)$", card, flags=re.MULTILINE)


def test_every_language_has_every_word() -> None:
    assert set(LABELS) == {"fr", "ar", "en"}
    for lang in ("ar", "en"):
        assert set(LABELS[lang]) == set(LABELS["fr"]), lang
        assert all(text.strip() for text in LABELS[lang].values())


@pytest.mark.parametrize(("lang", "title", "about", "cite"), [
    ("fr", f"Communes du Maroc {TIFINAGH}", "Informations", "Citer ce jeu de données"),
    ("ar", "جماعات المغرب", "معلومات", "كيفية الاستشهاد"),
    ("en", f"Communes du Maroc {TIFINAGH}", "About", "How to cite"),  # no English title: the French one
])
def test_card_in_each_language_falls_back_to_the_texts_that_exist(node, lang: str, title: str, about: str,
                                                                 cite: str) -> None:
    card = node.data_card("hcp/communes", lang=lang)
    found = headings(card)
    assert found[0] == title and about in found and cite in found
    assert "الجماعات وسكانها" in card  # the only description there is, whatever the language
    assert "(`hcp`)" in card and TIFINAGH in card
    words = LABELS[lang]
    assert words["h_schema"] in found and words["h_profile"] in found and words["h_quality"] in found
    assert "[CC-BY-4.0](<https://spdx.org/licenses/CC-BY-4.0>)" in card
    institute = "المندوبية السامية للتخطيط" if lang == "ar" else "Haut-Commissariat au Plan"
    assert f"{institute} (20" in card  # the citation line: institute (year). *title* ...
    assert "@misc{hcp_communes_v1," in card and "version = {1}," in card
    assert "| population | integer |" in card  # the schema table
    html = RENDER.render(card)
    assert html.count("<h1>") == 1 and "<table>" in html


def test_the_card_of_a_dataset_without_metadata_uses_its_name(jz, tmp_path: Path) -> None:
    jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/bare")
    card = jz.data_card("hcp/bare", lang="ar")
    assert headings(card)[0] == "bare" and "غير محدد" in card  # licence: not stated
    with pytest.raises(InputError) as caught:
        jz.data_card("hcp/bare", lang="de")
    assert caught.value.context["field"] == "lang"
    with pytest.raises(NotFound):
        jz.data_card("hcp/bare", 2)
    with pytest.raises(NotFound):
        jz.data_card("hcp/none")


def test_one_who_may_only_see_gets_no_schema_rows_or_profile(node) -> None:
    assert node.dataset("hcp/communes")["access_level"] == "institute"
    before = len(node.audit("hcp/communes"))
    seen = node.data_card("hcp/communes", actor=OUTSIDER, lang="en")
    words = LABELS["en"]
    for heading in ("h_schema", "h_profile", "h_quality", "h_privacy"):
        assert words[heading] not in headings(seen)
    for detail in ("Gueznaia", "1 275 428", "1275428", "population", "c.csv", "sha256", "SHA-256", "cli:operator",
                   words["rows"], words["reader_options"]):
        assert detail not in seen, detail
    assert words["see_only"].split(" ")[0] in seen and "How to cite" in headings(seen)
    assert "| Version | Date |\n" in seen  # the history, without modes and row counts
    assert len(node.audit("hcp/communes")) == before  # nothing was read
    read = node.data_card("hcp/communes", actor=READER, lang="en")
    assert words["h_schema"] in headings(read) and "Gueznaia" in read and "c.csv" in read
    events = node.audit("hcp/communes")
    assert events[0]["action"] == "read.version" and events[0]["actor"] == READER.name
    with pytest.raises(NotFound):
        node.data_card("hcp/communes", actor=Actor.anonymous())  # anonymous may not even see it


def test_a_version_with_quarantined_rows_and_a_failed_ingest(node, tmp_path: Path) -> None:
    strict = node.version("hcp/communes")["schema"]
    population = next(f for f in strict["fields"] if f["name"] == "population")
    population["constraints"] = {"minimum": 10_000}
    node.ingest(communes_csv(tmp_path / "c2.csv"), "hcp/communes", schema=TableSchema.from_dict(strict))  # Tafraout: 5,123
    card = node.data_card("hcp/communes", 2, lang="fr")
    words = LABELS["fr"]
    assert f"- **{words['rows_read']}**: 4" in card and f"- **{words['rows_written']}**: 3" in card
    assert f"- **{words['rows_quarantined']}**: 1" in card
    assert re.search(r"^\| population \| minimum-error \| 1 \| .+ \|$", card, flags=re.MULTILINE)
    assert words["no_findings"] not in card
    everything = [{**f, "constraints": {"minimum": 10**9}} if f["name"] == "population" else f for f in strict["fields"]]
    node.ingest(communes_csv(tmp_path / "c3.csv"), "hcp/communes", schema=TableSchema.from_dict({**strict, "fields": everything}))
    empty = node.data_card("hcp/communes", lang="en")
    assert "- **Rows published**: 0" in empty and "- **Rows quarantined**: 4" in empty
    assert "| 3 |" in empty and "| 2 |" in empty and "| 1 |" in empty  # the history
    with pytest.raises(JazariError):  # a strict ingest with findings publishes nothing
        node.ingest(communes_csv(tmp_path / "c4.csv"), "hcp/communes", schema=TableSchema.from_dict(strict), strict=True)
    with pytest.raises(NotFound):
        node.data_card("hcp/communes", 4)
    assert "`hcp/communes` · Version 3" in node.data_card("hcp/communes", lang="en")


def test_privacy_treatment_and_the_register_for_its_stewards(jz, tmp_path: Path) -> None:
    jz.ingest(people(tmp_path), "hcp/people", privacy=PrivacyPolicy.from_dict(POLICY))
    jz.register_set("hcp/people", ENTRY)
    steward = jz.data_card("hcp/people", lang="en", actor=Actor(name="karim@hcp.ma", roles={"hcp": "steward"}))
    assert "- **Status**: personal data treated by the privacy policy (`treated`)" in steward
    assert "| nom | PERSON (3) | pseudonymize |" in steward
    assert "| telephone | PHONE (3) | mask |" in steward and "| commentaire | PHONE (2), PERSON (1) | redact |" in steward
    assert "| montant |" not in steward.split("## Personal data")[1]  # nothing to treat there
    assert "k = 1 (target 2) on commune; 1 row(s) in groups smaller than 2" in steward
    assert f"- **Purpose**: {ENTRY['purpose']}" in steward and "legal\\_obligation: loi 09-08" in steward
    reader = jz.data_card("hcp/people", lang="en", actor=READER)
    assert "| nom | PERSON (3) | pseudonymize |" in reader
    assert ENTRY["purpose"] not in reader and "Processing register" not in reader  # the register is the stewards'
    assert "Fatima" not in steward + reader and "BK123456" not in steward + reader  # treated values only


def test_user_text_never_becomes_markdown_or_html(jz, tmp_path: Path) -> None:
    evil_title = "Evil | title\n# heading <script>alert(1)</script> [x](javascript:alert(1)) ![i](http://h/i.png)"
    evil_text = "<img src=x onerror=alert(1)>\n\n```\ncode\n```\n- item\n===\n| a | b |\n&lt;b&gt;"
    header = ["id", "a|b", "<script>c</script>", "`d`"]
    rows = [["1", "x | y", "<b>bold</b>", "*z*"], ["2", "\\", "# no", "[l](javascript:x)"]]
    jz.ingest(write_csv(tmp_path / "evil.csv", header, rows), "hcp/evil")
    jz.set_metadata("hcp/evil", {"title": {"fr": evil_title}, "description": {"fr": evil_text},
                                 "keywords": ["a|b", "<i>"], "source": "x\n## injected", "license": "ma licence | <b>"})
    card = jz.data_card("hcp/evil")
    html = RENDER.render(card)
    assert "<script" not in html and "<img" not in html and "<b>" not in html and "<i>" not in html
    assert "javascript:" not in re.findall(r'href="([^"]*)"', html).__str__()
    assert html.count("<pre>") == 1 and '<pre><code class="language-bibtex">' in html  # only the BibTeX is code
    assert "<li>item" not in html and "<blockquote>" not in html and "<hr" not in html
    assert html.count("<h1>") == 1 and "<h1>" + "Evil | title # heading &lt;script&gt;" in html
    assert "injected</h2>" not in html and headings(card)[1] == LABELS["fr"]["h_about"]
    schema_table = html.split("<table>")[2].split("</table>")[0]  # versions, then schema
    body = schema_table.split("<tbody>")[1]
    assert body.count("<tr>") == 4 and all(row.count("<td>") == 4 for row in body.split("<tr>")[1:])
    assert "<td>a|b</td>" in body and "<td>&lt;script&gt;c&lt;/script&gt;</td>" in body and "<td>`d`</td>" in body
    profile = html.split("<table>")[3].split("</table>")[0]
    assert "<td>x | y</td>" in profile and all(r.count("<td>") == 6 for r in profile.split("<tbody>")[1].split("<tr>")[1:])
    assert "&amp;lt;b&amp;gt;" in html  # an entity in the text stays the text it was
    bibtex = card.split("```bibtex\n")[1].split("\n```")[0]
    assert bibtex.count("\n") == 8  # the title's line break did not end a field
    assert "  title = {{Evil | title \\# heading <script>alert(1)</script> [x]" in bibtex  # LaTeX's # escaped


def test_the_card_over_http_and_from_the_command_line(node, tmp_path: Path) -> None:
    node.datasets_service.update(OP, "hcp/communes", access_level="public")
    with TestClient(create_app(node, workers=False), base_url="http://jazari.test") as client:
        response = client.get("/api/v1/datasets/hcp/communes/versions/1/card.md", params={"lang": "ar"})
        assert response.status_code == 200 and response.headers["content-type"] == "text/markdown; charset=utf-8"
        assert headings(response.text)[0] == "جماعات المغرب" and "<http://jazari.test/datasets/hcp/communes>" in response.text
        bad = client.get("/api/v1/datasets/hcp/communes/versions/1/card.md", params={"lang": "xx"})
        assert bad.status_code == 400 and bad.json()["error"]["context"]["field"] == "lang"
        assert client.get("/api/v1/datasets/hcp/communes/versions/9/card.md").status_code == 404
        assert client.get("/api/v1/datasets/hcp/communes/versions/0/card.md").status_code in (400, 422)
        assert client.get("/api/v1/datasets/hcp/nothing/versions/1/card.md").status_code == 404
    runner = CliRunner()
    env = {"JAZARI_DATABASE_URL": node.settings.url, "JAZARI_PUBLIC_URL": "https://data.example.ma"}
    home = ["--home", str(node.settings.home)]
    printed = runner.invoke(cli, [*home, "datasets", "card", "hcp/communes", "--lang", "en"], env=env)
    assert printed.exit_code == 0, printed.output
    assert printed.output == node.data_card("hcp/communes", lang="en", base_url="https://data.example.ma")
    target = tmp_path / "card.md"
    written = runner.invoke(cli, [*home, "datasets", "card", "hcp/communes", "-v", "1", "-o", str(target)], env=env)
    assert written.exit_code == 0 and target.read_text(encoding="utf-8").startswith(f"# Communes du Maroc {TIFINAGH}\n")
    bad = runner.invoke(cli, [*home, "datasets", "card", "hcp/communes", "--lang", "zz"], env=env)
    assert bad.exit_code == 1 and "lang must be one of fr, ar, en" in bad.output
    missing = runner.invoke(cli, [*home, "datasets", "card", "hcp/communes", "-o", str(tmp_path / "no" / "dir" / "c.md")],
                            env=env)
    assert missing.exit_code == 1 and "cannot write" in missing.output
