"""Background work: a durable record of each job (status, progress, result) in the database,
run by a Huey queue (SQLite in the embedded default, Redis on a server)."""

from __future__ import annotations

import logging
import threading
import traceback
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from huey import RedisHuey, SqliteHuey
from huey.api import Huey
from huey.consumer import Consumer
from sqlalchemy import JSON, Float, String, Text, select, update
from sqlalchemy.orm import Mapped, mapped_column

from jazari.errors import JazariError, NotFound
from jazari.store.database import Base, Database, UTCDateTime, utcnow

log = logging.getLogger(__name__)

STATUSES = ("queued", "running", "succeeded", "failed")


class Job(Base):
    """One piece of background work and where it stands."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str | None] = mapped_column(Text)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def to_dict(self) -> dict[str, Any]:
        """The job as the API and CLI show it."""
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "progress": round(self.progress, 4),
            "message": self.message,
            "result": self.result,
            "error": self.error,
            "actor": self.actor,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


class Jobs:
    """Create, follow and run jobs. Handlers are registered by kind by the composition root."""

    def __init__(self, db: Database, jobs_path: Path, redis_url: str | None = None) -> None:
        self.db = db
        self.handlers: dict[str, Callable[[Job, Callable[[float, str], None]], dict[str, Any]]] = {}
        if redis_url:
            self.huey: Huey = RedisHuey("jazari", url=redis_url)
        else:
            jobs_path.parent.mkdir(parents=True, exist_ok=True)
            self.huey = SqliteHuey("jazari", filename=str(jobs_path))
        self._task = self.huey.task(name="jazari.run_job")(self.run)
        self._consumer: Consumer | None = None

    def register(self, kind: str, handler: Callable[..., dict[str, Any]]) -> None:
        """Say which function runs jobs of a kind: handler(job, progress) -> result."""
        self.handlers[kind] = handler

    def submit(self, kind: str, params: dict[str, Any], actor: str) -> Job:
        """Record a job and put it on the queue."""
        job = Job(id=str(uuid.uuid4()), kind=kind, status="queued", progress=0.0, params=params, actor=actor)
        with self.db.session() as session:
            session.add(job)
        self._task(job.id)
        return job

    def get(self, job_id: str) -> Job:
        """The job with this id."""
        with self.db.session() as session:
            job = session.get(Job, job_id)
            if job is None:
                raise NotFound(f"no job {job_id}")
            return job

    def progress(self, job_id: str, fraction: float, message: str) -> None:
        """Record how far a job has come."""
        with self.db.session() as session:
            session.execute(
                update(Job).where(Job.id == job_id).values(progress=max(0.0, min(1.0, fraction)), message=message)
            )

    def run(self, job_id: str) -> None:
        """Run one job now, in this thread, recording its outcome."""
        job = self.get(job_id)
        if job.status != "queued":
            return
        with self.db.session() as session:
            session.execute(update(Job).where(Job.id == job_id).values(status="running", message="started"))
        handler = self.handlers.get(job.kind)
        try:
            if handler is None:
                raise NotFound(f"no handler for jobs of kind {job.kind!r}")
            result = handler(job, lambda f, m: self.progress(job_id, f, m))
            values: dict[str, Any] = {"status": "succeeded", "progress": 1.0, "result": result, "message": "done"}
        except JazariError as exc:
            values = {"status": "failed", "error": exc.to_dict()["error"], "message": str(exc)}
        except Exception as exc:  # a bug: keep the traceback for the operator
            log.exception("job %s failed", job_id)
            error = {"code": "internal", "message": str(exc), "hint": None, "context": {}}
            error["context"]["traceback"] = traceback.format_exc(limit=5)
            values = {"status": "failed", "error": error, "message": str(exc)}
        with self.db.session() as session:
            session.execute(update(Job).where(Job.id == job_id).values(**values))

    def fail_interrupted(self, cleanup: Callable[[Job], None] | None = None) -> int:
        """Mark jobs left running by a stopped process as failed, then give each to `cleanup` (to
        remove what it left behind); returns how many."""
        with self.db.session() as session:
            jobs = session.scalars(select(Job).where(Job.status == "running")).all()
            ids = [job.id for job in jobs]
            session.execute(
                update(Job)
                .where(Job.id.in_(ids))
                .values(status="failed", message="interrupted: the server stopped during this job",
                        error={"code": "interrupted", "message": "the server stopped during this job",
                               "hint": "submit it again", "context": {}})
            )
        for job in jobs if cleanup is not None else ():
            cleanup(job)
        return len(ids)

    def start_workers(self, workers: int = 2) -> None:
        """Run queued jobs in background threads of this process (the embedded default)."""
        if self._consumer is not None:
            return
        consumer = _ThreadConsumer(self.huey, workers=workers, worker_type="thread", periodic=False)
        self._consumer = consumer
        threading.Thread(target=consumer.start, daemon=True, name="jazari-jobs").start()

    def stop_workers(self) -> None:
        """Stop the background threads started by start_workers."""
        if self._consumer is not None:
            self._consumer.stop(graceful=True)
            self._consumer = None


class _ThreadConsumer(Consumer):
    """A Huey consumer that can live in a thread: no signal handlers."""

    def _set_signal_handlers(self) -> None:
        return None
