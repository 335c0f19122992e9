"""Anonymisation operators on Arabic and French values; nulls stay null, order and length kept."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jazari.errors import InputError
from jazari.privacy import operators as op
from jazari.privacy.findings import Finding

KEY = b"institute-secret-key-32-bytes!!!"


def test_redact_whole_values_with_a_typed_tag_keeps_nulls() -> None:
    values = pa.array(["BE123456", None, "ب ج 12345"])
    assert op.redact(values, "CIN").to_pylist() == ["[CIN]", None, "[CIN]"]
    assert op.redact(pa.array([1, None]), "cnss").to_pylist() == ["[CNSS]", None]


def test_mask_keeps_the_last_characters_in_code_points() -> None:
    values = pa.array(["0612345678", None, "محمد العلوي", "ab", ""])
    assert op.mask(values, keep_last=4).to_pylist() == ["******5678", None, "*******علوي", "ab", ""]
    assert op.mask(values, keep_last=0, char="#").to_pylist() == ["##########", None, "###########", "##", ""]


def test_mask_refuses_a_bad_character() -> None:
    with pytest.raises(InputError):
        op.mask(pa.array(["x"]), char="**")


def test_pseudonymize_is_stable_keyed_and_joinable() -> None:
    left = op.pseudonymize(pa.array(["BE123456", "فاطمة الزهراء", None, "BE123456"]), KEY).to_pylist()
    assert left[0] == left[3] and left[0] != left[1] and left[2] is None
    assert all(t.startswith("tok_") and len(t) == 20 for t in left if t)
    right = op.pseudonymize(pa.chunked_array([["x"], ["BE123456"]]), KEY).to_pylist()
    assert right[1] == left[0]  # the same value in another table gives the same token: joins still work
    assert op.pseudonymize(pa.array(["BE123456"]), b"another-key-of-32-bytes-long!!!!").to_pylist()[0] != left[0]
    assert op.pseudonymize(pa.array(["be123456"]), KEY).to_pylist()[0] != left[0]  # exact value, not normalised


def test_pseudonymize_needs_a_real_key() -> None:
    with pytest.raises(InputError):
        op.pseudonymize(pa.array(["x"]), b"short")
    assert "institute-secret" not in repr(op.Pseudonymize("cin", KEY))


def test_generalize_dates_to_year_or_month() -> None:
    dates = pa.array([dt.date(1985, 3, 12), None])
    assert op.generalize_date(dates, "year").to_pylist() == ["1985", None]
    assert op.generalize_date(pa.array(["1990-08-01", None]), "month").to_pylist() == ["1990-08", None]
    stamps = pa.array([dt.datetime(2030, 6, 13, 20, 0)])
    assert op.generalize_date(stamps, "month").to_pylist() == ["2030-06"]
    with pytest.raises(InputError):
        op.generalize_date(pa.array(["12 mars 1985"]))


def test_generalize_age_and_numbers_to_bands() -> None:
    assert op.generalize_age(pa.array([34, None, 85, 0, 39]), 10, top=80).to_pylist() == [
        "30-39", None, "80+", "0-9", "30-39"]
    assert op.generalize_number(pa.array([1234, 2500, -1]), 1000).to_pylist() == ["1000-1999", "2000-2999",
                                                                                   "-1000--1"]
    assert op.generalize_number(pa.array([1.5, None, 0.2]), 0.5).to_pylist() == ["[1.5, 2)", None, "[0, 0.5)"]


def test_generalize_gps_to_the_centre_of_a_grid_cell() -> None:
    lat, lon = op.generalize_gps(pa.array([33.5731, None, 31.6295]), pa.array([-7.5898, None, -7.9811]), 0.1)
    assert lat.to_pylist() == [33.55, None, 31.65]
    assert lon.to_pylist() == [-7.55, None, -7.95]


def test_drop_and_missing_columns() -> None:
    table = pa.table({"cin": ["A1"], "age": [3]})
    assert op.drop(table, ["cin"]).column_names == ["age"]
    with pytest.raises(InputError) as err:
        op.drop(table, ["nom"])
    assert err.value.context["column"] == "nom"


def test_suppress_small_groups_keeps_order_and_schema() -> None:
    table = pa.table({"commune": ["Azilal", "Fès", "Azilal", "Imilchil", "Fès", None, None],
                      "age": ["30-39", "40-49", "30-39", "30-39", "40-49", "20-29", "20-29"],
                      "row": [0, 1, 2, 3, 4, 5, 6]})
    kept = op.suppress_small_groups(table, ["commune", "age"], k=2)
    assert kept.schema == table.schema
    assert kept.column("row").to_pylist() == [0, 1, 2, 4, 5, 6]  # nulls form a group of their own
    assert op.suppress_small_groups(table.to_batches()[0], ["commune", "age"], k=3).num_rows == 0
    rel = duckdb.connect().from_arrow(table)
    assert sorted(r[2] for r in op.suppress_small_groups(rel, ["commune"], k=2).fetchall()) == [0, 1, 2, 4, 5, 6]


def test_text_redact_rewrites_spans_in_code_points() -> None:
    texts = pa.array(["Mme فاطمة العلوي, CIN BE123456, tél 0612345678.", None, "rien à signaler"])
    findings = [[Finding("CIN", 22, 30, 0.9, "cin", "BE123456"), ("PERSON", 4, 16), ("PHONE", 36, 46)], [], []]
    assert op.text_redact(texts, findings).to_pylist() == ["Mme [PERSON], CIN [CIN], tél [PHONE].", None,
                                                           "rien à signaler"]


def test_overlapping_spans_merge_under_the_longest() -> None:
    assert op.redact_spans("MA64 0117 8000", [("RIB", 5, 14), ("IBAN", 0, 14)]) == "[IBAN]"
    assert op.merge_spans([("PHONE", 0, 5), ("CARD", 3, 12), ("CIN", 20, 25)]) == [("CARD", 0, 12),
                                                                                  ("CIN", 20, 25)]
    with pytest.raises(InputError):
        op.text_redact(pa.array(["a", "b"]), [[]])


@given(st.lists(st.one_of(st.none(), st.text(max_size=30)), max_size=20), st.integers(0, 6))
def test_mask_and_pseudonymize_keep_length_and_nulls(values: list[str | None], keep: int) -> None:
    arr = pa.array(values, pa.string())
    for out in (op.mask(arr, keep), op.pseudonymize(arr, KEY)):
        assert len(out) == len(arr)
        assert [v is None for v in out.to_pylist()] == [v is None for v in values]
    masked = op.mask(arr, keep).to_pylist()
    assert all(m is None or (len(m) == len(v) and m.endswith(v[len(v) - keep:] if keep else ""))
               for m, v in zip(masked, values, strict=True) if v is not None)


def test_stage_configs_apply_to_a_batch() -> None:
    batch = pa.record_batch({"nom": ["Hamza Tazi", None], "cin": ["AB123456", "J45678"],
                             "naissance": [dt.date(1990, 1, 2), dt.date(2001, 5, 6)], "age": [34, 23],
                             "lat": [31.63, 30.43], "lon": [-7.98, -9.60], "note": ["x", "y"]})
    ops = [op.Redact("nom", "PERSON"), op.Mask("cin", keep_last=2), op.Generalize("naissance", "date", to="year"),
           op.Generalize("age", "age", width=10), op.GeneralizeGPS("lat", "lon", 1.0), op.Drop(("note",)),
           op.Pseudonymize("cin", KEY)]
    out = op.apply_operators(ops, batch)
    assert isinstance(out, pa.RecordBatch)
    assert out.column_names == ["nom", "cin", "naissance", "age", "lat", "lon"]
    assert out.column("nom").to_pylist() == ["[PERSON]", None]
    assert out.column("naissance").to_pylist() == ["1990", "2001"]
    assert out.column("age").to_pylist() == ["30-39", "20-29"]
    assert out.column("lat").to_pylist() == [31.5, 30.5]
    assert op.operator_names(ops) == {"nom": "redact", "cin": "pseudonymize", "naissance": "generalize",
                                      "age": "generalize", "lat": "generalize", "lon": "generalize",
                                      "note": "drop"}


def test_redact_without_entity_uses_the_scanner() -> None:
    out = op.redact(pa.array(["appelez le 0612345678 svp", None, ""])).to_pylist()
    assert out == ["appelez le [PHONE] svp", None, ""]


def test_vectorised_tokens_equal_the_one_value_function() -> None:
    values = ["BE123456", "محمد", "", "x" * 100]
    assert op.pseudonymize(pa.array(values), KEY).to_pylist() == [op.pseudonym(v, KEY) for v in values]
    assert op.pseudonymize(pa.array([None, None], pa.string()), KEY).to_pylist() == [None, None]
