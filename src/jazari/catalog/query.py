"""Sandboxed SQL: one read-only DuckDB SELECT over the dataset versions the actor may read, and
nothing else.

A query names datasets as quoted identifiers, `"hcp/communes"` (latest version) or
`"hcp/communes@3"`. Each is resolved through `DatasetService.files`, which checks read access and
audits the read in one transaction, then becomes a view under that exact name in a fresh in-memory
DuckDB connection: `read_parquet` over exactly that version's Parquet files, DuckDB's own parallel
reader. Then the connection is sealed: those files are the only ones it may open (`allowed_paths`),
no network or extension access, no Python objects, configuration locked, bounded memory, threads
and time. Whatever the SQL says, the connection reaches only what the actor may read. (The views'
text, which `duckdb_views()` shows, holds the files' paths in the lake.) DuckDB's memory limit does
not bound every allocation (`repeat('x', 10^9)` takes GBs), so only a few sandboxes run at once."""

from __future__ import annotations

import re
import time
from typing import Any

import duckdb
import pyarrow as pa

from jazari.datasets.export import jsonable_rows
from jazari.datasets.names import parse_ref
from jazari.datasets.service import DatasetService
from jazari.errors import Forbidden, InputError, QueryTimeout, RateLimited
from jazari.governance.actors import Actor
from jazari.store import duck

MAX_LIMIT = 10_000
MAX_SQL = 100_000
BUSY_WAIT_S = 1.0  # how long a query waits for a free sandbox before it is refused
REF = re.compile(r'"([^"\s/]+/[^"\s/]+)"')  # a quoted identifier with one slash and no blank
HINT = 'one SELECT (or WITH ... SELECT) over datasets named in double quotes: SELECT * FROM "hcp/communes"'


def run_query(
    datasets_service: DatasetService, actor: Actor, sql: str, *, limit: int = 1000, offset: int = 0,
    timeout_s: float = 10, memory: str = "512MB", threads: int = 4, spill: str = "2GB",
) -> dict[str, Any]:
    """Run one SELECT over the versions the actor may read; a page of at most `limit` rows from
    `offset`, `has_more` when another page follows. Every non-public dataset read is audited. A node
    runs `duck.SANDBOXES` queries at once; one more waits a second, then is refused (RateLimited)."""
    statement = _single_select(sql, limit, offset)
    refs = dataset_refs(statement)
    start = time.monotonic()
    sandboxes = datasets_service.sandboxes
    if not sandboxes.slots.acquire(timeout=BUSY_WAIT_S):  # before any read is audited
        raise RateLimited("this node runs as many queries as it may at once", hint="try again in a few seconds")
    try:
        con = sandboxes.take(memory_limit=memory, threads=threads)
        try:
            used, files = _register(con, datasets_service, actor, refs, sql)
            duck.seal(con, paths=files, spill=spill)
            wrapped = f"SELECT * FROM (\n{statement}\n) AS q LIMIT {int(limit) + 1} OFFSET {int(offset)}"
            table = _run(con, wrapped, timeout_s)
        finally:
            sandboxes.release(con)  # closed off the request's path, never used again
    finally:
        sandboxes.slots.release()
    has_more = table.num_rows > limit
    page = table.slice(0, limit)
    return {
        "columns": page.schema.names,
        "types": [str(t) for t in page.schema.types],
        "rows": jsonable_rows(page),
        "offset": offset,
        "limit": limit,
        "has_more": has_more,
        "next_offset": offset + limit if has_more else None,
        "elapsed_ms": round((time.monotonic() - start) * 1000, 1),
        "datasets": used,
    }


def _single_select(sql: str, limit: int, offset: int) -> str:
    """The one SELECT statement of `sql`, without its `;`, or a clear InputError."""
    if not isinstance(sql, str) or not sql.strip():
        raise InputError("the query is empty", hint=HINT, field="sql")
    if len(sql) > MAX_SQL:
        raise InputError(f"the query is longer than {MAX_SQL:,} characters", field="sql")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"limit must be a whole number from 1 to {MAX_LIMIT:,}", field="limit")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise InputError("offset must be a whole number >= 0", field="offset")
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise syntax_error(exc) from None
    if len(statements) != 1:
        raise InputError(f"the query has {len(statements)} statements; send one", hint=HINT, field="sql")
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        name = kind.name if hasattr(kind, "name") else str(kind)
        raise InputError(f"only SELECT queries may run here, not {name}", hint=HINT, field="sql",
                         statement=name)
    text = _without_tail(statements[0].query)
    try:  # a SELECT alone must stay one SELECT inside the paging wrapper
        wrapped = duckdb.extract_statements(f"SELECT * FROM (\n{text}\n) AS q")
    except duckdb.Error as exc:
        raise InputError(f"this SELECT cannot be paged: {_first_line(exc)}", hint=HINT, field="sql") from None
    if len(wrapped) != 1 or wrapped[0].type != duckdb.StatementType.SELECT:
        raise InputError("this SELECT cannot be paged", hint=HINT, field="sql")
    return text


