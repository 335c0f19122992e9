"""The audit log: reads of non-public data are recorded in their transaction, the chain is
append-only and tampering is found at the right event; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

import jazari
from jazari.cli import app
from jazari.errors import Forbidden, NotFound
from jazari.governance.actors import Actor
from tests.files import COMMUNES, communes_csv

VIEWER = Actor(name="amina@hcp.ma", roles={"hcp": "viewer"})
STEWARD = Actor(name="karim@hcp.ma", roles={"hcp": "steward"})
OUTSIDER = Actor(name="omar@dgsn.ma", roles={"dgsn": "steward"})


def _two_versions(jz, tmp_path: Path, ref: str = "hcp/c") -> None:
    jz.ingest(communes_csv(tmp_path / "c.csv"), ref)
    jz.ingest(communes_csv(tmp_path / "d.csv", rows=COMMUNES[:2]), ref)


def _actions(jz, ref: str = "hcp/c") -> list[tuple[str, str, int | None]]:
    return [(e["actor"], e["action"], e["version"]) for e in reversed(jz.audit(ref))]


def test_reads_of_institute_data_are_audited(jz, tmp_path: Path) -> None:
    _two_versions(jz, tmp_path)
    jz.version("hcp/c", actor=VIEWER)
    jz.rows("hcp/c", 1, limit=2, actor=VIEWER)
    jz.quarantine("hcp/c", actor=STEWARD)  # the quarantine is for stewards (raw, malformed input)
    jz.export("hcp/c", tmp_path / "out.csv", fmt="csv", actor=VIEWER)
    jz.load("hcp/c", actor=VIEWER)
    jz.diff("hcp/c", 1, 2, actor=VIEWER)
    jz.datasets_service.privacy_scan(VIEWER, "hcp/c")
    jz.dataset("hcp/c", actor=VIEWER)  # metadata only: not a read of data
    jz.versions("hcp/c", actor=VIEWER)
    assert _actions(jz) == [
        ("cli:operator", "publish", 1), ("cli:operator", "publish", 2),
        (VIEWER.name, "read.version", 2), (VIEWER.name, "read.rows", 1), (STEWARD.name, "read.quarantine", 2),
        (VIEWER.name, "export", 2), (VIEWER.name, "load", 2), (VIEWER.name, "diff", 2),
        (VIEWER.name, "privacy.scan", 2),
    ]
    newest = jz.audit("hcp/c", limit=1)[0]
    assert newest["resource"] == "hcp/c" and newest["seq"] == 9 and len(newest["hash"]) == 64
    assert jz.audit("hcp/c")[3]["details"] == {"format": "csv", "via": "cli"}
    assert jz.audit_verify() == {"ok": True, "events": 9, "broken_seq": None, "reason": None,
                                 "head": newest["hash"]}


def test_a_refused_read_writes_nothing(jz, tmp_path: Path) -> None:
    _two_versions(jz, tmp_path)
    with pytest.raises(Forbidden):
        jz.rows("hcp/c", actor=OUTSIDER)
    with pytest.raises(NotFound):
        jz.rows("hcp/c", 9, actor=VIEWER)  # no such version: the transaction rolls back
    assert [a for _, a, _ in _actions(jz)] == ["publish", "publish"]


def test_public_reads_are_not_audited_but_the_change_of_rights_is(jz, tmp_path: Path) -> None:
    _two_versions(jz, tmp_path)
    jz.datasets_service.update(STEWARD, "hcp/c", access_level="public")
    jz.datasets_service.update(STEWARD, "hcp/c", access_level="public")  # no change, no event
    anonymous = Actor.anonymous()
    jz.version("hcp/c", actor=anonymous)
    jz.rows("hcp/c", actor=anonymous)
    jz.load("hcp/c", actor=VIEWER)
    jz.diff("hcp/c", 1, 2, actor=VIEWER)
    events = jz.audit("hcp/c")
    assert [e["action"] for e in events] == ["access.change", "publish", "publish"]
    assert events[0]["actor"] == STEWARD.name and events[0]["details"] == {"from": "institute", "to": "public"}
    assert jz.audit_verify()["ok"]


def test_who_sees_the_log(jz, tmp_path: Path) -> None:
    _two_versions(jz, tmp_path)
    jz.rows("hcp/c", actor=VIEWER)
    assert len(jz.audit("hcp/c", actor=STEWARD)) == 3
    assert [e["action"] for e in jz.audit(actor=VIEWER)] == ["read.rows"]  # a member sees their own
    with pytest.raises(Forbidden):
        jz.audit("hcp/c", actor=VIEWER)
    with pytest.raises(Forbidden):
        jz.audit("hcp/c", actor=OUTSIDER)
    with pytest.raises(Forbidden):
        jz.audit_verify(actor=STEWARD)


def _execute(jz, sql: str, **params: object) -> None:
    with jz.db.engine.begin() as conn:
        conn.execute(sa.text(sql), params)


def _hash(jz, seq: int) -> str:
    with jz.db.engine.connect() as conn:
        return conn.execute(sa.text("SELECT hash FROM audit_events WHERE seq = :s"), {"s": seq}).scalar_one()


@pytest.mark.parametrize("tamper", ["update", "delete", "swap"])
def test_tampering_is_found_at_the_right_event(jz, tmp_path: Path, tamper: str) -> None:
    _two_versions(jz, tmp_path)
    for _ in range(4):
        jz.rows("hcp/c", actor=VIEWER)
    assert jz.audit_verify()["events"] == 6
    if tamper == "update":
        _execute(jz, "UPDATE audit_events SET details = :d WHERE seq = 4", d=json.dumps({"offset": 99}))
        expected = (4, "content does not match its hash")
    elif tamper == "delete":
        _execute(jz, "DELETE FROM audit_events WHERE seq = 3")
        expected = (3, "event 3 is missing")
    else:
        two, five = _hash(jz, 2), _hash(jz, 5)
        _execute(jz, "UPDATE audit_events SET hash = :h WHERE seq = 2", h=five)
        _execute(jz, "UPDATE audit_events SET hash = :h WHERE seq = 5", h=two)
        expected = (2, "content does not match its hash")
    result = jz.audit_verify()
    assert not result["ok"]
    assert (result["broken_seq"], result["reason"]) == expected
    assert result["events"] == expected[0] - 1


def test_concurrent_reads_keep_one_chain(jz, tmp_path: Path) -> None:
    _two_versions(jz, tmp_path)
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            for _ in range(5):
                jz.rows("hcp/c", limit=1, actor=VIEWER)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    result = jz.audit_verify()
    assert result["ok"] and result["events"] == 2 + 8 * 5
    assert sorted(e["seq"] for e in jz.audit(limit=1000)) == list(range(1, 43))


def test_cli_audit_matches_the_service(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JAZARI_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("JAZARI_DATABASE_URL", database_url)
    runner = CliRunner()
    with jazari.open(tmp_path / "home", database_url=database_url) as jz:
        _two_versions(jz, tmp_path)
        jz.rows("hcp/c", actor=VIEWER)
        expected_verify, expected_log = jz.audit_verify(), jz.audit("hcp/c")
    result = runner.invoke(app, ["audit", "verify", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == expected_verify
    result = runner.invoke(app, ["audit", "--dataset", "hcp/c", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == json.loads(json.dumps(expected_log, default=str))
    assert "audit log intact: 3 events" in runner.invoke(app, ["audit", "verify"]).output
    assert "read.rows" in runner.invoke(app, ["audit"]).output
    with jazari.open(tmp_path / "home", database_url=database_url) as jz:
        _execute(jz, "DELETE FROM audit_events WHERE seq = 2")
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1 and "BROKEN at event 2" in broken.output


def test_a_stewards_read_only_token_reviews_the_log(jz, tmp_path: Path) -> None:
    _two_versions(jz, tmp_path)
    reader = Actor(name="karim@hcp.ma", roles={"hcp": "steward"}, scopes=frozenset({"read"}), via="token")
    assert [e["action"] for e in jz.audit("hcp/c", actor=reader)][-1] == "publish"
    with pytest.raises(Forbidden):
        jz.datasets_service.update(reader, "hcp/c", access_level="public")  # but changes nothing
