"""The front of the catalogue: the home page, the list of every dataset, the institutes and an
institute's page. Pages call the node's services with the visitor; what they show is what those
services let the visitor see, and who may see an institute's members is asked of
`governance.access.can_in_institute`.

JSON twins: the home's theme and institute counts are `GET /api/v1/search` (`facets.theme`,
`facets.institute`), its recent datasets `GET /api/v1/datasets` (newest first), its institutes
`GET /api/v1/institutes`; an institute page is `GET /api/v1/institutes/{slug}`,
`GET /api/v1/datasets?institute={slug}` and `GET /api/v1/institutes/{slug}/members`."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from jazari.api.deps import MAX_INT, ActorDep, NodeDep
from jazari.app import Jazari
from jazari.catalog.themes import THEMES, region_labels
from jazari.governance.access import can_in_institute
from jazari.web.i18n import N_
from jazari.web.render import PageRoute, render

router = APIRouter(include_in_schema=False, route_class=PageRoute)

PRIORITY_THEMES = ("rural_mountain", "major_sporting_events")  # the network's two priorities
RECENT = 6        # datasets under "Recently published"
LISTED = 30       # up to this many, the home lists every dataset; beyond, it links to /datasets
PAGE = 100        # datasets per page of /datasets
KINDS = {
    "ministry": N_("Ministry"), "public_body": N_("Public body"), "region": N_("Region"),
    "company": N_("Company"), "university": N_("University"), "association": N_("Association"),
}


def _institutes(jz: Jazari, datasets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every institute, with its region's names and how many of `datasets` are its own."""
    counts = Counter(d["institute"] for d in datasets)
    regions = region_labels()
    return [{**i, "regions": regions.get(i["region"] or ""), "kind_label": KINDS.get(i["kind"] or ""),
             "datasets": counts[i["institute"]]} for i in jz.accounts.list_institutes()]


@router.get("/", response_class=HTMLResponse)
def home(request: Request, jz: NodeDep, actor: ActorDep) -> HTMLResponse:
    """Search, the two priority themes, the datasets published last, the institutes, and every
    dataset (or a link to them): only what the visitor may see is shown and counted."""
    datasets = jz.datasets(actor)
    themes = Counter(t for d in datasets for t in d["metadata"].get("themes", []))
    published = [d for d in datasets if d["latest_version"] is not None]
    recent = sorted(published, key=lambda d: d["updated_at"], reverse=True)[:RECENT]
    context = {
        "themes": [{"code": code, "labels": THEMES[code], "count": themes[code]} for code in PRIORITY_THEMES],
        "recent": recent, "institutes": _institutes(jz, datasets), "total": len(datasets),
        "datasets": datasets if len(datasets) <= LISTED else None,
    }
    return render(request, "home.html", context)


@router.get("/datasets", response_class=HTMLResponse)
def all_datasets(
    request: Request, jz: NodeDep, actor: ActorDep, page: Annotated[int, Query(ge=1, le=MAX_INT)] = 1,
) -> HTMLResponse:
    """Every dataset the visitor may see, newest first, a page at a time (twin: /api/v1/datasets)."""
    datasets = jz.datasets(actor)
    pages = max(1, -(-len(datasets) // PAGE))
    shown = datasets[(page - 1) * PAGE: page * PAGE]
    return render(request, "datasets.html", {"datasets": shown, "total": len(datasets), "page": page,
                                             "pages": pages})


@router.get("/institutes", response_class=HTMLResponse)
def institutes(request: Request, jz: NodeDep, actor: ActorDep) -> HTMLResponse:
    """The institutes of the node, with the number of their datasets the visitor may see."""
    return render(request, "institutes.html", {"institutes": _institutes(jz, jz.datasets(actor))})


@router.get("/institutes/{slug}", response_class=HTMLResponse)
def institute(request: Request, slug: str, jz: NodeDep, actor: ActorDep) -> HTMLResponse:
    """An institute: its names, kind and region, its datasets the visitor may see, and its members
    for those allowed to see them."""
    found = jz.accounts.institute(slug)
    sees_members = can_in_institute(actor, "see_members", slug)
    context = {
        "institute": {**found, "regions": region_labels().get(found["region"] or ""),
                      "kind_label": KINDS.get(found["kind"] or "")},
        "slug": slug, "datasets": [d for d in jz.datasets(actor) if d["institute"] == slug],
        "members": jz.accounts.list_members(actor, slug) if sees_members else None,
        "contributes": can_in_institute(actor, "contribute", slug),
    }
    return render(request, "institute.html", context)
