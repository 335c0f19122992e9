"""The cast stage: types, missing values, type errors with row numbers, fast path == SQL reference."""

from __future__ import annotations

import datetime as dt
import math

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jazari.errors import SchemaError
from jazari.factory.cast import CastConfig, cast_batch, cast_output_schema
from jazari.factory.schema import TableSchema
from jazari.factory.typesql import cast_batch_sql

NBSP, NNBSP = "\u00a0", "\u202f"


def batch(first_row: int = 2, **cols: list) -> pa.RecordBatch:
    """A raw batch as the pipeline gives it: text columns and `_row` (spreadsheet row numbers)."""
    n = len(next(iter(cols.values())))
    arrays = {k: v if isinstance(v, pa.Array) else pa.array(v, pa.string()) for k, v in cols.items()}
    return pa.record_batch({**arrays, "_row": pa.array(range(first_row, first_row + n), pa.int64())})


def cast(descriptor: dict, b: pa.RecordBatch) -> pa.RecordBatch:
    """Cast with the fast path and check it equals the SQL reference."""
    schema = TableSchema.from_dict(descriptor)
    out = cast_batch(CastConfig(schema), b)
    assert out.schema == cast_output_schema(schema)
    assert _same(out.to_pylist()) == _same(cast_batch_sql(schema, b, out.schema).to_pylist())
    return out


def _same(rows: list[dict]) -> list[dict]:
    """Rows with NaN made comparable."""
    return [{k: "NaN" if isinstance(v, float) and math.isnan(v) else v for k, v in r.items()} for r in rows]


def errors(out: pa.RecordBatch) -> list[tuple[int, str, str]]:
    """(row, column, message) of every finding."""
    return [(r["_row"], e["column"], e["message"]) for r in out.to_pylist() for e in r["_errors"] or []]


def test_french_numbers_with_any_space_as_group() -> None:
    spec = {"fields": [{"name": "montant", "type": "number", "decimalChar": ",", "groupChar": " "}]}
    out = cast(spec, batch(montant=["1 234,56", f"1{NBSP}234,5", f"12{NNBSP}345{NNBSP}678", "-3,5", "12,5x",
                                    "1.5", " 7 ", None, ""]))
    assert out.column("montant").to_pylist() == [1234.56, 1234.5, 12345678.0, -3.5, None, None, 7.0, None, None]
    assert errors(out) == [
        (6, "montant", '"12,5x" is not a number (decimal ","; group " ")'),
        (7, "montant", '"1.5" is not a number (decimal ","; group " ")'),
    ]
    assert out.column("_errors")[4].as_py()[0]["type"] == "type-error"
    assert out.column("_errors")[4].as_py()[0]["value"] == "12,5x"


def test_dot_groups_and_english_numbers() -> None:
    spec = {"fields": [{"name": "fr", "type": "number", "decimalChar": ",", "groupChar": "."},
                       {"name": "en", "type": "number", "groupChar": ","},
                       {"name": "plain", "type": "number"}]}
    out = cast(spec, batch(fr=["1.234,56", "2.000.000", "4,5"], en=["1,234.56", "2,000", "3.5"],
                           plain=["1e3", "NaN", "+2.5"]))
    assert out.column("fr").to_pylist() == [1234.56, 2000000.0, 4.5]
    assert out.column("en").to_pylist() == [1234.56, 2000.0, 3.5]
    assert out.column("plain").to_pylist()[0] == 1000.0 and out.column("plain").to_pylist()[2] == 2.5
    assert not errors(out)


def test_integers_are_never_rounded() -> None:
    spec = {"fields": [{"name": "n", "type": "integer"}, {"name": "g", "type": "integer", "groupChar": " "}]}
    out = cast(spec, batch(n=["42", "-7", "+5", "1.5", "1e3", "0x1F", "9223372036854775807", "99999999999999999999"],
                           g=["1 234", f"12{NBSP}000", "7", "1 2", "x", None, "", "NA"]))
    assert out.column("n").to_pylist() == [42, -7, 5, None, None, None, 9223372036854775807, None]
    assert [e[0] for e in errors(out) if e[1] == "n"] == [5, 6, 7, 9]
    assert out.column("g").to_pylist()[:4] == [1234, 12000, 7, 12]


def test_missing_values_are_null_not_errors() -> None:
    spec = {"fields": [{"name": "n", "type": "integer"}, {"name": "s"}], "missingValues": ["", "NA", "-"]}
    out = cast(spec, batch(n=["NA", " NA ", "-", "", None, "3"], s=["NA", " x ", "", "-", None, "نعم"]))
    assert out.column("n").to_pylist() == [None] * 5 + [3]
    assert out.column("s").to_pylist() == [None, " x ", None, None, None, "نعم"]  # text kept as is
    assert out.column("_errors").null_count == 6


