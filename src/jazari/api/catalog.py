"""Routes of the catalog: search, and a dataset's descriptive metadata."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from jazari.api.deps import ActorDep, NodeDep
from jazari.datasets.names import parse_ref

router = APIRouter(prefix="/api/v1", tags=["catalog"])
Filter = Annotated[str | None, Query(max_length=200)]


@router.get("/search")
def search(
    jz: NodeDep, actor: ActorDep, q: Annotated[str, Query(max_length=500)] = "", theme: Filter = None,
    region: Filter = None, institute: Filter = None, license: Filter = None,  # noqa: A002
    format: Filter = None, access: Filter = None, limit: Annotated[int, Query(ge=1, le=100)] = 10,  # noqa: A002
) -> dict[str, Any]:
    """Datasets the caller may see matching `q` (fr, ar, en, Darija in Arabic script or Arabizi), best
    first, with facet counts (theme, region, institute, license, format, access) and the total."""
    return jz.search(q, actor=actor, theme=theme, region=region, institute=institute, license=license,
                     format=format, access=access, limit=limit)


@router.put("/datasets/{institute}/{name}/metadata")
def put_metadata(
    institute: str, name: str, jz: NodeDep, actor: ActorDep, meta: Annotated[dict[str, Any], Body()],
) -> dict[str, Any]:
    """Replace a dataset's metadata: `title`/`description` by language (fr, ar, en), `keywords`,
    `themes`, `regions`, `license`, `source`, `contact` (stewards of its institute)."""
    ref = f"{institute}/{name}"
    parse_ref(ref)
    return jz.set_metadata(ref, meta, actor=actor)
