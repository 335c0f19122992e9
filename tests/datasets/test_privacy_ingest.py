"""Privacy as an ingest stage: personal data is found, treated by the dataset's policy, reported,
and keeps the dataset inside its institute until a policy treats it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from jazari.cli import app
from jazari.errors import Forbidden
from jazari.governance.actors import Actor
from jazari.privacy.policy import PrivacyPolicy
from tests.files import write_csv

HEADER = ["id", "nom", "cin", "telephone", "date_naissance", "commune", "commentaire", "montant"]
ROWS = [
    ["1", "Fatima Zahra El Amrani", "BK123456", "0661234567", "12/03/1985", "Tanger",
     "Merci, appelez-moi au 06 61 23 45 67", "1 234,50"],
    ["2", "Mohammed Alaoui", "J123456", "0612345678", "01/07/1990", "Tanger",
     "ana smiti Youssef w nmra dyali 0700112233", "99,00"],
    ["3", "Amina Tazi", "AB654321", "0522334455", "23/11/1979", "Tafraout", "Rien à signaler", "15,75"],
]
POLICY = {
    "columns": {"nom": {"operator": "pseudonymize"}, "cin": {"operator": "pseudonymize"},
                "telephone": {"operator": "mask", "keep_last": 2},
                "date_naissance": {"operator": "generalize", "to": "year"}},
    "text_columns": {"commentaire": {"operator": "redact"}},
    "quasi_identifiers": ["commune"],
    "k": 2,
}


def people(tmp_path: Path, name: str = "people.csv", rows: list[list[str]] = ROWS) -> Path:
    return write_csv(tmp_path / name, HEADER, rows)


def test_personal_data_without_policy_stays_in_the_institute(jz, tmp_path: Path) -> None:
    result = jz.ingest(people(tmp_path), "hcp/people")
    assert result["privacy"]["status"] == "needs_policy"
    report = jz.version("hcp/people")["privacy"]
    assert {"nom", "cin", "telephone", "commentaire"} <= set(report["uncovered"])
    assert "montant" not in report["uncovered"] and "id" not in report["uncovered"]
    with pytest.raises(Forbidden, match="privacy suggest"):
        jz.datasets_service.update(jz.actor, "hcp/people", access_level="public")
    assert jz.dataset("hcp/people")["access_level"] == "institute"


def test_a_public_dataset_that_gains_personal_data_is_lowered(jz, tmp_path: Path) -> None:
    clean = write_csv(tmp_path / "c.csv", ["commune", "montant"], [["Tanger", "1,5"], ["Fès", "2,5"]])
    jz.ingest(clean, "hcp/mixed")
    jz.datasets_service.update(jz.actor, "hcp/mixed", access_level="public")
    result = jz.ingest(people(tmp_path), "hcp/mixed")
    assert result["privacy"]["access_lowered_from"] == "public"
    assert jz.dataset("hcp/mixed")["access_level"] == "institute"


def test_policy_treats_every_column_and_is_kept_for_next_ingests(jz, tmp_path: Path) -> None:
    policy = PrivacyPolicy.from_dict(POLICY)
    result = jz.ingest(people(tmp_path), "hcp/people", privacy=policy)
    assert result["privacy"]["status"] == "treated"
    table = jz.load("hcp/people")
    text = str(table.to_pylist())
    for secret in ("BK123456", "El Amrani", "0661234567", "06 61 23 45 67", "0700112233", "Youssef"):
        assert secret not in text, secret
    assert table.column("telephone").to_pylist()[0].endswith("67")
    assert table.column("date_naissance").to_pylist() == ["1985", "1990", "1979"]
    assert "[PHONE]" in table.column("commentaire").to_pylist()[0]
    assert table.column("montant").to_pylist() == [1234.5, 99.0, 15.75]  # not personal: untouched
    published = {f["name"]: f["type"] for f in jz.version("hcp/people")["schema"]["fields"]}
    assert published["date_naissance"] == "string" and published["cin"] == "string"
    tokens = table.column("cin").to_pylist()
    # the next ingest applies the kept policy: the same CIN gives the same token, so joins still work
    again = jz.ingest(people(tmp_path, "more.csv", ROWS[:1]), "hcp/people", mode="append")
    assert again["privacy"]["status"] == "treated"
    assert jz.load("hcp/people").column("cin").to_pylist() == tokens + tokens[:1]
    report = jz.version("hcp/people", 1)["privacy"]
    assert report["k_anonymity"]["k"] == 1 and report["k_anonymity"]["satisfies_k"] is False


def test_pseudonyms_differ_between_institutes(jz, tmp_path: Path) -> None:
    policy = PrivacyPolicy.from_dict(POLICY)
    jz.ingest(people(tmp_path), "hcp/people", privacy=policy)
    jz.ingest(people(tmp_path, "b.csv"), "dgsn/people", privacy=policy)
    assert set(jz.load("hcp/people").column("cin").to_pylist()).isdisjoint(
        jz.load("dgsn/people").column("cin").to_pylist())


def test_small_groups_are_suppressed_when_asked(jz, tmp_path: Path) -> None:
    policy = PrivacyPolicy.from_dict({**POLICY, "suppress_small_groups": True})
    result = jz.ingest(people(tmp_path), "hcp/people", privacy=policy)
    assert jz.load("hcp/people").column("commune").to_pylist() == ["Tanger", "Tanger"]
    assert result["rows_written"] == 2
    assert jz.version("hcp/people")["privacy"]["suppressed_rows"] == 1


def test_suggest_then_anonymize_from_the_command_line(jz, tmp_path: Path, monkeypatch, database_url) -> None:
    jz.ingest(people(tmp_path), "hcp/people")
    monkeypatch.setenv("JAZARI_HOME", str(jz.settings.home))
    monkeypatch.setenv("JAZARI_DATABASE_URL", database_url)
    runner = CliRunner()
    policy = tmp_path / "policy.yaml"
    out = runner.invoke(app, ["privacy", "suggest", "hcp/people", "-o", str(policy)])
    assert out.exit_code == 0, out.output
    rules = PrivacyPolicy.load(policy)
    assert {"nom", "cin", "telephone"} <= set(rules.treated())
    out = runner.invoke(app, ["privacy", "anonymize", "hcp/people", "--policy", str(policy)])
    assert out.exit_code == 0, out.output
    assert "version 2" in out.output and "treated" in out.output
    assert "BK123456" not in str(jz.load("hcp/people").to_pylist())
    assert "BK123456" in str(jz.load("hcp/people", version=1).to_pylist())  # history is kept
    with pytest.raises(Forbidden, match="processing register"):  # treated personal data: law 09-08
        jz.datasets_service.update(jz.actor, "hcp/people", access_level="network")
    jz.register_set("hcp/people", {"controller": "HCP", "purpose": "statistics", "legal_basis": "public_interest",
                                   "data_categories": ["identity"], "data_subjects": ["residents"],
                                   "retention_days": 365})
    jz.datasets_service.update(jz.actor, "hcp/people", access_level="network")  # now allowed
    # opening the dataset opens its treated version, not the untreated history
    member = Actor(name="omar@dgsn.ma", roles={"dgsn": "viewer"})
    assert "BK123456" not in str(jz.rows("hcp/people", actor=member)["rows"])
    for read in (lambda: jz.rows("hcp/people", 1, actor=member), lambda: jz.version("hcp/people", 1, actor=member),
                 lambda: jz.diff("hcp/people", 1, 2, actor=member),
                 lambda: jz.export("hcp/people", tmp_path / "v1.csv", version=1, fmt="csv", actor=member)):
        with pytest.raises(Forbidden):
            read()
    assert not (tmp_path / "v1.csv").exists()
    viewer = Actor(name="amina@hcp.ma", roles={"hcp": "viewer"})
    assert "BK123456" in str(jz.rows("hcp/people", 1, actor=viewer)["rows"])  # the institute still reads it
    assert jz.audit("hcp/people", limit=1)[0]["actor"] == "amina@hcp.ma"  # and it is audited
