"""Catalog pages: the search page (the home page and the lists are in `front`, the dataset page in `dataset`).
Every page has a JSON twin in the API; pages call the same services with the same actor, and never
decide access themselves."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from jazari.api.deps import ActorDep, NodeDep
from jazari.catalog.themes import THEMES, region_labels
from jazari.web.render import HERE, PageRoute, render

router = APIRouter(include_in_schema=False, route_class=PageRoute)


def mount_static(app: FastAPI) -> None:
    """Serve the vendored assets from the package: nothing is fetched from outside."""
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")


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

