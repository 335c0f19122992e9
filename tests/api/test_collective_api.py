"""The collective routes over HTTP: a campaign from creation to publication, answer ids that make a
retry count once, the one error shape for refusals, reports and moderation."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from jazari.api.app import create_app
from tests.collective.conftest import KARIM, OMAR, PUBLIC, YOUSSEF, prepare, spec


@pytest.fixture
def api(jz, tmp_path: Path):
    prepare(jz, tmp_path)
    headers = {}
    for email in (KARIM, OMAR, YOUSSEF, *PUBLIC[:4]):
        _info, secret = jz.accounts.create_token(jz.accounts.actor(email), "t", scopes=("read", "write"))
        headers[email] = {"authorization": f"Bearer {secret}"}
    client = TestClient(create_app(jz, workers=False))
    yield client, headers
    client.close()


def test_a_campaign_over_http(api) -> None:
    client, h = api
    made = client.post("/api/v1/campaigns", json=spec(min_overlap=2, max_overlap=2), headers=h[KARIM])
    assert made.status_code == 201, made.text
    cid = made.json()["id"]
    assert client.post("/api/v1/campaigns", json=spec(), headers=h[PUBLIC[0]]).status_code == 403
    bad = client.post("/api/v1/campaigns", json=spec(labels=["x"]), headers=h[KARIM])
    assert bad.status_code == 400 and bad.json()["error"]["context"]["field"] == "labels"
    shown = client.get(f"/api/v1/campaigns/{cid}", headers=h[PUBLIC[0]]).json()
    assert [lab["key"] for lab in shown["labels"]] == ["1", "2", "3", "4", "5", "6"]
    assert shown["instructions"]["ar"] == "ما هي الحاجة؟"
    for email in PUBLIC[:2]:
        skipped = []
        while True:
            got = client.get(f"/api/v1/campaigns/{cid}/next", params={"skip": skipped[:1]}, headers=h[email]).json()
            if got["item"] is None:
                break
            body = {"item": got["item"]["id"], "value": "tickets", "answer_id": f"a-{got['item']['id']}"}
            first = client.post(f"/api/v1/campaigns/{cid}/answers", json=body, headers=h[email])
            retry = client.post(f"/api/v1/campaigns/{cid}/answers", json=body, headers=h[email])
            assert (first.status_code, retry.status_code) == (201, 200), (first.text, retry.text)
            assert retry.json()["duplicate"] is True
            skipped.append(got["item"]["id"])
    status = client.get(f"/api/v1/campaigns/{cid}/status", headers=h[KARIM]).json()
    assert status["answers"] == 16 and status["progress"] == 1.0
    assert client.get(f"/api/v1/campaigns/{cid}/status", headers=h[PUBLIC[0]]).status_code == 403
    assert client.get(f"/api/v1/campaigns/{cid}/status", headers=h[OMAR]).status_code == 403
    aggregated = client.post(f"/api/v1/campaigns/{cid}/aggregate", json={"method": "glad"}, headers=h[KARIM]).json()
    assert aggregated["items"] == 8 and {r["answer"] for r in aggregated["results"]} == {"tickets"}
    published = client.post(f"/api/v1/campaigns/{cid}/publish", json={"dataset": "hcp/fans-gold"}, headers=h[KARIM])
    assert published.status_code == 201 and published.json()["version"] == 1
    paused = client.patch(f"/api/v1/campaigns/{cid}", json={"status": "closed"}, headers=h[KARIM])
    assert paused.json()["status"] == "closed"
    closed = client.get(f"/api/v1/campaigns/{cid}/next", headers=h[PUBLIC[2]])
    assert closed.status_code == 409 and set(closed.json()) == {"error"}


def test_reports_and_moderation_over_http(api) -> None:
    client, h = api
    assert client.post("/api/v1/reports", json={"kind": "dataset", "ref": "hcp/fans", "reason": "spam"}).status_code == 401
    for email in PUBLIC[:3]:
        said = client.post("/api/v1/reports", json={"kind": "dataset", "ref": "hcp/fans", "reason": "offensive",
                                                    "locale": "ar"}, headers=h[email])
        assert said.status_code == 201 and "تلقائيًا" in said.json()["message"]
    assert client.get("/api/v1/datasets/hcp/fans").status_code == 404  # hidden from the public
    assert client.get("/api/v1/datasets/hcp/fans", headers=h[YOUSSEF]).status_code == 200  # not from hcp
    queue = client.get("/api/v1/reports", headers=h[KARIM]).json()
    assert queue[0]["state"] == "hidden"
    assert client.get("/api/v1/reports", headers=h[OMAR]).json() == []
    assert client.get("/api/v1/reports").status_code == 401
    refused = client.post(f"/api/v1/reports/{queue[0]['id']}/decision", json={"decision": "restore", "reason": "x"},
                          headers=h[OMAR])
    assert refused.status_code == 404 and set(refused.json()) == {"error"}
    done = client.post(f"/api/v1/reports/{queue[0]['id']}/decision", json={"decision": "restore",
                                                                          "reason": "not offensive"}, headers=h[KARIM])
    assert done.status_code == 200 and done.json()["state"] == "restored"
    assert client.get("/api/v1/datasets/hcp/fans").status_code == 200
    appeal = client.post(f"/api/v1/reports/{queue[0]['id']}/appeal", json={"text": "x"}, headers=h[YOUSSEF])
    assert appeal.status_code == 409  # only a removal is appealed
    told = client.get("/api/v1/notifications", headers=h[KARIM]).json()
    assert [n["kind"] for n in told][:2] == ["moderation.restored", "moderation.hidden"]


def test_bad_input_gets_a_clear_error_never_a_server_error(api) -> None:
    """Unicode look-alike digits, ids past the database's integers, NUL characters (which PostgreSQL's
    text refuses), Tifinagh: each is a 4xx in the one error shape, naming the field."""
    client, h = api
    cid = client.post("/api/v1/campaigns", json=spec(), headers=h[KARIM]).json()["id"]
    item = client.get(f"/api/v1/campaigns/{cid}/next", headers=h[PUBLIC[0]]).json()["item"]["id"]
    cases = [
        ("/api/v1/reports", {"kind": "item", "ref": f"{cid}/²", "reason": "spam"}, PUBLIC[0], "ref"),
        ("/api/v1/reports", {"kind": "item", "ref": f"{cid}/{2**40}", "reason": "spam"}, PUBLIC[0], "ref"),
        ("/api/v1/reports", {"kind": "item", "ref": f"{10**30}/1", "reason": "spam"}, PUBLIC[0], "ref"),
        ("/api/v1/reports", {"kind": "dataset", "ref": "hcp/fans", "reason": "spam", "note": "a\x00b"}, PUBLIC[1],
         "note"),
        (f"/api/v1/campaigns/{cid}/answers", {"item": item, "value": "tickets", "answer_id": "n1", "credit": "a\x00"},
         PUBLIC[0], "credit"),
        (f"/api/v1/campaigns/{cid}/answers", {"item": item, "value": "tickets", "answer_id": "ⵜⴰⵎⴰⵣⵉⵖⵜ"}, PUBLIC[0],
         "answer_id"),
        ("/api/v1/campaigns", spec(title="Fans\x00"), KARIM, "title"),
        ("/api/v1/campaigns", spec(gold_field="truth"), KARIM, "gold_field"),
    ]
    for path, body, who_, field in cases:
        got = client.post(path, json=body, headers=h[who_])
        assert 400 <= got.status_code < 500 and set(got.json()) == {"error"}, (path, body, got.text)
        assert got.json()["error"]["context"].get("field") == field, (body, got.text)
