"""Accounts: users with argon2 passwords, institutes, memberships, tokens and sessions; the Actor of
each carries exactly the rights the database gives it now."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from jazari.errors import Conflict, Forbidden, InputError, NotFound, RateLimited, Unauthenticated
from jazari.governance.actors import Actor
from jazari.store.database import utcnow
from tests.files import communes_csv

OP = Actor.operator()
PASSWORD = "correct horse battery"


def _people(jz) -> None:
    jz.accounts.add_institute(OP, "hcp", names={"fr": "Haut-Commissariat au Plan", "ar": "المندوبية السامية للتخطيط"},
                              region="4", kind="public_body")
    jz.accounts.add_institute(OP, "dgsn", names={"fr": "DGSN"}, region="04", kind="public_body")
    for email, name in (("amina@hcp.ma", "Amina Alaoui"), ("karim@hcp.ma", "Karim Bennani"),
                        ("omar@dgsn.ma", "Omar Tazi"), ("salma@hcp.ma", "Salma Idrissi")):
        jz.accounts.add_user(OP, email, name, password=PASSWORD)
    jz.accounts.add_member(OP, "hcp", "amina@hcp.ma", "viewer")
    jz.accounts.add_member(OP, "hcp", "karim@hcp.ma", "steward")
    jz.accounts.add_member(OP, "hcp", "salma@hcp.ma", "admin")
    jz.accounts.add_member(OP, "dgsn", "omar@dgsn.ma", "steward")


def test_passwords_are_argon2_hashes_and_never_shown(jz) -> None:
    user, generated = jz.accounts.add_user(OP, " Amina@HCP.ma ", "Amina", locale="ar")
    assert user["email"] == "amina@hcp.ma" and generated and len(generated) >= 16
    assert "password" not in str(user) and "hash" not in str(user)
    with jz.db.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT password_hash FROM users")).scalar_one()
    assert stored.startswith("$argon2id$") and generated not in stored
    secret, actor = jz.accounts.sign_in("AMINA@hcp.ma", generated)
    assert actor.name == "amina@hcp.ma" and actor.user_id and len(secret) >= 40


def test_bad_accounts_are_refused_with_the_field(jz) -> None:
    with pytest.raises(InputError) as bad:
        jz.accounts.add_user(OP, "not-an-email", "X", password=PASSWORD)
    assert bad.value.context["field"] == "email"
    with pytest.raises(InputError) as short:
        jz.accounts.add_user(OP, "a@b.ma", "X", password="short")
    assert short.value.context["field"] == "password"
    with pytest.raises(InputError):
        jz.accounts.add_user(OP, "a@b.ma", "X", password=PASSWORD, locale="de")
    jz.accounts.add_user(OP, "a@b.ma", "X", password=PASSWORD)
    with pytest.raises(Conflict):
        jz.accounts.add_user(OP, "A@b.ma", "Y", password=PASSWORD)
    with pytest.raises(InputError) as region:
        jz.accounts.add_institute(OP, "x", names={"fr": "X"}, region="13")
    assert region.value.context["field"] == "region"
    with pytest.raises(InputError):
        jz.accounts.add_institute(OP, "Bad Slug", names={"fr": "X"})
    with pytest.raises(InputError):
        jz.accounts.add_institute(OP, "x", names={})
    with pytest.raises(InputError):
        jz.accounts.add_institute(OP, "x", names={"fr": "X"}, kind="club")


def test_only_administrators_manage_users_and_institutes(jz) -> None:
    _people(jz)
    karim = jz.accounts.actor("karim@hcp.ma")
    with pytest.raises(Forbidden):
        jz.accounts.add_user(karim, "x@y.ma", "X", password=PASSWORD)
    with pytest.raises(Forbidden):
        jz.accounts.add_institute(karim, "x", names={"fr": "X"})
    with pytest.raises(Forbidden):
        jz.accounts.list_users(karim)
    with pytest.raises(Forbidden):
        jz.accounts.disable_user(karim, "amina@hcp.ma")


def test_institute_admins_manage_their_members_only(jz) -> None:
    _people(jz)
    salma = jz.accounts.actor("salma@hcp.ma")
    karim = jz.accounts.actor("karim@hcp.ma")
    omar = jz.accounts.actor("omar@dgsn.ma")
    jz.accounts.add_member(salma, "hcp", "omar@dgsn.ma", "contributor")
    assert jz.accounts.actor("omar@dgsn.ma").roles == {"dgsn": "steward", "hcp": "contributor"}
    with pytest.raises(Forbidden):  # a steward is not an admin of the institute
        jz.accounts.add_member(karim, "hcp", "amina@hcp.ma", "steward")
    with pytest.raises(Forbidden):  # a steward of B acting on A
        jz.accounts.remove_member(omar, "hcp", "amina@hcp.ma")
    with pytest.raises(InputError):
        jz.accounts.add_member(salma, "hcp", "amina@hcp.ma", "owner")
    members = {m["email"]: m["role"] for m in jz.accounts.list_members(karim, "hcp")}
    assert members == {"amina@hcp.ma": "viewer", "karim@hcp.ma": "steward", "salma@hcp.ma": "admin",
                       "omar@dgsn.ma": "contributor"}
    jz.accounts.remove_member(salma, "hcp", "omar@dgsn.ma")
    with pytest.raises(NotFound):  # not a member of dgsn: the list is not shown
        jz.accounts.list_members(karim, "dgsn")
    actions = [e["action"] for e in jz.audit()]
    assert actions.count("member.add") == 5 and actions.count("member.remove") == 1


def test_roles_decide_what_a_user_can_do_with_a_dataset(jz, tmp_path: Path) -> None:
    _people(jz)
    jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/c")
    amina, karim, omar = (jz.accounts.actor(e) for e in ("amina@hcp.ma", "karim@hcp.ma", "omar@dgsn.ma"))
    assert jz.rows("hcp/c", actor=amina)["total"] == 4  # institute level: a viewer of hcp reads
    with pytest.raises(Forbidden):
        jz.rows("hcp/c", actor=omar)  # another institute's steward sees the metadata, not the rows
    with pytest.raises(Forbidden):
        jz.datasets_service.update(amina, "hcp/c", access_level="public")
    with pytest.raises(Forbidden):
        jz.datasets_service.update(omar, "hcp/c", access_level="public")
    jz.datasets_service.update(karim, "hcp/c", access_level="restricted")
    with pytest.raises(Forbidden):
        jz.rows("hcp/c", actor=amina)  # restricted: named grants (and stewards) only
    assert jz.rows("hcp/c", actor=karim)["total"] == 4
    assert "hcp/c" in [d["dataset"] for d in jz.datasets(actor=omar)]  # listed to signed-in members
    assert "hcp/c" not in [d["dataset"] for d in jz.datasets(actor=Actor.anonymous())]


def test_disabled_users_lose_sessions_and_tokens(jz) -> None:
    _people(jz)
    amina = jz.accounts.actor("amina@hcp.ma")
    _token, secret = jz.accounts.create_token(amina, "notebook", scopes=("read",))
    cookie, _ = jz.accounts.sign_in("amina@hcp.ma", PASSWORD)
    assert jz.accounts.authenticate_token(secret).name == "amina@hcp.ma"
    jz.accounts.disable_user(OP, "amina@hcp.ma")
    with pytest.raises(Unauthenticated):
        jz.accounts.authenticate_token(secret)
    assert jz.accounts.session_actor(cookie) is None
    with pytest.raises(Unauthenticated):
        jz.accounts.sign_in("amina@hcp.ma", PASSWORD)
    with pytest.raises(Unauthenticated):
        jz.accounts.actor("amina@hcp.ma")


def test_tokens_are_hashed_scoped_expiring_and_revocable(jz) -> None:
    _people(jz)
    karim = jz.accounts.actor("karim@hcp.ma")
    info, secret = jz.accounts.create_token(karim, "etl", scopes=("read", "write"), expires_days=30)
    assert secret.startswith("jzt_") and info["prefix"] == secret[:12] and info["state"] == "active"
    with jz.db.engine.connect() as conn:
        assert secret not in str(conn.execute(sa.text("SELECT * FROM api_tokens")).all())
    token_actor = jz.accounts.authenticate_token(secret, client="10.0.0.9")
    assert token_actor.scopes == {"read", "write"} and token_actor.client == "10.0.0.9"
    assert jz.accounts.list_tokens(karim)[0]["last_used_at"] is not None
    _read_info, read_secret = jz.accounts.create_token(karim, "read-only", scopes=("read",))
    reader = jz.accounts.authenticate_token(read_secret)
    with pytest.raises(Forbidden):  # scope escalation: a read token cannot mint a write token ...
        jz.accounts.create_token(reader, "escalate", scopes=("read", "write"))
    with pytest.raises(Forbidden):  # ... and no token mints one that would outlive its revocation
        jz.accounts.create_token(token_actor, "child", scopes=("read",))
    with pytest.raises(Forbidden):  # a signed-in session without write (none today) or a read actor cannot either
        jz.accounts.create_token(Actor(name=karim.name, user_id=karim.user_id, scopes=frozenset({"read"}), via="web"),
                                 "again", scopes=("read",))
    with pytest.raises(InputError):
        jz.accounts.create_token(karim, "x", scopes=("admin",))
    with pytest.raises(NotFound):  # someone else's token
        jz.accounts.revoke_token(jz.accounts.actor("amina@hcp.ma"), info["id"])
    assert jz.accounts.revoke_token(karim, info["id"])["state"] == "revoked"
    with pytest.raises(Unauthenticated):
        jz.accounts.authenticate_token(secret)
    with jz.db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE api_tokens SET expires_at = :t"), {"t": utcnow() - timedelta(seconds=1)})
    with pytest.raises(Unauthenticated) as expired:
        jz.accounts.authenticate_token(read_secret)
    assert "expired" in expired.value.message
    with pytest.raises(Unauthenticated):
        jz.accounts.authenticate_token("jzt_" + "x" * 43)


def test_failed_sign_ins_are_rate_limited_per_account_and_address(jz) -> None:
    _people(jz)
    for _ in range(jz.settings.signin_max_failures):
        with pytest.raises(Unauthenticated):
            jz.accounts.sign_in("amina@hcp.ma", "wrong password!", address="10.0.0.1")
    with pytest.raises(RateLimited):  # even the right password waits
        jz.accounts.sign_in("amina@hcp.ma", PASSWORD, address="10.0.0.2")
    jz.accounts.sign_in("karim@hcp.ma", PASSWORD, address="10.0.0.1")  # other accounts are not locked out
    for i in range(jz.settings.signin_max_failures_address):
        with pytest.raises(Unauthenticated):
            jz.accounts.sign_in(f"nobody{i}@x.ma", "wrong password!", address="10.6.6.6")
    with pytest.raises(RateLimited):
        jz.accounts.sign_in("karim@hcp.ma", PASSWORD, address="10.6.6.6")


def test_unknown_and_wrong_password_give_the_same_answer(jz) -> None:
    _people(jz)
    with pytest.raises(Unauthenticated) as unknown:
        jz.accounts.sign_in("ghost@hcp.ma", PASSWORD)
    with pytest.raises(Unauthenticated) as wrong:
        jz.accounts.sign_in("amina@hcp.ma", "not her password")
    assert unknown.value.message == wrong.value.message


def test_each_sign_in_opens_a_new_session_that_expires(jz) -> None:
    _people(jz)
    first, _ = jz.accounts.sign_in("amina@hcp.ma", PASSWORD)
    second, _ = jz.accounts.sign_in("amina@hcp.ma", PASSWORD)
    assert first != second
    actor, csrf = jz.accounts.session_actor(second)
    assert actor.roles == {"hcp": "viewer"} and len(csrf) >= 40
    jz.accounts.sign_out(second)
    assert jz.accounts.session_actor(second) is None
    with jz.db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE web_sessions SET expires_at = :t"), {"t": utcnow() - timedelta(seconds=1)})
    assert jz.accounts.session_actor(first) is None


def test_the_first_administrator_once(jz) -> None:
    user, password = jz.accounts.first_admin("root@jazari.ma", "Root")
    assert user["is_admin"] and password
    assert jz.accounts.first_admin("root@jazari.ma", "Root") == (jz.accounts.first_admin("root@jazari.ma", "R")[0], None)
    with pytest.raises(Conflict):
        jz.accounts.first_admin("other@jazari.ma", "Other")
    assert jz.accounts.actor("root@jazari.ma").is_admin


def test_changing_a_password_needs_the_current_one_and_ends_sessions(jz) -> None:
    _people(jz)
    amina = jz.accounts.actor("amina@hcp.ma")
    cookie, _ = jz.accounts.sign_in("amina@hcp.ma", PASSWORD)
    with pytest.raises(Unauthenticated):
        jz.accounts.set_password(amina, "amina@hcp.ma", "a brand new secret", current="wrong one!!")
    with pytest.raises(Forbidden):
        jz.accounts.set_password(amina, "karim@hcp.ma", "a brand new secret")
    jz.accounts.set_password(amina, "amina@hcp.ma", "a brand new secret", current=PASSWORD)
    assert jz.accounts.session_actor(cookie) is None
    jz.accounts.sign_in("amina@hcp.ma", "a brand new secret")