def test_leading_zeros_are_kept_in_strings() -> None:
    out = cast({"fields": [{"name": "tel"}, {"name": "code"}]},
               batch(tel=["0612345678", "+212612345678"], code=["01.511.01.0", "001511010"]))
    assert out.column("tel").to_pylist() == ["0612345678", "+212612345678"]
    assert out.column("code").to_pylist() == ["01.511.01.0", "001511010"]


def test_booleans_dates_times() -> None:
    spec = {"fields": [
        {"name": "actif", "type": "boolean", "trueValues": ["oui", "نعم"], "falseValues": ["non", "لا"]},
        {"name": "date", "type": "date", "format": "%d/%m/%Y"},
        {"name": "iso", "type": "date"},
        {"name": "cree", "type": "datetime"},
        {"name": "heure", "type": "time"},
        {"name": "annee", "type": "year"},
    ]}
    out = cast(spec, batch(actif=["oui", "لا", "peut-être"],
                           date=["12/03/2024", "31/02/2024", "2024-03-12"],
                           iso=["2024-03-12", "12/03/2024", "2024-3-12"],
                           cree=["2024-03-12T10:30:00", "2024-03-12T10:30:00+01:00", "2024-02-30 10:00"],
                           heure=["10:30", "23:59:59.5", "25:00"],
                           annee=["2024", "24", "1999"]))
    rows = out.to_pylist()
    assert [r["actif"] for r in rows] == [True, False, None]
    assert [r["date"] for r in rows] == [dt.date(2024, 3, 12), None, None]
    assert [r["iso"] for r in rows] == [dt.date(2024, 3, 12), None, None]
    assert [r["cree"] for r in rows] == [dt.datetime(2024, 3, 12, 10, 30), dt.datetime(2024, 3, 12, 9, 30), None]
    assert [r["heure"] for r in rows] == ["10:30:00", "23:59:59.5", None]  # text: Delta has no time type
    assert [r["annee"] for r in rows] == [2024, None, 1999]
    assert (3, "date", '"31/02/2024" is not a date in format %d/%m/%Y') in errors(out)
    assert (4, "actif", '"peut-être" is not a boolean (oui/نعم or non/لا)') in errors(out)
    assert len(errors(out)) == 8


def test_rare_types() -> None:
    spec = {"fields": [{"name": t, "type": t} for t in ("object", "array", "yearmonth", "duration", "geopoint")]
            + [{"name": "email", "format": "email"}, {"name": "any", "type": "any"}]}
    out = cast(spec, batch(object=['{"a": 1}', "[1]"], array=["[1, 2]", "{}"], yearmonth=["2024-03", "2024-13"],
                           duration=["P1Y2M", "1 an"], geopoint=["-7.6, 33.5", "x"],
                           email=["contact@hcp.ma", "hcp.ma"], any=["01", "x"]))
    assert out.column("object").to_pylist() == ['{"a": 1}', None]
    assert out.column("any").to_pylist() == ["01", "x"]
    assert {e[1] for e in errors(out) if e[0] == 3} == {"object", "array", "yearmonth", "duration", "geopoint",
                                                        "email"}


def test_typed_input_from_json_or_parquet() -> None:
    spec = {"fields": [{"name": "i", "type": "integer"}, {"name": "f", "type": "integer"},
                       {"name": "n", "type": "number"}, {"name": "s"}, {"name": "d", "type": "date"},
                       {"name": "ts", "type": "datetime"}, {"name": "l", "type": "array"}]}
    b = batch(i=pa.array([1, 2], pa.int32()), f=pa.array([3.0, 2.5]), n=pa.array([1, 2]),
              s=pa.array([7, 8]), d=pa.array([dt.datetime(2024, 1, 1, 10), None], pa.timestamp("s")),
              ts=pa.array([dt.datetime(2024, 1, 1, 10)] * 2, pa.timestamp("ms", tz="Africa/Casablanca")),
              l=pa.array([[1], []]))
    out = cast(spec, b)
    assert out.column("i").to_pylist() == [1, 2]
    assert out.column("f").to_pylist() == [3, None]
    assert out.column("n").to_pylist() == [1.0, 2.0]
    assert out.column("s").to_pylist() == ["7", "8"]
    assert out.column("d").to_pylist() == [dt.date(2024, 1, 1), None]
    assert out.column("ts").type == pa.timestamp("us")
    assert out.column("l").to_pylist() == ["[1]", "[]"]
    assert errors(out) == [(3, "f", '"2.5" is not an integer')]


