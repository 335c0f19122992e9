"""`jazari query`: one sandboxed SELECT over the datasets the acting user may read."""

from __future__ import annotations

import sys
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from jazari.cli.root import app, emit, open_node, translated

out = Console(width=None if sys.stdout.isatty() else 200)


@app.command()
@translated
def query(
    sql: str = typer.Argument(..., help='One SELECT; name datasets in double quotes: SELECT * FROM "hcp/communes@2".'),
    limit: int = typer.Option(100, "--limit", help="Rows per page (1 to 10,000)."),
    offset: int = typer.Option(0, "--offset", help="Rows to skip (the next page starts at offset + limit)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Run one read-only SELECT over the datasets you may read (no files, network or changes; time and
    memory limited; audited)."""
    with open_node() as jz:
        result = jz.query(sql, limit=limit, offset=offset)
    emit(result, as_json, _print_result)


def _print_result(result: dict[str, Any]) -> None:
    table = Table(*result["columns"])
    for row in result["rows"]:
        table.add_row(*("" if row[c] is None else str(row[c]) for c in result["columns"]))
    out.print(table)
    shown = f"rows {result['offset'] + 1}-{result['offset'] + len(result['rows'])}" if result["rows"] else "no rows"
    more = f"; more with --offset {result['next_offset']}" if result["has_more"] else ""
    out.print(f"{shown} in {result['elapsed_ms']:g} ms{more}", highlight=False)
