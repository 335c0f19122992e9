"""Answers into gold: crowd-kit's aggregators over *units*, agreement (Krippendorff's alpha), each
contributor's reliability and the spammers. Pure functions of the answers: no database here.

Every type of campaign is reduced to units that take one categorical value each, so one method
serves all: an item (classify, validate), an item and a label (multilabel: present or not), an item
and a token (spans: the label of the token, `O` outside every span). Translations are chosen among
the distinct texts proposed for an item, by the votes of a validate campaign over them when there
is one, else by how many people wrote the same text.

Determinism: the votes are sorted before they reach crowd-kit (its ties follow row order), and a
tie between values goes to the smallest value.
"""

from __future__ import annotations

import math
import re
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from scipy.special import betaincinv

from jazari.collective.spec import answer_key, normalise_text
from jazari.errors import InputError

METHODS = ("majority_vote", "wawa", "dawid_skene", "one_coin_dawid_skene", "glad", "mace")
OUTSIDE = "O"  # a token outside every span
YES, NO = "yes", "no"
TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Vote:
    """One answer: to which item, by whom, what (in canonical form)."""

    item: str
    contributor: str
    value: Any


@dataclass(frozen=True)
class Outcome:
    """The aggregated answer of one item, how sure, from how many answers."""

    answer: Any
    confidence: float
    answers: int


def check_method(method: str) -> str:
    """The method's name, or an InputError listing the methods."""
    if method not in METHODS:
        raise InputError(f"unknown aggregation method {method!r}", hint="one of " + ", ".join(METHODS),
                         field="method")
    return method


def tokens(text: str) -> list[tuple[int, int]]:
    """Word and punctuation tokens of a text as (start, end) character offsets."""
    return [(m.start(), m.end()) for m in TOKEN.finditer(text)]


