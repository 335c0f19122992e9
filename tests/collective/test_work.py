"""Contributors at work: next and answer, adaptive overlap, control items and blocking, retried and
concurrent submissions (SQLite and PostgreSQL), and no leak of gold truth or others' answers."""

from __future__ import annotations

import json
import uuid

import pytest
import sqlalchemy as sa

from jazari.collective.models import Item
from jazari.errors import Conflict, Forbidden, InputError, NotFound
from tests.collective.conftest import GOLD, KARIM, OMAR, PUBLIC, YOUSSEF, answer_all, spec, who
from tests.governance.test_concurrency import kinds, race


def answers_in_db(jz, campaign: int) -> list[tuple]:
    with jz.db.engine.connect() as conn:
        return conn.execute(sa.text("SELECT item_id, contributor, client_id, slot FROM campaign_answers "
                                    "WHERE campaign_id = :c ORDER BY id"), {"c": campaign}).all()


def item_ids(jz, campaign: int, gold: bool = False) -> list[int]:
    with jz.db.engine.connect() as conn:
        return [r[0] for r in conn.execute(sa.text("SELECT id FROM campaign_items WHERE campaign_id = :c AND "
                                                    "is_gold = :g ORDER BY id"), {"c": campaign, "g": gold})]


def _states(jz) -> dict[int, str]:  # type: ignore[no-untyped-def]
    with jz.db.engine.connect() as conn:
        return dict(conn.execute(sa.text("SELECT id, state FROM campaign_items")).all())


def test_an_item_is_decided_at_min_overlap_when_people_agree_and_asked_again_when_they_do_not(node) -> None:
    jz = node
    c = jz.create_campaign(spec(min_overlap=2, max_overlap=4, confidence=0.95), actor=who(jz, KARIM))
    assert c["items"] == 8 and c["gold_items"] == 4
    first, second, third = item_ids(jz, c["id"])[:3]
    a, b, d, e = (who(jz, p) for p in PUBLIC[:4])
    jz.campaign_answer(c["id"], first, "transport", "1", actor=a)
    jz.campaign_answer(c["id"], first, "transport", "1", actor=b)  # two newcomers agree: 0.965 >= 0.95
    jz.campaign_answer(c["id"], second, "transport", "2", actor=a)
    jz.campaign_answer(c["id"], second, "tickets", "2", actor=b)  # a tie: one more answer is needed
    jz.campaign_answer(c["id"], third, "safety", "3", actor=a)
    states = _states(jz)
    assert states[first] == "decided" and states[second] == "open" and states[third] == "open"
    # a decided item retires: nobody receives it again; the tied one comes first (closest to a decision)
    got = jz.campaign_next(c["id"], actor=d)["item"]["id"]
    assert got == second
    jz.campaign_answer(c["id"], second, "tickets", "x", actor=d)  # 2 against 1: 0.90, not enough
    jz.campaign_answer(c["id"], second, "health", "y", actor=e)  # 4 answers = max_overlap, still undecided
    states = _states(jz)
    assert states[second] == "exhausted"
    with pytest.raises(Conflict, match="all the answers"):
        jz.campaign_answer(c["id"], second, "tickets", "z", actor=who(jz, PUBLIC[5]))
    seen = set()
    for _ in range(20):
        got = jz.campaign_next(c["id"], actor=who(jz, PUBLIC[6]))["item"]
        seen.add(got["id"])
    assert first not in seen and second not in seen


def test_nobody_answers_an_item_twice_and_a_retry_counts_once(node) -> None:
    jz = node
    c = jz.create_campaign(spec(), actor=who(jz, KARIM))
    fan = who(jz, PUBLIC[0])
    item = jz.campaign_next(c["id"], actor=fan)["item"]["id"]
    first = jz.campaign_answer(c["id"], item, "tickets", "abc-1", actor=fan)
    again = jz.campaign_answer(c["id"], item, "tickets", "abc-1", actor=fan)  # the network dropped the reply
    assert first["duplicate"] is False and again["duplicate"] is True
    with pytest.raises(Conflict, match="already answered"):
        jz.campaign_answer(c["id"], item, "safety", "abc-2", actor=fan)
    with pytest.raises(Conflict, match="already used"):
        jz.campaign_answer(c["id"], item, "safety", "abc-1", actor=fan)  # same id, another answer
    assert len(answers_in_db(jz, c["id"])) == 1
    # the same client id is another person's own
    jz.campaign_answer(c["id"], item, "tickets", "abc-1", actor=who(jz, PUBLIC[1]))
    assert len(answers_in_db(jz, c["id"])) == 2


