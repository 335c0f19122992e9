"""Catalog: descriptive metadata per dataset (`datasets.metadata`, JSON) and the search index:
an FTS5 table on SQLite, a table with a weighted `tsvector` and a GIN index on PostgreSQL, and the
vocabulary of indexed terms with their consonant skeletons (Arabizi look-ups).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("datasets", sa.Column("metadata", sa.JSON, nullable=False, server_default=sa.text("'{}'")))
    op.create_table(
        "search_terms",
        sa.Column("term", sa.String(200), primary_key=True),
        sa.Column("skeleton", sa.String(200), index=True),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE search_index USING fts5(title, body, tokenize = 'unicode61')")
        return
    op.create_table(
        "search_index",
        sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
    )
    op.execute(
        "ALTER TABLE search_index ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
        "(setweight(to_tsvector('simple'::regconfig, title), 'A') || "
        "setweight(to_tsvector('simple'::regconfig, body), 'B')) STORED"
    )
    op.create_index("ix_search_index_tsv", "search_index", ["tsv"], postgresql_using="gin")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS search_index")
    op.drop_table("search_terms")
    op.drop_column("datasets", "metadata")
