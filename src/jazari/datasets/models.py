"""Tables of datasets and their published versions. A version row exists only once published."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jazari.governance.models import Institute
from jazari.store.database import Base, UTCDateTime, utcnow

ACCESS_LEVELS = ("public", "network", "institute", "restricted")


class Dataset(Base):
    """`institute/name`: a table with a history of versions."""

    __tablename__ = "datasets"
    __table_args__ = (UniqueConstraint("institute_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    institute_id: Mapped[int] = mapped_column(ForeignKey("institutes.id"))
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    access_level: Mapped[str] = mapped_column(String(20), default="institute")
    unlisted: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)  # by moderation (collective): see access.can
    description_hidden: Mapped[bool] = mapped_column(Boolean, default=False)  # its description, by moderation
    recipe: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)  # titles, themes, ...: catalog
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    institute: Mapped[Institute] = relationship(lazy="joined")

    @property
    def ref(self) -> str:
        """`institute/name`."""
        return f"{self.institute.slug}/{self.name}"


class Version(Base):
    """An immutable published snapshot of a dataset, with everything known about it."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("dataset_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    delta_version: Mapped[int] = mapped_column(Integer)
    quarantine_delta_version: Mapped[int | None] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(10))
    source_name: Mapped[str] = mapped_column(String(500))
    source_size: Mapped[int] = mapped_column(BigInteger)
    source_sha256: Mapped[str] = mapped_column(String(64), index=True)
    reader_options: Mapped[dict[str, Any]] = mapped_column(JSON)
    table_schema: Mapped[dict[str, Any]] = mapped_column(JSON)
    rows_read: Mapped[int] = mapped_column(BigInteger)
    rows_written: Mapped[int] = mapped_column(BigInteger)
    rows_quarantined: Mapped[int] = mapped_column(BigInteger)
    rows_total: Mapped[int] = mapped_column(BigInteger)
    profile: Mapped[dict[str, Any]] = mapped_column(JSON)
    validation: Mapped[dict[str, Any]] = mapped_column(JSON)
    privacy: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(320))
    software_version: Mapped[str] = mapped_column(String(40))
    job_id: Mapped[str | None] = mapped_column(String(36))
    source_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    origin: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # made by Jazari (a campaign): what and how
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dataset: Mapped[Dataset] = relationship()
