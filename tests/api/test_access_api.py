"""/api/v1/access over HTTP with API tokens: request, decide, read through the grant, revoke;
refusals and bad input in the one error shape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import jazari
from jazari.api.app import create_app
from jazari.governance.actors import Actor
from tests.files import communes_csv
from tests.people import add_people

OP = Actor.operator()
AMINA, KARIM, OMAR = "amina@univ.ma", "karim@hcp.ma", "omar@dgsn.ma"
BODY = {"dataset": "hcp/c", "purpose": "Étude", "intended_use": "cartes", "duration_days": 30}


@pytest.fixture
def client(tmp_path: Path, database_url: str):
    jz = jazari.open(tmp_path / "home", database_url=database_url, env="test")
    add_people(jz, {"hcp": {KARIM: "steward"}, "dgsn": {OMAR: "steward"}}, others=(AMINA,))
    jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/c")
    jz.datasets_service.update(OP, "hcp/c", access_level="restricted")
    with TestClient(create_app(jz, workers=False)) as c:
        c.jz = jz  # type: ignore[attr-defined]
        yield c
    jz.close()


def bearer(client: TestClient, email: str, scopes: tuple[str, ...] = ("read", "write")) -> dict[str, str]:
    actor = client.jz.accounts.actor(email)  # type: ignore[attr-defined]
    _token, secret = client.jz.accounts.create_token(actor, "t", scopes=scopes)  # type: ignore[attr-defined]
    return {"authorization": f"Bearer {secret}"}


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body["error"]) == {"code", "message", "hint", "context"} and body["error"]["code"] == code
    return body["error"]


def test_request_approve_read_revoke(client: TestClient) -> None:
    amina, karim = bearer(client, AMINA), bearer(client, KARIM)
    _error(client.get("/api/v1/datasets/hcp/c/rows", headers=amina), 403, "forbidden")
    created = client.post("/api/v1/access/requests", json=BODY, headers=amina)
    assert created.status_code == 201, created.text
    request = created.json()
    assert (request["status"], request["dataset"], request["requester"]["email"]) == ("pending", "hcp/c", AMINA)
    assert client.get(f"/api/v1/access/requests/{request['id']}", headers=amina).json() == request
    assert [r["id"] for r in client.get("/api/v1/access/requests", params={"status": "pending"},
                                        headers=karim).json()] == [request["id"]]
    until = (datetime.now(UTC) + timedelta(days=7)).replace(microsecond=0)
    approved = client.post(f"/api/v1/access/requests/{request['id']}/approve",
                           json={"expires_at": until.isoformat(), "note": "ok"}, headers=karim)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved" and approved.json()["reason"] == "ok"
    rows = client.get("/api/v1/datasets/hcp/c/rows", headers=amina)
    assert rows.status_code == 200 and rows.json()["rows"][0]["nom_fr"] == "Tanger"
    read = client.jz.audit("hcp/c", limit=1)[0]  # type: ignore[attr-defined]
    assert (read["actor"], read["purpose"], read["details"]["via"]) == (AMINA, "Étude", "token")
    grants = client.get("/api/v1/access/grants", params={"mine": True}, headers=amina).json()
    assert [(g["id"], g["state"], g["expires_at"]) for g in grants] == [
        (approved.json()["grant"], "active", until.isoformat())]
    revoked = client.post(f"/api/v1/access/grants/{grants[0]['id']}/revoke", json={"reason": "fin"}, headers=karim)
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    _error(client.get("/api/v1/datasets/hcp/c/rows", headers=amina), 403, "forbidden")
    assert client.get("/api/v1/access/grants", params={"mine": True}, headers=amina).json() == []
    inactive = client.get("/api/v1/access/grants", params={"all": True, "dataset": "hcp/c"}, headers=karim).json()
    assert [g["revoke_reason"] for g in inactive] == ["fin"]


def test_default_expiry_refusal_and_withdrawal(client: TestClient) -> None:
    amina, karim = bearer(client, AMINA), bearer(client, KARIM)
    first = client.post("/api/v1/access/requests", json=BODY, headers=amina).json()
    _error(client.post("/api/v1/access/requests", json=BODY, headers=amina), 409, "conflict")
    refused = client.post(f"/api/v1/access/requests/{first['id']}/refuse", json={"reason": "non"}, headers=karim)
    assert refused.json()["status"] == "refused"
    mine = client.get("/api/v1/access/requests", params={"mine": "true"}, headers=amina).json()
    assert [(r["status"], r["reason"]) for r in mine] == [("refused", "non")]
    second = client.post("/api/v1/access/requests", json=BODY, headers=amina).json()
    assert client.post(f"/api/v1/access/requests/{second['id']}/withdraw", headers=amina).json()["status"] == \
        "withdrawn"
    third = client.post("/api/v1/access/requests", json=BODY, headers=amina).json()
    approved = client.post(f"/api/v1/access/requests/{third['id']}/approve", headers=karim)  # no body
    assert approved.status_code == 200, approved.text
    grant = client.get("/api/v1/access/grants", headers=karim).json()[0]
    assert abs(datetime.fromisoformat(grant["expires_at"]) - datetime.now(UTC) - timedelta(days=30)) \
        < timedelta(minutes=1)
    given_up = client.post(f"/api/v1/access/grants/{grant['id']}/revoke", headers=amina)  # no body
    assert given_up.status_code == 200 and given_up.json()["revoked_by"] == AMINA


def test_refusals(client: TestClient) -> None:
    amina, karim, omar = bearer(client, AMINA), bearer(client, KARIM), bearer(client, OMAR)
    request = client.post("/api/v1/access/requests", json=BODY, headers=amina).json()
    approve = f"/api/v1/access/requests/{request['id']}/approve"
    read_only = bearer(client, KARIM, ("read",))
    error = _error(client.post(approve, headers=read_only), 403, "forbidden")
    assert "write scope" in error["message"]
    _error(client.post(approve, headers=omar), 404, "not_found")  # another institute's steward
    _error(client.post(approve, headers=amina), 403, "forbidden")  # one's own request
    _error(client.post(approve), 404, "not_found")  # anonymous
    _error(client.get(f"/api/v1/access/requests/{request['id']}", headers=omar), 404, "not_found")
    _error(client.post("/api/v1/access/requests", json=BODY), 404, "not_found")  # anonymous cannot see it
    _error(client.post("/api/v1/access/requests", json={**BODY, "dataset": "hcp/c"},
                       headers=bearer(client, AMINA, ("read",))), 403, "forbidden")
    assert client.get("/api/v1/access/requests", headers=omar).json() == []
    assert client.get("/api/v1/access/requests/1", headers=karim).json()["status"] == "pending"
    assert client.post(approve, json={"days": 3}, headers=karim).status_code == 200
    _error(client.post(approve, headers=karim), 409, "conflict")


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/v1/access/requests", {**BODY, "purpose": ""}, "purpose"),
    ("/api/v1/access/requests", {**BODY, "duration_days": 1000}, "duration_days"),
    ("/api/v1/access/requests", {**BODY, "duration_days": "soon"}, "duration_days"),
    ("/api/v1/access/requests", {k: v for k, v in BODY.items() if k != "intended_use"}, "intended_use"),
    ("/api/v1/access/requests", {**BODY, "dataset": "nope"}, "dataset"),
    ("/api/v1/access/requests/1/approve", {"days": 0}, "days"),
    ("/api/v1/access/requests/1/approve", {"expires_at": "2001-01-01T00:00:00Z"}, "expires_at"),
    ("/api/v1/access/requests/1/approve", {"expires_at": "tomorrow"}, "expires_at"),
    ("/api/v1/access/requests/1/refuse", {}, "reason"),
])
def test_bad_input_names_the_field(client: TestClient, path: str, body: dict, field: str) -> None:
    client.post("/api/v1/access/requests", json=BODY, headers=bearer(client, AMINA))
    response = client.post(path, json=body, headers=bearer(client, KARIM if "approve" in path or "refuse" in path
                                                             else AMINA))
    assert response.status_code in (400, 422), response.text
    assert response.json()["error"]["context"]["field"] == field
    assert client.jz.access.get_request(OP, 1)["status"] == "pending"  # type: ignore[attr-defined]


def test_bad_query_parameters(client: TestClient) -> None:
    karim = bearer(client, KARIM)
    assert _error(client.get("/api/v1/access/requests", params={"status": "x"}, headers=karim),
                  400, "invalid_input")["context"]["field"] == "status"
    assert _error(client.get("/api/v1/access/grants", params={"dataset": "x/y/z"}, headers=karim),
                  400, "invalid_input")["context"]["field"] == "dataset"
    _error(client.get("/api/v1/access/requests/abc", headers=karim), 422, "invalid_input")


def test_a_steward_grants_without_a_request(client: TestClient) -> None:
    body = {"dataset": "hcp/c", "email": AMINA, "purpose": "audit", "days": 5}
    _error(client.post("/api/v1/access/grants", json=body, headers=bearer(client, OMAR)), 403, "forbidden")
    _error(client.post("/api/v1/access/grants", json=body, headers=bearer(client, KARIM, ("read",))),
           403, "forbidden")
    bad = _error(client.post("/api/v1/access/grants", json={**body, "days": None}, headers=bearer(client, KARIM)),
                 400, "invalid_input")
    assert bad["context"]["field"] == "days"
    created = client.post("/api/v1/access/grants", json=body, headers=bearer(client, KARIM))
    assert created.status_code == 201, created.text
    assert (created.json()["grantee"]["email"], created.json()["state"]) == (AMINA, "active")
    assert client.get("/api/v1/datasets/hcp/c/rows", headers=bearer(client, AMINA)).status_code == 200
