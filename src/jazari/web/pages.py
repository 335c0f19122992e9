"""Catalog pages: the dataset list and a dataset page. Every page has a JSON twin in the API;
pages call the same services with the same actor, and never decide access themselves."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from jazari.api.deps import ActorDep, NodeDep, QueryNumber
from jazari.catalog.themes import THEMES, region_labels
from jazari.errors import Forbidden
from jazari.web.render import HERE, PageRoute, render

router = APIRouter(include_in_schema=False, route_class=PageRoute)


def mount_static(app: FastAPI) -> None:
    """Serve the vendored assets from the package: nothing is fetched from outside."""
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")


@router.get("/", response_class=HTMLResponse)
def home(request: Request, jz: NodeDep, actor: ActorDep) -> HTMLResponse:
    """The catalogue: every dataset the visitor may see."""
    return render(request, "home.html", {"datasets": jz.datasets(actor)})


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request, jz: NodeDep, actor: ActorDep, q: str = "", theme: str = "", region: str = "",
    institute: str = "",
) -> HTMLResponse:
    """Search in any of the languages, with theme and region filters (the twin of /api/v1/search)."""
    filters = {k: v for k, v in {"theme": theme, "region": region, "institute": institute}.items() if v}
    searched = bool(q.strip() or filters)
    found = jz.search(q or None, actor=actor, limit=50, **filters) if searched else None
    return render(request, "search.html", {"query": q, "filters": filters, "found": found, "searched": searched,
                                           "themes": THEMES, "regions": region_labels()})


@router.get("/datasets/{institute}/{name}", response_class=HTMLResponse)
def dataset_page(
    request: Request, institute: str, name: str, jz: NodeDep, actor: ActorDep, version: QueryNumber = None
) -> HTMLResponse:
    """A dataset: its versions, schema, profile, validation report and first rows. One who may see
    it but not read it gets its metadata and a link to request access."""
    ref = f"{institute}/{name}"
    info = jz.dataset(ref, actor)
    history = jz.versions(ref, actor)
    try:
        detail = jz.version(ref, version, actor)
        rows = jz.rows(ref, detail["version"], limit=20, actor=actor)
    except Forbidden as refused:
        context = {"info": info, "history": history, "refused": refused, "v": None, "rows": None}
        return render(request, "dataset.html", context)
    return render(request, "dataset.html", {"info": info, "v": detail, "rows": rows, "history": history})
