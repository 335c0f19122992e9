"""`validate_file`: a file checked against a Table Schema with the ingest's stages, nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.files import COMMUNES, communes_csv, write_csv

from jazari.errors import JazariError, SchemaError
from jazari.factory.filecheck import validate_file
from jazari.factory.readers import ReadOptions
from jazari.factory.schema import TableSchema

SCHEMA = {"fields": [
    {"name": "code", "type": "string", "constraints": {"required": True, "unique": True}},
    {"name": "nom_fr", "type": "string"}, {"name": "nom_ar", "type": "string"},
    {"name": "population", "type": "integer", "groupChar": " ", "constraints": {"minimum": 0}},
    {"name": "taux", "type": "number", "decimalChar": ",", "constraints": {"maximum": 40}},
    {"name": "date_maj", "type": "date", "format": "%d/%m/%Y"},
    {"name": "rural", "type": "boolean", "trueValues": ["oui"], "falseValues": ["non"]},
]}


def _messy(tmp_path: Path) -> Path:
    rows = [r[:] for r in COMMUNES]
    rows += [["08.999.01.1", "Imlil", "إمليل", "beaucoup", "45,5", "31/02/2024", "oui"],  # 3 findings
             ["01.511.03.1", "Doublon", "مكرر", "10", "1,0", "12/03/2024", "non"],  # repeats row 3's code
             ["", "Sans code", "بدون", "-5", "2,0", "12/03/2024", "peut-être"]]
    return communes_csv(tmp_path / "communes.csv", rows=rows)


def test_a_valid_file_is_valid(tmp_path: Path) -> None:
    result = validate_file(communes_csv(tmp_path / "c.csv"), schema=TableSchema.from_dict(SCHEMA))
    assert result["valid"] is True and result["rows_read"] == 4 and result["findings"] == []
    assert result["schema_given"] is True and result["reader_options"]["delimiter"] == ";"


def test_every_kind_of_finding_with_counts_rows_and_values(tmp_path: Path) -> None:
    result = validate_file(_messy(tmp_path), schema=TableSchema.from_dict(SCHEMA))
    assert result["valid"] is False and result["rows_read"] == 7
    found = {(f["type"], f["column"]): f for f in result["findings"]}
    assert set(found) == {("type-error", "population"), ("type-error", "date_maj"), ("unique-error", "code"),
                          ("required-error", "code"), ("minimum-error", "population"), ("type-error", "rural"),
                          ("maximum-error", "taux")}
    assert found[("type-error", "date_maj")]["examples"] == [
        {"row": 6, "value": "31/02/2024", "message": '"31/02/2024" is not a date in format %d/%m/%Y'}]
    assert found[("unique-error", "code")]["examples"][0]["row"] == 7
    assert found[("maximum-error", "taux")]["examples"][0]["row"] == 6
    assert result["rows_with_findings"] == 3 and result["findings_count"] == 7


def test_same_report_as_the_ingest(jz, tmp_path: Path) -> None:
    """The same file and schema give the findings the ingest stores with the version."""
    path = _messy(tmp_path)
    (tmp_path / "schema.json").write_text(json.dumps(SCHEMA))
    jz.ingest(path, "hcp/communes", schema=tmp_path / "schema.json")
    stored = jz.version("hcp/communes")["validation"]
    checked = validate_file(path, schema=TableSchema.from_dict(SCHEMA))
    assert checked["findings"] == stored["findings"]
    assert (checked["rows_read"], checked["rows_with_findings"]) == (stored["rows_read"], stored["rows_with_findings"])


def test_many_batches_row_numbers_and_duplicates_across_batches(tmp_path: Path) -> None:
    rows = [[f"{i:05d}", str(i)] for i in range(2_000)]
    rows[1_500][0] = "00007"  # repeats row 9 (line numbers: the header is line 1), in another batch
    rows[1_900][1] = "x"
    path = write_csv(tmp_path / "many.csv", ["code", "n"], rows)
    schema = TableSchema.from_dict({"fields": [{"name": "code", "type": "string", "constraints": {"unique": True}},
                                               {"name": "n", "type": "integer"}]})
    result = validate_file(path, schema=schema, options=ReadOptions(batch_rows=128))
    found = {f["type"]: f for f in result["findings"]}
    assert found["unique-error"]["examples"][0] == {"row": 1_502, "value": "00007",
                                                    "message": '"00007" repeats row 9'}
    assert found["type-error"]["examples"][0]["row"] == 1_902
    assert result["rows_read"] == 2_000 and result["rows_with_findings"] == 2


def test_without_a_schema_the_inferred_one_is_used(tmp_path: Path) -> None:
    result = validate_file(communes_csv(tmp_path / "c.csv"))
    assert result["valid"] is True and result["schema_given"] is False
    types = {f["name"]: f["type"] for f in result["schema"]["fields"]}
    assert types["code"] == "string" and types["population"] == "integer" and types["date_maj"] == "date"


@pytest.mark.parametrize(("content", "words"), [
    (b"", "empty"),
    (b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 40, "binary"),
])
def test_bad_files_raise_a_clear_error(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(JazariError) as info:
        validate_file(path)
    assert words in str(info.value).lower() and "bad.csv" in (info.value.where() or str(info.value))


def test_a_schema_that_does_not_match_the_columns(tmp_path: Path) -> None:
    with pytest.raises(SchemaError) as info:
        validate_file(communes_csv(tmp_path / "c.csv"),
                      schema=TableSchema.from_dict({"fields": [{"name": "id", "type": "integer"}]}))
    assert "id" in str(info.value)


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(JazariError, match="no such file"):
        validate_file(tmp_path / "absent.csv")
