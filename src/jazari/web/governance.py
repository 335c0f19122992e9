"""Governance pages: an institute's members, a dataset's access (level, listing, requests: a tab of
the dataset page) and audit log, and the stewards' queue of requests and grants. Every page calls the node's services
with the actor; what the actor may do is asked of `governance.access.can`, never decided here."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from jazari.api.deps import ActorDep, NodeDep, PathId
from jazari.app import Jazari
from jazari.datasets.models import ACCESS_LEVELS
from jazari.datasets.names import parse_ref
from jazari.governance.access import can, can_in_institute
from jazari.governance.actors import Actor
from jazari.governance.models import ROLES
from jazari.web.i18n import N_
from jazari.web.render import PageRoute, optional_days, redirect, render, require_signed_in, whole_days

router = APIRouter(include_in_schema=False, route_class=PageRoute)


# members -------------------------------------------------------------------------------------
@router.get("/institutes/{slug}/members", response_class=HTMLResponse)
def members(request: Request, slug: str, jz: NodeDep, actor: ActorDep) -> HTMLResponse:
    """The members of an institute; its admins get the forms to add, change and remove."""
    people = jz.accounts.list_members(actor, slug)
    context = {"slug": slug, "institute": jz.accounts.institute(slug), "members": people, "roles": ROLES,
               "administers": can_in_institute(actor, "manage_members", slug)}
    return render(request, "members.html", context)


@router.post("/institutes/{slug}/members")
def add_member(
    request: Request, slug: str, jz: NodeDep, actor: ActorDep, email: str = Form(""), role: str = Form(""),
) -> RedirectResponse:
    """Give a user a role in the institute, or change it."""
    done = jz.accounts.add_member(actor, slug, email, role)
    return redirect(request, f"/institutes/{slug}/members", N_("%(email)s is now %(role)s."),
                    email=done["email"], role=done["role"])


@router.post("/institutes/{slug}/members/remove")
def remove_member(request: Request, slug: str, jz: NodeDep, actor: ActorDep, email: str = Form("")) -> RedirectResponse:
    """Take a user out of the institute."""
    done = jz.accounts.remove_member(actor, slug, email)
    return redirect(request, f"/institutes/{slug}/members", N_("%(email)s is no longer a member."),
                    email=done["email"])


# a dataset's access ---------------------------------------------------------------------------
def _ref(institute: str, name: str) -> str:
    ref = f"{institute}/{name}"
    parse_ref(ref)
    return ref


def guarded(info: dict[str, Any]) -> SimpleNamespace:
    """What `can` decides on, from the dataset as the service returned it."""
    return SimpleNamespace(ref=info["dataset"], access_level=info["access_level"],
                           unlisted=bool(info.get("unlisted", False)))


def access_context(jz: Jazari, actor: Actor, info: dict[str, Any]) -> dict[str, Any]:
    """What the dataset page's access tab shows (`/datasets/{institute}/{name}/access`): the level and
    listing; the forms to change them for stewards; the request form for members who cannot read."""
    target = guarded(info)
    mine = jz.access.requests(actor, mine=True, dataset_ref=info["dataset"]) if actor.user_id else []
    return {
        "levels": ACCESS_LEVELS, "manages": can(actor, "manage", target),
        "reads": can(actor, "read", target), "grant": actor.grants.get(info["dataset"]),
        "pending": [r for r in mine if r["status"] == "pending"], "my_requests": mine,
    }


@router.post("/datasets/{institute}/{name}/access")
def change_access(
    request: Request, institute: str, name: str, jz: NodeDep, actor: ActorDep,
    access_level: str = Form(""), unlisted: str = Form(""), listing: str = Form(""),
) -> RedirectResponse:
    """Change the access level (and the listing, when the form showed it) of a dataset (its stewards)."""
    ref = _ref(institute, name)
    listed = (unlisted == "on") if listing == "shown" else None  # an unchecked box is not an absent one
    jz.datasets_service.update(actor, ref, access_level=access_level, unlisted=listed)
    return redirect(request, f"/datasets/{ref}/access", N_("Access settings saved."))


@router.post("/datasets/{institute}/{name}/access/request")
def request_access(
    request: Request, institute: str, name: str, jz: NodeDep, actor: ActorDep,
    purpose: str = Form(""), intended_use: str = Form(""), duration_days: str = Form(""),
) -> RedirectResponse:
    """Ask the dataset's stewards for read access."""
    ref = _ref(institute, name)
    days = whole_days(duration_days, "duration_days")
    jz.request_access(ref, purpose=purpose, intended_use=intended_use, duration_days=days, actor=actor)
    return redirect(request, f"/datasets/{ref}/access", N_("Your request was sent to the stewards."))


@router.get("/datasets/{institute}/{name}/audit", response_class=HTMLResponse)
def dataset_audit(request: Request, institute: str, name: str, jz: NodeDep, actor: ActorDep) -> HTMLResponse:
    """The dataset's audit log (its stewards)."""
    ref = _ref(institute, name)
    events = jz.audit(ref, actor=actor, limit=200)
    return render(request, "dataset_audit.html", {"info": jz.dataset(ref, actor), "events": events})


# requests and grants ------------------------------------------------------------------------
@router.get("/access/requests", response_class=HTMLResponse)
def requests_queue(request: Request, jz: NodeDep, actor: ActorDep) -> HTMLResponse:
    """The stewards' queue of pending requests, the recent decisions and their datasets' grants."""
    require_signed_in(actor, "access requests")
    context = {
        "pending": jz.access.requests(actor, status="pending"),
        "decided": [r for r in jz.access.requests(actor) if r["status"] != "pending"][:50],
        "grants": jz.access.grants(actor),
    }
    return render(request, "requests.html", context)


@router.post("/access/requests/{request_id}/approve")
def approve(
    request: Request, request_id: PathId, jz: NodeDep, actor: ActorDep, days: str = Form(""), note: str = Form(""),
) -> RedirectResponse:
    """Approve a pending request for `days` (default: the duration asked)."""
    done = jz.access.approve(actor, request_id, days=optional_days(days, "days"), note=note or None)
    return redirect(request, "/access/requests", N_("Request %(id)s approved: %(email)s may read %(dataset)s."),
                    id=done["id"], email=done["requester"]["email"], dataset=done["dataset"])


@router.post("/access/requests/{request_id}/refuse")
def refuse(request: Request, request_id: PathId, jz: NodeDep, actor: ActorDep, reason: str = Form("")) -> RedirectResponse:
    """Refuse a pending request with a reason the requester sees."""
    done = jz.access.refuse(actor, request_id, reason=reason)
    return redirect(request, "/access/requests", N_("Request %(id)s refused."), id=done["id"])


@router.post("/access/requests/{request_id}/withdraw")
def withdraw(request: Request, request_id: PathId, jz: NodeDep, actor: ActorDep) -> RedirectResponse:
    """The requester withdraws a pending request."""
    done = jz.access.withdraw(actor, request_id)
    return redirect(request, "/account#requests", N_("Request %(id)s withdrawn."), id=done["id"])


@router.post("/access/grants/{grant_id}/revoke")
def revoke_grant(
    request: Request, grant_id: PathId, jz: NodeDep, actor: ActorDep, reason: str = Form(""), back: str = Form(""),
) -> RedirectResponse:
    """End a grant now (the dataset's stewards, or the grantee giving it up)."""
    done = jz.access.revoke(actor, grant_id, reason=reason or None)
    target = "/account#grants" if back == "account" else "/access/requests#grants"
    return redirect(request, target, N_("Grant %(id)s on %(dataset)s revoked."), id=done["id"], dataset=done["dataset"])
