"""`jazari register ...`, `jazari source` and `jazari retention ...` through the CLI runner,
acting `--as` each user: the whole path, clear refusals, and --json equal to the service's result."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml

import jazari
from jazari.governance.actors import Actor
from jazari.privacy.policy import PrivacyPolicy
from tests.datasets.test_privacy_ingest import POLICY, people
from tests.governance.test_register import ENTRY
from tests.people import add_people

OP = Actor.operator()
KARIM, AMINA, OMAR = "karim@hcp.ma", "amina@hcp.ma", "omar@dgsn.ma"


@pytest.fixture
def run(cli_home, tmp_path: Path):
    def prepare(jz: jazari.Jazari) -> None:
        add_people(jz, {"hcp": {KARIM: "steward", AMINA: "viewer"}, "dgsn": {OMAR: "steward"}})
        jz.ingest(people(tmp_path), "hcp/people", privacy=PrivacyPolicy.from_dict(POLICY))

    return cli_home(prepare)


def test_register_set_show_export(run, tmp_path: Path) -> None:
    entry = tmp_path / "entry.yaml"
    entry.write_text(yaml.safe_dump(ENTRY, allow_unicode=True), encoding="utf-8")
    refused = run("--as", AMINA, "register", "set", "hcp/people", "--file", str(entry), code=1)
    assert "may not manage hcp/people" in refused.output
    missing = run("--as", KARIM, "register", "show")
    assert "without an entry: hcp/people" in missing.output and "jazari register set" in missing.output
    saved = json.loads(run("--as", KARIM, "register", "set", "hcp/people", "--file", str(entry), "--json").output)
    with run.node() as jz:
        assert saved == jz.register_show("hcp/people")
    shown = run("--as", KARIM, "register", "show", "hcp/people").output
    assert "Haut-Commissariat au Plan" in shown and "identité; coordonnées; CIN" in shown
    assert json.loads(run("--as", KARIM, "register", "show", "hcp/people", "--json").output) == saved
    listed = json.loads(run("--as", KARIM, "register", "show", "--json").output)
    assert listed == {"entries": [saved], "missing": []}
    assert "may not manage" in run("--as", OMAR, "register", "show", "hcp/people", code=1).output

    rows = list(csv.DictReader(io.StringIO(run("--as", KARIM, "register", "export").output)))
    assert [r["dataset"] for r in rows] == ["hcp/people"] and rows[0]["retention_days"] == "730"
    out = tmp_path / "register.md"
    run("--as", KARIM, "register", "export", "--format", "md", "-o", str(out))
    assert "| hcp/people |" in out.read_text(encoding="utf-8")
    assert json.loads(run("register", "export", "--format", "json").output)[0]["dataset"] == "hcp/people"
    assert "format must be one of" in run("register", "export", "--format", "pdf", code=1).output


def test_a_bad_entry_file_names_the_field(run, tmp_path: Path) -> None:
    entry = tmp_path / "entry.json"
    entry.write_text(json.dumps({**ENTRY, "legal_basis": "vibes"}), encoding="utf-8")
    bad = run("--as", KARIM, "register", "set", "hcp/people", "--file", str(entry), code=1)
    assert "field 'legal_basis'" in bad.output and "not a legal basis of law 09-08" in bad.output
    assert "consent, contract" in bad.output


def test_source_and_retention(run, tmp_path: Path) -> None:
    original = (tmp_path / "people.csv").read_bytes()
    out = tmp_path / "back.csv"
    refused = run("--as", AMINA, "source", "hcp/people", "-o", str(out), code=1)
    assert "may not review hcp/people" in refused.output and not out.exists()
    saved = json.loads(run("--as", KARIM, "source", "hcp/people", "--version", "1", "-o", str(out), "--json").output)
    assert out.read_bytes() == original and saved["name"] == "people.csv" and saved["version"] == 1
    assert "original people.csv" in run("--as", KARIM, "source", "hcp/people", "-o", str(out)).output
    assert "has no version 9" in run("source", "hcp/people", "--version", "9", "-o", str(out), code=1).output

    assert "may not run retention" in run("--as", KARIM, "retention", "run", code=1).output
    ran = json.loads(run("retention", "run", "--json").output)
    assert ran["purged"] == 0 and ran["flagged"] == []
    assert "0 originals purged" in run("retention", "run").output
    assert "no version is past its register retention" in run("--as", KARIM, "retention", "status").output
    status = json.loads(run("--as", KARIM, "retention", "status", "--json").output)
    assert status["flagged"] == [] and status["raw_retention_days"] == 365
