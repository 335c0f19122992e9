"""The CNDP processing register (law 09-08): one entry per dataset holding personal data.

An entry says who controls the processing, why (purpose) and on which legal basis, which
categories of data about which people, who receives them, how long they are kept, whether they
leave Morocco, how they are protected, and the CNDP declaration or authorisation number.

The legal basis is one of the six of article 4 of law 09-08 (`LEGAL_BASES`), optionally followed by
`: ` and the text it rests on, e.g. `legal_obligation: loi 44-18, art. 12`: the code keeps the
register sortable, the text says which law or contract. Stewards of the owning institute set the
entry (`manage`); they and administrators read it. This package sits below `datasets`, so datasets
are found by table (`Base.metadata.tables`).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jazari.errors import InputError, NotFound
from jazari.governance.access import Guarded, can, require
from jazari.governance.actors import Actor
from jazari.governance.audit import record
from jazari.governance.models import Institute, RegisterEntry
from jazari.store.database import Base, Database

LEGAL_BASES = {
    "consent": "the person's unambiguous consent",
    "contract": "a contract with the person, or steps before one at their request",
    "legal_obligation": "a legal obligation of the controller",
    "vital_interest": "the person's vital interests, when they cannot consent",
    "public_interest": "a task in the public interest or of public authority",
    "legitimate_interest": "the controller's legitimate interest, not overriding the person's rights",
}
TEXTS = {"controller": 300, "purpose": 5000, "legal_basis": 300, "transfers_abroad": 5000,
         "security_measures": 5000, "cndp_reference": 100}
LISTS = ("data_categories", "data_subjects", "recipients")
REQUIRED = ("controller", "purpose", "legal_basis", "data_categories", "data_subjects", "retention_days")
FIELDS = ("controller", "purpose", "legal_basis", "data_categories", "data_subjects", "recipients",
          "retention_days", "transfers_abroad", "security_measures", "cndp_reference")
EXPORT_COLUMNS = ("dataset", *FIELDS, "updated_by", "updated_at")
FORMATS = ("csv", "json", "md")
MAX_RETENTION_DAYS = 100 * 366
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def validate_entry(data: Any) -> dict[str, Any]:
    """The entry's fields, checked and cleaned; an InputError names the first bad field."""
    if not isinstance(data, dict):
        raise InputError("a register entry is a mapping of fields", hint=f"fields: {', '.join(FIELDS)}")
    unknown = sorted(set(data) - set(FIELDS) - {"dataset", "updated_by", "updated_at"})
    if unknown:
        raise InputError(f"unknown field {unknown[0]!r}", hint=f"fields: {', '.join(FIELDS)}", field=unknown[0])
    for name in REQUIRED:
        if data.get(name) in (None, "", []):
            raise InputError(f"{name} is required", hint=_hint(name), field=name)
    clean: dict[str, Any] = {name: _text(name, data.get(name)) for name in TEXTS}
    clean["legal_basis"] = _legal_basis(clean["legal_basis"])
    for name in LISTS:
        clean[name] = _list(name, data.get(name))
    clean["retention_days"] = _days(data["retention_days"])
    return clean


def _hint(name: str) -> str | None:
    if name == "legal_basis":
        return f"one of {', '.join(LEGAL_BASES)}, optionally followed by ': ' and the text it rests on"
    if name == "retention_days":
        return "how many days the data are kept, e.g. 365"
    if name in LISTS:
        return "a list, e.g. [identity, contact details]"
    return None


