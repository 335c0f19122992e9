"""Collective pages: the campaigns list, the contributor page (one item at a time, label keys 1-9,
skip, report, spans, translation box), the campaign manager page (progress, agreement, label
distribution, reliability, aggregate, publish) and the moderator queue with the owner's appeal.

Each page calls one facade method with the actor; who may do what is decided by the services. An
answer carries the id its page chose (`crypto.randomUUID()`, or the server's when scripts are off),
so a double click or a retried submission counts once. htmx swaps the contributor's work area; the
same forms work as plain posts that redirect."""

from __future__ import annotations

import json
import uuid
from typing import Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jazari.api.deps import ActorDep, NodeDep, PathId
from jazari.app import Jazari
from jazari.collective.aggregate import METHODS
from jazari.errors import InputError, JazariError
from jazari.governance.actors import Actor
from jazari.web.charts import top_spec
from jazari.web.i18n import N_, gettext_for
from jazari.web.render import PageRoute, page_language, redirect, render, require_signed_in

router = APIRouter(include_in_schema=False, route_class=PageRoute)

VEGA = ("/static/vendor/vega.min.js", "/static/vendor/vega-lite.min.js", "/static/vendor/vega-embed.min.js")
MAX_SKIP = 100
REASONS = {
    "personal_data": N_("Personal data exposed"), "offensive": N_("Offensive"), "wrong": N_("Wrong"),
    "spam": N_("Spam"), "copyright": N_("Copyright"), "other": N_("Other"),
}
STATES = (N_("open"), N_("paused"), N_("closed"), N_("decided"), N_("exhausted"), N_("hidden"),
          N_("visible"), N_("removed"), N_("restored"), N_("upheld"), N_("rejected"), N_("granted"),
          N_("denied"))
TYPES = {"classify": N_("Classify"), "multilabel": N_("Several labels"), "spans": N_("Mark spans"),
         "translate": N_("Translate"), "validate": N_("Validate")}


def label_name(label: dict[str, Any], lang: str) -> str:
    """A label's name in the page's language, else French, else its value."""
    names = label.get("names") or {}
    return str(names.get(lang) or names.get("fr") or names.get("en") or label["value"])


def _skips(values: list[str]) -> list[int]:
    """The skipped item ids of the query, bad ones dropped (at most MAX_SKIP)."""
    return [int(v) for v in values if v.isdigit() and 0 < int(v) < 2**31][-MAX_SKIP:]


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def work_context(jz: Jazari, actor: Actor, campaign_id: int, skip: list[int], lang: str) -> dict[str, Any]:
    """What the contributor's work area shows: the campaign, the next item, its labels and a new answer id."""
    campaign = jz.campaign(campaign_id, actor=actor)
    got = jz.campaign_next(campaign_id, skip=skip, actor=actor)
    labels = [{**lab, "name": label_name(lab, lang)} for lab in campaign["labels"]]
    instructions = campaign["instructions"]
    return {
        "campaign": campaign, "item": got["item"], "answered": got["answered"], "labels": labels, "skip": skip,
        "instructions": instructions.get(lang) or instructions.get("fr") or next(iter(instructions.values()), ""),
        "answer_id": str(uuid.uuid4()), "reasons": REASONS, "types": TYPES,
        "label_names": {lab["value"]: lab["name"] for lab in labels},
    }


# contributors --------------------------------------------------------------------------------
@router.get("/campaigns", response_class=HTMLResponse)
def campaigns_page(request: Request, jz: NodeDep, actor: ActorDep) -> HTMLResponse:
    """The campaigns one may contribute to, and those one follows as steward."""
    require_signed_in(actor, "campaigns")
    return render(request, "collective/campaigns.html", {
        "campaigns": jz.campaigns(actor=actor), "managed": jz.campaigns(manage=True, actor=actor), "types": TYPES})


@router.get("/campaigns/{campaign_id}", response_class=HTMLResponse)
def contributor_page(request: Request, campaign_id: PathId, jz: NodeDep, actor: ActorDep,
                     skip: list[str] = Query(default=[])) -> HTMLResponse:
    """One item at a time: label buttons with keys, skip, report, spans, a translation box."""
    require_signed_in(actor, "this campaign")
    lang = page_language(request, jz, actor)
    context = work_context(jz, actor, campaign_id, _skips(skip), lang)
    name = "collective/_work.html" if _is_htmx(request) else "collective/contribute.html"
    return render(request, name, context)


def _value(kind: str, value: list[str], spans: str) -> Any:
    """The answer of the form in the shape the service checks: a label, a list of labels, spans, a text."""
    if kind == "multilabel":
        return value
    if kind == "spans":
        try:
            return json.loads(spans or "[]")
        except ValueError:
            raise InputError("the spans are not valid JSON", field="value") from None
    if len(value) != 1:
        raise InputError("choose one answer", field="value")
    return value[0]


@router.post("/campaigns/{campaign_id}/answers", response_class=HTMLResponse)
def answer(
    request: Request, campaign_id: PathId, jz: NodeDep, actor: ActorDep, item: int = Form(0),
    answer_id: str = Form(""), value: list[str] = Form(default=[]), spans: str = Form(""),
    seconds: str = Form(""), skip: list[str] = Form(default=[]),
) -> Response:
    """Record an answer (the same answer id again counts once), then show the next item."""
    lang = page_language(request, jz, actor)
    error: JazariError | None = None
    try:
        campaign = jz.campaign(campaign_id, actor=actor)
        took = float(seconds) if seconds.replace(".", "", 1).isdigit() else None
        jz.campaign_answer(campaign_id, item, _value(campaign["type"], value, spans), answer_id,
                           seconds=min(took, 86_400.0) if took is not None else None, actor=actor)
    except JazariError as exc:
        if not _is_htmx(request):
            raise
        error = exc
    skips = _skips(skip)
    if not _is_htmx(request):
        query = "".join(f"&skip={s}" for s in skips)
        return RedirectResponse(f"/campaigns/{campaign_id}?{query.lstrip('&')}", status_code=303)
    context = work_context(jz, actor, campaign_id, skips, lang)
    return render(request, "collective/_work.html", {**context, "error": error},
                  status=error.status if error else 200)