@pytest.mark.parametrize("trial", range(2))
def test_concurrent_answers_to_one_item_respect_the_overlap(node, trial: int) -> None:
    """8 people answer the same item at once with max_overlap 3: exactly 3 answers, slots 1-3, and the
    others are told to take the next item; nothing lost, nothing twice."""
    jz = node
    c = jz.create_campaign(spec(min_overlap=3, max_overlap=3, confidence=0.999), actor=who(jz, KARIM))
    item = item_ids(jz, c["id"])[0]
    people = [who(jz, p) for p in PUBLIC]
    calls = [lambda a=a, i=i: jz.campaign_answer(c["id"], item, "tickets", f"id-{i}", actor=a)
             for i, a in enumerate(people)]
    results = race(*calls)
    assert kinds(results) == {"ok": 3, "Conflict": 5}, results
    rows = [r for r in answers_in_db(jz, c["id"]) if r[0] == item]
    assert sorted(r[3] for r in rows) == [1, 2, 3] and len({r[1] for r in rows}) == 3
    with jz.db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT answers, state FROM campaign_items WHERE id = :i"),
                            {"i": item}).one() == (3, "exhausted")


def test_concurrent_retries_of_one_answer_count_once(node) -> None:
    jz = node
    c = jz.create_campaign(spec(), actor=who(jz, KARIM))
    fan = who(jz, PUBLIC[0])
    item = item_ids(jz, c["id"])[0]
    results = race(*[lambda: jz.campaign_answer(c["id"], item, "tickets", "retry-1", actor=fan)] * 6)
    assert kinds(results) == {"ok": 6}, results
    assert sorted(r["duplicate"] for r in results) == [False] + [True] * 5
    assert len(answers_in_db(jz, c["id"])) == 1
    with jz.db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT answers FROM campaign_contributors WHERE contributor = :c"),
                            {"c": PUBLIC[0]}).scalar() == 1


def test_one_person_answering_one_item_from_two_devices_at_once_counts_once(node) -> None:
    jz = node
    c = jz.create_campaign(spec(), actor=who(jz, KARIM))
    fan = who(jz, PUBLIC[0])
    item = item_ids(jz, c["id"])[0]
    results = race(*[lambda i=i: jz.campaign_answer(c["id"], item, "tickets", f"dev-{i}", actor=fan)
                     for i in range(5)])
    assert kinds(results) == {"ok": 1, "Conflict": 4}, results
    assert len(answers_in_db(jz, c["id"])) == 1


def test_the_database_itself_refuses_a_second_answer(node) -> None:
    """The rules hold even for a writer that skips the service (unique constraints)."""
    jz = node
    c = jz.create_campaign(spec(), actor=who(jz, KARIM))
    item = item_ids(jz, c["id"])[0]
    jz.campaign_answer(c["id"], item, "tickets", "k1", actor=who(jz, PUBLIC[0]))
    insert = sa.text("INSERT INTO campaign_answers (campaign_id, item_id, contributor, client_id, slot, value, "
                     "created_at) VALUES (:c, :i, :w, :k, :s, '\"tickets\"', CURRENT_TIMESTAMP)")
    for params in ({"w": PUBLIC[0], "k": "k2", "s": 2}, {"w": PUBLIC[1], "k": "k9", "s": 1},
                   {"w": PUBLIC[0], "k": "k1", "s": 3}):
        with pytest.raises(sa.exc.IntegrityError), jz.db.engine.begin() as conn:
            conn.execute(insert, {"c": c["id"], "i": item, **params})


