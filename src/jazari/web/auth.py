"""Signing in and out, and the account page: profile, API tokens, one's requests, grants and
own accesses.

The sign-in form is signed out, so its CSRF token is a double submit: a random `jazari_csrf`
cookie set with the form, compared in constant time with the form's field. Every sign-in opens a
new session (a planted cookie is worthless) and the session cookie is HttpOnly, SameSite=Lax,
Secure in production, and lasts `session_hours`.
"""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jazari.api.deps import SESSION_COOKIE, ActorDep, NodeDep, PathId, client_address
from jazari.errors import Forbidden, RateLimited, Unauthenticated
from jazari.web.i18n import N_
from jazari.web.render import (
    SIGNIN_CSRF_COOKIE,
    PageRoute,
    optional_days,
    redirect,
    render,
    require_signed_in,
    safe_next,
    set_cookie,
    signin_csrf,
)

router = APIRouter(include_in_schema=False, route_class=PageRoute)
NO_STORE = {"cache-control": "no-store"}


def _sign_in_page(request: Request, *, next_url: str, email: str = "", error: str | None = None,
                  status: int = 200) -> HTMLResponse:
    token = signin_csrf(request)
    context = {"next": next_url, "email": email, "error": error, "signin_csrf": token}
    response = render(request, "sign_in.html", context, status=status, headers=NO_STORE)
    set_cookie(response, request.app.state.jazari, SIGNIN_CSRF_COOKIE, token, 3600)
    return response


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, next: str | None = None) -> HTMLResponse:  # noqa: A002 - the query name
    """The sign-in form."""
    return _sign_in_page(request, next_url=safe_next(next))


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(
    request: Request, jz: NodeDep, email: str = Form(""), password: str = Form(""),
    csrf_token: str = Form(""), next: str = Form("/"),  # noqa: A002 - the form field's name
) -> Response:
    """Check the password; open a new session and go to `next` (a local path only)."""
    expected = request.cookies.get(SIGNIN_CSRF_COOKIE, "")
    if not expected or not csrf_token or not hmac.compare_digest(csrf_token.encode(), expected.encode()):
        raise Forbidden("the form's CSRF token is missing or wrong", hint="reload the page and try again")
    target = safe_next(next)
    if not email.strip() or not password:
        return _sign_in_page(request, next_url=target, email=email, status=400,
                             error=N_("Enter your email and your password."))
    try:
        secret, _actor = jz.accounts.sign_in(email, password, address=client_address(request))
    except RateLimited:
        return _sign_in_page(request, next_url=target, email=email, status=429,
                             error=N_("Too many failed sign-ins. Wait 15 minutes and try again."))
    except Unauthenticated:
        return _sign_in_page(request, next_url=target, email=email, status=401,
                             error=N_("Wrong email or password, or the account is disabled."))
    planted = request.cookies.get(SESSION_COOKIE)
    if planted:
        jz.accounts.sign_out(planted)  # whatever session the browser held before ends here
    response = redirect(request, target, N_("You are signed in."))
    set_cookie(response, jz, SESSION_COOKIE, secret, int(jz.settings.session_hours * 3600))
    response.delete_cookie(SIGNIN_CSRF_COOKIE, path="/")
    return response


@router.post("/sign-out")
def sign_out(request: Request, jz: NodeDep, actor: ActorDep) -> RedirectResponse:
    """End the session on the server and forget the cookie."""
    secret = request.cookies.get(SESSION_COOKIE)
    if secret and actor.signed_in:
        jz.accounts.sign_out(secret)
    response = redirect(request, "/", N_("You are signed out."))
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, jz: NodeDep, actor: ActorDep) -> HTMLResponse:
    """The acting user's profile, tokens, requests, grants and own accesses."""
    require_signed_in(actor, "your account")
    context = {
        "me": jz.accounts.me(actor),
        "tokens": jz.accounts.list_tokens(actor),
        "requests": jz.access.requests(actor, mine=True),
        "grants": jz.access.grants(actor, mine=True, include_inactive=True),
        "events": jz.audit(actor=actor, limit=50),
    }
    return render(request, "account.html", context, headers=NO_STORE)


@router.post("/account/tokens", response_class=HTMLResponse)
def create_token(
    request: Request, jz: NodeDep, actor: ActorDep, name: str = Form(""), scopes: list[str] = Form([]),
    expires_days: str = Form(""),
) -> HTMLResponse:
    """Create a token; its secret is shown once, on this response only."""
    days = optional_days(expires_days, "expires_days")
    token, secret = jz.accounts.create_token(actor, name, scopes=tuple(scopes), expires_days=days)
    return render(request, "token_created.html", {"token": token, "secret": secret}, headers=NO_STORE)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: PathId, jz: NodeDep, actor: ActorDep) -> RedirectResponse:
    """Revoke one of one's tokens."""
    token = jz.accounts.revoke_token(actor, token_id)
    return redirect(request, "/account#tokens", N_("Token %(name)s revoked."), name=token["name"])
