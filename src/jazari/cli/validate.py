"""`jazari validate FILE [--schema schema.json]`: check a file without ingesting it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from jazari.cli.datasets import out
from jazari.cli.root import (
    DELIMITER_OPTION,
    ENCODING_OPTION,
    JSON_OPTION,
    NO_HEADER_OPTION,
    SKIP_ROWS_OPTION,
    app,
    emit,
    state,
    translated,
)
from jazari.factory.readers import ReadOptions

EXAMPLES_SHOWN = 3


@app.command()
@translated
def validate(
    file: Path = typer.Argument(..., help="CSV, TSV, XLSX, JSON, JSON lines or Parquet file."),
    schema: Path = typer.Option(None, "--schema", help="Frictionless Table Schema (JSON) to check against "
                                                       "[default: the one `jazari schema infer` gives]."),
    encoding: str = ENCODING_OPTION,
    delimiter: str = DELIMITER_OPTION,
    sheet: str = typer.Option(None, "--sheet", help="XLSX sheet name or number."),
    skip_rows: int = SKIP_ROWS_OPTION,
    file_format: str = typer.Option(None, "--format", help="csv, tsv, xlsx, json, jsonl or parquet."),
    no_header: bool = NO_HEADER_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Check FILE against a Table Schema as an ingest would (types and constraints of every row), without
    ingesting it: nothing is stored. Exit code 0 when every row is valid, 1 when any row has a finding
    or the file cannot be read."""
    from jazari.factory.filecheck import validate_file
    from jazari.factory.readers.detect import SUFFIXES
    from jazari.factory.schema import TableSchema
    from jazari.settings import load_settings

    settings = load_settings(home=state["home"])
    options = ReadOptions(
        format=file_format or SUFFIXES.get(file.suffix.lower()), encoding=encoding,
        delimiter="\t" if delimiter == "\\t" else delimiter, sheet=sheet, skip_rows=skip_rows,
        header=False if no_header else None, batch_rows=settings.batch_rows, max_cell_bytes=settings.max_cell_bytes,
    )
    given = TableSchema.load(schema) if schema is not None else None
    result = validate_file(file, schema=given, options=options, sample_rows=settings.sample_rows)
    emit(result, as_json, _print_report)
    if not result["valid"]:
        raise typer.Exit(1)


def _print_report(result: dict[str, Any]) -> None:
    against = "its schema" if result["schema_given"] else "the inferred schema"
    if result["valid"]:
        out.print(f"{result['file']}: valid: {result['rows_read']:,} rows checked against {against}", highlight=False)
        return
    out.print(f"{result['file']}: {result['rows_with_findings']:,} of {result['rows_read']:,} rows have findings "
              f"({result['findings_count']:,} findings) against {against}", highlight=False)
    for finding in result["findings"]:
        out.print(f"  {finding['type']} in {finding['column']}: {finding['count']:,}", highlight=False)
        for example in finding["examples"][:EXAMPLES_SHOWN]:
            where = f"row {example['row']}" if example.get("row") is not None else "a row"
            out.print(f"    {where}: {example['message']}", highlight=False, markup=False)