def test_control_items_block_a_contributor_below_the_threshold(node) -> None:
    jz = node
    c = jz.create_campaign(spec(gold_rate=0.5, gold_min_answers=3, gold_min_accuracy=0.6, max_overlap=8),
                           actor=who(jz, KARIM))
    gold_ids = item_ids(jz, c["id"], gold=True)
    good, bad = who(jz, PUBLIC[0]), who(jz, PUBLIC[1])
    with jz.db.session() as session:
        truth = {i.id: i.gold for i in session.scalars(sa.select(Item).where(Item.is_gold.is_(True)))}
    for i, gid in enumerate(gold_ids[:3]):
        jz.campaign_answer(c["id"], gid, truth[gid], f"g{i}", actor=good)
        jz.campaign_answer(c["id"], gid, "information", f"b{i}", actor=bad)  # never right
    with pytest.raises(Forbidden, match="no longer receive"):
        jz.campaign_next(c["id"], actor=bad)
    with pytest.raises(Forbidden):
        jz.campaign_answer(c["id"], item_ids(jz, c["id"])[0], "tickets", "late", actor=bad)
    assert jz.campaign_next(c["id"], actor=good)["item"] is not None
    status = jz.campaign_status(c["id"], actor=who(jz, KARIM))
    people = {p["contributor"]: p for p in status["contributors"]}
    assert people[PUBLIC[1]]["blocked"] and people[PUBLIC[1]]["weight"] == 0 and PUBLIC[1] in status["spammers"]
    assert people[PUBLIC[0]]["gold_accuracy"] == 1.0 and people[PUBLIC[0]]["weight"] > 1
    assert any(e["action"] == "campaign.block" for e in jz.audit("hcp/fans", actor=who(jz, KARIM)))


def test_gold_is_mixed_in_at_its_rate(node) -> None:
    jz = node
    c = jz.create_campaign(spec(gold_rate=0.5, max_overlap=20, confidence=0.999, gold_min_answers=100),
                           actor=who(jz, KARIM))  # stay open, nobody blocked
    gold_ids = set(item_ids(jz, c["id"], gold=True))
    served = []
    for p in PUBLIC:
        actor = who(jz, p)
        for n in range(6):
            got = jz.campaign_next(c["id"], actor=actor)["item"]
            served.append(got["id"] in gold_ids)
            jz.campaign_answer(c["id"], got["id"], "tickets", f"n{n}", actor=actor)
    assert 0.25 <= sum(served) / len(served) <= 0.75


SECRET_KEYS = {"gold", "is_gold", "truth", "answers", "state", "correct", "contributor", "decided_at"}


def walk(data, path="") -> list[str]:
    """Every key path in a JSON document."""
    found = []
    if isinstance(data, dict):
        for k, v in data.items():
            found.append(f"{path}.{k}")
            found += walk(v, f"{path}.{k}")
    elif isinstance(data, list):
        for v in data:
            found += walk(v, f"{path}[]")
    return found


def test_no_response_to_a_contributor_holds_gold_truth_or_others_answers(node) -> None:
    """Every shape a contributor receives: the campaign, the list, next, an answer, a duplicate, a
    refusal, the end of the work. The truth is the `truth` column, which is not a shown field."""
    jz = node
    c = jz.create_campaign(spec(gold_rate=0.5, fields=["text"], gold_min_answers=100), actor=who(jz, KARIM))
    other, fan = who(jz, PUBLIC[0]), who(jz, PUBLIC[1])
    answer_all(jz, c["id"], PUBLIC[0], lambda p: "safety")  # another person's answers: "safety"
    shapes = [jz.campaign(c["id"], actor=fan), jz.campaigns(actor=fan)]
    for n in range(30):
        got = jz.campaign_next(c["id"], actor=fan)
        shapes.append(got)
        if got["item"] is None:
            break
        shapes.append(jz.campaign_answer(c["id"], got["item"]["id"], "information", f"a{n}", actor=fan))
        shapes.append(jz.campaign_answer(c["id"], got["item"]["id"], "information", f"a{n}", actor=fan))
        try:
            jz.campaign_answer(c["id"], got["item"]["id"], "tickets", f"again{n}", actor=fan)
        except Conflict as exc:
            shapes.append(exc.to_dict())
    assert shapes[-1]["item"] is None
    text = json.dumps(shapes, ensure_ascii=False)
    for truth in GOLD.values():
        assert f'"{truth}"' not in text.replace('"value": "' + truth + '"', "")  # labels list their values only
    assert "safety" not in text.replace('"value": "safety"', "")
    for path in {p.rsplit(".", 1)[-1] for shape in shapes for p in walk(shape)}:
        assert path not in SECRET_KEYS, path
    for shape in shapes:
        if isinstance(shape, dict) and isinstance(shape.get("item"), dict):  # an item: its id and shown fields, nothing else
            assert set(shape["item"]) == {"id", "payload"} and set(shape["item"]["payload"]) == {"text"}
    assert other.name not in text


