"""Commands over datasets: init, ingest, datasets, versions, show, rows, quarantine, diff, export."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from jazari.cli.accounts import read_password
from jazari.cli.root import (
    DELIMITER_OPTION,
    ENCODING_OPTION,
    JSON_OPTION,
    MAX_ID,
    NO_HEADER_OPTION,
    SKIP_ROWS_OPTION,
    app,
    emit,
    err,
    open_node,
    translated,
)
from jazari.datasets.preview import parse_filters
from jazari.factory.readers import ReadOptions

out = Console(width=None if sys.stdout.isatty() else 200)
BIG_FILE = 50 * 1024 * 1024


@app.command()
@translated
def init(
    admin: str = typer.Option(None, "--admin", metavar="EMAIL", help="Create the first platform administrator."),
    admin_name: str = typer.Option("Administrator", "--admin-name", help="The administrator's name."),
    password_stdin: bool = typer.Option(False, "--password-stdin",
                                        help="Read the administrator's password from stdin (else one is printed once)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Create or upgrade the Jazari home and its database (safe to run again); with --admin, the first
    administrator."""
    password = read_password(password_stdin) if admin else None
    with open_node() as jz:
        result = jz.init()
        if admin:
            user, generated = jz.accounts.first_admin(admin, admin_name, password)
            result["admin"] = {"email": user["email"], "password": generated}

    def render(r: dict[str, Any]) -> None:
        out.print(f"Jazari home {r['home']} ready (database {r['database']}, schema {r['revision']})")
        if "admin" in r:
            out.print(f"administrator {r['admin']['email']}")
            if r["admin"]["password"]:
                out.print(f"password (shown once): {r['admin']['password']}", highlight=False)

    emit(result, as_json, render)


