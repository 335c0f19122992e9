"""Jazari: the composition root. Built from Settings; holds the services; no module-level state."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from jazari.catalog import metadata as catalog_metadata
from jazari.catalog import search as catalog_search
from jazari.datasets import retention
from jazari.datasets.ingest import Ingestor, Progress
from jazari.datasets.retention import RetentionScheduler
from jazari.datasets.service import DatasetService
from jazari.datasets.sources import SourceService
from jazari.errors import Forbidden, NotFound
from jazari.factory.readers import ReadOptions
from jazari.factory.schema import TableSchema
from jazari.governance import audit
from jazari.governance.access import can_on_platform
from jazari.governance.accounts import AccountService
from jazari.governance.actors import Actor
from jazari.governance.grants import AccessService
from jazari.governance.register import RegisterService, load_entry
from jazari.privacy.policy import PrivacyPolicy
from jazari.settings import Settings, load_settings
from jazari.store.blobs import BlobStore
from jazari.store.database import Database, utcnow
from jazari.store.jobs import Job, Jobs
from jazari.store.lake import Lake


class Jazari:
    """One node's services over its database, lake and raw zone."""

    def __init__(self, settings: Settings, *, actor: Actor | None = None) -> None:
        settings.check_secrets()
        self.settings = settings
        self.actor = actor or Actor.operator()
        self.db = Database(settings.url)
        self.lake = Lake(settings.lake_dir)
        self.raw = BlobStore(settings.raw_dir, key=settings.raw_zone_key())  # encrypted at rest
        self.ingestor = Ingestor(settings, self.db, self.lake, self.raw)
        self.datasets_service = DatasetService(self.db, self.lake)
        self.datasets_service.on_change = catalog_search.reindex  # a new title is found at once
        self.accounts = AccountService(self.db, settings)
        self.register = RegisterService(self.db)
        self.sources = SourceService(self.datasets_service, self.raw)
        self.retention_scheduler = RetentionScheduler(lambda: self.retention_run(actor=retention.SCHEDULER),
                                                      settings.retention_interval_hours)
        self.access = AccessService(self.db)
        self.jobs = Jobs(self.db, settings.jobs_path, settings.redis_url)
        self.jobs.register("ingest", self._run_ingest_job)

    # set-up -----------------------------------------------------------------------------
    def init(self) -> dict[str, Any]:
        """Create or upgrade the database and the folders; idempotent."""
        for folder in (self.settings.home, self.settings.lake_dir, self.settings.raw_dir, self.settings.tmp_dir):
            folder.mkdir(parents=True, exist_ok=True)
        before, after = self.db.upgrade()
        cleaned = self.raw.clean_partial()
        # plaintext left outside the encrypted raw zone: decrypted originals, stale uploads
        tmp_removed = retention.remove_tmp_leftovers(self.settings.tmp_dir, utcnow(), always=("source-",))
        interrupted = self.jobs.fail_interrupted(self._discard_upload)
        return {
            "home": str(self.settings.home),
            "database": self.db.engine.url.render_as_string(hide_password=True),
            "revision_before": before,
            "revision": after,
            "upgraded": before != after,
            "partial_uploads_removed": cleaned,
            "tmp_removed": tmp_removed,
            "interrupted_jobs": interrupted,
        }

    def close(self) -> None:
        """Stop background workers and release the database."""
        self.retention_scheduler.stop()
        self.jobs.stop_workers()
        self.db.dispose()

    def __enter__(self) -> Jazari:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ingest ------------------------------------------------------------------------------
    def ingest(
        self,
        path: str | Path,
        dataset: str,
        *,
        title: str | None = None,
        mode: str = "replace",
        options: ReadOptions | None = None,
        schema: TableSchema | str | Path | None = None,
        strict: bool = False,
        privacy: PrivacyPolicy | str | Path | None = None,
        actor: Actor | None = None,
        progress: Progress | None = None,
        source_name: str | None = None,
    ) -> dict[str, Any]:
        """Ingest a file as a new version of `institute/name` (a privacy policy is kept for next times)."""
        if isinstance(schema, (str, Path)):
            schema = TableSchema.load(Path(schema))
        if isinstance(privacy, (str, Path)):
            privacy = PrivacyPolicy.load(Path(privacy))
        result = self.ingestor.ingest(
            actor or self.actor, dataset, Path(path), title=title, mode=mode, options=options,
            schema=schema, strict=strict, privacy=privacy, progress=progress, source_name=source_name,
        )
        return self._reindexed(result)

    def ingest_sheets(self, path: str | Path, dataset: str, *, actor: Actor | None = None,
                      **kwargs: Any) -> list[dict[str, Any]]:
        """Ingest every sheet of a workbook as `dataset-<sheet>`."""
        results = self.ingestor.ingest_sheets(actor or self.actor, dataset, Path(path), **kwargs)
        return [self._reindexed(r) for r in results]

    def anonymize(self, dataset: str, policy: PrivacyPolicy | str | Path, actor: Actor | None = None) -> dict[str, Any]:
        """Publish a new version of a dataset treated by a privacy policy (kept for later ingests)."""
        if isinstance(policy, (str, Path)):
            policy = PrivacyPolicy.load(Path(policy))
        return self._reindexed(self.ingestor.anonymize(actor or self.actor, dataset, policy))

    def _reindexed(self, result: dict[str, Any]) -> dict[str, Any]:
        """Refresh the search entry of a dataset that just published a version."""
        if not result.get("unchanged"):
            self.reindex(result["dataset"])
        return result

    def submit_ingest(self, path: Path, dataset: str, *, actor: Actor, **params: Any) -> Job:
        """Queue an ingest as a background job; poll it with `job(id)`."""
        params["actor"] = actor.to_dict()
        return self.jobs.submit("ingest", {"path": str(path), "dataset": dataset, **params}, actor.name)

    def _run_ingest_job(self, job: Job, progress: Progress) -> dict[str, Any]:
        params = dict(job.params)
        path = Path(params.pop("path"))
        try:
            dataset = params.pop("dataset")
            options = ReadOptions(**params.pop("options", {}))
            actor = Actor.from_dict(params.pop("actor")) if "actor" in params else Actor(name=job.actor)
            schema = params.pop("schema", None)
            privacy = params.pop("privacy", None)
            return self._reindexed(self.ingestor.ingest(
                actor, dataset, path, options=options, progress=progress, job_id=job.id,
                schema=TableSchema.from_dict(schema) if schema else None,
                privacy=PrivacyPolicy.from_dict(privacy, source="privacy") if privacy else None,
                **params,
            ))
        finally:
            self._discard_upload(job)

    def _discard_upload(self, job: Job) -> None:
        """Remove the uploaded file of an ingest job that is over (done, failed or interrupted)."""
        path = job.params.get("path") if job.kind == "ingest" else None
        if path and job.params.get("delete_after", True) and Path(path).parent == self.settings.tmp_dir:
            Path(path).unlink(missing_ok=True)

    def job(self, job_id: str, actor: Actor | None = None) -> dict[str, Any]:
        """Where a background job stands (its submitter and administrators may look)."""
        actor = actor or self.actor
        job = self.jobs.get(job_id)
        if not actor.is_admin and job.actor != actor.name:
            raise NotFound(f"no job {job_id}")
        return job.to_dict()

    # reading -----------------------------------------------------------------------------
    def datasets(self, actor: Actor | None = None) -> list[dict[str, Any]]:
        """The datasets the actor may see."""
        return self.datasets_service.list(actor or self.actor)

    def dataset(self, dataset: str, actor: Actor | None = None) -> dict[str, Any]:
        """One dataset's metadata."""
        return self.datasets_service.info(actor or self.actor, dataset)

    def versions(self, dataset: str, actor: Actor | None = None) -> list[dict[str, Any]]:
        """The versions of a dataset, newest first."""
        return self.datasets_service.versions(actor or self.actor, dataset)

    def version(self, dataset: str, version: int | None = None, actor: Actor | None = None) -> dict[str, Any]:
        """One version with its schema, profile, validation report and lineage."""
        return self.datasets_service.version(actor or self.actor, dataset, version)

    def load(self, dataset: str, version: int | None = None, actor: Actor | None = None) -> pa.Table:
        """A version's rows as a pyarrow.Table (`.to_pandas()`, `polars.from_arrow()`)."""
        return self.datasets_service.load(actor or self.actor, dataset, version)

    def rows(self, dataset: str, version: int | None = None, *, offset: int = 0, limit: int = 100,
             actor: Actor | None = None) -> dict[str, Any]:
        """A page of rows."""
        return self.datasets_service.rows(actor or self.actor, dataset, version, offset=offset, limit=limit)

    def quarantine(self, dataset: str, version: int | None = None, *, limit: int = 100,
                   actor: Actor | None = None) -> dict[str, Any]:
        """The rows a version set aside and why."""
        return self.datasets_service.quarantine(actor or self.actor, dataset, version, limit=limit)

    def export(self, dataset: str, output: str | Path, *, version: int | None = None, fmt: str = "parquet",
               actor: Actor | None = None) -> dict[str, Any]:
        """Write a version to a file: parquet, csv, jsonl or arrow (an Arrow IPC stream)."""
        return self.datasets_service.export(actor or self.actor, dataset, Path(output), version=version, fmt=fmt)

    def diff(self, dataset: str, a: int, b: int, actor: Actor | None = None) -> dict[str, Any]:
        """What changed between two versions."""
        return self.datasets_service.diff(actor or self.actor, dataset, a, b)

    def query(self, sql: str, *, limit: int = 1000, offset: int = 0, actor: Actor | None = None) -> dict[str, Any]:
        """Run one sandboxed SELECT over the datasets the actor may read, named in double quotes
        (`"hcp/communes"`, `"hcp/communes@3"`); a page of rows and `has_more`. Audited."""
        from jazari.catalog.query import run_query

        return run_query(self.datasets_service, actor or self.actor, sql, limit=limit, offset=offset)

    # catalog: metadata and search ---------------------------------------------------------
    def set_metadata(self, dataset: str, meta: dict[str, Any], actor: Actor | None = None) -> dict[str, Any]:
        """Replace a dataset's titles, descriptions, keywords, themes, regions, licence, source and
        contact (its stewards; audited; reindexed)."""
        return catalog_metadata.set_metadata(self.db, actor or self.actor, dataset, meta)

    def search(self, query: str | None = None, *, actor: Actor | None = None, limit: int = 10,
               **filters: str | None) -> dict[str, Any]:
        """Datasets the actor may see matching `query` in fr/ar/en/Darija, best first, with facets;
        filters: theme, region, institute, license, format, access."""
        return catalog_search.search(self.db, actor or self.actor, query, limit=limit, **filters)

    def reindex(self, dataset: str | None = None) -> dict[str, Any]:
        """Rebuild the search entry of one dataset, or of all."""
        if dataset is None:
            return {"reindexed": catalog_search.reindex_all(self.db)}
        with self.db.session() as session:
            catalog_search.reindex(session, catalog_metadata.find(session, dataset).id)
        return {"reindexed": 1}

    # access requests -------------------------------------------------------------------
    def request_access(
        self, dataset: str, *, purpose: str, intended_use: str, duration_days: int, actor: Actor | None = None,
    ) -> dict[str, Any]:
        """Ask the stewards of a dataset one may see for read access (`self.access` decides and lists)."""
        actor = actor or self.actor
        found = self.datasets_service._find(actor, dataset, "see")
        return self.access.request(actor, found, purpose=purpose, intended_use=intended_use,
                                   duration_days=duration_days)

    def grant_access(
        self, dataset: str, email: str, *, purpose: str, days: int | None = None,
        expires_at: datetime | None = None, actor: Actor | None = None,
    ) -> dict[str, Any]:
        """A steward gives a named user read access without a request (until a date or for days)."""
        actor = actor or self.actor
        found = self.datasets_service._find(actor, dataset, "manage")
        return self.access.grant(actor, found, email, purpose=purpose, days=days, expires_at=expires_at)

    # processing register, originals and retention ---------------------------------------
    def register_set(self, dataset: str, entry: dict[str, Any] | str | Path, actor: Actor | None = None) -> dict[str, Any]:
        """Create or replace a dataset's CNDP register entry (a mapping, or a JSON/YAML file)."""
        data = entry if isinstance(entry, dict) else load_entry(Path(entry))
        return self.register.set(actor or self.actor, dataset, data)

    def register_show(self, dataset: str | None = None, actor: Actor | None = None) -> dict[str, Any]:
        """A dataset's register entry; without one, the entries the actor may read and `missing`."""
        return self.register.show(actor or self.actor, dataset)

    def register_export(self, fmt: str = "csv", actor: Actor | None = None) -> str:
        """The register of the datasets the actor manages as csv, json or md text."""
        return self.register.export(actor or self.actor, fmt)

    def source(self, dataset: str, version: int | None = None, *, output: str | Path,
               actor: Actor | None = None) -> dict[str, Any]:
        """Save the original upload of a version to `output` (stewards of the owner; audited)."""
        return self.sources.save(actor or self.actor, dataset, Path(output), version)

    def retention_run(self, actor: Actor | None = None, now: datetime | None = None) -> dict[str, Any]:
        """Purge the originals past retention and list the versions past their register retention."""
        return retention.run(self.db, self.raw, self.settings, actor or self.actor, now)

    def retention_status(self, actor: Actor | None = None, now: datetime | None = None) -> dict[str, Any]:
        """The versions past their register retention in the datasets the actor manages."""
        return retention.status(self.db, self.settings, actor or self.actor, now)

    # audit -------------------------------------------------------------------------------
    def audit(self, dataset: str | None = None, actor: Actor | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Audit events, newest first: of a dataset (its stewards), or all (administrators), or
        the acting member's own."""
        return self.datasets_service.audit_log(actor or self.actor, dataset, limit=limit)

    def audit_verify(self, actor: Actor | None = None) -> dict[str, Any]:
        """Recompute the audit log's hash chain; `broken_seq` is the first event that fails."""
        actor = actor or self.actor
        if not can_on_platform(actor, "inspect"):
            raise Forbidden(f"{actor.name} may not verify the audit log", hint="an administrator can")
        with self.db.session() as session:
            return audit.verify(session)


def open(home: str | Path | None = None, **overrides: Any) -> Jazari:  # noqa: A001 - the public name
    """Open (and create or upgrade) the node in `home` (default JAZARI_HOME or ./.jazari)."""
    settings = load_settings(home=home, **overrides)
    jz = Jazari(settings)
    jz.init()
    return jz
