"""The discussion under a dataset: people say a column is wrong, ask the stewards a question, point
to a better source. A comment or a reply to one (one level: a reply to a reply joins its thread).

Whoever may see a dataset reads its discussion; anyone signed in who may see it posts (at most
`JAZARI_COMMENTS_PER_HOUR` comments an hour); authors edit and delete their own comments, moderators
(the owning institute's stewards, administrators) delete any. Comments are community content: anyone
signed in reports one (`Moderation`, kind `comment`, its number as ref); once hidden, a comment is
shown only to its author and the moderators, marked hidden, and to everyone else is not there (not
counted, its replies withheld with it until a moderator restores it). A deleted comment keeps a
tombstone without its text, shown only to hold the replies under it. Every write is audited on the
dataset (never the text: a deleted comment is gone). Access is decided by `access.can_comment`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from jazari.collective.models import Comment
from jazari.collective.spec import plain_text, within_hourly_limit
from jazari.datasets.models import Dataset
from jazari.datasets.names import parse_ref
from jazari.errors import Conflict, Forbidden, InputError, NotFound, Unauthenticated
from jazari.governance.access import can_comment
from jazari.governance.actors import Actor
from jazari.governance.audit import record
from jazari.governance.models import Institute, User
from jazari.settings import Settings
from jazari.store.database import Database, utcnow

MAX_BODY = 5000
PAGE = 50  # threads per page
MAX_PAGE = 200
MAX_ID = 2**31 - 1


def comment_id(value: Any, name: str = "comment") -> int:
    """A comment's number as given (an int, or its digits in any script), checked."""
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) <= 12:
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise InputError(f"{name} is a comment's number (1 to {MAX_ID}), not {value!r}", field=name)
    return value


def withheld(session: Session, actor: Actor, dataset: Dataset, comment: Comment, *, own_reply: bool = True) -> bool:
    """Whether the actor is not shown `comment`: hidden by moderation, or a reply withheld with the
    hidden comment it answers (still there for its own author unless `own_reply` is False), to all
    but their authors and the moderators."""
    if comment.hidden and not can_comment(actor, "see_hidden", dataset, comment.author):
        return True
    if comment.reply_to is None or (own_reply and actor.signed_in and actor.name == comment.author):
        return False
    parent = session.get(Comment, comment.reply_to)
    return parent is not None and parent.hidden and not can_comment(actor, "see_hidden", dataset, parent.author)


