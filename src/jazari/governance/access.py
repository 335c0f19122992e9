"""The one place that decides access: `can(actor, action, dataset)` for datasets,
`can_in_institute(actor, action, slug)` for an institute's own business (members, requests), and
`can_on_platform(actor, action)` for the node's administration, `can_on_campaign`, `can_report`,
`can_moderate`, `can_see_moderated` and `can_appeal` for collective work and moderation, and
`can_comment` for the discussion under a dataset. Services ask these;
nothing else decides. `seen_by(actor, datasets)` is `can(actor, "see", ...)` as a SQL condition, for
lists and search that filter in the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, false, not_, or_, select, true

from jazari.errors import Forbidden, NotFound, Unauthenticated
from jazari.governance.actors import Actor, GrantRef
from jazari.governance.models import Institute

ACTIONS = ("see", "read", "review", "write", "manage")
INSTITUTE_ACTIONS = ("see_members", "manage_members", "review", "contribute")
PLATFORM_ACTIONS = ("inspect", "administer")
CAMPAIGN_ACTIONS = ("see", "contribute", "review", "manage")
MODERATION_ACTIONS = ("review", "decide")
COMMENT_ACTIONS = ("read", "post", "edit", "delete", "see_hidden")
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
    hidden: bool = False


def version_guard(resource: Guarded, privacy_status: str | None) -> Guarded:
    """What governs reading one version: a version holding personal data that no policy treats is
    read at most at `institute` level, whatever the dataset's level now (privacy by default: opening
    a dataset after `privacy anonymize` does not open its untreated earlier versions)."""
    if privacy_status == "needs_policy" and resource.access_level in ("public", "network"):
        return Capped(resource.ref, "institute", bool(getattr(resource, "unlisted", False)),
                      bool(getattr(resource, "hidden", False)))
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
    Writing and managing also need a token with the `write` scope. A dataset hidden by moderation
    (enough distinct reports, or removed) is left only to its institute's members and administrators.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if action in ("write", "manage") and "write" not in actor.scopes:
        return False
    if actor.is_admin:
        return True
    role = role_in(actor, _institute(resource))
    if getattr(resource, "hidden", False) and role < ROLE_RANK["viewer"]:
        return False  # hidden by moderation: only its institute (the owner) and moderators
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


def seen_by(actor: Actor, datasets: Any) -> ColumnElement[bool]:
    """The datasets `actor` may see, as a SQL condition: `can(actor, "see", dataset)` for every row,
    so that lists and search filter, count and page in the database. `datasets` is the datasets
    table's columns (the `Dataset` class, an alias of it, or `table.c`): `access_level`, `unlisted`,
    `hidden`, `institute_id`, `name`. tests/governance/test_seen_by.py checks it against `can`."""
    if actor.is_admin:
        return true()
    level, unlisted = datasets.access_level, datasets.unlisted
    members = sorted(slug for slug in actor.roles if role_in(actor, slug) >= ROLE_RANK["viewer"])
    member = (datasets.institute_id.in_(select(Institute.id).where(Institute.slug.in_(members)))
              if members else false())
    granted = [and_(datasets.institute_id == select(Institute.id).where(Institute.slug == slug).scalar_subquery(),
                    datasets.name == name)
               for slug, name in sorted(ref.split("/", 1) for ref in actor.grants if "/" in ref)]
    ways = [level == "public",
            and_(level.notin_(("public", "network")), unlisted, or_(member, *granted))]
    if actor.signed_in:  # network, and listed institute or restricted datasets
        ways.append(or_(level == "network", not_(unlisted)))
    return and_(or_(not_(datasets.hidden), member), or_(*ways))


def can_in_institute(actor: Actor, action: str, institute: str) -> bool:
    """May `actor` see the members of, manage the members of, review the requests and grants of, or
    contribute (publish new datasets and versions) to an institute? Members see the members; the
    institute's admins manage them; its stewards review; its contributors contribute (with `write`)."""
    if action not in INSTITUTE_ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if action in ("manage_members", "contribute") and "write" not in actor.scopes:
        return False
    if actor.is_admin:
        return True
    needed = {"see_members": "viewer", "manage_members": "admin", "review": "steward",
              "contribute": "contributor"}[action]
    return role_in(actor, institute) >= ROLE_RANK[needed]


