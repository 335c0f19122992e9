"""What the privacy scanner reports: the entity types and one typed finding per span."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NamedTuple


class Entity(StrEnum):
    """The personal-data categories Jazari detects (law 09-08 sensitive ones last)."""

    PERSON = "PERSON"
    CIN = "CIN"
    PHONE = "PHONE"
    RIB = "RIB"
    IBAN = "IBAN"
    ICE = "ICE"
    CNSS = "CNSS"
    PASSPORT = "PASSPORT"
    PLATE = "PLATE"
    MASSAR = "MASSAR"
    EMAIL = "EMAIL"
    CARD = "CARD"
    ADDRESS = "ADDRESS"
    DOB = "DOB"
    GPS = "GPS"
    IP = "IP"
    HEALTH = "HEALTH"
    RELIGION = "RELIGION"
    ORIGIN = "ORIGIN"
    POLITICAL = "POLITICAL"
    UNION = "UNION"


SENSITIVE = frozenset({Entity.HEALTH, Entity.RELIGION, Entity.ORIGIN, Entity.POLITICAL, Entity.UNION})


class Finding(NamedTuple):
    """One span of personal data; offsets are code points of the original text, end exclusive.

    An immutable record (a named tuple: a scan makes one per span, and a tuple is the cheapest to make).
    """

    entity: str
    start: int
    end: int
    score: float
    recognizer: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a finding."""
        return {
            "entity": self.entity,
            "start": self.start,
            "end": self.end,
            "score": self.score,
            "recognizer": self.recognizer,
            "text": self.text,
        }
