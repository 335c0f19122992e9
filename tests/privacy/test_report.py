"""The privacy report: status from clean to needs_policy to treated, merging, the k-anonymity slot."""

from __future__ import annotations

import json

import pyarrow as pa

from jazari.privacy.columns import ColumnScan, scan_table
from jazari.privacy.policy import PolicyConfig, PrivacyPolicy, apply_policy, suggest_policy
from jazari.privacy.report import PrivacyReport
from jazari.privacy.risk import k_anonymity_report

KEY = b"institute-secret-key-32-bytes!!!"


def survey() -> pa.Table:
    """A household survey with identifiers, Darija remarks, quasi-identifiers and a health column."""
    return pa.table({
        "cin": ["BK123456", "AB654321", "J998877", "EE112233"] * 5,
        "هاتف": ["0612345678", "0661234567", "0700112233", "0522334455"] * 5,
        "ملاحظات": ["3afak 3iyet liya 3la 0612345678 ila kan chi mochkil", "RAS, kolchi mzyan",
                    "smiti Youssef El Amrani w kan sken f Hay Salam", "ma kayn walo"] * 5,
        "commune": ["Azilal", "Fès", "Fès", "Rabat"] * 5,
        "age": [44, 49, 31, 33] * 5,
        "diagnostic": ["diabète", "asthme", "grippe", "asthme"] * 5,
        "prix": [12.5, 99.99, 7.0, 250.0] * 5,
    })


def test_a_table_without_personal_data_is_clean() -> None:
    table = pa.table({"prix": [12.5, 99.99], "code_postal": ["20250", "10000"],
                      "numero_commande": ["CMD-2024-00001", "CMD-2024-00002"]})
    report = PrivacyReport(dataset="hcp/prix").update(scan_table(table)).finalize()
    assert report["status"] == "clean" and report["uncovered"] == [] and report["message"] == "no personal data found"
    assert report["quasi_identifiers"] == ["code_postal"]


def test_personal_data_without_a_policy_needs_one() -> None:
    findings = scan_table(survey())
    report = PrivacyReport(dataset="hcp/menages").update(findings).finalize()
    assert report["status"] == "needs_policy"
    assert report["uncovered"] == ["cin", "هاتف", "ملاحظات", "age", "diagnostic"]
    assert "add a rule for columns cin, هاتف, ملاحظات, age, diagnostic" in report["message"]
    assert "`jazari privacy suggest hcp/menages > policy.yaml`" in report["message"]
    assert report["columns"]["cin"]["operator"] == "none"
    assert report["columns"]["cin"]["suggested"] == {"operator": "pseudonymize"}
    assert report["columns"]["ملاحظات"]["kind"] == "free_text"
    assert report["sensitive"] == [{"column": "diagnostic", "entities": ["HEALTH"], "listed": False}]
    assert report["k_anonymity"] is None and report["policy"] is None
    assert json.loads(json.dumps(report, ensure_ascii=False)) == report


def test_a_partial_policy_still_needs_rules_then_a_full_one_treats() -> None:
    findings = scan_table(survey())
    partial = PrivacyPolicy.from_dict({"columns": {"cin": "pseudonymize"}, "sensitive": ["diagnostic"]})
    report = PrivacyReport(partial, dataset="hcp/menages").update(findings).finalize()
    assert report["status"] == "needs_policy" and report["uncovered"] == ["هاتف", "ملاحظات", "age"]
    assert not report["message"].startswith("personal data found and no privacy policy")
    assert report["sensitive"][0]["listed"] is True
    policy = suggest_policy(findings)
    treated = PrivacyReport(policy, dataset="hcp/menages").update(findings).finalize()
    assert treated["status"] == "treated" and treated["uncovered"] == []
    assert treated["columns"]["cin"]["operator"] == "pseudonymize"
    assert treated["columns"]["ملاحظات"]["operator"] == "redact"
    assert treated["columns"]["prix"]["operator"] == "none"
    assert treated["policy"] == policy.to_dict()


def test_the_k_anonymity_slot_is_filled_after_the_stage() -> None:
    table = survey()
    findings = scan_table(table)
    policy = suggest_policy(findings)
    treated = pa.Table.from_batches([apply_policy(PolicyConfig(policy, KEY), b) for b in table.to_batches()])
    risk = k_anonymity_report(treated, list(policy.quasi_identifiers), list(policy.sensitive), k=policy.k)
    report = PrivacyReport(policy).update(findings).with_risk(risk).finalize()
    assert report["k_anonymity"]["k"] == 5 and report["k_anonymity"]["satisfies_k"] is True
    assert report["status"] == "treated"
    strict = PrivacyPolicy.from_dict({**policy.to_dict(), "k": 10})
    small = k_anonymity_report(treated, list(policy.quasi_identifiers), k=10)
    report = PrivacyReport(strict).update(findings).with_risk(small).finalize()
    assert "smallest group 5 < k=10" in report["message"] and "suppress_small_groups" in report["message"]
    assert json.loads(json.dumps(report, ensure_ascii=False)) == report


def test_reports_of_batches_merge() -> None:
    table = survey()
    names = table.column_names
    halves = [table.slice(0, 10), table.slice(10)]
    parts = [PrivacyReport().update(ColumnScan(names).update(h.combine_chunks().to_batches()[0]).finalize())
             for h in halves]
    merged = parts[0].merge(parts[1]).finalize()
    whole = PrivacyReport().update(scan_table(table)).finalize()
    assert merged["entities"] == whole["entities"]
    assert merged["uncovered"] == whole["uncovered"] and merged["status"] == whole["status"]
    assert merged["columns"]["cin"]["values"] == 20


def test_findings_as_dicts_and_policy_only_columns() -> None:
    findings = [f.to_dict() for f in scan_table(survey())]
    policy = PrivacyPolicy.from_dict({"columns": {"prix": "drop"}})
    report = PrivacyReport(policy).update(findings).finalize()
    assert report["columns"]["prix"]["operator"] == "drop"
    assert report["status"] == "needs_policy"
    empty = PrivacyReport(policy).finalize()
    assert empty["status"] == "clean" and empty["columns"]["prix"] == {"kind": "none", "entities": {},
                                                                      "operator": "drop"}