def _without_tail(sql: str) -> str:
    """The statement without the semicolons and comments that end it."""
    cut = len(sql)
    for position, kind in reversed(duckdb.tokenize(sql)):
        if kind == duckdb.token_type.comment or sql.startswith(";", position):
            cut = position
        else:
            break
    return sql[:cut].strip()


def dataset_refs(sql: str) -> list[tuple[str, str, int | None]]:
    """The datasets a query names, as (identifier, `inst/name`, version or None), in order, once
    each. Only quoted identifiers count: the same text in a string or a comment is not a reference."""
    tokens = duckdb.tokenize(sql)
    found: dict[str, tuple[str, str, int | None]] = {}
    for i, (position, kind) in enumerate(tokens):
        if kind != duckdb.token_type.identifier:
            continue
        end = tokens[i + 1][0] if i + 1 < len(tokens) else len(sql)
        match = REF.fullmatch(sql[position:end].rstrip())
        if match and match.group(1) not in found:
            found[match.group(1)] = _parse(match.group(1))
    return list(found.values())


def _parse(identifier: str) -> tuple[str, str, int | None]:
    ref, at, number = identifier.partition("@")
    parse_ref(ref)
    if not at:
        return identifier, ref, None
    if not number.isdigit() or not 1 <= int(number) <= 2**31 - 1:
        raise InputError(f'"{identifier}": a version is a whole number from 1, as "{ref}@3"', field="sql")
    return identifier, ref, int(number)


def _register(
    con: duckdb.DuckDBPyConnection, service: DatasetService, actor: Actor,
    refs: list[tuple[str, str, int | None]], sql: str,
) -> tuple[list[dict[str, Any]], list[str]]:
    """Check, audit and name each version: a view over its Parquet files. All are checked first, so
    a query naming one dataset the actor may not read is refused before any other is audited or
    read. Returns the versions used and the files the connection may open."""
    for _identifier, ref, number in refs:
        _check_read(service, actor, ref, number)
    used, files = [], []
    for identifier, ref, number in refs:
        version, source = service.files(actor, ref, number, audit_action="query", details={"sql": sql[:500]})
        if source.files:
            con.execute(f"CREATE VIEW {duck.identifier(identifier)} AS SELECT * FROM {duck.parquet_source(source.files)}")
        else:  # an empty version has no file: an empty table of its columns
            con.register(identifier, source.schema.empty_table())
        files += source.files
        used.append({"name": identifier, "dataset": ref, "version": version.number})
    return used, files


def _check_read(service: DatasetService, actor: Actor, ref: str, number: int | None) -> None:
    """Raise as `scan` would (NotFound, Unauthenticated, Forbidden), without auditing a read."""
    with service.db.session() as session:
        dataset = service._lookup(session, actor, ref, "read")
        service._guard(actor, dataset, service._version(dataset, number, session))


def _run(con: duckdb.DuckDBPyConnection, sql: str, timeout_s: float) -> pa.Table:
    """Run `sql` in a thread; interrupt it after `timeout_s` seconds."""
    try:
        return duck.run(con, sql, timeout_s=timeout_s)
    except TimeoutError:
        raise QueryTimeout(f"the query ran longer than {timeout_s:g} s and was stopped",
                           hint="filter or aggregate more, or add a LIMIT", timeout_s=timeout_s) from None
    except duckdb.OutOfMemoryException:
        raise InputError("the query needs more memory than a query may use",
                         hint="filter or aggregate more, or select fewer columns", field="sql") from None
    except duckdb.PermissionException as error:
        raise Forbidden("queries read only the datasets they name: no files, network, databases or extensions",
                        hint=HINT, field="sql", reason=_first_line(error)) from None
    except duckdb.Error as error:
        raise query_error(error) from None


def syntax_error(exc: duckdb.Error) -> InputError:
    """DuckDB's parser message as an InputError, with the line and column it points at."""
    line, column = _position(str(exc))
    return InputError(_first_line(exc), hint=HINT, field="sql", line=line, column=column)


def query_error(exc: duckdb.Error, line_offset: int = 1) -> InputError:
    """A binder, catalog or conversion error of the user's query as an InputError (lines counted
    in the user's SQL, not in the paging wrapper)."""
    line, column = _position(str(exc))
    if line is not None:
        line = max(1, line - line_offset)
    return InputError(_first_line(exc), hint=_suggestion(str(exc)) or HINT, field="sql", line=line, column=column)


def _suggestion(message: str) -> str | None:
    """DuckDB's `Did you mean ...` or `Candidate bindings: ...` line, if any."""
    for line in message.splitlines()[1:]:
        if line.startswith(("Did you mean", "Candidate bindings")):
            return line.strip()
    return None


def _first_line(exc: BaseException) -> str:
    """DuckDB's message without its `Parser Error: ` kind of prefix."""
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    return re.sub(r"^[A-Za-z ]+ Error: ", "", first)


def _position(message: str) -> tuple[int | None, int | None]:
    """(line, column) from DuckDB's `LINE n: text` and caret lines, when present."""
    match = re.search(r"^(LINE (\d+): )(.*)\n( *)\^", message, re.MULTILINE)
    if not match:
        return None, None
    column = len(match.group(4)) - len(match.group(1)) + 1
    truncated = match.group(3).startswith("...")
    return int(match.group(2)), None if truncated or column < 1 else column
