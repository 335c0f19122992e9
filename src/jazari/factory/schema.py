"""Frictionless Table Schema v1: fields, constraints, loading with clear errors, Arrow mapping.

Descriptors round-trip exactly: `TableSchema.from_dict(d).to_dict() == d` for any valid `d`
(properties left out stay left out, unknown properties are kept). Two extensions: `groupChar`
and `bareNumber` are also read on `integer` fields (as in Table Schema v2), and a whitespace
`groupChar` stands for every space (U+0020, NBSP U+00A0, narrow NBSP U+202F, thin U+2009).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyarrow as pa

from jazari.errors import SchemaError

FIELD_TYPES = (
    "string", "number", "integer", "boolean", "object", "array", "date", "time", "datetime",
    "year", "yearmonth", "duration", "geopoint", "geojson", "any",
)
DEFAULT_TRUE = ("true", "True", "TRUE", "1")
DEFAULT_FALSE = ("false", "False", "FALSE", "0")
RESERVED_NAMES = ("_row", "_errors")
ARROW_TYPES: dict[str, pa.DataType] = {
    "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(), "date": pa.date32(),
    "datetime": pa.timestamp("us"), "time": pa.string(), "year": pa.int32(),
}
"""`time` is stored as text `HH:MM:SS[.fraction]` (24-hour, zero-padded, as DuckDB writes a TIME):
Delta Lake has no time-of-day type, and that text sorts in time order."""
ORDERED_TYPES = ("integer", "number", "date", "datetime", "time", "year")
LENGTH_TYPES = ("string", "array", "object", "any", "yearmonth", "duration", "geopoint", "geojson")
_CONSTRAINTS = ("required", "unique", "enum", "pattern", "minimum", "maximum", "minLength", "maxLength")
_FIELD_KEYS = ("name", "type", "format", "title", "description", "constraints", "decimalChar",
               "groupChar", "bareNumber", "trueValues", "falseValues")


@dataclass(frozen=True)
class Constraints:
    """Constraints of a field; None means the constraint is not set."""

    required: bool | None = None
    unique: bool | None = None
    enum: tuple[Any, ...] | None = None
    pattern: str | None = None
    minimum: Any = None
    maximum: Any = None
    min_length: int | None = None
    max_length: int | None = None
    declared: bool = False  # the descriptor had a `constraints` object (kept for round trips)

    def get(self, name: str, default: Any = None) -> Any:
        """A constraint by its Frictionless name (`minLength`...), or `default` when unset."""
        return self.to_dict().get(name, default)

    def to_dict(self) -> dict[str, Any]:
        """The Frictionless `constraints` object."""
        values = (self.required, self.unique, None if self.enum is None else list(self.enum),
                  self.pattern, self.minimum, self.maximum, self.min_length, self.max_length)
        return {k: v for k, v in zip(_CONSTRAINTS, values) if v is not None}


@dataclass(frozen=True)
class Field:
    """One column of a Table Schema; None means the property is absent (its default applies)."""

    name: str
    type: str | None = None
    format: str | None = None
    title: str | None = None
    description: str | None = None
    constraints: Constraints = Constraints()
    decimal_char: str | None = None
    group_char: str | None = None
    bare_number: bool | None = None
    true_values: tuple[str, ...] | None = None
    false_values: tuple[str, ...] | None = None
    extra: tuple[tuple[str, str], ...] = ()  # unknown properties, values as JSON text

    @property
    def kind(self) -> str:
        """The field type, `string` when absent."""
        return self.type or "string"

    @property
    def fmt(self) -> str:
        """The format without the legacy `fmt:` prefix, `default` when absent."""
        f = self.format or "default"
        return f.removeprefix("fmt:")

    @property
    def decimal(self) -> str:
        """The decimal character (default `.`)."""
        return self.decimal_char if self.decimal_char is not None else "."

    @property
    def group(self) -> str:
        """The group (thousands) character, '' when none."""
        return self.group_char or ""

    @property
    def bare(self) -> bool:
        """Whether numbers are bare (no currency, % or other text around them)."""
        return True if self.bare_number is None else self.bare_number

    @property
    def trues(self) -> tuple[str, ...]:
        """Texts read as true."""
        return DEFAULT_TRUE if self.true_values is None else self.true_values

    @property
    def falses(self) -> tuple[str, ...]:
        """Texts read as false."""
        return DEFAULT_FALSE if self.false_values is None else self.false_values

    def to_arrow(self) -> pa.Field:
        """The Arrow field the cast stage produces for this field."""
        return pa.field(self.name, ARROW_TYPES.get(self.kind, pa.string()))

    def to_dict(self) -> dict[str, Any]:
        """The Frictionless field descriptor."""
        values = (self.name, self.type, self.format, self.title, self.description,
                  self.constraints.to_dict() if self.constraints.declared else None,
                  self.decimal_char, self.group_char, self.bare_number,
                  None if self.true_values is None else list(self.true_values),
                  None if self.false_values is None else list(self.false_values))
        out = {k: v for k, v in zip(_FIELD_KEYS, values) if v is not None}
        out.update({k: json.loads(v) for k, v in self.extra})
        return out

    @classmethod
    def from_dict(cls, d: Any, *, source: str | None = None) -> Field:
        """A field from its descriptor; SchemaError naming the field when it is invalid."""
        if not isinstance(d, dict) or not isinstance(d.get("name"), str) or not d["name"]:
            raise SchemaError("each field needs a non-empty string `name`", file=source,
                              hint='write fields as {"name": "...", "type": "..."}')
        name = d["name"]

        def bad(message: str, hint: str | None = None) -> SchemaError:
            return SchemaError(message, file=source, field=name, hint=hint)

        kind = d.get("type")
        if kind is not None and kind not in FIELD_TYPES:
            raise bad(f"unknown type {kind!r}", hint="use one of: " + ", ".join(FIELD_TYPES))
        for key in ("format", "title", "description", "decimalChar", "groupChar"):
            if key in d and not isinstance(d[key], str):
                raise bad(f"`{key}` must be a string")
        if "bareNumber" in d and not isinstance(d["bareNumber"], bool):
            raise bad("`bareNumber` must be true or false")
        for key in ("trueValues", "falseValues"):
            if key in d and not (isinstance(d[key], list) and all(isinstance(v, str) for v in d[key])):
                raise bad(f"`{key}` must be a list of strings")
        if "decimalChar" in d and (d["decimalChar"] == "" or d["decimalChar"] == d.get("groupChar")):
            raise bad("`decimalChar` must be one non-empty character different from `groupChar`")
        extra = tuple(sorted((k, json.dumps(v, ensure_ascii=False)) for k, v in d.items()
                             if k not in _FIELD_KEYS))
        tv, fv = d.get("trueValues"), d.get("falseValues")
        f = cls(name=name, type=kind, format=d.get("format"), title=d.get("title"),
                description=d.get("description"), decimal_char=d.get("decimalChar"),
                group_char=d.get("groupChar"), bare_number=d.get("bareNumber"),
                true_values=None if tv is None else tuple(tv),
                false_values=None if fv is None else tuple(fv), extra=extra)
        if f.kind in ("date", "time", "datetime") and f.fmt not in ("default", "any") and "%" not in f.fmt:
            raise bad(f"format {f.format!r} is not a date pattern", hint='write it like "%d/%m/%Y"')
        if "constraints" in d:
            f = replace(f, constraints=_constraints_from(d["constraints"], f, bad))
        return f


def parse_literal(f: Field, value: Any) -> Any:
    """A schema value (enum item, minimum...) as a Python value of the field's type; ValueError if not."""
    kind = f.kind
    if kind in ("integer", "year"):
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ValueError(value)
        return int(value)
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValueError(value)
        return float(value)
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if value in f.trues or value in f.falses:
            return value in f.trues
        raise ValueError(value)
    if kind in ("date", "datetime", "time"):
        if not isinstance(value, str):
            raise ValueError(value)
        parse = {"date": dt.date.fromisoformat, "datetime": dt.datetime.fromisoformat,
                 "time": dt.time.fromisoformat}[kind]
        return parse(value)
    if kind in ("array", "object"):
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def _constraints_from(d: Any, f: Field, bad: Any) -> Constraints:
    if not isinstance(d, dict):
        raise bad("`constraints` must be an object")
    unknown = sorted(set(d) - set(_CONSTRAINTS))
    if unknown:
        raise bad(f"unknown constraint {unknown[0]!r}", hint="use one of: " + ", ".join(_CONSTRAINTS))
    for key in ("required", "unique"):
        if key in d and not isinstance(d[key], bool):
            raise bad(f"constraint `{key}` must be true or false")
    if "enum" in d:
        if not isinstance(d["enum"], list) or not d["enum"]:
            raise bad("constraint `enum` must be a non-empty list")
        for v in d["enum"]:
            _check_literal(f, v, "enum", bad)
    if "pattern" in d:
        if not isinstance(d["pattern"], str):
            raise bad("constraint `pattern` must be a string")
        try:
            re.compile(d["pattern"])
        except re.error as e:
            raise bad(f"constraint `pattern` is not a valid regular expression: {e}") from None
    for key in ("minimum", "maximum"):
        if key in d:
            if f.kind not in ORDERED_TYPES:
                raise bad(f"constraint `{key}` does not apply to type {f.kind!r}",
                          hint="use it on " + ", ".join(ORDERED_TYPES))
            _check_literal(f, d[key], key, bad)
    if "minimum" in d and "maximum" in d and parse_literal(f, d["minimum"]) > parse_literal(f, d["maximum"]):
        raise bad("constraint `minimum` is greater than `maximum`")
    for key in ("minLength", "maxLength"):
        if key in d:
            if f.kind not in LENGTH_TYPES:
                raise bad(f"constraint `{key}` does not apply to type {f.kind!r}")
            if isinstance(d[key], bool) or not isinstance(d[key], int) or d[key] < 0:
                raise bad(f"constraint `{key}` must be a non-negative integer")
    enum = d.get("enum")
    return Constraints(required=d.get("required"), unique=d.get("unique"),
                       enum=None if enum is None else tuple(enum), pattern=d.get("pattern"),
                       minimum=d.get("minimum"), maximum=d.get("maximum"),
                       min_length=d.get("minLength"), max_length=d.get("maxLength"), declared=True)


