"""The one JSON error shape for every error the API returns."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from jazari.errors import JazariError


def error_body(code: str, message: str, hint: str | None = None, **context: object) -> dict[str, object]:
    """`{"error": {"code", "message", "hint", "context"}}`."""
    return {"error": {"code": code, "message": message, "hint": hint, "context": context}}


def install(app: FastAPI) -> None:
    """Translate JazariError, request validation and HTTP errors to the one shape."""

    @app.exception_handler(JazariError)
    async def jazari_error(_request: Request, exc: JazariError) -> JSONResponse:
        return JSONResponse(exc.to_dict(), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        field = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path"))
        return JSONResponse(
            error_body("invalid_input", f"{field or 'request'}: {first.get('msg')}", field=field or None),
            status_code=422,
        )

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 401: "unauthenticated", 403: "forbidden"}
        return JSONResponse(
            error_body(code.get(exc.status_code, "http_error"), str(exc.detail)),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def internal(_request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(
            error_body("internal", "an internal error occurred", hint="the server log has the details"),
            status_code=500,
        )
