"""Ingest: keep the original in the raw zone, run the pipeline under the dataset's lock, and
publish the new version in one database transaction (DESIGN rule 1)."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jazari.datasets.models import Dataset, Version
from jazari.datasets.names import parse_ref
from jazari.datasets.sources import unavailable
from jazari.errors import FileFormatError, InputError, JazariError, NotFound
from jazari.factory.pipeline import IngestPlan, check_append_schema, run_ingest
from jazari.factory.readers import ReadOptions, Source, list_sheets, open_source
from jazari.factory.readers.images import (
    ArchiveLimits,
    ImageArchiveSource,
    Member,
    check_archive,
    files_schema,
    folder_archive,
)
from jazari.factory.schema import TableSchema
from jazari.governance.access import require
from jazari.governance.actors import Actor
from jazari.governance.audit import record
from jazari.governance.models import Institute
from jazari.governance.register import has_entry
from jazari.privacy.policy import PrivacyPolicy, output_schema
from jazari.settings import Settings
from jazari.store.blobs import BlobStore, too_large
from jazari.store.database import Database
from jazari.store.lake import Lake
from jazari.version import __version__

Progress = Callable[[float, str], None]

SUFFIX_FORMATS = {
    ".csv": "csv", ".txt": "csv", ".tsv": "tsv", ".tab": "tsv", ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet",
    ".zip": "images",
}


def _quiet(_fraction: float, _message: str) -> None:
    return None


class Ingestor:
    """Turns a file into a published version of a dataset."""

    def __init__(self, settings: Settings, db: Database, lake: Lake, blobs: BlobStore,
                 files: BlobStore | None = None) -> None:
        self.settings = settings
        self.db = db
        self.lake = lake
        self.blobs = blobs  # the raw zone: original uploads
        self.files = files or BlobStore(settings.blobs_dir, key=blobs.key)  # the files of file datasets
        self.limits = ArchiveLimits(settings.archive_max_files, settings.archive_max_bytes, settings.image_max_pixels)

    def ingest(
        self,
        actor: Actor,
        ref: str,
        path: Path,
        *,
        title: str | None = None,
        mode: str = "replace",
        options: ReadOptions | None = None,
        schema: TableSchema | None = None,
        strict: bool = False,
        privacy: PrivacyPolicy | None = None,
        source_name: str | None = None,
        progress: Progress | None = None,
        job_id: str | None = None,
        origin: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Ingest one file (one sheet) into `institute/name` and return the version's summary;
        `origin` says what made the file when Jazari did (a campaign's method and counts: lineage).
        A ZIP archive (format `images`) or a folder of images makes a file dataset: one row per file."""
        institute, name = parse_ref(ref)
        progress = progress or _quiet
        if mode not in ("replace", "append"):
            raise InputError(f"mode must be replace or append, not {mode!r}", field="mode")
        path = Path(path)
        if path.is_dir():  # a folder of images: ingested as a ZIP of it (the raw zone keeps that ZIP)
            self._dataset_for(actor, institute, name)
            with folder_archive(path, self.settings.tmp_dir, self.limits) as archive:
                return self.ingest(actor, ref, archive, title=title, mode=mode,
                                   options=replace(options or ReadOptions(), format="images"), schema=schema,
                                   strict=strict, privacy=privacy, source_name=source_name or f"{path.name}.zip",
                                   progress=progress, job_id=job_id, origin=origin)
        if not path.is_file():
            raise InputError(f"no such file: {path}", hint="check the path", file=str(path))
        source_name = source_name or path.name
        options = options or ReadOptions()
        if options.format is None:
            options = replace(options, format=SUFFIX_FORMATS.get(Path(source_name).suffix.lower()))
        options = replace(options, batch_rows=self.settings.batch_rows, max_cell_bytes=self.settings.max_cell_bytes)
        self._dataset_for(actor, institute, name)
        size = path.stat().st_size
        if size > self.settings.upload_max_bytes:
            raise too_large(source_name, self.settings.upload_max_bytes)
        members: list[Member] | None = None
        if options.format == "images":  # names, count and sizes checked before anything is stored
            if schema is not None and schema.to_dict() != files_schema().to_dict():
                raise InputError("a file dataset's columns are fixed (path, sha256, bytes, media_type, width, "
                                 "height): it takes no --schema", field="schema")
            schema = files_schema()
            members = check_archive(path, self.limits, source_name)
        job = job_id or str(uuid.uuid4())
        with self.lake.lock(institute, name, self.settings.lock_timeout), \
                ThreadPoolExecutor(max_workers=1, thread_name_prefix="jazari-raw") as copier:
            latest = self._recover(institute, name)
            if privacy is None:
                privacy = self._recipe_policy(institute, name)
            applied = self._recipe(institute, name).get("schema")
            same_recipe = (latest is not None and (schema is None or schema.to_dict() == applied)
                           and _policy_dict(privacy) == (latest.privacy or {}).get("policy"))
            progress(0.0, "keeping the original in the raw zone")
            keep = partial(self.blobs.put_file, path, max_bytes=self.settings.upload_max_bytes)
            if latest is not None and latest.source_size == size and same_recipe:
                blob = keep()  # perhaps the same bytes again: hash before any work
                if latest.source_sha256 == blob.sha256:
                    return {
                        "dataset": ref, "version": latest.number, "unchanged": True,
                        "message": f"{source_name} is byte-identical to version {latest.number}: nothing to do",
                        "sha256": blob.sha256,
                    }
                copying = None
            else:  # copy and hash the original while the pipeline reads it
                copying = copier.submit(keep)
            number = 1 if latest is None else latest.number + 1
            if schema is None and mode == "append" and latest is not None:
                schema = self._recipe_schema(institute, name) or TableSchema.from_dict(latest.table_schema)
            if mode == "append" and latest is None:
                mode = "replace"
            staging = self.lake.staging(institute, name, job)
            plan = IngestPlan(
                data_path=self.lake.table(institute, name),
                quarantine_path=self.lake.table(institute, name, "quarantine"),
                staging=staging,
                mode=mode,
                version_number=number,
                schema=schema,
                strict=strict,
                sample_rows=self.settings.sample_rows,
                commit_metadata={"jazari.job": job, "jazari.version": str(number)},
                privacy_policy=privacy,
                privacy_key=self.settings.pseudonym_key(institute),
            )
            try:
                if mode == "append" and latest is not None and schema is not None:
                    existing = self.lake.dataset(plan.data_path, latest.delta_version).schema
                    arriving = output_schema(privacy, schema.to_arrow()) if privacy else schema.to_arrow()
                    check_append_schema(existing, arriving, ref)
                with self._open(path, options, members, source_name) as source:
                    outcome = run_ingest(source, plan, self.lake, progress)
                    resolved = dict(source.options)
                if copying is not None:
                    blob = copying.result()
                published = self._publish(
                    actor, institute, name, title, number, mode, outcome, resolved,
                    source_name, blob.size, blob.sha256, job, origin,
                )
            except JazariError as exc:
                self._rollback(institute, name, latest)
                if exc.context.get("file") in (str(path), path.name):
                    exc.context["file"] = source_name  # the user's name for it, not a temporary one
                raise
            except BaseException:
                self._rollback(institute, name, latest)
                raise
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        progress(1.0, "published")
        return published

    def _open(self, path: Path, options: ReadOptions, members: list[Member] | None, source_name: str) -> Source:
        """The source to read: a table's reader, or the images of an archive (kept in the files store)."""
        if members is None:
            return open_source(path, options)

        def keep(file: Path) -> str:
            return self.files.put_file(file).sha256

        return ImageArchiveSource(path, members, keep, self.limits, self.settings.tmp_dir, source_name)

    def ingest_sheets(self, actor: Actor, ref: str, path: Path, **kwargs: Any) -> list[dict[str, Any]]:
        """Every sheet of a workbook as its own dataset `institute/name-<sheet>`."""
        from jazari.datasets.names import slugify

        options: ReadOptions = kwargs.pop("options", None) or ReadOptions()
        results = []
        sheets = list_sheets(path)
        if not sheets:
            raise FileFormatError("the workbook has no sheet", file=str(path))
        for sheet in sheets:
            sheet_options = replace(options, sheet=sheet)
            results.append(
                self.ingest(actor, f"{ref}-{slugify(sheet)}", path, options=sheet_options, **kwargs)
            )
        return results

    def check_can_write(self, actor: Actor, ref: str) -> None:
        """Raise unless the actor may add a version to `ref` (before an upload is accepted)."""
        self._dataset_for(actor, *parse_ref(ref))

    def _dataset_for(self, actor: Actor, institute: str, name: str) -> Dataset | None:
        """The existing dataset (write access checked), or None when the ingest creates it."""
        with self.db.session() as session:
            dataset = session.scalar(
                select(Dataset).join(Institute).where(Institute.slug == institute, Dataset.name == name)
            )
            if dataset is not None:
                require(actor, "write", dataset)
                return dataset
            owner = session.scalar(select(Institute).where(Institute.slug == institute))
            probe = _NewDataset(f"{institute}/{name}")
            if owner is None and not actor.is_admin:
                raise NotFound(f"no institute {institute}", hint="an administrator creates institutes")
            require(actor, "write", probe)
            return None

    def _recipe(self, institute: str, name: str) -> dict[str, Any]:
        with self.db.session() as session:
            recipe = session.scalar(
                select(Dataset.recipe).join(Institute).where(Institute.slug == institute, Dataset.name == name)
            )
        return recipe or {}

    def _recipe_policy(self, institute: str, name: str) -> PrivacyPolicy | None:
        """The privacy policy kept in the dataset's recipe, applied again on every ingest."""
        policy = self._recipe(institute, name).get("privacy")
        return PrivacyPolicy.from_dict(policy, source="the dataset's recipe") if policy else None

    def _recipe_schema(self, institute: str, name: str) -> TableSchema | None:
        """The Table Schema applied to the sources (before the privacy policy)."""
        schema = self._recipe(institute, name).get("schema")
        return TableSchema.from_dict(schema) if schema else None

    def anonymize(self, actor: Actor, ref: str, policy: PrivacyPolicy,
                  progress: Progress | None = None) -> dict[str, Any]:
        """A new version: the latest version's original source again, treated by `policy`, which
        the dataset keeps for its next ingests."""
        institute, name = parse_ref(ref)
        latest = self._latest(institute, name)
        if latest is None:
            raise NotFound(f"no dataset {ref}", field="dataset")
        with self.db.session() as session:
            dataset = session.get(Dataset, latest.dataset_id)
        assert dataset is not None
        require(actor, "manage", dataset)
        if latest.mode != "replace":
            raise InputError(
                f"version {latest.number} of {ref} was appended to earlier versions: one source cannot rebuild it",
                hint="ingest its files again with --privacy policy.yaml (first --mode replace, then --mode append)",
            )
        problem = unavailable(ref, latest, self.blobs, hint="ingest the file again with --privacy policy.yaml")
        if problem is not None:
            raise problem
        options = ReadOptions(**{k: v for k, v in latest.reader_options.items() if k in ReadOptions.__dataclass_fields__})
        self.settings.tmp_dir.mkdir(parents=True, exist_ok=True)
        plain = self.settings.tmp_dir / f"source-{uuid.uuid4().hex}"  # the raw zone is encrypted
        try:
            self.blobs.decrypt_to(latest.source_sha256, plain)
            with self.db.session() as session:  # the original is read now; the publish comes later
                record(session, actor.name, "read.source", ref, version=latest.number, client=actor.client,
                       details={"sha256": latest.source_sha256, "via": actor.via, "for": "privacy.anonymize"})
            return self.ingest(actor, ref, plain, options=options, privacy=policy, source_name=latest.source_name,
                               schema=self._recipe_schema(institute, name), progress=progress)
        finally:
            plain.unlink(missing_ok=True)

    def _latest(self, institute: str, name: str) -> Version | None:
        with self.db.session() as session:
            return session.scalar(
                select(Version)
                .join(Dataset)
                .join(Institute)
                .where(Institute.slug == institute, Dataset.name == name)
                .order_by(Version.number.desc())
                .limit(1)
            )

    def _recover(self, institute: str, name: str) -> Version | None:
        """Undo lake commits of ingests that died before publishing; returns the latest version."""
        latest = self._latest(institute, name)
        self._rollback(institute, name, latest)
        self.lake.clean_staging(institute, name)
        return latest

    def _rollback(self, institute: str, name: str, latest: Version | None) -> None:
        self.lake.rollback_to(self.lake.table(institute, name), latest.delta_version if latest else None)
        quarantine = self._published_quarantine(institute, name)
        self.lake.rollback_to(self.lake.table(institute, name, "quarantine"), quarantine)

    def _published_quarantine(self, institute: str, name: str) -> int | None:
        with self.db.session() as session:
            return session.scalar(
                select(Version.quarantine_delta_version)
                .join(Dataset)
                .join(Institute)
                .where(Institute.slug == institute, Dataset.name == name,
                       Version.quarantine_delta_version.is_not(None))
                .order_by(Version.number.desc())
                .limit(1)
            )

    def _publish(
        self, actor: Actor, institute: str, name: str, title: str | None,
        number: int, mode: str, outcome: Any, options: dict[str, Any], source_name: str,
        size: int, sha256: str, job: str, origin: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """One transaction: the dataset (created if new) and its new version become visible."""
        with self.db.session() as session:
            owner = session.scalar(select(Institute).where(Institute.slug == institute))
            if owner is None:  # created by an administrator's first ingest; racing ingests may both try
                try:
                    with session.begin_nested():
                        owner = Institute(slug=institute)
                        session.add(owner)
                except IntegrityError:
                    owner = session.scalar(select(Institute).where(Institute.slug == institute))
                assert owner is not None
            row = session.scalar(select(Dataset).where(Dataset.institute_id == owner.id, Dataset.name == name))
            if row is None:
                row = Dataset(institute_id=owner.id, name=name, title=title or name,
                              access_level="institute", recipe={})
                session.add(row)
            elif title:
                row.title = title
            row.recipe = {"reader": options, "schema": outcome.schema.to_dict(), "mode": mode,
                          "privacy": outcome.privacy.get("policy")}
            session.flush()
            lowered, because = None, _why_lower(session, row, outcome.privacy.get("status"))
            if because is not None:
                lowered, row.access_level = row.access_level, "institute"  # privacy by default
            version = Version(
                dataset_id=row.id, number=number, delta_version=outcome.delta_version,
                quarantine_delta_version=outcome.quarantine_delta_version, mode=mode,
                source_name=source_name, source_size=size, source_sha256=sha256,
                reader_options=options, table_schema=outcome.published.to_dict(),
                rows_read=outcome.rows_read, rows_written=outcome.rows_written,
                rows_quarantined=outcome.rows_quarantined, rows_total=outcome.rows_total,
                profile=outcome.profile, validation=outcome.report, privacy=outcome.privacy,
                actor=actor.name, software_version=__version__, job_id=job, origin=origin,
            )
            session.add(version)
            record(session, actor.name, "publish", f"{institute}/{name}", version=number,
                   details={"mode": mode, "rows_total": outcome.rows_total, "sha256": sha256,
                            "access_lowered_from": lowered, "access_lowered_because": because})
        return {
            "dataset": f"{institute}/{name}", "version": number, "unchanged": False,
            "mode": mode, "rows_read": outcome.rows_read, "rows_written": outcome.rows_written,
            "rows_quarantined": outcome.rows_quarantined, "rows_total": outcome.rows_total,
            "sha256": sha256, "reader_options": options,
            "findings": outcome.report.get("findings", []),
            "privacy": {"status": outcome.privacy.get("status"), "message": outcome.privacy.get("message"),
                        "access_lowered_from": lowered, "access_lowered_because": because},
        }


def _why_lower(session: Session, dataset: Dataset, status: str | None) -> str | None:
    """Why a public or network dataset goes back to `institute` on publishing a version with this
    privacy status (None: it keeps its level): personal data no policy treats, or personal data
    treated but not declared in the processing register (law 09-08)."""
    if dataset.access_level not in ("public", "network") or status in (None, "clean"):
        return None
    if status == "needs_policy":
        return "personal data that no privacy policy treats"
    if not has_entry(session, dataset.id):
        return "personal data and no entry in the processing register"
    return None


def _policy_dict(policy: PrivacyPolicy | None) -> dict[str, Any] | None:
    return policy.to_dict() if policy is not None else None


class _NewDataset:
    """A dataset about to be created, for the access check (owned by its institute)."""

    def __init__(self, ref: str) -> None:
        self.ref = ref
        self.access_level = "institute"

