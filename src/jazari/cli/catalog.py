"""`jazari search QUERY`: find datasets in French, Arabic, Darija (both scripts) or English."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from jazari.cli.datasets import JSON_OPTION, out
from jazari.cli.root import app, emit, open_node, translated


@app.command()
@translated
def search(
    query: str = typer.Argument("", help="Words in fr, ar, en or Darija (Arabic script or Arabizi); empty: all."),
    theme: str = typer.Option(None, "--theme", help="Only this theme (health, education, transport, ...)."),
    region: str = typer.Option(None, "--region", help="Only this region code, 01 to 12."),
    institute: str = typer.Option(None, "--institute", help="Only this institute's datasets."),
    license: str = typer.Option(None, "--license", help="Only this licence."),  # noqa: A002
    fmt: str = typer.Option(None, "--format", help="Only datasets whose source file has this extension (csv, xlsx, ...)."),
    access: str = typer.Option(None, "--access", help="Only this access level."),
    limit: int = typer.Option(10, "--limit", help="How many results (1-100)."),
    reindex: bool = typer.Option(False, "--reindex", help="Rebuild the search index of every dataset first."),
    facets: bool = typer.Option(False, "--facets", help="With --json: print results, facets and total."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Search the datasets the acting user may see; --json prints [{"dataset", "score", ...}]."""
    with open_node() as jz:
        if reindex:
            done = jz.reindex()
            if not query and not any((theme, region, institute, license, fmt, access)):
                emit(done, as_json, lambda r: out.print(f"reindexed {r['reindexed']} datasets"))
                return
        result = jz.search(query, theme=theme, region=region, institute=institute, license=license, format=fmt,
                           access=access, limit=limit)

    def render(found: dict[str, Any]) -> None:
        table = Table("dataset", "title", "score", "themes", "access")
        for r in found["results"]:
            table.add_row(r["dataset"], r["title"], f"{r['score']:.3g}", ", ".join(r["themes"]), r["access_level"])
        out.print(table)
        out.print(f"{found['total']} found", highlight=False)

    emit(result if facets else result["results"], as_json, lambda _r: render(result))
