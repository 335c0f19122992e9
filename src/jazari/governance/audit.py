"""The audit log: who read or changed what, append-only and hash-chained (DESIGN rule 2).

Each event's hash is SHA-256 over a canonical JSON of its fields and the previous event's hash,
so changing, deleting or reordering an event breaks the chain at that event: `verify` finds it.
`record` writes in the caller's session, so the event commits or rolls back with what it records.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from jazari.store.database import Base, UTCDateTime, utcnow

GENESIS = "0" * 64
_PG_LOCK = 0x4A415A41  # one advisory lock, held until the writer's transaction ends
_RETRIES = 5


class AuditEvent(Base):
    """One audited access or change."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(320), index=True)
    action: Mapped[str] = mapped_column(String(40))
    resource: Mapped[str] = mapped_column(String(300), index=True)
    version: Mapped[int | None] = mapped_column(Integer)
    purpose: Mapped[str | None] = mapped_column(String(500))
    client: Mapped[str | None] = mapped_column(String(100))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def to_dict(self) -> dict[str, Any]:
        """The event as every interface shows it."""
        return {**_fields(self), "hash": self.hash}


def _fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": event.actor,
        "action": event.action,
        "resource": event.resource,
        "version": event.version,
        "purpose": event.purpose,
        "client": event.client,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }


def event_hash(event: AuditEvent) -> str:
    """SHA-256 over the canonical JSON of the event's fields, its previous hash included."""
    canonical = json.dumps(_fields(event), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _lock_chain(session: Session) -> None:
    """Make this transaction the only writer of the chain until it ends."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
    else:  # SQLite: a write takes the database's write lock, held until commit or rollback
        session.execute(text("UPDATE audit_events SET seq = seq WHERE id < 0"))


def record(
    session: Session, actor: str, action: str, resource: str, *, version: int | None = None,
    purpose: str | None = None, client: str | None = None, details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an event to the chain, in the caller's transaction."""
    details = json.loads(json.dumps(details or {}, default=str))  # exactly what the database gives back
    for attempt in range(_RETRIES):
        _lock_chain(session)
        last = session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1).with_for_update())
        event = AuditEvent(
            seq=(last.seq + 1) if last else 1, at=utcnow(), actor=actor, action=action, resource=resource,
            version=version, purpose=purpose, client=client, details=details,
            prev_hash=last.hash if last else GENESIS,
        )
        event.hash = event_hash(event)
        try:
            with session.begin_nested():
                session.add(event)
        except IntegrityError:  # another writer took this seq: read the new head and try again
            if attempt == _RETRIES - 1:
                raise
            continue
        return event
    raise AssertionError("unreachable")


def verify(session: Session) -> dict[str, Any]:
    """Recompute the chain; report the first broken seq (changed, deleted or reordered events)."""
    previous, expected, count = GENESIS, 1, 0
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).yield_per(1000):
        count += 1
        reason = None
        if event.seq != expected:
            reason = f"event {expected} is missing" if event.seq > expected else "sequence out of order"
        elif event.prev_hash != previous:
            reason = "previous hash does not match the chain"
        elif event_hash(event) != event.hash:
            reason = "content does not match its hash"
        if reason:
            return {"ok": False, "events": count - 1, "broken_seq": expected, "reason": reason,
                    "head": previous}
        previous, expected = event.hash, expected + 1
    return {"ok": True, "events": count, "broken_seq": None, "reason": None, "head": previous}


def events(
    session: Session, *, resource: str | None = None, actor: str | None = None, limit: int = 100,
) -> list[dict[str, Any]]:
    """The newest events first, optionally of one resource or one actor."""
    query = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(limit)
    if resource is not None:
        query = query.where(AuditEvent.resource == resource)
    if actor is not None:
        query = query.where(AuditEvent.actor == actor)
    return [e.to_dict() for e in session.scalars(query)]
