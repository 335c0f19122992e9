"""`jazari register ...`: the CNDP processing register (law 09-08) of datasets holding personal data."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from jazari.cli.root import JSON_OPTION, app, emit, err, open_node, translated
from jazari.errors import InputError

out = Console(width=None if sys.stdout.isatty() else 200)

register_app = typer.Typer(help="The CNDP processing register (law 09-08): set, show, export.",
                           no_args_is_help=True)
app.add_typer(register_app, name="register")


@register_app.command("set")
@translated
def set_entry(
    dataset: str = typer.Argument(..., help="institute/name"),
    file: Path = typer.Option(..., "--file", "-f", help="The entry as JSON or YAML: controller, purpose, "
                              "legal_basis, data_categories, data_subjects, recipients, retention_days, "
                              "transfers_abroad, security_measures, cndp_reference."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Create or replace a dataset's register entry (stewards of its institute)."""
    with open_node() as jz:
        result = jz.register_set(dataset, file)
    emit(result, as_json, _print_entry)


@register_app.command("show")
@translated
def show(
    dataset: str = typer.Argument(None, help="institute/name [default: every entry you may read]"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Show a dataset's entry, or every entry you may read and the datasets still missing one."""
    with open_node() as jz:
        result = jz.register_show(dataset)
    emit(result, as_json, _print_entry if dataset else _print_register)


@register_app.command("export")
@translated
def export(
    fmt: str = typer.Option("csv", "--format", help="csv, json or md."),
    output: Path = typer.Option(None, "--output", "-o", help="Write to this file [default: standard output]."),
) -> None:
    """Export the register of the datasets you manage (administrators: all) as csv, json or md."""
    with open_node() as jz:
        text = jz.register_export(fmt)
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror or exc}", field="output") from exc
    err.print(f"wrote {output}", highlight=False)


def _print_entry(entry: dict[str, Any]) -> None:
    for key, value in entry.items():
        shown = "; ".join(value) if isinstance(value, list) else ("" if value is None else str(value))
        out.print(f"{key:>18}  {shown}", highlight=False)


def _print_register(result: dict[str, Any]) -> None:
    if result["entries"]:
        table = Table("dataset", "controller", "legal basis", "retention (days)", "CNDP reference")
        for e in result["entries"]:
            table.add_row(e["dataset"], e["controller"], e["legal_basis"], str(e["retention_days"]),
                          e["cndp_reference"] or "")
        out.print(table)
    else:
        out.print("no register entries")
    if result["missing"]:
        out.print("holding personal data without an entry: " + ", ".join(result["missing"]), highlight=False)
        out.print("  next: `jazari register set DATASET --file entry.yaml`", highlight=False)
