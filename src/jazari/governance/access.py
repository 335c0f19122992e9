"""The one place that decides access: `can(actor, action, dataset)` for datasets,
`can_in_institute(actor, action, slug)` for an institute's own business (members, requests), and
`can_on_platform(actor, action)` for the node's administration. Services ask these; nothing else
decides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from jazari.errors import Forbidden, NotFound, Unauthenticated
from jazari.governance.actors import Actor, GrantRef

ACTIONS = ("see", "read", "review", "write", "manage")
INSTITUTE_ACTIONS = ("see_members", "manage_members", "review")
PLATFORM_ACTIONS = ("inspect", "administer")
ROLE_RANK = {"viewer": 1, "contributor": 2, "steward": 3, "admin": 4}


class Guarded(Protocol):
    """What access is decided on: a dataset's owner, access level and whether it is listed."""

    @property
    def ref(self) -> str: ...

    @property
    def access_level(self) -> str: ...


@dataclass(frozen=True)
class Capped:
    """A dataset seen at a narrower level than its own, for one of its versions."""

    ref: str
    access_level: str
    unlisted: bool = False


def version_guard(resource: Guarded, privacy_status: str | None) -> Guarded:
    """What governs reading one version: a version holding personal data that no policy treats is
    read at most at `institute` level, whatever the dataset's level now (privacy by default: opening
    a dataset after `privacy anonymize` does not open its untreated earlier versions)."""
    if privacy_status == "needs_policy" and resource.access_level in ("public", "network"):
        return Capped(resource.ref, "institute", bool(getattr(resource, "unlisted", False)))
    return resource


def _institute(resource: Guarded) -> str:
    return resource.ref.split("/", 1)[0]


def role_in(actor: Actor, institute: str) -> int:
    """The actor's rank in an institute (0: not a member)."""
    return ROLE_RANK.get(actor.roles.get(institute, ""), 0)


def grant_used(actor: Actor, resource: Guarded) -> GrantRef | None:
    """The grant through which the actor reads `resource`, if they read it through one (not by role
    or level): the audit log records its id and purpose."""
    grant = actor.grants.get(resource.ref)
    if grant is None or actor.is_admin or resource.access_level in ("public", "network"):
        return None
    needed = ROLE_RANK["steward"] if resource.access_level == "restricted" else ROLE_RANK["viewer"]
    return None if role_in(actor, _institute(resource)) >= needed else grant


def can(actor: Actor, action: str, resource: Guarded) -> bool:
    """May `actor` do `action` (see metadata, read rows, write versions, manage) on `resource`?

    - see: public to anyone; network to the signed-in; institute and restricted to the signed-in
      unless unlisted (then only to the owner's members and grant holders).
    - read (rows, previews, profiles, exports, SQL, downloads): public to anyone; network to the
      signed-in; institute to the owner's members and grant holders; restricted to the owner's
      stewards and grant holders.
    - review (what only the owner's stewards look at: the register entry, the dataset's audit log,
      the original upload, the quarantined rows, requests and grants): stewards; a read-only token
      may review.
    - write (new versions): the owner's contributors; manage (level, grants, register): stewards.
    Writing and managing also need a token with the `write` scope.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if action in ("write", "manage") and "write" not in actor.scopes:
        return False
    if actor.is_admin:
        return True
    role = role_in(actor, _institute(resource))
    if action == "write":
        return role >= ROLE_RANK["contributor"]
    if action in ("manage", "review"):
        return role >= ROLE_RANK["steward"]
    level = resource.access_level
    if level == "public":
        return True
    granted = resource.ref in actor.grants
    if action == "see":
        if level == "network" or not getattr(resource, "unlisted", False):
            return actor.signed_in
        return role >= ROLE_RANK["viewer"] or granted
    if level == "network":
        return actor.signed_in
    if level == "institute":
        return role >= ROLE_RANK["viewer"] or granted
    return role >= ROLE_RANK["steward"] or granted


def can_in_institute(actor: Actor, action: str, institute: str) -> bool:
    """May `actor` see the members of, manage the members of, or review the requests and grants of an
    institute? Members see the members; the institute's admins manage them; its stewards review."""
    if action not in INSTITUTE_ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if action == "manage_members" and "write" not in actor.scopes:
        return False
    if actor.is_admin:
        return True
    needed = {"see_members": "viewer", "manage_members": "admin", "review": "steward"}[action]
    return role_in(actor, institute) >= ROLE_RANK[needed]


def can_on_platform(actor: Actor, action: str) -> bool:
    """May `actor` inspect (list users, verify the audit log, see every event) or administer (add users
    and institutes, run retention) the node? Platform administrators only; administering needs `write`."""
    if action not in PLATFORM_ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    return actor.is_admin and (action == "inspect" or "write" in actor.scopes)


def require(actor: Actor, action: str, resource: Guarded) -> None:
    """Raise unless `actor` may do `action`; what one may not see is reported as not found."""
    if can(actor, action, resource):
        return
    if not can(actor, "see", resource):
        raise NotFound(f"no dataset {resource.ref}")
    if not actor.signed_in:
        raise Unauthenticated(f"sign in to {action} {resource.ref}")
    if action in ("write", "manage") and "write" not in actor.scopes:
        raise Forbidden(f"this token may only read; {action} needs the write scope")
    hint = None if action != "read" else f"`jazari access request {resource.ref} --purpose ...`"
    raise Forbidden(f"{actor.name} may not {action} {resource.ref}", hint=hint)
