"""`jazari users | institutes | members | tokens`: accounts, institutes, roles and API tokens.

Every command acts as `--as EMAIL` (or JAZARI_USER) when given, else as the node operator.
"""

from __future__ import annotations

import sys
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from jazari.cli.root import JSON_OPTION, MAX_ID, app, emit, open_node, translated
from jazari.errors import InputError

out = Console(width=None if sys.stdout.isatty() else 200)

users_app = typer.Typer(help="User accounts (platform administrators).", no_args_is_help=True)
institutes_app = typer.Typer(help="Institutes: the member organisations that own datasets.", no_args_is_help=True)
members_app = typer.Typer(help="Members of an institute and their roles (viewer, contributor, steward, admin).",
                          no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens of the acting user (`--as EMAIL`).", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(institutes_app, name="institutes")
app.add_typer(members_app, name="members")
app.add_typer(tokens_app, name="tokens")


def read_password(from_stdin: bool) -> str | None:
    """The password from stdin (first line) when asked, else None (one is generated)."""
    if not from_stdin:
        return None
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise InputError("no password on stdin", field="password")
    return line


def _print_user(result: dict[str, Any], password: str | None) -> None:
    out.print(f"user {result['email']} ({result['name']}){' admin' if result['is_admin'] else ''}")
    if password:
        out.print(f"password (shown once): {password}", highlight=False)


# users ---------------------------------------------------------------------------------------
@users_app.command("add")
@translated
def users_add(
    email: str = typer.Argument(..., help="The user's email, their sign-in name."),
    name: str = typer.Option(..., "--name", help="Full name."),
    locale: str = typer.Option("fr", "--locale", help="fr, ar or en."),
    admin: bool = typer.Option(False, "--admin", help="A platform administrator."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Create an account; without --password-stdin a password is generated and printed once."""
    password = read_password(password_stdin)
    with open_node() as jz:
        user, generated = jz.accounts.add_user(jz.actor, email, name, password=password, locale=locale,
                                               is_admin=admin)
    emit({**user, "password": generated}, as_json, lambda r: _print_user(r, generated))


@users_app.command("list")
@translated
def users_list(as_json: bool = JSON_OPTION) -> None:
    """List the accounts."""
    with open_node() as jz:
        result = jz.accounts.list_users(jz.actor)

    def render(rows: list[dict[str, Any]]) -> None:
        table = Table("email", "name", "admin", "active", "institutes", "last sign-in")
        for r in rows:
            table.add_row(r["email"], r["name"], "yes" if r["is_admin"] else "", "yes" if r["active"] else "no",
                          ", ".join(f"{k}:{v}" for k, v in r["memberships"].items()), r["last_sign_in_at"] or "")
        out.print(table)

    emit(result, as_json, render)


@users_app.command("disable")
@translated
def users_disable(email: str = typer.Argument(...), as_json: bool = JSON_OPTION) -> None:
    """Disable an account: its sessions end and its tokens stop working."""
    with open_node() as jz:
        result = jz.accounts.disable_user(jz.actor, email)
    emit(result, as_json, lambda r: out.print(f"user {r['email']} disabled"))


@users_app.command("password")
@translated
def users_password(email: str = typer.Argument(...), as_json: bool = JSON_OPTION) -> None:
    """Set a user's password, read from stdin (administrators; signs the user out everywhere)."""
    password = read_password(True)
    assert password is not None
    with open_node() as jz:
        jz.accounts.set_password(jz.actor, email, password)
    emit({"email": email, "changed": True}, as_json, lambda r: out.print(f"password of {email} changed"))


# institutes ----------------------------------------------------------------------------------
@institutes_app.command("add")
@translated
def institutes_add(
    slug: str = typer.Argument(..., help="Short lowercase name used in dataset names, e.g. hcp."),
    name_fr: str = typer.Option(None, "--name-fr", help="Name in French."),
    name_ar: str = typer.Option(None, "--name-ar", help="Name in Arabic."),
    name_en: str = typer.Option(None, "--name-en", help="Name in English."),
    region: str = typer.Option(None, "--region", help="Region number 01-12 (01 Tanger-Tétouan-Al Hoceïma ... "
                                                        "12 Dakhla-Oued Ed-Dahab)."),
    kind: str = typer.Option(None, "--kind", help="ministry, public_body, region, company, university, association."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Create an institute (platform administrators)."""
    with open_node() as jz:
        result = jz.accounts.add_institute(jz.actor, slug, names={"fr": name_fr, "ar": name_ar, "en": name_en},
                                           region=region, kind=kind)
    emit(result, as_json, lambda r: out.print(f"institute {r['institute']} created"))


@institutes_app.command("list")
@translated
def institutes_list(as_json: bool = JSON_OPTION) -> None:
    """List the institutes."""
    with open_node() as jz:
        result = jz.accounts.list_institutes()

    def render(rows: list[dict[str, Any]]) -> None:
        table = Table("institute", "name", "region", "kind")
        for r in rows:
            names = r["names"]
            table.add_row(r["institute"], names.get("fr") or names.get("en") or names.get("ar") or "",
                          r["region_name"] or "", r["kind"] or "")
        out.print(table)

    emit(result, as_json, render)


# members -------------------------------------------------------------------------------------
@members_app.command("add")
@translated
def members_add(
    institute: str = typer.Argument(...),
    email: str = typer.Argument(...),
    role: str = typer.Option("viewer", "--role", help="viewer, contributor, steward or admin."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Give a user a role in an institute (or change it)."""
    with open_node() as jz:
        result = jz.accounts.add_member(jz.actor, institute, email, role)
    emit(result, as_json, lambda r: out.print(f"{r['email']} is {r['role']} of {r['institute']}"))


@members_app.command("remove")
@translated
def members_remove(institute: str = typer.Argument(...), email: str = typer.Argument(...),
                   as_json: bool = JSON_OPTION) -> None:
    """Take a user out of an institute."""
    with open_node() as jz:
        result = jz.accounts.remove_member(jz.actor, institute, email)
    emit(result, as_json, lambda r: out.print(f"{r['email']} removed from {r['institute']}"))


@members_app.command("list")
@translated
def members_list(institute: str = typer.Argument(...), as_json: bool = JSON_OPTION) -> None:
    """List the members of an institute."""
    with open_node() as jz:
        result = jz.accounts.list_members(jz.actor, institute)

    def render(rows: list[dict[str, Any]]) -> None:
        table = Table("email", "name", "role", "since")
        for r in rows:
            table.add_row(r["email"], r["name"], r["role"], r["since"])
        out.print(table)

    emit(result, as_json, render)


# tokens --------------------------------------------------------------------------------------
@tokens_app.command("create")
@translated
def tokens_create(
    name: str = typer.Argument(..., help="What the token is for, e.g. 'notebook'."),
    scope: list[str] = typer.Option(["read"], "--scope", help="read and/or write (repeat the option)."),
    days: int = typer.Option(90, "--days", help="Days until it expires."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Create an API token for `Authorization: Bearer`; the secret is printed once."""
    with open_node() as jz:
        token, secret = jz.accounts.create_token(jz.actor, name, scopes=tuple(scope), expires_days=days)

    def render(r: dict[str, Any]) -> None:
        out.print(f"token {r['id']} ({', '.join(r['scopes'])}) expires {r['expires_at']}")
        out.print(f"secret (shown once, keep it safe): {secret}", highlight=False)

    emit({**token, "secret": secret}, as_json, render)


@tokens_app.command("list")
@translated
def tokens_list(as_json: bool = JSON_OPTION) -> None:
    """List the acting user's tokens (never their secret)."""
    with open_node() as jz:
        result = jz.accounts.list_tokens(jz.actor)

    def render(rows: list[dict[str, Any]]) -> None:
        table = Table("id", "name", "prefix", "scopes", "state", "expires", "last used")
        for r in rows:
            table.add_row(str(r["id"]), r["name"], r["prefix"], ",".join(r["scopes"]), r["state"],
                          r["expires_at"] or "never", r["last_used_at"] or "")
        out.print(table)

    emit(result, as_json, render)


@tokens_app.command("revoke")
@translated
def tokens_revoke(token_id: int = typer.Argument(..., min=1, max=MAX_ID), as_json: bool = JSON_OPTION) -> None:
    """Revoke a token: it stops working at once."""
    with open_node() as jz:
        result = jz.accounts.revoke_token(jz.actor, token_id)
    emit(result, as_json, lambda r: out.print(f"token {r['id']} revoked"))
