"""Reading datasets: list, versions, one version's reports, rows, load, export, diff.
Every call takes an actor and asks governance before touching data (DESIGN rule 2)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as pads
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jazari.datasets.export import WRITER, check_format, export_digests, write_export
from jazari.datasets.models import ACCESS_LEVELS, Dataset, Version
from jazari.datasets.names import parse_ref
from jazari.datasets.preview import Page, read_page
from jazari.errors import Forbidden, InputError, NotFound
from jazari.factory.diff import diff_versions
from jazari.factory.findings import redact_examples
from jazari.governance.access import (
    Guarded,
    can,
    can_on_platform,
    can_see_moderated,
    grant_used,
    require,
    version_guard,
)
from jazari.governance.actors import Actor
from jazari.governance.audit import events, record
from jazari.governance.models import Institute
from jazari.governance.register import has_entry, retention_of
from jazari.privacy.columns import ColumnScan
from jazari.privacy.report import example_tags
from jazari.store import duck
from jazari.store.database import Database, utcnow
from jazari.store.lake import Lake, VersionFiles


def dataset_dict(dataset: Dataset, latest: Version | None) -> dict[str, Any]:
    """A dataset as every interface shows it."""
    return {
        "dataset": dataset.ref,
        "institute": dataset.institute.slug,
        "name": dataset.name,
        "title": dataset.title,
        "description": dataset.description,
        "metadata": dataset.meta or {},
        "access_level": dataset.access_level,
        "unlisted": dataset.unlisted,
        "latest_version": latest.number if latest else None,
        "rows": latest.rows_total if latest else None,
        "columns": len(latest.table_schema.get("fields", [])) if latest else None,
        "updated_at": (latest.created_at if latest else dataset.created_at).isoformat(),
    }


def version_dict(version: Version, *, full: bool = False, retention_days: int | None = None) -> dict[str, Any]:
    """A version's summary, or with `full` its schema, reports and lineage too; with the register's
    `retention_days`, when the version's retention ends."""
    summary: dict[str, Any] = {
        "version": version.number,
        "created_at": version.created_at.isoformat(),
        "actor": version.actor,
        "mode": version.mode,
        "source": {"name": version.source_name, "size": version.source_size, "sha256": version.source_sha256,
                   "purged_at": version.source_purged_at.isoformat() if version.source_purged_at else None},
        "rows": {
            "read": version.rows_read,
            "written": version.rows_written,
            "quarantined": version.rows_quarantined,
            "total": version.rows_total,
        },
        "software_version": version.software_version,
    }
    if retention_days is not None:
        expires = version.created_at + timedelta(days=retention_days)
        summary["retention"] = {"days": retention_days, "expires_at": expires.isoformat(), "expired": expires <= utcnow()}
    if full:
        summary.update(
            schema=version.table_schema,
            profile={k: v for k, v in (version.profile or {}).items() if k != "exports"},
            validation=(redact_examples(version.validation, example_tags(version.privacy))  # older versions too
                        if version.validation else version.validation),
            privacy=version.privacy,
            lineage=lineage_dict(version),
        )
    return summary


def lineage_dict(version: Version) -> dict[str, Any]:
    """Where a version comes from and how it was made."""
    made = {"origin": version.origin} if version.origin else {}  # e.g. the campaign it aggregates
    return {
        **made,
        "source": {"name": version.source_name, "size": version.source_size, "sha256": version.source_sha256},
        "reader_options": version.reader_options,
        "mode": version.mode,
        "actor": version.actor,
        "created_at": version.created_at.isoformat(),
        "software": f"jazari {version.software_version}",
        "job": version.job_id,
        "delta_version": version.delta_version,
        "rows": {"read": version.rows_read, "written": version.rows_written,
                 "quarantined": version.rows_quarantined, "total": version.rows_total},
        "exports": recorded_exports(version),
    }


def recorded_exports(version: Version) -> dict[str, Any] | None:
    """The SHA-256 and size of the version's Parquet and CSV exports, if computed with this writer."""
    exports = (version.profile or {}).get("exports")
    return exports if isinstance(exports, dict) and exports.get("writer") == WRITER else None


