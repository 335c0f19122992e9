"""The FastAPI app factory: one router per domain, one error handler."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from jazari.api import access, accounts, catalog, collective, comments, datasets, errors, privacy, query, register
from jazari.app import Jazari
from jazari.version import __version__


def create_app(jz: Jazari, *, workers: bool = True, close: bool = False) -> FastAPI:
    """The HTTP API (and the web pages) over one Jazari node; `workers`: run the background jobs and
    the retention schedule in this process; `close`: close the node when the server stops."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if workers:
            jz.jobs.start_workers()
            jz.retention_scheduler.start()  # once now, then every JAZARI_RETENTION_INTERVAL_HOURS
        yield
        jz.retention_scheduler.stop()
        jz.jobs.stop_workers()
        if close:
            jz.close()

    app = FastAPI(
        title="Jazari",
        version=__version__,
        description="The Data Factory of the Jazari network: datasets, versions, reports.",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI loads its assets from a CDN: no outbound call (DESIGN rule 6)
        redoc_url=None,
    )
    app.state.jazari = jz
    errors.install(app)
    # FastAPI tries the routes in order: first those contributors call all day (`next`, `answers`: an
    # answer was matched against ~38 routes before its own); no other router has a path of theirs
    app.include_router(collective.router)
    app.include_router(access.router)
    app.include_router(accounts.router)
    app.include_router(catalog.router)
    app.include_router(comments.router)
    app.include_router(datasets.router)
    app.include_router(privacy.router)
    app.include_router(query.router)
    app.include_router(register.router)
    from jazari.web import site

    site.install(app)
    return app


def worker_app() -> FastAPI:
    """The app of one of the processes of `jazari serve --workers N` (uvicorn imports it in each):
    the node the parent process opened and upgraded, from the same settings (JAZARI_HOME...); the
    background jobs and the retention schedule run in the parent, once."""
    from jazari.settings import load_settings

    return create_app(Jazari(load_settings()), workers=False, close=True)
