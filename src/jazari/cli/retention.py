"""`jazari retention ...` and `jazari source`: the raw zone's retention and its originals."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from jazari.cli.root import JSON_OPTION, MAX_ID, app, emit, open_node, translated

out = Console(width=None if sys.stdout.isatty() else 200)

retention_app = typer.Typer(help="Retention of the raw zone: purge originals past their retention.",
                            no_args_is_help=True)
app.add_typer(retention_app, name="retention")


@retention_app.command("run")
@translated
def run(as_json: bool = JSON_OPTION) -> None:
    """Purge the originals past retention now (administrators; `jazari serve` runs it daily)."""
    with open_node() as jz:
        result = jz.retention_run()
    emit(result, as_json, _print_run)


@retention_app.command("status")
@translated
def status(as_json: bool = JSON_OPTION) -> None:
    """List the versions of your datasets that are past their register retention."""
    with open_node() as jz:
        result = jz.retention_status()
    emit(result, as_json, lambda r: _print_flagged(r["flagged"]))


@app.command("source")
@translated
def source(
    dataset: str = typer.Argument(..., help="institute/name"),
    version: int = typer.Option(None, "--version", help="Version number [default: the latest].", min=1, max=MAX_ID),
    output: Path = typer.Option(..., "--output", "-o", help="Where to write the original file."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Save the original upload of a version (stewards of its institute; audited)."""
    with open_node() as jz:
        result = jz.source(dataset, version, output=output)
    emit(result, as_json, lambda r: out.print(
        f"{r['dataset']} version {r['version']}: original {r['name']} ({r['size']:,} bytes) -> {r['path']}",
        highlight=False))


def _print_run(result: dict[str, Any]) -> None:
    out.print(f"{result['purged']} originals purged ({result['purged_bytes']:,} bytes, "
              f"{result['versions_purged']} versions), {result['orphans_removed']} unreferenced files removed, "
              f"{result['encrypted_legacy']} older files encrypted", highlight=False)
    _print_flagged(result["flagged"])


def _print_flagged(flagged: list[dict[str, Any]]) -> None:
    if not flagged:
        out.print("no version is past its register retention")
        return
    table = Table("dataset", "version", "published", "retention (days)", "expired since", "original")
    for f in flagged:
        table.add_row(f["dataset"], str(f["version"]), f["created_at"][:10], str(f["retention_days"]),
                      f["expired_since"][:10], "purged" if f["source_purged"] else "kept")
    out.print("versions past their register retention (a steward decides what to keep):")
    out.print(table)
