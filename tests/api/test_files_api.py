"""GET /api/v1/datasets/{i}/{n}/files/{sha256}: an image of a file dataset to those who may read it, typed
by its bytes and never run as a page; not found for anyone else and for a hash the dataset does not list."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import jazari
from jazari.api.app import create_app
from jazari.governance.actors import Actor
from tests.datasets.test_file_datasets import image, make_zip
from tests.files import communes_csv
from tests.people import add_people

OP = Actor.operator()
KARIM, AMINA, OMAR = "karim@hcp.ma", "amina@hcp.ma", "omar@dgsn.ma"


@pytest.fixture
def client(tmp_path: Path, database_url: str):
    jz = jazari.open(tmp_path / "home", database_url=database_url, env="test")
    add_people(jz, {"hcp": {KARIM: "steward", AMINA: "viewer"}, "dgsn": {OMAR: "steward"}})
    jz.ingest(make_zip(tmp_path / "p.zip", {"a/cat.png": image("PNG", (4, 3)), "dog.jpg": image("JPEG", (6, 2))}),
              "hcp/photos")
    jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/c")
    with TestClient(create_app(jz)) as c:
        c.jz = jz  # type: ignore[attr-defined]
        yield c
    jz.close()


def bearer(client: TestClient, email: str, scopes: tuple[str, ...] = ("read",)) -> dict[str, str]:
    actor = client.jz.accounts.actor(email)  # type: ignore[attr-defined]
    _token, secret = client.jz.accounts.create_token(actor, "t", scopes=scopes)  # type: ignore[attr-defined]
    return {"authorization": f"Bearer {secret}"}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_reader_gets_the_image_with_safe_headers(client: TestClient) -> None:
    url = f"/api/v1/datasets/hcp/photos/files/{sha(image('PNG', (4, 3)))}"
    got = client.get(url, headers=bearer(client, AMINA))
    assert got.status_code == 200, got.text
    assert got.content == image("PNG", (4, 3))
    assert got.headers["content-type"] == "image/png"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-security-policy"].startswith("default-src 'none'")
    assert got.headers["cache-control"] == "no-store"  # the dataset is not public
    assert got.headers["content-disposition"].startswith('inline; filename="cat.png"')
    jpeg = client.get(f"/api/v1/datasets/hcp/photos/files/{sha(image('JPEG', (6, 2)))}?version=1",
                      headers=bearer(client, AMINA))
    assert (jpeg.status_code, jpeg.headers["content-type"]) == (200, "image/jpeg")
    # the read of non-public data is audited, naming the file
    events = client.jz.audit("hcp/photos", actor=OP)  # type: ignore[attr-defined]
    reads = [e for e in events if e["action"] == "read.file"]
    assert {(e["actor"], e["details"]["sha256"]) for e in reads} == {
        (AMINA, sha(image("PNG", (4, 3)))), (AMINA, sha(image("JPEG", (6, 2))))}


def test_who_may_not_see_the_dataset_is_told_it_does_not_exist(client: TestClient) -> None:
    client.jz.datasets_service.update(OP, "hcp/photos", unlisted=True)  # type: ignore[attr-defined]
    url = f"/api/v1/datasets/hcp/photos/files/{sha(image('PNG', (4, 3)))}"
    for headers in ({}, bearer(client, OMAR)):  # anonymous, another institute's steward
        got = client.get(url, headers=headers)
        assert got.status_code == 404, got.text
        assert got.json()["error"]["code"] == "not_found"
    assert client.get(url, headers=bearer(client, AMINA)).status_code == 200  # its institute still reads it
    reads = [e for e in client.jz.audit("hcp/photos", actor=OP) if e["action"] == "read.file"]  # type: ignore[attr-defined]
    assert [e["actor"] for e in reads] == [AMINA]


def test_who_sees_but_may_not_read_learns_nothing_about_the_files(client: TestClient) -> None:
    """An institute-level dataset is listed to other members, not read: the refusal is the same whether
    the hash is one of its files or not."""
    omar = bearer(client, OMAR)
    listed = client.get(f"/api/v1/datasets/hcp/photos/files/{sha(image('PNG', (4, 3)))}", headers=omar)
    unlisted = client.get(f"/api/v1/datasets/hcp/photos/files/{sha(b'other')}", headers=omar)
    assert listed.status_code == unlisted.status_code == 403
    assert listed.json() == unlisted.json()


def test_only_files_the_dataset_lists_are_served(client: TestClient) -> None:
    reader = bearer(client, AMINA)
    other = sha(b"some other bytes")
    for url in (f"/api/v1/datasets/hcp/photos/files/{other}",
                f"/api/v1/datasets/hcp/photos/files/{'A' * 64}",
                "/api/v1/datasets/hcp/photos/files/..%2F..%2Fjazari.db",
                f"/api/v1/datasets/hcp/c/files/{sha(image('PNG', (4, 3)))}",  # a table has no files
                f"/api/v1/datasets/hcp/photos/files/{sha(image('PNG', (4, 3)))}?version=7"):
        got = client.get(url, headers=reader)
        assert got.status_code == 404, (url, got.text)
        assert got.headers["content-type"].startswith("application/json")


def test_a_public_image_may_be_cached(client: TestClient) -> None:
    client.jz.datasets_service.update(OP, "hcp/photos", access_level="public")  # type: ignore[attr-defined]
    got = client.get(f"/api/v1/datasets/hcp/photos/files/{sha(image('PNG', (4, 3)))}")
    assert got.status_code == 200 and got.headers["cache-control"].startswith("public")
    assert not [e for e in client.jz.audit("hcp/photos", actor=OP) if e["action"] == "read.file"]  # type: ignore[attr-defined]


def test_a_file_dataset_through_the_upload_api(client: TestClient, tmp_path: Path) -> None:
    karim = bearer(client, KARIM, ("read", "write"))
    archive = make_zip(tmp_path / "up.zip", {"x.png": image(), "y.txt": b"no"})
    got = client.post("/api/v1/datasets/hcp/uploaded/versions", headers=karim,
                      files={"file": ("up.zip", archive.read_bytes(), "application/zip")})
    assert got.status_code == 202, got.text
    for _ in range(300):
        job = client.get(got.json()["poll"], headers=karim).json()
        if job["status"] in ("succeeded", "failed"):
            break
        time.sleep(0.05)
    assert job["status"] == "succeeded", job
    assert (job["result"]["rows_written"], job["result"]["rows_quarantined"]) == (1, 1)
    assert client.jz.load("hcp/uploaded", actor=OP).column("path").to_pylist() == ["x.png"]  # type: ignore[attr-defined]
