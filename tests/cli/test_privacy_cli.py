"""`jazari privacy scan`: JSON lines in, JSON lines out, offsets that point at the text."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from jazari.cli import app

TEXTS = [
    {"id": "a", "text": "Je m'appelle Fatima Zahra El Amrani, CIN BK 123456, tel 06 61 23 45 67"},
    {"id": "b", "text": "smiti Youssef, 3ayet 3la +212 6 12 34 56 78"},
    {"id": "c", "text": "Facture FAC-2024-000123 : 1 234,56 DH, Casablanca 20250"},
]


def test_scan_json_lines(tmp_path: Path) -> None:
    src = tmp_path / "texts.jsonl"
    src.write_text("\n".join(json.dumps(t, ensure_ascii=False) for t in TEXTS) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["privacy", "scan", str(src)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["id"] for line in lines] == ["a", "b", "c"]
    by_id = {line["id"]: line["findings"] for line in lines}
    assert {f["entity"] for f in by_id["a"]} >= {"PERSON", "CIN", "PHONE"}
    assert "PHONE" in {f["entity"] for f in by_id["b"]}
    assert by_id["c"] == []  # invoice, price and postal code are not personal data
    for record, line in zip(TEXTS, lines, strict=True):
        for finding in line["findings"]:
            assert record["text"][finding["start"]:finding["end"]] == finding["text"]


def test_scan_plain_lines_from_stdin() -> None:
    result = CliRunner().invoke(app, ["privacy", "scan", "--plain"], input="ma3andi walo\nemail: amina@example.ma\n")
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["id"] for line in lines] == [1, 2]
    assert lines[1]["findings"][0]["entity"] == "EMAIL"


def test_bad_line_names_the_line(tmp_path: Path) -> None:
    src = tmp_path / "bad.jsonl"
    src.write_text('{"id": 1, "text": "ok"}\n{"id": 2, "text": \n', encoding="utf-8")
    result = CliRunner().invoke(app, ["privacy", "scan", str(src)])
    assert result.exit_code == 1
    assert "line 2" in result.output and "Traceback" not in result.output
