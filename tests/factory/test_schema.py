"""Table Schema: round trips, loading errors that name the file and field, Arrow mapping, matching."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jazari.errors import SchemaError
from jazari.factory.schema import FIELD_TYPES, TableSchema, check_matches

COMMUNES = {
    "fields": [
        {"name": "code", "type": "string", "title": "Code commune",
         "constraints": {"required": True, "pattern": r"\d{2}\.\d{3}\.\d{2}\.\d{1,2}"}},
        {"name": "name_ar", "type": "string", "title": "الجماعة", "description": "اسم الجماعة"},
        {"name": "population_2024", "type": "integer", "groupChar": " ", "bareNumber": False,
         "constraints": {"minimum": 0}},
        {"name": "change_pct", "type": "number", "decimalChar": ",", "groupChar": "."},
        {"name": "urbaine", "type": "boolean", "trueValues": ["oui"], "falseValues": ["non"]},
        {"name": "recensement", "type": "date", "format": "%d/%m/%Y",
         "constraints": {"minimum": "2004-09-01", "maximum": "2024-09-30"}},
        {"name": "type", "constraints": {"enum": ["urban", "rural"]}, "rdfType": "https://schema.org/Text"},
        {"name": "notes", "constraints": {}},
    ],
    "missingValues": ["", "NA", "-"],
    "primaryKey": "code",
    "foreignKeys": [],
}


def test_round_trip_keeps_the_descriptor_exactly() -> None:
    schema = TableSchema.from_dict(COMMUNES)
    assert schema.to_dict() == COMMUNES
    assert TableSchema.from_dict(schema.to_dict()) == schema
    assert schema.primary_key == ("code",)
    assert schema.get("population_2024").constraints.get("minimum") == 0


def test_defaults_apply_when_properties_are_absent() -> None:
    f = TableSchema.from_dict({"fields": [{"name": "x"}]}).fields[0]
    assert (f.kind, f.fmt, f.decimal, f.group, f.bare) == ("string", "default", ".", "", True)
    assert "1" in f.trues and "0" in f.falses
    assert TableSchema.from_dict({"fields": []}).missing == ("",)


def test_to_arrow_maps_every_type() -> None:
    schema = TableSchema.from_dict({"fields": [{"name": t, "type": t} for t in FIELD_TYPES]})
    arrow = schema.to_arrow()
    assert arrow.field("integer").type == pa.int64()
    assert arrow.field("number").type == pa.float64()
    assert arrow.field("boolean").type == pa.bool_()
    assert arrow.field("date").type == pa.date32()
    assert arrow.field("datetime").type == pa.timestamp("us")
    assert arrow.field("time").type == pa.string()  # HH:MM:SS text: Delta Lake has no time-of-day type
    assert arrow.field("year").type == pa.int32()
    for t in ("string", "object", "array", "yearmonth", "duration", "geopoint", "geojson", "any"):
        assert arrow.field(t).type == pa.string()


def test_load_reports_invalid_json_with_file_and_line(tmp_path) -> None:
    path = tmp_path / "schema.json"
    path.write_text('{"fields": [\n  {"name": "a",}\n]}', encoding="utf-8")
    with pytest.raises(SchemaError) as e:
        TableSchema.load(path)
    assert e.value.context["file"] == str(path) and e.value.context["line"] == 2
    assert "invalid JSON" in str(e.value)


def test_load_reads_a_valid_file(tmp_path) -> None:
    path = tmp_path / "communes.schema.json"
    path.write_text(json.dumps(COMMUNES, ensure_ascii=False), encoding="utf-8")
    assert TableSchema.load(path).to_dict() == COMMUNES


def test_load_missing_file(tmp_path) -> None:
    with pytest.raises(SchemaError, match="cannot read"):
        TableSchema.load(tmp_path / "nope.json")


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ({"name": "n", "type": "entier"}, "unknown type 'entier'"),
        ({"name": "n", "type": "integer", "constraints": {"minimun": 0}}, "unknown constraint 'minimun'"),
        ({"name": "n", "type": "string", "constraints": {"minimum": 1}}, "does not apply to type 'string'"),
        ({"name": "n", "type": "integer", "constraints": {"enum": ["un", "deux"]}}, "is not a valid integer"),
        ({"name": "n", "type": "integer", "constraints": {"minimum": 10, "maximum": 1}}, "greater than"),
        ({"name": "n", "type": "date", "constraints": {"minimum": "12/03/2024"}}, "is not a valid date"),
        ({"name": "n", "constraints": {"pattern": "(["}}, "not a valid regular expression"),
        ({"name": "n", "constraints": {"minLength": -1}}, "non-negative integer"),
        ({"name": "n", "constraints": {"required": "yes"}}, "true or false"),
        ({"name": "n", "constraints": {"enum": []}}, "non-empty list"),
        ({"name": "n", "type": "date", "format": "dd/mm/yyyy"}, "not a date pattern"),
        ({"name": "n", "type": "number", "decimalChar": ",", "groupChar": ","}, "decimalChar"),
        ({"name": "n", "trueValues": "oui"}, "list of strings"),
    ],
)
def test_invalid_fields_name_the_file_and_field(tmp_path, field: dict, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"fields": [{"name": "ok"}, field]}), encoding="utf-8")
    with pytest.raises(SchemaError, match=message) as e:
        TableSchema.load(path)
    assert e.value.context == {"file": str(path), "field": "n"}
    assert "field 'n'" in str(e.value) and str(path) in str(e.value)


@pytest.mark.parametrize(
    ("descriptor", "message"),
    [
        ([], "JSON object with a `fields` list"),
        ({"fields": [{"type": "string"}]}, "non-empty string `name`"),
        ({"fields": [{"name": "a"}, {"name": "a"}]}, "same name"),
        ({"fields": [{"name": "_row"}]}, "reserved"),
        ({"fields": [{"name": "a"}], "primaryKey": "b"}, "does not exist"),
        ({"fields": [{"name": "a"}], "primaryKey": []}, "field name or a list"),
        ({"fields": [{"name": "a"}], "missingValues": "NA"}, "list of strings"),
    ],
)
def test_invalid_schemas(descriptor: object, message: str) -> None:
    with pytest.raises(SchemaError, match=message):
        TableSchema.from_dict(descriptor)


def test_check_matches_lists_missing_and_extra_columns() -> None:
    schema = TableSchema.from_dict({"fields": [{"name": "code"}, {"name": "Nom"}, {"name": "population"}]})
    check_matches(schema, ["population", "code", "Nom", "_row"])  # order does not matter
    with pytest.raises(SchemaError) as e:
        check_matches(schema, ["code", "nom", "pop_2024"])
    err = e.value
    assert err.context["missing"] == ["Nom", "population"] and err.context["extra"] == ["nom", "pop_2024"]
    assert "the file has no column 'Nom', 'population'" in err.message
    assert "the schema has no field 'nom', 'pop_2024'" in err.message
    assert "'nom' for 'Nom'" in (err.hint or "")
    assert err.to_dict()["error"]["code"] == "schema"


_names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12).filter(
    lambda n: n not in ("_row", "_errors"))
_texts = st.text(max_size=10)


@st.composite
def _field(draw: st.DrawFn, name: str) -> dict:
    kind = draw(st.sampled_from(["string", "integer", "number", "boolean", "date", "any", None]))
    d: dict = {"name": name}
    if kind is not None:
        d["type"] = kind
    for key in ("title", "description"):
        if draw(st.booleans()):
            d[key] = draw(_texts)
    constraints: dict = {}
    if draw(st.booleans()):
        constraints["required"] = draw(st.booleans())
    if draw(st.booleans()):
        constraints["unique"] = draw(st.booleans())
    if kind in ("integer", "number"):
        if draw(st.booleans()):
            constraints["minimum"] = draw(st.integers(-1000, 0))
        if draw(st.booleans()):
            constraints["maximum"] = draw(st.integers(0, 1000))
        if kind == "number" and draw(st.booleans()):
            d["decimalChar"], d["groupChar"] = draw(st.sampled_from([(",", " "), (",", "."), (".", ",")]))
        if draw(st.booleans()):
            d["bareNumber"] = draw(st.booleans())
    elif kind == "boolean" and draw(st.booleans()):
        d["trueValues"], d["falseValues"] = ["oui", "نعم"], ["non", "لا"]
    elif kind == "date":
        d["format"] = draw(st.sampled_from(["default", "any", "%d/%m/%Y"]))
    elif kind in ("string", None):
        if draw(st.booleans()):
            constraints["enum"] = draw(st.lists(_texts, min_size=1, max_size=3))
        if draw(st.booleans()):
            constraints["maxLength"] = draw(st.integers(0, 50))
    if constraints or draw(st.booleans()):
        d["constraints"] = constraints
    if draw(st.booleans()):
        d["x-note"] = {"fr": draw(_texts), "list": [1, None, True]}
    return d


@st.composite
def _schema(draw: st.DrawFn) -> dict:
    names = draw(st.lists(_names, min_size=1, max_size=5, unique=True))
    d: dict = {"fields": [draw(_field(n)) for n in names]}
    if draw(st.booleans()):
        d["missingValues"] = draw(st.lists(_texts, max_size=4))
    if draw(st.booleans()):
        d["primaryKey"] = names[0] if draw(st.booleans()) else names[: draw(st.integers(1, len(names)))]
    return d


@settings(max_examples=200, deadline=None)
@given(_schema())
def test_any_valid_descriptor_round_trips(descriptor: dict) -> None:
    schema = TableSchema.from_dict(descriptor)
    assert schema.to_dict() == descriptor
    assert TableSchema.from_dict(json.loads(schema.to_json())) == schema
    hash(schema)  # configs of stages are hashable
