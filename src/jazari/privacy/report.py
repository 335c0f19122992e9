"""The privacy report stored with a version: what each column holds, what the policy did, what is left.

`PrivacyReport` is a mergeable state: `update(findings)` per batch or per scan, `merge(other)`,
`with_risk(k_anonymity_report(...))`, then `finalize()` gives a JSON-able dict.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from jazari.privacy.columns import ColumnFinding
from jazari.privacy.operators import tag
from jazari.privacy.policy import PrivacyPolicy, covers

STATUSES = ("clean", "treated", "needs_policy")


def _merge(a: ColumnFinding, b: ColumnFinding) -> ColumnFinding:
    """Two findings of one column: counts added, the surer finding's kind and action kept."""
    sure = a if (a.personal, a.confidence) >= (b.personal, b.confidence) else b
    entities = Counter(a.entities)
    entities.update(b.entities)
    return replace(sure, entities=dict(entities.most_common()), quasi=a.quasi or b.quasi,
                   values=a.values + b.values, scanned=a.scanned + b.scanned)


class PrivacyReport:
    """Mergeable privacy report of one version: findings per column, the policy applied, the risk."""

    def __init__(self, policy: PrivacyPolicy | None = None, *, dataset: str | None = None) -> None:
        self.policy = policy
        self.dataset = dataset
        self._columns: dict[str, ColumnFinding] = {}
        self._risk: dict[str, Any] | None = None

    def update(self, findings: Iterable[ColumnFinding | Mapping[str, Any]]) -> PrivacyReport:
        """Add the column findings of one scan or one batch (findings or their dicts)."""
        for f in findings:
            finding = f if isinstance(f, ColumnFinding) else ColumnFinding.from_dict(dict(f))
            known = self._columns.get(finding.column)
            self._columns[finding.column] = finding if known is None else _merge(known, finding)
        return self

    def merge(self, other: PrivacyReport) -> PrivacyReport:
        """Fold another partial report of the same version into this one."""
        self.update(other._columns.values())
        self.policy = self.policy or other.policy
        self._risk = self._risk or other._risk
        return self

    def with_risk(self, report: Mapping[str, Any] | None) -> PrivacyReport:
        """Attach the k-anonymity report (risk.k_anonymity_report) computed on the treated data."""
        self._risk = None if report is None else dict(report)
        return self

    def finalize(self) -> dict[str, Any]:
        """The JSON-able report: columns, uncovered, sensitive flags, k-anonymity, status, message."""
        policy = self.policy or PrivacyPolicy()
        treated = policy.treated()
        findings = list(self._columns.values())
        uncovered = covers(policy, findings)
        personal = [f for f in findings if f.personal]
        columns: dict[str, Any] = {}
        for f in findings:
            entry = f.to_dict()
            del entry["column"]
            entry["suggested"] = entry.pop("action")
            entry["operator"] = treated.get(f.column, "none")
            columns[f.column] = entry
        for name, operator in treated.items():
            columns.setdefault(name, {"kind": "none", "entities": {}, "operator": operator})
        totals: Counter[str] = Counter()
        for f in findings:
            totals.update(f.entities)
        sensitive = [{"column": f.column, "entities": f.sensitive, "listed": f.column in policy.sensitive}
                     for f in findings if f.kind == "sensitive" or f.sensitive]
        status = "clean" if not personal else "needs_policy" if uncovered else "treated"
        return {
            "status": status,
            "message": self._message(status, uncovered),
            "columns": columns,
            "entities": dict(totals.most_common()),
            "uncovered": uncovered,
            "sensitive": sensitive,
            "quasi_identifiers": list(policy.quasi_identifiers) or [f.column for f in findings if f.quasi],
            "k_anonymity": self._risk,
            "policy": None if self.policy is None else self.policy.to_dict(),
        }

    def _message(self, status: str, uncovered: list[str]) -> str:
        dataset = self.dataset or "DATASET"
        if status == "clean":
            return "no personal data found"
        if status == "needs_policy":
            start = "personal data found and no privacy policy: " if self.policy is None else ""
            return (f"{start}add a rule for columns {', '.join(uncovered)}: "
                    f"`jazari privacy suggest {dataset} > policy.yaml`, review it, then ingest with it; "
                    "until then the version stays at institute level")
        message = "the privacy policy treats every column with personal data"
        risk = self._risk
        if risk and not risk.get("satisfies_k", True):
            message += (f"; k-anonymity: smallest group {risk.get('k')} < k={risk.get('k_target')} "
                        f"({risk.get('rows_below_k')} rows): generalise quasi-identifiers "
                        "or set suppress_small_groups: true")
        return message


def example_tags(report: Mapping[str, Any] | None) -> dict[str, str]:
    """Column -> the tag that stands for its values in reports shown at the dataset's level (validation
    examples): each column the scan found personal or the policy treats, e.g. `{"cin": "[CIN]"}`."""
    tags: dict[str, str] = {}
    for name, column in ((report or {}).get("columns") or {}).items():
        kind, operator = column.get("kind", "none"), column.get("operator", "none")
        suggested = (column.get("suggested") or {}).get("operator", "none")
        personal = kind == "sensitive" or (kind != "none" and suggested != "none")
        if personal or operator not in ("none", "keep"):
            entities = column.get("entities") or {}
            entity = max(entities, key=entities.__getitem__) if entities else "REDACTED"
            tags[name] = tag(entity)
    return tags


__all__ = ["STATUSES", "PrivacyReport", "example_tags"]