@router.post("/campaigns/{campaign_id}/reports")
def report_item(
    request: Request, campaign_id: PathId, jz: NodeDep, actor: ActorDep, item: int = Form(0),
    reason: str = Form(""), note: str = Form(""), skip: list[str] = Form(default=[]), kind: str = Form("item"),
) -> RedirectResponse:
    """Report an item (or its image); the reporter reads the seed's message in their language, and the item
    is skipped."""
    lang = page_language(request, jz, actor)
    kind = kind if kind in ("item", "image") else "item"
    done = jz.report(kind, f"{campaign_id}/{item}", reason, note=note or None, locale=lang, actor=actor)
    skips = [*_skips(skip), item][-MAX_SKIP:]
    query = "&".join(f"skip={s}" for s in skips)
    return redirect(request, f"/campaigns/{campaign_id}?{query}", done["message"])


# stewards ------------------------------------------------------------------------------------
def manage_context(request: Request, jz: Jazari, actor: Actor, campaign_id: int,
                   aggregated: dict[str, Any] | None = None) -> dict[str, Any]:
    """The manager page: the campaign's status and its distribution chart, the aggregation if asked."""
    status = jz.campaign_status(campaign_id, actor=actor)
    lang = page_language(request, jz, actor)
    names = {lab["value"]: label_name(lab, lang) for lab in status["labels"]}
    counts = [{"value": names.get(k, k), "count": n} for k, n in status["distribution"].items()]
    spec = top_spec(counts, gettext_for(lang)("Answers")) if counts and status["type"] != "translate" else None
    return {"status": status, "names": names, "spec": spec, "vega": " ".join(VEGA), "methods": METHODS,
            "aggregated": aggregated, "types": TYPES,
            "publish_to": f"{status['institute']}/campaign-{status['id']}-gold"}


@router.get("/campaigns/{campaign_id}/manage", response_class=HTMLResponse)
def manage_page(request: Request, campaign_id: PathId, jz: NodeDep, actor: ActorDep) -> HTMLResponse:
    """Progress, agreement, label distribution, reliability, spammers; aggregate and publish."""
    require_signed_in(actor, "this campaign")
    return render(request, "collective/manage.html", manage_context(request, jz, actor, campaign_id))


@router.post("/campaigns/{campaign_id}/aggregate", response_class=HTMLResponse)
def aggregate(request: Request, campaign_id: PathId, jz: NodeDep, actor: ActorDep,
              method: str = Form("dawid_skene")) -> HTMLResponse:
    """The aggregated answers by the chosen method, shown on the manager page."""
    aggregated = jz.campaign_aggregate(campaign_id, method, limit=100, actor=actor)
    return render(request, "collective/manage.html", manage_context(request, jz, actor, campaign_id, aggregated))


@router.post("/campaigns/{campaign_id}/publish")
def publish(request: Request, campaign_id: PathId, jz: NodeDep, actor: ActorDep, dataset: str = Form(""),
            method: str = Form("dawid_skene")) -> RedirectResponse:
    """Publish the gold data as a new dataset version (and the raw answers, pseudonymised)."""
    done = jz.campaign_publish(campaign_id, dataset.strip(), method, actor=actor)
    return redirect(request, f"/campaigns/{campaign_id}/manage",
                    N_("Published %(dataset)s version %(version)s."), dataset=done["dataset"], version=done["version"])


@router.post("/campaigns/{campaign_id}/status")
def set_status(request: Request, campaign_id: PathId, jz: NodeDep, actor: ActorDep,
               status: str = Form("")) -> RedirectResponse:
    """Open, pause or close the campaign."""
    done = jz.campaign_set_status(campaign_id, status, actor=actor)
    return redirect(request, f"/campaigns/{campaign_id}/manage", N_("The campaign is now %(status)s."),
                    status=done["status"])


# moderation ----------------------------------------------------------------------------------
@router.get("/moderation", response_class=HTMLResponse)
def moderation_page(request: Request, jz: NodeDep, actor: ActorDep) -> HTMLResponse:
    """The moderator's queue (hidden content first) and the removals of one's own content to appeal."""
    require_signed_in(actor, "the moderation queue")
    removed = [n for n in jz.notifications(actor=actor)
               if n["kind"] == "moderation.removed" and n["details"].get("may_appeal")]
    return render(request, "collective/moderation.html",
                  {"queue": jz.reports(actor=actor), "removed": removed, "reasons": REASONS})


@router.post("/moderation/{content_id}/decision")
def decide(request: Request, content_id: PathId, jz: NodeDep, actor: ActorDep, decision: str = Form(""),
           reason: str = Form("")) -> RedirectResponse:
    """Restore or remove reported content, with a reason the owner reads."""
    done = jz.moderate(content_id, decision, reason, actor=actor)
    message = N_("Removed: %(ref)s.") if done["state"] == "removed" else N_("Restored: %(ref)s.")
    return redirect(request, "/moderation", message, ref=done["ref"])


@router.post("/moderation/{content_id}/appeal")
def appeal(request: Request, content_id: PathId, jz: NodeDep, actor: ActorDep, text: str = Form("")) -> RedirectResponse:
    """The owner appeals a removal, once."""
    jz.appeal(content_id, text, actor=actor)
    return redirect(request, "/moderation", N_("Your appeal was sent to the moderators."))


__all__ = ["router"]
