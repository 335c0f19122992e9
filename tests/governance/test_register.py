"""The CNDP processing register: entries are validated field by field, set and read by the owner's
stewards only, exported in three formats that give the fields back, and required before a dataset
with personal data is opened beyond its institute; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from jazari.errors import Forbidden, InputError, NotFound, Unauthenticated
from jazari.governance.actors import Actor
from jazari.governance.register import EXPORT_COLUMNS, validate_entry
from jazari.privacy.policy import PrivacyPolicy
from tests.datasets.test_privacy_ingest import POLICY, people
from tests.files import communes_csv

STEWARD = Actor(name="karim@hcp.ma", roles={"hcp": "steward"})
READ_ONLY_STEWARD = Actor(name="karim@hcp.ma", roles={"hcp": "steward"}, scopes=frozenset({"read"}), via="token")
VIEWER = Actor(name="amina@hcp.ma", roles={"hcp": "viewer"})
OUTSIDER = Actor(name="omar@dgsn.ma", roles={"dgsn": "steward"})
ENTRY = {
    "controller": "Haut-Commissariat au Plan, Rabat",
    "purpose": "Recensement général de la population; statistiques communales",
    "legal_basis": "legal_obligation: loi 09-08, art. 4; décret 2-23-1",
    "data_categories": ["identité", "coordonnées", "CIN"],
    "data_subjects": ["résidents", "ménages"],
    "recipients": ["instituts du réseau Jazari"],
    "retention_days": 730,
    "transfers_abroad": None,
    "security_measures": "chiffrement AES-GCM au repos | accès par rôle",
    "cndp_reference": "D-GC-123/2024",
}


@pytest.fixture
def treated(jz, tmp_path: Path) -> str:
    """hcp/people: personal data found and treated by a policy."""
    jz.ingest(people(tmp_path), "hcp/people", privacy=PrivacyPolicy.from_dict(POLICY))
    return "hcp/people"


@pytest.mark.parametrize("field", ["controller", "purpose", "legal_basis", "data_categories", "data_subjects",
                                   "retention_days"])
def test_each_required_field_is_named_when_missing(field: str) -> None:
    for missing in (None, "", [], "   "):
        with pytest.raises(InputError) as caught:
            validate_entry({**ENTRY, field: missing})
        assert caught.value.context["field"] == field


@pytest.mark.parametrize(("field", "value", "message"), [
    ("legal_basis", "because we want to", "not a legal basis of law 09-08"),
    ("legal_basis", "consent:", "no text after it"),
    ("retention_days", 0, "between 1 and"),
    ("retention_days", -5, "between 1 and"),
    ("retention_days", "a year", "whole number"),
    ("retention_days", True, "whole number"),
    ("retention_days", 1.5, "whole number"),
    ("data_categories", [1, 2], "list of text"),
    ("data_categories", ["a;b"], "holds ';'"),
    ("recipients", {"a": 1}, "list of text"),
    ("controller", 42, "must be text"),
    ("cndp_reference", "x" * 101, "longer than 100"),
    ("controler", "HCP", "unknown field"),
])
def test_bad_values_are_refused_naming_the_field(field: str, value: object, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        validate_entry({**ENTRY, field: value})
    assert caught.value.context["field"] == field
    with pytest.raises(InputError, match="mapping"):
        validate_entry(["not", "a", "mapping"])


def test_values_are_cleaned() -> None:
    clean = validate_entry({**ENTRY, "legal_basis": "Public interest", "data_categories": " identité ; CIN;;CIN ",
                            "retention_days": "365", "recipients": None, "controller": "  HCP  "})
    assert clean["legal_basis"] == "public_interest" and clean["controller"] == "HCP"
    assert clean["data_categories"] == ["identité", "CIN"] and clean["recipients"] == []
    assert clean["retention_days"] == 365
    assert validate_entry(ENTRY)["legal_basis"] == "legal_obligation: loi 09-08, art. 4; décret 2-23-1"


def test_stewards_set_and_read_the_entry_and_it_is_audited(jz, treated: str) -> None:
    entry = jz.register_set(treated, ENTRY, actor=STEWARD)
    assert entry["dataset"] == treated and entry["updated_by"] == STEWARD.name
    assert {k: entry[k] for k in ENTRY} == ENTRY
    assert jz.register_show(treated, actor=READ_ONLY_STEWARD) == entry  # reading needs no write scope
    assert jz.register_set(treated, ENTRY, actor=STEWARD)["updated_at"] == entry["updated_at"]  # no change
    changed = jz.register_set(treated, {**ENTRY, "retention_days": 365}, actor=jz.actor)
    assert changed["retention_days"] == 365 and changed["updated_by"] == jz.actor.name
    events = [(e["actor"], e["action"], e["details"]) for e in jz.audit(treated) if e["action"] == "register.set"]
    assert events == [(jz.actor.name, "register.set", {"created": False, "changed": ["retention_days"]}),
                      (STEWARD.name, "register.set", {"created": True, "changed": [
                          "controller", "purpose", "legal_basis", "data_categories", "data_subjects",
                          "recipients", "retention_days", "security_measures", "cndp_reference"]})]


def test_others_can_neither_see_nor_set_the_entry(jz, treated: str) -> None:
    jz.register_set(treated, ENTRY, actor=STEWARD)
    for actor in (VIEWER, OUTSIDER):
        with pytest.raises(Forbidden):
            jz.register_show(treated, actor=actor)
        with pytest.raises(Forbidden):
            jz.register_set(treated, ENTRY, actor=actor)
    with pytest.raises(NotFound):  # an institute-level dataset is not even listed to the signed-out
        jz.register_show(treated, actor=Actor.anonymous())
    jz.datasets_service.update(jz.actor, treated, access_level="public")
    with pytest.raises(Unauthenticated):
        jz.register_set(treated, ENTRY, actor=Actor.anonymous())
    with pytest.raises(Forbidden, match="write scope"):
        jz.register_set(treated, ENTRY, actor=READ_ONLY_STEWARD)
    assert jz.register_show(actor=VIEWER) == {"entries": [], "missing": []}
    assert jz.register_export("csv", actor=OUTSIDER).count("\r\n") == 1  # the header only


def test_a_bad_entry_writes_nothing(jz, treated: str) -> None:
    with pytest.raises(InputError, match="retention_days"):
        jz.register_set(treated, {**ENTRY, "retention_days": 0}, actor=STEWARD)
    with pytest.raises(NotFound, match="has no register entry") as caught:
        jz.register_show(treated, actor=STEWARD)
    assert "jazari register set hcp/people" in (caught.value.hint or "")
    with pytest.raises(NotFound, match="no dataset hcp/nothing"):
        jz.register_set("hcp/nothing", ENTRY)
    assert [e["action"] for e in jz.audit(treated)] == ["publish"]


def test_entry_from_a_yaml_or_json_file(jz, treated: str, tmp_path: Path) -> None:
    path = tmp_path / "entry.yaml"
    path.write_text(yaml.safe_dump(ENTRY, allow_unicode=True), encoding="utf-8")
    assert jz.register_set(treated, path)["cndp_reference"] == "D-GC-123/2024"
    as_json = tmp_path / "entry.json"
    as_json.write_text(json.dumps({**ENTRY, "retention_days": 90}), encoding="utf-8")
    assert jz.register_set(treated, as_json)["retention_days"] == 90
    broken = tmp_path / "broken.yaml"
    broken.write_text("controller: [HCP\n", encoding="utf-8")
    with pytest.raises(InputError, match="not YAML") as caught:
        jz.register_set(treated, broken)
    assert caught.value.context["file"] == str(broken)
    with pytest.raises(InputError, match="cannot read"):
        jz.register_set(treated, tmp_path / "missing.yaml")


def test_export_in_three_formats_gives_the_fields_back(jz, treated: str, tmp_path: Path) -> None:
    jz.register_set(treated, ENTRY, actor=STEWARD)
    jz.ingest(people(tmp_path, "d.csv"), "dgsn/people", privacy=PrivacyPolicy.from_dict(POLICY))
    jz.register_set("dgsn/people", {**ENTRY, "controller": "=HYPERLINK(\"http://x\")"}, actor=OUTSIDER)

    rows = list(csv.DictReader(io.StringIO(jz.register_export("csv", actor=STEWARD))))
    assert [r["dataset"] for r in rows] == [treated]  # a steward exports their institute's datasets
    row = rows[0]
    assert tuple(row) == EXPORT_COLUMNS
    for field, value in ENTRY.items():
        expected = "; ".join(value) if isinstance(value, list) else "" if value is None else str(value)
        assert row[field] == expected, field
    assert row["data_categories"].split("; ") == ENTRY["data_categories"]

    everything = json.loads(jz.register_export("json"))  # an administrator exports all
    assert [e["dataset"] for e in everything] == ["dgsn/people", treated]
    assert {k: everything[1][k] for k in ENTRY} == ENTRY
    formula = next(csv.DictReader(io.StringIO(jz.register_export("csv"))))["controller"]
    assert formula.startswith("'=")  # a spreadsheet shows it, never runs it

    md = jz.register_export("md", actor=STEWARD).splitlines()
    header = next(i for i, line in enumerate(md) if line.startswith("| dataset |"))
    assert [c.strip() for c in md[header].strip("|").split("|")] == list(EXPORT_COLUMNS)
    assert set(md[header + 1].replace("|", "")) == {"-"}
    line = md[header + 2]
    assert line.startswith(f"| {treated} | Haut-Commissariat au Plan, Rabat |")
    assert "AES-GCM au repos \\| accès par rôle" in line and "identité; coordonnées; CIN" in line
    with pytest.raises(InputError, match="format must be one of csv, json, md") as caught:
        jz.register_export("xlsx")
    assert caught.value.context["field"] == "format"


def test_show_lists_the_datasets_still_missing_an_entry(jz, treated: str, tmp_path: Path) -> None:
    jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/communes")  # no personal data: not missing
    jz.ingest(people(tmp_path, "raw.csv"), "hcp/raw")  # personal data, no policy yet
    assert jz.register_show(actor=STEWARD) == {"entries": [], "missing": ["hcp/people", "hcp/raw"]}
    jz.register_set(treated, ENTRY, actor=STEWARD)
    shown = jz.register_show(actor=STEWARD)
    assert [e["dataset"] for e in shown["entries"]] == [treated] and shown["missing"] == ["hcp/raw"]
    assert jz.register_show(actor=OUTSIDER) == {"entries": [], "missing": []}


def test_personal_data_needs_an_entry_before_leaving_the_institute(jz, treated: str, tmp_path: Path) -> None:
    for level in ("network", "public"):
        with pytest.raises(Forbidden, match="processing register") as caught:
            jz.datasets_service.update(STEWARD, treated, access_level=level)
        assert f"jazari register set {treated}" in (caught.value.hint or "")
    jz.datasets_service.update(STEWARD, treated, access_level="restricted")  # narrower: allowed
    jz.register_set(treated, ENTRY, actor=STEWARD)
    assert jz.datasets_service.update(STEWARD, treated, access_level="network")["access_level"] == "network"
    # untreated personal data stays refused even with an entry
    jz.ingest(people(tmp_path, "raw.csv"), "hcp/raw")
    jz.register_set("hcp/raw", ENTRY, actor=STEWARD)
    with pytest.raises(Forbidden, match="no privacy policy treats"):
        jz.datasets_service.update(STEWARD, "hcp/raw", access_level="network")
    # no personal data: no entry needed
    jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/communes")
    assert jz.datasets_service.update(STEWARD, "hcp/communes", access_level="public")["access_level"] == "public"


def test_stewards_mark_a_dataset_unlisted(jz, treated: str) -> None:
    jz.datasets_service.update(STEWARD, treated, unlisted=True)
    jz.datasets_service.update(STEWARD, treated, unlisted=True)  # no change, no event
    assert [d["dataset"] for d in jz.datasets(actor=OUTSIDER)] == []
    assert [d["dataset"] for d in jz.datasets(actor=VIEWER)] == [treated]
    with pytest.raises(Forbidden):
        jz.datasets_service.update(VIEWER, treated, unlisted=False)
    events = [(e["action"], e["details"]) for e in jz.audit(treated)]
    assert events[0] == ("listing.change", {"unlisted": True}) and len(events) == 2


def test_versions_show_when_their_retention_ends(jz, treated: str) -> None:
    assert "retention" not in jz.versions(treated)[0]
    jz.register_set(treated, {**ENTRY, "retention_days": 30}, actor=STEWARD)
    version = jz.version(treated)
    assert version["retention"]["days"] == 30 and version["retention"]["expired"] is False
    assert version["retention"]["expires_at"] > version["created_at"]
    assert jz.versions(treated)[0]["retention"] == version["retention"]
    assert version["source"]["purged_at"] is None
