"""`jazari privacy ...`: find personal data in texts and tables, and treat it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

import typer

from jazari.cli.root import app, translated
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
    batch: int = typer.Option(2000, "--batch", help="Texts scanned together."),
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
