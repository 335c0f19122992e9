"""The privacy benchmark runs end to end on a tiny corpus (no timing is asserted)."""

from __future__ import annotations

import pytest
from tests.benchmark_scripts import load


def test_jazari_is_timed_through_its_batch_call_with_the_findings_of_scan_text() -> None:
    bench = load("privacy")
    texts = ["tél 0661234567", "rien", "Mme Benali"]
    detect = bench.jazari()
    calls: list[int] = []
    many = detect.many
    detect.many = lambda batch: calls.append(len(batch)) or many(batch)
    preds, seconds = bench.run(detect, texts, 0.0)
    assert calls == [3] and seconds >= 0  # one batch call per pass, not one call per text
    assert preds == [detect(t) for t in texts] == bench.run(bench.jazari_per_text(), texts, 0.0)[0]
    assert preds[0] == [("PHONE", 4, 14)]


@pytest.mark.slow
def test_main_scores_both_jazari_calls_alike(capsys: pytest.CaptureFixture[str]) -> None:
    bench = load("privacy")
    assert bench.main(["--n", "40", "--systems", "jazari,jazari-per-text", "--no-write", "--min-seconds", "0",
                       "--errors", "0"]) == 0
    out = capsys.readouterr().out
    rows = {line.split(" | ")[0].strip("| "): line.split(" | ")[4:6] for line in out.splitlines()
            if line.startswith("| jazari")}
    assert set(rows) == {"jazari", "jazari-per-text"}
    assert rows["jazari"] == rows["jazari-per-text"]  # the same micro F1 on both splits
