"""Aggregation: every crowd-kit method on a simulated crowd, determinism whatever the order of the
answers, spans by token, multilabel by label, translations by validation votes, Krippendorff's alpha,
reliability and spammers; and crowd-kit loads without transformers or torch."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from jazari.collective import aggregate
from jazari.collective.aggregate import Vote
from jazari.errors import InputError

LABELS = ["a", "b", "c", "d", "e"]


def crowd(items: int = 120, seed: int = 7) -> tuple[list[Vote], dict[str, str]]:
    """5 good workers (85% right), 3 poor (55%), 2 spammers (uniform), every item answered by all."""
    rng = random.Random(seed)
    truth = {f"i{n:03d}": rng.choice(LABELS) for n in range(items)}
    votes = []
    for w, quality in enumerate([0.85] * 5 + [0.55] * 3 + [None] * 2):
        for item, true in truth.items():
            if quality is None:
                label = rng.choice(LABELS)
            else:
                label = true if rng.random() < quality else rng.choice([x for x in LABELS if x != true])
            votes.append(Vote(item, f"w{w}", label))
    return votes, truth


@pytest.mark.parametrize("method", aggregate.METHODS)
def test_every_method_recovers_the_truth_of_a_mixed_crowd(method: str) -> None:
    votes, truth = crowd()
    triples = aggregate.units("classify", votes, LABELS, {})
    found = aggregate.vote_units(triples, method)
    accuracy = sum(found[i][0] == t for i, t in truth.items()) / len(truth)
    assert accuracy >= 0.9, (method, accuracy)
    assert all(0 < p <= 1 for _v, p in found.values())


@pytest.mark.parametrize("method", aggregate.METHODS)
def test_the_order_of_the_answers_does_not_change_the_result(method: str) -> None:
    votes, _truth = crowd(items=40, seed=3)
    votes += [Vote("tie", "w0", "a"), Vote("tie", "w1", "b")]  # a tie goes to the smallest value
    first = aggregate.vote_units(aggregate.units("classify", votes, LABELS, {}), method)
    for seed in range(3):
        shuffled = votes[:]
        random.Random(seed).shuffle(shuffled)
        assert aggregate.vote_units(aggregate.units("classify", shuffled, LABELS, {}), method) == first
    if method == "majority_vote":
        assert first["tie"][0] == "a"


def test_majority_vote_weighs_contributors() -> None:
    votes = [Vote("x", "good", "a"), Vote("x", "bad1", "b"), Vote("x", "bad2", "b")]
    triples = aggregate.units("classify", votes, LABELS, {})
    assert aggregate.vote_units(triples, "majority_vote")["x"][0] == "b"
    assert aggregate.vote_units(triples, "majority_vote", {"good": 1.9, "bad1": 0.4, "bad2": 0.4})["x"][0] == "a"


def test_an_unknown_method_is_named() -> None:
    with pytest.raises(InputError, match="one of majority_vote") as caught:
        aggregate.vote_units([("x", "w", "a")], "average")
    assert caught.value.context["field"] == "method"


def test_spans_are_voted_token_by_token() -> None:
    text = "Je suis à Casablanca près de la gare Casa Voyageurs"
    casa = (text.index("Casablanca"), text.index("Casablanca") + len("Casablanca"))
    gare = (text.index("gare"), len(text))
    votes = [
        Vote("t", "w1", [[casa[0], casa[1], "place"], [gare[0], gare[1], "place"]]),
        Vote("t", "w2", [[casa[0], casa[1], "place"]]),
        Vote("t", "w3", [[casa[0], casa[1], "place"], [gare[0] + 5, gare[1], "place"]]),  # "Casa Voyageurs"
    ]
    triples = aggregate.units("spans", votes, ["place"], {"t": text})
    outcome = aggregate.assemble("spans", aggregate.vote_units(triples, "majority_vote"), {"t": 3}, ["place"],
                                 {"t": text})["t"]
    spans = [text[s:e] for s, e, _label in outcome.answer]
    assert spans == ["Casablanca", "Casa Voyageurs"]
    assert outcome.answers == 3 and 0.5 < outcome.confidence <= 1


def test_multilabel_is_voted_label_by_label() -> None:
    votes = [Vote("m", "w1", ["tickets", "transport"]), Vote("m", "w2", ["tickets"]),
             Vote("m", "w3", ["tickets", "transport"]), Vote("n", "w1", []), Vote("n", "w2", [])]
    labels = ["tickets", "transport", "health"]
    triples = aggregate.units("multilabel", votes, labels, {})
    out = aggregate.assemble("multilabel", aggregate.vote_units(triples, "majority_vote"), {"m": 3, "n": 2},
                             labels, {})
    assert out["m"].answer == ["tickets", "transport"] and out["n"].answer == []


def test_translations_are_chosen_by_validation_votes_else_by_agreement() -> None:
    votes = [Vote("c1", "w1", "Aïn Harrouda"), Vote("c1", "w2", "Ain Harouda"), Vote("c1", "w3", "Ain Harouda")]
    assert aggregate.choose_translations(votes, {})["c1"].answer == "Ain Harouda"
    validated = {("c1", "Aïn Harrouda"): (3.0, 0.0), ("c1", "Ain Harouda"): (1.0, 2.0)}
    chosen = aggregate.choose_translations(votes, validated)["c1"]
    assert chosen.answer == "Aïn Harrouda" and chosen.confidence == pytest.approx(0.8)


def test_krippendorff_alpha_overall_and_per_label() -> None:
    perfect = [(f"u{i}", w, "a" if i % 2 else "b") for i in range(10) for w in ("x", "y", "z")]
    assert aggregate.alpha(perfect) == 1.0
    assert aggregate.alpha(perfect, only="a") == 1.0
    votes, _truth = crowd(items=80)
    triples = aggregate.units("classify", votes, LABELS, {})
    mixed = aggregate.alpha(triples)
    assert mixed is not None and 0.2 < mixed < 0.8
    random_only = [t for t in triples if t[1] in ("w8", "w9")]
    assert abs(aggregate.alpha(random_only) or 0) < 0.2
    assert aggregate.alpha([("u", "x", "a"), ("u", "y", "a")]) is None  # one value: undefined
    assert aggregate.alpha([("u", "x", "a"), ("v", "y", "b")]) is None  # no unit answered twice


def test_reliability_finds_the_spammers() -> None:
    votes, _truth = crowd()
    triples = aggregate.units("classify", votes, LABELS, {})
    found = aggregate.vote_units(triples, "dawid_skene")
    people = aggregate.reliability(triples, found)
    assert {w for w, r in people.items() if r["spammer"]} == {"w8", "w9"}
    assert all(people[f"w{i}"]["agreement"] > 0.75 for i in range(5))


def test_gold_scoring_and_the_live_posterior() -> None:
    assert aggregate.is_correct("classify", "a", "a") and not aggregate.is_correct("classify", "a", "b")
    assert aggregate.is_correct("multilabel", ["x", "y"], ["x", "y"])
    assert aggregate.is_correct("translate", "Tanger", ["Tanger", "Tangier"])
    text = "Rabat et Salé"
    assert aggregate.is_correct("spans", [[0, 5, "place"]], [[0, 5, "place"]], text)
    assert not aggregate.is_correct("spans", [], [[0, 5, "place"], [9, 13, "place"]], text)
    newcomer = aggregate.accuracy(0, 0)
    assert newcomer == pytest.approx(0.7)
    # one answer alone is only as sure as its author; two agreeing newcomers decide at the default 0.85
    assert aggregate.posterior([("a", newcomer)], 5) == ("a", pytest.approx(0.7), False)
    top, p, tie = aggregate.posterior([("a", newcomer), ("a", newcomer)], 5)
    assert (top, tie) == ("a", False) and 0.95 < p < 0.96
    # 2 against 1 is less sure; agreement by chance is likelier with two labels than with a hundred
    assert 0.85 < aggregate.posterior([("a", newcomer), ("b", newcomer), ("a", newcomer)], 5)[1] < 0.9
    assert aggregate.posterior([("a", .7), ("a", .7)], 2)[1] < aggregate.posterior([("a", .7), ("a", .7)], 100)[1]
    # a proven contributor outweighs a newcomer; a record of chance answers carries nothing
    expert, spammer = aggregate.accuracy(20, 20), aggregate.accuracy(20, 4)
    assert aggregate.posterior([("a", expert), ("b", newcomer)], 5)[0] == "a"
    assert aggregate.posterior([("a", spammer), ("a", spammer)], 5)[1] < 0.3
    assert aggregate.posterior([("a", newcomer), ("b", newcomer)], 5)[2] is True
    assert aggregate.posterior([], 5) == (None, 0.0, False)


def test_blocking_needs_credible_evidence_and_control_items_come_early() -> None:
    assert not aggregate.blocks(2, 0, 3, 0.6)  # too few control answers to judge
    assert aggregate.blocks(3, 0, 3, 0.6) and aggregate.blocks(4, 1, 3, 0.6) and aggregate.blocks(6, 2, 3, 0.6)
    assert not aggregate.blocks(3, 1, 3, 0.6) and not aggregate.blocks(5, 2, 3, 0.6)  # one unlucky answer
    assert not aggregate.blocks(10, 7, 3, 0.6) and aggregate.blocks(30, 12, 3, 0.6)
    assert aggregate.gold_chance(0.1, 0, 3) == pytest.approx(0.3)
    assert aggregate.gold_chance(0.1, 4, 3) == pytest.approx(0.1)
    assert aggregate.gold_chance(0.1, 6, 3) == pytest.approx(0.025)
    assert aggregate.gold_chance(0.4, 0, 3) == pytest.approx(0.5)  # never more than one item in two
    assert aggregate.answer_space("classify", {"labels": ["a", "b", "c"]}) == 3
    assert aggregate.answer_space("validate", {}) == 2
    assert aggregate.answer_space("translate", {}) == aggregate.FREE_ANSWERS


def test_crowd_kit_loads_without_transformers_or_torch() -> None:
    """crowd-kit declares `transformers` (only its `learning` part uses it, with torch): the aggregation
    that Jazari runs never imports either."""
    code = ("import sys; from jazari.collective import aggregate; from jazari.collective.aggregate import Vote;"
            "aggregate.vote_units(aggregate.units('classify', [Vote('i','w','a'), Vote('i','v','b')], ['a','b'], {}),"
            " 'glad'); print(sorted(m for m in ('transformers', 'torch') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "[]"
