"""Guards against concurrent twins: one pending request per person and dataset, one grant per
request (unique indexes, partial where needed; SQLite and PostgreSQL both have them).

Twins a race may have left are resolved first: the later pending requests are withdrawn, and the
later grants of one request keep their rights but lose the link to it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    op.execute(
        "UPDATE access_requests SET status = 'withdrawn', decided_by = 'jazari upgrade: a duplicate', "
        "decided_at = CURRENT_TIMESTAMP WHERE status = 'pending' AND id > (SELECT MIN(o.id) FROM "
        "access_requests o WHERE o.status = 'pending' AND o.dataset_id = access_requests.dataset_id "
        "AND o.user_id = access_requests.user_id)"
    )
    op.execute(
        "UPDATE grants SET request_id = NULL WHERE request_id IS NOT NULL AND id > (SELECT MIN(o.id) "
        "FROM grants o WHERE o.request_id = grants.request_id)"
    )
    op.create_index("uq_access_requests_pending", "access_requests", ["dataset_id", "user_id"], unique=True,
                    sqlite_where=PENDING, postgresql_where=PENDING)
    op.create_index("uq_grants_request_id", "grants", ["request_id"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_grants_request_id", table_name="grants")
    op.drop_index("uq_access_requests_pending", table_name="access_requests")
