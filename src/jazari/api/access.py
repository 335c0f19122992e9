"""Routes of access requests and grants; each calls one AccessService method with the actor."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from jazari.api.deps import ActorDep, NodeDep, PathId

router = APIRouter(prefix="/api/v1/access", tags=["access"])


class RequestBody(BaseModel):
    """Ask for read access to a dataset: why, for what, for how long."""

    dataset: str
    purpose: str
    intended_use: str
    duration_days: int


class ApproveBody(BaseModel):
    """An expiry (a date-time, or days from now; default: the duration asked) and a note."""

    expires_at: datetime | None = None
    days: int | None = None
    note: str | None = None


class ReasonBody(BaseModel):
    """Why a request is refused (required) or a grant revoked (optional)."""

    reason: str | None = None


@router.post("/requests", status_code=201)
def create_request(body: RequestBody, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """Ask the stewards of a dataset for read access."""
    return jz.request_access(body.dataset, purpose=body.purpose, intended_use=body.intended_use,
                             duration_days=body.duration_days, actor=actor)


@router.get("/requests")
def list_requests(
    jz: NodeDep, actor: ActorDep, mine: bool = False, status: str | None = None, dataset: str | None = None,
) -> list[dict[str, Any]]:
    """The requests the caller may decide, or with `mine` their own; newest first."""
    return jz.access.requests(actor, mine=mine, status=status, dataset_ref=dataset)


@router.get("/requests/{request_id}")
def get_request(request_id: PathId, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """One request and its outcome (its requester, the owner's stewards, admins)."""
    return jz.access.get_request(actor, request_id)


@router.post("/requests/{request_id}/approve")
def approve(request_id: PathId, jz: NodeDep, actor: ActorDep, body: ApproveBody | None = None) -> dict[str, Any]:
    """Approve a pending request: a grant until the expiry."""
    body = body or ApproveBody()
    return jz.access.approve(actor, request_id, expires_at=body.expires_at, days=body.days, note=body.note)


@router.post("/requests/{request_id}/refuse")
def refuse(request_id: PathId, body: ReasonBody, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """Refuse a pending request with a reason the requester sees."""
    return jz.access.refuse(actor, request_id, reason=body.reason or "")


@router.post("/requests/{request_id}/withdraw")
def withdraw(request_id: PathId, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """The requester withdraws a pending request."""
    return jz.access.withdraw(actor, request_id)


@router.get("/grants")
def list_grants(
    jz: NodeDep, actor: ActorDep, mine: bool = False, dataset: str | None = None,
    include_all: bool = Query(False, alias="all", description="Also expired and revoked grants."),
) -> list[dict[str, Any]]:
    """Active grants on datasets the caller manages, or with `mine` their own; newest first."""
    return jz.access.grants(actor, mine=mine, dataset_ref=dataset, include_inactive=include_all)


class GrantBody(BaseModel):
    """A steward names a grantee: dataset, email, purpose, and an expiry (a date-time or days)."""

    dataset: str
    email: str
    purpose: str
    expires_at: datetime | None = None
    days: int | None = None


@router.post("/grants", status_code=201)
def create_grant(body: GrantBody, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """Give a named user read access without a request (the owner's stewards)."""
    return jz.grant_access(body.dataset, body.email, purpose=body.purpose, days=body.days,
                           expires_at=body.expires_at, actor=actor)


@router.post("/grants/{grant_id}/revoke")
def revoke(grant_id: PathId, jz: NodeDep, actor: ActorDep, body: ReasonBody | None = None) -> dict[str, Any]:
    """End a grant now (the owner's stewards and admins, or the grantee)."""
    return jz.access.revoke(actor, grant_id, reason=(body or ReasonBody()).reason)
