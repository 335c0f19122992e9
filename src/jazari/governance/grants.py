"""Access requests and grants: a member asks for a dataset (purpose, intended use, duration); the
owning institute's stewards approve it with an expiry or refuse it with a reason; a grant lapses by
itself at its expiry and can be revoked. Who may decide is asked of `access.can` (DESIGN rule 2)
and every change of rights is audited in the transaction that makes it.

Datasets are read by table (the datasets package sits above this one): `Target` carries what
access is decided on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jazari.errors import Conflict, Forbidden, InputError, NotFound, Unauthenticated
from jazari.governance.access import Guarded, can, can_in_institute, can_on_platform
from jazari.governance.accounts import normalise_email
from jazari.governance.actors import Actor
from jazari.governance.audit import record
from jazari.governance.models import AccessRequest, Grant, Institute, User
from jazari.store.database import Base, Database, utcnow

STATUSES = ("pending", "approved", "refused", "withdrawn")
MAX_DAYS = 730  # two years: the longest a request may ask for and a grant may last
MAX_PURPOSE = 500  # the purpose is written into every audit event of a read through the grant
MAX_TEXT = 2000


@dataclass(frozen=True)
class Target:
    """A dataset as access is decided on it: id, `institute/name`, level and listing."""

    id: int
    ref: str
    access_level: str
    unlisted: bool

    @property
    def institute(self) -> str:
        return self.ref.split("/", 1)[0]


class Requested(Guarded, Protocol):
    """A dataset as the caller resolved it: what access is decided on, and its id."""

    @property
    def id(self) -> int: ...


def _text(value: str | None, field: str, limit: int, *, required: bool) -> str | None:
    """A stripped text of at most `limit` characters (None when optional and empty)."""
    value = (value or "").strip()
    if not value:
        if required:
            raise InputError(f"{field.replace('_', ' ')} is required", field=field)
        return None
    if len(value) > limit:
        raise InputError(f"{field.replace('_', ' ')} has {len(value)} characters; at most {limit}", field=field)
    return value


def _days(value: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DAYS:
        raise InputError(f"{field.replace('_', ' ')} must be a whole number of days from 1 to {MAX_DAYS}",
                         field=field)
    return value


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def grant_state(grant: Grant, now: datetime) -> str:
    """active, expired or revoked: the same rule `AccountService.actor_for` applies."""
    if grant.revoked_at is not None:
        return "revoked"
    return "active" if grant.expires_at > now else "expired"


class AccessService:
    """Requests for access to datasets, their decisions, and the grants they give."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # targets -------------------------------------------------------------------------------
    @staticmethod
    def _targets(session: Session, dataset_ids: set[int]) -> dict[int, Target]:
        """The datasets of these ids, read by table."""
        if not dataset_ids:
            return {}
        table = Base.metadata.tables["datasets"]
        rows = session.execute(
            select(table.c.id, Institute.slug, table.c.name, table.c.access_level, table.c.unlisted)
            .join(Institute, Institute.id == table.c.institute_id).where(table.c.id.in_(dataset_ids))
        )
        return {i: Target(i, f"{slug}/{name}", level, bool(unlisted)) for i, slug, name, level, unlisted in rows}

    def _target(self, session: Session, dataset_id: int) -> Target:
        return self._targets(session, {dataset_id})[dataset_id]

    @staticmethod
    def _may_look(actor: Actor, owner_id: int, target: Target) -> bool:
        """The requester or grantee, the owner's stewards and platform admins may look at a
        request or a grant; the others are told it does not exist."""
        return (actor.user_id is not None and actor.user_id == owner_id) or can(actor, "review", target)

    @staticmethod
    def _require_write(actor: Actor, what: str) -> None:
        if not actor.signed_in:
            raise Unauthenticated(f"sign in to {what}")
        if "write" not in actor.scopes:
            raise Forbidden(f"this token may only read; it cannot {what} without the write scope")

    def _require_decider(self, actor: Actor, request: AccessRequest, target: Target) -> None:
        if can(actor, "manage", target):
            return
        if not self._may_look(actor, request.user_id, target):
            raise NotFound(f"no access request {request.id}", field="request")
        self._require_write(actor, "decide a request")
        raise Forbidden(f"{actor.name} may not decide requests for {target.ref}",
                        hint=f"a steward of {target.institute} can")

    def _pending(self, session: Session, actor: Actor, request_id: int) -> tuple[AccessRequest, Target]:
        """A request still pending when read (`_decide` makes sure it still is when changed)."""
        request = session.get(AccessRequest, request_id)
        if request is None:
            raise NotFound(f"no access request {request_id}", hint="`jazari access requests`", field="request")
        target = self._target(session, request.dataset_id)
        if request.status != "pending" and self._may_look(actor, request.user_id, target):
            raise Conflict(f"access request {request_id} is {request.status} already", field="request")
        return request, target

    @staticmethod
    def _decide(session: Session, request: AccessRequest, status: str, actor: Actor, reason: str | None) -> None:
        """Move a request out of pending only if it still is: of concurrent decisions one wins, the
        others get Conflict (a conditional UPDATE: SQLite ignores row locks)."""
        changed = session.execute(
            update(AccessRequest).where(AccessRequest.id == request.id, AccessRequest.status == "pending")
            .values(status=status, reason=reason, decided_by=actor.name, decided_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict(f"access request {request.id} was decided meanwhile", field="request")
        session.refresh(request)

    # dicts ---------------------------------------------------------------------------------
    def _request_dicts(self, session: Session, requests: list[AccessRequest]) -> list[dict[str, Any]]:
        targets = self._targets(session, {r.dataset_id for r in requests})
        granted = dict(session.execute(
            select(Grant.request_id, Grant.id).where(Grant.request_id.in_([r.id for r in requests]))
        ).all()) if requests else {}
        return [{
            "id": r.id, "dataset": targets[r.dataset_id].ref,
            "requester": {"email": r.user.email, "name": r.user.name},
            "purpose": r.purpose, "intended_use": r.intended_use, "duration_days": r.duration_days,
            "status": r.status, "reason": r.reason, "decided_by": r.decided_by, "decided_at": _iso(r.decided_at),
            "created_at": _iso(r.created_at), "grant": granted.get(r.id),
        } for r in requests]

    def _grant_dicts(self, session: Session, grants: list[Grant], now: datetime) -> list[dict[str, Any]]:
        targets = self._targets(session, {g.dataset_id for g in grants})
        return [{
            "id": g.id, "dataset": targets[g.dataset_id].ref, "grantee": {"email": g.user.email, "name": g.user.name},
            "purpose": g.purpose, "granted_by": g.granted_by, "created_at": _iso(g.created_at),
            "expires_at": _iso(g.expires_at), "revoked_at": _iso(g.revoked_at), "revoked_by": g.revoked_by,
            "revoke_reason": g.revoke_reason, "state": grant_state(g, now),
        } for g in grants]

    # asking --------------------------------------------------------------------------------
    def request(
        self, actor: Actor, dataset: Requested, *, purpose: str, intended_use: str, duration_days: int,
    ) -> dict[str, Any]:
        """Ask for read access to a dataset the actor may see (the caller checked "see")."""
        if actor.user_id is None:
            if not actor.signed_in:
                raise Unauthenticated(f"sign in to request access to {dataset.ref}")
            raise Forbidden("only a user account can request access", hint="use --as EMAIL")
        self._require_write(actor, "request access")
        purpose_text = _text(purpose, "purpose", MAX_PURPOSE, required=True)
        use_text = _text(intended_use, "intended_use", MAX_TEXT, required=True)
        days = _days(duration_days, "duration_days")
        if can(actor, "read", dataset):
            raise Conflict(f"{actor.name} may read {dataset.ref} already", field="dataset")
        dataset_id = dataset.id
        with self.db.session() as session:
            pending = session.scalar(select(AccessRequest.id).where(
                AccessRequest.dataset_id == dataset_id, AccessRequest.user_id == actor.user_id,
                AccessRequest.status == "pending"))
            if pending is not None:
                raise Conflict(f"your request {pending} for {dataset.ref} is pending already",
                               hint=f"`jazari access withdraw {pending}` to replace it", field="dataset")
            request = AccessRequest(dataset_id=dataset_id, user_id=actor.user_id, purpose=purpose_text,
                                    intended_use=use_text, duration_days=days, status="pending")
            session.add(request)
            _flush(session, f"you have a pending request for {dataset.ref} already", "dataset")
            record(session, actor.name, "access.request", dataset.ref, client=actor.client,
                   details={"request": request.id, "user": actor.name, "duration_days": days})
            return self._request_dicts(session, [request])[0]

    def withdraw(self, actor: Actor, request_id: int) -> dict[str, Any]:
        """The requester withdraws a pending request."""
        self._require_write(actor, "withdraw a request")
        with self.db.session() as session:
            request, target = self._pending(session, actor, request_id)
            if actor.user_id is None or request.user_id != actor.user_id:
                if not self._may_look(actor, request.user_id, target):
                    raise NotFound(f"no access request {request_id}", field="request")
                raise Forbidden("only the requester can withdraw a request", hint="stewards refuse it instead")
            self._decide(session, request, "withdrawn", actor, None)
            record(session, actor.name, "access.withdraw", target.ref, client=actor.client,
                   details={"request": request.id, "user": request.user.email})
            return self._request_dicts(session, [request])[0]

    # deciding ------------------------------------------------------------------------------
    def approve(
        self, actor: Actor, request_id: int, *, expires_at: datetime | None = None, days: int | None = None,
        note: str | None = None,
    ) -> dict[str, Any]:
        """Grant a pending request until `expires_at`, or for `days`, or by default for the duration
        asked; at most two years from now. The grant's purpose is the request's."""
        note_text = _text(note, "note", MAX_TEXT, required=False)
        with self.db.session() as session:
            request, target = self._pending(session, actor, request_id)
            self._require_decider(actor, request, target)
            now = utcnow()
            until = _expiry(now, expires_at, days, request.duration_days)
            self._decide(session, request, "approved", actor, note_text)
            grant = Grant(dataset_id=request.dataset_id, user_id=request.user_id, request_id=request.id,
                          purpose=request.purpose, granted_by=actor.name, created_at=now, expires_at=until)
            session.add(grant)
            _flush(session, f"access request {request.id} was approved meanwhile", "request")
            record(session, actor.name, "access.approve", target.ref, client=actor.client, purpose=request.purpose,
                   details={"request": request.id, "grant": grant.id, "user": request.user.email,
                            "expires_at": until.isoformat()})
            return self._request_dicts(session, [request])[0]

    def refuse(self, actor: Actor, request_id: int, *, reason: str) -> dict[str, Any]:
        """Refuse a pending request; the requester sees the reason."""
        reason_text = _text(reason, "reason", MAX_TEXT, required=True)
        with self.db.session() as session:
            request, target = self._pending(session, actor, request_id)
            self._require_decider(actor, request, target)
            self._decide(session, request, "refused", actor, reason_text)
            record(session, actor.name, "access.refuse", target.ref, client=actor.client,
                   details={"request": request.id, "user": request.user.email, "reason": reason_text})
            return self._request_dicts(session, [request])[0]

    def grant(
        self, actor: Actor, dataset: Requested, email: str, *, purpose: str, days: int | None = None,
        expires_at: datetime | None = None,
    ) -> dict[str, Any]:
        """A steward names a grantee without a request (e.g. on an unlisted dataset, which cannot be
        found to be asked for): until `expires_at` or for `days`, at most two years."""
        if not can(actor, "manage", dataset):
            self._require_write(actor, "grant access")
            raise Forbidden(f"{actor.name} may not grant access to {dataset.ref}",
                            hint=f"a steward of {dataset.ref.split('/', 1)[0]} can")
        purpose_text = _text(purpose, "purpose", MAX_PURPOSE, required=True)
        if days is None and expires_at is None:
            raise InputError("give the grant an expiry date or a number of days", field="days")
        address = normalise_email(email)
        with self.db.session() as session:
            user = session.scalar(select(User).where(User.email == address))
            if user is None:
                raise NotFound(f"no user {address}", hint="`jazari users list`", field="email")
            now = utcnow()
            _lock_user(session, user.id)  # two concurrent grants to one person: the second sees the first
            if session.scalar(select(Grant.id).where(
                    Grant.dataset_id == dataset.id, Grant.user_id == user.id, Grant.revoked_at.is_(None),
                    Grant.expires_at > now)) is not None:
                raise Conflict(f"{address} holds a live grant on {dataset.ref} already", field="email")
            grant = Grant(dataset_id=dataset.id, user_id=user.id, purpose=purpose_text, granted_by=actor.name,
                          created_at=now, expires_at=_expiry(now, expires_at, days, 0))
            session.add(grant)
            session.flush()
            record(session, actor.name, "access.grant", dataset.ref, client=actor.client, purpose=purpose_text,
                   details={"grant": grant.id, "user": address, "expires_at": grant.expires_at.isoformat()})
            return self._grant_dicts(session, [grant], now)[0]

    def revoke(self, actor: Actor, grant_id: int, *, reason: str | None = None) -> dict[str, Any]:
        """End a grant now: the owner's stewards and admins, or the grantee giving it up."""
        reason_text = _text(reason, "reason", MAX_TEXT, required=False)
        with self.db.session() as session:
            grant = session.get(Grant, grant_id)
            target = self._target(session, grant.dataset_id) if grant is not None else None
            if grant is None or target is None or not self._may_look(actor, grant.user_id, target):
                raise NotFound(f"no grant {grant_id}", hint="`jazari access grants`", field="grant")
            own = actor.user_id is not None and grant.user_id == actor.user_id
            if not can(actor, "manage", target) and not (own and "write" in actor.scopes):
                self._require_write(actor, "revoke a grant")
                raise Forbidden(f"{actor.name} may not revoke grants on {target.ref}",
                                hint=f"a steward of {target.institute} can")
            now = utcnow()
            state = grant_state(grant, now)
            if state != "active":
                raise Conflict(f"grant {grant_id} is {state} already", field="grant")
            changed = session.execute(
                update(Grant).where(Grant.id == grant.id, Grant.revoked_at.is_(None))
                .values(revoked_at=now, revoked_by=actor.name, revoke_reason=reason_text)
                .execution_options(synchronize_session=False)
            )
            if changed.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict(f"grant {grant_id} was revoked meanwhile", field="grant")
            session.refresh(grant)
            record(session, actor.name, "access.revoke", target.ref, client=actor.client,
                   details={"grant": grant.id, "user": grant.user.email, "reason": reason_text})
            return self._grant_dicts(session, [grant], now)[0]

    # looking -------------------------------------------------------------------------------
    def get_request(self, actor: Actor, request_id: int) -> dict[str, Any]:
        """One request with its outcome (its requester, the owner's stewards, admins)."""
        with self.db.session() as session:
            request = session.get(AccessRequest, request_id)
            if request is None or not self._may_look(actor, request.user_id,
                                                     self._target(session, request.dataset_id)):
                raise NotFound(f"no access request {request_id}", hint="`jazari access requests`", field="request")
            return self._request_dicts(session, [request])[0]

    def requests(
        self, actor: Actor, *, mine: bool = False, status: str | None = None, dataset_ref: str | None = None,
    ) -> list[dict[str, Any]]:
        """The actor's own requests (`mine`), or those they may decide; newest first."""
        if status is not None and status not in STATUSES:
            raise InputError(f"status must be one of {', '.join(STATUSES)}", field="status")
        query = self._scoped(select(AccessRequest), AccessRequest, actor, mine, dataset_ref)
        if query is None:
            return []
        if status is not None:
            query = query.where(AccessRequest.status == status)
        with self.db.session() as session:
            rows = session.scalars(query.order_by(AccessRequest.id.desc())).all()
            return self._request_dicts(session, list(rows))

    def grants(
        self, actor: Actor, *, mine: bool = False, dataset_ref: str | None = None, include_inactive: bool = False,
    ) -> list[dict[str, Any]]:
        """The actor's own grants (`mine`), or those on datasets they manage; active ones unless
        `include_inactive`; newest first."""
        query = self._scoped(select(Grant), Grant, actor, mine, dataset_ref)
        if query is None:
            return []
        now = utcnow()
        if not include_inactive:
            query = query.where(Grant.revoked_at.is_(None), Grant.expires_at > now)
        with self.db.session() as session:
            rows = session.scalars(query.order_by(Grant.id.desc())).all()
            return self._grant_dicts(session, list(rows), now)

    @staticmethod
    def _scoped(
        query: Select[Any], model: type[AccessRequest] | type[Grant], actor: Actor, mine: bool,
        dataset_ref: str | None,
    ) -> Select[Any] | None:
        """Restrict a listing to the actor's own rows, or to the datasets they may decide on;
        None when that leaves nothing."""
        table = Base.metadata.tables["datasets"]
        query = query.join(table, table.c.id == model.dataset_id).join(Institute, Institute.id == table.c.institute_id)
        if dataset_ref is not None:
            institute, _, name = dataset_ref.strip().partition("/")
            if not institute or not name or "/" in name:
                raise InputError(f"dataset must be institute/name, not {dataset_ref!r}", field="dataset")
            query = query.where(Institute.slug == institute, table.c.name == name)
        if mine:
            return None if actor.user_id is None else query.where(model.user_id == actor.user_id)
        if can_on_platform(actor, "inspect"):
            return query
        managed = [slug for slug in actor.roles if can_in_institute(actor, "review", slug)]
        return query.where(Institute.slug.in_(managed)) if managed else None


def _flush(session: Session, message: str, field: str) -> None:
    """Flush; a unique index refusing the row (a concurrent twin won) is a Conflict."""
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(message, field=field) from exc


def _lock_user(session: Session, user_id: int) -> None:
    """Serialise changes about one user until the transaction ends: a no-op UPDATE takes the row
    lock on PostgreSQL and the write lock on SQLite, where SELECT ... FOR UPDATE does nothing."""
    session.execute(update(User).where(User.id == user_id).values(id=User.id)
                    .execution_options(synchronize_session=False))


def _expiry(now: datetime, expires_at: datetime | None, days: int | None, asked: int) -> datetime:
    """When a grant ends: a date given, or days from now, or the duration asked; within two years."""
    if expires_at is not None and days is not None:
        raise InputError("give an expiry date or a number of days, not both", field="expires_at")
    if days is not None:
        return now + timedelta(days=_days(days, "days"))
    if expires_at is None:
        return now + timedelta(days=asked)
    until = expires_at if expires_at.tzinfo is not None else expires_at.replace(tzinfo=UTC)
    if until <= now:
        raise InputError(f"the expiry {until.isoformat()} is in the past", field="expires_at")
    if until > now + timedelta(days=MAX_DAYS):
        raise InputError(f"a grant lasts at most {MAX_DAYS} days (two years)", field="expires_at")
    return until
