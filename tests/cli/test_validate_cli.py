"""`jazari validate FILE [--schema]`: a report, an exit code, nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jazari.factory.filecheck import validate_file
from jazari.factory.schema import TableSchema
from tests.cli.conftest import invoker
from tests.files import COMMUNES, communes_csv

SCHEMA = {"fields": [
    {"name": "code", "type": "string", "constraints": {"unique": True}},
    {"name": "nom_fr", "type": "string"}, {"name": "nom_ar", "type": "string"},
    {"name": "population", "type": "integer", "groupChar": " "},
    {"name": "taux", "type": "number", "decimalChar": ","},
    {"name": "date_maj", "type": "date", "format": "%d/%m/%Y"},
    {"name": "rural", "type": "boolean", "trueValues": ["oui"], "falseValues": ["non"]},
]}


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The CLI with no database at all: validating stores nothing (one run, not one per database)."""
    monkeypatch.setenv("JAZARI_HOME", str(tmp_path / "home"))
    return invoker()


def _schema(tmp_path: Path) -> Path:
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(SCHEMA))
    return path


def test_a_valid_file_exits_0_and_stores_nothing(run, tmp_path: Path) -> None:
    out = run("validate", str(communes_csv(tmp_path / "c.csv")), "--schema", str(_schema(tmp_path)))
    assert "c.csv: valid: 4 rows checked against its schema" in out.output
    assert not (tmp_path / "home").exists()  # no home, database, lake or raw zone


def test_findings_exit_1_with_counts_and_examples(run, tmp_path: Path) -> None:
    rows = [r[:] for r in COMMUNES] + [["08.999.01.1", "Imlil", "إمليل", "beaucoup", "1,5", "31/02/2024", "oui"],
                                       ["01.511.01.0", "Tanger bis", "طنجة", "1", "1,0", "12/03/2024", "non"]]
    path = communes_csv(tmp_path / "c.csv", rows=rows)
    out = run("validate", str(path), "--schema", str(_schema(tmp_path)), code=1).output
    assert "c.csv: 2 of 6 rows have findings (3 findings) against its schema" in out
    assert "type-error in date_maj: 1" in out and 'row 6: "31/02/2024" is not a date in format %d/%m/%Y' in out
    assert "unique-error in code: 1" in out and 'row 7: "01.511.01.0" repeats row 2' in out


def test_json_equals_the_service(run, tmp_path: Path) -> None:
    rows = [r[:] for r in COMMUNES] + [["08.999.01.1", "Imlil", "إمليل", "beaucoup", "1,5", "12/03/2024", "oui"]]
    path = communes_csv(tmp_path / "c.csv", rows=rows)
    out = run("validate", str(path), "--schema", str(_schema(tmp_path)), "--json", code=1).output
    assert json.loads(out) == validate_file(path, schema=TableSchema.from_dict(SCHEMA))


def test_reader_options_are_forced(run, tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    path.write_text("a|b\n1|x\n2|y\n", encoding="cp1252")
    out = run("validate", str(path), "--delimiter", "|", "--format", "csv", "--encoding", "cp1252", "--json").output
    result = json.loads(out)
    assert result["valid"] and result["reader_options"]["delimiter"] == "|"
    assert [f["name"] for f in result["schema"]["fields"]] == ["a", "b"]


@pytest.mark.parametrize(("make", "words"), [
    (lambda p: p, "no such file"),
    (lambda p: (p.write_bytes(b""), p)[1], "empty"),
    (lambda p: (p.write_bytes(b"\x7fELF\x02\x01" + bytes(range(256)) * 40), p)[1], "binary"),
])
def test_bad_files_are_one_clear_line(run, tmp_path: Path, make, words: str) -> None:
    path = make(tmp_path / "bad.csv")
    out = run("validate", str(path), code=1).output
    assert words in out.lower() and "bad.csv" in out and "Traceback" not in out


def test_a_bad_schema_is_one_clear_line(run, tmp_path: Path) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text('{"fields": [{"name": "code", "type": "integre"}]}')
    out = run("validate", str(communes_csv(tmp_path / "c.csv")), "--schema", str(schema), code=1).output
    assert "integre" in out and "Traceback" not in out
    schema.write_text(json.dumps({"fields": [{"name": "id", "type": "integer"}]}))
    out = run("validate", str(communes_csv(tmp_path / "c.csv")), "--schema", str(schema), code=1).output
    assert "id" in out and "Traceback" not in out
