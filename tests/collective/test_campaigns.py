"""Campaigns end to end: creation checked field by field, never wider than the dataset, each type
(classify, multilabel, spans, translate with a validate campaign over it), status for stewards,
and publishing the gold data with its lineage, the pseudonymised answers and the credits."""

from __future__ import annotations

import pytest

from jazari.errors import Forbidden, InputError, NotFound
from tests.collective.conftest import AMINA, GOLD, KARIM, MESSAGES, OMAR, OP, PUBLIC, YOUSSEF, answer_all, spec, who


@pytest.mark.parametrize(("change", "field"), [
    ({"type": "rank"}, "type"), ({"labels": ["only"]}, "labels"), ({"labels": ["a", "a"]}, "labels"),
    ({"instructions": {}}, "instructions"), ({"instructions": {"de": "x"}}, "instructions.de"),
    ({"min_overlap": 4, "max_overlap": 2}, "max_overlap"), ({"gold_rate": 0.9}, "gold_rate"),
    ({"fields": ["nope"]}, "fields"), ({"gold": {"m99": "tickets"}}, "gold"), ({"gold": {"m5": "teleport"}}, "gold"),
    ({"colour": "red"}, "colour"), ({"type": "spans"}, "text_field"), ({"title": ""}, "title"),
    ({"key_field": "truth"}, "key_field"), ({"max_items": 5}, "max_items"),
])
def test_a_wrong_setting_is_named(node, change: dict, field: str) -> None:
    jz = node
    with pytest.raises(InputError) as caught:
        jz.create_campaign(spec(**change), actor=who(jz, KARIM))
    assert caught.value.context["field"] == field, caught.value


def test_only_the_owners_stewards_create_and_never_wider_than_the_data(node) -> None:
    jz = node
    for email in (AMINA, YOUSSEF):
        with pytest.raises(Forbidden):
            jz.create_campaign(spec(), actor=who(jz, email))
    with pytest.raises(Forbidden):
        jz.create_campaign(spec(), actor=who(jz, OMAR))
    jz.datasets_service.update(OP, "hcp/fans", access_level="institute")
    with pytest.raises(Forbidden, match="institute level"):
        jz.create_campaign(spec(contributors="public"), actor=who(jz, KARIM))
    made = jz.create_campaign(spec(contributors="institute"), actor=who(jz, KARIM))
    assert made["contributors"] == "institute"
    assert any(e["action"] == "campaign.create" for e in jz.audit("hcp/fans", actor=OP))


def test_status_is_for_the_owners_stewards(node) -> None:
    jz = node
    c = jz.create_campaign(spec(min_overlap=3, max_overlap=3), actor=who(jz, KARIM))
    for email in PUBLIC[:3]:
        answer_all(jz, c["id"], email, lambda p: "transport" if "tram" in p["text"] else "information")
    status = jz.campaign_status(c["id"], actor=who(jz, KARIM))
    assert status["items"]["total"] == 8 and status["items"]["decided"] + status["items"]["exhausted"] == 8
    assert status["progress"] == 1.0 and status["answers"] == 24 and status["agreement"]["alpha"] == 1.0
    assert status["distribution"] == {"information": 21, "transport": 3}
    assert set(status["agreement"]["per_label"]) == set(c["labels"][i]["value"] for i in range(6))
    for email in (PUBLIC[0], YOUSSEF, OMAR):
        with pytest.raises((Forbidden, NotFound)):
            jz.campaign_status(c["id"], actor=who(jz, email))


