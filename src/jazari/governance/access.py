"""The one place that decides access: can(actor, action, resource)."""

from __future__ import annotations

from typing import Protocol

from jazari.errors import Forbidden, NotFound, Unauthenticated
from jazari.governance.actors import Actor

ACTIONS = ("see", "read", "write", "manage")
ROLE_RANK = {"viewer": 1, "contributor": 2, "steward": 3, "admin": 4}


class Guarded(Protocol):
    """What access is decided on: a dataset's owner and access level."""

    @property
    def ref(self) -> str: ...

    @property
    def access_level(self) -> str: ...


def _institute(resource: Guarded) -> str:
    return resource.ref.split("/", 1)[0]


def can(actor: Actor, action: str, resource: Guarded) -> bool:
    """May `actor` do `action` (see metadata, read rows, write versions, manage) on `resource`?"""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if actor.is_admin:
        return True
    role = ROLE_RANK.get(actor.roles.get(_institute(resource), ""), 0)
    if action == "write":
        return role >= ROLE_RANK["contributor"]
    if action == "manage":
        return role >= ROLE_RANK["steward"]
    level = resource.access_level
    if level == "public":
        return True
    if level == "network":
        return actor.signed_in
    return role >= ROLE_RANK["viewer"]


def require(actor: Actor, action: str, resource: Guarded) -> None:
    """Raise unless `actor` may do `action`; what one may not see is reported as not found."""
    if can(actor, action, resource):
        return
    if not can(actor, "see", resource):
        raise NotFound(f"no dataset {resource.ref}")
    if not actor.signed_in:
        raise Unauthenticated(f"sign in to {action} {resource.ref}")
    raise Forbidden(f"{actor.name} may not {action} {resource.ref}")
