"""k-anonymity and l-diversity reports, checked against answers worked out by hand."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jazari.errors import InputError
from jazari.privacy.risk import k_anonymity_report

# Groups by (commune, age band):            rows  distinct diagnoses
#   (Azilal, 30-39)                           3      2 (diabète, asthme)
#   (Azilal, 40-49)                           1      1
#   (Imilchil, 30-39)                         2      1 (tuberculose twice)
#   (Fès, 20-29)                              5      3 (a, b, c) - one null diagnosis not counted
#   (null, 20-29)                             1      0 (null diagnosis)
TABLE = pa.table({
    "commune": ["Azilal", "Azilal", "Azilal", "Azilal", "Imilchil", "Imilchil",
                "Fès", "Fès", "Fès", "Fès", "Fès", None],
    "age": ["30-39", "30-39", "30-39", "40-49", "30-39", "30-39",
            "20-29", "20-29", "20-29", "20-29", "20-29", "20-29"],
    "diagnostic": ["diabète", "asthme", "diabète", "asthme", "tuberculose", "tuberculose",
                   "a", "b", "c", "a", None, None],
    "religion": ["x"] * 12,
})


def test_k_anonymity_by_hand() -> None:
    report = k_anonymity_report(TABLE, ["commune", "age"], k=3)
    assert report["rows"] == 12
    assert report["groups"] == 5
    assert report["k"] == 1
    assert report["satisfies_k"] is False
    assert report["groups_below_k"] == 3  # sizes 1, 2, 1
    assert report["rows_below_k"] == 4
    assert report["share_rows_below_k"] == pytest.approx(4 / 12)
    sizes = {b["bucket"]: (b["groups"], b["rows"]) for b in report["group_sizes"]}
    assert sizes["1"] == (2, 2) and sizes["2"] == (1, 2) and sizes["3-4"] == (1, 3) and sizes["5-9"] == (1, 5)
    assert sum(g for g, _ in sizes.values()) == 5 and sum(r for _, r in sizes.values()) == 12


def test_l_diversity_by_hand() -> None:
    report = k_anonymity_report(TABLE, ["commune", "age"], ["diagnostic", "religion"], k=2, l=2)
    diag = report["l_diversity"]["diagnostic"]
    assert diag["l"] == 0  # the (null, 20-29) group has only a null diagnosis
    assert diag["groups_below_l"] == 3  # (Azilal, 40-49), (Imilchil, 30-39), (null, 20-29)
    assert diag["rows_below_l"] == 4
    assert diag["satisfies_l"] is False
    religion = report["l_diversity"]["religion"]
    assert religion["l"] == 1 and religion["groups_below_l"] == 5 and religion["rows_below_l"] == 12


def test_l_of_a_column_without_nulls() -> None:
    table = TABLE.set_column(3, "religion", pa.array(["x"] * 12))
    report = k_anonymity_report(table, ["commune"], ["religion"], k=1, l=1)
    assert report["k"] == 1 and report["satisfies_k"] is True
    assert report["l_diversity"]["religion"] == {"l": 1, "l_target": 1, "satisfies_l": True,
                                                 "groups_below_l": 0, "rows_below_l": 0}


def test_a_satisfied_table() -> None:
    table = pa.table({"region": ["Souss"] * 5 + ["Oriental"] * 6, "sexe": ["F"] * 11,
                      "revenu": [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 6]})
    report = k_anonymity_report(table, ["region", "sexe"], ["revenu"], k=5, l=5)
    assert report["k"] == 5 and report["satisfies_k"] is True and report["groups"] == 2
    assert report["l_diversity"]["revenu"]["l"] == 5 and report["l_diversity"]["revenu"]["satisfies_l"]


def test_over_parquet_a_relation_and_a_connection(tmp_path: Path) -> None:
    path = tmp_path / "part-0.parquet"
    pq.write_table(TABLE, path)
    pq.write_table(TABLE, tmp_path / "part-1.parquet")
    doubled = k_anonymity_report(str(tmp_path / "*.parquet"), ["commune", "age"], k=3)
    assert doubled["rows"] == 24 and doubled["groups"] == 5 and doubled["k"] == 2
    con = duckdb.connect()
    rel = con.read_parquet(str(path))
    assert k_anonymity_report(rel, ["commune", "age"], k=3)["rows_below_k"] == 4
    con.execute(f"CREATE VIEW people AS SELECT * FROM read_parquet('{path}')")
    assert k_anonymity_report(con, ["commune"], table="people")["groups"] == 4


def test_empty_table() -> None:
    report = k_anonymity_report(TABLE.slice(0, 0), ["commune"], ["diagnostic"])
    assert report["rows"] == 0 and report["groups"] == 0 and report["k"] is None
    assert report["satisfies_k"] is True and report["share_rows_below_k"] == 0.0


def test_errors_name_the_column() -> None:
    with pytest.raises(InputError) as err:
        k_anonymity_report(TABLE, ["commune", "ville"])
    assert err.value.context["column"] == "ville"
    with pytest.raises(InputError):
        k_anonymity_report(TABLE, [])
    with pytest.raises(InputError):
        k_anonymity_report(duckdb.connect(), ["commune"])
    with pytest.raises(InputError):
        k_anonymity_report(42, ["commune"])


def test_quoted_column_names() -> None:
    table = pa.table({'commune "rurale"': ["a", "a"], "تاريخ": ["x", "y"]})
    report = k_anonymity_report(table, ['commune "rurale"'], ["تاريخ"], k=2)
    assert report["k"] == 2 and report["l_diversity"]["تاريخ"]["l"] == 2
