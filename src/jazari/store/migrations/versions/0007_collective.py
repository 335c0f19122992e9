"""Collective intelligence: campaigns, items, answers (one per item and contributor, one per client
answer id, one per slot), contributors' standing, publications; community reports, moderated
contents, appeals and notifications; datasets can be hidden by moderation; versions may name
where they come from (`origin`: a campaign, its method and counts).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")


def _when(name: str, **kw: object) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), **kw)


def upgrade() -> None:
    op.add_column("datasets", sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column("datasets", sa.Column("description_hidden", sa.Boolean, nullable=False,
                                        server_default=sa.false()))
    op.add_column("versions", sa.Column("origin", sa.JSON, nullable=True))
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("institute", sa.String(63), nullable=False, index=True),
        sa.Column("dataset", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("contributors", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("config", sa.JSON, nullable=False),
        sa.Column("min_overlap", sa.Integer, nullable=False),
        sa.Column("max_overlap", sa.Integer, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("gold_rate", sa.Float, nullable=False),
        sa.Column("gold_min_answers", sa.Integer, nullable=False),
        sa.Column("gold_min_accuracy", sa.Float, nullable=False),
        sa.Column("source_campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=True),
        sa.Column("created_by", sa.String(320), nullable=False),
        _when("created_at", nullable=False),
        sa.CheckConstraint("1 <= min_overlap AND min_overlap <= max_overlap", name="overlap"),
    )
    op.create_table(
        "campaign_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("gold", sa.JSON, nullable=True),
        sa.Column("is_gold", sa.Boolean, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("answers", sa.Integer, nullable=False),
        _when("decided_at", nullable=True),
        sa.UniqueConstraint("campaign_id", "key"),
    )
    op.create_index("ix_campaign_items_next", "campaign_items", ["campaign_id", "state", "answers"])
    op.create_table(
        "campaign_answers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("campaign_items.id", ondelete="CASCADE"), nullable=False),
        sa.Column("contributor", sa.String(320), nullable=False),
        sa.Column("client_id", sa.String(100), nullable=False),
        sa.Column("slot", sa.Integer, nullable=False),
        sa.Column("value", sa.JSON, nullable=False),
        sa.Column("seconds", sa.Float, nullable=True),
        _when("created_at", nullable=False),
        sa.UniqueConstraint("item_id", "contributor", name="uq_campaign_answers_item_contributor"),
        sa.UniqueConstraint("contributor", "client_id", name="uq_campaign_answers_contributor_client"),
        sa.UniqueConstraint("item_id", "slot", name="uq_campaign_answers_item_slot"),
    )
    op.create_index("ix_campaign_answers_campaign", "campaign_answers", ["campaign_id", "contributor"])
    op.create_table(
        "campaign_contributors",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False),
        sa.Column("contributor", sa.String(320), nullable=False),
        sa.Column("answers", sa.Integer, nullable=False),
        sa.Column("gold_answers", sa.Integer, nullable=False),
        sa.Column("gold_correct", sa.Integer, nullable=False),
        _when("blocked_at", nullable=True),
        sa.Column("credit_name", sa.String(300), nullable=True),
        sa.UniqueConstraint("campaign_id", "contributor"),
    )
    op.create_table(
        "campaign_publications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("dataset", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("answers_dataset", sa.String(200), nullable=True),
        sa.Column("method", sa.String(40), nullable=False),
        sa.Column("counts", sa.JSON, nullable=False),
        sa.Column("credits", sa.JSON, nullable=False),
        sa.Column("actor", sa.String(320), nullable=False),
        _when("created_at", nullable=False),
    )
    op.create_table(
        "moderated_contents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("ref", sa.String(400), nullable=False),
        sa.Column("institute", sa.String(63), nullable=False, index=True),
        sa.Column("owner", sa.String(320), nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        _when("hidden_at", nullable=True),
        sa.Column("decision", sa.String(20), nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("decided_by", sa.String(320), nullable=True),
        _when("decided_at", nullable=True),
        sa.Column("round", sa.Integer, nullable=False),
        _when("created_at", nullable=False),
        sa.UniqueConstraint("kind", "ref"),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("content_id", sa.Integer, sa.ForeignKey("moderated_contents.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("reporter", sa.String(320), nullable=False, index=True),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("weight", sa.Float, nullable=False),
        sa.Column("established", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("locale", sa.String(5), nullable=False),
        _when("created_at", nullable=False, index=True),
    )
    op.create_index("uq_reports_open", "reports", ["content_id", "reporter"], unique=True,
                    sqlite_where=OPEN, postgresql_where=OPEN)
    op.create_table(
        "moderation_appeals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("content_id", sa.Integer, sa.ForeignKey("moderated_contents.id", ondelete="CASCADE"),
                  nullable=False, unique=True),
        sa.Column("appellant", sa.String(320), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("decided_by", sa.String(320), nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        _when("created_at", nullable=False),
        _when("decided_at", nullable=True),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("recipient", sa.String(320), nullable=False, index=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(400), nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        _when("created_at", nullable=False),
        _when("read_at", nullable=True),
    )


def downgrade() -> None:
    for table in ("notifications", "moderation_appeals", "reports", "moderated_contents", "campaign_publications",
                  "campaign_contributors", "campaign_answers", "campaign_items", "campaigns"):
        op.drop_table(table)
    # plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch copy would drop `datasets` and so cascade
    op.drop_column("versions", "origin")
    op.drop_column("datasets", "description_hidden")
    op.drop_column("datasets", "hidden")
