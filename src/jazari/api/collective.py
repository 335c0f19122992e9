"""Routes of campaigns (create, contribute, follow, aggregate, publish) and of community reports and
their moderation; each calls one facade method with the actor."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from jazari.api.deps import MAX_INT, ActorDep, NodeDep, PathId
from jazari.errors import InputError

router = APIRouter(prefix="/api/v1", tags=["collective"])


class AnswerBody(BaseModel):
    """An answer to an item, with the id the client chose for it (a retry with the same id counts once)."""

    item: int = Field(ge=1, le=MAX_INT)
    value: Any
    answer_id: str
    seconds: float | None = None
    credit: str | None = None


class StatusBody(BaseModel):
    """open, paused or closed."""

    status: str


class AggregateBody(BaseModel):
    """A crowd-kit method (translations are chosen by validation votes) and how many results to show."""

    method: str = "dawid_skene"
    limit: int = 100


class PublishBody(BaseModel):
    """Where the gold data goes (`institute/name`), by which method, and the raw answers' dataset."""

    dataset: str
    method: str = "dawid_skene"
    answers_dataset: str | None = None


class ReportBody(BaseModel):
    """What is reported (kind and ref), why, a note, and the language of the reply."""

    kind: str
    ref: str
    reason: str
    note: str | None = None
    locale: str | None = None


class DecisionBody(BaseModel):
    """restore or remove, with a reason the owner reads."""

    decision: str
    reason: str


class AppealBody(BaseModel):
    """Why the removal is wrong."""

    text: str


@router.post("/campaigns", status_code=201)
def create_campaign(jz: NodeDep, actor: ActorDep, spec: dict[str, Any] = Body(...)) -> dict[str, Any]:
    """Create a campaign over a dataset version (the owner's stewards); see docs/collective.md."""
    return jz.create_campaign(spec, actor=actor)


@router.get("/campaigns")
def list_campaigns(jz: NodeDep, actor: ActorDep, manage: bool = False) -> list[dict[str, Any]]:
    """The campaigns the caller may contribute to (with `manage`: those they follow as steward)."""
    return jz.campaigns(manage=manage, actor=actor)


@router.get("/campaigns/{campaign_id}")
def get_campaign(campaign_id: PathId, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """The task as contributors see it: type, fields, labels with keys, instructions, examples."""
    return jz.campaign(campaign_id, actor=actor)


@router.patch("/campaigns/{campaign_id}")
def set_campaign_status(campaign_id: PathId, body: StatusBody, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """Open, pause or close a campaign (its stewards)."""
    return jz.campaign_set_status(campaign_id, body.status, actor=actor)


# Contributors call `next` and `answers` all day: their results are sent as they are (plain JSON, no
# response model to validate them against), see benchmarks/collective.py --submissions.
JSON_OBJECT = {"content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}}}


@router.get("/campaigns/{campaign_id}/next", response_model=None, responses={200: JSON_OBJECT})
def next_item(
    campaign_id: PathId, jz: NodeDep, actor: ActorDep,
    skip: list[int] = Query(default=[], description="Item ids skipped in this session."),
) -> JSONResponse:
    """The next item for the caller to answer (`item` is null when none is left)."""
    try:
        return JSONResponse(jz.campaign_next(campaign_id, skip=skip, actor=actor))
    except InputError as exc:  # a bad query parameter is a 422, as FastAPI answers for the others
        if exc.context.get("field") != "skip":
            raise
        raise RequestValidationError([{"loc": ("query", "skip"), "type": "value_error", "msg": exc.message,
                                       "input": skip}]) from None


@router.post("/campaigns/{campaign_id}/answers", status_code=201, response_model=None,
             responses={200: {"description": "A retry: this answer id was recorded before", **JSON_OBJECT},
                        201: {"description": "Recorded", **JSON_OBJECT}})
def answer(campaign_id: PathId, body: AnswerBody, jz: NodeDep, actor: ActorDep) -> JSONResponse:
    """Answer an item; 201 when recorded, 200 when this answer id was recorded before (a retry)."""
    result = jz.campaign_answer(campaign_id, body.item, body.value, body.answer_id, seconds=body.seconds,
                                credit=body.credit, actor=actor)
    return JSONResponse(result, status_code=200 if result["duplicate"] else 201)


@router.get("/campaigns/{campaign_id}/status")
def campaign_status(campaign_id: PathId, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """Progress, agreement, label distribution, reliability and spammers (the owner's stewards)."""
    return jz.campaign_status(campaign_id, actor=actor)


@router.post("/campaigns/{campaign_id}/aggregate")
def aggregate(campaign_id: PathId, jz: NodeDep, actor: ActorDep, body: AggregateBody | None = None) -> dict[str, Any]:
    """Aggregated answers with confidence (the owner's stewards)."""
    body = body or AggregateBody()
    return jz.campaign_aggregate(campaign_id, body.method, limit=body.limit, actor=actor)


@router.post("/campaigns/{campaign_id}/publish", status_code=201)
def publish(campaign_id: PathId, body: PublishBody, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """Publish the gold data as a new dataset version and the raw answers, pseudonymised."""
    return jz.campaign_publish(campaign_id, body.dataset, body.method, answers_dataset=body.answers_dataset,
                               actor=actor)


@router.post("/reports", status_code=201)
def create_report(body: ReportBody, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """Report content (anyone signed in); the reply is in the reporter's language."""
    return jz.report(body.kind, body.ref, body.reason, note=body.note, locale=body.locale, actor=actor)


@router.get("/reports")
def list_reports(
    jz: NodeDep, actor: ActorDep, mine: bool = False,
    include_all: bool = Query(False, alias="all", description="Also content already decided."),
) -> list[dict[str, Any]]:
    """The moderation queue of the caller (hidden content first), or with `mine` their own reports."""
    return jz.reports(mine=mine, include_decided=include_all, actor=actor)


@router.post("/reports/{content_id}/decision")
def decide(content_id: PathId, body: DecisionBody, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """Restore or remove reported content (stewards of the owner, administrators)."""
    return jz.moderate(content_id, body.decision, body.reason, actor=actor)


@router.post("/reports/{content_id}/appeal", status_code=201)
def appeal(content_id: PathId, body: AppealBody, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """The owner appeals a removal, once."""
    return jz.appeal(content_id, body.text, actor=actor)


@router.get("/notifications")
def notifications(jz: NodeDep, actor: ActorDep) -> list[dict[str, Any]]:
    """What the caller was told: moderation decisions on their content, appeals to decide."""
    return jz.notifications(actor=actor)
