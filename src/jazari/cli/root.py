"""The root Typer app, shared options and the one place errors become exit codes and messages."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console

from jazari.errors import JazariError

app = typer.Typer(
    name="jazari",
    help="Jazari: turn institutional files into safe, documented, versioned datasets.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
err = Console(stderr=True)
state: dict[str, Any] = {"home": None, "debug": False, "as": None}

F = TypeVar("F", bound=Callable[..., Any])
MAX_ID = 2**31 - 1  # ids and version numbers are 32-bit integers in the database

# options shared by several commands
JSON_OPTION = typer.Option(False, "--json", help="Print the result as JSON.")
ENCODING_OPTION = typer.Option(None, "--encoding", help="Force the encoding (utf-8, cp1256, ...).")
DELIMITER_OPTION = typer.Option(None, "--delimiter", help="Force the CSV delimiter (use '\\t' for tab).")
SKIP_ROWS_OPTION = typer.Option(0, "--skip-rows", help="Lines to skip before the header.")
NO_HEADER_OPTION = typer.Option(False, "--no-header", help="The file has no header row.")


@app.callback()
def root(
    home: Path = typer.Option(None, "--home", envvar="JAZARI_HOME", help="Jazari home folder [./.jazari]."),
    debug: bool = typer.Option(False, "--debug", help="Show the traceback of errors."),
    as_user: str = typer.Option(
        None, "--as", envvar="JAZARI_USER", metavar="EMAIL",
        help="Act as this user, with their roles and grants [default: the node operator, who may do anything].",
    ),
) -> None:
    """Jazari: turn institutional files into safe, documented, versioned datasets."""
    state["home"] = home
    state["debug"] = debug
    state["as"] = as_user


def open_node() -> Any:
    """Open the node the options point at (created or upgraded on the way), acting as `--as EMAIL`
    when given, else as the node operator."""
    import jazari

    jz = jazari.open(state["home"])
    if state["as"]:
        try:
            jz.actor = jz.accounts.actor(state["as"], via="cli")
        except BaseException:
            jz.close()
            raise
    return jz


def printable(text: str) -> str:
    """Someone's text made safe for a terminal: control characters (escape sequences that could move
    the cursor, retitle the window or write the clipboard) shown as `?`, new lines as spaces."""
    return "".join(" " if c in "\n\t" else "?" if unicodedata.category(c) == "Cc" else c for c in text)


def emit(data: Any, as_json: bool, render: Callable[[Any], None]) -> None:
    """Print the service's result: JSON exactly as returned, or a human rendering."""
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        render(data)


def translated(func: F) -> F:
    """Run a command, turning a JazariError into one clear line on stderr and exit code 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except JazariError as exc:
            if state["debug"]:
                raise
            err.print(f"[bold red]Error:[/] {exc.where() + ': ' if exc.where() else ''}{exc.message}",
                      highlight=False, markup=True, soft_wrap=True)
            if exc.hint:
                err.print(f"  next: {exc.hint}", highlight=False, markup=False, soft_wrap=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print("interrupted: nothing was published")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def main() -> None:
    """Entry point of the console script."""
    app(prog_name="jazari")
