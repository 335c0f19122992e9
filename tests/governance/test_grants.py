"""Access requests and grants: a member asks, a steward of the owner decides, the grant lets them
read until it expires or is revoked; every change of rights is audited; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from jazari.errors import Conflict, Forbidden, InputError, NotFound, Unauthenticated
from jazari.governance.actors import Actor
from tests.files import communes_csv

OP = Actor.operator()
AMINA = "amina@univ.ma"  # a researcher outside the owning institute
KARIM = "karim@hcp.ma"  # steward of hcp
VERA = "vera@hcp.ma"  # viewer of hcp
OMAR = "omar@dgsn.ma"  # steward of dgsn
PASSWORD = "correct horse battery"


@pytest.fixture
def node(jz, tmp_path: Path):
    """hcp/c (institute level) and hcp/r (restricted), two institutes and their people."""
    for slug, name in (("hcp", "Haut-Commissariat au Plan"), ("dgsn", "Sûreté nationale"), ("univ", "Université")):
        jz.accounts.add_institute(OP, slug, names={"fr": name})
    for email, name in ((AMINA, "Amina"), (KARIM, "Karim"), (VERA, "Vera"), (OMAR, "Omar")):
        jz.accounts.add_user(OP, email, name, password=PASSWORD)
    jz.accounts.add_member(OP, "hcp", KARIM, "steward")
    jz.accounts.add_member(OP, "hcp", VERA, "viewer")
    jz.accounts.add_member(OP, "dgsn", OMAR, "steward")
    jz.accounts.add_member(OP, "univ", AMINA, "viewer")
    jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/c")
    jz.ingest(communes_csv(tmp_path / "r.csv"), "hcp/r")
    jz.datasets_service.update(OP, "hcp/r", access_level="restricted")
    return jz


def who(jz, email: str) -> Actor:
    """The actor of a user as of now (grants are read at this moment)."""
    return jz.accounts.actor(email)


def ask(jz, ref: str = "hcp/c", email: str = AMINA, **kwargs) -> dict:
    params = {"purpose": "Thèse sur la mobilité rurale", "intended_use": "cartes par commune",
              "duration_days": 90, **kwargs}
    return jz.request_access(ref, actor=who(jz, email), **params)


def _execute(jz, sql: str, **params: object) -> None:
    with jz.db.engine.begin() as conn:
        conn.execute(sa.text(sql), params)


def _actions(jz, ref: str) -> list[str]:
    return [e["action"] for e in reversed(jz.audit(ref)) if e["action"].startswith("access.")]


def test_request_approve_then_read_an_institute_dataset(node) -> None:
    jz = node
    with pytest.raises(Forbidden) as refused:
        jz.rows("hcp/c", actor=who(jz, AMINA))
    assert "jazari access request hcp/c" in (refused.value.hint or "")
    asked = ask(jz)
    assert asked["status"] == "pending" and asked["grant"] is None
    assert asked["requester"] == {"email": AMINA, "name": "Amina"}
    assert (asked["dataset"], asked["duration_days"], asked["intended_use"]) == ("hcp/c", 90, "cartes par commune")

    decided = jz.access.approve(who(jz, KARIM), asked["id"], note="bon courage")
    assert decided["status"] == "approved" and decided["decided_by"] == KARIM and decided["reason"] == "bon courage"
    grant = jz.access.grants(who(jz, AMINA), mine=True)[0]
    assert grant["id"] == decided["grant"] and grant["state"] == "active" and grant["granted_by"] == KARIM
    assert grant["purpose"] == "Thèse sur la mobilité rurale" and grant["grantee"]["email"] == AMINA
    expires = datetime.fromisoformat(grant["expires_at"])
    assert abs(expires - (datetime.now(UTC) + timedelta(days=90))) < timedelta(minutes=1)  # the duration asked

    page = jz.rows("hcp/c", limit=2, actor=who(jz, AMINA))
    assert page["rows"][0]["nom_fr"] == "Tanger"
    read = jz.audit("hcp/c", limit=1)[0]
    assert (read["actor"], read["action"]) == (AMINA, "read.rows")
    assert read["purpose"] == "Thèse sur la mobilité rurale" and read["details"]["grant"] == grant["id"]
    assert _actions(jz, "hcp/c") == ["access.request", "access.approve"]
    approve_event = [e for e in jz.audit("hcp/c") if e["action"] == "access.approve"][0]
    assert approve_event["details"]["request"] == asked["id"] and approve_event["details"]["user"] == AMINA
    assert jz.audit_verify()["ok"]


def test_a_restricted_dataset_is_read_through_the_grant_only(node) -> None:
    jz = node
    with pytest.raises(Forbidden):
        jz.rows("hcp/r", actor=who(jz, VERA))  # a viewer of the owner does not read restricted data
    asked = ask(jz, "hcp/r", VERA, purpose="Contrôle qualité")
    jz.access.approve(who(jz, KARIM), asked["id"], days=10)
    jz.rows("hcp/r", actor=who(jz, VERA))
    read = jz.audit("hcp/r", limit=1)[0]
    assert (read["actor"], read["action"], read["purpose"]) == (VERA, "read.rows", "Contrôle qualité")
    grant = jz.access.grants(who(jz, KARIM), dataset_ref="hcp/r")[0]
    assert abs(datetime.fromisoformat(grant["expires_at"]) - datetime.now(UTC) - timedelta(days=10)) \
        < timedelta(minutes=1)
    until = datetime.now(UTC) + timedelta(days=400)
    other = ask(jz, "hcp/r", AMINA)
    jz.access.approve(who(jz, KARIM), other["id"], expires_at=until)
    assert jz.access.grants(who(jz, AMINA), mine=True)[0]["expires_at"] == until.isoformat()
    jz.load("hcp/r", actor=who(jz, AMINA))


def test_a_long_purpose_is_kept_in_the_audit_of_reads(node) -> None:
    jz = node
    purpose = "p" * 500
    asked = ask(jz, purpose=purpose)
    jz.access.approve(who(jz, KARIM), asked["id"])
    jz.rows("hcp/c", actor=who(jz, AMINA))
    assert jz.audit("hcp/c", limit=1)[0]["purpose"] == purpose


def test_a_refusal_and_its_reason_reach_the_requester(node) -> None:
    jz = node
    asked = ask(jz)
    with pytest.raises(InputError) as missing:
        jz.access.refuse(who(jz, KARIM), asked["id"], reason="  ")
    assert missing.value.context["field"] == "reason"
    refused = jz.access.refuse(who(jz, KARIM), asked["id"], reason="Pas de base légale pour ce traitement")
    assert refused["status"] == "refused" and refused["grant"] is None
    mine = jz.access.requests(who(jz, AMINA), mine=True)
    assert [(r["id"], r["status"], r["reason"], r["decided_by"]) for r in mine] == [
        (asked["id"], "refused", "Pas de base légale pour ce traitement", KARIM)]
    assert jz.access.get_request(who(jz, AMINA), asked["id"]) == mine[0]
    with pytest.raises(Forbidden):
        jz.rows("hcp/c", actor=who(jz, AMINA))
    with pytest.raises(Conflict):
        jz.access.approve(who(jz, KARIM), asked["id"])  # decided already
    again = ask(jz, purpose="Autre finalité")  # a refusal does not stop a new request
    assert again["status"] == "pending"
    assert _actions(jz, "hcp/c") == ["access.request", "access.refuse", "access.request"]


def test_an_expired_grant_no_longer_opens_the_data(node) -> None:
    jz = node
    grant_id = jz.access.approve(who(jz, KARIM), ask(jz)["id"])["grant"]
    jz.rows("hcp/c", actor=who(jz, AMINA))
    _execute(jz, "UPDATE grants SET expires_at = :t WHERE id = :i",
             t=datetime.now(UTC) - timedelta(seconds=1), i=grant_id)
    with pytest.raises(Forbidden):
        jz.rows("hcp/c", actor=who(jz, AMINA))
    assert who(jz, AMINA).grants == {}
    assert jz.access.grants(who(jz, AMINA), mine=True) == []
    assert jz.access.grants(who(jz, KARIM)) == []
    inactive = jz.access.grants(who(jz, KARIM), include_inactive=True)
    assert [(g["id"], g["state"]) for g in inactive] == [(grant_id, "expired")]
    with pytest.raises(Conflict):
        jz.access.revoke(who(jz, KARIM), grant_id)
    assert ask(jz)["status"] == "pending"  # they may ask again


def test_revoking_stops_reads_and_the_grantee_may_give_a_grant_up(node) -> None:
    jz = node
    grant_id = jz.access.approve(who(jz, KARIM), ask(jz)["id"])["grant"]
    with pytest.raises(NotFound):
        jz.access.revoke(who(jz, OMAR), grant_id)  # another institute's steward
    with pytest.raises(NotFound):
        jz.access.revoke(who(jz, VERA), grant_id)  # a viewer of the owner
    revoked = jz.access.revoke(who(jz, KARIM), grant_id, reason="Fin du projet")
    assert (revoked["state"], revoked["revoked_by"], revoked["revoke_reason"]) == ("revoked", KARIM, "Fin du projet")
    with pytest.raises(Forbidden):
        jz.rows("hcp/c", actor=who(jz, AMINA))
    with pytest.raises(Conflict):
        jz.access.revoke(who(jz, KARIM), grant_id)
    assert jz.access.grants(who(jz, AMINA), mine=True, include_inactive=True)[0]["state"] == "revoked"

    own = jz.access.approve(who(jz, KARIM), ask(jz, "hcp/r")["id"])["grant"]
    given_up = jz.access.revoke(who(jz, AMINA), own)
    assert given_up["revoked_by"] == AMINA and given_up["revoke_reason"] is None
    with pytest.raises(Forbidden):
        jz.rows("hcp/r", actor=who(jz, AMINA))
    revokes = [e for e in jz.audit(limit=1000) if e["action"] == "access.revoke"]
    assert [(e["resource"], e["details"]["grant"]) for e in reversed(revokes)] == [("hcp/c", grant_id), ("hcp/r", own)]
    assert jz.audit_verify()["ok"]


def test_only_the_owners_stewards_and_admins_decide(node) -> None:
    jz = node
    asked = ask(jz)
    with pytest.raises(NotFound):
        jz.access.approve(who(jz, OMAR), asked["id"])  # steward of another institute
    with pytest.raises(NotFound):
        jz.access.approve(who(jz, VERA), asked["id"])  # a viewer of the owner
    with pytest.raises(NotFound):
        jz.access.get_request(who(jz, OMAR), asked["id"])
    with pytest.raises(Forbidden):
        jz.access.approve(who(jz, AMINA), asked["id"])  # one's own request
    read_only = Actor(name=KARIM, roles={"hcp": "steward"}, user_id=who(jz, KARIM).user_id,
                      scopes=frozenset({"read"}), via="token")
    with pytest.raises(Forbidden) as token:
        jz.access.refuse(read_only, asked["id"], reason="non")
    assert "write scope" in token.value.message
    assert jz.access.requests(who(jz, OMAR)) == [] and jz.access.requests(who(jz, VERA)) == []
    assert jz.access.get_request(who(jz, AMINA), asked["id"])["status"] == "pending"  # nothing changed
    assert jz.access.approve(OP, asked["id"])["decided_by"] == OP.name  # a platform admin may
    assert _actions(jz, "hcp/c") == ["access.request", "access.approve"]


def test_who_may_ask(node) -> None:
    jz = node
    ask(jz)
    with pytest.raises(Conflict) as twice:
        ask(jz)
    assert "pending already" in twice.value.message
    with pytest.raises(Conflict):
        ask(jz, "hcp/c", VERA)  # a member reads institute data already
    with pytest.raises(Conflict):
        ask(jz, "hcp/r", KARIM)  # a steward reads restricted data already
    with pytest.raises(Forbidden):
        jz.request_access("hcp/r", purpose="x", intended_use="y", duration_days=5)  # the operator is no user
    with pytest.raises(NotFound):
        jz.request_access("hcp/c", purpose="x", intended_use="y", duration_days=5, actor=Actor.anonymous())
    _execute(jz, "UPDATE datasets SET unlisted = :u WHERE name = 'r'", u=True)
    with pytest.raises(NotFound):
        ask(jz, "hcp/r", OMAR)  # what one may not see, one cannot ask for
    with pytest.raises(NotFound):
        ask(jz, "hcp/nothing")
    jz.datasets_service.update(OP, "hcp/c", access_level="public")
    with pytest.raises(Unauthenticated):
        jz.request_access("hcp/c", purpose="x", intended_use="y", duration_days=5, actor=Actor.anonymous())
    read_only = Actor(name=OMAR, roles={"dgsn": "steward"}, user_id=who(jz, OMAR).user_id, scopes=frozenset({"read"}))
    jz.datasets_service.update(OP, "hcp/c", access_level="institute")
    with pytest.raises(Forbidden):
        jz.request_access("hcp/c", purpose="x", intended_use="y", duration_days=5, actor=read_only)
    assert len(jz.access.requests(OP)) == 1


@pytest.mark.parametrize(("params", "field"), [
    ({"purpose": ""}, "purpose"),
    ({"purpose": "   "}, "purpose"),
    ({"purpose": "x" * 501}, "purpose"),
    ({"intended_use": ""}, "intended_use"),
    ({"intended_use": "y" * 2001}, "intended_use"),
    ({"duration_days": 0}, "duration_days"),
    ({"duration_days": 731}, "duration_days"),
    ({"duration_days": -5}, "duration_days"),
])
def test_bad_requests_name_the_field(node, params: dict, field: str) -> None:
    with pytest.raises(InputError) as bad:
        ask(node, **params)
    assert bad.value.context["field"] == field
    assert node.access.requests(OP) == []


def test_bad_decisions_name_the_field(node) -> None:
    jz = node
    asked = ask(jz)
    karim = who(jz, KARIM)
    now = datetime.now(UTC)
    for kwargs, field in (
        ({"days": 0}, "days"),
        ({"days": 731}, "days"),
        ({"expires_at": now - timedelta(hours=1)}, "expires_at"),
        ({"expires_at": now + timedelta(days=800)}, "expires_at"),
        ({"expires_at": now + timedelta(days=3), "days": 3}, "expires_at"),
        ({"note": "n" * 2001}, "note"),
    ):
        with pytest.raises(InputError) as bad:
            jz.access.approve(karim, asked["id"], **kwargs)
        assert bad.value.context["field"] == field, kwargs
    naive = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=2)  # read as UTC
    grant_id = jz.access.approve(karim, asked["id"], expires_at=naive)["grant"]
    assert jz.access.grants(karim)[0]["id"] == grant_id
    for call in (lambda: jz.access.approve(karim, 999), lambda: jz.access.refuse(karim, 999, reason="r"),
                 lambda: jz.access.withdraw(who(jz, AMINA), 999), lambda: jz.access.revoke(karim, 999),
                 lambda: jz.access.get_request(karim, 999)):
        with pytest.raises(NotFound):
            call()
    with pytest.raises(InputError) as status:
        jz.access.requests(karim, status="done")
    assert status.value.context["field"] == "status"
    with pytest.raises(InputError) as ref:
        jz.access.grants(karim, dataset_ref="hcp")
    assert ref.value.context["field"] == "dataset"


def test_the_requester_withdraws(node) -> None:
    jz = node
    asked = ask(jz)
    with pytest.raises(Forbidden):
        jz.access.withdraw(who(jz, KARIM), asked["id"])  # stewards refuse instead
    with pytest.raises(NotFound):
        jz.access.withdraw(who(jz, OMAR), asked["id"])
    withdrawn = jz.access.withdraw(who(jz, AMINA), asked["id"])
    assert withdrawn["status"] == "withdrawn"
    with pytest.raises(Conflict):
        jz.access.approve(who(jz, KARIM), asked["id"])
    with pytest.raises(Conflict):
        jz.access.withdraw(who(jz, AMINA), asked["id"])
    assert _actions(jz, "hcp/c") == ["access.request", "access.withdraw"]


def test_listings_follow_who_decides(node, tmp_path: Path) -> None:
    jz = node
    jz.ingest(communes_csv(tmp_path / "d.csv"), "dgsn/d")
    first = ask(jz, "hcp/c")
    second = ask(jz, "hcp/r")
    third = ask(jz, "dgsn/d")
    jz.access.refuse(who(jz, KARIM), second["id"], reason="non")
    ids = lambda rows: [r["id"] for r in rows]  # noqa: E731
    assert ids(jz.access.requests(who(jz, KARIM))) == [second["id"], first["id"]]  # newest first
    assert ids(jz.access.requests(who(jz, KARIM), status="pending")) == [first["id"]]
    assert ids(jz.access.requests(who(jz, KARIM), dataset_ref="hcp/r")) == [second["id"]]
    assert ids(jz.access.requests(who(jz, OMAR))) == [third["id"]]
    assert ids(jz.access.requests(OP)) == [third["id"], second["id"], first["id"]]
    assert ids(jz.access.requests(who(jz, AMINA), mine=True)) == [third["id"], second["id"], first["id"]]
    assert jz.access.requests(who(jz, AMINA)) == []  # a viewer decides nothing
    assert jz.access.requests(OP, mine=True) == []  # the operator asks for nothing
    jz.access.approve(who(jz, OMAR), third["id"])
    assert [g["dataset"] for g in jz.access.grants(who(jz, OMAR))] == ["dgsn/d"]
    assert jz.access.grants(who(jz, KARIM)) == []
    assert jz.access.requests(who(jz, KARIM), dataset_ref="dgsn/d") == []


def test_a_steward_names_a_grantee_without_a_request(node) -> None:
    jz = node
    _execute(jz, "UPDATE datasets SET unlisted = :u WHERE name = 'r'", u=True)
    with pytest.raises(NotFound):
        ask(jz, "hcp/r", AMINA)  # an unlisted dataset cannot be asked for
    karim = who(jz, KARIM)
    with pytest.raises(NotFound):
        jz.grant_access("hcp/r", AMINA, purpose="p", days=5, actor=who(jz, OMAR))
    with pytest.raises(Forbidden):
        jz.grant_access("hcp/r", AMINA, purpose="p", days=5, actor=who(jz, VERA))
    for kwargs, field in (({"purpose": "", "days": 5}, "purpose"), ({"purpose": "p"}, "days"),
                          ({"purpose": "p", "days": 800}, "days")):
        with pytest.raises(InputError) as bad:
            jz.grant_access("hcp/r", AMINA, actor=karim, **kwargs)
        assert bad.value.context["field"] == field
    with pytest.raises(NotFound) as nobody:
        jz.grant_access("hcp/r", "nobody@x.ma", purpose="p", days=5, actor=karim)
    assert nobody.value.context["field"] == "email"
    granted = jz.grant_access("hcp/r", " Amina@Univ.ma ", purpose="Audit CNDP", days=5, actor=karim)
    assert (granted["grantee"]["email"], granted["state"], granted["granted_by"]) == (AMINA, "active", KARIM)
    with pytest.raises(Conflict):
        jz.grant_access("hcp/r", AMINA, purpose="again", days=5, actor=karim)
    assert jz.dataset("hcp/r", actor=who(jz, AMINA))["dataset"] == "hcp/r"  # now she sees it
    jz.rows("hcp/r", actor=who(jz, AMINA))
    assert jz.audit("hcp/r", limit=1)[0]["purpose"] == "Audit CNDP"
    event = jz.audit("hcp/r", limit=2)[1]
    assert (event["action"], event["details"]["grant"], event["details"]["user"]) == ("access.grant", granted["id"], AMINA)
