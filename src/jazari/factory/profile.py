"""The profile of a dataset version: per-column statistics over all rows, computed by DuckDB.

Passes over the data: a row count (free on Parquet), one aggregate for every column's basic
statistics, one aggregate for every histogram, then one small GROUP BY per column that gets top values.
Up to `exact_distinct_limit` rows, distinct counts, quantiles and top values are exact; above it
distinct counts use `approx_count_distinct`, and one uniform sample of rows (`USING SAMPLE n ROWS`,
at least 65,536 rows, more when a column has few values) gives the quantiles and the candidates for
the top values of columns with more than `GROUP_BY_LIMIT` distinct values, which are then counted
exactly over all rows. `Profile.exact` says which was used.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

import duckdb

from jazari.errors import InputError, JazariError

EXACT_DISTINCT_LIMIT = 1_000_000
LOW_CARDINALITY = 50
"""Numbers and dates with at most this many distinct values also get top values."""
GROUP_BY_LIMIT = 100_000
"""Above this many distinct values (on big data), top values are counted for candidates from the sample."""
QUANTILES = {"p25": 0.25, "p50": 0.5, "p75": 0.75}
SAMPLE_ROWS = 65_536
"""Big data: rows of the uniform sample behind quantiles and top-value candidates (more, up to
`MAX_SAMPLE_ROWS`, when a sampled column is mostly empty, so it still gets ~65,536 values)."""
MAX_SAMPLE_ROWS = 1_048_576
CANDIDATES = 4
"""Big data: how many top-value candidates per value asked are taken from the sample."""
_EPOCH_DATE = dt.date(1970, 1, 1)
_EPOCH = dt.datetime(1970, 1, 1)

_INTEGER = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
            "UBIGINT"}
_FLOAT = {"FLOAT", "DOUBLE", "REAL"}
_BINNED = {"integer", "float", "decimal", "date", "timestamp"}
_NUMERIC = {"integer", "float", "decimal"}


@dataclass
class Histogram:
    """Equal-width bins: `counts[i]` values in [edges[i], edges[i+1]), the last bin closed."""

    edges: list[Any]
    counts: list[int]


@dataclass
class TopValue:
    """A frequent value and how many rows hold it."""

    value: Any
    count: int


@dataclass
class Lengths:
    """Lengths of strings in characters (code points), not bytes."""

    min: int | None
    mean: float | None
    max: int | None
    histogram: Histogram | None = None


@dataclass
class ColumnProfile:
    """Statistics of one column; values are JSON-ready (dates as ISO strings, no NaN)."""

    name: str
    type: str
    arrow_type: str
    kind: str
    count: int
    nulls: int
    null_share: float | None
    distinct: int | None = None
    min: Any = None
    max: Any = None
    mean: float | None = None
    std: float | None = None
    quantiles: dict[str, float | None] | None = None
    non_finite: int | None = None
    top: list[TopValue] | None = None
    histogram: Histogram | None = None
    lengths: Lengths | None = None


@dataclass
class Profile:
    """The profile of a table: row and column counts and one `ColumnProfile` per column."""

    row_count: int
    column_count: int
    columns: list[ColumnProfile] = field(default_factory=list)
    exact: bool = True
    skipped: list[str] = field(default_factory=list)

    def column(self, name: str) -> ColumnProfile:
        """The profile of the column called `name`."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict of the whole profile."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Profile:
        """The profile that `to_dict` gave `data`."""
        return cls(
            row_count=data["row_count"],
            column_count=data["column_count"],
            columns=[_column_from_dict(c) for c in data.get("columns", [])],
            exact=data.get("exact", True),
            skipped=list(data.get("skipped", [])),
        )


def _histogram_from_dict(data: dict[str, Any] | None) -> Histogram | None:
    return None if data is None else Histogram(edges=list(data["edges"]), counts=list(data["counts"]))


