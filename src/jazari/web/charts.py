"""The profile tab's charts: Vega-Lite specs built here from a version's stored profile
(`factory.profile.Profile.to_dict()`), and the same numbers as rows for a table (screen readers,
pages without JavaScript). The page embeds each spec as JSON; the vendored vega-embed draws it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # names the grammar; never fetched
HEIGHT = 150
BAR_HEIGHT = 18
TEMPORAL = frozenset({"date", "timestamp"})
_LABEL = 40  # characters of a value shown on an axis (the table has them whole)
WHOLE = {"tickMinStep": 1, "format": ",d"}  # counts of rows: no 0.5 tick


@dataclass
class ColumnChart:
    """One column's chart: what it shows (`histogram`, `top`, `lengths` or `none`), its
    Vega-Lite spec, a label for screen readers, and its numbers as table rows."""

    name: str
    kind: str
    chart: str
    label: str
    spec: dict[str, Any] | None = None
    headers: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)


def _base(values: list[dict[str, Any]], height: int = HEIGHT) -> dict[str, Any]:
    return {"$schema": SCHEMA, "width": "container", "height": height, "data": {"values": values},
            "config": {"view": {"stroke": None}, "axis": {"labelLimit": 180}}}


def _short(value: Any) -> str:
    """A value as an axis label: as JSON writes booleans, cut to a readable length."""
    text = "" if value is None else ("true" if value else "false") if isinstance(value, bool) else str(value)
    return text if len(text) <= _LABEL else text[: _LABEL - 1] + "…"


def histogram_spec(edges: list[Any], counts: list[int], kind: str, x_title: str, rows_title: str) -> dict[str, Any]:
    """Bars over equal-width bins already counted: `counts[i]` rows in [edges[i], edges[i+1])."""
    values = [{"start": edges[i], "end": edges[i + 1], "count": int(n)} for i, n in enumerate(counts)]
    x_type = "temporal" if kind in TEMPORAL else "quantitative"
    return {**_base(values), "mark": {"type": "bar", "tooltip": True},
            "encoding": {"x": {"field": "start", "type": x_type, "bin": {"binned": True}, "title": x_title,
                               **({"axis": WHOLE} if kind == "integer" else {})},
                         "x2": {"field": "end"},
                         "y": {"field": "count", "type": "quantitative", "title": rows_title, "axis": WHOLE}}}


def top_spec(top: list[dict[str, Any]], rows_title: str) -> dict[str, Any]:
    """Horizontal bars of the most frequent values, the most frequent first."""
    values = [{"value": _short(t.get("value")), "count": int(t.get("count") or 0)} for t in top]
    return {**_base(values, max(BAR_HEIGHT * len(values), 40)), "mark": {"type": "bar", "tooltip": True},
            "encoding": {"y": {"field": "value", "type": "nominal", "sort": "-x", "title": None},
                         "x": {"field": "count", "type": "quantitative", "title": rows_title, "axis": WHOLE}}}


def null_share_spec(columns: list[dict[str, Any]], share_title: str) -> dict[str, Any] | None:
    """The share of empty values of every column that has some, in the table's order; None if none has."""
    values = [{"column": _short(c["name"]), "share": float(c.get("null_share") or 0), "nulls": int(c.get("nulls") or 0)}
              for c in columns if c.get("nulls")]
    if not values:
        return None
    return {**_base(values, max(BAR_HEIGHT * len(values), 40)), "mark": {"type": "bar", "tooltip": True},
            "encoding": {"y": {"field": "column", "type": "nominal", "sort": None, "title": None},
                         "x": {"field": "share", "type": "quantitative", "title": share_title,
                               "axis": {"format": "%"}, "scale": {"domain": [0, 1]}}}}


def _bins_rows(edges: list[Any], counts: list[int]) -> list[list[Any]]:
    return [[edges[i], edges[i + 1], int(n)] for i, n in enumerate(counts)]


def column_chart(col: dict[str, Any], _: Callable[..., str]) -> ColumnChart:
    """The chart that says most about one column: a histogram for numbers and dates, the top values
    for text and booleans, the lengths when every text value is different."""
    name, kind = str(col["name"]), str(col.get("kind") or "other")
    rows_title = _("Rows")
    histogram = col.get("histogram") or None
    top = col.get("top") or []
    lengths = (col.get("lengths") or {}).get("histogram") or None
    if histogram and histogram.get("counts") and kind not in ("string", "boolean"):
        edges, counts = histogram["edges"], histogram["counts"]
        return ColumnChart(name, kind, "histogram", _("Histogram of %(column)s", column=name),
                           histogram_spec(edges, counts, kind, name, rows_title),
                           [_("From"), _("To"), rows_title], _bins_rows(edges, counts))
    if top and (kind != "string" or not lengths or int(top[0].get("count") or 0) > 1):
        return ColumnChart(name, kind, "top", _("Most frequent values of %(column)s", column=name),
                           top_spec(top, rows_title), [_("Value"), rows_title],
                           [[t.get("value"), int(t.get("count") or 0)] for t in top])
    if lengths and lengths.get("counts"):
        edges, counts = lengths["edges"], lengths["counts"]
        return ColumnChart(name, kind, "lengths", _("Lengths of the values of %(column)s", column=name),
                           histogram_spec(edges, counts, "integer", _("Characters"), rows_title),
                           [_("From"), _("To"), rows_title], _bins_rows(edges, counts))
    return ColumnChart(name, kind, "none", _("No chart for %(column)s", column=name))


def profile_charts(profile: dict[str, Any] | None, _: Callable[..., str]) -> dict[str, Any]:
    """Every chart of a profile: `nulls` (one spec for all columns, or None) and `columns`."""
    columns = list((profile or {}).get("columns") or [])
    return {"nulls": null_share_spec(columns, _("Share of empty values")),
            "columns": [column_chart(c, _) for c in columns]}
