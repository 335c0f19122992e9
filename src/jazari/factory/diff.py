"""The diff of two dataset versions: schema changes, row counts and column statistics.

A pure function over plain dicts, so the CLI, the API and Python return the same thing.
Each version is a mapping with `schema` (a Frictionless Table Schema dict), `row_count` and
`profile` (a `Profile.to_dict()`); `version` (any label) is echoed back when given.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

STATS = ("nulls", "null_share", "distinct", "min", "max", "mean", "std")
"""Column statistics compared between versions."""


def _as_dict(value: Any) -> dict[str, Any]:
    """A mapping, or an object with `to_dict()` (a `Profile`), as a plain dict."""
    if value is None:
        return {}
    if hasattr(value, "to_dict"):
        return dict(value.to_dict())
    return dict(value)


def _row_count(version: Mapping[str, Any]) -> int | None:
    count = version.get("row_count", version.get("rows"))
    if count is None:
        count = _as_dict(version.get("profile")).get("row_count")
    return None if count is None else int(count)


def _fields(version: Mapping[str, Any], use_schema: bool) -> dict[str, str | None]:
    """Column name -> type, from the Table Schema or else from the profile."""
    if use_schema:
        fields = _as_dict(version.get("schema")).get("fields") or []
        return {str(f["name"]): f.get("type") for f in fields}
    columns = _as_dict(version.get("profile")).get("columns") or []
    return {str(c["name"]): c.get("type") for c in columns}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _parse_time(value: Any) -> dt.date | dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def _delta(a: Any, b: Any, kind: str | None) -> tuple[float | int | None, float | None]:
    """b - a and its percentage of |a|; dates give days, timestamps give seconds."""
    if _is_number(a) and _is_number(b):
        delta = b - a
        pct = (delta / abs(a) * 100) if a else None
        return delta, (pct if pct is None or math.isfinite(pct) else None)
    if kind not in ("date", "timestamp"):
        return None, None
    ta, tb = _parse_time(a), _parse_time(b)
    if ta is None or tb is None or type(ta) is not type(tb):
        return None, None
    if isinstance(ta, dt.datetime) and isinstance(tb, dt.datetime):
        if (ta.tzinfo is None) != (tb.tzinfo is None):
            return None, None
        return (tb - ta).total_seconds(), None
    return (tb - ta).days, None


def compare(a: Any, b: Any, kind: str | None = None) -> dict[str, Any]:
    """One value in both versions: `{"a", "b", "changed", "delta", "pct"}`."""
    delta, pct = _delta(a, b, kind)
    return {"a": a, "b": b, "changed": a != b, "delta": delta, "pct": pct}


def _top_changes(a: Mapping[str, Any], b: Mapping[str, Any]) -> tuple[list[Any], list[Any]]:
    """Top values that entered and left the top list, each with its count in its version."""
    top_a = {_key(t["value"]): t for t in a.get("top") or []}
    top_b = {_key(t["value"]): t for t in b.get("top") or []}
    appeared = [dict(t) for k, t in top_b.items() if k not in top_a]
    disappeared = [dict(t) for k, t in top_a.items() if k not in top_b]
    return appeared, disappeared


def _key(value: Any) -> tuple[str, Any]:
    """A hashable key that keeps True apart from 1."""
    return (type(value).__name__, value if isinstance(value, (str, int, float, bool)) else repr(value))


def _column_diff(name: str, a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    kind = b.get("kind") if b.get("kind") == a.get("kind") else None
    stats = {s: compare(a.get(s), b.get(s), kind) for s in STATS if s in a or s in b}
    appeared, disappeared = _top_changes(a, b)
    changed = any(s["changed"] for s in stats.values()) or bool(appeared or disappeared)
    return {"name": name, "changed": changed, **stats, "top_appeared": appeared,
            "top_disappeared": disappeared}


def diff_versions(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    """What changed from version `a` to version `b`: schema, row count, column statistics."""
    use_schema = bool(_as_dict(a.get("schema")).get("fields")) and bool(_as_dict(b.get("schema")).get("fields"))
    fields_a, fields_b = _fields(a, use_schema), _fields(b, use_schema)
    added = [{"name": n, "type": t} for n, t in fields_b.items() if n not in fields_a]
    removed = [{"name": n, "type": t} for n, t in fields_a.items() if n not in fields_b]
    retyped = [{"name": n, "a": fields_a[n], "b": t} for n, t in fields_b.items()
               if n in fields_a and fields_a[n] != t]
    rows = compare(_row_count(a), _row_count(b))
    profile_a = {c["name"]: c for c in _as_dict(a.get("profile")).get("columns") or []}
    profile_b = {c["name"]: c for c in _as_dict(b.get("profile")).get("columns") or []}
    columns = [_column_diff(n, profile_a.get(n, {}), profile_b.get(n, {}))
               for n in fields_b if n in fields_a and (n in profile_a or n in profile_b)]
    schema = {"added": added, "removed": removed, "type_changed": retyped}
    result: dict[str, Any] = {
        "changed": bool(added or removed or retyped or rows["changed"] or any(c["changed"] for c in columns)),
        "rows": rows,
        "schema": schema,
        "columns": columns,
    }
    if "version" in a or "version" in b:
        result = {"a": a.get("version"), "b": b.get("version"), **result}
    return result
