"""The profile tab's charts, from a real profile: the chart each kind of column gets, and the numbers
beside it."""

from __future__ import annotations

import duckdb

from jazari.factory.profile import profile_relation
from jazari.web.charts import WHOLE, profile_charts
from jazari.web.i18n import gettext_for


def _charts(sql: str) -> dict:
    con = duckdb.connect()
    try:
        con.execute(f"CREATE TABLE t AS {sql}")
        return profile_charts(profile_relation(con, "t").to_dict(), gettext_for("en"))
    finally:
        con.close()


def test_each_kind_of_column_gets_the_chart_that_says_most() -> None:
    found = _charts("""
        SELECT i AS n, DATE '2024-01-01' + i::INTEGER AS day, 'code-' || i AS code, i % 3 = 0 AS flag,
               CASE WHEN i % 4 = 0 THEN NULL ELSE ['rural', 'urban', 'rural'][i % 3 + 1] END AS kind,
               NULL::VARCHAR AS empty
        FROM range(100) AS r(i)""")
    charts = {c.name: c for c in found["columns"]}
    number, day = charts["n"], charts["day"]
    assert number.chart == "histogram" and number.spec["encoding"]["x"]["type"] == "quantitative"
    assert number.spec["encoding"]["x"]["axis"] == WHOLE  # whole numbers: no 0.5 tick
    assert sum(r[2] for r in number.rows) == 100 and number.headers == ["From", "To", "Rows"]
    assert day.chart == "histogram" and day.spec["encoding"]["x"]["type"] == "temporal"
    assert day.rows[0][0] == "2024-01-01"
    assert charts["code"].chart == "lengths"  # every value differs: their lengths say more
    assert charts["flag"].chart == "top" and {v["value"] for v in charts["flag"].spec["data"]["values"]} == {"true", "false"}
    kind = charts["kind"]
    assert kind.chart == "top" and kind.rows[0][0] == "rural" and kind.label == "Most frequent values of kind"
    assert charts["empty"].chart == "none" and charts["empty"].spec is None
    nulls = found["nulls"]["data"]["values"]
    assert {v["column"] for v in nulls} == {"kind", "empty"}  # only the columns that have empty values
    assert next(v for v in nulls if v["column"] == "empty")["share"] == 1.0


def test_no_empty_value_no_null_chart_and_long_values_are_cut_on_the_axis() -> None:
    found = _charts("SELECT repeat('x', 200) AS long FROM range(3)")
    assert found["nulls"] is None
    label = found["columns"][0].spec["data"]["values"][0]["value"]
    assert len(label) == 40 and label.endswith("…")
    assert found["columns"][0].rows[0][0] == "x" * 200  # the table keeps the value whole


def test_a_version_without_profile_has_no_chart() -> None:
    assert profile_charts(None, gettext_for("en")) == {"nulls": None, "columns": []}
