"""Migration 0008 on SQLite and PostgreSQL: the comments table matches its model, and the migration
goes down to 0007 (the comments gone, the rest kept) and up again."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from jazari.store.database import Base
from tests.migrations import downgrade_to


def test_the_comments_table_matches_its_model(jz) -> None:
    with jz.db.engine.connect() as conn:
        found = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert [d for d in found if "dataset_comments" in repr(d)] == []
        inspector = sa.inspect(conn)
        keys = {(tuple(fk["constrained_columns"]), fk["referred_table"], fk["options"].get("ondelete"))
                for fk in inspector.get_foreign_keys("dataset_comments")}
        assert keys == {(("dataset_id",), "datasets", "CASCADE"), (("reply_to",), "dataset_comments", "CASCADE")}
        assert "ix_dataset_comments_thread" in {i["name"] for i in inspector.get_indexes("dataset_comments")}


def test_it_goes_down_to_0007_and_up_again(jz) -> None:
    downgrade_to(jz.db, "0007")
    with jz.db.engine.connect() as conn:
        names = set(sa.inspect(conn).get_table_names())
        assert "dataset_comments" not in names and {"reports", "moderated_contents"} <= names
    before, after = jz.db.upgrade()
    assert before == "0007" and after == jz.db.head()
    with jz.db.engine.connect() as conn:
        assert "dataset_comments" in set(sa.inspect(conn).get_table_names())
