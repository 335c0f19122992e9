"""A token's Actor is remembered for a moment (governance/token_actors.py): a change made through this
node takes effect at the next request; one made by another process within the TTL; an expiry at once."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

import jazari
from jazari.errors import Unauthenticated
from jazari.governance import token_actors
from jazari.governance.actors import Actor
from jazari.store.database import utcnow

OP = Actor.operator()
PASSWORD = "correct horse battery"


def _token(jz, email: str = "amina@hcp.ma") -> str:
    jz.accounts.add_institute(OP, "hcp", names={"fr": "HCP"})
    jz.accounts.add_user(OP, email, "Amina", password=PASSWORD)
    jz.accounts.add_member(OP, "hcp", email, "viewer")
    _info, secret = jz.accounts.create_token(jz.accounts.actor(email), "notebook", scopes=("read", "write"))
    return secret


def _statements(jz) -> list[str]:
    seen: list[str] = []
    sa.event.listen(jz.db.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen


def test_a_token_used_again_is_not_read_from_the_database_and_keeps_its_client(jz) -> None:
    secret = _token(jz)
    first = jz.accounts.authenticate_token(secret, client="10.0.0.1")
    seen = _statements(jz)
    again = jz.accounts.authenticate_token(secret, client="10.0.0.2")
    assert seen == [] and again.name == first.name == "amina@hcp.ma"
    assert (first.client, again.client, again.via) == ("10.0.0.1", "10.0.0.2", "token")
    assert jz.accounts.remembered_token_actor(secret, client="10.0.0.3").client == "10.0.0.3"
    assert jz.accounts.remembered_token_actor("jzt_" + "x" * 43) is None  # never seen: the database decides


def test_changes_made_through_this_node_take_effect_at_the_next_request(jz) -> None:
    secret = _token(jz)
    assert jz.accounts.authenticate_token(secret).roles == {"hcp": "viewer"}
    jz.accounts.add_member(OP, "hcp", "amina@hcp.ma", "steward")  # a role
    assert jz.accounts.authenticate_token(secret).roles == {"hcp": "steward"}
    with jz.db.engine.begin() as conn:  # a write in plain SQL is seen too
        conn.execute(sa.text("DELETE FROM memberships"))
    assert jz.accounts.authenticate_token(secret).roles == {}
    token_id = jz.accounts.list_tokens(jz.accounts.actor("amina@hcp.ma"))[0]["id"]
    jz.accounts.revoke_token(jz.accounts.actor("amina@hcp.ma"), token_id)
    with pytest.raises(Unauthenticated, match="revoked"):
        jz.accounts.authenticate_token(secret)
    assert jz.accounts.remembered_token_actor(secret) is None


def test_a_change_made_by_another_process_takes_effect_within_the_ttl(jz) -> None:
    secret = _token(jz)
    jz.accounts.authenticate_token(secret)
    other = jazari.open(jz.settings.home, database_url=jz.db.url, env="test")  # the command line, say
    try:
        other.accounts.disable_user(OP, "amina@hcp.ma")
    finally:
        other.close()
    assert jz.accounts.authenticate_token(secret).name == "amina@hcp.ma"  # remembered: at most TTL seconds
    time.sleep(token_actors.TTL)
    with pytest.raises(Unauthenticated, match="disabled"):
        jz.accounts.authenticate_token(secret)


def test_a_remembered_token_is_refused_at_once_when_it_expires(jz) -> None:
    secret = _token(jz)
    jz.accounts.authenticate_token(secret)
    with jz.db.engine.begin() as conn:  # expires in a moment (a write from this node: forgets the Actor)
        conn.execute(sa.text("UPDATE api_tokens SET expires_at = :t"), {"t": utcnow() + timedelta(seconds=0.5)})
    jz.accounts.authenticate_token(secret)  # remembered again, with that expiry
    time.sleep(0.6)
    assert jz.accounts.remembered_token_actor(secret) is None  # within the TTL, yet expired
    with pytest.raises(Unauthenticated, match="expired"):
        jz.accounts.authenticate_token(secret)