class Comments:
    """Read, post, edit and delete the comments under datasets."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    # finding ---------------------------------------------------------------------------------
    @staticmethod
    def _dataset(session: Session, actor: Actor, ref: str) -> Dataset:
        institute, name = parse_ref(ref)
        dataset = session.scalar(select(Dataset).join(Institute).where(Institute.slug == institute,
                                                                       Dataset.name == name))
        if dataset is None or not can_comment(actor, "read", dataset):
            raise NotFound(f"no dataset {ref}", hint="`jazari datasets` lists them", field="dataset")
        return dataset

    @staticmethod
    def _shown(actor: Actor, dataset: Dataset, comment: Any = Comment) -> ColumnElement[bool]:
        """The comments (of `dataset`) the actor is shown, as a SQL condition: all to moderators, the
        visible ones and one's own to others."""
        if can_comment(actor, "see_hidden", dataset):  # a moderator (no author given)
            return true()
        if actor.signed_in:
            return or_(comment.hidden == false(), comment.author == actor.name)
        return comment.hidden == false()

    def _comment(self, session: Session, actor: Actor, dataset: Dataset, number: Any) -> Comment:
        """A comment of `dataset` the actor is shown, not deleted."""
        wanted = comment_id(number)
        found = session.get(Comment, wanted)
        if found is None or found.dataset_id != dataset.id or found.deleted_at is not None or withheld(
                session, actor, dataset, found):
            raise NotFound(f"no comment {wanted} under {dataset.ref}", field="comment")
        return found

    # reading ---------------------------------------------------------------------------------
    def list(self, actor: Actor, ref: str, *, offset: int = 0, limit: int = PAGE) -> dict[str, Any]:
        """A page of the discussion, oldest thread first, each comment with its replies under it
        (oldest first); `threads` counts the threads one is shown, `count` the comments."""
        if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset <= MAX_ID:
            raise InputError(f"offset must be a whole number from 0, not {offset!r}", field="offset")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
            raise InputError(f"limit must be a whole number from 1 to {MAX_PAGE}, not {limit!r}", field="limit")
        with self.db.session() as session:
            dataset = self._dataset(session, actor, ref)
            reply, held = aliased(Comment), aliased(Comment)  # a reply; one that holds a tombstone's place
            shown, shown_reply = self._shown(actor, dataset), self._shown(actor, dataset, reply)
            live_reply = and_(held.reply_to == Comment.id, held.deleted_at.is_(None), self._shown(actor, dataset, held))
            threads = and_(Comment.dataset_id == dataset.id, Comment.reply_to.is_(None), shown,
                           or_(Comment.deleted_at.is_(None), exists().where(live_reply)))
            total = session.scalar(select(func.count()).select_from(Comment).where(threads)) or 0
            count = (session.scalar(select(func.count()).select_from(Comment).where(
                threads, Comment.deleted_at.is_(None))) or 0) + (session.scalar(
                    select(func.count()).select_from(reply).join(Comment, reply.reply_to == Comment.id)
                    .where(threads, reply.deleted_at.is_(None), shown_reply)) or 0)
            tops = session.scalars(select(Comment).where(threads).order_by(Comment.id)
                                   .offset(offset).limit(limit)).all()
            replies = session.scalars(select(reply).where(
                reply.reply_to.in_([c.id for c in tops]), reply.deleted_at.is_(None), shown_reply)
                .order_by(reply.id)).all() if tops else []
            names = self._names(session, [*tops, *replies])
            under: dict[int, list[dict[str, Any]]] = {}
            for r in replies:
                under.setdefault(r.reply_to or 0, []).append(self._dict(actor, dataset, r, names))
            comments = [{**self._dict(actor, dataset, c, names), "replies": under.get(c.id, [])} for c in tops]
            return {"dataset": dataset.ref, "offset": offset, "limit": limit, "threads": total, "count": count,
                    "has_more": offset + len(tops) < total, "may_post": can_comment(actor, "post", dataset),
                    "comments": comments}

    @staticmethod
    def _names(session: Session, comments: list[Comment]) -> dict[str, str]:
        """The display names of the authors (their emails stay out of the discussion)."""
        emails = sorted({c.author for c in comments})
        if not emails:
            return {}
        return dict(session.execute(select(User.email, User.name).where(User.email.in_(emails))).all())  # type: ignore[arg-type]

    @staticmethod
    def _dict(actor: Actor, dataset: Dataset, comment: Comment, names: dict[str, str]) -> dict[str, Any]:
        deleted = comment.deleted_at is not None
        mine = actor.signed_in and comment.author == actor.name
        return {
            "id": comment.id, "reply_to": comment.reply_to,
            "author": None if deleted else names.get(comment.author, comment.author), "mine": mine,
            "body": None if deleted else comment.body, "created_at": comment.created_at.isoformat(),
            "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
            "hidden": comment.hidden, "deleted": deleted,
            "may_edit": not deleted and not comment.hidden and can_comment(actor, "edit", dataset, comment.author),
            "may_delete": not deleted and can_comment(actor, "delete", dataset, comment.author),
            "may_reply": comment.reply_to is None and not deleted and not comment.hidden
            and can_comment(actor, "post", dataset),
        }

    # writing ---------------------------------------------------------------------------------
    def _may(self, actor: Actor, action: str, dataset: Dataset, author: str | None = None) -> None:
        if can_comment(actor, action, dataset, author):
            return
        if not actor.signed_in:
            raise Unauthenticated(f"sign in to {action} a comment")
        if "write" not in actor.scopes:
            raise Forbidden(f"this token may only read; to {action} a comment needs the write scope")
        who = "its author" if action == "edit" else "its author or a moderator"
        raise Forbidden(f"{actor.name} may not {action} this comment", hint=f"only {who} can")

    def post(self, actor: Actor, ref: str, body: Any, reply_to: Any = None) -> dict[str, Any]:
        """Post a comment under a dataset, or a reply to one of its comments."""
        now = utcnow()
        with self.db.session() as session:
            dataset = self._dataset(session, actor, ref)
            self._may(actor, "post", dataset)
            text = plain_text(body, "body", MAX_BODY, required=True)
            parent = None
            if reply_to is not None:
                number = comment_id(reply_to, "reply_to")
                parent = session.get(Comment, number)
                if parent is None or parent.dataset_id != dataset.id or parent.deleted_at is not None or withheld(
                        session, actor, dataset, parent, own_reply=False):
                    raise InputError(f"no comment {number} under {dataset.ref} to reply to", field="reply_to")
                if parent.reply_to is not None:  # one level: a reply to a reply joins the thread
                    parent = session.get(Comment, parent.reply_to)
                    assert parent is not None
                if parent.hidden or parent.deleted_at is not None:
                    raise Conflict(f"comment {parent.id} is hidden pending review: no reply until a moderator "
                                   "restores it" if parent.hidden else f"comment {parent.id} was deleted",
                                   field="reply_to")
            within_hourly_limit(session, Comment.author, Comment.created_at, actor.name,
                                self.settings.comments_per_hour, "comments", now)
            comment = Comment(dataset_id=dataset.id, reply_to=parent.id if parent else None, author=actor.name,
                              body=text, hidden=False, created_at=now)
            session.add(comment)
            session.flush()
            record(session, actor.name, "comment.create", dataset.ref, client=actor.client,
                   details={"comment": comment.id, "reply_to": comment.reply_to, "characters": len(text or "")})
            return self._dict(actor, dataset, comment, self._names(session, [comment]))

    def edit(self, actor: Actor, ref: str, number: Any, body: Any) -> dict[str, Any]:
        """Change the text of one's own comment (not while moderation hides it)."""
        with self.db.session() as session:
            dataset = self._dataset(session, actor, ref)
            comment = self._comment(session, actor, dataset, number)
            self._may(actor, "edit", dataset, comment.author)
            text = plain_text(body, "body", MAX_BODY, required=True)
            if comment.hidden:
                raise Conflict(f"comment {comment.id} is hidden pending review: a moderator decides first")
            comment.body, comment.edited_at = text, utcnow()
            record(session, actor.name, "comment.edit", dataset.ref, client=actor.client,
                   details={"comment": comment.id, "characters": len(text or "")})
            return self._dict(actor, dataset, comment, self._names(session, [comment]))

    def delete(self, actor: Actor, ref: str, number: Any) -> dict[str, Any]:
        """Delete a comment (its author, or a moderator): its text goes, a tombstone keeps its replies."""
        with self.db.session() as session:
            dataset = self._dataset(session, actor, ref)
            comment = self._comment(session, actor, dataset, number)
            self._may(actor, "delete", dataset, comment.author)
            by = "author" if actor.signed_in and actor.name == comment.author else "moderator"
            comment.body, comment.deleted_at, comment.deleted_by = None, utcnow(), actor.name
            record(session, actor.name, "comment.delete", dataset.ref, client=actor.client,
                   details={"comment": comment.id, "by": by})
            return {"dataset": dataset.ref, "comment": comment.id, "deleted": True, "by": by}