def _check_literal(f: Field, value: Any, what: str, bad: Any) -> None:
    try:
        parse_literal(f, value)
    except (ValueError, TypeError):
        raise bad(f"constraint `{what}` value {value!r} is not a valid {f.kind}",
                  hint="dates as YYYY-MM-DD, numbers as JSON numbers") from None


@dataclass(frozen=True)
class TableSchema:
    """A Frictionless Table Schema: ordered fields, missing values, primary key."""

    fields: tuple[Field, ...]
    missing_values: tuple[str, ...] | None = None
    primary_key: tuple[str, ...] = ()
    primary_key_text: bool = False  # the descriptor wrote `"primaryKey": "id"` (kept for round trips)
    extra: tuple[tuple[str, str], ...] = ()

    @property
    def names(self) -> list[str]:
        """Field names in order."""
        return [f.name for f in self.fields]

    @property
    def missing(self) -> tuple[str, ...]:
        """Texts read as a missing value (default: the empty string)."""
        return ("",) if self.missing_values is None else self.missing_values

    def get(self, name: str) -> Field:
        """The field called `name`; SchemaError if there is none."""
        for f in self.fields:
            if f.name == name:
                return f
        raise SchemaError("no such field in the schema", field=name)

    def to_arrow(self) -> pa.Schema:
        """The Arrow schema of the cast data (without `_row` and `_errors`)."""
        return pa.schema([f.to_arrow() for f in self.fields])

    def to_dict(self) -> dict[str, Any]:
        """The Frictionless Table Schema descriptor (JSON-able)."""
        out: dict[str, Any] = {"fields": [f.to_dict() for f in self.fields]}
        if self.missing_values is not None:
            out["missingValues"] = list(self.missing_values)
        if self.primary_key:
            pk = self.primary_key
            out["primaryKey"] = pk[0] if self.primary_key_text else list(pk)
        out.update({k: json.loads(v) for k, v in self.extra})
        return out

    def to_json(self) -> str:
        """The descriptor as indented JSON text."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, d: Any, *, source: str | None = None) -> TableSchema:
        """A schema from its descriptor; SchemaError naming the file and field when invalid."""
        if not isinstance(d, dict) or not isinstance(d.get("fields"), list):
            raise SchemaError("a Table Schema is a JSON object with a `fields` list", file=source,
                              hint="see https://specs.frictionlessdata.io/table-schema/")
        fields = tuple(Field.from_dict(f, source=source) for f in d["fields"])
        seen: set[str] = set()
        for f in fields:
            if f.name in seen:
                raise SchemaError("two fields have the same name", file=source, field=f.name)
            if f.name in RESERVED_NAMES:
                raise SchemaError("this name is reserved by Jazari", file=source, field=f.name,
                                  hint="rename the column")
            seen.add(f.name)
        mv = d.get("missingValues")
        if mv is not None and not (isinstance(mv, list) and all(isinstance(v, str) for v in mv)):
            raise SchemaError("`missingValues` must be a list of strings", file=source)
        pk = d.get("primaryKey")
        keys: list[str] = []
        if pk is not None:
            keys = [pk] if isinstance(pk, str) else pk
            if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
                raise SchemaError("`primaryKey` must be a field name or a list of names", file=source)
            for k in keys:
                if k not in seen:
                    raise SchemaError("`primaryKey` names a field that does not exist", file=source,
                                      field=k, hint="fields: " + ", ".join(f.name for f in fields))
        extra = tuple(sorted((k, json.dumps(v, ensure_ascii=False)) for k, v in d.items()
                             if k not in ("fields", "missingValues", "primaryKey")))
        return cls(fields=fields, missing_values=None if mv is None else tuple(mv),
                   primary_key=tuple(keys), primary_key_text=isinstance(pk, str), extra=extra)

    @classmethod
    def load(cls, path: str | Path) -> TableSchema:
        """Read a Table Schema JSON file; SchemaError naming the file (and line) when invalid."""
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8-sig")
        except OSError as e:
            raise SchemaError(f"cannot read the schema file: {e.strerror}", file=str(p)) from None
        except UnicodeDecodeError:
            raise SchemaError("the schema file is not UTF-8 text", file=str(p)) from None
        try:
            d = json.loads(text)
        except json.JSONDecodeError as e:
            raise SchemaError(f"invalid JSON: {e.msg}", file=str(p), line=e.lineno,
                              hint=f"check column {e.colno} of that line") from None
        return cls.from_dict(d, source=str(p))


def check_matches(schema: TableSchema, source_columns: list[str]) -> None:
    """Raise SchemaError listing missing and extra columns when the data does not fit the schema."""
    cols = [c for c in source_columns if c not in RESERVED_NAMES]
    missing = [n for n in schema.names if n not in cols]
    extra = [c for c in cols if c not in schema.names]
    if not missing and not extra:
        return
    parts = []
    if missing:
        parts.append("the file has no column " + ", ".join(repr(n) for n in missing))
    if extra:
        parts.append("the schema has no field " + ", ".join(repr(c) for c in extra))
    near = [f"{c!r} for {n!r}" for n in missing for c in extra if _loose(c) == _loose(n)]
    hint = ("names differ only in case or spaces: " + ", ".join(near) + "; " if near else "")
    hint += "fix the header of the file or the names in the schema (names are matched exactly)"
    raise SchemaError("the schema does not match the data: " + "; ".join(parts), hint=hint,
                      missing=missing, extra=extra)


def _loose(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name).casefold()
