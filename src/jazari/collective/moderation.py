"""Community reports and moderation.

Anyone signed in may report a dataset, its description, a campaign item or its image, or a comment
(`collective.comments`) with a reason. A content is hidden from everyone but its moderators and its
owner once its open reports reach the threshold: a weighted sum of at least N (`JAZARI_REPORT_THRESHOLD`,
3; `JAZARI_REPORT_THRESHOLD_PERSONAL_DATA`, 2, counting the reports of exposed personal data) from
distinct people of whom at least two hold established accounts. One person's reports count once;
a report weighs less when the account is new (0.2 the day it was created, 0.5 within a week) and
when its author's past reports were rejected ((upheld + 1) / (upheld + 2 x rejected + 1)). So no one
hides anything alone, however many accounts they open the same day.

Moderators (the owning institute's stewards, platform administrators) see a queue, and restore
(the reports are rejected) or remove (they are upheld) with a reason; the owner is told and may
appeal a removal once. Reports are rate-limited per person. Every step is audited.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jazari.catalog.search import reindex
from jazari.collective.campaigns import campaign_source
from jazari.collective.comments import withheld
from jazari.collective.messages import reported_message
from jazari.collective.models import (
    CONTENT_KINDS,
    REPORT_REASONS,
    Appeal,
    Campaign,
    Comment,
    Content,
    Item,
    Notification,
    Report,
)
from jazari.collective.spec import plain_text, within_hourly_limit
from jazari.collective.work import Work
from jazari.datasets.models import Dataset
from jazari.datasets.names import parse_ref
from jazari.errors import Conflict, Forbidden, InputError, NotFound, Unauthenticated
from jazari.governance.access import can, can_appeal, can_comment, can_moderate, can_on_campaign, can_report
from jazari.governance.actors import Actor
from jazari.governance.audit import record
from jazari.governance.models import Institute, User
from jazari.settings import Settings
from jazari.store.database import Database, utcnow

NEW_ACCOUNT = timedelta(days=7)
MAX_NOTE = 2000
DECISIONS = ("restore", "remove")
ITEM_REF = re.compile(r"(\d{1,12})/(\d{1,12})")  # CAMPAIGN/ITEM; any script's decimal digits
COMMENT_REF = re.compile(r"\d{1,12}")  # a comment's number
MAX_TEXT = 5000  # of each text the moderation queue shows
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class Target:
    """A reported content resolved: its owner institute, the person told of decisions, and how to hide
    or show it again."""

    ref: str  # the content's one name (`institute/name`, `CAMPAIGN/ITEM`, a comment's number: ASCII digits)
    institute: str
    owner: str | None
    apply: Callable[[Session, bool], None]  # (session, hidden)
    gone: bool = False  # deleted since (a comment): moderators may still decide, nobody reports it


def reporter_weight(created_at: datetime | None, now: datetime, upheld: int, rejected: int) -> tuple[float, bool]:
    """How much a report counts, and whether its author's account is established (a week old)."""
    if created_at is None:  # the node operator
        return 1.0, True
    age = now - created_at
    factor = 0.2 if age < timedelta(days=1) or created_at.date() == now.date() else 0.5 if age < NEW_ACCOUNT else 1.0
    record_factor = (upheld + 1) / (upheld + 2 * rejected + 1)
    return round(factor * record_factor, 6), age >= NEW_ACCOUNT


def should_hide(reports: list[Report], threshold: int, personal_threshold: int) -> bool:
    """Whether open reports hide the content (see the module's docstring)."""
    def enough(chosen: list[Report], needed: int) -> bool:
        people = {r.reporter: r for r in chosen}
        established = sum(r.established for r in people.values())
        return len(people) >= 2 and established >= 2 and sum(r.weight for r in people.values()) >= needed - 1e-9

    return enough(reports, threshold) or enough([r for r in reports if r.reason == "personal_data"],
                                                personal_threshold)


