"""Text from users (titles, descriptions, column names, values) written into Markdown so that it
stays text: no heading, list, table cell, link, image or HTML can come out of it, whatever a
CommonMark or GitHub renderer makes of the rest of the document."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

_BREAKS = re.compile(r"[\r\n\t\v\f\x85\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#!&$])")  # every inline construct starts with one of these
_LINE_START = re.compile(r"^([-+=]|\d{1,9}[.)])(?=[-+=]*(?:\s|$))")  # a list item, rule or setext underline
_URL = re.compile(r"https?://[^\s<>\"\\`\x00-\x1f\x7f]+")


def inline(value: Any, limit: int | None = None) -> str:
    """`value` as one line of Markdown text: line breaks become spaces, control characters go,
    Markdown's punctuation is escaped; cut at `limit` characters (with an ellipsis) first."""
    text = "" if value is None else str(value)
    text = _CONTROL.sub("", _BREAKS.sub(" ", text)).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    text = _SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], text)


def block(value: Any) -> str:
    """A multi-line text as Markdown paragraphs: its blank lines separate paragraphs, and each line is
    `inline` text (so no line can open a heading, list, quote, fence, table or HTML block)."""
    text = "" if value is None else str(value)
    paragraphs = re.split(r"(?:\r\n|\r|\n|\u2028|\u2029)\s*(?:\r\n|\r|\n|\u2028|\u2029)+", text.strip())
    out = []
    for paragraph in paragraphs:
        lines = [inline(line) for line in re.split(r"\r\n|\r|\n|\u2028|\u2029", paragraph)]
        if any(lines):
            out.append("\n".join(line for line in lines if line))
    return "\n\n".join(out)


def link(url: str | None, label: str | None = None) -> str:
    """A link to `url` when it is a plain http(s) URL, else the text itself, escaped."""
    if url and _URL.fullmatch(url):
        return f"[{inline(label)}](<{url}>)" if label else f"<{url}>"
    return inline(label or url)


def table(header: Sequence[str], rows: Iterable[Sequence[Any]], limit: int | None = 80) -> str:
    """A GitHub table; `header` is Markdown already, every cell is escaped text (cut at `limit`)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(inline(cell, limit) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def code(value: str) -> str:
    """A code span of text known to hold no backtick or line break (hashes, slugs, identifiers)."""
    return f"`{value}`" if value and "`" not in value and not _BREAKS.search(value) else inline(value)
