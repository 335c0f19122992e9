"""Concurrent changes of rights: of parallel decisions on one request one wins and the others get
Conflict, a person holds one pending request and one live grant per dataset, a grant is revoked
once, and parallel wrong passwords cannot get past the sign-in limit; on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from jazari.errors import Conflict, JazariError, RateLimited, Unauthenticated
from jazari.governance import accounts
from jazari.governance.actors import Actor
from tests.files import communes_csv
from tests.migrations import downgrade_to

OP = Actor.operator()
AMINA = "amina@univ.ma"  # a researcher outside the owning institute
KARIM = "karim@hcp.ma"  # steward of hcp
SALMA = "salma@hcp.ma"  # another steward of hcp
PASSWORD = "correct horse battery"
PARALLEL = 6


@pytest.fixture
def node(jz, tmp_path: Path):
    """hcp/r, a restricted dataset; two stewards of hcp and a researcher of univ."""
    for slug in ("hcp", "univ"):
        jz.accounts.add_institute(OP, slug, names={"fr": slug.upper()})
    for email in (AMINA, KARIM, SALMA):
        jz.accounts.add_user(OP, email, email.split("@")[0], password=PASSWORD)
    jz.accounts.add_member(OP, "hcp", KARIM, "steward")
    jz.accounts.add_member(OP, "hcp", SALMA, "steward")
    jz.accounts.add_member(OP, "univ", AMINA, "viewer")
    jz.ingest(communes_csv(tmp_path / "r.csv"), "hcp/r")
    jz.datasets_service.update(OP, "hcp/r", access_level="restricted")
    return jz


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment, each in its thread: their results, or the JazariError
    each raised (any other exception fails the test)."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = calls[i]()
        except JazariError as exc:
            results[i] = exc
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            results[i] = ("crashed", exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not [r for r in results if isinstance(r, tuple)], results
    return results


def kinds(results: list[Any]) -> Counter[str]:
    return Counter("ok" if isinstance(r, dict) else type(r).__name__ for r in results)


def ask(jz) -> dict:
    return jz.request_access("hcp/r", actor=jz.accounts.actor(AMINA), purpose="Thèse", intended_use="cartes",
                             duration_days=30)


def _actions(jz, action: str) -> int:
    return sum(1 for e in jz.audit("hcp/r", limit=1000) if e["action"] == action)


@pytest.mark.parametrize("trial", range(3))
def test_parallel_decisions_on_one_request_one_wins(node, trial: int) -> None:
    jz = node
    asked = ask(jz)
    karim, salma = jz.accounts.actor(KARIM), jz.accounts.actor(SALMA)
    calls = [lambda: jz.access.approve(karim, asked["id"], days=5) for _ in range(PARALLEL - 2)]
    calls += [lambda: jz.access.refuse(salma, asked["id"], reason="non"),
              lambda: jz.access.withdraw(jz.accounts.actor(AMINA), asked["id"])]
    results = race(*calls)
    assert kinds(results)["ok"] == 1 and kinds(results)["Conflict"] == PARALLEL - 1, results
    winner = next(r for r in results if isinstance(r, dict))
    grants = jz.access.grants(OP, dataset_ref="hcp/r", include_inactive=True)
    assert jz.access.get_request(OP, asked["id"])["status"] == winner["status"]
    if winner["status"] == "approved":
        assert [g["id"] for g in grants] == [winner["grant"]]
        jz.access.revoke(jz.accounts.actor(KARIM), winner["grant"], reason="fin")
        with pytest.raises(JazariError):  # revoking the one grant ends the access
            jz.rows("hcp/r", actor=jz.accounts.actor(AMINA))
    else:
        assert grants == []
    assert sum(_actions(jz, a) for a in ("access.approve", "access.refuse", "access.withdraw")) == 1


def test_parallel_approvals_make_one_grant(node) -> None:
    jz = node
    asked = ask(jz)
    karim = jz.accounts.actor(KARIM)
    results = race(*[lambda: jz.access.approve(karim, asked["id"], days=5)] * PARALLEL)
    assert kinds(results) == {"ok": 1, "Conflict": PARALLEL - 1}
    assert all("meanwhile" in str(r) or "already" in str(r) for r in results if isinstance(r, Conflict))
    assert len(jz.access.grants(OP, dataset_ref="hcp/r", include_inactive=True)) == 1
    assert _actions(jz, "access.approve") == 1 and jz.audit_verify()["ok"]


def test_parallel_requests_leave_one_pending(node) -> None:
    jz = node
    results = race(*[lambda: ask(jz)] * PARALLEL)
    assert kinds(results) == {"ok": 1, "Conflict": PARALLEL - 1}
    assert len(jz.access.requests(OP, status="pending")) == 1
    assert _actions(jz, "access.request") == 1


def test_parallel_direct_grants_leave_one_live_grant(node) -> None:
    jz = node
    karim = jz.accounts.actor(KARIM)
    results = race(*[lambda: jz.grant_access("hcp/r", AMINA, purpose="audit", days=3, actor=karim)] * PARALLEL)
    assert kinds(results) == {"ok": 1, "Conflict": PARALLEL - 1}
    assert len(jz.access.grants(OP, dataset_ref="hcp/r")) == 1
    assert _actions(jz, "access.grant") == 1


def test_parallel_revocations_revoke_once(node) -> None:
    jz = node
    karim = jz.accounts.actor(KARIM)
    grant = jz.grant_access("hcp/r", AMINA, purpose="audit", days=3, actor=karim)
    results = race(*[lambda: jz.access.revoke(karim, grant["id"], reason="fin")] * PARALLEL)
    assert kinds(results) == {"ok": 1, "Conflict": PARALLEL - 1}
    assert _actions(jz, "access.revoke") == 1


def test_a_request_can_be_made_again_once_decided(node) -> None:
    """The unique index is on pending requests only."""
    jz = node
    first = ask(jz)
    jz.access.refuse(jz.accounts.actor(KARIM), first["id"], reason="précisez")
    second = ask(jz)
    with pytest.raises(Conflict, match="pending already"):
        ask(jz)
    jz.access.withdraw(jz.accounts.actor(AMINA), second["id"])
    assert ask(jz)["status"] == "pending"


def test_parallel_wrong_passwords_stay_within_the_limit(node, monkeypatch: pytest.MonkeyPatch) -> None:
    jz = node
    slow = accounts.PasswordProvider.identify

    def identify(self, session, credentials):  # a slow hash widens the window a check-then-record had
        time.sleep(0.05)
        return slow(self, session, credentials)

    monkeypatch.setattr(accounts.PasswordProvider, "identify", identify)
    limit = jz.settings.signin_max_failures
    results = race(*[lambda: jz.accounts.sign_in(AMINA, "wrong password!", address="10.0.0.1")] * 4 * limit)
    # at most the limit had their password checked; attempts are counted before the check, so when
    # they all count at once (a loaded machine) every one may be refused: safe, and never more
    checked = kinds(results)["Unauthenticated"]
    assert checked <= limit and kinds(results)["RateLimited"] == 4 * limit - checked, results
    with jz.db.engine.connect() as conn:  # refused attempts are not counted: the pause does not grow
        assert conn.execute(sa.text("SELECT count(*) FROM sign_in_failures")).scalar() == checked
    for _ in range(limit - checked):
        with pytest.raises(Unauthenticated):
            jz.accounts.sign_in(AMINA, "wrong password!")
    with pytest.raises(RateLimited):  # even the right password waits
        jz.accounts.sign_in(AMINA, PASSWORD)


def test_a_successful_sign_in_clears_its_attempt(node) -> None:
    jz = node
    for _ in range(jz.settings.signin_max_failures - 1):
        with pytest.raises(Unauthenticated):
            jz.accounts.sign_in(AMINA, "wrong password!")
    jz.accounts.sign_in(AMINA, PASSWORD)
    with jz.db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM sign_in_failures")).scalar() == 0
    for _ in range(jz.settings.signin_max_failures):  # a fresh allowance
        with pytest.raises(Unauthenticated):
            jz.accounts.sign_in(AMINA, "wrong password!")


def test_the_upgrade_resolves_twins_a_race_left(node) -> None:
    """Migration 0004 withdraws later pending twins and unlinks later grants of one request."""
    jz = node
    asked = ask(jz)
    approved = jz.access.approve(jz.accounts.actor(KARIM), asked["id"], days=5)
    downgrade_to(jz.db, "0003")
    with jz.db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO access_requests (dataset_id, user_id, purpose, intended_use, duration_days, status, "
            "created_at) SELECT dataset_id, user_id, purpose, intended_use, duration_days, 'pending', created_at "
            "FROM access_requests UNION ALL SELECT dataset_id, user_id, purpose, intended_use, duration_days, "
            "'pending', created_at FROM access_requests"))
        conn.execute(sa.text(
            "INSERT INTO grants (dataset_id, user_id, request_id, purpose, granted_by, created_at, expires_at) "
            "SELECT dataset_id, user_id, request_id, purpose, granted_by, created_at, expires_at FROM grants"))
    assert jz.db.upgrade()[1] == jz.db.head()
    pending = jz.access.requests(OP, status="pending")
    assert len(pending) == 1 and len(jz.access.requests(OP, status="withdrawn")) == 1
    grants = jz.access.grants(OP, dataset_ref="hcp/r", include_inactive=True)
    assert len(grants) == 2  # rights are kept; only the first one stays the request's
    assert jz.access.get_request(OP, asked["id"])["grant"] == approved["grant"]
    with pytest.raises(Conflict):
        ask(jz)
