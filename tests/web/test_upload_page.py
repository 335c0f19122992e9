"""The upload wizard's page and the detection it shows: who may use it, what `POST /api/v1/sniff` finds
in the files institutions have (cp1256 with `;` and French decimals, UTF-8 with a BOM, workbooks with
several sheets), clear refusals of bad files with nothing kept, and the upload the wizard makes
(edited types as a Table Schema) through the session, to the published version."""

from __future__ import annotations

import io
import json
import re

import pytest
from openpyxl import Workbook

from jazari.factory.sniff import HEAD_BYTES
from tests.files import COMMUNES, COMMUNES_HEADER, communes_csv, write_csv
from tests.web.conftest import csrf_of


def _csrf(client) -> str:
    return csrf_of(client.get("/account").text)


def sniff(client, name: str, data: bytes, **fields: str):
    """What the wizard sends: the file (or its head), its name, the options changed."""
    return client.post("/api/v1/sniff", files={"file": (name, data)}, data={"name": name, **fields},
                       headers={"x-csrf-token": _csrf(client)})


def _workbook() -> bytes:
    book = Workbook()
    first = book.active
    first.title = "Notes"
    first.append(["Recensement 2024, tableau 3"])
    second = book.create_sheet("Communes")
    second.append(["Source : HCP"])
    second.append([])
    second.append(COMMUNES_HEADER)
    for row in COMMUNES:
        second.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _tmp(node) -> list[str]:
    tmp = node.settings.tmp_dir
    return sorted(p.name for p in tmp.iterdir()) if tmp.exists() else []


# who may use it ----------------------------------------------------------------------------------
def test_the_signed_out_are_asked_to_sign_in(browser) -> None:
    page = browser().get("/upload")
    assert page.status_code == 401 and "/sign-in?next=%2Fupload" in page.text
    assert 'id="wizard"' not in page.text


@pytest.mark.parametrize("email", ["amina@hcp.ma", "omar@dgsn.ma", "nadia@hcp.ma"])
def test_those_who_may_not_publish_are_told_who_can(browser, email) -> None:
    page = browser(email).get("/upload", params={"lang": "en"})
    assert page.status_code == 403 and 'id="wizard"' not in page.text
    assert "You may not publish in any institute." in page.text and "contributor role" in page.text


def test_a_steward_gets_the_wizard_with_their_institutes_and_datasets(browser) -> None:
    karim = browser("karim@hcp.ma")
    page = karim.get("/upload", params={"dataset": "hcp/communes"})
    assert page.status_code == 200
    html = page.text
    assert '<option value="hcp">' in html and '<option value="dgsn">' not in html
    assert '<option value="hcp/communes" selected>' in html
    assert "<noscript>" in html and "jazari ingest FILE --dataset institute/name" in html
    assert '<script src="/static/upload.js" defer></script>' in html
    config = json.loads(re.search(r'<script type="application/json" id="upload-config">(.*?)</script>', html, re.S)[1])
    assert config["csrf"] == csrf_of(html)  # the session's token, sent as X-CSRF-Token
    assert config["headBytes"] == HEAD_BYTES and ".xlsx" in config["wholeSuffixes"] and ".csv" not in config["wholeSuffixes"]
    assert config["messages"]["no_file"] == "Choose a file first."
    for control in ("file", "institute", "name", "title", "dataset", "encoding", "delimiter", "skip_rows", "sheet"):
        assert f'<label for="{control}">' in html, control
    assert html.count("<progress") == 2 and 'aria-live="polite"' in html and "<fieldset>" in html
    assert karim.get("/static/upload.js").status_code == 200


def test_the_wizard_is_translated(browser) -> None:
    client = browser("karim@hcp.ma")
    arabic = client.get("/upload", params={"lang": "ar"}).text
    assert '<html lang="ar" dir="rtl">' in arabic and "Choose a file first." not in arabic
    assert "Upload a file" not in arabic
    french = client.get("/upload", params={"lang": "fr"}).text
    assert "Choose a file first." not in french and "Look at the file" not in french


# what the detection finds ------------------------------------------------------------------------
def test_a_cp1256_semicolon_file_with_french_decimals(browser, tmp_path) -> None:
    data = communes_csv(tmp_path / "communes.csv", encoding="cp1256").read_bytes()
    found = sniff(browser("karim@hcp.ma"), "communes.csv", data).json()
    assert (found["format"], found["encoding"], found["delimiter"], found["header"]) == ("csv", "cp1256", ";", True)
    assert found["columns"] == COMMUNES_HEADER and found["rows_sampled"] == 4 and found["complete"] is True
    fields = {f["name"]: f for f in found["schema"]["fields"]}
    assert fields["taux"]["type"] == "number" and fields["taux"]["decimalChar"] == ","
    assert fields["population"]["type"] == "integer" and fields["code"]["type"] == "string"
    assert fields["date_maj"] == {"name": "date_maj", "type": "date", "format": "%d/%m/%Y"}
    assert found["sample"][0][:3] == ["01.511.01.0", "Tanger", "طنجة"]


def test_a_utf8_file_with_a_bom(browser, tmp_path) -> None:
    data = communes_csv(tmp_path / "c.csv", encoding="utf-8-sig").read_bytes()
    found = sniff(browser("karim@hcp.ma"), "c.csv", data).json()
    assert found["encoding"] == "utf-8-sig" and found["columns"][0] == "code"  # no BOM in the first name


