"""Routes of the catalog: search, a dataset's descriptive metadata, and documents in open standards
(DCAT-AP, Croissant, Frictionless Data Package, a Markdown data card)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from jazari.api.deps import ActorDep, NodeDep, PathId
from jazari.catalog import standards
from jazari.datasets.names import parse_ref

router = APIRouter(prefix="/api/v1", tags=["catalog"])
Filter = Annotated[str | None, Query(max_length=200)]


@router.get("/search")
def search(
    jz: NodeDep, actor: ActorDep, q: Annotated[str, Query(max_length=500)] = "", theme: Filter = None,
    region: Filter = None, institute: Filter = None, license: Filter = None,  # noqa: A002
    format: Filter = None, access: Filter = None, limit: Annotated[int, Query(ge=1, le=100)] = 10,  # noqa: A002
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> dict[str, Any]:
    """Datasets the caller may see matching `q` (fr, ar, en, Darija in Arabic script or Arabizi), best
    first, from `offset`, with the total and facet counts (theme, region, institute, license, format,
    access) over the best 500 matches (`facets_over`)."""
    return jz.search(q, actor=actor, theme=theme, region=region, institute=institute, license=license,
                     format=format, access=access, limit=limit, offset=offset)


@router.put("/datasets/{institute}/{name}/metadata")
def put_metadata(
    institute: str, name: str, jz: NodeDep, actor: ActorDep, meta: Annotated[dict[str, Any], Body()],
) -> dict[str, Any]:
    """Replace a dataset's metadata: `title`/`description` by language (fr, ar, en), `keywords`,
    `themes`, `regions`, `license`, `source`, `contact` (stewards of its institute)."""
    ref = f"{institute}/{name}"
    parse_ref(ref)
    return jz.set_metadata(ref, meta, actor=actor)


class JsonLd(JSONResponse):
    """A JSON-LD document."""

    media_type = "application/ld+json"


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/catalog.jsonld", response_class=JsonLd)
def catalog_jsonld(request: Request, jz: NodeDep, actor: ActorDep) -> JsonLd:
    """The catalogue in DCAT-AP 3 (JSON-LD): the datasets the caller may see."""
    institutes = {i["institute"]: i for i in jz.accounts.list_institutes()}
    return JsonLd(standards.dcat_catalog(jz.datasets(actor), _base(request), institutes=institutes))


@router.get("/datasets/{institute}/{name}/dcat.jsonld", response_class=JsonLd)
def dcat_jsonld(institute: str, name: str, request: Request, jz: NodeDep, actor: ActorDep) -> JsonLd:
    """One dataset in DCAT-AP 3 (JSON-LD), its distributions the exports of its latest version."""
    ref = f"{institute}/{name}"
    parse_ref(ref)
    info = jz.dataset(ref, actor)
    versions = jz.versions(ref, actor)  # newest first
    return JsonLd(standards.dcat_dataset(
        info, versions[0] if versions else None, _base(request), institute=jz.accounts.institute(institute),
        issued=versions[-1]["created_at"] if versions else None))


@router.get("/datasets/{institute}/{name}/versions/{number}/croissant.jsonld", response_class=JsonLd)
def croissant_jsonld(institute: str, name: str, number: PathId, request: Request, jz: NodeDep,
                     actor: ActorDep) -> JsonLd:
    """A version in Croissant 1.0 (JSON-LD): its schema as a record set over the Parquet export
    (callers who may read the version; no rows)."""
    ref = f"{institute}/{name}"
    parse_ref(ref)
    return JsonLd(jz.croissant(ref, number, actor=actor, base_url=_base(request)))


@router.get("/datasets/{institute}/{name}/versions/{number}/datapackage.json")
def datapackage_json(institute: str, name: str, number: PathId, request: Request, jz: NodeDep,
                     actor: ActorDep) -> dict[str, Any]:
    """A version as a Frictionless Data Package (v1, `tabular-data-package`): metadata and one resource
    per download (Parquet, CSV) with its Table Schema, size and SHA-256 (callers who may read it)."""
    ref = f"{institute}/{name}"
    parse_ref(ref)
    return jz.datapackage(ref, number, actor=actor, base_url=_base(request))


class Markdown(PlainTextResponse):
    """A Markdown document."""

    media_type = "text/markdown"


@router.get("/datasets/{institute}/{name}/versions/{number}/card.md", response_class=Markdown)
def card_md(institute: str, name: str, number: PathId, request: Request, jz: NodeDep, actor: ActorDep,
            lang: Annotated[str, Query(max_length=10)] = "fr") -> Markdown:
    """A version's data card in Markdown (`lang`: fr, ar or en): description, provenance, licence and
    how to cite to those who may see the dataset; schema, profile, quality and personal-data
    treatment too to those who may read the version."""
    ref = f"{institute}/{name}"
    parse_ref(ref)
    return Markdown(jz.data_card(ref, number, lang=lang, actor=actor, base_url=_base(request)))
