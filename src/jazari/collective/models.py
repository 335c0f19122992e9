"""Tables of collective work: campaigns, their items and answers, contributors' standing, and the
community's reports with the moderation of reported content (migration 0007); the discussion under
each dataset (comments, migration 0008).

The rules a race could break are kept by the database itself: one answer per item and contributor,
one client answer id per contributor (a retried submission counts once), one answer per slot of an
item (so no more than `max_overlap`), one open report per person and content, one appeal per
decision.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from jazari.store.database import Base, UTCDateTime, utcnow

CAMPAIGN_TYPES = ("classify", "multilabel", "spans", "translate", "validate")
CONTRIBUTORS = ("public", "network", "institute")
CAMPAIGN_STATUSES = ("open", "paused", "closed")
ITEM_STATES = ("open", "decided", "exhausted", "hidden")
REPORT_REASONS = ("personal_data", "offensive", "wrong", "spam", "copyright", "other")
CONTENT_KINDS = ("dataset", "description", "item", "image", "comment")
CONTENT_STATES = ("visible", "hidden", "removed", "restored")


class Campaign(Base):
    """Collective work on one version of a dataset: what to ask, of whom, and how many times."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institute: Mapped[str] = mapped_column(String(63), index=True)  # the owner: the dataset's institute
    dataset: Mapped[str] = mapped_column(String(200))  # institute/name
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(20))
    contributors: Mapped[str] = mapped_column(String(20))  # public | network | institute
    status: Mapped[str] = mapped_column(String(20), default="open")
    config: Mapped[dict[str, Any]] = mapped_column(JSON)  # fields, labels, instructions, examples, ...
    min_overlap: Mapped[int] = mapped_column(Integer)
    max_overlap: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[float] = mapped_column(Float)  # an item is decided at this posterior
    gold_rate: Mapped[float] = mapped_column(Float)
    gold_min_answers: Mapped[int] = mapped_column(Integer)
    gold_min_accuracy: Mapped[float] = mapped_column(Float)
    source_campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))  # validate a translate
    created_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Item(Base):
    """One thing to answer: a snapshot of the row's shown fields (or a reference to a file); a gold
    item carries its truth, which no contributor ever receives."""

    __tablename__ = "campaign_items"
    __table_args__ = (
        UniqueConstraint("campaign_id", "key"),
        Index("ix_campaign_items_next", "campaign_id", "state", "answers"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    gold: Mapped[Any | None] = mapped_column(JSON)  # the truth of a control item; never sent out
    is_gold: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(20), default="open")
    answers: Mapped[int] = mapped_column(Integer, default=0)  # slots taken (answers given)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Answer(Base):
    """A contributor's answer to an item, with the id the client chose for it."""

    __tablename__ = "campaign_answers"
    __table_args__ = (
        UniqueConstraint("item_id", "contributor", name="uq_campaign_answers_item_contributor"),
        UniqueConstraint("contributor", "client_id", name="uq_campaign_answers_contributor_client"),
        UniqueConstraint("item_id", "slot", name="uq_campaign_answers_item_slot"),
        Index("ix_campaign_answers_campaign", "campaign_id", "contributor"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("campaign_items.id", ondelete="CASCADE"))
    contributor: Mapped[str] = mapped_column(String(320))
    client_id: Mapped[str] = mapped_column(String(100))
    slot: Mapped[int] = mapped_column(Integer)  # 1..max_overlap for ordinary items
    value: Mapped[Any] = mapped_column(JSON)
    seconds: Mapped[float | None] = mapped_column(Float)  # time the contributor took, if the client says
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Contributor(Base):
    """A contributor's standing in one campaign: answers, control answers, whether blocked, credit."""

    __tablename__ = "campaign_contributors"
    __table_args__ = (UniqueConstraint("campaign_id", "contributor"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    contributor: Mapped[str] = mapped_column(String(320))
    answers: Mapped[int] = mapped_column(Integer, default=0)
    gold_answers: Mapped[int] = mapped_column(Integer, default=0)
    gold_correct: Mapped[int] = mapped_column(Integer, default=0)
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    credit_name: Mapped[str | None] = mapped_column(String(300))  # set only with the person's consent


class Publication(Base):
    """A dataset version made from a campaign: method, counts and the credits for its data card."""

    __tablename__ = "campaign_publications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    dataset: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    answers_dataset: Mapped[str | None] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(40))
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)
    credits: Mapped[list[Any]] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Content(Base):
    """A piece of content someone reported, and where its moderation stands."""

    __tablename__ = "moderated_contents"
    __table_args__ = (UniqueConstraint("kind", "ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(String(400))
    institute: Mapped[str] = mapped_column(String(63), index=True)  # whose stewards moderate it
    owner: Mapped[str | None] = mapped_column(String(320))  # the person told of decisions, if one
    state: Mapped[str] = mapped_column(String(20), default="visible")
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision: Mapped[str | None] = mapped_column(String(20))  # restore | remove
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(320))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    round: Mapped[int] = mapped_column(Integer, default=1)  # a restored content starts a new round
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Report(Base):
    """One person's report of a content, with a reason; a person's open report counts once."""

    __tablename__ = "reports"
    __table_args__ = (
        Index("uq_reports_open", "content_id", "reporter", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_id: Mapped[int] = mapped_column(ForeignKey("moderated_contents.id", ondelete="CASCADE"), index=True)
    reporter: Mapped[str] = mapped_column(String(320), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    weight: Mapped[float] = mapped_column(Float)
    established: Mapped[bool] = mapped_column(Boolean)  # the account was old enough when reporting
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | upheld | rejected
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Appeal(Base):
    """The owner's one appeal against a removal."""

    __tablename__ = "moderation_appeals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_id: Mapped[int] = mapped_column(ForeignKey("moderated_contents.id", ondelete="CASCADE"), unique=True)
    appellant: Mapped[str] = mapped_column(String(320))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | granted | denied
    decided_by: Mapped[str | None] = mapped_column(String(320))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Notification(Base):
    """A message for a person or an institute's stewards (e.g. the owner told of a decision)."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320), index=True)  # an email, or `institute:<slug>`
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(400))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Comment(Base):
    """A person's comment under a dataset, or a reply to one (one level); hidden by moderation, or
    deleted (by its author or a moderator) as a tombstone without its text that keeps its replies in place."""

    __tablename__ = "dataset_comments"
    __table_args__ = (Index("ix_dataset_comments_thread", "dataset_id", "reply_to", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"))
    reply_to: Mapped[int | None] = mapped_column(ForeignKey("dataset_comments.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(String(320), index=True)
    body: Mapped[str | None] = mapped_column(Text)  # None once deleted
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)  # by moderation
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by: Mapped[str | None] = mapped_column(String(320))