def test_publish_writes_gold_data_lineage_raw_answers_and_credits(node) -> None:
    jz = node
    c = jz.create_campaign(spec(min_overlap=3, max_overlap=3), actor=who(jz, KARIM))
    for n, email in enumerate(PUBLIC[:3]):
        actor = who(jz, email)
        for i in range(20):
            got = jz.campaign_next(c["id"], actor=actor)["item"]
            if got is None:
                break
            value = "tickets" if ("tick" in got["payload"]["text"] or n < 2) else "safety"
            jz.campaign_answer(c["id"], got["id"], value, f"x{i}", actor=actor,
                               credit="Salma B." if n == 0 else None)
    with pytest.raises(Forbidden):  # a contributor sees the campaign, but does not manage it
        jz.campaign_publish(c["id"], "hcp/fans-gold", actor=who(jz, PUBLIC[0]))
    out = jz.campaign_publish(c["id"], "hcp/fans-gold", "dawid_skene", actor=who(jz, KARIM))
    assert out["items"] == 8 and out["answers"] == 24 and out["method"] == "dawid_skene"
    assert out["credits"] == [{"name": "Salma B.", "answers": 8}] and out["anonymous_contributors"] == 2
    gold = jz.load("hcp/fans-gold", actor=OP).to_pylist()
    assert {r["answer"] for r in gold} == {"tickets"} and {r["answers"] for r in gold} == {3}
    assert sorted(r["item_key"] for r in gold) == sorted(f"m{i}" for i in range(len(MESSAGES)) if f"m{i}" not in GOLD)
    origin = jz.version("hcp/fans-gold", actor=OP)["lineage"]["origin"]
    assert origin["campaign"] == c["id"] and origin["method"] == "dawid_skene" and origin["answers"] == 24
    raw = jz.load("hcp/fans-gold-answers", actor=OP).to_pylist()
    assert len(raw) == 24 and all(r["contributor"].startswith("tok_") for r in raw)
    assert not {r["contributor"] for r in raw} & set(PUBLIC)
    assert len({r["contributor"] for r in raw}) == 3
    assert jz.results.publications(who(jz, KARIM), c["id"])[0]["credits"] == out["credits"]


def test_multilabel_and_spans_campaigns(node) -> None:
    jz = node
    multi = jz.create_campaign(spec(type="multilabel", gold={"m1": ["tickets"]}),
                               actor=who(jz, KARIM))
    answer_all(jz, multi["id"], PUBLIC[0], lambda p: ["tickets", "transport"])
    answer_all(jz, multi["id"], PUBLIC[1], lambda p: ["transport", "tickets", "tickets"])
    result = jz.campaign_aggregate(multi["id"], "majority_vote", actor=who(jz, KARIM))
    assert {tuple(r["answer"]) for r in result["results"]} == {("tickets", "transport")}
    spans = jz.create_campaign(spec(type="spans", text_field="text", labels=["place", "object"], gold={}),
                               actor=who(jz, KARIM))
    fan = who(jz, PUBLIC[2])
    got = jz.campaign_next(spans["id"], actor=fan)["item"]
    text = got["payload"]["text"]
    with pytest.raises(InputError, match="outside the text"):
        jz.campaign_answer(spans["id"], got["id"], [{"start": 0, "end": len(text) + 1, "label": "place"}], "s0",
                           actor=fan)
    jz.campaign_answer(spans["id"], got["id"], [{"start": 0, "end": 3, "label": "place"}], "s1", actor=fan)
    out = jz.campaign_aggregate(spans["id"], "majority_vote", actor=who(jz, KARIM))["results"]
    assert out[0]["answer"] and out[0]["answer"][0][2] == "place"


def test_translations_chosen_by_a_validate_campaign(node) -> None:
    jz = node
    tr = jz.create_campaign(spec(type="translate", source_field="text", source_lang="ary", target_lang="fr",
                                 labels=[], gold={}, min_overlap=2, max_overlap=2), actor=who(jz, KARIM))
    answer_all(jz, tr["id"], PUBLIC[0], lambda p: f"traduction A de {p['text'][:5]}")
    answer_all(jz, tr["id"], PUBLIC[1], lambda p: f"traduction B de {p['text'][:5]}")
    check = jz.create_campaign({"title": "Vérifier", "type": "validate", "source_campaign": tr["id"],
                                "instructions": {"fr": "La traduction est-elle juste ?"}, "contributors": "public",
                                "min_overlap": 2, "max_overlap": 2, "gold_rate": 0},
                               actor=who(jz, KARIM))
    assert check["items"] == 2 * tr["items"]
    for email in PUBLIC[2:4]:
        answer_all(jz, check["id"], email, lambda p: "accept" if p["proposed"].startswith("traduction B") else "reject")
    result = jz.campaign_aggregate(tr["id"], actor=who(jz, KARIM))
    assert result["method"] == "validation_votes"
    assert all(r["answer"].startswith("traduction B") for r in result["results"])
    with pytest.raises(Forbidden):
        jz.create_campaign({"title": "x", "type": "validate", "source_campaign": tr["id"], "contributors": "public",
                            "instructions": {"fr": "x"}}, actor=who(jz, OMAR))