def test_who_may_contribute(node) -> None:
    jz = node
    network = jz.create_campaign(spec(contributors="network"), actor=who(jz, KARIM))
    institute = jz.create_campaign(spec(contributors="institute", title="inside"), actor=who(jz, KARIM))
    public_fan, omar, youssef = who(jz, PUBLIC[0]), who(jz, OMAR), who(jz, YOUSSEF)
    with pytest.raises(NotFound):  # the network: members of an institute, not public sign-ups
        jz.campaign_next(network["id"], actor=public_fan)
    assert jz.campaign_next(network["id"], actor=omar)["item"] is not None
    with pytest.raises(NotFound):
        jz.campaign_next(institute["id"], actor=omar)
    assert jz.campaign_next(institute["id"], actor=youssef)["item"] is not None
    assert [x["id"] for x in jz.campaigns(actor=omar)] == [network["id"]]
    from jazari.governance.actors import Actor

    with pytest.raises(NotFound):
        jz.campaign_next(network["id"], actor=Actor.anonymous())


def test_bad_answers_are_refused_with_the_field_named(node) -> None:
    jz = node
    c = jz.create_campaign(spec(), actor=who(jz, KARIM))
    fan = who(jz, PUBLIC[0])
    item = item_ids(jz, c["id"])[0]
    for value, answer_id in (("teleport", "ok-1"), (["tickets"], "ok-2"), (None, "ok-3"), ("tickets", ""),
                             ("tickets", "a" * 101), ("tickets", "bad id")):
        with pytest.raises(InputError) as caught:
            jz.campaign_answer(c["id"], item, value, answer_id, actor=fan)
        assert caught.value.context["field"] in ("value", "answer_id")
    with pytest.raises(NotFound):
        jz.campaign_answer(c["id"], 999_999, "tickets", str(uuid.uuid4()), actor=fan)
    with pytest.raises(InputError):
        jz.campaign_next(c["id"], skip=[0], actor=fan)
    assert answers_in_db(jz, c["id"]) == []


def test_a_paused_campaign_gives_no_items(node) -> None:
    jz = node
    c = jz.create_campaign(spec(), actor=who(jz, KARIM))
    jz.campaign_set_status(c["id"], "paused", actor=who(jz, KARIM))
    with pytest.raises(Conflict, match="paused"):
        jz.campaign_next(c["id"], actor=who(jz, PUBLIC[0]))
    with pytest.raises(Forbidden):
        jz.campaign_set_status(c["id"], "open", actor=who(jz, YOUSSEF))


def test_a_decided_item_takes_no_more_answers(node) -> None:
    """A decided item retires: answering it by its id (not through `next`) is refused, and its
    decision stands."""
    jz = node
    c = jz.create_campaign(spec(min_overlap=2, max_overlap=5, confidence=0.7), actor=who(jz, KARIM))
    item = item_ids(jz, c["id"])[0]
    for n, email in enumerate(PUBLIC[:2]):
        jz.campaign_answer(c["id"], item, "transport", f"d{n}", actor=who(jz, email))
    for n, email in enumerate(PUBLIC[2:5]):
        with pytest.raises(Conflict, match="all the answers"):
            jz.campaign_answer(c["id"], item, "tickets", f"late{n}", actor=who(jz, email))
    with jz.db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT answers, state FROM campaign_items WHERE id = :i"),
                            {"i": item}).one() == (2, "decided")


