"""profile_relation over real Parquet files, checked against answers computed in Python."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest

from jazari.errors import InputError
from jazari.factory import profile as profile_module
from jazari.factory.profile import Profile, profile_relation

CITIES = ["Casablanca", "Rabat", "الرباط", "ⵔⴱⴰⵟ", "Fès", "مَرَّاكُش"]


def write(tmp_path: Path, table: pa.Table, name: str = "t.parquet") -> str:
    """Write `table` to Parquet and return a DuckDB table expression that reads it."""
    path = tmp_path / name
    pq.write_table(table, path)
    return f"read_parquet('{path}')"


def int_histogram(values: list[int], bins: int) -> tuple[list[int], list[int]]:
    """Integer-width bins over [min, max], computed in plain Python."""
    lo, hi = min(values), max(values)
    width = max(1, math.ceil((hi - lo + 1) / bins))
    n = math.ceil((hi - lo + 1) / width)
    counts = [0] * n
    for v in values:
        counts[(v - lo) // width] += 1
    return [lo + k * width for k in range(n + 1)], counts


def float_histogram(values: list[float], bins: int) -> tuple[list[float], list[int]]:
    """numpy-style equal-width bins, the last one closed, computed in plain Python."""
    lo, hi = min(values), max(values)
    width = (hi - lo) / bins
    counts = [0] * bins
    for v in values:
        counts[min(int((v - lo) // width), bins - 1)] += 1
    return [lo + k * width for k in range(bins)] + [hi], counts


@pytest.fixture
def data() -> dict[str, list[Any]]:
    rng = random.Random(7)
    n = 2_000
    return {
        "n": [None if i % 10 == 0 else rng.randint(-50, 400) for i in range(n)],
        "x": [rng.gauss(10, 3) for _ in range(n)],
        "city": [None if i % 7 == 0 else rng.choice(CITIES) for i in range(n)],
        "day": [dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 700)) for _ in range(n)],
        "ok": [rng.random() < 0.3 for _ in range(n)],
        "level": [rng.choice([1, 2, 3]) for _ in range(n)],
        "_row": list(range(n)),
    }


@pytest.fixture
def profiled(tmp_path: Path, data: dict[str, list[Any]]) -> Profile:
    table = pa.table({**data, "day": pa.array(data["day"], pa.date32())})
    return profile_relation(duckdb.connect(), write(tmp_path, table), top_k=3, bins=20)


def test_counts_and_skipped(profiled: Profile, data: dict[str, list[Any]]) -> None:
    assert profiled.row_count == len(data["n"])
    assert profiled.column_count == 6
    assert [c.name for c in profiled.columns] == ["n", "x", "city", "day", "ok", "level"]
    assert profiled.skipped == ["_row"]
    assert profiled.exact


def test_integer_column(profiled: Profile, data: dict[str, list[Any]]) -> None:
    values = [v for v in data["n"] if v is not None]
    col = profiled.column("n")
    assert (col.kind, col.type, col.arrow_type) == ("integer", "BIGINT", "int64")
    assert col.count == len(values)
    assert col.nulls == len(data["n"]) - len(values)
    assert col.null_share == pytest.approx(col.nulls / len(data["n"]))
    assert col.distinct == len(set(values))
    assert (col.min, col.max) == (min(values), max(values))
    assert col.mean == pytest.approx(statistics.fmean(values))
    assert col.std == pytest.approx(statistics.stdev(values))
    q = statistics.quantiles(values, n=4, method="inclusive")
    assert col.quantiles == pytest.approx({"p25": q[0], "p50": q[1], "p75": q[2]})
    assert col.histogram is not None
    assert (col.histogram.edges, col.histogram.counts) == int_histogram(values, 20)
    assert col.top is None  # many distinct values: no top values for numbers


def test_float_column(profiled: Profile, data: dict[str, list[Any]]) -> None:
    values = data["x"]
    col = profiled.column("x")
    assert col.kind == "float" and col.non_finite == 0
    assert (col.min, col.max) == (min(values), max(values))
    assert col.std == pytest.approx(statistics.stdev(values))
    edges, counts = float_histogram(values, 20)
    assert col.histogram is not None
    assert col.histogram.edges == pytest.approx(edges)
    assert col.histogram.counts == counts
    assert sum(col.histogram.counts) == len(values)


def test_string_column_top_and_lengths(profiled: Profile, data: dict[str, list[Any]]) -> None:
    values = [v for v in data["city"] if v is not None]
    col = profiled.column("city")
    assert col.kind == "string"
    assert (col.min, col.max) == (min(values), max(values))
    counted = Counter(values)
    expected = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0].encode()))[:3]
    assert [(t.value, t.count) for t in col.top or []] == expected
    lengths = [len(v) for v in values]
    assert col.lengths is not None
    assert (col.lengths.min, col.lengths.max) == (min(lengths), max(lengths))
    assert col.lengths.mean == pytest.approx(statistics.fmean(lengths))
    assert col.lengths.histogram is not None
    assert (col.lengths.histogram.edges, col.lengths.histogram.counts) == int_histogram(lengths, 20)


def test_dates(profiled: Profile, data: dict[str, list[Any]]) -> None:
    values = data["day"]
    col = profiled.column("day")
    assert col.kind == "date"
    assert (col.min, col.max) == (min(values).isoformat(), max(values).isoformat())
    days = [v.toordinal() for v in values]
    edges, counts = int_histogram(days, 20)
    assert col.histogram is not None
    assert col.histogram.edges == [dt.date.fromordinal(e).isoformat() for e in edges]
    assert col.histogram.counts == counts
    assert col.mean is None and col.quantiles is None


def test_booleans_and_low_cardinality_numbers(profiled: Profile, data: dict[str, list[Any]]) -> None:
    ok = profiled.column("ok")
    assert {t.value: t.count for t in ok.top or []} == dict(Counter(data["ok"]))
    level = profiled.column("level")
    assert {t.value: t.count for t in level.top or []} == dict(Counter(data["level"]))
    assert level.histogram is not None and level.histogram.edges == [1, 2, 3, 4]


def test_arabic_and_tifinagh_lengths_are_characters(tmp_path: Path) -> None:
    texts = ["مرحبا", "مَرَّاكُش", "ⵜⴰⵎⴰⵣⵉⵖⵜ", "ⴰ", "السلام عليكم"]
    p = profile_relation(duckdb.connect(), write(tmp_path, pa.table({"t": texts})))
    lengths = p.column("t").lengths
    assert lengths is not None
    assert (lengths.min, lengths.max) == (1, len("السلام عليكم"))
    assert lengths.mean == pytest.approx(statistics.fmean(len(t) for t in texts))
    assert lengths.max < len("السلام عليكم".encode())


def test_empty_table(tmp_path: Path) -> None:
    schema = pa.schema([("n", pa.int64()), ("s", pa.string()), ("d", pa.date32()), ("x", pa.float64())])
    p = profile_relation(duckdb.connect(), write(tmp_path, schema.empty_table()))
    assert (p.row_count, p.column_count) == (0, 4)
    for col in p.columns:
        assert (col.count, col.nulls, col.null_share, col.distinct) == (0, 0, None, 0)
        assert col.min is None and col.max is None and col.histogram is None
    assert p.column("s").top == []
    json.dumps(p.to_dict(), allow_nan=False)


def test_all_null_columns(tmp_path: Path) -> None:
    table = pa.table({"typed": pa.array([None] * 5, pa.int32()), "untyped": pa.array([None] * 5, pa.null()),
                      "s": pa.array([None] * 5, pa.string())})
    p = profile_relation(duckdb.connect(), write(tmp_path, table))
    for col in p.columns:
        assert (col.count, col.nulls, col.null_share, col.distinct) == (0, 5, 1.0, 0)
        assert col.histogram is None and col.min is None
    assert p.column("typed").mean is None
    assert p.column("typed").quantiles == {"p25": None, "p50": None, "p75": None}
    assert p.column("s").top == []


def test_weird_column_names(tmp_path: Path) -> None:
    names = ["with space", 'dou"ble', "sin'gle", "الاسم", "select", "ⵉⵙⵎ", "a.b", "_hidden"]
    table = pa.table({name: [f"{i}-{k}" for k in range(4)] for i, name in enumerate(names)})
    p = profile_relation(duckdb.connect(), write(tmp_path, table))
    assert [c.name for c in p.columns] == names[:-1]
    assert all(c.count == 4 and c.distinct == 4 for c in p.columns)
    assert p.skipped == ["_hidden"]


def test_non_finite_floats(tmp_path: Path) -> None:
    table = pa.table({"x": [1.0, 2.0, float("nan"), float("inf"), -float("inf"), 3.0, None]})
    col = profile_relation(duckdb.connect(), write(tmp_path, table)).column("x")
    assert (col.count, col.nulls, col.non_finite) == (6, 1, 3)
    assert (col.min, col.max, col.mean) == (1.0, 3.0, 2.0)
    assert col.histogram is not None and sum(col.histogram.counts) == 3


def test_timestamps_and_decimals(tmp_path: Path) -> None:
    import decimal

    stamps = [dt.datetime(2024, 3, 1, 12, 0), dt.datetime(2024, 3, 2, 8, 30, 15), None]
    table = pa.table({"ts": pa.array(stamps, pa.timestamp("us")),
                      "tz": pa.array(stamps, pa.timestamp("us", tz="UTC")),
                      "price": pa.array([decimal.Decimal("1.50"), decimal.Decimal("2.25"), None],
                                        pa.decimal128(10, 2))})
    p = profile_relation(duckdb.connect(), write(tmp_path, table))
    ts = p.column("ts")
    assert (ts.min, ts.max) == ("2024-03-01T12:00:00", "2024-03-02T08:30:15")
    assert ts.histogram is not None and ts.histogram.edges[0] == ts.min
    assert sum(ts.histogram.counts) == 2
    assert p.column("tz").min == "2024-03-01T12:00:00+00:00"
    price = p.column("price")
    assert (price.kind, price.min, price.max, price.mean) == ("decimal", 1.5, 2.25, pytest.approx(1.875))


def test_to_dict_is_json_and_round_trips(profiled: Profile) -> None:
    data = profiled.to_dict()
    text = json.dumps(data, allow_nan=False, ensure_ascii=False)
    assert data["row_count"] == profiled.row_count and data["column_count"] == 6
    again = Profile.from_dict(json.loads(text))
    assert again == profiled
    assert again.to_dict() == data


def test_big_data_path_uses_approximations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(3)
    words = ["common"] * 500 + ["rare"] * 50 + [f"w{i}" for i in range(1_000)]
    rng.shuffle(words)
    relation = write(tmp_path, pa.table({"w": words, "n": list(range(len(words)))}))
    monkeypatch.setattr(profile_module, "GROUP_BY_LIMIT", 10)
    p = profile_relation(duckdb.connect(), relation, top_k=2, exact_distinct_limit=100)
    assert not p.exact
    w = p.column("w")
    assert w.distinct == pytest.approx(1_002, rel=0.1)
    assert [(t.value, t.count) for t in w.top or []] == [("common", 500), ("rare", 50)]
    n = p.column("n")
    assert n.quantiles is not None
    assert n.quantiles["p50"] == pytest.approx(statistics.median(range(len(words))), rel=0.05)


def test_big_data_quantiles_come_from_a_uniform_sample(tmp_path: Path) -> None:
    """On sorted data (as ids, dates of entry are), the quartiles stay within 2% of the exact ones;
    a column with few values among many rows gets them all (the sample grows), so exact quartiles;
    infinities are left out of a float's quartiles."""
    n = 300_000
    sparse = [i if i < 500 else None for i in range(n)]
    floats = [float("inf") if i % 3 == 0 else float(i) for i in range(n)]
    relation = write(tmp_path, pa.table({"id": list(range(n)), "sparse": sparse, "f": floats}))
    p = profile_relation(duckdb.connect(), relation, exact_distinct_limit=1_000)
    assert not p.exact
    exact = statistics.quantiles(range(n), n=4, method="inclusive")
    got = p.column("id").quantiles or {}
    for name, want in zip(("p25", "p50", "p75"), exact, strict=True):
        assert abs(got[name] - want) <= 0.02 * n
    assert p.column("sparse").quantiles == pytest.approx(
        dict(zip(("p25", "p50", "p75"), statistics.quantiles(range(500), n=4, method="inclusive"), strict=True)))
    finite = p.column("f").quantiles or {}
    assert all(math.isfinite(v) and 0 <= v < n for v in finite.values())
    assert p.column("f").non_finite == n // 3


def test_registered_arrow_dataset(tmp_path: Path) -> None:
    write(tmp_path, pa.table({"a": [1, 2, 2], "b": ["x", "y", None]}))
    con = duckdb.connect()
    con.register("version_3", pads.dataset(tmp_path / "t.parquet"))
    p = profile_relation(con, "version_3")
    assert p.row_count == 3 and p.column("b").nulls == 1 and p.column("a").distinct == 2


def test_bad_relation_is_an_input_error() -> None:
    with pytest.raises(InputError):
        profile_relation(duckdb.connect(), "no_such_table")
