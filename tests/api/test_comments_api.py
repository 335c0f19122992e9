"""The discussion over HTTP: post, list, edit, delete with their statuses, the one error shape for bad
input and refusals, a restricted dataset not found by outsiders, reports of comments and the
moderation queue that shows their text."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from jazari.api.app import create_app
from tests.collective.conftest import KARIM, OMAR, OP, PUBLIC, prepare

URL = "/api/v1/datasets/hcp/fans/comments"


@pytest.fixture
def api(jz, tmp_path: Path):
    prepare(jz, tmp_path)
    headers = {}
    for email in (KARIM, OMAR, *PUBLIC[:4]):
        _info, secret = jz.accounts.create_token(jz.accounts.actor(email), "t", scopes=("read", "write"))
        headers[email] = {"authorization": f"Bearer {secret}"}
    _info, secret = jz.accounts.create_token(jz.accounts.actor(PUBLIC[0]), "r", scopes=("read",))
    headers["reader"] = {"authorization": f"Bearer {secret}"}
    client = TestClient(create_app(jz, workers=False))
    yield client, headers
    client.close()


def test_the_discussion_over_http(api) -> None:
    client, h = api
    made = client.post(URL, json={"body": "La colonne truth est vide"}, headers=h[PUBLIC[0]])
    assert made.status_code == 201, made.text
    cid = made.json()["id"]
    reply = client.post(URL, json={"body": "C'est voulu", "reply_to": cid}, headers=h[KARIM])
    assert reply.status_code == 201 and reply.json()["reply_to"] == cid
    shown = client.get(URL)  # anyone may read the discussion of a public dataset
    assert shown.status_code == 200
    assert [(c["body"], [r["body"] for r in c["replies"]]) for c in shown.json()["comments"]] == [
        ("La colonne truth est vide", ["C'est voulu"])]
    edited = client.patch(f"{URL}/{cid}", json={"body": "La colonne truth est vide (8 lignes)"}, headers=h[PUBLIC[0]])
    assert edited.status_code == 200 and edited.json()["edited_at"]
    assert client.patch(f"{URL}/{cid}", json={"body": "x"}, headers=h[PUBLIC[1]]).status_code == 403
    assert client.delete(f"{URL}/{cid}", headers=h[PUBLIC[1]]).status_code == 403
    gone = client.delete(f"{URL}/{cid}", headers=h[PUBLIC[0]])
    assert gone.status_code == 200 and gone.json() == {"dataset": "hcp/fans", "comment": cid, "deleted": True,
                                                       "by": "author"}
    assert client.delete(f"{URL}/{cid}", headers=h[PUBLIC[0]]).status_code == 404
    page = client.get(URL, params={"limit": 1}).json()
    assert page["comments"][0]["deleted"] and page["comments"][0]["body"] is None and page["count"] == 1


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"body": ""}, 400, "body"), ({"body": "x" * 5001}, 400, "body"), ({"body": "a\u0000b"}, 400, "body"),
    ({}, 400, "body"), ({"body": ["a"]}, 400, "body"), ({"body": "ok", "reply_to": 999}, 400, "reply_to"),
    ({"body": "ok", "reply_to": 0}, 422, None), ({"body": "ok", "reply_to": 2**40}, 422, None),
])
def test_bad_input_gets_the_one_error_shape(api, body, status, field) -> None:
    client, h = api
    answer = client.post(URL, json=body, headers=h[PUBLIC[0]])
    assert answer.status_code == status, answer.text
    if field:
        assert answer.json()["error"]["context"]["field"] == field


def test_a_lone_surrogate_is_bad_input_not_a_server_error(api) -> None:
    # JSON may escape half a surrogate pair; no database can store it as UTF-8
    client, h = api
    bad = {"content": b'{"body": "a\\ud800b"}', "headers": {**h[PUBLIC[0]], "content-type": "application/json"}}
    answer = client.post(URL, **bad)
    assert answer.status_code == 400 and answer.json()["error"]["context"]["field"] == "body", answer.text
    cid = client.post(URL, json={"body": "bien"}, headers=h[PUBLIC[0]]).json()["id"]
    answer = client.patch(f"{URL}/{cid}", **bad)
    assert answer.status_code == 400 and answer.json()["error"]["context"]["field"] == "body", answer.text


def test_refusals_and_unknown_things(api, jz) -> None:
    client, h = api
    assert client.post(URL, json={"body": "anonyme"}).status_code == 401
    assert client.post(URL, json={"body": "lecture seule"}, headers=h["reader"]).status_code == 403
    assert client.get("/api/v1/datasets/hcp/nothing/comments").status_code == 404
    assert client.get("/api/v1/datasets/HCP!/fans/comments").status_code == 400
    assert client.get(URL, params={"limit": 0}).status_code == 422
    assert client.patch(f"{URL}/99999999999", json={"body": "x"}, headers=h[PUBLIC[0]]).status_code == 422
    jz.datasets_service.update(OP, "hcp/fans", access_level="restricted", unlisted=True)
    for headers in ({}, h[OMAR], h[PUBLIC[1]]):
        assert client.get(URL, headers=headers).status_code == 404
        assert client.post(URL, json={"body": "je peux ?"}, headers=headers).status_code == 404
    assert client.post(URL, json={"body": "question"}, headers=h[KARIM]).status_code == 201


def test_a_reported_comment_is_hidden_and_its_text_is_in_the_queue(api) -> None:
    client, h = api
    cid = client.post(URL, json={"body": "Des insultes <script>"}, headers=h[PUBLIC[0]]).json()["id"]
    for email in PUBLIC[1:4]:
        sent = client.post("/api/v1/reports", json={"kind": "comment", "ref": str(cid), "reason": "offensive",
                                                    "locale": "ar"}, headers=h[email])
        assert sent.status_code == 201 and "سيُحجب هذا التعليق تلقائيًا" in sent.json()["message"]
    assert client.get(URL).json()["count"] == 0
    mine = client.get(URL, headers=h[PUBLIC[0]]).json()["comments"]
    assert mine[0]["hidden"] is True and mine[0]["body"] == "Des insultes <script>"
    queue = client.get("/api/v1/reports", headers=h[KARIM]).json()
    assert queue[0]["kind"] == "comment" and queue[0]["texts"][0]["text"] == "Des insultes <script>"
    assert client.get("/api/v1/reports", headers=h[OMAR]).json() == []