def test_a_campaign_follows_its_dataset_when_it_is_hidden_or_closed_to_its_contributors(node) -> None:
    """A campaign never shows rows to someone who may no longer read them: not after moderation hid
    the dataset, not after its stewards lowered its level."""
    jz = node
    c = jz.create_campaign(spec(), actor=who(jz, KARIM))
    fan, youssef = who(jz, PUBLIC[6]), who(jz, YOUSSEF)
    assert jz.campaign_next(c["id"], actor=fan)["item"] is not None
    for email in PUBLIC[:3]:
        jz.report("dataset", "hcp/fans", "offensive", actor=who(jz, email))
    assert not [d for d in jz.datasets(actor=fan) if d["dataset"] == "hcp/fans"]  # hidden
    for call in (lambda: jz.campaign_next(c["id"], actor=fan), lambda: jz.campaign(c["id"], actor=fan),
                 lambda: jz.campaign_answer(c["id"], item_ids(jz, c["id"])[0], "tickets", "h1", actor=fan),
                 lambda: jz.report("item", f"{c['id']}/{item_ids(jz, c['id'])[0]}", "spam", actor=fan)):
        with pytest.raises(NotFound):
            call()
    assert c["id"] not in [x["id"] for x in jz.campaigns(actor=fan)]
    assert jz.campaign_next(c["id"], actor=youssef)["item"] is not None  # its institute still works on it
    restored = next(x for x in jz.reports(actor=who(jz, KARIM)) if x["ref"] == "hcp/fans")
    jz.moderate(restored["id"], "restore", "not offensive", actor=who(jz, KARIM))
    assert jz.campaign_next(c["id"], actor=fan)["item"] is not None
    jz.datasets_service.update(who(jz, KARIM), "hcp/fans", access_level="institute")
    with pytest.raises(NotFound):
        jz.campaign_next(c["id"], actor=fan)
    assert c["id"] not in [x["id"] for x in jz.campaigns(actor=fan)]
    assert jz.campaign_next(c["id"], actor=youssef)["item"] is not None


def test_a_retry_still_counts_once_after_the_campaign_closed(node) -> None:
    """The reply to an answer was lost and the campaign closed meanwhile: the retry is told its
    answer was recorded, not that the campaign is closed."""
    jz = node
    c = jz.create_campaign(spec(), actor=who(jz, KARIM))
    fan = who(jz, PUBLIC[0])
    item = item_ids(jz, c["id"])[0]
    jz.campaign_answer(c["id"], item, "tickets", "lost-reply", actor=fan)
    jz.campaign_set_status(c["id"], "closed", actor=who(jz, KARIM))
    again = jz.campaign_answer(c["id"], item, "tickets", "lost-reply", actor=fan)
    assert again["duplicate"] is True
    with pytest.raises(Conflict, match="closed"):
        jz.campaign_answer(c["id"], item_ids(jz, c["id"])[1], "tickets", "new", actor=fan)


def test_blocking_a_contributor_reopens_the_items_their_answers_helped_decide(node) -> None:
    """Once blocked, a contributor's answers count for nothing: an item decided with their answer is
    open again and needs another answer (found by benchmarks/collective.py --overlap)."""
    jz = node
    c = jz.create_campaign(spec(gold_rate=0.5, gold_min_answers=3, gold_min_accuracy=0.6, min_overlap=2,
                                max_overlap=4, confidence=0.7), actor=who(jz, KARIM))
    item, other = item_ids(jz, c["id"])[:2]
    bad = who(jz, PUBLIC[1])
    jz.campaign_answer(c["id"], item, "transport", "r0", actor=bad)
    jz.campaign_answer(c["id"], item, "transport", "r1", actor=who(jz, PUBLIC[0]))
    jz.campaign_answer(c["id"], other, "tickets", "o0", actor=bad)  # still open: one answer
    state = "SELECT state FROM campaign_items WHERE id = :i"
    with jz.db.engine.connect() as conn:
        assert conn.execute(sa.text(state), {"i": item}).scalar() == "decided"
    for i, gid in enumerate(item_ids(jz, c["id"], gold=True)[:3]):
        jz.campaign_answer(c["id"], gid, "information", f"b{i}", actor=bad)  # never right: blocked
    with jz.db.engine.connect() as conn:
        assert [conn.execute(sa.text(state), {"i": i}).scalar() for i in (item, other)] == ["open", "open"]
    jz.campaign_answer(c["id"], item, "transport", "r2", actor=who(jz, PUBLIC[2]))
    with jz.db.engine.connect() as conn:
        assert conn.execute(sa.text(state), {"i": item}).scalar() == "decided"


def test_control_items_are_not_given_once_nothing_else_is_left(node) -> None:
    """Served alone at the end, control items would stand out (whatever comes after "nothing left"
    is a control): so once a contributor has no ordinary item left, they get nothing, however they ask."""
    jz = node
    c = jz.create_campaign(spec(gold_rate=0.5, max_overlap=20), actor=who(jz, KARIM))
    fan = who(jz, PUBLIC[0])
    for n, item in enumerate(item_ids(jz, c["id"])):
        jz.campaign_answer(c["id"], item, "tickets", f"o{n}", actor=fan)
    served = [jz.campaign_next(c["id"], skip=list(range(1, n + 1)), actor=fan)["item"] for n in range(40)]
    assert served == [None] * 40
