"""`factory.sniff`: what an ingest would detect, from a whole file or its first MiB, without ever
changing the file; line breaks found whatever the encoding."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.files import big_csv

from jazari.errors import InputError
from jazari.factory.sniff import HEAD_BYTES, last_line_end, sniff


def test_a_long_file_is_looked_at_from_its_first_mib_and_left_as_it_is(tmp_path: Path) -> None:
    path = big_csv(tmp_path / "big.csv", 60_000)
    before = path.read_bytes()
    assert len(before) > HEAD_BYTES
    found = sniff(path, tmp_dir=tmp_path, infer_rows=100_000)
    assert found["complete"] is False and found["delimiter"] == ";"
    assert found["rows_sampled"] == before[:HEAD_BYTES].count(b"\n") - 1  # whole lines only
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["big.csv"]
    assert {f["name"]: f["type"] for f in found["schema"]["fields"]} == {
        "code": "string", "nom": "string", "valeur": "number", "date": "date"}


@pytest.mark.parametrize("encoding", ["utf-8", "cp1256", "utf-16-le", "utf-16-be", "utf-16"])
def test_the_last_line_break_in_any_encoding(encoding: str) -> None:
    text = "a;ب\r\nج;د\r\nهـ;"
    data = text.encode(encoding)
    kept = data[:last_line_end(data, encoding)].decode(encoding)
    assert kept.endswith("ج;د\r\n") and kept.lstrip("\ufeff").startswith("a;ب")


def test_a_utf16_character_holding_a_newline_byte_is_no_line_break() -> None:
    data = "ab\nc\u0a41\u0100d".encode("utf-16-le")  # 41 0a 00 01: a `0a 00` across two characters
    assert data.rfind(b"\n\x00") % 2 == 1
    assert data[:last_line_end(data, "utf-16-le")].decode("utf-16-le") == "ab\n"


def test_a_head_without_a_line_break_says_so() -> None:
    with pytest.raises(InputError, match="first line is longer"):
        last_line_end(b"a;b;c" * 10, "utf-8")


def test_json_lines_from_a_head_and_json_or_parquet_whole(tmp_path: Path) -> None:
    lines = tmp_path / "rows.jsonl"
    lines.write_text("\n".join(json.dumps({"id": i, "nom": "مدينة"}) for i in range(3)) + '\n{"id": 3, "no',
                     encoding="utf-8")
    found = sniff(lines, complete=False, tmp_dir=tmp_path)
    assert found["format"] == "jsonl" and found["rows_sampled"] == 3
    array = tmp_path / "rows.json"
    array.write_text(json.dumps([{"id": 1}, {"id": 2}]), encoding="utf-8")
    assert sniff(array, tmp_dir=tmp_path)["rows_sampled"] == 2
    with pytest.raises(InputError, match="looked at whole"):
        sniff(array, complete=False, tmp_dir=tmp_path)
    parquet = tmp_path / "rows.parquet"
    pq.write_table(pa.table({"id": [1, 2], "when": pa.array([1.5, float("nan")])}), parquet)
    found = sniff(parquet, tmp_dir=tmp_path)
    assert found["format"] == "parquet" and found["sample"] == [[1, 1.5], [2, "nan"]]  # JSON has no NaN
    json.dumps(found, allow_nan=False)
