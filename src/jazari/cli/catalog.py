"""`jazari search QUERY`: find datasets in French, Arabic, Darija (both scripts) or English; and a
version's documents in open standards: `jazari datasets card` (Markdown), `jazari datasets package`
(Frictionless `datapackage.json`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from jazari.cli.datasets import JSON_OPTION, datasets_app, out
from jazari.cli.root import MAX_ID, app, emit, err, open_node, translated
from jazari.errors import InputError


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
    offset: int = typer.Option(0, "--offset", help="Skip this many of the best results first (0-10000)."),
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
                           access=access, limit=limit, offset=offset)

    def render(found: dict[str, Any]) -> None:
        table = Table("dataset", "title", "score", "themes", "access")
        for r in found["results"]:
            table.add_row(r["dataset"], r["title"], f"{r['score']:.3g}", ", ".join(r["themes"]), r["access_level"])
        out.print(table)
        out.print(f"{found['total']} found", highlight=False)

    emit(result if facets else result["results"], as_json, lambda _r: render(result))


VERSION_OPTION = typer.Option(None, "--version", "-v", help="Version number [latest].", min=1, max=MAX_ID)
OUTPUT_OPTION = typer.Option(None, "--output", "-o", help="Write to this file [default: standard output].")


def _deliver(text: str, output: Path | None) -> None:
    """Print `text`, or write it to `output` (UTF-8)."""
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror or exc}", field="output", file=str(output)) from exc
    err.print(f"wrote {output}", highlight=False)


@datasets_app.command("card")
@translated
def datasets_card(
    dataset: str = typer.Argument(..., help="institute/name"),
    version: int = VERSION_OPTION,
    lang: str = typer.Option("fr", "--lang", help="fr, ar or en (texts missing in it fall back to another)."),
    output: Path = OUTPUT_OPTION,
) -> None:
    """A version's data card in Markdown: description, provenance, schema, profile, quality, personal
    data, licence and how to cite (schema and reports only for those who may read it)."""
    with open_node() as jz:
        text = jz.data_card(dataset, version, lang=lang)
    _deliver(text, output)


@datasets_app.command("package")
@translated
def datasets_package(
    dataset: str = typer.Argument(..., help="institute/name"),
    version: int = VERSION_OPTION,
    output: Path = OUTPUT_OPTION,
) -> None:
    """A version's Frictionless `datapackage.json` (tabular): metadata, and its Parquet and CSV
    downloads with their Table Schema, size and SHA-256. Links use JAZARI_PUBLIC_URL."""
    with open_node() as jz:
        package = jz.datapackage(dataset, version)
    _deliver(json.dumps(package, ensure_ascii=False, indent=2) + "\n", output)