def _column_from_dict(data: dict[str, Any]) -> ColumnProfile:
    values = {k: v for k, v in data.items() if k in ColumnProfile.__dataclass_fields__}
    if values.get("top") is not None:
        values["top"] = [TopValue(**t) for t in values["top"]]
    values["histogram"] = _histogram_from_dict(values.get("histogram"))
    if values.get("lengths") is not None:
        lengths = dict(values["lengths"])
        lengths["histogram"] = _histogram_from_dict(lengths.get("histogram"))
        values["lengths"] = Lengths(**lengths)
    return ColumnProfile(**values)


def quote(name: str) -> str:
    """`name` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def kind_of(duck_type: str) -> str:
    """The profiling kind of a DuckDB type: integer, float, decimal, boolean, string, date, ..."""
    t = duck_type.upper()
    if t in _INTEGER:
        return "integer"
    if t in _FLOAT:
        return "float"
    if t.startswith("DECIMAL") or t == "UHUGEINT":
        return "decimal"
    if t == "BOOLEAN":
        return "boolean"
    if t == "VARCHAR" or t.startswith("VARCHAR("):
        return "string"
    if t == "DATE":
        return "date"
    if t.startswith("TIMESTAMP"):
        return "timestamp"
    if t.startswith("TIME"):
        return "time"
    return "other"


def jsonable(value: Any) -> Any:
    """`value` as JSON: dates to ISO strings, Decimal to float, NaN and infinities to None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return jsonable(float(value))
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def _from_int(value: int, kind: str, tz: bool) -> Any:
    """An integer-coded value (days, microseconds) back to its ISO form."""
    if kind == "date":
        return (_EPOCH_DATE + dt.timedelta(days=value)).isoformat()
    if kind == "timestamp":
        moment = _EPOCH + dt.timedelta(microseconds=value)
        return (moment.replace(tzinfo=dt.UTC) if tz else moment).isoformat()
    return value


def _finite(q: str, kind: str) -> str:
    """A SQL condition that keeps values fit for numeric statistics."""
    return f"isfinite({q})" if kind in ("float", "date", "timestamp") else f"{q} IS NOT NULL"


def _finite_sql(i: int, q: str, kind: str) -> str | None:
    """The column's finite values (others NULL) as a computed column `__finite{i}`, when it can hold
    infinities: aggregates over it skip NULLs, which costs half of `agg(...) FILTER (WHERE ...)`."""
    return f"CASE WHEN isfinite({q}) THEN {q} END AS __finite{i}" if kind in ("float", "date", "timestamp") else None


def _stat_sql(i: int, q: str, kind: str, exact: bool) -> list[str]:
    """The pass-1 aggregates of column `q`; infinities are left out through `__finite{i}` (`_finite_sql`)."""
    distinct = f"count(DISTINCT {q})" if exact else f"approx_count_distinct({q})"
    parts = [f"count({q}) AS c{i}_count", f"{distinct} AS c{i}_distinct"]
    f = f"__finite{i}" if _finite_sql(i, q, kind) else q
    if kind in _NUMERIC:
        d = f"{f}::DOUBLE"
        parts += [f"min({f}) AS c{i}_min", f"max({f}) AS c{i}_max",
                  f"avg({d}) AS c{i}_mean", f"stddev_samp({d}) AS c{i}_std"]
        if exact:  # big data: quantiles come from the sample (`_sampled`)
            parts.append(f"{_quantiles(d)} AS c{i}_q")
        if kind == "float":
            parts.append(f"count({q}) - count({f}) AS c{i}_nonfinite")
    elif kind == "date":
        parts += [f"min({f}) AS c{i}_min", f"max({f}) AS c{i}_max"]
    elif kind == "timestamp":
        parts += [f"min(epoch_us({f})) AS c{i}_min", f"max(epoch_us({f})) AS c{i}_max"]
    elif kind in ("string", "time"):
        parts += [f"min({q}) AS c{i}_min", f"max({q}) AS c{i}_max"]
    if kind == "string":
        parts += [f"min(length({q})) AS c{i}_lmin", f"avg(length({q})) AS c{i}_lmean",
                  f"max(length({q})) AS c{i}_lmax"]
    return parts


def _quantiles(value_sql: str) -> str:
    return f"quantile_cont({value_sql}, {list(QUANTILES.values())})"


