"""File datasets of images in a real browser: the data tab's thumbnails and an image campaign's
contributor page load the images from the node (naturalWidth > 0), on a phone too, and reporting the
image records a report of kind `image`."""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path
from typing import Any

from PIL import Image

from tests.browser.conftest import Server, shoot, sign_in

RESEARCHER = "researcher@um5.ma"  # a viewer of um5: reads its institute-level datasets


def file_dataset(server: Server, tmp_path: Path) -> str:
    """A new um5 file dataset (institute level) of three coloured images and one text file."""
    archive = tmp_path / "colours.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name, colour, size in (("rouge.png", (220, 30, 30), (640, 400)), ("vert.jpg", (30, 200, 30), (300, 500)),
                                   ("bleu.webp", (30, 30, 220), (120, 80))):
            data = io.BytesIO()
            Image.new("RGB", size, colour).save(data, {"png": "PNG", "jpg": "JPEG", "webp": "WEBP"}[name.rsplit(".", 1)[1]])
            z.writestr(f"couleurs/{name}", data.getvalue())
        z.writestr("couleurs/lisez-moi.txt", "pas une image")
    ref = f"um5/couleurs-{uuid.uuid4().hex[:8]}"
    result = server.jz.ingest(archive, ref, title="Couleurs")
    assert (result["rows_written"], result["rows_quarantined"]) == (3, 1)
    return ref


def loaded(page: Any, selector: str) -> list[int]:
    """The natural widths of the images matching `selector`, once each has finished loading."""
    page.wait_for_function(f"[...document.querySelectorAll({selector!r})].every(i => i.complete)")
    return page.evaluate(f"[...document.querySelectorAll({selector!r})].map(i => i.naturalWidth)")


def test_the_data_tab_shows_thumbnails(site: Any, server: Server, tmp_path: Path) -> None:
    ref = file_dataset(server, tmp_path)
    sign_in(site, server, RESEARCHER)
    site.goto(f"{server.url}/datasets/{ref}/data?lang=en")
    thumbs = site.locator("#thumbs img")
    assert thumbs.count() == 3
    assert sorted(loaded(site, "#thumbs img")) == [120, 300, 640]
    assert sorted(thumbs.nth(i).get_attribute("alt") for i in range(3)) == [
        "couleurs/bleu.webp", "couleurs/rouge.png", "couleurs/vert.jpg"]
    assert thumbs.first.get_attribute("width") and thumbs.first.get_attribute("height")
    box = thumbs.first.bounding_box()
    assert box is not None and box["width"] <= 170  # a thumbnail, whatever the image's size
    shoot(site, "dataset-images")


def test_an_image_campaign_shows_the_image_and_reports_it(site: Any, server: Server, tmp_path: Path) -> None:
    ref = file_dataset(server, tmp_path)
    campaign = server.jz.create_campaign({
        "title": "Quelle couleur ?", "type": "classify", "dataset": ref, "media_field": "sha256",
        "fields": ["path"], "key_field": "path", "labels": ["rouge", "vert", "bleu"], "contributors": "institute",
        "instructions": {"fr": "La couleur de l'image.", "en": "The colour of the image."}, "gold_rate": 0.0,
    })["id"]
    site.set_viewport_size({"width": 390, "height": 844})  # a phone
    sign_in(site, server, RESEARCHER)
    site.goto(f"{server.url}/campaigns/{campaign}?lang=en")
    picture = site.locator("#item-image")
    assert loaded(site, "#item-image")[0] > 0
    assert picture.get_attribute("alt").startswith("couleurs/")
    box = picture.bounding_box()
    assert box is not None and box["width"] <= 390 and box["height"] <= 844  # fits the phone's screen
    shoot(site, "campaign-image")
    item = site.locator("#answer-form input[name=item]").get_attribute("value")
    site.keyboard.press("r")
    assert "Report this image" in site.locator("#report-box summary").inner_text()
    site.select_option("#report-reason", "offensive")
    site.locator("#report-box button[type=submit]").click()
    site.wait_for_selector(".flash")
    assert site.locator("#answer-form input[name=item]").get_attribute("value") != item
    mine = server.jz.reports(mine=True, actor=server.jz.accounts.actor(RESEARCHER))
    assert {"kind": "image", "ref": f"{campaign}/{item}"}.items() <= mine[0].items()
