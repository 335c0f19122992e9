"""Moving a test database to a given Alembic revision, up or down, in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alembic import command

from jazari.store.database import Database


def _to(db: Database, move: Callable[[Any, str], None], revision: str) -> None:
    config = db._alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        move(config, revision)


def upgrade_to(db: Database, revision: str) -> None:
    _to(db, command.upgrade, revision)


def downgrade_to(db: Database, revision: str) -> None:
    _to(db, command.downgrade, revision)
