"""`jazari access ...`: ask for access to a dataset, decide requests, list and revoke grants."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, time
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from jazari.cli.root import JSON_OPTION, MAX_ID, app, emit, open_node, translated
from jazari.errors import InputError

out = Console(width=None if sys.stdout.isatty() else 200)

access_app = typer.Typer(help="Access requests and grants: ask for a dataset, decide, revoke.",
                         no_args_is_help=True)
app.add_typer(access_app, name="access")


def _until(value: str | None) -> datetime | None:
    """The end (23:59:59 UTC) of a YYYY-MM-DD day."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"not a date: {value!r}", hint="write it YYYY-MM-DD", field="until") from None
    return datetime.combine(day, time(23, 59, 59), UTC)


@access_app.command("request")
@translated
def request(
    dataset: str = typer.Argument(..., help="institute/name"),
    purpose: str = typer.Option(..., "--purpose", help="Why you need it (kept in the audit of every read)."),
    use: str = typer.Option(..., "--use", help="What you will do with it."),
    days: int = typer.Option(..., "--days", help="For how long, in days (1 to 730)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Ask the stewards of a dataset for read access."""
    with open_node() as jz:
        result = jz.request_access(dataset, purpose=purpose, intended_use=use, duration_days=days)
    emit(result, as_json, lambda r: out.print(f"request {r['id']} for {r['dataset']}: {r['status']}"))


@access_app.command("approve")
@translated
def approve(
    request_id: int = typer.Argument(..., help="The request's id.", min=1, max=MAX_ID),
    days: int = typer.Option(None, "--days", help="Grant for N days from now [default: the duration asked]."),
    until: str = typer.Option(None, "--until", metavar="DATE", help="Grant until the end of DATE (YYYY-MM-DD, UTC)."),
    note: str = typer.Option(None, "--note", help="A note the requester sees."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Approve a pending request: a grant until an expiry (at most two years)."""
    expires_at = _until(until)
    with open_node() as jz:
        result = jz.access.approve(jz.actor, request_id, expires_at=expires_at, days=days, note=note)
        granted = {g["id"]: g for g in jz.access.grants(jz.actor, dataset_ref=result["dataset"])}

    def render(r: dict[str, Any]) -> None:
        until_text = granted[r["grant"]]["expires_at"] if r["grant"] in granted else "?"
        out.print(f"request {r['id']} approved: grant {r['grant']} to {r['requester']['email']} "
                  f"on {r['dataset']} until {until_text}")

    emit(result, as_json, render)


@access_app.command("refuse")
@translated
def refuse(
    request_id: int = typer.Argument(..., help="The request's id.", min=1, max=MAX_ID),
    reason: str = typer.Option(..., "--reason", help="Why (the requester sees it)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Refuse a pending request, with a reason."""
    with open_node() as jz:
        result = jz.access.refuse(jz.actor, request_id, reason=reason)
    emit(result, as_json, lambda r: out.print(f"request {r['id']} refused: {r['reason']}"))


@access_app.command("withdraw")
@translated
def withdraw(
    request_id: int = typer.Argument(..., help="The id of your request.", min=1, max=MAX_ID),
    as_json: bool = JSON_OPTION,
) -> None:
    """Withdraw one of your pending requests."""
    with open_node() as jz:
        result = jz.access.withdraw(jz.actor, request_id)
    emit(result, as_json, lambda r: out.print(f"request {r['id']} withdrawn"))


@access_app.command("grant")
@translated
def grant(
    dataset: str = typer.Argument(..., help="institute/name"),
    email: str = typer.Argument(..., help="The grantee's email."),
    purpose: str = typer.Option(..., "--purpose", help="For what (kept in the audit of every read)."),
    days: int = typer.Option(None, "--days", help="For N days from now."),
    until: str = typer.Option(None, "--until", metavar="DATE", help="Until the end of DATE (YYYY-MM-DD, UTC)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Give a named user read access without a request (stewards; e.g. on an unlisted dataset)."""
    expires_at = _until(until)
    with open_node() as jz:
        result = jz.grant_access(dataset, email, purpose=purpose, days=days, expires_at=expires_at)
    emit(result, as_json, lambda g: out.print(
        f"grant {g['id']} to {g['grantee']['email']} on {g['dataset']} until {g['expires_at']}"))


@access_app.command("revoke")
@translated
def revoke(
    grant_id: int = typer.Argument(..., help="The grant's id.", min=1, max=MAX_ID),
    reason: str = typer.Option(None, "--reason", help="Why (the grantee sees it)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """End a grant now (stewards of the owner, or the grantee giving it up)."""
    with open_node() as jz:
        result = jz.access.revoke(jz.actor, grant_id, reason=reason)
    emit(result, as_json, lambda g: out.print(f"grant {g['id']} on {g['dataset']} revoked"))


@access_app.command("requests")
@translated
def requests(
    mine: bool = typer.Option(False, "--mine", help="Your own requests and their outcome."),
    status: str = typer.Option(None, "--status", help="pending, approved, refused or withdrawn."),
    dataset: str = typer.Option(None, "--dataset", "-d", help="Only the requests for this dataset."),
    as_json: bool = JSON_OPTION,
) -> None:
    """The requests you may decide (or, with --mine, your own), newest first."""
    with open_node() as jz:
        result = jz.access.requests(jz.actor, mine=mine, status=status, dataset_ref=dataset)
    emit(result, as_json, _print_requests)


@access_app.command("grants")
@translated
def grants(
    mine: bool = typer.Option(False, "--mine", help="Your own grants."),
    dataset: str = typer.Option(None, "--dataset", "-d", help="Only the grants on this dataset."),
    include_all: bool = typer.Option(False, "--all", help="Also expired and revoked grants."),
    as_json: bool = JSON_OPTION,
) -> None:
    """The active grants on datasets you manage (or, with --mine, your own), newest first."""
    with open_node() as jz:
        result = jz.access.grants(jz.actor, mine=mine, dataset_ref=dataset, include_inactive=include_all)
    emit(result, as_json, _print_grants)


def _print_requests(rows: list[dict[str, Any]]) -> None:
    if not rows:
        out.print("no access requests")
        return
    table = Table("id", "dataset", "requester", "days", "status", "purpose", "reason", "grant")
    for r in rows:
        table.add_row(str(r["id"]), r["dataset"], r["requester"]["email"], str(r["duration_days"]), r["status"],
                      r["purpose"], r["reason"] or "", "" if r["grant"] is None else str(r["grant"]))
    out.print(table)


def _print_grants(rows: list[dict[str, Any]]) -> None:
    if not rows:
        out.print("no grants")
        return
    table = Table("id", "dataset", "grantee", "purpose", "expires", "state", "granted by")
    for g in rows:
        table.add_row(str(g["id"]), g["dataset"], g["grantee"]["email"], g["purpose"], g["expires_at"][:10],
                      g["state"], g["granted_by"])
    out.print(table)