def test_dictionary_and_large_string_columns() -> None:
    b = batch(a=pa.array(["1", "2", "1"]).dictionary_encode(), b=pa.array(["x", None, "y"], pa.large_string()))
    out = cast({"fields": [{"name": "a", "type": "integer"}, {"name": "b"}]}, b)
    assert out.column("a").to_pylist() == [1, 2, 1] and out.column("b").type == pa.string()


def test_row_numbers_pass_through_and_no_row_is_fine() -> None:
    spec = {"fields": [{"name": "a", "type": "integer"}]}
    out = cast(spec, batch(first_row=1_000_002, a=["1", "x"]))
    assert out.column("_row").to_pylist() == [1_000_002, 1_000_003]
    assert errors(out) == [(1_000_003, "a", '"x" is not an integer')]
    plain = cast_batch(CastConfig(TableSchema.from_dict(spec)), pa.record_batch({"a": ["1"]}))
    assert plain.schema.names == ["a", "_errors"]


def test_empty_batch_and_long_values() -> None:
    spec = {"fields": [{"name": "a", "type": "integer"}]}
    empty = cast(spec, pa.RecordBatch.from_pylist([], pa.schema([("a", pa.string()), ("_row", pa.int64())])))
    assert empty.num_rows == 0
    out = cast(spec, batch(a=["x" * 200]))
    message = out.column("_errors")[0].as_py()[0]["message"]
    assert message == '"' + "x" * 80 + '…" is not an integer'
    assert out.column("_errors")[0].as_py()[0]["value"] == "x" * 200


def test_columns_must_match_the_schema() -> None:
    with pytest.raises(SchemaError, match="no column 'b'"):
        cast_batch(CastConfig(TableSchema.from_dict({"fields": [{"name": "a"}, {"name": "b"}]})), batch(a=["1"]))


def test_many_errors_in_many_columns_keep_row_order() -> None:
    spec = {"fields": [{"name": c, "type": "integer"} for c in "abc"]}
    values = [str(k) if k % 3 else "x" for k in range(3000)]
    out = cast(spec, batch(a=values, b=values[::-1], c=["1"] * 3000))
    found = errors(out)
    assert len(found) == 2000 and found == sorted(found, key=lambda e: (e[0], e[1]))
    assert out.column("_errors").null_count == 1000


_text = st.one_of(
    st.integers(-10**15, 10**15).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(0, 10**9).map(lambda x: f"{x:,}".replace(",", " ")),
    st.integers(0, 10**9).map(lambda x: f"{x:,}".replace(",", NBSP) + ",5"),
    st.integers(0, 10**9).map(lambda x: f"{x:,}".replace(",", ".") + ",25"),
    st.integers(0, 10**9).map(lambda x: f"{x:,}.75"),
    st.text(alphabet="0123456789+-.,eE " + NBSP + NNBSP, max_size=8),
    st.sampled_from(["", "NA", "nan", "-inf", "Infinity", "1_000", "0x10", "nan(1)", "٣", "007", " 12 "]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_text, min_size=1, max_size=20),
       st.sampled_from([("integer", ".", ""), ("integer", ".", " "), ("integer", ",", "."), ("number", ".", ""),
                        ("number", ",", ""), ("number", ",", " "), ("number", ",", "."), ("number", ".", ","),
                        ("year", ".", "")]))
def test_fast_path_equals_the_sql_reference(values: list[str], option: tuple[str, str, str]) -> None:
    kind, dec, group = option
    field = {"name": "x", "type": kind}
    if dec != ".":
        field["decimalChar"] = dec
    if group:
        field["groupChar"] = group
    cast({"fields": [field], "missingValues": ["", "NA"]}, batch(x=values))


_iso = st.one_of(
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)).flatmap(
        lambda d: st.sampled_from([d.date().isoformat(), d.isoformat(sep="T", timespec="minutes"),
                                   d.isoformat(sep=" ", timespec="seconds"), d.isoformat(timespec="microseconds"),
                                   d.isoformat(timespec="hours"), d.isoformat(timespec="seconds") + "Z",
                                   d.isoformat(timespec="seconds") + "+01:00"])),
    st.text(alphabet="0123456789-T :.Z+,", min_size=8, max_size=27),
    st.sampled_from(["", "NA", "2024-02-30", "2024-01-02T24:00", " 2024-01-02 ", "2024-01-02T10:11:12.1234567"]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_iso, min_size=1, max_size=20))
def test_datetime_fast_path_equals_the_sql_reference(values: list[str]) -> None:
    cast({"fields": [{"name": "x", "type": "datetime"}], "missingValues": ["", "NA"]}, batch(x=values))
