"""`jazari privacy ...`: find personal data in texts and tables, and treat it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

import typer

from jazari.cli.root import app, emit, err, open_node, translated
from jazari.errors import InputError

privacy_app = typer.Typer(help="Personal data (law 09-08): scan, suggest a policy, anonymize.",
                          no_args_is_help=True)
app.add_typer(privacy_app, name="privacy")


def _records(stream: TextIO, plain: bool, name: str) -> Any:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        if plain:
            yield number, line.rstrip("\r\n")
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"not JSON: {exc.msg}", hint="one {\"id\": ..., \"text\": ...} per line, or --plain",
                             file=name, line=number, column=exc.colno) from exc
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise InputError('each line needs a "text" string', file=name, line=number, field="text")
        yield record.get("id", number), record["text"]


@privacy_app.command("scan")
@translated
def scan(
    file: str = typer.Argument("-", help="JSON lines {\"id\", \"text\"} (or plain lines with --plain); - = stdin."),
    plain: bool = typer.Option(False, "--plain", help="Each line is a text; its line number is its id."),
    lang: str = typer.Option(None, "--lang", help="fr, ar, en or darija (optional)."),
    min_score: float = typer.Option(0.5, "--min-score", help="Drop findings scored below this."),
    batch: int = typer.Option(2000, "--batch", help="Texts scanned together (one `scan_many` call)."),
) -> None:
    """Write, for each input text, one JSON line {"id", "findings": [{entity, start, end, score, text}]}."""
    from jazari.privacy import default_scanner

    scanner = default_scanner()
    if file != "-" and not Path(file).is_file():
        raise InputError(f"no such file: {file}", file=file)
    stream = sys.stdin if file == "-" else open(file, encoding="utf-8", errors="replace")
    out = sys.stdout
    try:
        pending: list[tuple[Any, str]] = []
        for record in _records(stream, plain, "stdin" if file == "-" else file):
            pending.append(record)
            if len(pending) >= batch:
                _emit(scanner, pending, lang, min_score, out)
                pending = []
        _emit(scanner, pending, lang, min_score, out)
    finally:
        if stream is not sys.stdin:
            stream.close()


def _emit(scanner: Any, records: list[tuple[Any, str]], lang: str | None, min_score: float, out: TextIO) -> None:
    results = scanner.scan_many([t for _, t in records], lang, min_score=min_score)
    for (ident, _), findings in zip(records, results, strict=True):
        payload = [f.to_dict() for f in findings]
        out.write(json.dumps({"id": ident, "findings": payload}, ensure_ascii=False) + "\n")


def _column_findings(target: str) -> list[dict[str, Any]]:
    """Findings per column of a file (read as an ingest would) or of a dataset's latest version."""
    from jazari.privacy.columns import ColumnScan

    path = Path(target)
    if path.is_file():
        from jazari.datasets.ingest import SUFFIX_FORMATS
        from jazari.factory.cast import CastConfig, cast_batch
        from jazari.factory.pipeline import decide_schema, take_sample
        from jazari.factory.readers import ReadOptions, open_source

        with open_source(path, ReadOptions(format=SUFFIX_FORMATS.get(path.suffix.lower()))) as source:
            batches = source.batches()
            sample = take_sample(batches, 100_000)
            schema = decide_schema(source, sample, None)
            config = CastConfig(schema=schema)
            scan = ColumnScan(schema.names)
            row = 0
            for batch in [*sample, *batches]:
                numbers = pa_range(row, batch.num_rows)
                row += batch.num_rows
                typed = cast_batch(config, batch.append_column("_row", numbers))
                scan.update(typed.drop_columns(["_row", "_errors"]))
        return [f.to_dict() for f in scan.finalize()]
    with open_node() as jz:
        return jz.datasets_service.privacy_scan(jz.actor, target)


def pa_range(start: int, count: int) -> Any:
    import pyarrow as pa

    return pa.array(range(start, start + count), pa.int64())


@privacy_app.command("scan-table")
@translated
def scan_table(
    target: str = typer.Argument(..., help="A file (CSV, XLSX, JSON, Parquet) or a dataset institute/name."),
    as_json: bool = typer.Option(False, "--json", help="Print the findings as JSON."),
) -> None:
    """Which columns hold personal data, how sure, and what to do with each."""
    findings = _column_findings(target)

    def render(rows: list[dict[str, Any]]) -> None:
        from rich.console import Console
        from rich.table import Table

        table = Table("column", "kind", "entities", "confidence", "suggested", "why")
        for f in rows:
            entities = ", ".join(f"{k} {v}" for k, v in f["entities"].items())
            action = " ".join(f"{k}={v}" if k != "operator" else str(v) for k, v in f["action"].items())
            table.add_row(f["column"], f["kind"], entities, f"{f['confidence']:.2f}", action, f["reason"])
        Console(width=200 if not sys.stdout.isatty() else None).print(table)

    emit(findings, as_json, render)


@privacy_app.command("suggest")
@translated
def suggest(
    target: str = typer.Argument(..., help="A file or a dataset institute/name."),
    output: Path = typer.Option(None, "--output", "-o", help="Write the policy there instead of stdout."),
) -> None:
    """Write a privacy policy (YAML) to start from: one rule per column with personal data."""
    from jazari.privacy.columns import ColumnFinding
    from jazari.privacy.policy import suggest_policy

    findings = [ColumnFinding.from_dict(f) for f in _column_findings(target)]
    policy = suggest_policy(findings)
    comments = {f.column: f.reason for f in findings if f.personal}
    text = policy.to_yaml(comments=comments)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output}: review it, then `jazari privacy anonymize {target} --policy {output}`",
                  highlight=False)


@privacy_app.command("anonymize")
@translated
def anonymize(
    dataset: str = typer.Argument(..., help="institute/name"),
    policy: Path = typer.Option(..., "--policy", "-p", help="The privacy policy (YAML)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Publish a new version treated by the policy; later ingests of the dataset apply it too."""
    from jazari.privacy.policy import PrivacyPolicy

    rules = PrivacyPolicy.load(policy)
    with open_node() as jz:
        result = jz.anonymize(dataset, rules)

    def render(r: dict[str, Any]) -> None:
        typer.echo(f"{r['dataset']} version {r['version']}: {r['rows_written']:,} rows, privacy "
                   f"{r['privacy']['status']}" + (f" ({r['privacy']['message']})" if r["privacy"]["message"] else ""))

    emit(result, as_json, render)
