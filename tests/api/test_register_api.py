"""The register and the originals over HTTP: stewards read and write the entry, exports come in
three formats, an original streams back decrypted to stewards only; errors keep the one shape."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import jazari
from jazari.api.app import create_app
from jazari.governance.actors import Actor
from jazari.privacy.policy import PrivacyPolicy
from tests.datasets.test_privacy_ingest import POLICY, people
from tests.governance.test_register import ENTRY

OP = Actor.operator()
PASSWORD = "correct horse battery"
KARIM, AMINA, OMAR = "karim@hcp.ma", "amina@hcp.ma", "omar@dgsn.ma"


@pytest.fixture
def client(tmp_path: Path, database_url: str):
    jz = jazari.open(tmp_path / "home", database_url=database_url, env="test")
    for slug in ("hcp", "dgsn"):
        jz.accounts.add_institute(OP, slug, names={"fr": slug.upper()})
    for email in (KARIM, AMINA, OMAR):
        jz.accounts.add_user(OP, email, email.split("@")[0].title(), password=PASSWORD)
    jz.accounts.add_member(OP, "hcp", KARIM, "steward")
    jz.accounts.add_member(OP, "hcp", AMINA, "viewer")
    jz.accounts.add_member(OP, "dgsn", OMAR, "steward")
    jz.ingest(people(tmp_path, "الناس.csv"), "hcp/people", privacy=PrivacyPolicy.from_dict(POLICY))
    with TestClient(create_app(jz, workers=False)) as c:
        c.jz = jz  # type: ignore[attr-defined]
        c.original = (tmp_path / "الناس.csv").read_bytes()  # type: ignore[attr-defined]
        yield c
    jz.close()


def bearer(client: TestClient, email: str, *scopes: str) -> dict[str, str]:
    _info, secret = client.jz.accounts.create_token(client.jz.accounts.actor(email), "t",
                                                    scopes=scopes or ("read", "write"))
    return {"authorization": f"Bearer {secret}"}


URL = "/api/v1/datasets/hcp/people/register"


def test_stewards_put_and_get_the_entry(client: TestClient) -> None:
    karim = bearer(client, KARIM)
    missing = client.get(URL, headers=karim)
    assert missing.status_code == 404 and "jazari register set" in missing.json()["error"]["hint"]
    put = client.put(URL, headers=karim, json=ENTRY)
    assert put.status_code == 200 and put.json()["updated_by"] == KARIM
    assert client.get(URL, headers=bearer(client, KARIM, "read")).json() == put.json()
    for email, status in ((AMINA, 403), (OMAR, 403)):
        assert client.get(URL, headers=bearer(client, email)).status_code == status
        assert client.put(URL, headers=bearer(client, email), json=ENTRY).status_code == status
    assert client.get(URL).status_code == 404  # not even listed to the signed-out
    bad = client.put(URL, headers=karim, json={**ENTRY, "retention_days": -1})
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "invalid_input" and bad.json()["error"]["context"] == {"field": "retention_days"}
    assert client.put(URL, headers=karim, json=["not", "an", "object"]).status_code == 422


def test_export_formats(client: TestClient) -> None:
    karim = bearer(client, KARIM)
    client.put(URL, headers=karim, json=ENTRY)
    as_json = client.get("/api/v1/register", headers=karim)
    assert as_json.headers["content-type"] == "application/json"
    assert [e["dataset"] for e in as_json.json()] == ["hcp/people"]
    as_csv = client.get("/api/v1/register", params={"format": "csv"}, headers=karim)
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert next(csv.DictReader(io.StringIO(as_csv.text)))["cndp_reference"] == "D-GC-123/2024"
    md = client.get("/api/v1/register", params={"format": "md"}, headers=karim)
    assert md.headers["content-type"].startswith("text/markdown") and "| hcp/people |" in md.text
    assert client.get("/api/v1/register", headers=bearer(client, OMAR)).json() == []
    bad = client.get("/api/v1/register", params={"format": "pdf"}, headers=karim)
    assert bad.status_code == 400 and bad.json()["error"]["context"] == {"field": "format"}


def test_the_original_streams_to_stewards_only(client: TestClient) -> None:
    url = "/api/v1/datasets/hcp/people/versions/1/source"
    got = client.get(url, headers=bearer(client, KARIM))
    assert got.status_code == 200 and got.content == client.original
    assert "filename*=UTF-8''%D8%A7%D9%84%D9%86%D8%A7%D8%B3.csv" in got.headers["content-disposition"]
    assert client.get(url, headers=bearer(client, KARIM, "read")).status_code == 200  # reading it is a read
    assert client.get(url, headers=bearer(client, AMINA)).status_code == 403
    assert client.get(url).status_code == 404
    assert client.get("/api/v1/datasets/hcp/people/versions/1/schema", headers=bearer(client, AMINA)).status_code == 200
    assert client.get("/api/v1/datasets/hcp/people/versions/7/source", headers=bearer(client, KARIM)).status_code == 404
    sources = [e for e in client.jz.audit("hcp/people") if e["action"] == "read.source"]
    assert [(e["actor"], e["version"], e["details"]["via"]) for e in sources] == [(KARIM, 1, "token")] * 2
