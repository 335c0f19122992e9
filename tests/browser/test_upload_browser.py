"""The upload wizard in a real browser: a steward picks a cp1256 `;` CSV, sees the detected encoding and
delimiter, changes a column's type (the sample is checked again), watches both progress bars reach
100 %, lands on the result with the row counts, and finds the new version on the dataset page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import Server, shoot, sign_in
from tests.files import COMMUNES_HEADER, write_csv

ROWS = 60_000  # about 3.5 MB: more than the 1 MiB the wizard looks at
DATASET = "hcp/upload-wizard-test"

WATCH = """() => {
  window.__seen = {"upload-progress": [], "ingest-progress": []};
  for (const id of Object.keys(window.__seen)) {
    const bar = document.getElementById(id);
    new MutationObserver(() => window.__seen[id].push(bar.value))
      .observe(bar, {childList: true, characterData: true, subtree: true});
  }
}"""


def _file(folder: Path) -> Path:
    rows = [[f"{i:06d}", f"Commune {i}", "مدينة القصر", f"{i % 9000} {i % 1000:03d}", f"{i % 97},{i % 10}",
             "12/03/2024", "oui" if i % 2 else "non"] for i in range(ROWS)]
    return write_csv(folder / "communes-cp1256.csv", COMMUNES_HEADER, rows, encoding="cp1256")


def _type(page: Any, column: int, value: str) -> None:
    """Change a column's type and wait for the sample to be checked again."""
    page.select_option(f"#type-{column}", value)
    page.wait_for_function("!document.getElementById('wizard').hasAttribute('aria-busy')")


def test_a_steward_uploads_a_file_through_the_wizard(site: Any, server: Server, tmp_path: Path) -> None:
    sign_in(site, server, "steward@hcp.ma")
    site.goto(f"{server.url}/upload?lang=en")
    assert site.locator("#wizard").is_visible()

    # 1. choose
    site.set_input_files("#file", str(_file(tmp_path)))
    site.fill("#name", DATASET.split("/")[1])
    site.fill("#title", "Wizard upload")
    site.click("#choose button[type=submit]")

    # 2. check what was detected
    site.wait_for_selector("#found-format:has-text('csv')")
    assert site.input_value("#encoding") == "cp1256" and site.input_value("#delimiter") == ";"
    assert "first 1 MiB" in site.inner_text("#check-status")
    assert site.locator("#sample tbody tr").count() == 10
    assert site.input_value("#type-4") == "number"  # taux: French decimals
    _type(site, 4, "integer")
    site.wait_for_selector("#columns tbody tr:nth-child(5) td.misfit")
    assert "do not fit" in site.inner_text("#columns tbody tr:nth-child(5)")
    _type(site, 4, "number")
    site.wait_for_selector("#columns tbody tr:nth-child(5) td.fit")
    _type(site, 6, "string")  # rural: keep oui/non as text
    site.evaluate("window.scrollTo(0, 0)")
    shoot(site, "upload-wizard")

    # 3. upload, with its progress bars
    site.evaluate(WATCH)
    site.click("#send")
    site.wait_for_selector("#step-result:not([hidden])", timeout=60_000)
    seen = site.evaluate("window.__seen")
    for bar in ("upload-progress", "ingest-progress"):
        assert seen[bar] and seen[bar][-1] == 100, (bar, seen[bar])
        assert seen[bar] == sorted(seen[bar]), (bar, seen[bar])  # it only moves forward
    assert site.evaluate("document.getElementById('ingest-progress').value") == 100

    # 4. the result
    assert site.locator("#result-error").is_hidden(), site.inner_text("#result-error")
    assert site.inner_text("#rows-read") == f"{ROWS:,}" and site.inner_text("#rows-written") == f"{ROWS:,}"
    assert site.inner_text("#rows-quarantined") == "0"
    assert "version 1 of hcp/upload-wizard-test is published" in site.inner_text("#result-status")
    site.click("#result-link")
    site.wait_for_load_state()
    assert site.url.endswith(f"/datasets/{DATASET}?version=1")
    assert DATASET in site.content()
    versions = server.jz.versions(DATASET)
    assert [v["version"] for v in versions] == [1]
    schema = server.jz.version(DATASET, 1)["schema"]
    assert {f["name"]: f["type"] for f in schema["fields"]}["rural"] == "string"


def test_a_binary_file_is_refused_at_the_second_step(site: Any, server: Server, tmp_path: Path) -> None:
    sign_in(site, server, "steward@hcp.ma")
    site.goto(f"{server.url}/upload?lang=en")
    picture = tmp_path / "photo.csv"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    site.set_input_files("#file", str(picture))
    site.fill("#name", "never-made")
    site.click("#choose button[type=submit]")
    site.wait_for_selector("#check-error:not([hidden])")
    assert "looks binary (a PNG image)" in site.inner_text("#check-error")
    assert site.locator("#send").is_disabled()
    assert "hcp/never-made" not in [d["dataset"] for d in server.jz.datasets()]


def test_a_viewer_is_told_who_can_upload(site: Any, server: Server) -> None:
    sign_in(site, server, "researcher@um5.ma")
    response = site.goto(f"{server.url}/upload?lang=en")
    assert response.status == 403
    assert site.get_by_text("You may not publish in any institute.").is_visible()
    assert site.locator("#wizard").count() == 0


def test_a_zip_of_images_goes_straight_to_the_upload(site: Any, server: Server, tmp_path: Path) -> None:
    """An archive of images has no table to look at: the wizard says what becomes of it, uploads it,
    and the result counts the images (a file that is not an image is set aside)."""
    import io
    import zipfile

    from PIL import Image

    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for n, colour in enumerate(("red", "green")):
            data = io.BytesIO()
            Image.new("RGB", (16 + n, 12), colour).save(data, "PNG")
            zf.writestr(f"douar/photo-{n}.png", data.getvalue())
        zf.writestr("douar/notes.txt", "pas une image")
    sign_in(site, server, "steward@hcp.ma")
    site.goto(f"{server.url}/upload?lang=fr")
    site.set_input_files("#file", str(archive))
    site.fill("#name", "photos-wizard-test")
    site.click("#choose button[type=submit]")
    site.wait_for_selector("#images-note:not([hidden])")
    assert "chaque image devient une ligne" in site.inner_text("#images-note")
    assert site.locator("#reading").is_hidden() and site.locator("#columns").is_hidden()
    site.click("#send")
    site.wait_for_selector("#step-result:not([hidden])", timeout=60_000)
    assert site.locator("#result-error").is_hidden(), site.inner_text("#result-error")
    assert site.inner_text("#rows-written") == "2" and site.inner_text("#rows-quarantined") == "1"
    rows = server.jz.rows("hcp/photos-wizard-test")["rows"]
    assert sorted((r["path"], r["width"]) for r in rows) == [("douar/photo-0.png", 16), ("douar/photo-1.png", 17)]
