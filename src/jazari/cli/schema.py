"""`jazari schema infer FILE`: print the inferred Table Schema for a steward to edit."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from jazari.cli.root import app, translated
from jazari.factory.readers import ReadOptions, open_source

schema_app = typer.Typer(help="Table Schemas: infer one from a file.", no_args_is_help=True)
app.add_typer(schema_app, name="schema")


@schema_app.command("infer")
@translated
def infer(
    file: Path = typer.Argument(..., help="The file to look at."),
    encoding: str = typer.Option(None, "--encoding"),
    delimiter: str = typer.Option(None, "--delimiter"),
    sheet: str = typer.Option(None, "--sheet"),
    skip_rows: int = typer.Option(0, "--skip-rows"),
    rows: int = typer.Option(100_000, "--rows", help="How many rows to look at."),
) -> None:
    """Print the Frictionless Table Schema Jazari infers from FILE (edit it, pass --schema)."""
    from jazari.datasets.ingest import SUFFIX_FORMATS
    from jazari.factory.pipeline import decide_schema, take_sample

    options = ReadOptions(format=SUFFIX_FORMATS.get(file.suffix.lower()), encoding=encoding,
                          delimiter=delimiter, sheet=sheet, skip_rows=skip_rows)
    with open_source(file, options) as source:
        schema = decide_schema(source, take_sample(source.batches(), rows), None)
    typer.echo(json.dumps(schema.to_dict(), ensure_ascii=False, indent=2))
