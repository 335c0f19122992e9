"""Jazari: the composition root. Built from Settings; holds the services; no module-level state."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa

from jazari.catalog import card as catalog_card
from jazari.catalog import datapackage as catalog_datapackage
from jazari.catalog import metadata as catalog_metadata
from jazari.catalog import search as catalog_search
from jazari.catalog import standards as catalog_standards
from jazari.collective.campaigns import CampaignService
from jazari.collective.comments import Comments
from jazari.collective.moderation import Moderation
from jazari.collective.results import Results
from jazari.collective.spec import load_spec
from jazari.collective.work import Work
from jazari.datasets import retention
from jazari.datasets.files import FileService
from jazari.datasets.ingest import Ingestor, Progress
from jazari.datasets.retention import RetentionScheduler
from jazari.datasets.service import DatasetService
from jazari.datasets.sources import SourceService
from jazari.errors import Forbidden, NotFound, Unauthenticated
from jazari.factory.readers import ReadOptions
from jazari.factory.schema import TableSchema
from jazari.factory.sniff import INFER_ROWS, sniff
from jazari.governance import audit
from jazari.governance.access import can_in_institute, can_on_platform
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
        self.files = BlobStore(settings.blobs_dir, key=settings.raw_zone_key())  # images of file datasets, too
        self.ingestor = Ingestor(settings, self.db, self.lake, self.raw, self.files)
        self.datasets_service = DatasetService(self.db, self.lake, settings.home / "locks")
        self.datasets_service.on_change = catalog_search.reindex  # a new title is found at once
        self.accounts = AccountService(self.db, settings)
        self.register = RegisterService(self.db)
        self.sources = SourceService(self.datasets_service, self.raw)
        self.file_service = FileService(self.datasets_service, self.files)
        self.retention_scheduler = RetentionScheduler(lambda: self.retention_run(actor=retention.SCHEDULER),
                                                      settings.retention_interval_hours)
        self.access = AccessService(self.db)
        self.jobs = Jobs(self.db, settings.jobs_path, settings.redis_url)
        self.jobs.register("ingest", self._run_ingest_job)
        # collective intelligence: campaigns, answers, gold data, reports and moderation
        self.campaigns_service = CampaignService(self.db, self.datasets_service)
        self.work = Work(self.campaigns_service)
        self.results = Results(self.campaigns_service, self._ingest_made, settings.tmp_dir, settings.pseudonym_key)
        self.moderation = Moderation(self.db, settings)
        self.comments_service = Comments(self.db, settings)  # the discussion under each dataset

    # set-up -----------------------------------------------------------------------------
    def init(self) -> dict[str, Any]:
        """Create or upgrade the database and the folders; idempotent."""
        for folder in (self.settings.home, self.settings.lake_dir, self.settings.raw_dir, self.settings.tmp_dir,
                       self.settings.blobs_dir):
            folder.mkdir(parents=True, exist_ok=True)
        before, after = self.db.upgrade()
        cleaned = self.raw.clean_partial() + self.files.clean_partial()
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
        self.datasets_service.close()
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

    def contributes_to(self, actor: Actor | None = None) -> list[dict[str, Any]]:
        """The institutes the actor may publish new datasets and versions in."""
        actor = actor or self.actor
        return [i for i in self.accounts.list_institutes() if can_in_institute(actor, "contribute", i["institute"])]

    def upload_targets(self, actor: Actor | None = None) -> dict[str, Any]:
        """Where the actor may upload: `institutes` (a new dataset) and `datasets` (a new version)."""
        actor = actor or self.actor
        institutes = self.contributes_to(actor)
        slugs = {i["institute"] for i in institutes}
        return {"institutes": institutes, "datasets": [d for d in self.datasets(actor) if d["institute"] in slugs]}

    def require_uploader(self, actor: Actor) -> None:
        """Raise unless the actor may publish in at least one institute (before a file is read)."""
        if not actor.signed_in:
            raise Unauthenticated("sign in to upload a file")
        if not (can_on_platform(actor, "administer") or self.contributes_to(actor)):
            raise Forbidden(f"{actor.name} may not publish in any institute",
                            hint="the contributors, stewards and admins of an institute can; ask an admin of yours")

    def sniff(
        self, path: str | Path, *, name: str | None = None, complete: bool = True, options: ReadOptions | None = None,
        schema: TableSchema | dict[str, Any] | None = None, actor: Actor | None = None,
    ) -> dict[str, Any]:
        """What an ingest of the file (or of its first bytes, `complete=False`) would detect and infer,
        with sample rows; with a `schema`, the sample values it would refuse. Nothing is kept."""
        actor = actor or self.actor
        self.require_uploader(actor)
        options = replace(options or ReadOptions(), max_cell_bytes=self.settings.max_cell_bytes)
        return sniff(Path(path), options, name=name, complete=complete, tmp_dir=self.settings.tmp_dir,
                     schema=TableSchema.from_dict(schema) if isinstance(schema, dict) else schema,
                     infer_rows=min(INFER_ROWS, self.settings.sample_rows))

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
             sort: str | None = None, descending: bool = False, filters: dict[str, str] | None = None,
             actor: Actor | None = None) -> dict[str, Any]:
        """A page of rows, in file order or sorted by the column `sort`; `filters` keeps the rows whose
        column, read as text, contains the given text (any case; all must match). `matched` counts
        them, `has_more` says another page follows."""
        return self.datasets_service.rows(actor or self.actor, dataset, version, offset=offset, limit=limit,
                                          sort=sort, descending=descending, filters=filters)

    def file(self, dataset: str, sha256: str, version: int | None = None,
             actor: Actor | None = None) -> tuple[dict[str, Any], BinaryIO]:
        """One image of a file dataset by its SHA-256, as a stream with its path, size and media type
        (those who may read the dataset; audited when not public). Close the stream."""
        return self.file_service.open(actor or self.actor, dataset, sha256, version)

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

    def search(self, query: str | None = None, *, actor: Actor | None = None, limit: int = 10, offset: int = 0,
               **filters: str | None) -> dict[str, Any]:
        """Datasets the actor may see matching `query` in fr/ar/en/Darija, best first, with facets;
        filters: theme, region, institute, license, format, access; `offset` pages on."""
        return catalog_search.search(self.db, actor or self.actor, query, limit=limit, offset=offset, **filters)

    def reindex(self, dataset: str | None = None) -> dict[str, Any]:
        """Rebuild the search entry of one dataset, or of all."""
        if dataset is None:
            return {"reindexed": catalog_search.reindex_all(self.db)}
        with self.db.session() as session:
            catalog_search.reindex(session, catalog_metadata.find(session, dataset).id)
        return {"reindexed": 1}

    # catalog: documents in open standards ------------------------------------------------
    def data_card(self, dataset: str, version: int | None = None, *, lang: str = "fr", actor: Actor | None = None,
                  base_url: str | None = None) -> str:
        """A version's data card in Markdown (fr, ar or en): its metadata, provenance and how to cite it
        to one who may see the dataset; its schema, profile, quality and personal-data treatment too
        to one who may read the version (that read is audited)."""
        actor = actor or self.actor
        catalog_card.check_language(lang)
        info = self.dataset(dataset, actor)
        history = self.versions(dataset, actor)
        summary = next((v for v in history if version is None or v["version"] == version), None)
        if summary is None:
            which = "any version" if version is None else f"version {version}"
            raise NotFound(f"{dataset} has no {which}", hint=f"`jazari versions {dataset}`", field="version")
        try:
            shown = self.version(dataset, summary["version"], actor)
        except (Forbidden, Unauthenticated):  # one who may only see it gets the metadata part
            shown = summary
        register = None
        if (shown.get("privacy") or {}).get("status") in ("treated", "needs_policy"):
            try:  # governance decides who reads the register entry (the owner's stewards)
                register = self.register.show(actor, dataset)
            except (Forbidden, NotFound, Unauthenticated):
                register = None
        return catalog_card.data_card(
            info, shown, history=history, institute=self.accounts.institute(info["institute"]), register=register,
            base_url=base_url or self.settings.base_url, publisher=self.settings.node_name, lang=lang)

    def datapackage(self, dataset: str, version: int | None = None, *, actor: Actor | None = None,
                    base_url: str | None = None) -> dict[str, Any]:
        """A version as a Frictionless tabular Data Package: its metadata and its Parquet and CSV
        downloads with their Table Schema, size and SHA-256 (those who may read it; audited)."""
        actor = actor or self.actor
        full = self.datasets_service.version(actor, dataset, version, digests=True)
        info = self.dataset(dataset, actor)
        return catalog_datapackage.datapackage(info, full, base_url or self.settings.base_url,
                                               institute=self.accounts.institute(info["institute"]))

    def croissant(self, dataset: str, version: int | None = None, *, actor: Actor | None = None,
                  base_url: str | None = None) -> dict[str, Any]:
        """A version in Croissant 1.0 (JSON-LD), its Parquet download with its SHA-256 (those who may
        read it; audited)."""
        actor = actor or self.actor
        full = self.datasets_service.version(actor, dataset, version, digests=True)
        return catalog_standards.croissant(self.dataset(dataset, actor), full, base_url or self.settings.base_url)

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

    # collective intelligence: campaigns ------------------------------------------------------
    def _ingest_made(self, actor: Actor, dataset: str, path: Path, **kwargs: Any) -> dict[str, Any]:
        """Ingest a file Jazari made (gold data, raw answers), with its origin in the lineage."""
        return self._reindexed(self.ingestor.ingest(actor, dataset, path, **kwargs))

    def create_campaign(self, spec: dict[str, Any] | str | Path, actor: Actor | None = None) -> dict[str, Any]:
        """A campaign over a dataset version (a mapping, or a YAML/JSON file); the owner's stewards."""
        data = spec if isinstance(spec, dict) else load_spec(Path(spec))
        return self.campaigns_service.create(actor or self.actor, data)

    def campaigns(self, *, manage: bool = False, actor: Actor | None = None) -> list[dict[str, Any]]:
        """The campaigns the actor may contribute to (with `manage`: those they follow as steward)."""
        return self.campaigns_service.list(actor or self.actor, manage=manage)

    def campaign(self, campaign_id: int, actor: Actor | None = None) -> dict[str, Any]:
        """A campaign as its contributors see it (task, labels, instructions) and one's own progress."""
        return self.campaigns_service.get(actor or self.actor, campaign_id)

    def campaign_status(self, campaign_id: int, actor: Actor | None = None) -> dict[str, Any]:
        """Progress, agreement, label distribution, reliability and spammers (the owner's stewards)."""
        return self.campaigns_service.status(actor or self.actor, campaign_id)

    def campaign_set_status(self, campaign_id: int, status: str, actor: Actor | None = None) -> dict[str, Any]:
        """Open, pause or close a campaign."""
        return self.campaigns_service.set_status(actor or self.actor, campaign_id, status)

    def campaign_next(self, campaign_id: int, *, skip: list[int] | None = None,
                      actor: Actor | None = None) -> dict[str, Any]:
        """The next item for the actor to answer (`item` None when none is left)."""
        return self.work.next(actor or self.actor, campaign_id, skip)

    def campaign_answer(self, campaign_id: int, item: int, value: Any, answer_id: str, *,
                        seconds: float | None = None, credit: str | None = None,
                        actor: Actor | None = None) -> dict[str, Any]:
        """Answer an item; the same `answer_id` again counts once. `credit` is the name the
        contributor agrees to be credited under."""
        return self.work.answer(actor or self.actor, campaign_id, item, value, answer_id, seconds=seconds,
                                credit=credit)

    def campaign_aggregate(self, campaign_id: int, method: str = "dawid_skene", *, limit: int = 100,
                           actor: Actor | None = None) -> dict[str, Any]:
        """The aggregated answers by a crowd-kit method (translations: by validation votes)."""
        return self.results.aggregate(actor or self.actor, campaign_id, method, limit=limit)

    def campaign_publish(self, campaign_id: int, dataset: str, method: str = "dawid_skene", *,
                         answers_dataset: str | None = None, actor: Actor | None = None) -> dict[str, Any]:
        """Publish the gold data as a new version of `dataset` and the raw answers (pseudonymised)."""
        return self.results.publish(actor or self.actor, campaign_id, dataset, method,
                                    answers_dataset=answers_dataset)

    # collective intelligence: reports and moderation -------------------------------------------
    def report(self, kind: str, ref: str, reason: str, *, note: str | None = None, locale: str | None = None,
               actor: Actor | None = None) -> dict[str, Any]:
        """Report a dataset, a description, a campaign item or image, or a comment (its number), with a reason."""
        return self.moderation.report(actor or self.actor, kind, ref, reason, note, locale)

    def reports(self, *, mine: bool = False, include_decided: bool = False,
                actor: Actor | None = None) -> list[dict[str, Any]]:
        """The moderation queue of the actor (hidden content first), or with `mine` their own reports."""
        return self.moderation.queue(actor or self.actor, mine=mine, include_decided=include_decided)

    def moderate(self, content_id: int, decision: str, reason: str, actor: Actor | None = None) -> dict[str, Any]:
        """Restore or remove reported content, with a reason the owner reads."""
        return self.moderation.decide(actor or self.actor, content_id, decision, reason)

    def appeal(self, content_id: int, text: str, actor: Actor | None = None) -> dict[str, Any]:
        """The owner appeals a removal, once."""
        return self.moderation.appeal(actor or self.actor, content_id, text)

    def notifications(self, actor: Actor | None = None) -> list[dict[str, Any]]:
        """What the actor was told (moderation decisions, appeals), newest first."""
        return self.moderation.notifications(actor or self.actor)

    # the discussion under a dataset ----------------------------------------------------------
    def comments(self, dataset: str, *, offset: int = 0, limit: int = 50,
                 actor: Actor | None = None) -> dict[str, Any]:
        """A page of a dataset's discussion: threads oldest first, replies under their comment."""
        return self.comments_service.list(actor or self.actor, dataset, offset=offset, limit=limit)

    def comment(self, dataset: str, body: str, *, reply_to: int | str | None = None,
                actor: Actor | None = None) -> dict[str, Any]:
        """Post a comment under a dataset (or a reply to one of its comments)."""
        return self.comments_service.post(actor or self.actor, dataset, body, reply_to)

    def comment_edit(self, dataset: str, comment_id: int, body: str, actor: Actor | None = None) -> dict[str, Any]:
        """Change the text of one's own comment."""
        return self.comments_service.edit(actor or self.actor, dataset, comment_id, body)

    def comment_delete(self, dataset: str, comment_id: int, actor: Actor | None = None) -> dict[str, Any]:
        """Delete a comment (its author, or a moderator of the dataset): a tombstone keeps its replies."""
        return self.comments_service.delete(actor or self.actor, dataset, comment_id)


def open(home: str | Path | None = None, **overrides: Any) -> Jazari:  # noqa: A001 - the public name
    """Open (and create or upgrade) the node in `home` (default JAZARI_HOME or ./.jazari)."""
    settings = load_settings(home=home, **overrides)
    jz = Jazari(settings)
    jz.init()
    return jz
