"""The catalog benchmark's functions run end to end on tiny sizes (no timing is asserted)."""

from __future__ import annotations

import argparse

import pytest

from tests.benchmark_scripts import load


def _bench():  # type: ignore[no-untyped-def]
    return load("catalog")


@pytest.mark.slow
def test_search_benchmark_builds_a_catalog_that_search_finds():
    bench = _bench()
    result = bench.child_search(argparse.Namespace(database_url=None, datasets=200, queries=20))
    assert result["datasets"] == 200 and result["queries"] == 20
    assert result["hits_max"] > 0  # the bulk-built index is searchable
    assert set(result["stats"]) == {"anonymous", "signed_in", "like"}


@pytest.mark.slow
def test_preview_benchmark_ingests_and_queries(tmp_path, monkeypatch):
    bench = _bench()
    monkeypatch.setattr(bench, "DATA", tmp_path)
    parquet = tmp_path / "small.parquet"
    bench.make_parquet(10_000, parquet)
    result = bench.child_preview(argparse.Namespace(parquet=str(parquet), repeat=2))
    assert result["rows"] == 10_000
    assert result["groups"] == 12  # the aggregate sees every region
