"""`jazari audit`: who read or changed what, and whether the log is intact."""

from __future__ import annotations

import sys
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from jazari.cli.root import JSON_OPTION, app, emit, open_node, translated

out = Console(width=None if sys.stdout.isatty() else 200)

audit_app = typer.Typer(help="The audit log: every read of non-public data and every change of rights.")
app.add_typer(audit_app, name="audit")


@audit_app.callback(invoke_without_command=True)
@translated
def audit(
    ctx: typer.Context,
    dataset: str = typer.Option(None, "--dataset", "-d", help="Only the events of this dataset."),
    limit: int = typer.Option(100, "--limit", help="How many events, newest first."),
    as_json: bool = JSON_OPTION,
) -> None:
    """List audit events, newest first (`jazari audit verify` checks the chain)."""
    if ctx.invoked_subcommand is not None:
        return
    with open_node() as jz:
        result = jz.audit(dataset, limit=limit)
    emit(result, as_json, _print_events)


@audit_app.command("verify")
@translated
def verify(as_json: bool = JSON_OPTION) -> None:
    """Recompute the hash chain of the audit log; exit 1 when it is broken."""
    with open_node() as jz:
        result = jz.audit_verify()
    emit(result, as_json, _print_verify)
    if not result["ok"]:
        raise typer.Exit(1)


def _print_events(events: list[dict[str, Any]]) -> None:
    if not events:
        out.print("no audit events")
        return
    table = Table("seq", "time", "actor", "action", "resource", "version")
    for e in events:
        table.add_row(str(e["seq"]), e["at"], e["actor"], e["action"], e["resource"],
                      "" if e["version"] is None else str(e["version"]))
    out.print(table)


def _print_verify(result: dict[str, Any]) -> None:
    if result["ok"]:
        out.print(f"audit log intact: {result['events']} events, head {result['head'][:16]}")
    else:
        out.print(f"audit log BROKEN at event {result['broken_seq']}: {result['reason']}")
