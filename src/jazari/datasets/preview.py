"""A page of a version's rows for the preview: in file order or sorted by one column, keeping the
rows whose columns contain given texts. DuckDB reads the version's own Parquet files; column names
are quoted identifiers checked against the version's schema, and filter texts are bound parameters,
so neither can become SQL."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from jazari.errors import InputError, QueryTimeout
from jazari.store import duck
from jazari.store.lake import VersionFiles

MAX_PAGE = 1000
MAX_FILTER = 1000  # characters of one filter's text
TIMEOUT_S = 30.0
TIE_BREAK = ("file_index", "file_row_number")  # DuckDB's virtual columns: the rows' place in the files


@dataclass(frozen=True)
class Page:
    """What a preview asks for, checked for shape (the columns are checked against a version)."""

    offset: int = 0
    limit: int = 100
    sort: str | None = None
    descending: bool = False
    filters: dict[str, str] = field(default_factory=dict)

    @classmethod
    def checked(
        cls, offset: Any = 0, limit: Any = 100, sort: Any = None, descending: Any = False, filters: Any = None,
    ) -> Page:
        """A page request, or an InputError naming the bad field. Filters with an empty text keep
        every row and are dropped."""
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            raise InputError("offset must be a whole number >= 0", field="offset")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 0 < limit <= MAX_PAGE:
            raise InputError(f"limit must be a whole number from 1 to {MAX_PAGE}", field="limit")
        if sort is not None and (not isinstance(sort, str) or not sort):
            raise InputError("sort must be a column name", field="sort")
        if not isinstance(descending, bool):
            raise InputError("descending must be true or false", field="descending")
        if filters is None:
            filters = {}
        if not isinstance(filters, Mapping):
            raise InputError("filters must map column names to the text to find", field="filters")
        kept: dict[str, str] = {}
        for column, text in filters.items():
            if not isinstance(column, str) or not isinstance(text, str):
                raise InputError("filters must map column names to the text to find", field="filters")
            if len(text) > MAX_FILTER:
                raise InputError(f"the filter on {column!r} is longer than {MAX_FILTER:,} characters",
                                 field="filters", column=column)
            if text:
                kept[column] = text
        return cls(offset, limit, sort, descending, kept)

    def check_columns(self, source: VersionFiles, where: str) -> None:
        """Refuse a sort or filter column the version does not have."""
        names = source.schema.names
        hint = "columns: " + ", ".join(names[:50]) + (", ..." if len(names) > 50 else "")
        if self.sort is not None and self.sort not in names:
            raise InputError(f"{where} has no column {self.sort!r} to sort by", hint=hint, field="sort",
                             column=self.sort)
        for column in self.filters:
            if column not in names:
                raise InputError(f"{where} has no column {column!r} to filter", hint=hint, field="filters",
                                 column=column)

    def audit_details(self) -> dict[str, Any]:
        """What the audit log records of this read."""
        details: dict[str, Any] = {"offset": self.offset, "limit": self.limit}
        if self.sort is not None:
            details.update(sort=self.sort, descending=self.descending)
        if self.filters:
            details["filters"] = dict(self.filters)
        return details


def parse_filters(items: Iterable[str]) -> dict[str, str]:
    """`column:text` filters (the first `:` splits them, as the CLI and the API take them) as a dict."""
    filters: dict[str, str] = {}
    for item in items:
        column, colon, text = item.partition(":")
        if not colon or not column:
            raise InputError(f"{item!r} is not column:text (a column name, a colon, the text to find)",
                             field="filter")
        if column in filters:
            raise InputError(f"two filters on the column {column!r}: give one", field="filter")
        filters[column] = text
    return filters


@dataclass(frozen=True)
class PageRows:
    """A page's rows, how many rows the filters keep (the version's total when none) and whether
    another page follows."""

    table: pa.Table
    matched: int
    has_more: bool


def read_page(reader: duck.Reader, source: VersionFiles, page: Page, total: int) -> PageRows:
    """Read one page of a version's files: filtered, sorted, counted."""
    if not source.files:  # an empty version
        return PageRows(source.schema.empty_table(), 0, False)
    relation = duck.parquet_source(source.files)
    where, params = _where(page.filters)
    sql = f"SELECT * FROM {relation}{where}{_order(page, source.schema.names)} LIMIT {page.limit} OFFSET {page.offset}"
    queries = [(sql, params)] + ([(f"SELECT count(*) FROM {relation}{where}", params)] if page.filters else [])
    with reader.cursor() as cursor:
        table, *counted = _run(cursor, queries)
    matched = counted[0].column(0)[0].as_py() if counted else total
    return PageRows(table, matched, page.offset + table.num_rows < matched)


def _where(filters: Mapping[str, str]) -> tuple[str, list[str]]:
    """`WHERE` every filtered column, read as text, contains its text, whatever the case."""
    if not filters:
        return "", []
    tests = [f"contains(lower(CAST({duck.identifier(c)} AS VARCHAR)), lower(?))" for c in filters]
    return " WHERE " + " AND ".join(tests), list(filters.values())


def _order(page: Page, columns: list[str]) -> str:
    """`ORDER BY` the sort column, empty cells last, then a tie-break that makes pages stable: the
    rows' place in the files, or every column when the data hides DuckDB's virtual columns."""
    if page.sort is None:
        return ""  # DuckDB keeps the files' order
    direction = "DESC" if page.descending else "ASC"
    ties = TIE_BREAK if not set(TIE_BREAK) & set(columns) else [duck.identifier(c) for c in columns]
    return f" ORDER BY {duck.identifier(page.sort)} {direction} NULLS LAST, " + ", ".join(ties)


def _run(cursor: duckdb.DuckDBPyConnection, queries: list[tuple[str, list[str]]]) -> list[pa.Table]:
    try:
        return duck.run_all(cursor, queries, timeout_s=TIMEOUT_S)
    except TimeoutError:
        raise QueryTimeout(f"the preview took longer than {TIMEOUT_S:g} s and was stopped",
                           hint="filter on fewer or text columns, or use `jazari query` with an aggregate",
                           timeout_s=TIMEOUT_S) from None
