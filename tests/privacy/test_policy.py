"""Privacy policies: YAML in and out, clear errors, suggestions, and the ingest stage on real batches."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest
import yaml

from jazari.errors import InputError, SchemaError
from jazari.privacy.columns import scan_table
from jazari.privacy.policy import (
    PolicyConfig,
    PrivacyPolicy,
    apply_policy,
    covers,
    output_schema,
    suggest_policy,
)

KEY = b"institute-secret-key-32-bytes!!!"
POLICY = """\
columns:
  cin: {operator: pseudonymize}
  telephone: {operator: mask, keep_last: 2}
  date_naissance: {operator: generalize, to: year}
  carte: {operator: drop}
text_columns:
  commentaire: {operator: redact, entities: [PERSON, PHONE, CIN, EMAIL]}   # entities optional = all
quasi_identifiers: [commune, age, sexe]
sensitive: [diagnostic]
k: 5
suppress_small_groups: false
"""


def patients() -> pa.Table:
    """A hospital register: identifiers, a date of birth, Darija comments, a card, quasi-identifiers."""
    return pa.table({
        "cin": ["BK123456", "AB654321", None, "BK123456", "J998877", "AB654321"],
        "telephone": ["0612345678", "0661234567", "0700112233", None, "0522334455", "0612345678"],
        "date_naissance": [dt.date(1980, 5, 12), dt.date(1975, 1, 3), None, dt.date(1980, 5, 12),
                           dt.date(1990, 12, 30), dt.date(1975, 1, 3)],
        "carte": ["4111111111111111"] * 6,
        "commentaire": ["salam, smiti Youssef El Amrani, nmra dyali 06 12 34 56 78",
                        "السلام عليكم، أنا فاطمة الزهراء بناني، رقم الهاتف 0661234567",
                        None, "RAS", "wa3er service, merci bzaf",
                        "salam, smiti Youssef El Amrani, nmra dyali 06 12 34 56 78"],
        "commune": ["Azilal", "Fès", "Fès", "Azilal", "Rabat", "Fès"],
        "age": [44, 49, None, 44, 33, 49],
        "sexe": ["M", "F", "F", "M", "M", "F"],
        "diagnostic": ["diabète", "asthme", None, "diabète", "grippe", "asthme"],
    })


def write(tmp_path: Path, text: str) -> Path:
    """A policy file."""
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_policy_loads_and_round_trips_through_yaml(tmp_path: Path) -> None:
    policy = PrivacyPolicy.load(write(tmp_path, POLICY))
    assert policy.treated() == {"cin": "pseudonymize", "telephone": "mask", "date_naissance": "generalize",
                                "carte": "drop", "commentaire": "redact"}
    assert policy.rule("telephone").get("keep_last") == 2  # type: ignore[union-attr]
    assert policy.text_columns[0].entities == ("PERSON", "PHONE", "CIN", "EMAIL")
    assert (policy.quasi_identifiers, policy.sensitive, policy.k) == (("commune", "age", "sexe"), ("diagnostic",), 5)
    assert PrivacyPolicy.load(write(tmp_path, policy.to_yaml())) == policy
    assert PrivacyPolicy.from_dict(policy.to_dict()) == policy
    assert yaml.safe_load(policy.to_yaml()) == policy.to_dict()
    assert PrivacyPolicy.load(write(tmp_path, "")) == PrivacyPolicy()


@pytest.mark.parametrize(("text", "message", "hint", "where"), [
    ("columns:\n  cin: {operator: hash}\n", "unknown operator 'hash'", "valid operators: pseudonymize, mask",
     "column 'cin'"),
    ("columns:\n  tel: {operator: mask, keep: 2}\n", "mask has no parameter 'keep'", "mask takes: keep_last, char",
     "field 'keep'"),
    ("columns:\n  tel: {operator: mask, keep_last: -1}\n", "keep_last must be a whole number", None, "column 'tel'"),
    ("columns:\n  dob: {operator: generalize}\n", "generalize needs `to`", "grid for GPS", "column 'dob'"),
    ("columns:\n  dob: {operator: generalize, to: year, width: 5}\n", "no parameter 'width'", "takes: to",
     "column 'dob'"),
    ("columns:\n  x: {operator: redact, entity: NAME}\n", "entity must be one of PERSON", None, "column 'x'"),
    ("columns:\n  cin: {keep_last: 2}\n", "a rule needs an operator", "valid operators", "column 'cin'"),
    ("text_columns:\n  c: {operator: redact, entities: [PERSON, SSN]}\n", "unknown entity 'SSN'",
     "valid entities: PERSON", "column 'c'"),
    ("text_columns:\n  c: {operator: mask}\n", "unknown operator 'mask'", "valid operators: redact", "column 'c'"),
    ("colums:\n  cin: {operator: drop}\n", "unknown key 'colums'", "valid keys: columns, text_columns", ""),
    ("columns: [cin]\n", "columns must map column names to rules", None, "field 'columns'"),
    ("columns:\n  c: drop\ntext_columns:\n  c: redact\n", "both in columns and text_columns", None, "column 'c'"),
    ("columns:\n  age: drop\nquasi_identifiers: [age]\n", "dropped column cannot be a quasi", None, "column 'age'"),
    ("k: 0\n", "k must be a whole number >= 1", None, "field 'k'"),
    ("quasi_identifiers: commune\n", "must be a list", None, "field 'quasi_identifiers'"),
    ("suppress_small_groups: maybe\n", "must be true or false", None, ""),
])
def test_policy_errors_name_the_file_the_column_and_the_valid_choices(
        tmp_path: Path, text: str, message: str, hint: str | None, where: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(SchemaError) as info:
        PrivacyPolicy.load(path)
    error = info.value
    assert message in error.message and str(path) in str(error) and where in str(error)
    if hint:
        assert hint in (error.hint or "")


def test_unreadable_policies(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such privacy policy file"):
        PrivacyPolicy.load(tmp_path / "missing.yaml")
    with pytest.raises(InputError, match="not valid YAML") as info:
        PrivacyPolicy.load(write(tmp_path, "columns:\n  cin: {operator: drop\n  tel: x\n"))
    assert info.value.context["line"] >= 2
    with pytest.raises(SchemaError, match="must be a mapping"):
        PrivacyPolicy.load(write(tmp_path, "- cin\n"))


def test_suggest_a_policy_that_covers_what_the_scan_found() -> None:
    table = patients()
    findings = scan_table(table)
    policy = suggest_policy(findings)
    assert covers(policy, findings) == []
    assert policy.rule("cin").operator == "pseudonymize"  # type: ignore[union-attr]
    assert policy.rule("carte").operator == "drop"  # type: ignore[union-attr]
    assert policy.rule("date_naissance").to_dict() == {"operator": "generalize", "to": "year"}  # type: ignore[union-attr]
    assert policy.rule("commentaire").operator == "redact"  # type: ignore[union-attr]
    assert "diagnostic" in policy.sensitive and {"commune", "age", "sexe"} <= set(policy.quasi_identifiers)
    text = policy.to_yaml()
    assert "# name 'cin'" in text and "confidence" in text
    assert PrivacyPolicy.from_dict(yaml.safe_load(text)) == policy
    apply_policy(PolicyConfig(policy, KEY), table.to_batches()[0])


def test_covers_lists_the_columns_a_policy_leaves_untreated() -> None:
    findings = scan_table(patients())
    partial = PrivacyPolicy.from_dict({"columns": {"cin": "pseudonymize", "carte": "drop"},
                                       "quasi_identifiers": ["age"]})
    assert covers(partial, findings) == ["telephone", "date_naissance", "commentaire", "diagnostic"]
    assert covers(PrivacyPolicy(), scan_table(pa.table({"prix": [1.5, 2.0]}))) == []


def test_yaml_quotes_column_names_that_would_not_read_back() -> None:
    policy = PrivacyPolicy.from_dict({"columns": {"N° CIN": "pseudonymize", "yes": "drop", "2024": "drop",
                                                  "الاسم": "pseudonymize", "a: b": "drop"}})
    assert PrivacyPolicy.from_dict(yaml.safe_load(policy.to_yaml())) == policy


def run(policy: PrivacyPolicy, batches: list[pa.RecordBatch]) -> pa.Table:
    """Apply the stage to each batch, as the pipeline does."""
    config = PolicyConfig(policy, KEY)
    return pa.Table.from_batches([apply_policy(config, b) for b in batches])


def test_the_stage_applies_the_policy_batch_by_batch(tmp_path: Path) -> None:
    policy = PrivacyPolicy.load(write(tmp_path, POLICY))
    table = patients()
    out = run(policy, table.to_batches(max_chunksize=2))
    assert out.schema == output_schema(policy, table.schema)
    assert "carte" not in out.column_names
    cin = out["cin"].to_pylist()
    assert cin[0] == cin[3] and cin[1] == cin[5] and cin[0] != cin[1]  # same value, same token across batches
    assert cin[2] is None and all(t.startswith("tok_") for t in cin if t)
    assert "BK123456" not in str(out.to_pylist())
    assert out["telephone"].to_pylist() == ["********78", "********67", "********33", None, "********55",
                                            "********78"]
    assert out["date_naissance"].to_pylist() == ["1980", "1975", None, "1980", "1990", "1975"]
    comments = out["commentaire"].to_pylist()
    assert comments[0] == "salam, smiti [PERSON], nmra dyali [PHONE]"
    assert comments[1] == "السلام عليكم، أنا [PERSON]، رقم الهاتف [PHONE]" and comments[2] is None
    assert comments[3] == "RAS"
    assert out["diagnostic"].to_pylist() == table["diagnostic"].to_pylist()
    assert run(policy, table.to_batches()).equals(out)  # batch boundaries do not matter


def test_generalize_ages_gps_and_numbers() -> None:
    table = pa.table({"age": pa.array([34, None, 71], pa.int32()), "latitude": [33.5731, 34.0209, None],
                      "longitude": [-7.5898, -6.8416, -5.0], "revenu": [1250.0, 9800.5, None]})
    policy = PrivacyPolicy.from_dict({"columns": {
        "age": {"operator": "generalize", "to": "band", "width": 10},
        "latitude": {"operator": "generalize", "to": "grid", "degrees": 0.1},
        "longitude": {"operator": "generalize", "to": "grid"},
        "revenu": {"operator": "generalize", "to": "band", "width": 1000}}})
    out = run(policy, table.to_batches())
    assert out["age"].to_pylist() == ["30-39", None, "70-79"]
    assert out["latitude"].to_pylist() == [33.55, 34.05, None]
    assert out["longitude"].to_pylist() == [-7.55, -6.85, -4.95]
    assert out["revenu"].to_pylist() == ["[1000, 2000)", "[9000, 10000)", None]
    assert out.schema.field("latitude").type == pa.float64() and out.schema.field("age").type == pa.string()


def test_redact_keep_and_entity_choice() -> None:
    table = pa.table({"adresse": ["12 Rue Ibn Battouta, Casablanca", None],
                      "note": ["appelez Youssef au 0612345678", "ok"], "ville": ["Fès", "Rabat"]})
    policy = PrivacyPolicy.from_dict({"columns": {"adresse": {"operator": "redact", "entity": "address"},
                                                  "ville": "keep"},
                                      "text_columns": {"note": {"operator": "redact", "entities": ["PHONE"]}}})
    out = run(policy, table.to_batches())
    assert out.to_pydict() == {"adresse": ["[ADDRESS]", None], "note": ["appelez Youssef au [PHONE]", "ok"],
                               "ville": ["Fès", "Rabat"]}


def test_stage_errors_name_the_columns() -> None:
    batch = patients().to_batches()[0]
    missing = PrivacyPolicy.from_dict({"columns": {"cin": "drop", "passeport": "drop", "rib": "drop"}})
    with pytest.raises(InputError, match="does not have: passeport, rib") as info:
        apply_policy(PolicyConfig(missing, KEY), batch)
    assert info.value.context["column"] == "passeport"
    wrong = PrivacyPolicy.from_dict({"columns": {"sexe": {"operator": "generalize", "to": "band"}}})
    with pytest.raises(SchemaError, match="cannot generalize a column of type string to band"):
        output_schema(wrong, batch.schema)
    with pytest.raises(InputError, match="secret key") as info:
        apply_policy(PolicyConfig(PrivacyPolicy.from_dict({"columns": {"cin": "pseudonymize"}}), b"short"), batch)
    assert info.value.context["column"] == "cin"
    bad_dates = PrivacyPolicy.from_dict({"columns": {"sexe": {"operator": "generalize", "to": "year"}}})
    with pytest.raises(InputError, match="not an ISO date") as info:
        apply_policy(PolicyConfig(bad_dates, KEY), batch)
    assert info.value.context["column"] == "sexe"


def test_the_config_hides_the_key() -> None:
    assert "institute-secret" not in repr(PolicyConfig(PrivacyPolicy(), KEY))
