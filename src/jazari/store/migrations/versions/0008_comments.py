"""Comments: the discussion under each dataset (a comment, or a reply to one), hidden by moderation
(`hidden`) or deleted by its author or a moderator (a tombstone: `deleted_at`, the text gone).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _when(name: str, **kw: object) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), **kw)


def upgrade() -> None:
    op.create_table(
        "dataset_comments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("reply_to", sa.Integer, sa.ForeignKey("dataset_comments.id", ondelete="CASCADE"), nullable=True),
        sa.Column("author", sa.String(320), nullable=False, index=True),
        sa.Column("body", sa.Text, nullable=True),
        sa.Column("hidden", sa.Boolean, nullable=False),
        _when("created_at", nullable=False),
        _when("edited_at", nullable=True),
        _when("deleted_at", nullable=True),
        sa.Column("deleted_by", sa.String(320), nullable=True),
    )
    op.create_index("ix_dataset_comments_thread", "dataset_comments", ["dataset_id", "reply_to", "id"])


def downgrade() -> None:
    op.drop_table("dataset_comments")
