"""Dependencies of the routes: the node and the acting user.

Who is acting comes from, in order: `Authorization: Bearer` (an API token, or the node's
JAZARI_ADMIN_TOKEN), else the web session cookie, else the anonymous visitor. A request that
changes something with only the session cookie must carry the session's CSRF token (form field
`csrf_token` on web pages, header `X-CSRF-Token` for scripts and uploads), so another site cannot make a
signed-in browser act. A bad or revoked token is refused, never downgraded to anonymous.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from jazari.app import Jazari
from jazari.errors import Forbidden
from jazari.governance.actors import Actor

SESSION_COOKIE = "jazari_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_CSRF_MAX = 1024 * 1024  # the largest form read for its CSRF token


def get_node(request: Request) -> Jazari:
    """The Jazari the app was built over."""
    return request.app.state.jazari  # type: ignore[no-any-return]


async def node(request: Request) -> Jazari:
    """`get_node` as a dependency: a coroutine, so FastAPI calls it on the event loop; a plain
    function dependency is sent to a worker thread, one thread hop more on every request."""
    return get_node(request)


def client_address(request: Request) -> str | None:
    """The client's address as the server sees it (a proxy in front sets it with --proxy-headers)."""
    return request.client.host if request.client else None


def session_state(request: Request, jz: Jazari) -> tuple[Actor, str] | None:
    """The Actor and CSRF token of the request's session cookie, once per request."""
    if not hasattr(request.state, "jazari_session"):
        secret = request.cookies.get(SESSION_COOKIE)
        request.state.jazari_session = (
            jz.accounts.session_actor(secret, client=client_address(request)) if secret else None
        )
    return request.state.jazari_session  # type: ignore[no-any-return]


async def _form_csrf(request: Request) -> str:
    """The `csrf_token` of a small urlencoded form. Nothing else is read before the actor is known
    (an upload could fill the disk): multipart requests send the X-CSRF-Token header."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return ""
    try:
        if int(request.headers.get("content-length") or FORM_CSRF_MAX + 1) > FORM_CSRF_MAX:
            return ""
    except ValueError:
        return ""
    form = await request.form()
    value = form.get("csrf_token")
    return value if isinstance(value, str) else ""


async def get_actor(request: Request, jz: Annotated[Jazari, Depends(node)]) -> Actor:
    """The acting user of this request (see the module's docstring)."""
    client = client_address(request)
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() == "bearer" and token:
        admin = jz.settings.admin_token
        if admin is not None and hmac.compare_digest(token.encode(), admin.get_secret_value().encode()):
            return Actor.operator("api-admin").at(client, "api-admin")
        known = jz.accounts.remembered_token_actor(token, client=client)
        if known is not None:
            return known
        # the database, in a worker thread: never on the event loop, which serves every other request
        return await run_in_threadpool(jz.accounts.authenticate_token, token, client=client)
    state = session_state(request, jz)
    if state is None:
        return Actor.anonymous(client)
    actor, csrf = state
    if request.method not in SAFE_METHODS:
        sent = request.headers.get("x-csrf-token") or await _form_csrf(request)
        if not sent or not hmac.compare_digest(sent.encode(), csrf.encode()):
            raise Forbidden("the form's CSRF token is missing or wrong", hint="reload the page and try again")
    return actor


NodeDep = Annotated[Jazari, Depends(node)]
ActorDep = Annotated[Actor, Depends(get_actor)]

# Whole numbers from a URL are bounded to what the database holds: a bigger one is a 422, not a 500.
MAX_INT = 2**31 - 1
PathId = Annotated[int, Path(ge=1, le=MAX_INT)]  # an id or a version number in the path
QueryNumber = Annotated[int | None, Query(ge=1, le=MAX_INT)]  # an optional version number
QueryId = Annotated[int, Query(ge=1, le=MAX_INT)]  # a version number that must be given
