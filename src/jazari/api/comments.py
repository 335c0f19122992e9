"""Routes of the discussion under a dataset: list, post, edit, delete comments; each calls one facade
method with the actor (reporting a comment is `POST /api/v1/reports` with kind `comment`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from jazari.api.deps import MAX_INT, ActorDep, NodeDep, PathId
from jazari.collective.comments import MAX_PAGE, PAGE
from jazari.datasets.names import parse_ref

router = APIRouter(prefix="/api/v1", tags=["comments"])


def _ref(institute: str, name: str) -> str:
    ref = f"{institute}/{name}"
    parse_ref(ref)
    return ref


class CommentBody(BaseModel):
    """A comment's text (plain text, 1 to 5,000 characters) and the comment it answers, if any."""

    body: Any = None  # checked by the service, which names what is wrong
    reply_to: int | None = Field(default=None, ge=1, le=MAX_INT)


class CommentChange(BaseModel):
    """The comment's new text."""

    body: Any = None


@router.get("/datasets/{institute}/{name}/comments")
def list_comments(
    institute: str, name: str, jz: NodeDep, actor: ActorDep,
    offset: int = Query(0, ge=0, le=MAX_INT), limit: int = Query(PAGE, ge=1, le=MAX_PAGE),
) -> dict[str, Any]:
    """A page of the dataset's discussion: threads oldest first, each with its replies (whoever may
    see the dataset; a comment hidden by moderation only for its author and the moderators)."""
    return jz.comments(_ref(institute, name), offset=offset, limit=limit, actor=actor)


@router.post("/datasets/{institute}/{name}/comments", status_code=201)
def post_comment(institute: str, name: str, body: CommentBody, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """Post a comment, or a reply with `reply_to` (signed in, and one who may see the dataset)."""
    return jz.comment(_ref(institute, name), body.body, reply_to=body.reply_to, actor=actor)


@router.patch("/datasets/{institute}/{name}/comments/{comment_id}")
def edit_comment(institute: str, name: str, comment_id: PathId, body: CommentChange, jz: NodeDep,
                 actor: ActorDep) -> dict[str, Any]:
    """Change the text of one's own comment."""
    return jz.comment_edit(_ref(institute, name), comment_id, body.body, actor=actor)


@router.delete("/datasets/{institute}/{name}/comments/{comment_id}")
def delete_comment(institute: str, name: str, comment_id: PathId, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """Delete a comment (its author, or a moderator): a tombstone keeps its replies in place."""
    return jz.comment_delete(_ref(institute, name), comment_id, actor=actor)
