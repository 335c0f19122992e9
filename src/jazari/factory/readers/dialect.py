"""CSV dialect sniffing on decoded text: delimiter, quote character and header presence."""

from __future__ import annotations

import csv
import io
import re
import sys
from collections import Counter
from dataclasses import dataclass

DELIMITERS = (",", ";", "\t", "|")
QUOTES = ('"', "'", "")
SAMPLE_RECORDS = 500
_NUMBER = re.compile(r"^\s*[-+(]?[$€]?\s*\d[\d\s\u00a0\u202f.,']*([eE][-+]?\d+)?\s*[%)]?\s*(MAD|DH|€)?\s*$")
_DATE = re.compile(r"^\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*$")
csv.field_size_limit(sys.maxsize)


@dataclass(frozen=True)
class Dialect:
    """How a delimited text file is written, and the raw fields of its first record."""

    delimiter: str
    quote: str
    header: bool
    first: list[str]


def records(text: str, delimiter: str, quote: str, *, whole: bool) -> list[list[str]]:
    """The first records of `text` (a partial last record of a truncated sample is dropped)."""
    if quote:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quote,
                            doublequote=True, strict=False)
    else:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quoting=csv.QUOTE_NONE)
    out: list[list[str]] = []
    try:
        for row in reader:
            if row:
                out.append(row)
            if len(out) > SAMPLE_RECORDS:
                return out[:SAMPLE_RECORDS]
    except csv.Error:
        pass
    return out if whole else out[:-1]


def sniff(text: str, *, whole: bool, delimiter: str | None = None, quote: str | None = None,
          header: bool | None = None, default_delimiter: str = ",") -> Dialect | None:
    """The dialect of a decoded sample; forced values are kept as given. None if there is no record."""
    if delimiter is None:
        delimiter = sniff_delimiter(text, whole=whole, default=default_delimiter)
    if quote is None:
        quote = sniff_quote(text, delimiter)
    rows = records(text, delimiter, quote, whole=whole)
    if not rows:
        return None
    if header is None:
        header = sniff_header(rows)
    return Dialect(delimiter, quote, header, rows[0])


def sniff_delimiter(text: str, *, whole: bool, default: str = ",") -> str:
    """The candidate that splits the sample into the most consistent number (> 1) of fields."""
    best, best_score = default, (False, 0.0, 0)
    for candidate in DELIMITERS:
        if candidate not in text:
            continue
        counts = [len(r) for r in records(text, candidate, '"', whole=whole)]
        if not counts:
            continue
        width, hits = Counter(counts).most_common(1)[0]
        if width < 2:
            continue
        # the header must split like the rows: `id;valeur` then `1;1,5` is `;`, not `,`
        score = (counts[0] == width, round(hits / len(counts), 2), width)
        if score > best_score:
            best, best_score = candidate, score
    return best


def sniff_quote(text: str, delimiter: str) -> str:
    """'"' (the usual quote), or "'" when only that one wraps whole fields."""
    d = re.escape(delimiter)

    def wraps(q: str) -> int:
        return len(re.findall(rf"(?:^|{d}){q}[^{q}\n]*{q}(?={d}|\r?$)", text, flags=re.MULTILINE))

    if wraps('"') == 0 and wraps("'") >= 2:
        return "'"
    return '"'


def sniff_header(rows: list[list[str]]) -> bool:
    """False only when the first record looks like data: all its non-empty cells numbers or dates.

    A header of years (`commune;2019;2020`) still counts as a header, because `commune` is text.
    """
    first = [v for v in rows[0] if v.strip()]
    if not first:
        return True
    return not all(looks_typed(v) for v in first)


def looks_typed(value: str) -> bool:
    """True for a number (`1 234,56`, `-3.5e2`, `12%`) or a date (`2024-03-01`, `01/03/2024`)."""
    return bool(_NUMBER.match(value) or _DATE.match(value))
