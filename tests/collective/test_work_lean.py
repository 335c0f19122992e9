"""The lean answer path (collective/work.py): contributors call `next` and `answer` all day, so each
costs a few SQL statements in one transaction, whatever the backend (benchmarks/collective.py
--submissions); and bad input to the library call is refused, not a crash."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from jazari.errors import Conflict, NotFound
from tests.collective.conftest import KARIM, PUBLIC, spec, who


def _statements(jz) -> list[str]:
    seen: list[str] = []
    sa.event.listen(jz.db.engine, "before_cursor_execute", lambda *a: seen.append(a[2].split(None, 1)[0].upper()))
    return seen


def test_an_answer_is_five_statements_and_a_retry_one(node) -> None:
    jz = node
    c = jz.create_campaign(spec(min_overlap=3, max_overlap=4), actor=who(jz, KARIM))
    fan = who(jz, PUBLIC[0])
    first = jz.campaign_next(c["id"], actor=fan)["item"]["id"]  # joins (and audits it) once
    jz.campaign_answer(c["id"], first, "tickets", "a1", actor=fan)
    item = jz.campaign_next(c["id"], actor=fan)["item"]["id"]
    seen = _statements(jz)
    jz.campaign_answer(c["id"], item, "tickets", "a2", actor=fan)
    # the campaign, access, item and standing; the slot; the answer; the counters; the votes
    assert seen == ["SELECT", "UPDATE", "INSERT", "UPDATE", "SELECT"], seen
    seen.clear()
    assert jz.campaign_answer(c["id"], item, "tickets", "a2", actor=fan)["duplicate"] is True
    assert seen == ["SELECT"], seen
    seen.clear()
    assert jz.campaign_next(c["id"], actor=fan)["item"] is not None
    assert seen == ["SELECT", "SELECT"], seen  # the campaign and standing; the candidates


def test_the_decision_is_written_only_when_the_item_changes_state(node) -> None:
    jz = node
    c = jz.create_campaign(spec(min_overlap=2, max_overlap=2, confidence=0.5), actor=who(jz, KARIM))
    one, two = who(jz, PUBLIC[0]), who(jz, PUBLIC[1])
    item = jz.campaign_next(c["id"], actor=one)["item"]["id"]
    jz.campaign_answer(c["id"], item, "tickets", "x", actor=one)
    jz.campaign_next(c["id"], actor=two)
    seen = _statements(jz)
    jz.campaign_answer(c["id"], item, "tickets", "y", actor=two)  # the second: decided
    assert seen[-1] == "UPDATE" and len(seen) == 6, seen
    with jz.db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT state FROM campaign_items WHERE id = :i"), {"i": item}).scalar() \
            == "decided"


@pytest.mark.parametrize("item", [0, -1, 2**31, 2**40, "1", None, 1.5])
def test_an_item_id_that_cannot_exist_is_not_found(node, item) -> None:
    jz = node
    c = jz.create_campaign(spec(), actor=who(jz, KARIM))
    with pytest.raises(NotFound, match=f"has no item {item}"):
        jz.campaign_answer(c["id"], item, "tickets", "z", actor=who(jz, PUBLIC[0]))


def test_an_item_of_another_campaign_is_not_found_and_a_full_item_refused(node) -> None:
    jz = node
    one = jz.create_campaign(spec(min_overlap=1, max_overlap=1), actor=who(jz, KARIM))
    two = jz.create_campaign(spec(title="Another"), actor=who(jz, KARIM))
    theirs = jz.campaign_next(two["id"], actor=who(jz, PUBLIC[0]))["item"]["id"]
    with pytest.raises(NotFound, match=f"campaign {one['id']} has no item {theirs}"):
        jz.campaign_answer(one["id"], theirs, "tickets", "q", actor=who(jz, PUBLIC[0]))
    mine = jz.campaign_next(one["id"], actor=who(jz, PUBLIC[0]))["item"]["id"]
    jz.campaign_answer(one["id"], mine, "tickets", "q", actor=who(jz, PUBLIC[0]))
    with pytest.raises(Conflict):  # decided or retired at max_overlap 1: no slot left
        jz.campaign_answer(one["id"], mine, "tickets", "r", actor=who(jz, PUBLIC[1]))


def test_joining_is_audited_once_whether_by_next_or_by_a_first_answer(node) -> None:
    jz = node
    c = jz.create_campaign(spec(), actor=who(jz, KARIM))
    by_next, by_answer = who(jz, PUBLIC[0]), who(jz, PUBLIC[1])
    item = jz.campaign_next(c["id"], actor=by_next)["item"]["id"]
    jz.campaign_next(c["id"], actor=by_next)
    jz.campaign_answer(c["id"], item, "tickets", "n1", actor=by_next)
    jz.campaign_answer(c["id"], item, "tickets", "a1", actor=by_answer)  # never asked for an item
    joins = [e for e in jz.audit("hcp/fans", actor=who(jz, KARIM)) if e["action"] == "campaign.join"]
    assert sorted(e["actor"] for e in joins) == [PUBLIC[0], PUBLIC[1]]
    assert all(e["details"]["campaign"] == c["id"] for e in joins)