def test_a_workbook_lists_its_sheets_and_reads_the_one_chosen(browser) -> None:
    client = browser("karim@hcp.ma")
    data = _workbook()
    first = sniff(client, "recensement.xlsx", data).json()
    assert first["format"] == "xlsx" and first["sheets"] == ["Notes", "Communes"] and first["sheet"] == "Notes"
    chosen = sniff(client, "recensement.xlsx", data, sheet="Communes", skip_rows="1").json()
    assert chosen["sheet"] == "Communes" and chosen["columns"] == COMMUNES_HEADER and chosen["skip_rows"] == 2
    assert chosen["sample"][2][1] == "Aïn Bni Mathar"


def test_a_head_of_a_long_file_drops_its_cut_line(browser, tmp_path) -> None:
    long_name = "commune " + "x" * 200  # ~5,000 rows in the first MiB: fewer than inferred from
    rows = [[f"{i:05d}", long_name, "مدينة", str(i), "1,5", "12/03/2024", "oui"] for i in range(10_000)]
    data = write_csv(tmp_path / "long.csv", COMMUNES_HEADER, rows).read_bytes()
    assert len(data) > HEAD_BYTES
    found = sniff(browser("karim@hcp.ma"), "long.csv", data[:HEAD_BYTES], complete="false").json()
    assert found["complete"] is False and found["rows_sampled"] == data[:HEAD_BYTES].count(b"\n") - 1
    assert all(len(row) == 7 and row[6] == "oui" for row in found["sample"])


def test_edited_types_are_checked_on_the_sample(browser, tmp_path) -> None:
    client = browser("karim@hcp.ma")
    data = communes_csv(tmp_path / "c.csv").read_bytes()
    schema = sniff(client, "c.csv", data).json()["schema"]
    schema["fields"][4] = {"name": "taux", "type": "integer"}  # 34,55 is no whole number
    found = sniff(client, "c.csv", data, schema=json.dumps(schema)).json()
    assert found["type_errors"]["taux"] == 4 and found["type_errors"]["population"] == 0
    assert found["schema"]["fields"][4] == {"name": "taux", "type": "integer"}


# bad files: a clear message, nothing kept --------------------------------------------------------
@pytest.mark.parametrize(("name", "data", "words"), [
    ("photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "looks binary (a PNG image)"),
    ("dump.bin", bytes(range(256)) * 8, "looks binary"),
    ("empty.csv", b"", "the file is empty (0 bytes)"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "legacy Excel"),
])
def test_a_bad_file_gets_a_clear_message_and_nothing_is_kept(browser, node, name, data, words) -> None:
    response = sniff(browser("karim@hcp.ma"), name, data)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert words in error["message"] and error["context"]["file"] == name and error["hint"]
    assert _tmp(node) == [] and [d["dataset"] for d in node.datasets()] == ["hcp/communes"]


def test_an_unknown_or_wrong_encoding_is_named(browser, node, tmp_path) -> None:
    client = browser("karim@hcp.ma")
    data = communes_csv(tmp_path / "c.csv", encoding="cp1256").read_bytes()
    unknown = sniff(client, "c.csv", data, encoding="klingon").json()["error"]
    assert unknown["context"]["field"] == "encoding" and "unsupported encoding 'klingon'" in unknown["message"]
    wrong = sniff(client, "c.csv", data, encoding="utf-8").json()["error"]
    assert wrong["code"] == "encoding" and wrong["context"]["line"] == 2 and "cp1256" in wrong["hint"]
    assert _tmp(node) == []


# access to the detection -------------------------------------------------------------------------
def test_only_those_who_may_publish_may_sniff(browser) -> None:
    data = b"a;b\n1;2\n"
    anonymous = browser().post("/api/v1/sniff", files={"file": ("a.csv", data)})
    assert anonymous.status_code == 401
    for email in ("amina@hcp.ma", "omar@dgsn.ma"):
        assert sniff(browser(email), "a.csv", data).status_code == 403
    assert sniff(browser("karim@hcp.ma"), "a.csv", data).status_code == 200
    forged = browser("karim@hcp.ma").post("/api/v1/sniff", files={"file": ("a.csv", data)})  # no CSRF header
    assert forged.status_code == 403 and "CSRF" in forged.json()["error"]["message"]


# the upload the wizard makes ---------------------------------------------------------------------
def test_the_wizard_upload_publishes_a_version_with_the_edited_types(browser, node, tmp_path) -> None:
    client = browser("karim@hcp.ma")
    data = communes_csv(tmp_path / "c.csv", encoding="cp1256").read_bytes()
    schema = sniff(client, "c.csv", data).json()["schema"]
    schema["fields"][6] = {"name": "rural", "type": "string"}  # keep oui/non as text
    response = client.post("/api/v1/datasets/hcp/communes-web/versions", headers={"x-csrf-token": _csrf(client)},
                           files={"file": ("communes.csv", data)},
                           data={"title": "Communes", "mode": "replace", "schema": json.dumps(schema)})
    assert response.status_code == 202, response.text
    job = response.json()["job"]
    node.jobs.run(job["id"])
    done = client.get(response.json()["poll"]).json()
    assert done["status"] == "succeeded" and done["progress"] == 1.0
    result = done["result"]
    assert (result["rows_read"], result["rows_written"], result["rows_quarantined"]) == (4, 4, 0)
    version = client.get(f"/api/v1/datasets/hcp/communes-web/versions/{result['version']}").json()
    assert {f["name"]: f["type"] for f in version["schema"]["fields"]}["rural"] == "string"
    assert browser("amina@hcp.ma").get(response.json()["poll"]).status_code == 404  # another's job
