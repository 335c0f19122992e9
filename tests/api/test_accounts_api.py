"""Accounts over HTTP: bearer tokens with scopes, who am I, institutes and members; a bad token is
refused, never treated as signed out."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import jazari
from jazari.api.app import create_app
from jazari.governance.actors import Actor
from tests.files import communes_csv

OP = Actor.operator()
PASSWORD = "correct horse battery"


@pytest.fixture
def client(tmp_path: Path, database_url: str):
    jz = jazari.open(tmp_path / "home", database_url=database_url, env="test")
    jz.accounts.add_institute(OP, "hcp", names={"fr": "HCP"}, region="04", kind="public_body")
    for email in ("karim@hcp.ma", "salma@hcp.ma", "omar@dgsn.ma"):
        jz.accounts.add_user(OP, email, email.split("@")[0].title(), password=PASSWORD)
    jz.accounts.add_member(OP, "hcp", "karim@hcp.ma", "steward")
    jz.accounts.add_member(OP, "hcp", "salma@hcp.ma", "admin")
    jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/c")
    with TestClient(create_app(jz, workers=False)) as c:
        c.jz = jz  # type: ignore[attr-defined]
        yield c
    jz.close()


def bearer(client: TestClient, email: str, *scopes: str) -> dict[str, str]:
    _info, secret = client.jz.accounts.create_token(client.jz.accounts.actor(email), "t", scopes=scopes or ("read",))
    return {"authorization": f"Bearer {secret}"}


def test_me_says_who_the_token_is(client: TestClient) -> None:
    me = client.get("/api/v1/me", headers=bearer(client, "karim@hcp.ma")).json()
    assert me["email"] == "karim@hcp.ma" and me["memberships"] == {"hcp": "steward"} and me["scopes"] == ["read"]
    assert client.get("/api/v1/me").json()["kind"] == "anonymous"


def test_a_bad_or_revoked_token_is_refused_not_downgraded(client: TestClient) -> None:
    bad = client.get("/api/v1/datasets", headers={"authorization": "Bearer jzt_nope"})
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "unauthenticated"
    headers = bearer(client, "karim@hcp.ma", "read", "write")
    tokens = client.get("/api/v1/tokens", headers=headers).json()
    assert client.delete(f"/api/v1/tokens/{tokens[0]['id']}", headers=headers).json()["state"] == "revoked"
    assert client.get("/api/v1/datasets", headers=headers).status_code == 401


def test_tokens_over_http_cannot_escalate_nor_outlive_their_revocation(client: TestClient) -> None:
    for scopes in (("read",), ("read", "write")):
        parent = bearer(client, "karim@hcp.ma", *scopes)
        refused = client.post("/api/v1/tokens", json={"name": "x", "scopes": ["read"]}, headers=parent)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert len(client.get("/api/v1/tokens", headers=parent).json()) == 2  # only the two made by the account
    bad = client.post("/api/v1/tokens", json={"name": "x", "expires_days": 0}, headers=parent)
    assert bad.status_code == 422 and bad.json()["error"]["context"]["field"] == "expires_days"


def test_a_read_token_cannot_change_a_dataset(client: TestClient) -> None:
    read = client.patch("/api/v1/datasets/hcp/c", json={"access_level": "network"},
                        headers=bearer(client, "karim@hcp.ma", "read"))
    assert read.status_code == 403 and "write scope" in read.json()["error"]["message"]
    ok = client.patch("/api/v1/datasets/hcp/c", json={"access_level": "network", "title": "Communes"},
                      headers=bearer(client, "karim@hcp.ma", "read", "write"))
    assert ok.status_code == 200 and ok.json()["access_level"] == "network" and ok.json()["title"] == "Communes"
    other = client.patch("/api/v1/datasets/hcp/c", json={"access_level": "public"},
                         headers=bearer(client, "omar@dgsn.ma", "read", "write"))
    assert other.status_code == 403


def test_institutes_and_members_over_http(client: TestClient) -> None:
    assert [i["institute"] for i in client.get("/api/v1/institutes").json()] == ["hcp"]
    salma = bearer(client, "salma@hcp.ma", "read", "write")
    added = client.post("/api/v1/institutes/hcp/members", json={"email": "omar@dgsn.ma", "role": "viewer"},
                        headers=salma)
    assert added.status_code == 200 and added.json()["role"] == "viewer"
    karim = bearer(client, "karim@hcp.ma", "read", "write")
    assert client.post("/api/v1/institutes/hcp/members", json={"email": "omar@dgsn.ma", "role": "admin"},
                       headers=karim).status_code == 403
    assert client.get("/api/v1/institutes/hcp/members").status_code == 404  # signed out
    listed = client.get("/api/v1/institutes/hcp/members", headers=karim).json()
    assert {m["email"] for m in listed} == {"karim@hcp.ma", "salma@hcp.ma", "omar@dgsn.ma"}
    assert client.delete("/api/v1/institutes/hcp/members/omar@dgsn.ma", headers=salma).json()["removed"] == "viewer"
    assert client.post("/api/v1/institutes", json={"slug": "x", "names": {"fr": "X"}}, headers=salma).status_code == 403
