"""Routes of the CNDP processing register; each calls one facade method with the actor."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Query
from fastapi.responses import Response

from jazari.api.deps import ActorDep, NodeDep
from jazari.datasets.names import parse_ref

router = APIRouter(prefix="/api/v1", tags=["register"])
MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json", "md": "text/markdown; charset=utf-8"}


def _ref(institute: str, name: str) -> str:
    ref = f"{institute}/{name}"
    parse_ref(ref)
    return ref


@router.get("/datasets/{institute}/{name}/register")
def get_entry(institute: str, name: str, jz: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """A dataset's register entry (stewards of its institute and administrators)."""
    return jz.register_show(_ref(institute, name), actor)


@router.put("/datasets/{institute}/{name}/register")
def put_entry(
    institute: str, name: str, jz: NodeDep, actor: ActorDep,
    entry: dict[str, Any] = Body(..., description="controller, purpose, legal_basis, data_categories, "
                                 "data_subjects, recipients, retention_days, transfers_abroad, "
                                 "security_measures, cndp_reference"),
) -> dict[str, Any]:
    """Create or replace a dataset's register entry (stewards of its institute)."""
    return jz.register_set(_ref(institute, name), entry, actor)


@router.get("/register")
def export_register(
    jz: NodeDep, actor: ActorDep,
    format: str = Query("json", description="json, csv or md"),  # noqa: A002 - the query parameter's name
) -> Response:
    """The register of the datasets the caller manages (administrators: all)."""
    text = jz.register_export(format, actor)
    headers = {} if format == "json" else {"content-disposition": f'attachment; filename="register.{format}"'}
    return Response(text, media_type=MEDIA[format], headers=headers)