def _sampled(con: duckdb.DuckDBPyConnection, relation: str, cols: dict[int, ColumnProfile], many: set[int],
             rows: int, top_k: int) -> dict[str, Any]:
    """Big data: from one uniform sample of rows, the quantiles of numeric columns (`c{i}_q`) and the
    top-value candidates of the columns in `many` (`t{i}`). DuckDB's `reservoir_quantile` costs more
    than this whole query and, on data sorted by a column, was 15% off its quartiles."""
    numeric = [i for i, col in cols.items() if col.kind in _NUMERIC and col.count]
    wanted = numeric + sorted(many)
    if not wanted:
        return {}
    fewest = min(cols[i].count for i in wanted)
    size = min(MAX_SAMPLE_ROWS, max(SAMPLE_ROWS, math.ceil(SAMPLE_ROWS * rows / fewest)))
    picked = ", ".join(f"{quote(cols[i].name)} AS s{i}" for i in wanted)
    parts = []
    for i in numeric:
        value = f"s{i}" if cols[i].kind != "float" else f"CASE WHEN isfinite(s{i}) THEN s{i} END"
        parts.append(f"{_quantiles(f'({value})::DOUBLE')} AS c{i}_q")
    for i in sorted(many):
        parts.append(f"(SELECT list(v) FROM (SELECT s{i} AS v FROM __jazari_sample WHERE s{i} IS NOT NULL GROUP BY v "
                     f"ORDER BY count(*) DESC, v LIMIT {CANDIDATES * int(top_k)})) AS t{i}")
    return _fetch_one(con, f"WITH __jazari_sample AS MATERIALIZED (SELECT {picked} FROM {relation} "
                           f"USING SAMPLE {size} ROWS) SELECT {', '.join(parts)} FROM __jazari_sample")


@dataclass
class _Bins:
    """How to put one column's values (or lengths) into equal-width bins."""

    expr: str
    edges: list[Any]
    count: int
    known: int | None = None
    """The count of a single bin, when it needs no query."""


def _int_bins(value_sql: str, lo: int, hi: int, bins: int, decode: Any) -> _Bins:
    """Bins of integer width over [lo, hi], so edges stay whole days, microseconds or lengths."""
    width = max(1, math.ceil((hi - lo + 1) / bins))
    n = math.ceil((hi - lo + 1) / width)
    wide = "HUGEINT" if max(abs(lo), abs(hi), hi - lo) >= 2**62 else "BIGINT"
    expr = f"(({value_sql})::{wide} - {lo}) // {width}"
    return _Bins(expr, [decode(lo + k * width) for k in range(n + 1)], n)


def _float_bins(value_sql: str, lo: float, hi: float, bins: int) -> _Bins | None:
    """Bins of equal width over [lo, hi], the last one closed (as numpy does)."""
    if lo == hi:
        return _Bins("0", [lo, hi], 1)
    width = (hi - lo) / bins
    if not math.isfinite(width):
        return None
    expr = f"least(greatest(floor(({value_sql} - {lo!r}) / {width!r}), 0), {bins - 1})::INTEGER"
    return _Bins(expr, [lo + k * width for k in range(bins)] + [hi], bins)


def _bins_for(col: ColumnProfile, q: str, raw: dict[str, Any], i: int, bins: int) -> _Bins | None:
    lo, hi = raw.get(f"c{i}_min"), raw.get(f"c{i}_max")
    if lo is None or hi is None or col.kind not in _BINNED:
        return None
    guard = _finite(q, col.kind)
    if col.kind == "date":
        found = _int_bins(f"{q} - DATE '1970-01-01'", (lo - _EPOCH_DATE).days, (hi - _EPOCH_DATE).days,
                          bins, lambda v: _from_int(v, "date", False))
    elif col.kind == "timestamp":
        tz = "TIME ZONE" in col.type.upper()
        found = _int_bins(f"epoch_us({q})", lo, hi, bins, lambda v: _from_int(v, "timestamp", tz))
    elif col.kind == "integer":
        found = _int_bins(q, lo, hi, bins, int)
    else:
        found = _float_bins(f"{q}::DOUBLE", float(lo), float(hi), bins)
    if found is None:
        return None
    found.expr = f"CASE WHEN {guard} THEN {found.expr} END"
    return found


