"""The standards benchmark runs end to end on a tiny table (no timing is asserted)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "standards.py"


@pytest.mark.slow
def test_the_standards_benchmark_measures_every_document(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("standards_bench", SCRIPT)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.run(2_000, 1)
    assert result["rows"] == 2_000 and result["sizes"]["csv"] > result["sizes"]["parquet"] > 0
    table = bench.render(result)
    assert "first `jz.datapackage()`" in table and "| peer: both downloads |" in table
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\n<!-- standards:start -->\nold\n<!-- standards:end -->\nafter\n", encoding="utf-8")
    monkeypatch.setattr(bench, "DOC", doc)
    bench.write_doc(table)
    text = doc.read_text(encoding="utf-8")
    assert "old" not in text and text.endswith("<!-- standards:end -->\nafter\n") and table in text
