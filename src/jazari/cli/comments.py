"""`jazari comments ...`: the discussion under a dataset (report a comment with `jazari reports create
comment ID`)."""

from __future__ import annotations

import sys
from typing import Any

import typer
from rich.console import Console

from jazari.cli.root import JSON_OPTION, MAX_ID, app, emit, open_node, printable, translated

out = Console(width=None if sys.stdout.isatty() else 200)
DATASET = typer.Argument(..., help="institute/name of the dataset.")

comments_app = typer.Typer(help="The discussion under a dataset: comments and replies.", no_args_is_help=True)
app.add_typer(comments_app, name="comments")


def _line(c: dict[str, Any], indent: str = "") -> str:
    if c["deleted"]:
        return f"{indent}#{c['id']} (deleted)"
    marks = "".join((" [hidden pending review]" if c["hidden"] else "", " (edited)" if c["edited_at"] else ""))
    when = c["created_at"][:16].replace("T", " ")
    return printable(f"{indent}#{c['id']} {c['author']}, {when}{marks}: {c['body']}")


@comments_app.command("list")
@translated
def list_comments(
    dataset: str = DATASET,
    offset: int = typer.Option(0, "--offset", help="Threads to skip.", min=0, max=MAX_ID),
    limit: int = typer.Option(50, "--limit", help="Threads to show (1 to 200).", min=1, max=200),
    as_json: bool = JSON_OPTION,
) -> None:
    """The dataset's discussion, oldest first, replies indented under their comment."""
    with open_node() as jz:
        result = jz.comments(dataset, offset=offset, limit=limit)

    def render(r: dict[str, Any]) -> None:
        if not r["comments"]:
            out.print(f"no comment under {r['dataset']}", highlight=False)
            return
        for c in r["comments"]:
            out.print(_line(c), highlight=False, markup=False)
            for reply in c["replies"]:
                out.print(_line(reply, "    "), highlight=False, markup=False)
        if r["has_more"]:
            out.print(f"more: --offset {r['offset'] + len(r['comments'])}", highlight=False)

    emit(result, as_json, render)


@comments_app.command("post")
@translated
def post(
    dataset: str = DATASET,
    body: str = typer.Argument(..., help="The comment: plain text, at most 5,000 characters."),
    reply_to: int = typer.Option(None, "--reply-to", help="The number of the comment this answers.",
                                 min=1, max=MAX_ID),
    as_json: bool = JSON_OPTION,
) -> None:
    """Post a comment under a dataset (or a reply, with --reply-to)."""
    with open_node() as jz:
        result = jz.comment(dataset, body, reply_to=reply_to)
    emit(result, as_json, lambda c: out.print(f"comment {c['id']} posted under {dataset}", highlight=False))


@comments_app.command("delete")
@translated
def delete(
    dataset: str = DATASET,
    comment_id: int = typer.Argument(..., help="The comment's number (from `jazari comments list`).",
                                     min=1, max=MAX_ID),
    as_json: bool = JSON_OPTION,
) -> None:
    """Delete your comment (moderators: any comment under the dataset); its replies stay."""
    with open_node() as jz:
        result = jz.comment_delete(dataset, comment_id)
    emit(result, as_json, lambda r: out.print(f"comment {r['comment']} deleted", highlight=False))
