"""JSON arrays and JSON lines: carried types, nested values, mixed columns, errors with places."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from jazari.errors import FileFormatError
from jazari.factory.readers import ReadOptions, open_source

RECORDS = [
    {"id": 1, "nom": "الرباط", "x": 1.5, "ok": True, "code": "01", "jour": "2024-03-01",
     "geo": {"lat": 34.02, "lon": -6.84}, "tags": ["a", "b"], "mixte": 1},
    {"id": 2, "nom": "ⵜⴰⵎⴰⵣⵉⵖⵜ", "x": None, "ok": False, "code": "02", "jour": "2024-03-02",
     "geo": {"lat": 33.5, "lon": -7.6}, "tags": [], "mixte": "deux"},
    {"id": 3, "nom": "Salé", "x": 2, "ok": None, "code": "10", "jour": "n/a",
     "geo": {"lat": 34.0, "lon": -6.8}, "tags": None, "mixte": {"k": [1, 2]}},
]


def test_json_array_carries_types_and_nesting(tmp_path: Path, read) -> None:
    path = tmp_path / "api.json"
    path.write_text(json.dumps(RECORDS, ensure_ascii=False, indent=1), encoding="utf-8")
    options, table = read(path)
    assert options == {"format": "json", "encoding": "utf-8"}
    schema = table.schema
    assert schema.field("id").type == pa.int64() and schema.field("x").type == pa.float64()
    assert schema.field("ok").type == pa.bool_() and schema.field("code").type == pa.string()
    assert schema.field("jour").type == pa.string()  # strings are never re-typed as dates
    assert pa.types.is_struct(schema.field("geo").type) and pa.types.is_list(schema.field("tags").type)
    assert schema.field("mixte").type == pa.string()
    rows = table.to_pylist()
    assert [r["nom"] for r in rows] == ["الرباط", "ⵜⴰⵎⴰⵣⵉⵖⵜ", "Salé"]
    assert rows[0]["geo"] == {"lat": 34.02, "lon": -6.84} and rows[0]["tags"] == ["a", "b"]
    assert [r["mixte"] for r in rows] == ["1", "deux", '{"k":[1,2]}']
    assert [r["code"] for r in rows] == ["01", "02", "10"]
    with open_source(path) as source:
        assert source.textual is False and source.first_row_number == 1


def test_jsonl_with_a_type_change_late_in_the_file_falls_back_to_string(tmp_path: Path, read) -> None:
    path = tmp_path / "f.jsonl"
    lines = [json.dumps({"n": i, "v": i}) for i in range(50_000)] + [json.dumps({"n": 50_000, "v": "fin"})]
    path.write_text("\n".join(lines) + "\n")
    options, table = read(path, batch_rows=10_000)
    assert options["format"] == "jsonl"
    assert table.schema.field("n").type == pa.int64() and table.schema.field("v").type == pa.string()
    assert table.column("v").to_pylist()[-2:] == ["49999", "fin"]


def test_jsonl_bad_line_is_named_with_its_column(tmp_path: Path, read) -> None:
    path = tmp_path / "f.jsonl"
    path.write_text('{"a": 1, "b": "x"}\n{"a": 2, "b": "y"}\n\n{"a": 3, "b": }\n{"a": 4, "b": "z"}\n')
    with pytest.raises(FileFormatError, match="invalid JSON") as err:
        read(path)
    assert err.value.context == {"file": "f.jsonl", "line": 4, "column": 15}


def test_invalid_json_array_names_line_and_column(tmp_path: Path, read) -> None:
    path = tmp_path / "f.json"
    path.write_text('[\n  {"a": 1},\n  {"a": 2,, "b": 3}\n]\n')
    with pytest.raises(FileFormatError) as err:
        read(path)
    assert err.value.context == {"file": "f.json", "line": 3, "column": 11}


def test_unclosed_json_array_names_the_end(tmp_path: Path, read) -> None:
    path = tmp_path / "f.json"
    path.write_text('[{"a": 1},\n {"a": 2}\n')
    with pytest.raises(FileFormatError) as err:
        read(path)
    assert err.value.context["line"] == 3 and "expecting" in err.value.message


def test_array_of_scalars_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    path.write_text("[1, 2, 3]")
    with pytest.raises(FileFormatError, match="not objects"):
        open_source(path)


def test_empty_array_has_no_rows(tmp_path: Path, read) -> None:
    path = tmp_path / "f.json"
    path.write_text("[]")
    _, table = read(path)
    assert table.num_rows == 0 and table.num_columns == 0


def test_json_lines_in_a_json_file_and_utf16_json(tmp_path: Path, read) -> None:
    path = tmp_path / "f.json"
    path.write_text('{"a": "Fès"}\n{"a": "فاس"}\n', encoding="utf-8")
    options, table = read(path)
    assert options["format"] == "jsonl" and table.column("a").to_pylist() == ["Fès", "فاس"]
    wide = tmp_path / "w.json"
    wide.write_bytes(json.dumps([{"a": "ⴼⴰⵙ"}], ensure_ascii=False).encode("utf-16"))
    options, table = read(wide)
    assert options["encoding"] == "utf-16" and table.column("a").to_pylist() == ["ⴼⴰⵙ"]


def test_keys_differing_only_by_case_are_refused_not_lost(tmp_path: Path, read) -> None:
    path = tmp_path / "f.jsonl"
    path.write_text('{"Nom": "a", "nom": "b", "code": 1}\n')
    with pytest.raises(FileFormatError, match="differ only by case") as err:
        read(path)
    assert err.value.context["field"].casefold() == "nom"
    genuine = tmp_path / "g.jsonl"
    genuine.write_text('{"nom": "a", "nom_1": "b"}\n')
    assert read(genuine)[1].to_pylist() == [{"nom": "a", "nom_1": "b"}]


def test_json_batches_are_bounded(tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    path.write_text(json.dumps([{"i": i} for i in range(5_000)]))
    with open_source(path, ReadOptions(batch_rows=1_000)) as source:
        batches = list(source.batches())
    assert max(b.num_rows for b in batches) <= 1_000
    assert [v for b in batches for v in b.column("i").to_pylist()] == list(range(5_000))
