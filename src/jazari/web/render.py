"""Rendering pages: one Jinja environment, `render()` with what every page needs (the actor, the
CSRF token, the language and its direction, the flash message), the error page, and the route
class that turns a JazariError into that page with the error's status."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from jazari.api.deps import SESSION_COOKIE, get_node, session_state
from jazari.app import Jazari
from jazari.errors import InputError, JazariError, Unauthenticated
from jazari.governance.access import can_in_institute, can_on_platform
from jazari.governance.actors import Actor
from jazari.web import i18n
from jazari.web.i18n import N_

HERE = Path(__file__).parent
FLASH_COOKIE = "jazari_flash"
SIGNIN_CSRF_COOKIE = "jazari_csrf"
YEAR = 365 * 24 * 3600

env = Environment(
    loader=FileSystemLoader(str(HERE / "templates")),
    autoescape=select_autoescape(["html"]),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
)
env.install_null_translations(newstyle=True)  # every render passes the page's own `_`
env.globals["level_help"] = i18n.LEVEL_HELP
env.globals["language_names"] = i18n.NAMES


def when(value: str | None, empty: str = "–") -> Markup | str:
    """An ISO timestamp as `<time>2024-03-12 14:05</time>` (UTC, kept left to right), or `empty`."""
    if not value:
        return empty
    return Markup('<time datetime="{}" dir="ltr">{}</time>').format(value, value[:16].replace("T", " "))


env.filters["when"] = when

STATUS_TITLES = {
    400: N_("This request cannot be used"),
    401: N_("Sign in needed"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    409: N_("Conflict"),
    413: N_("Too large"),
    422: N_("This request cannot be used"),
    429: N_("Too many attempts"),
}


# cookies -------------------------------------------------------------------------------------
def cookie_secure(jz: Jazari) -> bool:
    """Cookies over HTTPS only: the setting, or on in production when unset."""
    secure = jz.settings.cookie_secure
    return jz.settings.env == "prod" if secure is None else secure


def set_cookie(response: Response, jz: Jazari, name: str, value: str, max_age: int | None) -> None:
    """An HttpOnly, SameSite=Lax cookie on the whole site."""
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="lax",
                        secure=cookie_secure(jz))


def _sign(jz: Jazari, payload: str) -> str:
    key = jz.settings.secret_key.get_secret_value().encode()
    return hmac.new(key, f"jazari-flash:{payload}".encode(), hashlib.sha256).hexdigest()[:32]


def redirect(request: Request, url: str, message: str | None = None, **fields: Any) -> RedirectResponse:
    """303 to `url` after a successful POST, with a flash message shown once on the next page."""
    response = RedirectResponse(url, status_code=303)
    if message is not None:
        jz = get_node(request)
        raw = json.dumps({"m": message, "f": fields}, ensure_ascii=True, default=str)
        payload = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
        set_cookie(response, jz, FLASH_COOKIE, f"{payload}.{_sign(jz, payload)}", 120)
    return response


def _read_flash(request: Request, jz: Jazari, gettext: Callable[..., str]) -> str | None:
    """The flash message of a cookie this node signed; any other cookie is ignored."""
    value = request.cookies.get(FLASH_COOKIE, "")
    payload, _, signature = value.partition(".")
    # bytes: compare_digest refuses str with non-ASCII characters, and a cookie can hold any
    if not payload or not hmac.compare_digest(signature.encode(), _sign(jz, payload).encode()):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        fields = {str(k): gettext(v) if v in i18n.LABELS else v for k, v in dict(data.get("f") or {}).items()}
        return gettext(str(data["m"]), **fields)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def signin_csrf(request: Request) -> str:
    """The double-submit token of the signed-out forms: the cookie's, or a new one."""
    current = request.cookies.get(SIGNIN_CSRF_COOKIE, "")
    return current if len(current) >= 32 else secrets.token_urlsafe(32)


