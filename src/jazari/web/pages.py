"""Server-rendered pages (Jinja2): the dataset list and a dataset page. Every page has a JSON
twin in the API; pages call the same services with the same actor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from jazari.api.deps import ActorDep, NodeDep
from jazari.errors import JazariError

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter(include_in_schema=False)


def mount_static(app: FastAPI) -> None:
    """Serve the vendored assets from the package: nothing is fetched from outside."""
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, jz: NodeDep, actor: ActorDep) -> HTMLResponse:
    """The catalogue: every dataset the visitor may see."""
    return _render(request, "home.html", {"datasets": jz.datasets(actor), "node": jz.settings.node_name})


@router.get("/datasets/{institute}/{name}", response_class=HTMLResponse)
def dataset_page(
    request: Request, institute: str, name: str, jz: NodeDep, actor: ActorDep, version: int | None = None
) -> HTMLResponse:
    """A dataset: its versions, schema, profile, validation report and first rows."""
    ref = f"{institute}/{name}"
    try:
        info = jz.dataset(ref, actor)
        detail = jz.version(ref, version, actor)
        rows = jz.rows(ref, detail["version"], limit=20, actor=actor)
        history = jz.versions(ref, actor)
    except JazariError as exc:
        return _render(request, "error.html", {"error": exc, "node": jz.settings.node_name}, exc.status)
    context = {"info": info, "v": detail, "rows": rows, "history": history, "node": jz.settings.node_name}
    return _render(request, "dataset.html", context)
