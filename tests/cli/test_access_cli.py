"""`jazari access ...` through the CLI runner, acting `--as` each user: the whole path, clear
refusals, and --json equal to what the service returns."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import jazari
from jazari.governance.actors import Actor
from tests.files import communes_csv
from tests.people import add_people

OP = Actor.operator()
AMINA, KARIM, OMAR = "amina@univ.ma", "karim@hcp.ma", "omar@dgsn.ma"


@pytest.fixture
def run(cli_home, tmp_path: Path):
    def prepare(jz: jazari.Jazari) -> None:
        add_people(jz, {"hcp": {KARIM: "steward"}, "dgsn": {OMAR: "steward"}}, others=(AMINA,))
        jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/c")
        jz.datasets_service.update(OP, "hcp/c", access_level="restricted")

    return cli_home(prepare)


def _json(result) -> object:
    return json.loads(result.output)


def test_request_approve_read_revoke(run) -> None:
    denied = run("--as", AMINA, "rows", "hcp/c", code=1)
    assert "may not read hcp/c" in denied.output and "jazari access request hcp/c" in denied.output
    asked = run("--as", AMINA, "access", "request", "hcp/c", "--purpose", "Étude de la mobilité",
                "--use", "cartes", "--days", "30")
    assert "request 1 for hcp/c: pending" in asked.output
    pending = run("--as", KARIM, "access", "requests", "--status", "pending").output
    assert "amina@univ.ma" in pending and "Étude de la mobilité" in pending
    assert "no access requests" in run("--as", OMAR, "access", "requests").output
    refused = run("--as", OMAR, "access", "approve", "1", code=1)
    assert "Error:" in refused.output and "no access request 1" in refused.output
    approved = run("--as", KARIM, "access", "approve", "1", "--until", "2099-01-01", code=1)
    assert "at most 730 days" in approved.output
    until = (datetime.now(UTC) + timedelta(days=20)).date().isoformat()
    approved = run("--as", KARIM, "access", "approve", "1", "--until", until, "--note", "ok")
    assert "request 1 approved: grant 1 to amina@univ.ma on hcp/c until " + until in approved.output
    assert "Tanger" in run("--as", AMINA, "rows", "hcp/c").output
    mine = run("--as", AMINA, "access", "grants", "--mine").output
    assert "Étude de la mobilité" in mine and "active" in mine
    revoked = run("--as", KARIM, "access", "revoke", "1", "--reason", "fin du projet")
    assert "grant 1 on hcp/c revoked" in revoked.output
    assert "no grants" in run("--as", AMINA, "access", "grants", "--mine").output
    assert "revoked" in run("--as", AMINA, "access", "grants", "--mine", "--all").output
    run("--as", AMINA, "rows", "hcp/c", code=1)
    with run.node() as jz:  # type: ignore[attr-defined]
        actions = [e["action"] for e in reversed(jz.audit("hcp/c")) if e["action"].startswith("access.")]
    assert actions == ["access.change", "access.request", "access.approve", "access.revoke"]


def test_refuse_withdraw_and_bad_input(run) -> None:
    run("--as", AMINA, "access", "request", "hcp/c", "--purpose", "p", "--use", "u", "--days", "10")
    twice = run("--as", AMINA, "access", "request", "hcp/c", "--purpose", "p", "--use", "u", "--days", "10", code=1)
    assert "pending already" in twice.output and "jazari access withdraw 1" in twice.output
    bad = run("--as", AMINA, "access", "request", "hcp/c", "--purpose", " ", "--use", "u", "--days", "10", code=1)
    assert "field 'purpose'" in bad.output
    bad = run("--as", AMINA, "access", "request", "hcp/c", "--purpose", "p", "--use", "u", "--days", "0", code=1)
    assert "field 'duration_days'" in bad.output
    assert "field 'until'" in run("--as", KARIM, "access", "approve", "1", "--until", "31/12/2025", code=1).output
    assert "not both" in run("--as", KARIM, "access", "approve", "1", "--days", "3", "--until", "2030-01-01",
                             code=1).output
    assert "field 'reason'" in run("--as", KARIM, "access", "refuse", "1", "--reason", "", code=1).output
    assert "field 'status'" in run("--as", KARIM, "access", "requests", "--status", "done", code=1).output
    refused = run("--as", KARIM, "access", "refuse", "1", "--reason", "hors mission")
    assert "request 1 refused: hors mission" in refused.output
    mine = run("--as", AMINA, "access", "requests", "--mine").output
    assert "refused" in mine and "hors mission" in mine
    run("--as", AMINA, "access", "request", "hcp/c", "--purpose", "p2", "--use", "u", "--days", "10")
    assert "only the requester" in run("--as", KARIM, "access", "withdraw", "2", code=1).output
    assert "request 2 withdrawn" in run("--as", AMINA, "access", "withdraw", "2").output
    assert "no access request 9" in run("--as", KARIM, "access", "approve", "9", code=1).output


def test_json_equals_the_service(run) -> None:
    asked = _json(run("--as", AMINA, "access", "request", "hcp/c", "--purpose", "p", "--use", "u", "--days", "10",
                      "--json"))
    approved = _json(run("--as", KARIM, "access", "approve", str(asked["id"]), "--days", "5", "--json"))
    listings = {
        ("--as", KARIM, "access", "requests", "--json"): None,
        ("--as", AMINA, "access", "requests", "--mine", "--json"): None,
        ("--as", KARIM, "access", "grants", "--dataset", "hcp/c", "--json"): None,
        ("--as", AMINA, "access", "grants", "--mine", "--all", "--json"): None,
    }
    for args in listings:
        listings[args] = _json(run(*args))
    with run.node() as jz:  # type: ignore[attr-defined]
        karim, amina = jz.accounts.actor(KARIM), jz.accounts.actor(AMINA)
        assert approved == jz.access.get_request(karim, asked["id"])
        assert asked == {**approved, "status": "pending", "reason": None, "decided_by": None, "decided_at": None,
                         "grant": None}
        expected = [jz.access.requests(karim), jz.access.requests(amina, mine=True),
                    jz.access.grants(karim, dataset_ref="hcp/c"),
                    jz.access.grants(amina, mine=True, include_inactive=True)]
    assert list(listings.values()) == expected
    revoked = _json(run("--as", AMINA, "access", "revoke", str(approved["grant"]), "--json"))
    assert revoked["state"] == "revoked" and revoked["revoked_by"] == AMINA
    second = _json(run("--as", AMINA, "access", "request", "hcp/c", "--purpose", "q", "--use", "u", "--days",
                       "3", "--json"))
    refused = _json(run("--as", KARIM, "access", "refuse", str(second["id"]), "--reason", "non", "--json"))
    assert (refused["status"], refused["reason"]) == ("refused", "non")



def test_a_steward_grants_without_a_request(run) -> None:
    until = (datetime.now(UTC) + timedelta(days=60)).date().isoformat()
    refused = run("--as", OMAR, "access", "grant", "hcp/c", AMINA, "--purpose", "audit", "--days", "5", code=1)
    assert "may not manage hcp/c" in refused.output
    assert "field 'days'" in run("--as", KARIM, "access", "grant", "hcp/c", AMINA, "--purpose", "audit",
                                 code=1).output
    out = run("--as", KARIM, "access", "grant", "hcp/c", AMINA, "--purpose", "audit", "--until", until)
    assert f"grant 1 to {AMINA} on hcp/c until {until}" in out.output
    again = _json(run("--as", KARIM, "access", "grant", "hcp/c", OMAR, "--purpose", "audit", "--days", "5",
                      "--json"))
    with run.node() as jz:  # type: ignore[attr-defined]
        assert [again] == jz.access.grants(jz.accounts.actor(OMAR), mine=True)
    assert "Tanger" in run("--as", AMINA, "rows", "hcp/c").output
