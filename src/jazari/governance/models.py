"""Tables of governance: institutes (accounts, roles, grants and audit come with their issue)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from jazari.store.database import Base, UTCDateTime, utcnow


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
