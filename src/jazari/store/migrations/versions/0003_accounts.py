"""Governance: users, memberships, sessions, tokens, sign-in failures, access requests, grants,
the CNDP register; unlisted datasets; purged raw sources.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("locale", sa.String(5), nullable=False),
        sa.Column("password_hash", sa.String(200)),
        sa.Column("is_admin", sa.Boolean, nullable=False),
        sa.Column("disabled_at", TZ),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("last_sign_in_at", TZ),
    )
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("institute_id", sa.Integer, sa.ForeignKey("institutes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.UniqueConstraint("user_id", "institute_id"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("scopes", sa.JSON, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ),
        sa.Column("last_used_at", TZ),
        sa.Column("revoked_at", TZ),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("address", sa.String(100)),
    )
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(320), nullable=False, index=True),
        sa.Column("address", sa.String(100), index=True),
        sa.Column("at", TZ, nullable=False, index=True),
    )
    op.create_table(
        "access_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("intended_use", sa.Text, nullable=False),
        sa.Column("duration_days", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("decided_by", sa.String(320)),
        sa.Column("decided_at", TZ),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "grants",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("request_id", sa.Integer, sa.ForeignKey("access_requests.id")),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("granted_by", sa.String(320), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ),
        sa.Column("revoked_by", sa.String(320)),
        sa.Column("revoke_reason", sa.Text),
    )
    op.create_table(
        "register_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False,
                  unique=True),
        sa.Column("controller", sa.String(300), nullable=False),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("legal_basis", sa.String(300), nullable=False),
        sa.Column("data_categories", sa.JSON, nullable=False),
        sa.Column("data_subjects", sa.JSON, nullable=False),
        sa.Column("recipients", sa.JSON, nullable=False),
        sa.Column("retention_days", sa.Integer, nullable=False),
        sa.Column("transfers_abroad", sa.Text),
        sa.Column("security_measures", sa.Text),
        sa.Column("cndp_reference", sa.String(100)),
        sa.Column("updated_by", sa.String(320), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    with op.batch_alter_table("datasets") as batch:
        batch.add_column(sa.Column("unlisted", sa.Boolean, nullable=False, server_default=sa.false()))
    with op.batch_alter_table("versions") as batch:
        batch.add_column(sa.Column("source_purged_at", TZ))


def downgrade() -> None:
    with op.batch_alter_table("versions") as batch:
        batch.drop_column("source_purged_at")
    with op.batch_alter_table("datasets") as batch:
        batch.drop_column("unlisted")
    for table in ("register_entries", "grants", "access_requests", "sign_in_failures", "web_sessions",
                  "api_tokens", "memberships", "users"):
        op.drop_table(table)