@app.command()
@translated
def ingest(
    file: Path = typer.Argument(..., help="CSV, TSV, XLSX, JSON, JSON lines or Parquet file; or a ZIP or folder "
                                "of images (a file dataset: one row per image)."),
    dataset: str = typer.Option(..., "--dataset", "-d", help="institute/name, e.g. hcp/communes-2024."),
    title: str = typer.Option(None, "--title", help="Title of the dataset."),
    mode: str = typer.Option("replace", "--mode", help="replace the data, or append to it."),
    schema: Path = typer.Option(None, "--schema", help="Frictionless Table Schema (JSON) to apply."),
    strict: bool = typer.Option(False, "--strict", help="Refuse the ingest if any row has a finding."),
    privacy: Path = typer.Option(None, "--privacy", help="Privacy policy (YAML) to apply, now and next times."),
    encoding: str = ENCODING_OPTION,
    delimiter: str = DELIMITER_OPTION,
    sheet: str = typer.Option(None, "--sheet", help="XLSX sheet name or number; '*' = each sheet."),
    skip_rows: int = SKIP_ROWS_OPTION,
    file_format: str = typer.Option(None, "--format", help="csv, tsv, xlsx, json, jsonl, parquet or images (a ZIP)."),
    no_header: bool = NO_HEADER_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Ingest a file as a new version of a dataset: typed, validated, profiled, versioned. A ZIP or a folder
    of images makes a file dataset (docs/files.md)."""
    if delimiter == "\\t":
        delimiter = "\t"
    options = ReadOptions(
        format=file_format, encoding=encoding, delimiter=delimiter,
        sheet=None if sheet == "*" else sheet, skip_rows=skip_rows, header=False if no_header else None,
    )
    with open_node() as jz:
        kwargs: dict[str, Any] = {"title": title, "mode": mode, "strict": strict, "options": options}
        if privacy is not None:
            from jazari.privacy.policy import PrivacyPolicy

            kwargs["privacy"] = PrivacyPolicy.load(privacy)
        if schema is not None:
            from jazari.factory.schema import TableSchema

            kwargs["schema"] = TableSchema.load(schema)
        show_bar = not as_json and file.is_file() and file.stat().st_size >= BIG_FILE
        if sheet == "*":
            results = jz.ingest_sheets(file, dataset, **kwargs)
        elif show_bar:
            with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                          console=err, transient=True) as bar:
                task = bar.add_task("ingesting", total=1.0)
                results = [jz.ingest(file, dataset, progress=lambda f, m: bar.update(task, completed=f,
                                                                                     description=m), **kwargs)]
        else:
            results = [jz.ingest(file, dataset, **kwargs)]
    emit(results if sheet == "*" else results[0], as_json, lambda _: [_print_ingest(r) for r in results])


def _print_ingest(result: dict[str, Any]) -> None:
    if result.get("unchanged"):
        out.print(f"{result['dataset']}: {result['message']}")
        return
    out.print(
        f"{result['dataset']} version {result['version']}: {result['rows_written']:,} rows written, "
        f"{result['rows_quarantined']:,} quarantined (of {result['rows_read']:,} read; "
        f"{result['rows_total']:,} in the version)"
    )
    opts = result.get("reader_options", {})
    detected = ", ".join(f"{k}={v!r}" for k, v in opts.items() if v not in (None, "", 0))
    if detected:
        out.print(f"  read with {detected}", highlight=False)
    status = result.get("privacy") or {}
    if status.get("status") and status["status"] != "clean":
        out.print(f"  privacy: {status['status']}" + (f": {status['message']}" if status.get("message") else ""),
                  highlight=False)
    if status.get("access_lowered_from"):
        because = status.get("access_lowered_because") or "personal data that no privacy policy treats"
        out.print(f"  access lowered from {status['access_lowered_from']} to institute: {because}", highlight=False)
    for finding in result.get("findings", [])[:10]:
        out.print(f"  {finding.get('count', 1):>8,} x {finding.get('type')} in {finding.get('column')!r}: "
                  f"{finding.get('message', '')}", highlight=False)


datasets_app = typer.Typer(help="List the datasets the acting user may see; `datasets edit` changes one; "
                           "`datasets card` and `datasets package` describe a version (Markdown, datapackage.json).")
app.add_typer(datasets_app, name="datasets")


@datasets_app.callback(invoke_without_command=True)
@translated
def datasets_list(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """List the datasets the acting user may see."""
    if ctx.invoked_subcommand is not None:
        return
    with open_node() as jz:
        result = jz.datasets()

    def render(rows: list[dict[str, Any]]) -> None:
        table = Table("dataset", "title", "version", "rows", "access")
        for r in rows:
            table.add_row(r["dataset"], r["title"] or "", str(r["latest_version"] or "-"),
                          f"{r['rows']:,}" if r["rows"] is not None else "-", r["access_level"])
        out.print(table)

    emit(result, as_json, render)


@datasets_app.command("edit")
@translated
def datasets_edit(
    dataset: str = typer.Argument(..., help="institute/name"),
    title: str = typer.Option(None, "--title", help="A new title."),
    description: str = typer.Option(None, "--description", help="A new description."),
    access: str = typer.Option(None, "--access", help="public, network, institute or restricted."),
    unlisted: bool = typer.Option(None, "--unlisted/--listed", help="Hide a restricted or institute dataset from "
                                  "the lists of those who may not read it."),
    metadata: Path = typer.Option(None, "--metadata", metavar="META.json", help="Replace the metadata: "
                                  "title/description by language (fr, ar, en), keywords, themes, regions, "
                                  "license, source, contact."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Change a dataset's title, description, access level, listing or metadata (stewards of its institute)."""
    changes = {k: v for k, v in {"title": title, "description": description, "access_level": access,
                                 "unlisted": unlisted}.items() if v is not None}
    meta = read_metadata(metadata) if metadata is not None else None
    with open_node() as jz:
        if meta is not None:
            jz.set_metadata(dataset, meta)
        result = jz.datasets_service.update(jz.actor, dataset, **changes)
    emit(result, as_json, lambda r: out.print(f"{r['dataset']}: access {r['access_level']}"))


def read_metadata(path: Path) -> Any:
    """The JSON of a metadata file (an InputError naming the file if it is not)."""
    from jazari.errors import InputError

    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}", file=str(path)) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path} is not JSON: {exc}", file=str(path), field="metadata") from exc


@app.command()
@translated
def versions(dataset: str = typer.Argument(..., help="institute/name"), as_json: bool = JSON_OPTION) -> None:
    """The history of a dataset, newest first."""
    with open_node() as jz:
        result = jz.versions(dataset)

    def render(rows: list[dict[str, Any]]) -> None:
        table = Table("version", "created", "mode", "source", "rows", "quarantined", "sha256")
        for r in rows:
            source = r.get("source") or {"name": "", "sha256": ""}  # only for those who may read the version
            table.add_row(str(r["version"]), r["created_at"][:19], r["mode"], source["name"],
                          f"{r['rows']['total']:,}", f"{r['rows']['quarantined']:,}", source["sha256"][:12])
        out.print(table)

    emit(result, as_json, render)


