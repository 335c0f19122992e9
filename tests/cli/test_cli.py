"""The CLI through its runner: commands work, errors are one clear line, --json equals the service."""

from __future__ import annotations

import json
from pathlib import Path

import jazari
from tests.files import COMMUNES, communes_csv


def test_ingest_and_read_commands(run, tmp_path: Path) -> None:
    path = communes_csv(tmp_path / "communes.csv", encoding="cp1256")
    out = run("ingest", str(path), "--dataset", "hcp/communes-2024", "--title", "Communes, RGPH 2024")
    assert "hcp/communes-2024 version 1: 4 rows written" in out.output
    assert "cp1256" in out.output
    again = run("ingest", str(path), "--dataset", "hcp/communes-2024")
    assert "byte-identical" in again.output
    assert "hcp/communes-2024" in run("datasets").output
    assert "communes.csv" in run("versions", "hcp/communes-2024").output
    rows = run("rows", "hcp/communes-2024", "--limit", "2").output
    assert "طنجة" in rows and "rows 1-2 of 4" in rows
    csv_out = tmp_path / "out.csv"
    run("export", "hcp/communes-2024", "--format", "csv", "--output", str(csv_out))
    assert "اكزناية" in csv_out.read_text(encoding="utf-8")


def test_json_output_equals_the_service(run, tmp_path: Path, database_url: str) -> None:
    run("ingest", str(communes_csv(tmp_path / "c.csv")), "--dataset", "hcp/c")
    run("ingest", str(communes_csv(tmp_path / "d.csv", rows=COMMUNES[:2])), "--dataset", "hcp/c")
    with jazari.open(tmp_path / "home", database_url=database_url) as jz:
        expected = {
            ("datasets",): jz.datasets(),
            ("versions", "hcp/c"): jz.versions("hcp/c"),
            ("show", "hcp/c"): jz.version("hcp/c"),
            ("show", "hcp/c", "--version", "1"): jz.version("hcp/c", 1),
            ("rows", "hcp/c", "--limit", "3"): jz.rows("hcp/c", limit=3),
            ("quarantine", "hcp/c"): jz.quarantine("hcp/c", limit=50),
            ("diff", "hcp/c", "1", "2"): jz.diff("hcp/c", 1, 2),
        }
    for args, value in expected.items():
        got = json.loads(run(*args, "--json").output)
        assert got == json.loads(json.dumps(value, default=str)), args


def test_errors_are_one_clear_line(run, tmp_path: Path) -> None:
    bad_name = run("ingest", str(communes_csv(tmp_path / "c.csv")), "--dataset", "hcp/../x", code=1)
    assert "Error:" in bad_name.output and "next:" in bad_name.output
    assert "Traceback" not in bad_name.output
    missing = run("ingest", str(tmp_path / "nope.csv"), "--dataset", "hcp/x", code=1)
    assert "no such file" in missing.output
    unknown = run("versions", "hcp/unknown", code=1)
    assert "no dataset hcp/unknown" in unknown.output


def test_schema_infer_prints_an_editable_schema(run, tmp_path: Path) -> None:
    out = run("schema", "infer", str(communes_csv(tmp_path / "c.csv"))).output
    schema = json.loads(out)
    types = {f["name"]: f["type"] for f in schema["fields"]}
    assert types["code"] == "string" and types["population"] == "integer" and types["taux"] == "number"


def test_help_documents_every_command(run) -> None:
    out = run("--help").output
    for command in ("init", "ingest", "datasets", "versions", "show", "rows", "quarantine", "diff",
                    "export", "schema", "serve", "demo"):
        assert command in out


def test_rows_sort_and_filter_from_the_command_line(run, tmp_path: Path, database_url: str) -> None:
    run("ingest", str(communes_csv(tmp_path / "c.csv")), "--dataset", "hcp/c")
    args = ("rows", "hcp/c", "--sort", "population", "--descending", "--filter", "nom_fr:T",
            "--filter", "date_maj:2024-03-1", "--limit", "2")
    with jazari.open(tmp_path / "home", database_url=database_url) as jz:
        expected = jz.rows("hcp/c", sort="population", descending=True, limit=2,
                           filters={"nom_fr": "T", "date_maj": "2024-03-1"})
    assert json.loads(run(*args, "--json").output) == expected
    shown = run(*args).output
    assert "Tanger" in shown and "Gueznaia" not in shown and "rows 1-2 of 3 matching" in shown
    bad = run("rows", "hcp/c", "--filter", "nom_fr", code=1).output
    assert "column:text" in bad and "Traceback" not in bad
    unknown = run("rows", "hcp/c", "--sort", "nope", code=1).output
    assert "no column 'nope'" in unknown


def test_serve_refuses_a_number_of_workers_below_one(run) -> None:
    out = run("serve", "--workers", "0", code=2).output
    assert "Invalid value for '--workers'" in out and "greater than or equal to 1" in out