def safe_next(value: str | None, default: str = "/") -> str:
    """A redirect target only if it is a path on this site (no `//host`, scheme or backslash)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    if any(ord(c) < 32 or c.isspace() for c in value):
        return default
    parts = urlsplit(value)
    return default if parts.scheme or parts.netloc else value


# form fields ---------------------------------------------------------------------------------
def whole_days(value: str, field: str) -> int:
    """A whole number of days from a form field, or an error naming the field."""
    try:
        return int(value.strip())
    except ValueError:
        raise InputError(f"{field} must be a whole number of days, not {value!r}", field=field) from None


def optional_days(value: str, field: str) -> int | None:
    """Like `whole_days`, but an empty field means none."""
    return whole_days(value, field) if value.strip() else None


# pages ---------------------------------------------------------------------------------------
def require_signed_in(actor: Actor, what: str) -> None:
    """Pages about oneself need a signed-in user: a 401 page offering to sign in."""
    if not actor.signed_in:
        raise Unauthenticated(f"sign in to see {what}")


def header_actor(request: Request, jz: Jazari) -> tuple[Actor, str]:
    """The signed-in actor and CSRF token of the session cookie, else the anonymous visitor."""
    state = session_state(request, jz)
    return state if state is not None else (Actor.anonymous(), "")


def page_language(request: Request, jz: Jazari, actor: Actor) -> str:
    """The page's language (see `i18n.negotiate`)."""

    def user_locale() -> str | None:
        return jz.accounts.me(actor).get("locale") if actor.user_id is not None else None

    return i18n.negotiate(request.query_params.get("lang"), request.cookies.get(i18n.LANG_COOKIE),
                          user_locale, request.headers.get("accept-language"))


def _language_links(request: Request) -> list[dict[str, str]]:
    links = []
    for code in i18n.LANGUAGES:
        query = {k: v for k, v in request.query_params.items() if k != "lang"}
        query["lang"] = code
        links.append({"code": code, "name": i18n.NAMES[code], "url": f"{request.url.path}?{urlencode(query)}"})
    return links


def here(request: Request) -> str:
    """The current path and query, for `?next=`."""
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "lang"])
    return request.url.path + (f"?{query}" if query else "")


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render a page with the layout's context: node, actor, csrf, lang, dir, `_`, flash."""
    jz = get_node(request)
    actor, csrf = header_actor(request, jz)
    lang = page_language(request, jz, actor)
    gettext = i18n.gettext_for(lang)
    page = {
        "request": request, "node": jz.settings.node_name, "actor": actor, "csrf": csrf,
        "lang": lang, "dir": i18n.direction(lang), "languages": _language_links(request),
        "_": gettext, "gettext": gettext, "path": request.url.path, "here": here(request),
        "flash": _read_flash(request, jz, gettext),
        "manages": can_on_platform(actor, "inspect") or any(can_in_institute(actor, "review", s) for s in actor.roles),
        "uploads": can_on_platform(actor, "administer") or any(can_in_institute(actor, "contribute", s) for s in actor.roles),
    }
    html = env.get_template(name).render({**page, **(context or {})})
    response = HTMLResponse(html, status_code=status, headers=headers)
    if request.query_params.get("lang") == lang:
        set_cookie(response, jz, i18n.LANG_COOKIE, lang, YEAR)
    if FLASH_COOKIE in request.cookies:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def render_error(request: Request, error: JazariError) -> HTMLResponse:
    """The error page, with the error's status; a 401 offers to sign in and come back."""
    target = here(request) if request.method == "GET" else "/"
    context = {"error": error, "title": STATUS_TITLES.get(error.status, N_("Something went wrong")),
               "sign_in": f"/sign-in?{urlencode({'next': target})}" if error.status == 401 else None}
    return render(request, "error.html", context, status=error.status)


def _validation_error(exc: RequestValidationError) -> InputError:
    first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
    field = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path"))
    return InputError(f"{field or 'request'}: {first.get('msg')}", field=field or None)


class PageRoute(APIRoute):
    """A page route: a JazariError (from a service or from the actor's CSRF check) becomes the
    error page with its status instead of the API's JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except JazariError as exc:
                return await run_in_threadpool(render_error, request, exc)
            except RequestValidationError as exc:
                return await run_in_threadpool(render_error, request, _validation_error(exc))

        return page_handler


__all__ = ["SESSION_COOKIE", "PageRoute", "redirect", "render", "render_error", "safe_next", "set_cookie"]
