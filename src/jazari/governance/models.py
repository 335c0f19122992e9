"""Tables of governance: institutes, users, memberships, sign-in (sessions, tokens, failures),
access requests and grants, and the CNDP processing register. The audit log is in audit.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jazari.store.database import Base, UTCDateTime, utcnow

ROLES = ("viewer", "contributor", "steward", "admin")
LOCALES = ("fr", "ar", "en")
KINDS = ("ministry", "public_body", "region", "company", "university", "association")
# Morocco's 12 regions (2015 division), by their official number.
REGIONS = {
    "01": "Tanger-Tétouan-Al Hoceïma",
    "02": "L'Oriental",
    "03": "Fès-Meknès",
    "04": "Rabat-Salé-Kénitra",
    "05": "Béni Mellal-Khénifra",
    "06": "Casablanca-Settat",
    "07": "Marrakech-Safi",
    "08": "Drâa-Tafilalet",
    "09": "Souss-Massa",
    "10": "Guelmim-Oued Noun",
    "11": "Laâyoune-Sakia El Hamra",
    "12": "Dakhla-Oued Ed-Dahab",
}
SCOPES = ("read", "write")


class Institute(Base):
    """A member organisation of the network; it owns datasets."""

    __tablename__ = "institutes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name_fr: Mapped[str | None] = mapped_column(String(300))
    name_ar: Mapped[str | None] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    region: Mapped[str | None] = mapped_column(String(2))
    kind: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def names(self) -> dict[str, str]:
        """Names by language, only those that exist."""
        return {k: v for k, v in {"fr": self.name_fr, "ar": self.name_ar, "en": self.name_en}.items() if v}

    def to_dict(self) -> dict[str, Any]:
        """The institute as every interface shows it."""
        return {"institute": self.slug, "names": self.names(), "region": self.region,
                "region_name": REGIONS.get(self.region or ""), "kind": self.kind,
                "created_at": self.created_at.isoformat()}


class User(Base):
    """A person with an account. The password is kept only as an argon2 hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", lazy="selectin")

    @property
    def active(self) -> bool:
        return self.disabled_at is None

    def to_dict(self) -> dict[str, Any]:
        """The account as every interface shows it (never the hash)."""
        return {
            "email": self.email, "name": self.name, "locale": self.locale, "is_admin": self.is_admin,
            "active": self.active, "created_at": self.created_at.isoformat(),
            "last_sign_in_at": self.last_sign_in_at.isoformat() if self.last_sign_in_at else None,
            "memberships": {m.institute.slug: m.role for m in self.memberships},
        }


class Membership(Base):
    """A user's role in an institute: viewer < contributor < steward < admin."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "institute_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    institute_id: Mapped[int] = mapped_column(ForeignKey("institutes.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    institute: Mapped[Institute] = relationship(lazy="joined")


class ApiToken(Base):
    """A bearer token: only its SHA-256 is kept; `prefix` lets its owner recognise it."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class WebSession(Base):
    """A signed-in browser. Only the SHA-256 of the cookie value is kept; a new one at each sign-in."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    address: Mapped[str | None] = mapped_column(String(100))

    user: Mapped[User] = relationship(lazy="joined")


class SignInFailure(Base):
    """A failed sign-in, kept to rate-limit guessing per account and per address."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    address: Mapped[str | None] = mapped_column(String(100), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class AccessRequest(Base):
    """A member asks for a dataset: purpose, intended use, duration; stewards decide."""

    __tablename__ = "access_requests"
    __table_args__ = (  # one pending request per person and dataset (migration 0004)
        Index("uq_access_requests_pending", "dataset_id", "user_id", unique=True,
              sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(Text)
    intended_use: Mapped[str] = mapped_column(Text)
    duration_days: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending approved refused withdrawn
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(320))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


class Grant(Base):
    """A named user may read a dataset until `expires_at`, for a purpose, unless revoked."""

    __tablename__ = "grants"
    __table_args__ = (Index("uq_grants_request_id", "request_id", unique=True),)  # one grant per request (0004)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("access_requests.id"))
    purpose: Mapped[str] = mapped_column(Text)
    granted_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(320))
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(lazy="joined")


class RegisterEntry(Base):
    """The CNDP processing register entry of a dataset holding personal data (law 09-08)."""

    __tablename__ = "register_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), unique=True)
    controller: Mapped[str] = mapped_column(String(300))
    purpose: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(String(300))
    data_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    data_subjects: Mapped[list[str]] = mapped_column(JSON, default=list)
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    retention_days: Mapped[int] = mapped_column(Integer)
    transfers_abroad: Mapped[str | None] = mapped_column(Text)
    security_measures: Mapped[str | None] = mapped_column(Text)
    cndp_reference: Mapped[str | None] = mapped_column(String(100))
    updated_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
