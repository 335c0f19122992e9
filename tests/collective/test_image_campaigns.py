"""Image campaigns: a campaign over a file dataset shows each row's image (`media_field: sha256` or
`path`); its contributors read the image through the dataset's own access rule; reporting the image
hides the item like any reported item."""

from __future__ import annotations

from pathlib import Path

import pytest

from jazari.errors import InputError
from tests.collective.conftest import KARIM, OP, PUBLIC, who
from tests.datasets.test_file_datasets import image, make_zip

COLORS = {"red.png": (220, 20, 20), "green.png": (20, 200, 20), "blue.png": (20, 20, 220)}


def photos(jz, tmp_path: Path) -> None:
    """hcp/colors (public): three small images and a text file (set aside)."""
    members = {name: image("PNG", (12, 8), color) for name, color in COLORS.items()}
    jz.ingest(make_zip(tmp_path / "colors.zip", {**members, "notes.txt": b"x"}), "hcp/colors")
    jz.datasets_service.update(OP, "hcp/colors", access_level="public")


def image_spec(**overrides):
    base = {"title": "Which colour?", "type": "classify", "dataset": "hcp/colors", "media_field": "sha256",
            "fields": ["path"], "key_field": "path", "labels": ["red", "green", "blue"], "contributors": "public",
            "instructions": {"en": "The colour of the image"}, "min_overlap": 2, "max_overlap": 3, "gold_rate": 0.0}
    return {**base, **overrides}


def test_next_gives_the_image_and_its_contributor_may_read_it(node, tmp_path: Path) -> None:
    jz = node
    photos(jz, tmp_path)
    campaign = jz.create_campaign(image_spec(), actor=who(jz, KARIM))
    assert (campaign["items"], campaign["media_field"]) == (3, "sha256")
    fan = who(jz, PUBLIC[0])
    got = jz.campaign_next(campaign["id"], actor=fan)
    payload = got["item"]["payload"]
    assert set(payload) == {"path", "sha256"} and payload["path"] in COLORS
    info, stream = jz.file("hcp/colors", payload["sha256"], campaign["version"], actor=fan)
    with stream:
        assert stream.read() == image("PNG", (12, 8), COLORS[payload["path"]])
    assert info["media_type"] == "image/png"
    by_path = jz.create_campaign(image_spec(media_field="path", title="By path"), actor=who(jz, KARIM))
    assert set(jz.campaign_next(by_path["id"], actor=fan)["item"]["payload"]) == {"path", "sha256"}


def test_media_field_is_checked_against_the_version(node, tmp_path: Path) -> None:
    jz = node
    photos(jz, tmp_path)
    with pytest.raises(InputError) as caught:
        jz.create_campaign(image_spec(media_field="width"), actor=who(jz, KARIM))
    assert caught.value.context["field"] == "media_field" and "sha256 or path" in caught.value.message
    with pytest.raises(InputError) as caught:  # hcp/fans is a table: it has no images
        jz.create_campaign(image_spec(dataset="hcp/fans", fields=["text"], key_field="id"), actor=who(jz, KARIM))
    assert caught.value.context["field"] == "media_field" and "not a file dataset" in caught.value.message


def test_reporting_the_image_hides_the_item(node, tmp_path: Path) -> None:
    jz = node
    photos(jz, tmp_path)
    campaign = jz.create_campaign(image_spec(max_overlap=10), actor=who(jz, KARIM))
    item = jz.campaign_next(campaign["id"], actor=who(jz, PUBLIC[4]))["item"]["id"]
    for email in PUBLIC[:3]:
        done = jz.report("image", f"{campaign['id']}/{item}", "offensive", actor=who(jz, email))
        assert done["content"] == {"kind": "image", "ref": f"{campaign['id']}/{item}"}
    served = {jz.campaign_next(campaign["id"], actor=who(jz, p))["item"]["id"] for p in PUBLIC[3:8]}
    assert item not in served
    queue = jz.reports(actor=who(jz, KARIM))
    assert [(c["kind"], c["state"]) for c in queue if c["ref"] == f"{campaign['id']}/{item}"] == [("image", "hidden")]