def _text(value: Any) -> str | None:
    """A text to show a moderator, cut at MAX_TEXT characters."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


def reported_texts(session: Session, content: Content) -> dict[str, Any]:
    """What was reported, as it stands, for the moderators: `texts` ({field, lang, text}; text None
    when deleted) and `link`, the page where it is shown (None for items)."""
    texts: list[dict[str, Any]] = []
    link = None
    if content.kind in ("dataset", "description"):
        institute, _, name = content.ref.partition("/")
        dataset = session.scalar(select(Dataset).join(Institute).where(Institute.slug == institute,
                                                                       Dataset.name == name))
        if dataset is not None:
            link = f"/datasets/{content.ref}"
            meta = dataset.meta or {}
            fields = ("title", "description") if content.kind == "dataset" else ("description",)
            for field in fields:
                seen: set[str] = set()
                localized = meta.get(field) if isinstance(meta.get(field), dict) else {}
                for lang, value in [*localized.items(), (None, getattr(dataset, field))]:
                    text = _text(value)
                    if text and text not in seen:
                        seen.add(text)
                        texts.append({"field": field, "lang": lang, "text": text})
    elif content.kind in ("item", "image"):
        named = ITEM_REF.fullmatch(content.ref)
        item = session.get(Item, int(named[2])) if named else None
        for field, value in list(((item.payload if item else None) or {}).items())[:50]:
            text = _text(value)
            if text:
                texts.append({"field": str(field), "lang": None, "text": text})
    elif content.kind == "comment":
        comment = session.get(Comment, int(content.ref)) if content.ref.isdigit() else None
        if comment is not None:
            dataset = session.get(Dataset, comment.dataset_id)
            link = f"/datasets/{dataset.ref}#comment-{comment.id}" if dataset is not None else None
            texts.append({"field": "comment", "lang": None, "text": _text(comment.body)})
    return {"texts": texts, "link": link}


class Moderation:
    """Reports, the moderation queue, decisions, appeals and the owner's notifications."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    # resolving what is reported --------------------------------------------------------------
    def _target(self, session: Session, actor: Actor, kind: str, ref: str) -> Target:
        if kind in ("dataset", "description"):
            institute, name = parse_ref(ref)
            dataset = session.scalar(select(Dataset).join(Institute).where(Institute.slug == institute,
                                                                           Dataset.name == name))
            if dataset is None or not can(actor, "see", dataset):
                raise NotFound(f"no dataset {ref}", field="ref")
            column = "hidden" if kind == "dataset" else "description_hidden"

            def hide_dataset(s: Session, hidden: bool, dataset_id: int = dataset.id) -> None:
                s.execute(update(Dataset).where(Dataset.id == dataset_id).values({column: hidden}))
                reindex(s, dataset_id)  # a hidden description's words no longer find it

            return Target(f"{institute}/{name}", institute, None, hide_dataset)
        if kind in ("item", "image"):
            named = ITEM_REF.fullmatch(ref)
            if named is None:
                raise InputError(f"an {kind} is named CAMPAIGN/ITEM (two numbers), not {ref!r}", field="ref")
            campaign_id, item_id = int(named[1]), int(named[2])
            found = campaign_id <= MAX_ID and item_id <= MAX_ID
            campaign = session.get(Campaign, campaign_id) if found else None
            item = session.get(Item, item_id) if found else None
            if campaign is None or item is None or item.campaign_id != campaign.id \
                    or not can_on_campaign(actor, "see", campaign, campaign_source(session, campaign)):
                raise NotFound(f"no item {ref}", field="ref")

            def hide_item(s: Session, hidden: bool, item: Item = item, campaign: Campaign = campaign) -> None:
                s.execute(update(Item).where(Item.id == item.id).values(state="hidden" if hidden else "open"))
                if not hidden and not item.is_gold:  # decided or retired again, as its answers say
                    Work._decide(s, campaign, item.id)

            return Target(f"{campaign_id}/{item_id}", campaign.institute, campaign.created_by, hide_item)
        if kind == "comment":
            if COMMENT_REF.fullmatch(ref) is None:
                raise InputError(f"a comment is named by its number, not {ref!r}", field="ref")
            number = int(ref)
            comment = session.get(Comment, number) if number <= MAX_ID else None
            dataset = session.get(Dataset, comment.dataset_id) if comment is not None else None
            if comment is None or dataset is None or not can_comment(actor, "read", dataset) or withheld(
                    session, actor, dataset, comment):
                raise NotFound(f"no comment {ref}", field="ref")

            def hide_comment(s: Session, hidden: bool, comment_id: int = comment.id) -> None:
                s.execute(update(Comment).where(Comment.id == comment_id).values(hidden=hidden))

            return Target(str(number), dataset.institute.slug, comment.author, hide_comment,
                          gone=comment.deleted_at is not None)
        raise NotFound(f"no {kind} {ref}", field="ref")

    # reporting -------------------------------------------------------------------------------
    def report(self, actor: Actor, kind: str, ref: str, reason: str, note: str | None = None,
               locale: str | None = None) -> dict[str, Any]:
        """Report a content; the reporter's message is in their language (fr, ar, en)."""
        if not actor.signed_in:
            raise Unauthenticated("sign in to report content")
        if not can_report(actor):
            raise Forbidden("this token may only read; a report needs the write scope")
        if kind not in CONTENT_KINDS:
            raise InputError(f"kind must be one of {', '.join(CONTENT_KINDS)}", field="kind")
        if reason not in REPORT_REASONS:
            raise InputError(f"reason must be one of {', '.join(REPORT_REASONS)}", field="reason")
        if not isinstance(ref, str) or not ref.strip() or len(ref) > 400:
            raise InputError("ref names the content (e.g. institute/name, or CAMPAIGN/ITEM)", field="ref")
        note = plain_text(note, "note", MAX_NOTE, required=False)
        now = utcnow()
        with self.db.session() as session:
            user = session.get(User, actor.user_id) if actor.user_id else None
            locale = locale if locale in ("fr", "ar", "en") else (user.locale if user else "fr")
            within_hourly_limit(session, Report.reporter, Report.created_at, actor.name,
                                self.settings.reports_per_hour, "reports", now)
            target = self._target(session, actor, kind, ref.strip())
            if target.gone:
                raise NotFound(f"no {kind} {ref.strip()}: it was deleted", field="ref")
            content = self._content(session, kind, target.ref, target)
            session.execute(update(Content).where(Content.id == content.id).values(round=Content.round))  # lock
            session.refresh(content)
            existing = self._open_report(session, content.id, actor.name)
            if existing is None and content.state != "removed":
                existing = self._add(session, actor, content, reason, note, locale, user, now)
                self._maybe_hide(session, actor, content, target)
                duplicate = False
            else:
                duplicate = existing is not None
        result = {"content": {"kind": kind, "ref": target.ref}, "reason": reason, "duplicate": duplicate,
                  "message": reported_message(kind, locale)}
        if existing is not None:
            result.update(report=existing.id, status=existing.status)
        return result

    @staticmethod
    def _content(session: Session, kind: str, ref: str, target: Target) -> Content:
        found = session.scalar(select(Content).where(Content.kind == kind, Content.ref == ref))
        if found is not None:
            return found
        try:
            with session.begin_nested():
                found = Content(kind=kind, ref=ref, institute=target.institute, owner=target.owner, state="visible",
                                round=1)
                session.add(found)
                session.flush()
        except IntegrityError:  # reported for the first time by two people at once
            found = session.scalar(select(Content).where(Content.kind == kind, Content.ref == ref))
            assert found is not None
        return found

    @staticmethod
    def _open_report(session: Session, content_id: int, reporter: str) -> Report | None:
        return session.scalar(select(Report).where(Report.content_id == content_id, Report.reporter == reporter,
                                                   Report.status == "open"))

    def _add(self, session: Session, actor: Actor, content: Content, reason: str, note: str | None, locale: str,
             user: User | None, now: datetime) -> Report:
        past = dict(session.execute(select(Report.status, func.count()).where(
            Report.reporter == actor.name, Report.status != "open").group_by(Report.status)).all())
        weight, established = reporter_weight(user.created_at if user else None, now,
                                               past.get("upheld", 0), past.get("rejected", 0))
        report = Report(content_id=content.id, reporter=actor.name, reason=reason, note=note, weight=weight,
                        established=established, status="open", locale=locale, created_at=now)
        session.add(report)
        session.flush()
        record(session, actor.name, "report.create", f"{content.kind}:{content.ref}", client=actor.client,
               details={"report": report.id, "reason": reason, "weight": weight})
        return report

    def _maybe_hide(self, session: Session, actor: Actor, content: Content, target: Target) -> None:
        if content.state == "hidden":
            return
        reports = list(session.scalars(select(Report).where(Report.content_id == content.id, Report.status == "open")))
        if not should_hide(reports, self.settings.report_threshold, self.settings.report_threshold_personal_data):
            return
        content.state, content.hidden_at = "hidden", utcnow()
        target.apply(session, True)
        record(session, "jazari", "moderation.hide", f"{content.kind}:{content.ref}",
               details={"content": content.id, "reports": len(reports),
                        "weight": round(sum(r.weight for r in reports), 6)})
        self._notify(session, content, "moderation.hidden",
                     f"{content.kind} {content.ref} is hidden after reports from several people; "
                     "a moderator will decide", {"reports": len(reports)})

    @staticmethod
    def _notify(session: Session, content: Content, kind: str, subject: str, details: dict[str, Any]) -> None:
        """Tell the owner (the person, else the owning institute's stewards)."""
        recipient = content.owner or f"institute:{content.institute}"
        session.add(Notification(recipient=recipient, kind=kind, subject=subject[:400],
                                 details={"content": content.id, "kind": content.kind, "ref": content.ref, **details}))

    # moderators ------------------------------------------------------------------------------
    def queue(self, actor: Actor, *, mine: bool = False, include_decided: bool = False) -> list[dict[str, Any]]:
        """Reported contents the actor moderates that wait for a decision (hidden, reported, appealed),
        hidden ones first; with `include_decided` all of them; with `mine` one's own reports."""
        if not actor.signed_in:
            raise Unauthenticated("sign in to see reports")
        with self.db.session() as session:
            if mine:
                rows = session.execute(select(Report, Content).join(Content, Content.id == Report.content_id)
                                       .where(Report.reporter == actor.name).order_by(Report.id.desc())).all()
                return [{"report": r.id, "kind": c.kind, "ref": c.ref, "reason": r.reason, "status": r.status,
                         "created_at": r.created_at.isoformat()} for r, c in rows]
            contents = session.scalars(select(Content).order_by(Content.id)).all()
            mod = [c for c in contents if can_moderate(actor, "review", c.institute)
                   and (include_decided or c.state == "hidden" or self._has_open(session, c)
                        or session.scalar(select(Appeal.id).where(Appeal.content_id == c.id,
                                                                  Appeal.status == "open")) is not None)]
            out = [self._content_dict(session, c) for c in mod]
        return sorted(out, key=lambda c: (c["state"] != "hidden", c["id"]))

    @staticmethod
    def _has_open(session: Session, content: Content) -> bool:
        return bool(session.scalar(select(func.count()).where(Report.content_id == content.id,
                                                              Report.status == "open")))

    @staticmethod
    def _content_dict(session: Session, content: Content) -> dict[str, Any]:
        reports = session.scalars(select(Report).where(Report.content_id == content.id).order_by(Report.id)).all()
        appeal = session.scalar(select(Appeal).where(Appeal.content_id == content.id))
        open_reports = [r for r in reports if r.status == "open"]
        return {
            "id": content.id, "kind": content.kind, "ref": content.ref, "institute": content.institute,
            "owner": content.owner, "state": content.state,
            "hidden_at": content.hidden_at.isoformat() if content.hidden_at else None,
            "open_reports": len(open_reports), "weight": round(sum(r.weight for r in open_reports), 6),
            "reports": [{"id": r.id, "reporter": r.reporter, "reason": r.reason, "note": r.note, "weight": r.weight,
                         "established": r.established, "status": r.status, "created_at": r.created_at.isoformat()}
                        for r in reports],
            "decision": content.decision, "reason": content.reason, "decided_by": content.decided_by,
            "appeal": None if appeal is None else {"id": appeal.id, "text": appeal.text, "status": appeal.status,
                                                   "reason": appeal.reason},
            **reported_texts(session, content),
        }

    def decide(self, actor: Actor, content_id: int, decision: str, reason: str) -> dict[str, Any]:
        """Restore (reports rejected) or remove (reports upheld) a reported content, with a reason; an
        open appeal is answered by the same decision (restore grants it, remove denies it)."""
        if decision not in DECISIONS:
            raise InputError("decision must be restore or remove", field="decision")
        reason = plain_text(reason if isinstance(reason, str) else None, "reason", MAX_NOTE, required=False) or ""
        if not reason:
            raise InputError(f"a reason is required (at most {MAX_NOTE} characters): the owner reads it",
                             field="reason")
        with self.db.session() as session:
            content = self._moderated(session, actor, content_id)
            target = self._target(session, Actor.operator("moderation"), content.kind, content.ref)
            appeal = session.scalar(select(Appeal).where(Appeal.content_id == content.id, Appeal.status == "open"))
            if content.state in ("removed", "restored") and not self._has_open(session, content) and appeal is None:
                raise Conflict(f"{content.kind} {content.ref} was already {content.state}",
                               hint="an owner may appeal a removal once")
            hidden = decision == "remove"
            content.state, content.decision, content.reason = ("removed" if hidden else "restored"), decision, reason
            content.decided_by, content.decided_at = actor.name, utcnow()
            if not hidden:
                content.round += 1
                content.hidden_at = None
            target.apply(session, hidden)
            session.execute(update(Report).where(Report.content_id == content.id, Report.status == "open")
                            .values(status="upheld" if hidden else "rejected"))
            if appeal is not None:
                appeal.status, appeal.reason = ("denied" if hidden else "granted"), reason
                appeal.decided_by, appeal.decided_at = actor.name, utcnow()
            record(session, actor.name, f"moderation.{decision}", f"{content.kind}:{content.ref}", client=actor.client,
                   details={"content": content.id, "reason": reason, "appeal": appeal.id if appeal else None})
            what = "removed" if hidden else "restored"
            self._notify(session, content, f"moderation.{what}",
                         f"{content.kind} {content.ref} was {what} by a moderator: {reason}",
                         {"decision": decision, "reason": reason, "may_appeal": hidden and appeal is None
                          and not session.scalar(select(Appeal.id).where(Appeal.content_id == content.id))})
            return self._content_dict(session, content)

    def _moderated(self, session: Session, actor: Actor, content_id: int) -> Content:
        content = session.get(Content, content_id)
        if content is None or not can_moderate(actor, "review", content.institute):
            raise NotFound(f"no reported content {content_id}", field="content")
        if not can_moderate(actor, "decide", content.institute):
            raise Forbidden(f"{actor.name} may not decide on content {content_id}",
                            hint="a read-only token cannot")
        return content

    def appeal(self, actor: Actor, content_id: int, text: str) -> dict[str, Any]:
        """The owner appeals a removal, once (the moderators are told)."""
        text = plain_text(text if isinstance(text, str) else None, "text", MAX_NOTE, required=False) or ""
        if not text:
            raise InputError(f"say why, in at most {MAX_NOTE} characters", field="text")
        with self.db.session() as session:
            content = session.get(Content, content_id)
            # a comment is its author's alone: the institute's members do not appeal for them
            owning = "" if content is None or content.kind == "comment" else content.institute
            if content is None or not can_appeal(actor, owning, content.owner):
                raise NotFound(f"no content {content_id} of yours that you may appeal", field="content")
            if content.state != "removed":
                raise Conflict(f"{content.kind} {content.ref} is {content.state}: only a removal is appealed")
            try:
                with session.begin_nested():
                    appeal = Appeal(content_id=content.id, appellant=actor.name, text=text, status="open")
                    session.add(appeal)
                    session.flush()
            except IntegrityError:
                raise Conflict(f"{content.kind} {content.ref} was already appealed: an appeal is made once") from None
            record(session, actor.name, "moderation.appeal", f"{content.kind}:{content.ref}", client=actor.client,
                   details={"content": content.id, "appeal": appeal.id})
            session.add(Notification(recipient=f"moderators:{content.institute}", kind="moderation.appeal",
                                     subject=f"{content.kind} {content.ref}: the owner appeals the removal",
                                     details={"content": content.id, "appeal": appeal.id}))
            return {"appeal": appeal.id, "content": content.id, "status": "open"}

    def notifications(self, actor: Actor) -> list[dict[str, Any]]:
        """What the actor was told: as a person, and as a steward of their institutes."""
        names = [actor.name] + [f"{prefix}:{slug}" for slug in actor.roles if can_moderate(actor, "review", slug)
                                for prefix in ("institute", "moderators")]
        with self.db.session() as session:
            rows = session.scalars(select(Notification).where(Notification.recipient.in_(names))
                                   .order_by(Notification.id.desc()).limit(200)).all()
            return [{"id": n.id, "recipient": n.recipient, "kind": n.kind, "subject": n.subject, "details": n.details,
                     "created_at": n.created_at.isoformat()} for n in rows]