def can_on_platform(actor: Actor, action: str) -> bool:
    """May `actor` inspect (list users, verify the audit log, see every event) or administer (add users
    and institutes, run retention) the node? Platform administrators only; administering needs `write`."""
    if action not in PLATFORM_ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    return actor.is_admin and (action == "inspect" or "write" in actor.scopes)


class CampaignLike(Protocol):
    """What access to a campaign is decided on: its owner institute and who may contribute."""

    @property
    def institute(self) -> str: ...

    @property
    def contributors(self) -> str: ...


def can_on_campaign(actor: Actor, action: str, campaign: CampaignLike, source: Guarded | None = None) -> bool:
    """May `actor` see (instructions, labels), contribute to (receive items, answer), review (progress,
    agreement, reliability) or manage (create, aggregate, publish, close) a campaign?

    - contribute: signed in with `write`; `public` campaigns take anyone with an account (public
      sign-up), `network` ones any member of an institute of the network, `institute` ones the
      owner's members. Seeing the campaign follows contributing (or reviewing).
    - review: the owner's stewards and administrators (a read-only token may review);
      manage: the same with `write`.
    - `source`, the campaign's dataset version as it is now (`version_guard`): seeing and contributing
      also need the right to read it, so a campaign shows no row to one who may no longer read it
      (the dataset hidden by moderation, its level lowered).
    """
    if action not in CAMPAIGN_ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    steward = actor.is_admin or role_in(actor, campaign.institute) >= ROLE_RANK["steward"]
    if action in ("review", "manage"):
        return steward and (action == "review" or "write" in actor.scopes)
    if action == "see" and steward:
        return True
    if not actor.signed_in or (action == "contribute" and "write" not in actor.scopes):
        return False
    if source is not None and not can(actor, "read", source):
        return False
    if actor.is_admin or campaign.contributors == "public":
        return True
    if campaign.contributors == "network":
        return any(ROLE_RANK.get(role, 0) >= ROLE_RANK["viewer"] for role in actor.roles.values())
    return role_in(actor, campaign.institute) >= ROLE_RANK["viewer"]


def can_report(actor: Actor) -> bool:
    """Anyone signed in may report content (not with a read-only token)."""
    return actor.signed_in and "write" in actor.scopes


def can_moderate(actor: Actor, action: str, institute: str) -> bool:
    """May `actor` review (the queue, the reports) or decide (restore, remove, answer an appeal) on
    content owned by `institute`? Its stewards and platform administrators; deciding needs `write`."""
    if action not in MODERATION_ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if action == "decide" and "write" not in actor.scopes:
        return False
    return actor.is_admin or role_in(actor, institute) >= ROLE_RANK["steward"]


def can_see_moderated(actor: Actor, institute: str, owner: str | None = None) -> bool:
    """May `actor` see content that moderation hid? Moderators and the owner: the owning institute's
    members and the person who made it."""
    return actor.is_admin or role_in(actor, institute) >= ROLE_RANK["viewer"] or (
        owner is not None and actor.signed_in and actor.name == owner)


def can_appeal(actor: Actor, institute: str, owner: str | None = None) -> bool:
    """May `actor` appeal the removal of content owned by `institute` (made by `owner`)? The person who
    made it, the institute's contributors and stewards, administrators; with `write`."""
    if not actor.signed_in or "write" not in actor.scopes:
        return False
    return actor.is_admin or role_in(actor, institute) >= ROLE_RANK["contributor"] or (
        owner is not None and actor.name == owner)


def can_comment(actor: Actor, action: str, dataset: Guarded, author: str | None = None) -> bool:
    """May `actor` read the discussion under `dataset`, post in it, edit or delete a comment by
    `author`, or see a comment that moderation hid?

    - read: whoever may see the dataset; post: the same, signed in with `write`.
    - edit: the comment's author (with `write`); delete: its author and the dataset's moderators
      (the owning institute's stewards, administrators), with `write`.
    - see_hidden: the comment's author and the moderators (a read-only token may look).
    """
    if action not in COMMENT_ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if not can(actor, "see", dataset):
        return False
    mine = author is not None and actor.signed_in and actor.name == author
    moderator = can_moderate(actor, "review", _institute(dataset))
    if action == "read":
        return True
    if action == "see_hidden":
        return mine or moderator
    if not actor.signed_in or "write" not in actor.scopes:
        return False
    if action == "post":
        return True
    return mine or (action == "delete" and moderator)


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
