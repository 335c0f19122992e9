"""The forms of the discussion under a dataset (shown at the end of its overview tab): post a comment
or a reply, delete one's own (moderators: any), report one through the reports service.

Each route calls one facade method with the page's actor, who is decided on by the services. With
htmx (`HX-Target: discussion`) the answer is the discussion section alone, with the outcome or the
error in it; without JavaScript a success redirects to the comment with a flash message, and an
error shows the overview page again with the message above the form and the text kept."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from jazari.api.deps import MAX_INT, ActorDep, NodeDep, PathId
from jazari.app import Jazari
from jazari.errors import JazariError
from jazari.governance.actors import Actor
from jazari.web.dataset import DatasetView, _headers, _view, discussion, overview, show
from jazari.web.i18n import N_, gettext_for
from jazari.web.render import PageRoute, redirect, render

router = APIRouter(include_in_schema=False, route_class=PageRoute)
TARGET = "discussion"
FIELDS = (N_("title"), N_("description"), N_("comment"))  # what the moderation queue names in reported texts


def _htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-target") == TARGET


def _offset(value: str) -> int:
    return int(value) if value.isascii() and value.isdigit() and int(value) <= MAX_INT else 0


def _answer(view: DatasetView, offset: int, *, message: str | None = None, error: JazariError | None = None,
            draft: str = "", anchor: str = "discussion") -> Response:
    """The discussion after a form: the section alone for htmx; otherwise a redirect to `anchor` with
    the message, or the overview page with the error."""
    request = view.request
    extra: dict[str, Any] = {"comment_error": error, "draft": draft if error else ""}
    if _htmx(request):
        context = {"view": view, "info": view.info, **discussion(view, offset), **extra,
                   "comment_message": message}
        return render(request, "dataset/discussion.html", context, status=error.status if error else 200,
                      headers={"x-jazari-fragment": "1", **_headers(view)})
    if error is None:
        page = f"/datasets/{view.ref}" + (f"?comments={offset}" if offset else "")
        return redirect(request, f"{page}#{anchor}", message)
    response = show(view, "overview", overview, extra=extra)
    response.status_code = error.status
    return response


def _page(request: Request, jz: Jazari, actor: Actor, institute: str, name: str) -> DatasetView:
    return _view(request, jz, actor, institute, name, None)  # one who may not see it gets "not found"


@router.post("/datasets/{institute}/{name}/comments", response_model=None)
def post_comment(request: Request, institute: str, name: str, jz: NodeDep, actor: ActorDep,
                 body: str = Form(""), reply_to: str = Form(""), offset: str = Form("")) -> Response:
    """Post a comment, or a reply to one (`reply_to`)."""
    view = _page(request, jz, actor, institute, name)
    try:
        done = jz.comment(view.ref, body, reply_to=reply_to.strip() or None, actor=actor)
    except JazariError as error:
        return _answer(view, _offset(offset), error=error, draft=body)
    message = N_("Your comment is posted.")
    return _answer(view, _offset(offset), message=gettext_for(view.lang)(message) if _htmx(request) else message,
                   anchor=f"comment-{done['id']}")


@router.post("/datasets/{institute}/{name}/comments/{comment_id}/delete", response_model=None)
def delete_comment(request: Request, institute: str, name: str, comment_id: PathId, jz: NodeDep, actor: ActorDep,
                   offset: str = Form("")) -> Response:
    """Delete a comment (its author, or a moderator); a tombstone keeps its replies."""
    view = _page(request, jz, actor, institute, name)
    try:
        jz.comment_delete(view.ref, comment_id, actor=actor)
    except JazariError as error:
        return _answer(view, _offset(offset), error=error)
    message = N_("The comment is deleted.")
    return _answer(view, _offset(offset), message=gettext_for(view.lang)(message) if _htmx(request) else message)


@router.post("/datasets/{institute}/{name}/comments/{comment_id}/report", response_model=None)
def report_comment(request: Request, institute: str, name: str, comment_id: PathId, jz: NodeDep, actor: ActorDep,
                   reason: str = Form(""), note: str = Form(""), offset: str = Form("")) -> Response:
    """Report a comment; the reporter reads the seed's message in the page's language."""
    view = _page(request, jz, actor, institute, name)
    try:
        done = jz.report("comment", str(comment_id), reason, note=note or None, locale=view.lang, actor=actor)
    except JazariError as error:
        return _answer(view, _offset(offset), error=error)
    return _answer(view, _offset(offset), message=done["message"])  # already in the reporter's language


__all__ = ["router"]
