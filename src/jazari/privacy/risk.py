"""Re-identification risk: k-anonymity and l-diversity over chosen quasi-identifiers, with DuckDB.

DuckDB groups the data itself, so a relation over Parquet files is streamed (and spilled to disk
if needed) rather than loaded. Null quasi-identifier values form a group of their own; null
sensitive values are not counted as a distinct value for l-diversity.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa

from jazari.errors import InputError
from jazari.privacy.operators import quote
from jazari.store import duck

#: Group-size histogram buckets (inclusive bounds; None = no upper bound).
BUCKETS: tuple[tuple[int, int | None], ...] = (
    (1, 1), (2, 2), (3, 4), (5, 9), (10, 19), (20, 49), (50, 99), (100, 999), (1000, None),
)


def _relation(source: Any, table: str | None) -> tuple[duckdb.DuckDBPyRelation, duckdb.DuckDBPyConnection | None]:
    """A DuckDB relation over the source, and the connection to close after (if we opened it)."""
    if isinstance(source, duckdb.DuckDBPyRelation):
        return source, None
    if isinstance(source, duckdb.DuckDBPyConnection):
        if not table:
            raise InputError("a DuckDB connection needs the name of the table or view to report on",
                             hint="pass table='name'")
        return source.table(table), None
    con = duck.connect()
    if isinstance(source, (pa.Table, pa.RecordBatch)):
        return con.from_arrow(source), con
    if isinstance(source, str):
        return con.read_parquet(source), con
    con.close()
    raise InputError(f"cannot compute a privacy risk report over a {type(source).__name__}",
                     hint="give a pyarrow Table, a DuckDB relation or connection, or a Parquet path")


def _bucket_label(low: int, high: int | None) -> str:
    if high is None:
        return f"{low}+"
    return str(low) if low == high else f"{low}-{high}"


def k_anonymity_report(
    con_or_table: Any,
    quasi_identifiers: Sequence[str],
    sensitive: Sequence[str] = (),
    k: int = 5,
    l: int = 2,
    table: str | None = None,
) -> dict[str, Any]:
    """k-anonymity (smallest quasi-identifier group) and l-diversity of each sensitive column."""
    if not quasi_identifiers:
        raise InputError("a k-anonymity report needs at least one quasi-identifier")
    if k < 1 or l < 1:
        raise InputError("k and l must be at least 1", hint=f"got k={k}, l={l}")
    rel, own = _relation(con_or_table, table)
    try:
        columns = set(rel.columns)
        for name in [*quasi_identifiers, *sensitive]:
            if name not in columns:
                raise InputError("no such column", column=name, hint=f"columns are {sorted(columns)}")
        return _report(rel, list(quasi_identifiers), list(sensitive), k, l)
    finally:
        if own is not None:
            own.close()


def _report(rel: duckdb.DuckDBPyRelation, qis: list[str], sensitive: list[str], k: int, l: int) -> dict:
    keys = ", ".join(quote(c) for c in qis)
    distinct = "".join(f", count(DISTINCT {quote(s)}) AS l{i}" for i, s in enumerate(sensitive))
    groups_sql = f"SELECT count(*) AS n{distinct} FROM _t GROUP BY {keys}"
    per_sensitive = "".join(
        f", min(l{i}), count(*) FILTER (WHERE l{i} < {l}), coalesce(sum(n) FILTER (WHERE l{i} < {l}), 0)"
        for i in range(len(sensitive)))
    cases = "".join(
        f", count(*) FILTER (WHERE n >= {lo}{'' if hi is None else f' AND n <= {hi}'})"
        f", coalesce(sum(n) FILTER (WHERE n >= {lo}{'' if hi is None else f' AND n <= {hi}'}), 0)"
        for lo, hi in BUCKETS)
    sql = (f"SELECT count(*), coalesce(sum(n), 0), min(n), count(*) FILTER (WHERE n < {k}), "
           f"coalesce(sum(n) FILTER (WHERE n < {k}), 0){per_sensitive}{cases} FROM ({groups_sql})")
    row = rel.query("_t", sql).fetchall()[0]
    assert row is not None
    values = [int(v) if v is not None else None for v in row]
    groups, rows, smallest, below, rows_below = values[:5]
    rest = values[5:]
    diversity = {}
    for i, name in enumerate(sensitive):
        min_l, groups_below_l, rows_below_l = rest[3 * i: 3 * i + 3]
        diversity[name] = {"l": min_l, "l_target": l, "satisfies_l": groups_below_l == 0,
                           "groups_below_l": groups_below_l, "rows_below_l": rows_below_l}
    rest = rest[3 * len(sensitive):]
    histogram = [{"bucket": _bucket_label(lo, hi), "min": lo, "max": hi,
                  "groups": rest[2 * j], "rows": rest[2 * j + 1]} for j, (lo, hi) in enumerate(BUCKETS)]
    return {
        "quasi_identifiers": qis,
        "rows": rows,
        "groups": groups,
        "k": smallest,
        "k_target": k,
        "satisfies_k": below == 0,
        "groups_below_k": below,
        "rows_below_k": rows_below,
        "share_rows_below_k": (rows_below / rows) if rows else 0.0,
        "group_sizes": histogram,
        "l_diversity": diversity,
    }