class DatasetService:
    """Read access to datasets and versions."""

    def __init__(self, db: Database, lake: Lake, locks: Path | None = None) -> None:
        self.db = db
        self.lake = lake
        self.on_change: Callable[[Session, int], None] | None = None  # set by the app: the search index
        self.reader = duck.Reader(lake.root)  # one sealed DuckDB over the lake for previews
        # fresh connections for sandboxed SQL (catalog.query), made ahead; as many at once in the whole
        # node (every process of `jazari serve --workers N`) as `duck.SANDBOXES`, counted in `locks`
        self.sandboxes = duck.Spares(slot_dir=locks / "queries" if locks else None)

    def close(self) -> None:
        """Release the DuckDB databases of previews and queries."""
        self.reader.close()
        self.sandboxes.close()

    def _find(self, actor: Actor, ref: str, action: str = "see") -> Dataset:
        with self.db.session() as session:
            return self._lookup(session, actor, ref, action)

    def _lookup(self, session: Session, actor: Actor, ref: str, action: str) -> Dataset:
        institute, name = parse_ref(ref)
        dataset = session.scalar(
            select(Dataset).join(Institute).where(Institute.slug == institute, Dataset.name == name)
        )
        if dataset is None:
            raise NotFound(f"no dataset {ref}", hint="`jazari datasets` lists them", field="dataset")
        require(actor, action, dataset)
        return dataset

    def _version(self, dataset: Dataset, number: int | None, session: Session | None = None) -> Version:
        if session is None:
            with self.db.session() as own:
                return self._version(dataset, number, own)
        query = select(Version).where(Version.dataset_id == dataset.id)
        if number is None:
            version = session.scalar(query.order_by(Version.number.desc()).limit(1))
        else:
            version = session.scalar(query.where(Version.number == number))
        if version is None:
            which = "any version" if number is None else f"version {number}"
            raise NotFound(f"{dataset.ref} has no {which}", hint=f"`jazari versions {dataset.ref}`")
        return version

    def _read(
        self, actor: Actor, ref: str, audit_action: str, number: int | None = None,
        details: dict[str, Any] | None = None, prepare: Callable[[Version], None] | None = None,
    ) -> tuple[Dataset, Version]:
        """Check read access and find the version; a read of non-public data is audited in the same
        transaction (DESIGN rule 2). `prepare` may refuse the read (bad input) before it is audited."""
        with self.db.session() as session:
            dataset = self._lookup(session, actor, ref, "read")
            version = self._version(dataset, number, session)
            guard = self._guard(actor, dataset, version)
            if prepare is not None:
                prepare(version)
            audit_read(session, actor, audit_action, guard, version.number, details)
        return dataset, version

    @staticmethod
    def _guard(actor: Actor, dataset: Dataset, version: Version) -> Guarded:
        """Check that the actor may read this version too (an untreated one stays in its institute)."""
        guard = version_guard(dataset, (version.privacy or {}).get("status"))
        if guard is not dataset:
            require(actor, "read", guard)
        return guard

    def audit_log(self, actor: Actor, ref: str | None = None, *, limit: int = 100) -> list[dict[str, Any]]:
        """Audit events, newest first: of one dataset (its stewards), all (administrators), or
        otherwise the actor's own."""
        with self.db.session() as session:
            if ref is not None:
                dataset = self._lookup(session, actor, ref, "review")
                return events(session, resource=dataset.ref, limit=limit)
            return events(session, actor=None if can_on_platform(actor, "inspect") else actor.name, limit=limit)

    def update(
        self, actor: Actor, ref: str, *, title: str | None = None, description: str | None = None,
        access_level: str | None = None, unlisted: bool | None = None,
    ) -> dict[str, Any]:
        """Change a dataset's title, description, access level or listing (stewards of its institute)."""
        dataset = self._find(actor, ref, "manage")
        if access_level is not None and access_level not in ACCESS_LEVELS:
            raise InputError(f"access level must be one of {', '.join(ACCESS_LEVELS)}", field="access_level")
        if access_level in ("public", "network"):
            self._check_privacy_allows_sharing(dataset)
        with self.db.session() as session:
            row = session.get(Dataset, dataset.id)
            assert row is not None
            if title is not None:
                row.title = title
            if description is not None:
                row.description = description
            if access_level is not None and access_level != row.access_level:
                record(session, actor.name, "access.change", dataset.ref, client=actor.client,
                       details={"from": row.access_level, "to": access_level})
                row.access_level = access_level
            if unlisted is not None and bool(unlisted) != row.unlisted:
                record(session, actor.name, "listing.change", dataset.ref, client=actor.client,
                       details={"unlisted": bool(unlisted)})
                row.unlisted = bool(unlisted)
            if self.on_change is not None and (title is not None or description is not None):
                session.flush()
                self.on_change(session, row.id)
        return self.info(actor, ref)

    def _check_privacy_allows_sharing(self, dataset: Dataset) -> None:
        """Personal data with no policy keeps a dataset inside its institute (privacy by default)."""
        with self.db.session() as session:
            latest = session.scalar(
                select(Version).where(Version.dataset_id == dataset.id).order_by(Version.number.desc()).limit(1)
            )
        report = (latest.privacy or {}) if latest is not None else {}
        if report.get("status") == "needs_policy":
            raise Forbidden(
                f"{dataset.ref} holds personal data that no privacy policy treats "
                f"(columns {', '.join(report.get('uncovered', []))})",
                hint=f"`jazari privacy suggest {dataset.ref} -o policy.yaml`, edit it, then "
                f"`jazari privacy anonymize {dataset.ref} --policy policy.yaml`",
            )
        if report.get("status") not in (None, "clean"):
            with self.db.session() as session:
                registered = has_entry(session, dataset.id)
            if not registered:
                raise Forbidden(
                    f"{dataset.ref} holds personal data ({report.get('status')}): opening it beyond its "
                    "institute needs an entry in the processing register (law 09-08)",
                    hint=f"`jazari register set {dataset.ref} --file entry.yaml` (controller, purpose, legal_basis, "
                    "data_categories, data_subjects, retention_days, ...)",
                )

    def list(self, actor: Actor) -> list[dict[str, Any]]:
        """The datasets the actor may see, newest first."""
        with self.db.session() as session:
            datasets = session.scalars(select(Dataset).order_by(Dataset.updated_at.desc())).all()
            newest = (select(Version.dataset_id, func.max(Version.number).label("number"))
                      .group_by(Version.dataset_id).subquery())
            latest = {v.dataset_id: v for v in session.scalars(
                select(Version).join(newest, (Version.dataset_id == newest.c.dataset_id)
                                     & (Version.number == newest.c.number)))}
        return [_moderated(actor, d, dataset_dict(d, latest.get(d.id))) for d in datasets if can(actor, "see", d)]

    def info(self, actor: Actor, ref: str) -> dict[str, Any]:
        """One dataset's metadata and latest version number."""
        dataset = self._find(actor, ref)
        with self.db.session() as session:
            latest = session.scalar(
                select(Version).where(Version.dataset_id == dataset.id).order_by(Version.number.desc()).limit(1)
            )
        return _moderated(actor, dataset, dataset_dict(dataset, latest))

    def versions(self, actor: Actor, ref: str) -> list[dict[str, Any]]:
        """The history of a dataset, newest first."""
        dataset = self._find(actor, ref)
        with self.db.session() as session:
            rows = session.scalars(
                select(Version).where(Version.dataset_id == dataset.id).order_by(Version.number.desc())
            ).all()
            days = retention_of(session, dataset.id)
        return [_without_source(version_dict(v, retention_days=days), actor, dataset, v) for v in rows]

    def version(self, actor: Actor, ref: str, number: int | None = None, *, digests: bool = False) -> dict[str, Any]:
        """One version with schema, profile, validation report and lineage (profile values are data).
        With `digests`, the lineage's `exports` holds the SHA-256 and size of the Parquet and CSV
        downloads: computed by encoding them once, then kept with the version."""
        dataset, found = self._read(actor, ref, "read.version", number)
        with self.db.session() as session:
            days = retention_of(session, dataset.id)
        if digests and recorded_exports(found) is None:
            found = self._record_exports(dataset, found)
        return version_dict(found, full=True, retention_days=days)

    def _record_exports(self, dataset: Dataset, version: Version) -> Version:
        """Compute the export digests of a version (the exports are deterministic) and keep them in
        its stored profile: a fact about its immutable rows, like the profile itself."""
        institute, name = parse_ref(dataset.ref)
        exports = export_digests(self.lake.dataset(self.lake.table(institute, name), version.delta_version))
        with self.db.session() as session:
            row = session.get(Version, version.id)
            if row is None:  # deleted meanwhile: give the digests without keeping them
                version.profile = {**(version.profile or {}), "exports": exports}
                return version
            row.profile = {**(row.profile or {}), "exports": exports}
        return row

    def scan(
        self, actor: Actor, ref: str, number: int | None = None, *, audit_action: str = "load",
        details: dict[str, Any] | None = None,
    ) -> tuple[Version, pads.Dataset]:
        """The rows of a version as a streaming Arrow dataset, after the access check (audited as
        `audit_action`)."""
        _dataset, version = self._read(actor, ref, audit_action, number, details)
        institute, name = parse_ref(ref)
        return version, self.lake.dataset(self.lake.table(institute, name), version.delta_version)

    def privacy_scan(self, actor: Actor, ref: str, version: int | None = None) -> list[dict[str, Any]]:
        """Personal data per column of a version (free-text columns scanned in full)."""
        _found, data = self.scan(actor, ref, version, audit_action="privacy.scan")
        scan = ColumnScan(data.schema.names)
        for batch in data.to_batches():
            scan.update(batch)
        return [f.to_dict() for f in scan.finalize()]

    def load(self, actor: Actor, ref: str, version: int | None = None) -> pa.Table:
        """A whole version as a pyarrow.Table."""
        return self.scan(actor, ref, version)[1].to_table()

    def files(
        self, actor: Actor, ref: str, number: int | None = None, *, audit_action: str,
        details: dict[str, Any] | None = None, check: Callable[[VersionFiles, str], None] | None = None,
    ) -> tuple[Version, VersionFiles]:
        """The Parquet files and schema of a version, for DuckDB, after the access check (audited as
        `audit_action`); `check(files, "inst/name version n")` may refuse bad input before the audit."""
        institute, name = parse_ref(ref)
        found: list[VersionFiles] = []

        def prepare(version: Version) -> None:
            found.append(self.lake.version_files(self.lake.table(institute, name), version.delta_version))
            if check is not None:
                check(found[0], f"{ref} version {version.number}")

        _dataset, version = self._read(actor, ref, audit_action, number, details, prepare)
        return version, found[0]

    def rows(
        self, actor: Actor, ref: str, version: int | None = None, *, offset: int = 0, limit: int = 100,
        sort: str | None = None, descending: bool = False, filters: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """One page of rows, in file order or sorted by the column `sort`, keeping the rows whose
        `filters` columns, read as text, contain their text (any case; all must match)."""
        page = Page.checked(offset, limit, sort, descending, filters)
        found, source = self.files(actor, ref, version, audit_action="read.rows", details=page.audit_details(),
                                   check=page.check_columns)
        rows = read_page(self.reader, source, page, found.rows_total)
        return {
            "dataset": ref,
            "version": found.number,
            "offset": offset,
            "limit": limit,
            "total": found.rows_total,
            "columns": rows.table.schema.names,
            "rows": _jsonable_rows(rows.table),
            "sort": page.sort,
            "descending": page.descending,
            "filters": page.filters,
            "matched": rows.matched,
            "has_more": rows.has_more,
            "kind": "files" if (found.reader_options or {}).get("format") == "images" else "table",
        }

    def quarantine(self, actor: Actor, ref: str, version: int | None = None, *, limit: int = 100) -> dict[str, Any]:
        """The rows a version set aside, with row number, column and reason. Malformed input is close
        to raw data: only the dataset's stewards read it, and every read is audited, public or not."""
        with self.db.session() as session:
            dataset = self._lookup(session, actor, ref, "review")
            found = self._version(dataset, version, session)
            record(session, actor.name, "read.quarantine", dataset.ref, version=found.number, client=actor.client,
                   details={"via": actor.via})
        institute, name = parse_ref(ref)
        if found.quarantine_delta_version is None or found.rows_quarantined == 0:
            return {"dataset": ref, "version": found.number, "rows": []}
        data = self.lake.dataset(self.lake.table(institute, name, "quarantine"), found.quarantine_delta_version)
        table = data.to_table(filter=pads.field("_version") == found.number).slice(0, limit)
        return {"dataset": ref, "version": found.number, "rows": _jsonable_rows(table.drop_columns(["_version"]))}

    def export(
        self, actor: Actor, ref: str, output: Path, *, version: int | None = None, fmt: str = "parquet"
    ) -> dict[str, Any]:
        """Write a version to a file (parquet, csv, jsonl or arrow), streaming."""
        check_format(fmt)  # before the read is audited
        found, data = self.scan(actor, ref, version, audit_action="export", details={"format": fmt})
        rows = write_export(data, Path(output), fmt)
        return {"dataset": ref, "version": found.number, "format": fmt, "path": str(output), "rows": rows}

    def diff(self, actor: Actor, ref: str, a: int, b: int) -> dict[str, Any]:
        """What changed between versions a and b: schema, row count, column statistics."""
        with self.db.session() as session:
            dataset = self._lookup(session, actor, ref, "read")
            old, new = self._version(dataset, a, session), self._version(dataset, b, session)
            guards = [self._guard(actor, dataset, v) for v in (old, new)]
            guard = next((g for g in guards if g is not dataset), dataset)
            audit_read(session, actor, "diff", guard, b, {"a": a, "b": b})
        result = diff_versions(_diffable(old), _diffable(new))
        return {"dataset": ref, "a": a, "b": b, **result}


def audit_read(
    session: Session, actor: Actor, action: str, dataset: Guarded, version: int | None,
    details: dict[str, Any] | None = None,
) -> None:
    """Record a read of non-public data: who, from where, and through which grant for what purpose."""
    if dataset.access_level == "public":
        return
    grant = grant_used(actor, dataset)
    extra = {"grant": grant.id} if grant else {}
    record(session, actor.name, action, dataset.ref, version=version, client=actor.client,
           purpose=grant.purpose if grant else None, details={**(details or {}), **extra, "via": actor.via})


def _moderated(actor: Actor, dataset: Dataset, summary: dict[str, Any]) -> dict[str, Any]:
    """A dataset's summary without the description that moderation hid, for all but its institute."""
    if dataset.description_hidden and not can_see_moderated(actor, dataset.institute.slug):
        summary["description"] = None
        summary["metadata"] = {k: v for k, v in summary["metadata"].items() if k != "description"}
    return summary


def _without_source(summary: dict[str, Any], actor: Actor, dataset: Dataset, version: Version) -> dict[str, Any]:
    """A version summary without its original's name, size and hash for one who may not read the version."""
    if not can(actor, "read", version_guard(dataset, (version.privacy or {}).get("status"))):
        summary.pop("source", None)
    return summary


def _diffable(version: Version) -> dict[str, Any]:
    return {"schema": version.table_schema, "row_count": version.rows_total, "profile": version.profile,
            "version": version.number}


def _jsonable_rows(table: pa.Table) -> list[dict[str, Any]]:
    rows = table.to_pylist()
    for row in rows:
        for key, value in row.items():
            if hasattr(value, "isoformat"):
                row[key] = value.isoformat()
            elif isinstance(value, float) and value != value:
                row[key] = None
            elif isinstance(value, bytes):
                row[key] = value.hex()
    return rows
