"""The collective benchmark runs end to end on tiny sizes, without Label Studio (no timing is asserted)."""

from __future__ import annotations

import argparse

import pytest

from tests.benchmark_scripts import load


def _bench():  # type: ignore[no-untyped-def]
    return load("collective")


@pytest.mark.slow
def test_submissions_reach_a_real_server_and_each_counts_once():
    result = _bench().bench_jazari(None, items=6, clients=3, seconds=60)
    assert result["errors"] == 0, result["first_errors"]
    assert result["submissions"] == 18  # every client answered every item once
    assert result["per_second"] > 0 and result["p99_ms"] >= result["p50_ms"]


@pytest.mark.slow
def test_a_server_of_two_processes_counts_each_submission_once():
    """`jazari serve --workers 2` over SQLite: the processes queue their writes on one lock."""
    result = _bench().bench_jazari(None, items=6, clients=4, seconds=60, workers=2)
    assert result["errors"] == 0, result["first_errors"]
    assert result["submissions"] == 24 and result["workers"] == 2


@pytest.mark.slow
def test_the_floor_sends_every_answer_straight_to_the_database():
    result = _bench().bench_floor(None, items=5, clients=4, processes=2)
    assert result["answers"] == 20 and result["per_second"] > 0 and result["machine_cpu_ms"] > 0


@pytest.mark.slow
def test_the_http_floor_answers_every_request():
    result = _bench().bench_http_floor(clients=2, seconds=1, workers=1)
    assert result["errors"] == 0, result["first_errors"]
    assert result["submissions"] > 0 and result["machine_cpu_ms"] > 0


@pytest.mark.slow
def test_overlap_drives_the_assignment_service_to_the_end():
    bench = _bench()
    fixed = bench.simulate(12, 8, 0, 3, min_overlap=5, max_overlap=5, gold_rate=0.0)
    assert fixed["judgments"] == 60 and fixed["aggregated"] == 12  # exactly 5 answers per item
    adaptive = bench.simulate(12, 8, 5, 3, min_overlap=2, max_overlap=4, gold_rate=0.2)
    assert adaptive["aggregated"] == 12
    assert 12 * 2 <= adaptive["judgments"] <= 12 * 4 + 8 * 5  # min..max per item, plus the control answers
    assert 0 <= adaptive["accuracy"] <= 1


def test_the_crowd_has_a_fifth_of_spammers():
    qualities = _bench().crowd(30)
    assert sum(q is None for q in qualities) == 6
    assert all(0.55 <= q <= 0.95 for q in qualities if q is not None)


@pytest.mark.slow
def test_dawid_skene_aggregates_every_item():
    result = _bench().dawid_skene(argparse.Namespace(answers=500, seed=1))
    assert result["answers"] == 500 and result["items"] == 100
