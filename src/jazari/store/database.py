"""The metadata database: SQLAlchemy engine and sessions, SQLite (WAL) or PostgreSQL, with
Alembic migrations shipped in the package."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from jazari.errors import ConfigError, StorageError
from jazari.store.locks import WriterLock

MIGRATIONS = Path(__file__).with_name("migrations")
MMAP_SIZE = 256 * 1024 * 1024  # SQLite reads at most this much of the database file through mmap

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every table; models live in their domain package."""

    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored in UTC and always returned timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


JSONDoc = JSON().with_variant(JSON(none_as_null=True), "postgresql")


def utcnow() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


def make_engine(url: str) -> Engine:
    """An engine for the URL; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            # read through the OS page cache (shared by every connection) instead of copying pages
            # in: search joins its full-text matches with the datasets rows (benchmarks/catalog.py)
            cursor.execute(f"PRAGMA mmap_size={MMAP_SIZE}")
            cursor.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    try:
        return create_engine(url, pool_pre_ping=True)
    except Exception as exc:  # bad driver name, bad URL
        raise ConfigError(f"cannot use database URL: {exc}", hint="check JAZARI_DATABASE_URL") from exc


class Database:
    """The engine, a session factory and the migration commands, for one node."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        database = self.engine.url.database if self.engine.dialect.name == "sqlite" else None
        # writers that would rather queue than meet SQLite's busy handler (answers: collective/work.py)
        self.writer_lock = WriterLock(Path(database + ".writer-lock")) if database and database != ":memory:" \
            else None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        with self._sessions() as session:
            try:
                yield session
                session.commit()
            except OperationalError as exc:
                session.rollback()
                raise StorageError(f"database error: {exc.orig}", hint="check the database") from exc
            except BaseException:
                session.rollback()
                raise

    def _alembic_config(self) -> Config:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        return cfg

    def upgrade(self) -> tuple[str | None, str | None]:
        """Create or upgrade the schema to the newest revision; returns (before, after)."""
        before = self.revision()
        try:
            with self.engine.begin() as connection:
                cfg = self._alembic_config()
                cfg.attributes["connection"] = connection
                command.upgrade(cfg, "head")
        except OperationalError as exc:
            raise StorageError(
                f"cannot reach the database: {exc.orig}", hint="check JAZARI_DATABASE_URL"
            ) from exc
        return before, self.revision()

    def revision(self) -> str | None:
        """The schema revision the database is at, or None when it is empty."""
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def head(self) -> str | None:
        """The newest revision this software knows."""
        return ScriptDirectory.from_config(self._alembic_config()).get_current_head()

    def dispose(self) -> None:
        """Close every pooled connection (and the writer lock's file)."""
        self.engine.dispose()
        if self.writer_lock is not None:
            self.writer_lock.close()
