"""Personal data must not leak around the privacy policy: through the quarantine, the validation
report's examples, a public dataset without a register entry, an unaudited read of the original,
plaintext left in the tmp folder, or the original's name and hash shown to those who may not read."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from jazari.api.app import create_app
from jazari.datasets.models import Version
from jazari.errors import Forbidden, NotFound, Unauthenticated
from jazari.factory.schema import TableSchema
from jazari.governance.actors import Actor
from jazari.privacy.policy import PrivacyPolicy
from jazari.store.jobs import Job
from tests.files import write_csv

STEWARD = Actor(name="karim@hcp.ma", roles={"hcp": "steward"})
READ_ONLY_STEWARD = Actor(name="karim@hcp.ma", roles={"hcp": "steward"}, scopes=frozenset({"read"}))
VIEWER = Actor(name="amina@hcp.ma", roles={"hcp": "viewer"})
OUTSIDER = Actor(name="omar@dgsn.ma", roles={"dgsn": "steward"})
ENTRY = {"controller": "HCP", "purpose": "statistics", "legal_basis": "public_interest",
         "data_categories": ["identity"], "data_subjects": ["citizens"], "retention_days": 365}
POLICY = PrivacyPolicy.from_dict({"columns": {"nom": {"operator": "pseudonymize"}, "cin": {"operator": "pseudonymize"}}})
HEADER = ["id", "nom", "cin", "montant"]
ROWS = [["1", "Fatima Zahra El Amrani", "BK123456", "12"],
        ["2", "Mohammed Alaoui", "BK123456", "notanumber"],  # set aside; same CIN as row 1
        ["3", "Amina Tazi", "AB654321", "15"],
        ["4", "Karim Bennani", "J12-3456", "16"]]
SCHEMA = TableSchema.from_dict({"fields": [
    {"name": "id", "type": "integer"}, {"name": "nom", "type": "string"},
    {"name": "cin", "type": "string", "constraints": {"pattern": "[A-Z]{1,2}[0-9]{5,6}"}},
    {"name": "montant", "type": "integer"}]})


def public_people(jz, tmp_path: Path, ref: str = "hcp/people") -> dict:
    """A public dataset whose policy pseudonymises names and CINs, with its register entry."""
    result = jz.ingest(write_csv(tmp_path / "people.csv", HEADER, ROWS), ref, schema=SCHEMA, privacy=POLICY)
    jz.register_set(ref, ENTRY)
    jz.datasets_service.update(jz.actor, ref, access_level="public")
    return result


def test_the_quarantine_is_for_stewards_and_treated_by_the_policy(jz, tmp_path: Path) -> None:
    public_people(jz, tmp_path)
    with pytest.raises(Unauthenticated):
        jz.quarantine("hcp/people", actor=Actor.anonymous())
    for actor in (VIEWER, OUTSIDER):
        with pytest.raises(Forbidden):
            jz.quarantine("hcp/people", actor=actor)
    client = TestClient(create_app(jz, workers=False))
    refused = client.get("/api/v1/datasets/hcp/people/quarantine")
    assert refused.status_code == 401 and "Mohammed" not in refused.text
    rows = jz.quarantine("hcp/people", actor=READ_ONLY_STEWARD)["rows"]  # reviewing needs no write scope
    assert [(r["_row"], r["column"], r["type"]) for r in rows] == [(3, "montant", "type-error"), (5, "cin", "pattern-error")]
    text = json.dumps(rows, ensure_ascii=False)
    for secret in ("Mohammed", "Alaoui", "BK123456", "J12-3456", "Karim"):
        assert secret not in text, secret
    published = {r["id"]: r for r in jz.load("hcp/people").to_pylist()}
    record = json.loads(rows[0]["record"])
    assert record["cin"] == published[1]["cin"]  # the same CIN gets the same pseudonym
    assert record["montant"] == rows[0]["value"] == "notanumber"  # not personal: shown as it came
    assert rows[1]["value"] == json.loads(rows[1]["record"])["cin"] and rows[1]["value"].startswith("tok_")
    assert rows[1]["message"].startswith(f'"{rows[1]["value"]}" does not match')
    # a read of the quarantine is audited, though the dataset is public
    assert jz.audit("hcp/people", limit=1)[0]["action"] == "read.quarantine"


def test_a_dropped_column_leaves_the_quarantine(jz, tmp_path: Path) -> None:
    policy = PrivacyPolicy.from_dict({"columns": {"nom": "drop", "cin": {"operator": "mask", "keep_last": 2}}})
    jz.ingest(write_csv(tmp_path / "people.csv", HEADER, ROWS), "hcp/people", schema=SCHEMA, privacy=policy)
    rows = jz.quarantine("hcp/people")["rows"]
    assert all("nom" not in json.loads(r["record"]) for r in rows)
    cin = next(r for r in rows if r["column"] == "cin")
    assert cin["value"] == "******56" and "J12-3456" not in json.dumps(rows)


def test_validation_examples_of_personal_columns_are_tags(jz, tmp_path: Path) -> None:
    result = public_people(jz, tmp_path)
    client = TestClient(create_app(jz, workers=False))
    shown = {
        "ingest result": json.dumps(result["findings"]),
        "version": json.dumps(jz.version("hcp/people", actor=Actor.anonymous())),
        "API": client.get("/api/v1/datasets/hcp/people/versions/1/validation").text,
        "web page": client.get("/datasets/hcp/people").text,
    }
    for where, text in shown.items():
        assert "J12-3456" not in text, where
    findings = {(f["type"], f["column"]): f for f in jz.version("hcp/people")["validation"]["findings"]}
    example = findings[("pattern-error", "cin")]["examples"][0]
    assert example["value"] == "[CIN]" and example["message"].startswith('"[CIN]" does not match the pattern')
    assert findings[("type-error", "montant")]["examples"][0]["value"] == "notanumber"  # not personal


def test_reports_stored_before_the_fix_are_shown_redacted(jz, tmp_path: Path) -> None:
    public_people(jz, tmp_path)
    raw = {"ok": False, "rows_read": 4, "rows_with_findings": 1, "findings_count": 1, "findings": [
        {"type": "pattern-error", "column": "cin", "count": 1,
         "examples": [{"row": 5, "value": "J12-3456", "message": '"J12-3456" does not match the pattern x'}]}]}
    with jz.db.session() as session:
        session.execute(update(Version).values(validation=raw))
    example = jz.version("hcp/people", actor=Actor.anonymous())["validation"]["findings"][0]["examples"][0]
    assert example == {"row": 5, "value": "[CIN]", "message": '"[CIN]" does not match the pattern x'}


def test_treated_personal_data_needs_a_register_entry_to_stay_public(jz, tmp_path: Path) -> None:
    clean = write_csv(tmp_path / "c.csv", ["id", "x"], [["1", "a"], ["2", "b"]])
    people = write_csv(tmp_path / "p.csv", HEADER, ROWS)
    jz.ingest(clean, "hcp/pub")
    jz.datasets_service.update(jz.actor, "hcp/pub", access_level="public")
    result = jz.ingest(people, "hcp/pub", privacy=POLICY)
    assert result["privacy"]["status"] == "treated"
    assert result["privacy"]["access_lowered_from"] == "public"
    assert "processing register" in result["privacy"]["access_lowered_because"]
    assert jz.dataset("hcp/pub")["access_level"] == "institute"
    publish = jz.audit("hcp/pub", limit=1)[0]
    assert publish["action"] == "publish" and publish["details"]["access_lowered_from"] == "public"
    with pytest.raises(NotFound):
        jz.rows("hcp/pub", actor=Actor.anonymous())
    # with its register entry, the dataset may be public again and stays so at the next ingest
    jz.register_set("hcp/pub", ENTRY)
    jz.datasets_service.update(jz.actor, "hcp/pub", access_level="public")
    again = jz.ingest(write_csv(tmp_path / "p2.csv", HEADER, ROWS[:1]), "hcp/pub")
    assert again["privacy"]["access_lowered_from"] is None and again["privacy"]["access_lowered_because"] is None
    assert jz.dataset("hcp/pub")["access_level"] == "public"


def test_anonymize_audits_its_read_of_the_original(jz, tmp_path: Path) -> None:
    jz.ingest(write_csv(tmp_path / "p.csv", HEADER, ROWS), "hcp/people")
    jz.ingestor.anonymize(STEWARD, "hcp/people", POLICY)
    events = [(e["actor"], e["action"], e["version"]) for e in reversed(jz.audit("hcp/people"))]
    assert events == [("cli:operator", "publish", 1), (STEWARD.name, "read.source", 1), (STEWARD.name, "publish", 2)]
    assert jz.audit("hcp/people")[1]["details"]["for"] == "privacy.anonymize"
    assert not list(jz.settings.tmp_dir.glob("source-*"))


def _aged(path: Path, days: float = 2) -> Path:
    then = time.time() - days * 86400
    os.utime(path, (then, then))
    return path


def test_plaintext_leftovers_leave_the_tmp_folder(jz) -> None:
    tmp = jz.settings.tmp_dir
    tmp.mkdir(parents=True, exist_ok=True)
    decrypted, old, fresh = tmp / "source-0123", tmp / "upload-old", tmp / "upload-fresh"
    for path in (decrypted, old, fresh):
        path.write_bytes(b"nom;cin\nAlaoui;J123456\n")
    _aged(old)  # fresh: an upload a running server is about to ingest
    assert jz.init()["tmp_removed"] == 2
    assert not decrypted.exists() and not old.exists() and fresh.exists()
    _aged(fresh)
    assert jz.retention_run()["tmp_removed"] == 1 and not fresh.exists()


def test_a_failed_or_interrupted_ingest_job_deletes_its_upload(jz) -> None:
    tmp = jz.settings.tmp_dir
    tmp.mkdir(parents=True, exist_ok=True)
    bad = tmp / "upload-bad"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    job = jz.submit_ingest(bad, "hcp/bin", actor=jz.actor)
    jz.jobs.run(job.id)
    assert jz.job(job.id)["status"] == "failed" and not bad.exists()
    stopped = tmp / "upload-stopped"
    stopped.write_bytes(b"nom;cin\nAlaoui;J123456\n")
    job = jz.submit_ingest(stopped, "hcp/people", actor=jz.actor)
    with jz.db.session() as session:  # the server stopped while the job ran
        session.execute(update(Job).where(Job.id == job.id).values(status="running"))
    assert jz.init()["interrupted_jobs"] == 1
    assert jz.job(job.id)["error"]["code"] == "interrupted" and not stopped.exists()


def test_the_original_is_described_only_to_those_who_may_read(jz, tmp_path: Path) -> None:
    jz.ingest(write_csv(tmp_path / "p.csv", ["id", "x"], [["1", "a"]]), "hcp/inst")
    assert "source" not in jz.versions("hcp/inst", actor=OUTSIDER)[0]  # sees the metadata, may not read
    assert jz.versions("hcp/inst", actor=VIEWER)[0]["source"]["name"] == "p.csv"
    client = TestClient(create_app(jz, workers=False))
    jz.datasets_service.update(jz.actor, "hcp/inst", access_level="network")
    assert client.get("/api/v1/datasets/hcp/inst/versions").status_code in (401, 404)
    jz.datasets_service.update(jz.actor, "hcp/inst", access_level="public")
    assert client.get("/api/v1/datasets/hcp/inst/versions").json()[0]["source"]["name"] == "p.csv"
