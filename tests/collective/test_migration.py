"""Migration 0007 on SQLite and PostgreSQL: the tables match the models (the rules the database
keeps are there: one answer per item and person, per client id, per slot; one open report per
person), and it goes down to 0006 and up again."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from jazari.store.database import Base
from tests.migrations import downgrade_to

TABLES = {"campaigns", "campaign_items", "campaign_answers", "campaign_contributors", "campaign_publications",
          "moderated_contents", "reports", "moderation_appeals", "notifications"}
UNIQUE = {
    "campaign_answers": {("item_id", "contributor"), ("contributor", "client_id"), ("item_id", "slot")},
    "campaign_items": {("campaign_id", "key")}, "campaign_contributors": {("campaign_id", "contributor")},
    "moderated_contents": {("kind", "ref")}, "moderation_appeals": {("content_id",)},
}


def _table_of(diff: object) -> str | None:
    """The table an autogenerate difference is about."""
    if isinstance(diff, list):  # modify_* differences come as a list of tuples
        return _table_of(diff[0])
    if isinstance(diff, tuple) and len(diff) > 2 and isinstance(diff[2], str):  # (op, schema, table, column, ...)
        return diff[2]
    thing = diff[1] if isinstance(diff, tuple) else None
    table = getattr(thing, "table", thing)
    return getattr(table, "name", None)


def _ours(diff: object) -> bool:
    """Whether a difference is about what 0007 made. Unique constraints left unnamed in the models
    come back from both databases under another name (or none, on SQLite), so alembic reports them
    on every table, old ones too: they are checked by their columns below instead."""
    if isinstance(diff, tuple) and diff[0] in ("add_constraint", "remove_constraint") \
            and isinstance(diff[1], sa.UniqueConstraint):
        return False
    return _table_of(diff) in TABLES or any(c in repr(diff) for c in ("'hidden'", "'description_hidden'", "'origin'"))


def test_the_tables_match_the_models_and_keep_their_rules(jz) -> None:
    with jz.db.engine.connect() as conn:
        found = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        diffs = [d for d in found if _ours(d)]
        assert diffs == []
        inspector = sa.inspect(conn)
        for table, wanted in UNIQUE.items():
            assert wanted <= {tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)}, table
        open_reports = [i for i in inspector.get_indexes("reports") if i["name"] == "uq_reports_open"]
        assert open_reports and open_reports[0]["unique"]
        where = {k: str(v) for k, v in open_reports[0].get("dialect_options", {}).items() if k.endswith("_where")}
        assert where and all("open" in v for v in where.values()), open_reports  # partial: open reports only
        checks = [c["name"] for c in inspector.get_check_constraints("campaigns")]
        assert "overlap" in checks


def test_it_goes_down_to_0006_and_up_again(jz) -> None:
    downgrade_to(jz.db, "0006")
    with jz.db.engine.connect() as conn:
        names = set(sa.inspect(conn).get_table_names())
        assert not names & TABLES and "datasets" in names
        assert "hidden" not in {c["name"] for c in sa.inspect(conn).get_columns("datasets")}
    assert jz.db.upgrade() == ("0006", jz.db.head())
    with jz.db.engine.connect() as conn:
        assert TABLES <= set(sa.inspect(conn).get_table_names())