@app.command()
@translated
def show(
    dataset: str = typer.Argument(..., help="institute/name"),
    version: int = typer.Option(None, "--version", "-v", help="Version number [latest].", min=1, max=MAX_ID),
    part: str = typer.Option(None, "--part", help="Only one part: schema, profile, validation, lineage."),
    as_json: bool = JSON_OPTION,
) -> None:
    """A version's schema, profile, validation report and lineage."""
    with open_node() as jz:
        result = jz.version(dataset, version)
    if part:
        result = result.get(part)
    emit(result, as_json, lambda r: typer.echo(json.dumps(r, ensure_ascii=False, indent=2, default=str)))


@app.command()
@translated
def rows(
    dataset: str = typer.Argument(..., help="institute/name"),
    version: int = typer.Option(None, "--version", "-v", help="Version number [latest].", min=1, max=MAX_ID),
    offset: int = typer.Option(0, "--offset", min=0, max=MAX_ID),
    limit: int = typer.Option(20, "--limit"),
    sort: str = typer.Option(None, "--sort", metavar="COLUMN", help="Sort by this column (empty cells last)."),
    descending: bool = typer.Option(False, "--descending", help="Sort from the largest value."),
    filters: list[str] = typer.Option(
        [], "--filter", metavar="COLUMN:TEXT",
        help="Keep the rows whose column, read as text, contains TEXT (any case); repeat: all must match."),
    as_json: bool = JSON_OPTION,
) -> None:
    """A page of a version's rows, in file order or sorted, optionally filtered."""
    with open_node() as jz:
        result = jz.rows(dataset, version, offset=offset, limit=limit, sort=sort, descending=descending,
                         filters=parse_filters(filters))

    def render(page: dict[str, Any]) -> None:
        table = Table(*page["columns"])
        for r in page["rows"]:
            table.add_row(*("" if v is None else str(v) for v in r.values()))
        out.print(table)
        of = f"{page['matched']:,} matching" if page["filters"] else f"{page['total']:,}"
        out.print(f"rows {offset + 1}-{offset + len(page['rows'])} of {of}")

    emit(result, as_json, render)


@app.command()
@translated
def quarantine(
    dataset: str = typer.Argument(..., help="institute/name"),
    version: int = typer.Option(None, "--version", "-v", help="Version number [latest].", min=1, max=MAX_ID),
    limit: int = typer.Option(50, "--limit"),
    as_json: bool = JSON_OPTION,
) -> None:
    """The rows a version set aside, with row number, column and reason (the dataset's stewards)."""
    with open_node() as jz:
        result = jz.quarantine(dataset, version, limit=limit)

    def render(page: dict[str, Any]) -> None:
        table = Table("row", "column", "type", "message", "value")
        for r in page["rows"]:
            table.add_row(str(r["_row"]), str(r["column"]), str(r["type"]), str(r["message"]), str(r["value"]))
        out.print(table)

    emit(result, as_json, render)


@app.command()
@translated
def diff(
    dataset: str = typer.Argument(..., help="institute/name"),
    a: int = typer.Argument(..., help="Older version.", min=1, max=MAX_ID),
    b: int = typer.Argument(..., help="Newer version.", min=1, max=MAX_ID),
    as_json: bool = JSON_OPTION,
) -> None:
    """What changed between two versions: schema, row count, column statistics."""
    with open_node() as jz:
        result = jz.diff(dataset, a, b)
    emit(result, as_json, lambda r: typer.echo(json.dumps(r, ensure_ascii=False, indent=2, default=str)))


@app.command()
@translated
def export(
    dataset: str = typer.Argument(..., help="institute/name"),
    output: Path = typer.Option(..., "--output", "-o", help="File to write."),
    version: int = typer.Option(None, "--version", "-v", help="Version number [latest].", min=1, max=MAX_ID),
    fmt: str = typer.Option("parquet", "--format", "-f", help="parquet, csv, jsonl or arrow (an Arrow IPC stream)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Write a version to a file: Parquet, CSV (formulas neutralised), JSON lines or Arrow IPC stream."""
    with open_node() as jz:
        result = jz.export(dataset, output, version=version, fmt=fmt)
    emit(result, as_json, lambda r: out.print(f"wrote {r['rows']:,} rows of {r['dataset']} "
                                              f"version {r['version']} to {r['path']}"))