def units(kind: str, votes: Iterable[Vote], labels: list[str], texts: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """The (unit, contributor, value) triples a campaign's answers make (see the module's docstring)."""
    out: list[tuple[str, str, str]] = []
    for vote in votes:
        if kind == "multilabel":
            chosen = set(vote.value)
            out.extend((f"{vote.item}\x1f{label}", vote.contributor, YES if label in chosen else NO) for label in labels)
        elif kind == "spans":
            for i, (start, end) in enumerate(tokens(texts.get(vote.item, ""))):
                label = next((s[2] for s in vote.value if s[0] < end and s[1] > start), OUTSIDE)
                out.append((f"{vote.item}\x1f{i}", vote.contributor, label))
        else:
            out.append((vote.item, vote.contributor, answer_key(vote.value)))
    return out


def _model(method: str) -> Any:
    from crowdkit import aggregation as ck  # imported on first use: `jazari --help` stays fast

    return {
        "majority_vote": ck.MajorityVote, "wawa": ck.Wawa, "dawid_skene": ck.DawidSkene,
        "one_coin_dawid_skene": ck.OneCoinDawidSkene, "glad": ck.GLAD,
        "mace": lambda: ck.MACE(n_restarts=1, random_state=0),  # 10 restarts: 10x slower, no better here
    }[method]()


def vote_units(triples: list[tuple[str, str, str]], method: str,
               weights: Mapping[str, float] | None = None) -> dict[str, tuple[str, float]]:
    """Each unit's value and its probability by `method` (majority vote weighs contributors by
    `weights`; the other methods estimate their own skills). Deterministic."""
    if not triples:
        return {}
    import numpy as np
    import pandas as pd

    rows = sorted(set(triples))
    frame = pd.DataFrame(rows, columns=["task", "worker", "label"])
    model = _model(check_method(method))
    with warnings.catch_warnings(), np.errstate(all="ignore"):  # GLAD logs 0 with a single value: harmless
        warnings.simplefilter("ignore")  # and pandas 3 deprecations inside crowd-kit
        if method == "majority_vote":
            skills = None
            if weights:
                workers = sorted(frame["worker"].unique())
                skills = pd.Series([weights.get(w, 1.0) for w in workers], index=workers, name="skill")
            probas = model.fit(frame, skills=skills).probas_
        else:
            probas = model.fit_predict_proba(frame)
    probas = probas.reindex(columns=sorted(probas.columns, key=str)).sort_index().fillna(0.0)
    columns = [str(c) for c in probas.columns]
    out: dict[str, tuple[str, float]] = {}
    for task, row in zip(probas.index, probas.to_numpy()):
        best = max(range(len(row)), key=lambda j: (round(float(row[j]), 12), -j))  # ties: the smallest value
        out[str(task)] = (columns[best], float(row[best]))
    return out


def assemble(kind: str, unit_values: Mapping[str, tuple[str, float]], counts: Mapping[str, int],
             labels: list[str], texts: Mapping[str, str]) -> dict[str, Outcome]:
    """Unit values back into each item's answer: a label, a set of labels, or spans."""
    if kind not in ("multilabel", "spans"):
        return {item: Outcome(value, round(p, 6), counts[item]) for item, (value, p) in unit_values.items()}
    parts: dict[str, dict[str, tuple[str, float]]] = defaultdict(dict)
    for unit, found in unit_values.items():
        item, _, sub = unit.partition("\x1f")
        parts[item][sub] = found
    out: dict[str, Outcome] = {}
    for item, found in parts.items():
        confidence = round(sum(p for _v, p in found.values()) / len(found), 6)
        if kind == "multilabel":
            answer: Any = sorted(label for label in labels if found.get(label, (NO, 0))[0] == YES)
        else:
            answer = _merge_tokens(tokens(texts.get(item, "")), found)
        out[item] = Outcome(answer, confidence, counts[item])
    return out


def _merge_tokens(spans: list[tuple[int, int]], found: Mapping[str, tuple[str, float]]) -> list[list[Any]]:
    """Consecutive tokens with one label become one span [start, end, label]."""
    merged: list[list[Any]] = []
    previous = OUTSIDE
    for i, (start, end) in enumerate(spans):
        label = found.get(str(i), (OUTSIDE, 0.0))[0]
        if label != OUTSIDE and label == previous and merged:
            merged[-1][1] = end
        elif label != OUTSIDE:
            merged.append([start, end, label])
        previous = label
    return merged


def choose_translations(votes: Iterable[Vote], validation: Mapping[tuple[str, str], tuple[float, float]]
                        ) -> dict[str, Outcome]:
    """Each item's translation: the candidate the validators accepted most surely (accept share,
    smoothed), else the text most people wrote; ties go to the smallest text."""
    writers: dict[str, Counter[str]] = defaultdict(Counter)
    for vote in votes:
        writers[vote.item][vote.value] += 1
    out: dict[str, Outcome] = {}
    for item, candidates in writers.items():
        total = sum(candidates.values())

        def score(text: str, item: str = item, candidates: Counter[str] = candidates) -> tuple[float, int, str]:
            accept, reject = validation.get((item, text), (0.0, 0.0))
            voted = (accept + 1) / (accept + reject + 2) if accept + reject else -1.0
            return (voted, candidates[text], text)

        best = sorted(candidates, key=lambda t: (-score(t)[0], -score(t)[1], t))[0]
        voted = score(best)[0]
        out[item] = Outcome(best, round(voted if voted >= 0 else candidates[best] / total, 6), total)
    return out


def alpha(triples: Iterable[tuple[str, str, str]], only: str | None = None) -> float | None:
    """Krippendorff's alpha (nominal) over units with two answers or more; with `only`, the alpha of
    that value against all others. None when it is undefined (fewer than two values, no pairs)."""
    import krippendorff
    import numpy as np

    per_unit: dict[str, Counter[str]] = defaultdict(Counter)
    for unit, _who, value in triples:
        per_unit[unit][value if only is None or value == only else "\x00other"] += 1
    paired = [c for c in per_unit.values() if sum(c.values()) >= 2]
    values = sorted({v for c in paired for v in c})
    if len(values) < 2:
        return None
    index = {v: j for j, v in enumerate(values)}
    counts = np.zeros((len(paired), len(values)))
    for i, c in enumerate(paired):
        for value, n in c.items():
            counts[i, index[value]] = n
    result = float(krippendorff.alpha(value_counts=counts, level_of_measurement="nominal"))
    return None if result != result else round(result, 6)


def reliability(triples: list[tuple[str, str, str]], unit_values: Mapping[str, tuple[str, float]],
                min_answers: int = 5) -> dict[str, dict[str, Any]]:
    """Per contributor: units answered, agreement with the aggregate on units that two or more people
    answered, and whether they look like a spammer (at least `min_answers` such units and an agreement
    near chance: below 1/k + (1 - 1/k)/4 for k values, e.g. 0.4 with 5 labels)."""
    answered = Counter(unit for unit, _w, _v in triples)
    values = {v for _u, _w, v in triples}
    chance = 1 / max(len(values), 2)
    stats: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for unit, who, value in triples:
        stats[who][0] += 1
        if answered[unit] >= 2 and unit in unit_values:
            stats[who][1] += 1
            stats[who][2] += value == unit_values[unit][0]
    out = {}
    for who in sorted(stats):
        total, compared, agreed = stats[who]
        agreement = round(agreed / compared, 6) if compared else None
        spammer = compared >= min_answers and agreement is not None and agreement < chance + (1 - chance) / 4
        out[who] = {"units": total, "compared": compared, "agreement": agreement, "spammer": spammer}
    return out


def is_correct(kind: str, value: Any, gold: Any, text: str = "") -> bool:
    """Whether an answer matches a control item's truth: the same label (set), one of the accepted
    translations, or spans that label at least 80% of the text's tokens the same way."""
    if kind == "translate":
        accepted = gold if isinstance(gold, list) else [gold]
        return value in {normalise_text(str(g)) for g in accepted}
    if kind == "spans":
        mine = units("spans", [Vote("i", "a", value)], [], {"i": text})
        truth = units("spans", [Vote("i", "a", gold)], [], {"i": text})
        if not mine:
            return answer_key(value) == answer_key(gold)
        return sum(a[2] == b[2] for a, b in zip(mine, truth)) / len(mine) >= 0.8
    return answer_key(value) == answer_key(gold)


# --- the live decision: is an item decided after an answer, is a contributor blocked ---------------
#
# A one-coin model (as in one-coin Dawid-Skene): a contributor of accuracy `a` gives the right answer
# with probability `a`, else any one of the other `classes - 1` answers alike. Their accuracy is
# estimated from their control answers with a Beta prior worth two answers at 70 % (a newcomer is
# trusted a little, a spammer loses it after a few control items). An item is decided when the
# posterior of its leading answer reaches the campaign's confidence; a contributor is blocked when
# even the optimistic end (90 %) of what their control answers say is below the campaign's minimum.

PRIOR_RIGHT, PRIOR_WRONG = 1.4, 0.6
CREDIBILITY = 0.9
FREE_ANSWERS = 100  # spans and translations: two people rarely write the same thing by chance
EARLY_GOLD, LATE_GOLD = 3.0, 0.25  # control items come 3x as often until a contributor can be judged,
MAX_GOLD_CHANCE = 0.5              # a quarter as often once they have twice the control answers needed


def accuracy(gold_answers: int, gold_correct: int) -> float:
    """A contributor's estimated accuracy from their control answers (posterior mean)."""
    return (gold_correct + PRIOR_RIGHT) / (gold_answers + PRIOR_RIGHT + PRIOR_WRONG)


def answer_space(kind: str, config: Mapping[str, Any]) -> int:
    """How many different answers an item of this type can take (for the chance of a wrong agreement)."""
    labels = config.get("labels") or []
    if kind == "classify":
        return max(2, len(labels))
    if kind == "validate":
        return 2
    if kind == "multilabel":
        return 2 ** min(max(1, len(labels)), 10)
    return FREE_ANSWERS


def posterior(weighted: Iterable[tuple[str, float]], classes: int) -> tuple[str | None, float, bool]:
    """The leading answer of an item so far, its posterior under the one-coin model (each pair is an
    answer's key and its contributor's accuracy; every answer equally likely beforehand), and whether
    it is tied with another."""
    gain: Counter[str] = Counter()
    base = 0.0
    for key, right in weighted:
        right = min(max(right, 1e-6), 1 - 1e-6)
        wrong = math.log((1 - right) / max(classes - 1, 1))
        base += wrong  # every answer not given by this contributor
        gain[key] += math.log(right) - wrong
    if not gain:
        return None, 0.0, False
    ranked = sorted(gain.items(), key=lambda kv: (-kv[1], kv[0]))
    top, g_top = ranked[0]
    unseen = max(classes, len(gain)) - len(gain)  # answers nobody gave: gain 0
    norm = sum(math.exp(g - g_top) for _, g in ranked) + unseen * math.exp(-g_top)
    tie = len(ranked) > 1 and abs(ranked[1][1] - g_top) < 1e-9
    return top, 1 / norm, tie


def blocks(gold_answers: int, gold_correct: int, min_answers: int, min_accuracy: float) -> bool:
    """Whether a contributor's control answers show, with 90 % credibility, an accuracy below the minimum."""
    if gold_answers < min_answers:
        return False
    return float(betaincinv(gold_correct + 1, gold_answers - gold_correct + 1, CREDIBILITY)) < min_accuracy


def gold_chance(rate: float, gold_answers: int, min_answers: int) -> float:
    """The chance that a contributor's next item is a control item: higher until they can be judged."""
    if gold_answers < min_answers:
        return min(MAX_GOLD_CHANCE, rate * EARLY_GOLD)
    if gold_answers >= 2 * min_answers:
        return rate * LATE_GOLD
    return rate
