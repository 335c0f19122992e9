"""The web pages over one app: catalog, sign-in and account, governance; and the static assets."""

from __future__ import annotations

from fastapi import FastAPI

from jazari.web import auth, collective, comments, dataset, front, governance, i18n, pages, upload


def install(app: FastAPI) -> None:
    """Add every page router, serve `/static` from the package, and read the catalogs now (a broken
    `.po` file stops the start, not a page)."""
    for lang in i18n.LANGUAGES:
        i18n.translations(lang)
    app.include_router(auth.router)
    app.include_router(governance.router)
    app.include_router(front.router)
    app.include_router(pages.router)
    app.include_router(dataset.router)
    app.include_router(upload.router)
    app.include_router(collective.router)
    app.include_router(comments.router)
    pages.mount_static(app)
