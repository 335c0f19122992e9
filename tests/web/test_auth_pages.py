"""Signing in and out, the account page and its tokens, as a browser uses them: cookies, CSRF,
rate limits, redirects; on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import jazari
from jazari.api.app import create_app
from jazari.web.render import safe_next
from tests.web.conftest import PASSWORD, csrf_of, events, sign_in


def _cookie_header(response, name: str) -> str:
    found = [c for c in response.headers.get_list("set-cookie") if c.startswith(f"{name}=")]
    assert found, f"no {name} cookie set"
    return found[0]


def test_sign_in_sets_a_strict_cookie_and_a_new_session_over_a_planted_one(browser) -> None:
    attacker = browser("omar@dgsn.ma")
    planted = attacker.cookies["jazari_session"]
    victim = browser()
    victim.cookies.set("jazari_session", planted, domain="testserver.local")  # a session id the attacker knows
    response = sign_in(victim, "amina@hcp.ma", next_url="/account")
    assert response.status_code == 303 and response.headers["location"] == "/account"
    cookie = _cookie_header(response, "jazari_session")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Max-Age=43200" in cookie and "Secure" not in cookie  # 12 hours; plain HTTP outside prod
    fresh = victim.cookies["jazari_session"]
    assert fresh != planted
    page = victim.get("/account")
    assert page.status_code == 200 and "amina@hcp.ma" in page.text and "Amina Viewer" in page.text
    assert attacker.get("/account").status_code == 401  # the planted session no longer exists


def test_the_session_cookie_is_secure_when_configured(tmp_path: Path, database_url: str) -> None:
    jz = jazari.open(tmp_path / "home", database_url=database_url, env="test", cookie_secure=True,
                     session_hours=1)
    try:
        jz.accounts.add_user(jz.actor, "amina@hcp.ma", "Amina", password=PASSWORD)
        client = TestClient(create_app(jz, workers=False), base_url="https://testserver", follow_redirects=False)
        assert "Secure" in _cookie_header(client.get("/sign-in"), "jazari_csrf")
        cookie = _cookie_header(sign_in(client, "amina@hcp.ma"), "jazari_session")
        assert "Secure" in cookie and "Max-Age=3600" in cookie
    finally:
        jz.close()


def test_a_wrong_password_is_refused_with_a_message_and_no_session(browser) -> None:
    client = browser()
    response = sign_in(client, "amina@hcp.ma", "not the password")
    assert response.status_code == 401
    assert "Wrong email or password" in response.text and 'role="alert"' in response.text
    assert "jazari_session" not in client.cookies
    assert 'value="amina@hcp.ma"' in response.text  # the email stays filled in
    unknown = sign_in(client, "nobody@hcp.ma", "whatever it is")
    assert unknown.status_code == 401 and "Wrong email or password" in unknown.text


def test_an_empty_form_names_what_is_missing(browser) -> None:
    response = sign_in(browser(), "", "")
    assert response.status_code == 400 and "Enter your email and your password" in response.text


def test_the_sixth_failure_is_rate_limited_even_with_the_right_password(browser) -> None:
    client = browser()
    for _ in range(5):
        assert sign_in(client, "karim@hcp.ma", "wrong password!").status_code == 401
    sixth = sign_in(client, "karim@hcp.ma", PASSWORD)
    assert sixth.status_code == 429 and "Too many failed sign-ins" in sixth.text
    assert "jazari_session" not in client.cookies
    assert sign_in(browser(), "amina@hcp.ma").status_code == 303  # another account is not paused


def test_sign_out_ends_the_session_on_the_server(browser) -> None:
    client = browser("amina@hcp.ma")
    old = client.cookies["jazari_session"]
    page = client.get("/account")
    response = client.post("/sign-out", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert 'jazari_session=""' in _cookie_header(response, "jazari_session")  # deleted in the browser
    replay = browser()
    replay.cookies.set("jazari_session", old, domain="testserver.local")  # a copy of the cookie kept somewhere
    assert replay.get("/account").status_code == 401
    home = replay.get("/")
    assert home.status_code == 200 and "/sign-in" in home.text and "Sign out" not in home.text


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_every_form_refuses_a_missing_or_wrong_csrf_token(browser, node, token) -> None:
    admin = browser("admin@hcp.ma")
    karim = browser("karim@hcp.ma")
    omar = browser("omar@dgsn.ma")
    request = node.request_access("hcp/communes", purpose="study", intended_use="tables", duration_days=30,
                                  actor=node.accounts.actor("omar@dgsn.ma"))
    tokens = node.accounts.create_token(node.accounts.actor("admin@hcp.ma"), "kept")[0]
    posts = [
        (admin, "/account/tokens", {"name": "laptop", "scopes": "read", "expires_days": "30"}),
        (admin, f"/account/tokens/{tokens['id']}/revoke", {}),
        (admin, "/institutes/hcp/members", {"email": "nadia@hcp.ma", "role": "viewer"}),
        (admin, "/institutes/hcp/members/remove", {"email": "amina@hcp.ma"}),
        (karim, "/datasets/hcp/communes/access", {"access_level": "restricted"}),
        (karim, f"/access/requests/{request['id']}/approve", {"days": "10"}),
        (karim, f"/access/requests/{request['id']}/refuse", {"reason": "no"}),
        (omar, f"/access/requests/{request['id']}/withdraw", {}),
        (admin, "/sign-out", {}),
    ]
    before = events(node)
    for client, url, data in posts:
        if token is not None:
            data = {**data, "csrf_token": token}
        response = client.post(url, data=data)
        assert response.status_code == 403, url
        assert "CSRF" in response.text and "<html" in response.text, url
    assert events(node) == before  # nothing changed: every change writes an audit event
    assert admin.get("/account").status_code == 200  # still signed in
    assert node.access.get_request(node.actor, request["id"])["status"] == "pending"
    signed_out = browser()
    signed_out.get("/sign-in")  # has its double-submit cookie, but the field is missing or wrong
    refused = signed_out.post("/sign-in", data={"email": "amina@hcp.ma", "password": PASSWORD,
                                                **({"csrf_token": token} if token else {})})
    assert refused.status_code == 403 and "jazari_session" not in signed_out.cookies


def test_a_token_made_in_the_web_is_shown_once_works_and_can_be_revoked(browser, node) -> None:
    client = browser("amina@hcp.ma")
    page = client.get("/account")
    created = client.post("/account/tokens", data={"csrf_token": csrf_of(page.text), "name": "notebook",
                                                   "scopes": "read", "expires_days": "30"})
    assert created.status_code == 200 and created.headers["cache-control"] == "no-store"
    secret = re.search(r'value="(jzt_[^"]+)"', created.text).group(1)
    account = client.get("/account")
    assert secret not in account.text and secret[:12] in account.text and "notebook" in account.text
    api = browser()
    listed = api.get("/api/v1/datasets", headers={"authorization": f"Bearer {secret}"})
    assert listed.status_code == 200 and [d["dataset"] for d in listed.json()] == ["hcp/communes"]
    rows = api.get("/api/v1/datasets/hcp/communes/rows", headers={"authorization": f"Bearer {secret}"})
    assert rows.status_code == 200 and rows.json()["total"] == 4
    token_id = node.accounts.list_tokens(node.accounts.actor("amina@hcp.ma"))[0]["id"]
    revoked = client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf_of(account.text)})
    assert revoked.status_code == 303 and revoked.headers["location"] == "/account#tokens"
    after = client.get("/account")
    assert "Token notebook revoked." in after.text and "revoked" in after.text
    assert api.get("/api/v1/datasets", headers={"authorization": f"Bearer {secret}"}).status_code == 401
    assert client.get("/account").text.count("Token notebook revoked.") == 0  # a flash is shown once


@pytest.mark.parametrize(("data", "field"), [
    ({"name": "x", "scopes": "read", "expires_days": "soon"}, "expires_days"),
    ({"name": "x", "scopes": "read", "expires_days": "0"}, "expires_days"),
    ({"name": "", "scopes": "read", "expires_days": "30"}, "name"),
    ({"name": "x", "scopes": "admin", "expires_days": "30"}, "scopes"),
    ({"name": "x", "expires_days": "30"}, "scopes"),
])
def test_bad_token_forms_name_the_field(browser, node, data, field) -> None:
    client = browser("amina@hcp.ma")
    response = client.post("/account/tokens", data={**data, "csrf_token": csrf_of(client.get("/account").text)})
    assert response.status_code == 400 and field in response.text
    assert node.accounts.list_tokens(node.accounts.actor("amina@hcp.ma")) == []


def test_a_read_token_cannot_make_tokens_through_the_forms(browser, node) -> None:
    _, secret = node.accounts.create_token(node.accounts.actor("amina@hcp.ma"), "ro", scopes=("read",))
    response = browser().post("/account/tokens", headers={"authorization": f"Bearer {secret}"},
                              data={"name": "more", "scopes": "write", "expires_days": "30"})
    assert response.status_code == 403
    assert [t["name"] for t in node.accounts.list_tokens(node.accounts.actor("amina@hcp.ma"))] == ["ro"]


def test_the_account_page_needs_a_sign_in_and_offers_one_that_comes_back(browser) -> None:
    response = browser().get("/account")
    assert response.status_code == 401
    assert 'href="/sign-in?next=%2Faccount"' in response.text


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "\\\\evil",
                                    "javascript:alert(1)", "/ok\nLocation: x", "", "evil.example"])
def test_the_redirect_after_sign_in_stays_on_the_site(browser, target) -> None:
    client = browser()
    form = client.get("/sign-in", params={"next": target})
    assert 'name="next" value="/"' in form.text
    response = sign_in(client, "amina@hcp.ma", next_url=target)
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_local_redirects_are_kept() -> None:
    assert safe_next("/datasets/hcp/communes?version=2") == "/datasets/hcp/communes?version=2"
    assert safe_next("/account#tokens") == "/account#tokens"
    assert safe_next("///evil.example") == "/"