def _to_histogram(spec: _Bins, counted: dict[int, int] | None) -> Histogram:
    counted = {0: spec.known} if spec.known is not None else (counted or {})
    return Histogram(edges=spec.edges, counts=[int(counted.get(k, 0)) for k in range(spec.count)])


def _fetch_one(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> dict[str, Any]:
    cur = con.execute(sql, params or [])
    row = cur.fetchone() or ()
    return {d[0]: v for d, v in zip(cur.description or [], row)}


def _top_values(con: duckdb.DuckDBPyConnection, relation: str, q: str, top_k: int,
                candidates: list[Any] | None) -> list[TopValue]:
    where = f"{q} IS NOT NULL" if candidates is None else f"{q} IN (SELECT unnest($1))"
    sql = (f"SELECT {q} AS v, count(*) AS n FROM {relation} WHERE {where} "
           f"GROUP BY {q} ORDER BY n DESC, v LIMIT {int(top_k)}")
    rows = con.execute(sql, [] if candidates is None else [candidates]).fetchall()
    return [TopValue(jsonable(v), int(n)) for v, n in rows]


def _base_column(name: str, duck_type: str, arrow_type: str, raw: dict[str, Any], i: int,
                 rows: int, kind: str) -> ColumnProfile:
    count = int(raw.get(f"c{i}_count") or 0)
    col = ColumnProfile(name=name, type=duck_type, arrow_type=arrow_type, kind=kind, count=count,
                        nulls=rows - count, null_share=(rows - count) / rows if rows else None,
                        distinct=min(count, int(raw.get(f"c{i}_distinct") or 0)))
    lo, hi = raw.get(f"c{i}_min"), raw.get(f"c{i}_max")
    if kind == "timestamp":
        tz = "TIME ZONE" in duck_type.upper()
        col.min = None if lo is None else _from_int(lo, kind, tz)
        col.max = None if hi is None else _from_int(hi, kind, tz)
    else:
        col.min, col.max = jsonable(lo), jsonable(hi)
    if kind in _NUMERIC:
        col.mean, col.std = jsonable(raw.get(f"c{i}_mean")), jsonable(raw.get(f"c{i}_std"))
        q = raw.get(f"c{i}_q")
        col.quantiles = {k: (jsonable(float(q[j])) if q else None) for j, k in enumerate(QUANTILES)}
    if kind == "float":
        col.non_finite = int(raw.get(f"c{i}_nonfinite") or 0)
    if kind == "string":
        lmin, lmax = raw.get(f"c{i}_lmin"), raw.get(f"c{i}_lmax")
        col.lengths = Lengths(min=None if lmin is None else int(lmin), mean=jsonable(raw.get(f"c{i}_lmean")),
                              max=None if lmax is None else int(lmax))
    return col


def _wants_top(col: ColumnProfile) -> bool:
    if col.kind in ("string", "boolean", "time"):
        return True
    return col.kind in _BINNED and (col.distinct or 0) <= LOW_CARDINALITY


def profile_relation(con: duckdb.DuckDBPyConnection, relation: str, *, top_k: int = 10, bins: int = 20,
                     exact_distinct_limit: int = EXACT_DISTINCT_LIMIT, times: tuple[str, ...] = ()) -> Profile:
    """Profile every column of `relation` (a SQL table expression) over all its rows; the text columns
    named in `times` hold times of day `HH:MM:SS` (Delta has no time type) and are profiled as kind `time`."""
    if bins < 1 or top_k < 0:
        raise InputError("bins must be at least 1 and top_k at least 0", hint=f"got bins={bins}, top_k={top_k}")
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
        arrow_schema = con.sql(f"SELECT * FROM {relation} LIMIT 0").to_arrow_table().schema
    except duckdb.Error as exc:
        raise InputError(f"cannot read the table to profile: {exc}", relation=relation,
                         hint="check the table expression or the registered dataset name") from exc
    try:
        return _profile(con, relation, described, [str(f.type) for f in arrow_schema], top_k, bins,
                        exact_distinct_limit, frozenset(times))
    except duckdb.Error as exc:
        raise JazariError(f"profiling failed: {exc}", relation=relation) from exc


def _profile(con: duckdb.DuckDBPyConnection, relation: str, described: list[tuple[Any, ...]],
             arrow_types: list[str], top_k: int, bins: int, exact_limit: int,
             times: frozenset[str] = frozenset()) -> Profile:
    rows = int(_fetch_one(con, f"SELECT count(*) AS n FROM {relation}")["n"])
    exact = rows <= exact_limit
    columns = [(i, str(d[0]), str(d[1]), arrow_types[i]) for i, d in enumerate(described)
               if not str(d[0]).startswith("_")]
    skipped = [str(d[0]) for d in described if str(d[0]).startswith("_")]
    profile = Profile(row_count=rows, column_count=len(columns), exact=exact, skipped=skipped)
    if not columns:
        return profile
    kinds = {i: "time" if name in times and kind_of(t) == "string" else kind_of(t) for i, name, t, _ in columns}
    # Pass 1: basic statistics of every column in one aggregate.
    stats = [s for i, name, _, _ in columns for s in _stat_sql(i, quote(name), kinds[i], exact)]
    finite = [f for i, name, _, _ in columns if (f := _finite_sql(i, quote(name), kinds[i]))]
    # profiled names never start with `_`, so the computed `__finite` columns cannot collide
    picked = ", ".join(quote(name) for _, name, _, _ in columns)
    source = f"(SELECT {picked}, {', '.join(finite)} FROM {relation})" if finite else relation
    raw = _fetch_one(con, f"SELECT {', '.join(stats)} FROM {source}")
    cols = {i: _base_column(name, t, a, raw, i, rows, kinds[i]) for i, name, t, a in columns}
    many = {i for i in cols if top_k and _wants_top(cols[i]) and not exact and (cols[i].distinct or 0) > GROUP_BY_LIMIT}
    sampled = {} if exact else _sampled(con, relation, cols, many, rows, top_k)
    for key, q in sampled.items():
        if key.endswith("_q"):
            cols[int(key[1:-2])].quantiles = {k: (jsonable(float(q[j])) if q else None)
                                               for j, k in enumerate(QUANTILES)}
    # Pass 2: every histogram (values, string lengths) in one aggregate.
    specs: dict[str, _Bins] = {}
    for i, name, _, _ in columns:
        col, q = cols[i], quote(name)
        spec = _bins_for(col, q, raw, i, bins)
        if spec is not None:
            specs[f"h{i}"] = spec
            if spec.count == 1 and col.kind in _NUMERIC:
                spec.known = col.count - (col.non_finite or 0)
        if col.lengths is not None and col.lengths.min is not None and col.lengths.max is not None:
            specs[f"l{i}"] = _int_bins(f"length({q})", col.lengths.min, col.lengths.max, bins, int)
            if specs[f"l{i}"].count == 1:
                specs[f"l{i}"].known = col.count
    hists = [f"histogram({s.expr}) AS {key}" for key, s in specs.items() if s.known is None]
    found = _fetch_one(con, f"SELECT {', '.join(hists)} FROM {relation}") if hists else {}
    for key, spec in specs.items():
        col = cols[int(key[1:])]
        if key.startswith("h"):
            col.histogram = _to_histogram(spec, found.get(key))
        elif col.lengths is not None:
            col.lengths.histogram = _to_histogram(spec, found.get(key))
    # Pass 3: top values, one small GROUP BY per column that has them (of the sampled candidates only
    # for the columns in `many`).
    for i, col in cols.items():
        if _wants_top(col):
            candidates = list(sampled.get(f"t{i}") or []) if i in many else None
            col.top = _top_values(con, relation, quote(col.name), top_k, candidates) if col.count and top_k else []
    profile.columns = [cols[i] for i, *_ in columns]
    return profile
