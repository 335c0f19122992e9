"""`POST /api/v1/query`: one sandboxed SELECT over the datasets the caller may read."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from jazari.api.deps import MAX_INT, ActorDep, NodeDep

router = APIRouter(prefix="/api/v1", tags=["query"])


class QueryBody(BaseModel):
    """A SELECT naming datasets in double quotes, and the page wanted."""

    sql: str = Field(..., min_length=1, max_length=100_000, examples=['SELECT count(*) FROM "hcp/communes"'])
    limit: int = Field(1000, ge=1, le=10_000)
    offset: int = Field(0, ge=0, le=MAX_INT)


@router.post("/query")
def run_query(body: QueryBody, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """Run one read-only SELECT (no files, network or changes; time and memory limited; audited):
    `columns`, `types`, `rows`, `has_more`, `next_offset`, `elapsed_ms` and the `datasets` read."""
    return jz.query(body.sql, limit=body.limit, offset=body.offset, actor=actor)
