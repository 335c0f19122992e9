"""The Data Factory backbone: institutes, datasets, versions, jobs.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "institutes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("slug", sa.String(63), nullable=False),
        sa.Column("name_fr", sa.String(300)),
        sa.Column("name_ar", sa.String(300)),
        sa.Column("name_en", sa.String(300)),
        sa.Column("region", sa.String(2)),
        sa.Column("kind", sa.String(30)),
        _ts("created_at"),
        sa.UniqueConstraint("slug", name="uq_institutes_slug"),
    )
    op.create_table(
        "datasets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "institute_id",
            sa.Integer,
            sa.ForeignKey("institutes.id", name="fk_datasets_institute_id_institutes"),
            nullable=False,
        ),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("title", sa.String(500)),
        sa.Column("description", sa.Text),
        sa.Column("access_level", sa.String(20), nullable=False),
        sa.Column("recipe", sa.JSON, nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        sa.UniqueConstraint("institute_id", "name", name="uq_datasets_institute_id"),
    )
    op.create_table(
        "versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "dataset_id",
            sa.Integer,
            sa.ForeignKey("datasets.id", name="fk_versions_dataset_id_datasets", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("delta_version", sa.Integer, nullable=False),
        sa.Column("quarantine_delta_version", sa.Integer),
        sa.Column("mode", sa.String(10), nullable=False),
        sa.Column("source_name", sa.String(500), nullable=False),
        sa.Column("source_size", sa.BigInteger, nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.Column("reader_options", sa.JSON, nullable=False),
        sa.Column("table_schema", sa.JSON, nullable=False),
        sa.Column("rows_read", sa.BigInteger, nullable=False),
        sa.Column("rows_written", sa.BigInteger, nullable=False),
        sa.Column("rows_quarantined", sa.BigInteger, nullable=False),
        sa.Column("rows_total", sa.BigInteger, nullable=False),
        sa.Column("profile", sa.JSON, nullable=False),
        sa.Column("validation", sa.JSON, nullable=False),
        sa.Column("privacy", sa.JSON),
        sa.Column("actor", sa.String(320), nullable=False),
        sa.Column("software_version", sa.String(40), nullable=False),
        sa.Column("job_id", sa.String(36)),
        _ts("created_at"),
        sa.UniqueConstraint("dataset_id", "number", name="uq_versions_dataset_id"),
    )
    op.create_index("ix_versions_source_sha256", "versions", ["source_sha256"])
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("progress", sa.Float, nullable=False),
        sa.Column("message", sa.Text),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("result", sa.JSON),
        sa.Column("error", sa.JSON),
        sa.Column("actor", sa.String(320), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
    )


def downgrade() -> None:
    op.drop_table("jobs")
    op.drop_index("ix_versions_source_sha256", "versions")
    op.drop_table("versions")
    op.drop_table("datasets")
    op.drop_table("institutes")
