"""Routes over accounts: who am I, my tokens, institutes and their members."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from jazari.api.deps import ActorDep, NodeDep, PathId

router = APIRouter(prefix="/api/v1", tags=["accounts"])


class TokenIn(BaseModel):
    """A token to create: its name, scopes and lifetime."""

    name: str = Field(min_length=1, max_length=100)
    scopes: list[str] = Field(default_factory=lambda: ["read"])
    expires_days: int | None = Field(default=90, ge=1, le=3650)


class InstituteIn(BaseModel):
    """An institute to create."""

    slug: str
    names: dict[str, str]
    region: str | None = None
    kind: str | None = None


class MemberIn(BaseModel):
    """A user's role in an institute."""

    email: str
    role: str = "viewer"


@router.get("/me")
def me(jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """The caller: account, memberships, live grants and the scopes of the token used."""
    return jz.accounts.me(actor)


@router.get("/tokens")
def list_tokens(jz: NodeDep, actor: ActorDep) -> list[dict[str, Any]]:
    """The caller's API tokens (never their secret)."""
    return jz.accounts.list_tokens(actor)


@router.post("/tokens", status_code=201)
def create_token(body: TokenIn, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """A new token; `secret` is in this response only. A token may not create one with more scopes."""
    token, secret = jz.accounts.create_token(actor, body.name, scopes=tuple(body.scopes),
                                             expires_days=body.expires_days)
    return {**token, "secret": secret}


@router.delete("/tokens/{token_id}")
def revoke_token(token_id: PathId, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """Revoke one of the caller's tokens."""
    return jz.accounts.revoke_token(actor, token_id)


@router.get("/institutes")
def list_institutes(jz: NodeDep) -> list[dict[str, Any]]:
    """The institutes of this node."""
    return jz.accounts.list_institutes()


@router.post("/institutes", status_code=201)
def add_institute(body: InstituteIn, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """Create an institute (platform administrators)."""
    return jz.accounts.add_institute(actor, body.slug, names=body.names, region=body.region, kind=body.kind)


@router.get("/institutes/{slug}")
def get_institute(slug: str, jz: NodeDep) -> dict[str, Any]:
    """One institute."""
    return jz.accounts.institute(slug)


@router.get("/institutes/{slug}/members")
def list_members(slug: str, jz: NodeDep, actor: ActorDep) -> list[dict[str, Any]]:
    """The members of an institute (its members and administrators)."""
    return jz.accounts.list_members(actor, slug)


@router.post("/institutes/{slug}/members")
def add_member(slug: str, body: MemberIn, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """Give a user a role in the institute, or change it (the institute's admins)."""
    return jz.accounts.add_member(actor, slug, body.email, body.role)


@router.delete("/institutes/{slug}/members/{email}")
def remove_member(slug: str, email: str, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """Take a user out of the institute."""
    return jz.accounts.remove_member(actor, slug, email)
