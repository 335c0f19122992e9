"""Retention of the raw zone: originals are purged once every version made from them is past its
retention, and versions past their processing-register retention are flagged for stewards.

A version's retention is its dataset's register entry `retention_days`, or JAZARI_RAW_RETENTION_DAYS
without an entry; it counts from the version's publication. An original (one SHA-256, perhaps shared
by versions of several datasets) is purged when the last of them expires: the versions are marked
`source_purged_at` and a `retention.purge` event is audited per dataset, in one transaction, then
the file is removed. An original written or reused (an ingest of the same bytes) within the last day
waits for the next run, so an ingest in progress keeps it. Files no version refers to (a failed
ingest) go once older than the default retention, and originals written before the raw zone was
encrypted are encrypted on the way. Plaintext leftovers in the node's tmp folder (uploads, decrypted
originals of interrupted runs) go once older than a day.
The published versions themselves are never deleted here: a steward decides (`flagged`).
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jazari.datasets.models import Dataset, Version
from jazari.errors import Forbidden
from jazari.governance.access import can_on_platform
from jazari.governance.actors import Actor
from jazari.governance.audit import record
from jazari.governance.models import Institute
from jazari.governance.register import can_view, retention_days
from jazari.settings import Settings
from jazari.store.blobs import BlobStore
from jazari.store.database import Database, utcnow

log = logging.getLogger(__name__)
SCHEDULER = Actor(name="system:retention", kind="operator", is_admin=True, via="scheduler")
GRACE = timedelta(days=1)  # an original written or reused (a new ingest of the same bytes) this recently stays


def _busy(raw: BlobStore, sha256: str, now: datetime) -> bool:
    """Whether an ingest may be using the original now (it was written or reused within GRACE)."""
    try:
        return raw.path(sha256).stat().st_mtime > (now - GRACE).timestamp()
    except FileNotFoundError:
        return False


def remove_tmp_leftovers(tmp_dir: Path, now: datetime, *, always: tuple[str, ...] = ()) -> int:
    """Remove the files an upload or a decrypted original left in `tmp_dir` (plaintext outside the
    encrypted raw zone) once older than GRACE, and those whose name starts with one of `always`."""
    limit = (now - GRACE).timestamp()
    removed = 0
    try:
        entries = list(tmp_dir.iterdir())
    except FileNotFoundError:
        return 0
    for entry in entries:
        try:
            if entry.is_file() and (entry.name.startswith(always) or entry.stat().st_mtime <= limit):
                entry.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # removed meanwhile (its ingest finished)
    return removed


def _rows(session: Session) -> list[tuple[Version, Dataset]]:
    return list(session.execute(select(Version, Dataset).join(Dataset, Dataset.id == Version.dataset_id)
                                .join(Institute).order_by(Institute.slug, Dataset.name, Version.number)))


def _expiry(version: Version, days: int) -> datetime:
    return version.created_at + timedelta(days=days)


def run(db: Database, raw: BlobStore, settings: Settings, actor: Actor, now: datetime | None = None) -> dict[str, Any]:
    """Purge the originals past retention (administrators); returns counts and the flagged versions."""
    if not can_on_platform(actor, "administer"):
        raise Forbidden(f"{actor.name} may not run retention", hint="an administrator can; "
                        "`jazari retention status` lists your versions past retention")
    now = now or utcnow()
    encrypted = raw.seal_plaintext()
    with db.session() as session:
        days, rows = retention_days(session), _rows(session)
    by_blob: dict[str, list[tuple[Version, Dataset]]] = defaultdict(list)
    for version, dataset in rows:
        by_blob[version.source_sha256].append((version, dataset))
    purged: list[dict[str, Any]] = []
    leftovers = 0
    for sha256, users in by_blob.items():
        if _busy(raw, sha256, now):
            continue
        if all(v.source_purged_at is not None for v, _ in users):
            leftovers += raw.delete(sha256)  # marked purged but still on disk (a crash after the commit)
        elif max(_expiry(v, days.get(d.id, settings.raw_retention_days)) for v, d in users) <= now:
            done = _purge(db, raw, settings, actor, sha256, now)
            if done is not None:
                purged.append(done)
    orphans = _remove_orphans(db, raw, settings, actor, set(by_blob), now)
    tmp = remove_tmp_leftovers(settings.tmp_dir, now)
    with db.session() as session:
        days, rows = retention_days(session), _rows(session)  # as they are after the purge
    return {
        "ran_at": now.isoformat(),
        "purged": len(purged),
        "purged_bytes": sum(p["size"] for p in purged),
        "versions_purged": sum(len(p["versions"]) for p in purged),
        "sources": purged,
        "orphans_removed": orphans,
        "leftovers_removed": leftovers,
        "tmp_removed": tmp,
        "encrypted_legacy": encrypted,
        "flagged": _flagged(rows, days, now),
    }


def _purge(db: Database, raw: BlobStore, settings: Settings, actor: Actor, sha256: str,
           now: datetime) -> dict[str, Any] | None:
    """Mark every version of one original purged and audit it, then remove the file; None when a
    version published meanwhile keeps it."""
    with db.session() as session:
        days = retention_days(session)
        users = session.execute(select(Version, Dataset).join(Dataset, Dataset.id == Version.dataset_id)
                                .where(Version.source_sha256 == sha256)).all()
        if any(_expiry(v, days.get(d.id, settings.raw_retention_days)) > now for v, d in users):
            return None
        live = [(v, d) for v, d in users if v.source_purged_at is None]
        if not live:  # another run purged it
            raw.delete(sha256)
            return None
        session.execute(update(Version).where(Version.id.in_([v.id for v, _ in live])).values(source_purged_at=now))
        per_dataset: dict[str, list[int]] = defaultdict(list)
        for version, dataset in live:
            per_dataset[dataset.ref].append(version.number)
        for ref, numbers in per_dataset.items():
            record(session, actor.name, "retention.purge", ref, version=max(numbers), client=actor.client,
                   details={"sha256": sha256, "versions": sorted(numbers), "via": actor.via})
        size = live[0][0].source_size
    raw.delete(sha256)
    return {"sha256": sha256, "size": size, "datasets": sorted(per_dataset),
            "versions": [{"dataset": d.ref, "version": v.number} for v, d in live]}


def _remove_orphans(db: Database, raw: BlobStore, settings: Settings, actor: Actor, referenced: set[str],
                    now: datetime) -> int:
    """Remove originals no version refers to, untouched for the default retention."""
    limit = (now - timedelta(days=settings.raw_retention_days)).timestamp()
    removed = 0
    for sha256 in list(raw.stored()):
        if sha256 in referenced or raw.path(sha256).stat().st_mtime > limit:
            continue
        with db.session() as session:
            if session.scalar(select(Version.id).where(Version.source_sha256 == sha256).limit(1)) is not None:
                continue  # published meanwhile
            record(session, actor.name, "retention.purge", "raw", client=actor.client,
                   details={"sha256": sha256, "reason": "no version refers to it", "via": actor.via})
        removed += raw.delete(sha256)
    return removed


def _flagged(rows: list[tuple[Version, Dataset]], days: dict[int, int], now: datetime,
             actor: Actor | None = None) -> list[dict[str, Any]]:
    """Versions of datasets with a register entry that are past its retention."""
    flagged = []
    for version, dataset in rows:
        if dataset.id not in days or (actor is not None and not can_view(actor, dataset)):
            continue
        expires = _expiry(version, days[dataset.id])
        if expires <= now:
            flagged.append({
                "dataset": dataset.ref, "version": version.number, "created_at": version.created_at.isoformat(),
                "retention_days": days[dataset.id], "expired_since": expires.isoformat(),
                "source_purged": version.source_purged_at is not None,
            })
    return flagged


def status(db: Database, settings: Settings, actor: Actor, now: datetime | None = None) -> dict[str, Any]:
    """The versions past their register retention in the datasets the actor manages."""
    now = now or utcnow()
    with db.session() as session:
        days, rows = retention_days(session), _rows(session)
    return {"checked_at": now.isoformat(), "raw_retention_days": settings.raw_retention_days,
            "flagged": _flagged(rows, days, now, actor)}


class RetentionScheduler:
    """Runs `tick` at start and then every `interval_hours` on a daemon thread, until `stop`."""

    def __init__(self, tick: Callable[[], dict[str, Any]], interval_hours: float) -> None:
        self._run = tick
        self.interval = interval_hours * 3600
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last: dict[str, Any] | None = None

    def tick(self) -> dict[str, Any] | None:
        """One retention run; a failure is logged, never raised (the next tick tries again)."""
        try:
            self.last = self._run()
        except Exception:
            log.exception("retention run failed")
            self.last = {"failed_at": datetime.now(UTC).isoformat()}
            return None
        log.info("retention: %s originals purged", self.last.get("purged"))
        return self.last

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.tick()
            if self._stop.wait(self.interval):
                return

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="jazari-retention")
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread; a run in progress finishes first (up to `timeout` seconds)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
