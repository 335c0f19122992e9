"""The metadata database: migrations create and upgrade, idempotently, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

import jazari
from jazari.store.database import Database


def test_init_is_idempotent(tmp_path: Path, database_url: str) -> None:
    db = Database(database_url)
    before, after = db.upgrade()
    assert before is None and after == db.head()
    again = db.upgrade()
    assert again == (after, after)
    tables = set(sa.inspect(db.engine).get_table_names())
    assert {"institutes", "datasets", "versions", "jobs"} <= tables
    db.dispose()


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    with jazari.open(tmp_path / "home") as jz:
        with jz.db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert (tmp_path / "home" / "jazari.db").is_file()


def test_open_reports_what_init_did(tmp_path: Path) -> None:
    with jazari.open(tmp_path / "home") as jz:
        second = jz.init()
    assert second["upgraded"] is False
    assert second["revision"] == second["revision_before"]