def _text(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{name} must be text", field=name)
    value = value.strip()
    if len(value) > TEXTS[name]:
        raise InputError(f"{name} is longer than {TEXTS[name]} characters", field=name)
    if not value and name in REQUIRED:
        raise InputError(f"{name} is required", hint=_hint(name), field=name)
    return value or None


def _legal_basis(value: str) -> str:
    code, colon, detail = value.partition(":")
    code = code.strip().lower().replace(" ", "_").replace("-", "_")
    if code not in LEGAL_BASES:
        raise InputError(f"legal_basis {value!r} is not a legal basis of law 09-08", hint=_hint("legal_basis"),
                         field="legal_basis")
    detail = detail.strip()
    if colon and not detail:
        raise InputError("legal_basis has ':' but no text after it", hint=_hint("legal_basis"), field="legal_basis")
    return f"{code}: {detail}" if detail else code


def _list(name: str, value: Any) -> list[str]:
    if value is None:
        return []
    items = value.split(";") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise InputError(f"{name} must be a list of text", hint=_hint(name), field=name)
    cleaned = [i.strip() for i in items if i.strip()]
    for item in cleaned:
        if ";" in item or len(item) > 300:
            raise InputError(f"{name}: {item[:40]!r} holds ';' or is longer than 300 characters",
                             hint="one item per list entry", field=name)
    if not cleaned and name in REQUIRED:
        raise InputError(f"{name} is required", hint=_hint(name), field=name)
    return list(dict.fromkeys(cleaned))


def _days(value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError("retention_days must be a whole number of days", hint=_hint("retention_days"),
                         field="retention_days")
    if not 0 < value <= MAX_RETENTION_DAYS:
        raise InputError(f"retention_days must be between 1 and {MAX_RETENTION_DAYS}", field="retention_days")
    return value


def load_entry(path: Path) -> dict[str, Any]:
    """Read an entry from a JSON or YAML file (not yet validated)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}", file=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text", file=str(path)) from exc
    try:
        if Path(path).suffix.lower() == ".json":
            data = json.loads(text)
        else:
            data = yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg} at line {exc.lineno}", file=str(path), line=exc.lineno) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"not YAML: {getattr(exc, 'problem', None) or exc}", file=str(path),
                         line=mark.line + 1 if mark else None) from exc
    if not isinstance(data, dict):
        raise InputError("a register entry is a mapping of fields", hint=f"fields: {', '.join(FIELDS)}",
                         file=str(path))
    return data


def entry_dict(entry: RegisterEntry, dataset: str) -> dict[str, Any]:
    """An entry as every interface shows it."""
    return {
        "dataset": dataset,
        **{name: getattr(entry, name) for name in FIELDS},
        "updated_by": entry.updated_by,
        "created_at": entry.created_at.isoformat(),
        "updated_at": entry.updated_at.isoformat(),
    }


@dataclass(frozen=True)
class RegisteredDataset:
    """What the register needs to know of a dataset (and what access is decided on)."""

    id: int
    ref: str
    access_level: str
    unlisted: bool


def can_view(actor: Actor, dataset: Guarded) -> bool:
    """The register of a dataset is read by the owner's stewards and administrators."""
    return can(actor, "review", dataset)


def retention_days(session: Session) -> dict[int, int]:
    """The register's retention of each dataset that has an entry, by dataset id."""
    return dict(session.execute(select(RegisterEntry.dataset_id, RegisterEntry.retention_days)).all())


def retention_of(session: Session, dataset_id: int) -> int | None:
    """The register's retention in days of one dataset, or None without an entry."""
    return session.scalar(select(RegisterEntry.retention_days).where(RegisterEntry.dataset_id == dataset_id))


def has_entry(session: Session, dataset_id: int) -> bool:
    """Whether the dataset has a register entry."""
    return session.scalar(select(RegisterEntry.id).where(RegisterEntry.dataset_id == dataset_id)) is not None


def _datasets() -> Any:
    datasets = Base.metadata.tables["datasets"]  # by table: the datasets package sits above this one
    return (select(datasets.c.id, Institute.slug, datasets.c.name, datasets.c.access_level, datasets.c.unlisted)
            .join(Institute, Institute.id == datasets.c.institute_id), datasets)


def _registered(row: Any) -> RegisteredDataset:
    return RegisteredDataset(row.id, f"{row.slug}/{row.name}", row.access_level, bool(row.unlisted))


class RegisterService:
    """Set, show and export the processing register."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _dataset(self, session: Session, ref: str) -> RegisteredDataset:
        institute, _, name = ref.partition("/")
        query, datasets = _datasets()
        row = session.execute(query.where(Institute.slug == institute, datasets.c.name == name)).first()
        if row is None:
            raise NotFound(f"no dataset {ref}", hint="`jazari datasets` lists them", field="dataset")
        return _registered(row)

    def set(self, actor: Actor, ref: str, data: dict[str, Any]) -> dict[str, Any]:
        """Create or replace a dataset's entry (its stewards); audited as `register.set`."""
        with self.db.session() as session:
            dataset = self._dataset(session, ref)
            require(actor, "manage", dataset)
            clean = validate_entry(data)
            entry = session.scalar(select(RegisterEntry).where(RegisterEntry.dataset_id == dataset.id))
            created = entry is None
            if entry is None:
                entry = RegisterEntry(dataset_id=dataset.id)
                session.add(entry)
            changed = [name for name in FIELDS if getattr(entry, name) != clean[name]]
            for name in changed:
                setattr(entry, name, clean[name])
            if changed:
                entry.updated_by = actor.name
                session.flush()
                record(session, actor.name, "register.set", dataset.ref, client=actor.client,
                       details={"created": created, "changed": changed})
            return entry_dict(entry, dataset.ref)

    def show(self, actor: Actor, ref: str | None = None) -> dict[str, Any]:
        """One dataset's entry; or, without `ref`, the entries the actor may read and the datasets
        holding personal data that still have none (`missing`)."""
        with self.db.session() as session:
            if ref is not None:
                dataset = self._dataset(session, ref)
                if not can_view(actor, dataset):
                    require(actor, "manage", dataset)  # the right error: not found, sign in, forbidden
                entry = session.scalar(select(RegisterEntry).where(RegisterEntry.dataset_id == dataset.id))
                if entry is None:
                    raise NotFound(f"{ref} has no register entry",
                                   hint=f"`jazari register set {ref} --file entry.yaml`", field="dataset")
                return entry_dict(entry, dataset.ref)
            entries = self._entries(session, actor)
            registered = {e["dataset"] for e in entries}
            missing = [d for d in self._personal(session, actor) if d not in registered]
            return {"entries": entries, "missing": missing}

    def export(self, actor: Actor, fmt: str) -> str:
        """The register of the datasets the actor manages (administrators: all) as csv, json or md."""
        if fmt not in FORMATS:
            raise InputError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}", field="format")
        with self.db.session() as session:
            entries = self._entries(session, actor)
        return render(entries, fmt)

    def _entries(self, session: Session, actor: Actor) -> list[dict[str, Any]]:
        query, datasets = _datasets()
        rows = session.execute(query.add_columns(RegisterEntry)
                               .join(RegisterEntry, RegisterEntry.dataset_id == datasets.c.id)
                               .order_by(Institute.slug, datasets.c.name)).all()
        return [entry_dict(row.RegisterEntry, d.ref) for row in rows if can_view(actor, d := _registered(row))]

    def _personal(self, session: Session, actor: Actor) -> list[str]:
        """The datasets whose latest version holds personal data (treated or not)."""
        query, datasets = _datasets()
        versions = Base.metadata.tables["versions"]
        newest = (select(versions.c.dataset_id, func.max(versions.c.number).label("number"))
                  .group_by(versions.c.dataset_id).subquery())
        latest = (select(versions.c.dataset_id, versions.c.privacy)
                  .join(newest, (versions.c.dataset_id == newest.c.dataset_id)
                        & (versions.c.number == newest.c.number)).subquery())
        rows = session.execute(query.add_columns(latest.c.privacy)
                               .join(latest, latest.c.dataset_id == datasets.c.id)
                               .order_by(Institute.slug, datasets.c.name)).all()
        return [d.ref for row in rows
                if (row.privacy or {}).get("status") in ("treated", "needs_policy")
                and can_view(actor, d := _registered(row))]


def render(entries: list[dict[str, Any]], fmt: str) -> str:
    """Entries as CSV (lists joined with '; '), JSON or a Markdown table."""
    if fmt == "json":
        return json.dumps([{k: e.get(k) for k in EXPORT_COLUMNS} for e in entries], ensure_ascii=False, indent=2)
    rows = [[_cell(e.get(k)) for k in EXPORT_COLUMNS] for e in entries]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(EXPORT_COLUMNS)
        writer.writerows([[_no_formula(c) for c in row] for row in rows])
        return out.getvalue()
    now = datetime.now(UTC).isoformat(timespec="seconds")
    lines = [f"# Processing register (law 09-08), exported {now}", "",
             "| " + " | ".join(EXPORT_COLUMNS) + " |", "|" + "---|" * len(EXPORT_COLUMNS)]
    lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(value)
    return str(value)


def _no_formula(text: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading quote."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>")
