"""Routes of the privacy engine: scan texts for personal data."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from jazari.errors import FileTooLargeError

router = APIRouter(prefix="/api/v1/privacy", tags=["privacy"])
MAX_CHARS = 10_000_000


class Text(BaseModel):
    """One text to scan, with the caller's id."""

    id: str | int | None = None
    text: str


class ScanRequest(BaseModel):
    """Texts to scan (at most 10,000 and 10 million characters in all)."""

    texts: list[Text] = Field(max_length=10_000)
    lang: str | None = None
    min_score: float = Field(0.5, ge=0, le=1)


@router.post("/scan")
def scan(request: ScanRequest) -> dict[str, Any]:
    """Personal data in each text: entity, start and end (code points), score, text."""
    from jazari.privacy import scan_many

    if sum(len(t.text) for t in request.texts) > MAX_CHARS:
        raise FileTooLargeError(f"at most {MAX_CHARS:,} characters per request", field="texts")
    found = scan_many([t.text for t in request.texts], request.lang, min_score=request.min_score)
    return {"results": [{"id": t.id if t.id is not None else i, "findings": [f.to_dict() for f in fs]}
                        for i, (t, fs) in enumerate(zip(request.texts, found, strict=True))]}