def test_the_campaign_file_in_the_docs_works(node) -> None:
    import re
    from pathlib import Path

    import yaml

    doc = (Path(__file__).parents[2] / "docs" / "collective.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", doc, re.S)
    assert block is not None
    made = node.create_campaign(yaml.safe_load(block.group(1)), actor=who(node, KARIM))
    assert made["items"] == 8 and made["gold_items"] == 4 and made["labels"][1]["names"]["ar"] == "التذاكر"


def test_a_control_column_is_refused_because_contributors_read_the_dataset(node) -> None:
    """Contributors may read the version (a campaign is never wider than its data), so a column of
    truths in it would give them the control answers: those come in `gold` only."""
    jz = node
    assert jz.rows("hcp/fans", actor=who(jz, PUBLIC[0]))["rows"][0]["truth"] == "transport"  # readable
    with pytest.raises(InputError, match="can read") as caught:
        jz.create_campaign(spec(gold={}, gold_field="truth"), actor=who(jz, KARIM))
    assert caught.value.context["field"] == "gold_field"
    made = jz.create_campaign(spec(gold={"m0": "transport"}), actor=who(jz, KARIM))
    assert made["gold_items"] == 1


def test_a_validate_campaign_leaves_out_the_translations_of_hidden_items(node) -> None:
    jz = node
    tr = jz.create_campaign(spec(type="translate", source_field="text", source_lang="ary", target_lang="fr",
                                 labels=[], gold={}, min_overlap=2, max_overlap=2), actor=who(jz, KARIM))
    answer_all(jz, tr["id"], PUBLIC[0], lambda p: f"traduction de {p['text'][:5]}")
    first = jz.campaign_next(tr["id"], actor=who(jz, PUBLIC[1]))["item"]
    jz.campaign_answer(tr["id"], first["id"], "une insulte", "bad-1", actor=who(jz, PUBLIC[1]))
    for email in PUBLIC[2:5]:
        jz.report("item", f"{tr['id']}/{first['id']}", "offensive", actor=who(jz, email))
    check = jz.create_campaign({"title": "Vérifier", "type": "validate", "source_campaign": tr["id"],
                                "instructions": {"fr": "La traduction est-elle juste ?"}, "contributors": "public",
                                "gold_rate": 0}, actor=who(jz, KARIM))
    assert check["items"] == tr["items"] - 1
    shown = [jz.campaign_next(check["id"], actor=who(jz, PUBLIC[6]), skip=list(range(1, n)))
             for n in range(1, 3)]
    assert all("insulte" not in str(s) for s in shown)


def test_the_answers_to_a_hidden_item_are_not_published(node) -> None:
    """An item hidden by reports (e.g. a translation exposing someone) stays out of the gold data and
    of the raw answers."""
    jz = node
    c = jz.create_campaign(spec(min_overlap=1, max_overlap=1, gold={}), actor=who(jz, KARIM))
    answer_all(jz, c["id"], PUBLIC[0], lambda p: "tickets")
    first = jz.campaign_next(c["id"], actor=who(jz, PUBLIC[1]))  # none left: all decided
    assert first["item"] is None
    hidden_key = "m5"
    with jz.db.engine.connect() as conn:
        import sqlalchemy as sa

        item = conn.execute(sa.text("SELECT id FROM campaign_items WHERE key = :k AND campaign_id = :c"),
                            {"k": hidden_key, "c": c["id"]}).scalar()
    for email in PUBLIC[2:5]:
        jz.report("item", f"{c['id']}/{item}", "personal_data", actor=who(jz, email))
    jz.campaign_publish(c["id"], "hcp/fans-gold", "majority_vote", actor=who(jz, KARIM))
    assert hidden_key not in {r["item_key"] for r in jz.load("hcp/fans-gold", actor=OP).to_pylist()}
    assert hidden_key not in {r["item_key"] for r in jz.load("hcp/fans-gold-answers", actor=OP).to_pylist()}


def test_reading_the_aggregate_of_non_public_data_is_audited(node) -> None:
    jz = node
    jz.datasets_service.update(OP, "hcp/fans", access_level="institute")
    c = jz.create_campaign(spec(contributors="institute"), actor=who(jz, KARIM))
    answer_all(jz, c["id"], YOUSSEF, lambda p: "tickets")
    jz.campaign_aggregate(c["id"], "majority_vote", actor=who(jz, KARIM))
    events = [e for e in jz.audit("hcp/fans", actor=OP, limit=500) if e["action"] == "campaign.aggregate"]
    assert len(events) == 1 and events[0]["actor"] == KARIM
