"""A dataset's privacy policy (YAML): what to do with each column, applied as a pure ingest stage.

```yaml
columns:
  cin: {operator: pseudonymize}
  telephone: {operator: mask, keep_last: 2}
  date_naissance: {operator: generalize, to: year}
  carte: {operator: drop}
text_columns:
  commentaire: {operator: redact, entities: [PERSON, PHONE, CIN, EMAIL]}   # entities optional = all
quasi_identifiers: [commune, age, sexe]
sensitive: [diagnostic]
k: 5
suppress_small_groups: false
```
`suppress_small_groups` is not row-local: the ingest applies it to the whole table after the stage.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from jazari.errors import InputError, JazariError, SchemaError
from jazari.privacy import operators as ops
from jazari.privacy.columns import ColumnFinding
from jazari.privacy.findings import Entity
from jazari.privacy.scanner import LANGS, default_scanner

#: column operator -> the parameters it takes
OPERATORS: dict[str, tuple[str, ...]] = {
    "pseudonymize": (),
    "mask": ("keep_last", "char"),
    "redact": ("entity",),
    "generalize": ("to", "width", "top", "degrees"),
    "drop": (),
    "keep": (),
}
TEXT_OPERATORS: dict[str, tuple[str, ...]] = {"redact": ("entities", "lang")}
GENERALIZE_TO = ("year", "month", "band", "grid")
KEYS = ("columns", "text_columns", "quasi_identifiers", "sensitive", "k", "suppress_small_groups")
_PLAIN = re.compile(r"[^\W\d][\w]*")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null"})


@dataclass(frozen=True)
class ColumnRule:
    """One column's operator and its parameters."""

    column: str
    operator: str
    params: tuple[tuple[str, Any], ...] = ()

    def get(self, name: str, default: Any = None) -> Any:
        """A parameter's value, or `default`."""
        return dict(self.params).get(name, default)

    def to_dict(self) -> dict[str, Any]:
        """The YAML shape of the rule."""
        return {"operator": self.operator, **dict(self.params)}


@dataclass(frozen=True)
class TextRule:
    """A free-text column to scan and redact (`entities` None = every entity)."""

    column: str
    entities: tuple[str, ...] | None = None
    lang: str | None = None
    operator: str = "redact"

    def to_dict(self) -> dict[str, Any]:
        """The YAML shape of the rule."""
        out: dict[str, Any] = {"operator": self.operator}
        if self.entities is not None:
            out["entities"] = list(self.entities)
        if self.lang is not None:
            out["lang"] = self.lang
        return out


@dataclass(frozen=True)
class PrivacyPolicy:
    """What a dataset's ingest does to personal data, column by column."""

    columns: tuple[ColumnRule, ...] = ()
    text_columns: tuple[TextRule, ...] = ()
    quasi_identifiers: tuple[str, ...] = ()
    sensitive: tuple[str, ...] = ()
    k: int = 5
    suppress_small_groups: bool = False
    notes: tuple[tuple[str, str], ...] = field(default=(), compare=False, repr=False)

    def rule(self, column: str) -> ColumnRule | TextRule | None:
        """The rule of `column`, if the policy has one."""
        return next((r for r in (*self.columns, *self.text_columns) if r.column == column), None)

    def treated(self) -> dict[str, str]:
        """Column -> operator name, for every column the policy has a rule for."""
        return {r.column: r.operator for r in (*self.columns, *self.text_columns)}

    @classmethod
    def load(cls, path: str | Path) -> PrivacyPolicy:
        """Read and check a policy file."""
        import yaml

        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise InputError("no such privacy policy file", file=str(path),
                             hint="write one with `jazari privacy suggest DATASET > policy.yaml`") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the privacy policy: {exc}", file=str(path)) from exc
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise InputError(f"the privacy policy is not valid YAML: {getattr(exc, 'problem', exc)}",
                             file=str(path), line=None if mark is None else mark.line + 1) from exc
        return cls.from_dict({} if data is None else data, source=str(path))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str | None = None) -> PrivacyPolicy:
        """A checked policy from its YAML/JSON shape; errors name `source`, the column and the parameter."""
        def fail(message: str, hint: str | None = None, **where: Any) -> SchemaError:
            return SchemaError(message, hint=hint, file=source, **where)

        if not isinstance(data, Mapping):
            raise fail("a privacy policy must be a mapping", hint=f"use the keys {', '.join(KEYS)}")
        unknown = [str(key) for key in data if key not in KEYS]
        if unknown:
            raise fail(f"unknown key {unknown[0]!r} in the privacy policy", hint=f"valid keys: {', '.join(KEYS)}",
                       field=unknown[0])
        columns = tuple(_column_rule(str(c), spec, fail) for c, spec in _mapping(data, "columns", fail).items())
        texts = tuple(_text_rule(str(c), spec, fail) for c, spec in _mapping(data, "text_columns", fail).items())
        both = sorted({r.column for r in columns} & {r.column for r in texts})
        if both:
            raise fail("a column is both in columns and text_columns", column=both[0], hint="keep one rule")
        qis, sensitive = _names(data, "quasi_identifiers", fail), _names(data, "sensitive", fail)
        dropped = {r.column for r in columns if r.operator == "drop"}
        for name in qis:
            if name in dropped:
                raise fail("a dropped column cannot be a quasi-identifier", column=name,
                           field="quasi_identifiers", hint="remove it from quasi_identifiers or keep it")
        k = data.get("k", 5)
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise fail(f"k must be a whole number >= 1, not {k!r}", field="k")
        suppress = data.get("suppress_small_groups", False)
        if not isinstance(suppress, bool):
            raise fail(f"suppress_small_groups must be true or false, not {suppress!r}",
                       field="suppress_small_groups")
        return cls(columns, texts, qis, sensitive, k, suppress)

    def to_dict(self) -> dict[str, Any]:
        """The YAML/JSON shape of the policy."""
        return {"columns": {r.column: r.to_dict() for r in self.columns},
                "text_columns": {r.column: r.to_dict() for r in self.text_columns},
                "quasi_identifiers": list(self.quasi_identifiers), "sensitive": list(self.sensitive),
                "k": self.k, "suppress_small_groups": self.suppress_small_groups}

    def to_yaml(self, comments: Mapping[str, str] | None = None) -> str:
        """The policy as YAML text, with `comments` (column -> text; default: the notes) after rules."""
        notes = dict(self.notes) if comments is None else dict(comments)

        def section(name: str, rules: Iterable[ColumnRule | TextRule]) -> list[str]:
            lines = [f"  {_scalar(r.column)}: {_scalar(r.to_dict())}" + _comment(notes.get(r.column))
                     for r in rules]
            return [f"{name}:"] + lines if lines else [f"{name}: {{}}"]

        lines = ["# Jazari privacy policy. Column operators: " + ", ".join(OPERATORS)
                 + "; text columns: redact (scan, replace found spans by [ENTITY])."]
        lines += section("columns", self.columns) + section("text_columns", self.text_columns)
        for name in ("quasi_identifiers", "sensitive"):
            values = getattr(self, name)
            lines.append(f"{name}: {_scalar(list(values))}")
            lines += [f"#   {c}: {notes[c]}" for c in values if c in notes and self.rule(c) is None]
        lines += [f"k: {self.k}", f"suppress_small_groups: {_scalar(self.suppress_small_groups)}"]
        return "\n".join(lines) + "\n"


def _mapping(data: Mapping[str, Any], key: str, fail: Any) -> Mapping[Any, Any]:
    value = data.get(key) or {}
    if not isinstance(value, Mapping):
        raise fail(f"{key} must map column names to rules", field=key,
                   hint="e.g. `cin: {operator: pseudonymize}`")
    return value


def _names(data: Mapping[str, Any], key: str, fail: Any) -> tuple[str, ...]:
    value = data.get(key) or []
    if isinstance(value, str) or not isinstance(value, list):
        raise fail(f"{key} must be a list of column names", field=key, hint="e.g. [commune, age, sexe]")
    return tuple(str(v) for v in value)


def _spec(column: str, spec: Any, valid: Mapping[str, tuple[str, ...]], fail: Any) -> tuple[str, dict]:
    if isinstance(spec, str):
        spec = {"operator": spec}
    if not isinstance(spec, Mapping) or "operator" not in spec:
        raise fail("a rule needs an operator", column=column, field="operator",
                   hint=f"valid operators: {', '.join(valid)}")
    params = {str(k): v for k, v in spec.items() if k != "operator"}
    operator = spec["operator"]
    if operator not in valid:
        raise fail(f"unknown operator {operator!r}", column=column, field="operator",
                   hint=f"valid operators: {', '.join(valid)}")
    for name in params:
        if name not in valid[operator]:
            takes = ", ".join(valid[operator]) or "no parameter"
            raise fail(f"{operator} has no parameter {name!r}", column=column, field=name,
                       hint=f"{operator} takes: {takes}")
    return operator, params


def _column_rule(column: str, spec: Any, fail: Any) -> ColumnRule:
    operator, params = _spec(column, spec, OPERATORS, fail)

    def bad(name: str, want: str) -> SchemaError:
        return fail(f"{operator}: {name} must be {want}, not {params[name]!r}", column=column, field=name)

    def number(name: str, positive: bool = True) -> None:
        value = params.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                  or (positive and value <= 0)):
            raise bad(name, "a positive number" if positive else "a number")

    if operator == "mask":
        keep, char = params.get("keep_last", 4), params.get("char", "*")
        if isinstance(keep, bool) or not isinstance(keep, int) or keep < 0:
            raise bad("keep_last", "a whole number >= 0")
        if not isinstance(char, str) or len(char) != 1:
            raise bad("char", "one character")
    elif operator == "redact" and "entity" in params:
        if str(params["entity"]).upper() not in Entity.__members__:
            raise bad("entity", f"one of {', '.join(Entity)}")
        params["entity"] = str(params["entity"]).upper()
    elif operator == "generalize":
        to = params.get("to")
        if to not in GENERALIZE_TO:
            raise fail(f"generalize needs `to`: one of {', '.join(GENERALIZE_TO)}, not {to!r}",
                       column=column, field="to", hint="year or month for dates, band for ages and numbers, "
                                                       "grid for GPS coordinates")
        allowed = {"year": (), "month": (), "band": ("width", "top"), "grid": ("degrees",)}[to]
        extra = [p for p in params if p != "to" and p not in allowed]
        if extra:
            raise fail(f"generalize to {to} has no parameter {extra[0]!r}", column=column, field=extra[0],
                       hint=f"generalize to {to} takes: {', '.join(('to', *allowed))}")
        number("width")
        number("degrees")
        number("top", positive=False)
    return ColumnRule(column, operator, tuple(params.items()))


def _text_rule(column: str, spec: Any, fail: Any) -> TextRule:
    _, params = _spec(column, spec, TEXT_OPERATORS, fail)
    entities = params.get("entities")
    if entities is not None:
        if isinstance(entities, str) or not isinstance(entities, list):
            raise fail("redact: entities must be a list", column=column, field="entities",
                       hint=f"e.g. [PERSON, PHONE, CIN]; valid entities: {', '.join(Entity)}")
        entities = tuple(str(e).upper() for e in entities)
        unknown = [e for e in entities if e not in Entity.__members__]
        if unknown:
            raise fail(f"redact: unknown entity {unknown[0]!r}", column=column, field="entities",
                       hint=f"valid entities: {', '.join(Entity)}")
    lang = params.get("lang")
    if lang is not None and lang not in LANGS:
        raise fail(f"redact: unknown lang {lang!r}", column=column, field="lang",
                   hint=f"valid: {', '.join(sorted(LANGS))}")
    return TextRule(column, entities, lang)


def _scalar(value: Any) -> str:
    """One YAML flow value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_scalar(k)}: {_scalar(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def _comment(note: str | None) -> str:
    return f"  # {' '.join(note.split())}" if note else ""


def suggest_policy(findings: Iterable[ColumnFinding]) -> PrivacyPolicy:
    """A policy to start from: each finding's suggested action, its quasi-identifiers and sensitive columns."""
    columns: list[ColumnRule] = []
    texts: list[TextRule] = []
    qis: list[str] = []
    sensitive: list[str] = []
    notes: list[tuple[str, str]] = []
    for f in findings:
        if f.kind == "free_text" and f.action == "redact":
            texts.append(TextRule(f.column))
        elif f.kind == "sensitive":
            sensitive.append(f.column)
        if f.action not in ("none", "keep") and f.kind != "free_text":
            columns.append(ColumnRule(f.column, f.action, tuple(f.params.items())))
        if f.quasi and f.action != "drop":
            qis.append(f.column)
        if f.personal or f.quasi:
            found = ", ".join(f"{e} {n}" for e, n in f.entities.items())
            notes.append((f.column, f"{f.reason}{f' ({found})' if found else ''}; confidence {f.confidence}"))
    return PrivacyPolicy(tuple(columns), tuple(texts), tuple(qis), tuple(sensitive), notes=tuple(notes))


def covers(policy: PrivacyPolicy, findings: Iterable[ColumnFinding]) -> list[str]:
    """The columns with personal data (or sensitive data to review) that the policy does not treat."""
    treated = policy.treated()
    listed = {"quasi_identifier": set(policy.quasi_identifiers), "sensitive": set(policy.sensitive)}
    return [f.column for f in findings
            if f.personal and f.column not in treated and f.column not in listed.get(f.kind, ())]


@dataclass(frozen=True)
class PolicyConfig:
    """The privacy stage's config: the policy and the institute's pseudonymisation key."""

    policy: PrivacyPolicy
    key: bytes = field(repr=False)


def output_schema(policy: PrivacyPolicy, schema: pa.Schema) -> pa.Schema:
    """The schema of batches after `apply_policy`: dropped columns gone, treated columns retyped."""
    missing = [c for c in policy.treated() if c not in schema.names]
    if missing:
        raise InputError(f"the privacy policy names columns the data does not have: {', '.join(missing)}",
                         column=missing[0], hint=f"columns are {schema.names}; fix the policy")
    fields = []
    for f in schema:
        rule = policy.rule(f.name)
        if rule is None or rule.operator == "keep":
            fields.append(f)
        elif rule.operator != "drop":
            fields.append(f.with_type(_output_type(rule, f.type)))
    return pa.schema(fields, metadata=schema.metadata)


def _output_type(rule: ColumnRule | TextRule, dtype: pa.DataType) -> pa.DataType:
    if isinstance(rule, TextRule) or rule.operator != "generalize":
        return pa.string()
    to, value = rule.get("to"), dtype.value_type if pa.types.is_dictionary(dtype) else dtype
    text = pa.types.is_string(value) or pa.types.is_large_string(value)
    ok = {"year": pa.types.is_temporal(value) or text, "month": pa.types.is_temporal(value) or text,
          "band": pa.types.is_integer(value) or pa.types.is_floating(value) or pa.types.is_decimal(value),
          "grid": pa.types.is_integer(value) or pa.types.is_floating(value) or pa.types.is_decimal(value)}[to]
    if not ok:
        raise SchemaError(f"cannot generalize a column of type {dtype} to {to}", column=rule.column,
                          field="to", hint="year/month need a date or ISO text, band and grid a number")
    return pa.float64() if to == "grid" else pa.string()


def apply_policy(config: PolicyConfig, batch: pa.RecordBatch) -> pa.RecordBatch:
    """The batch with the policy applied (row-local, so batch boundaries do not matter)."""
    schema = output_schema(config.policy, batch.schema)
    arrays = []
    for f in schema:
        rule = config.policy.rule(f.name)
        values = batch.column(f.name)
        if rule is not None and rule.operator != "keep":
            try:
                values = _apply_rule(rule, values, config.key)
            except JazariError as exc:
                raise type(exc)(exc.message, hint=exc.hint, **{**exc.context, "column": f.name}) from exc
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        arrays.append(values if values.type == f.type else pc.cast(values, f.type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _apply_rule(rule: ColumnRule | TextRule, values: pa.Array, key: bytes) -> Any:
    if isinstance(rule, TextRule):
        return redact_text(values, None if rule.entities is None else set(rule.entities), rule.lang)
    if rule.operator == "pseudonymize":
        return ops.pseudonymize(values, key)
    if rule.operator == "mask":
        return ops.mask(values, rule.get("keep_last", 4), rule.get("char", "*"))
    if rule.operator == "redact":
        return ops.redact(values, rule.get("entity", "REDACTED"))
    to = rule.get("to")
    if to in ("year", "month"):
        return ops.generalize_date(values, to)
    if to == "grid":
        return ops.generalize_gps(values, values, rule.get("degrees", 0.1))[0]
    if pa.types.is_integer(values.type):
        return ops.generalize_age(values, int(rule.get("width", 10)), rule.get("top"))
    return ops.generalize_number(values, rule.get("width", 10), rule.get("top"))


def treat_cells(config: PolicyConfig, column: str, cells: list[Any], dtype: pa.DataType) -> list[Any] | None:
    """Cells of one column kept outside the published rows (JSON values, e.g. in the quarantine) treated
    as `apply_policy` treats that column: same operator and key, so a value gets the pseudonym it has in
    the published rows. None when the policy drops the column. A cell that is not a `dtype` value (it
    failed to parse) is treated as text, or replaced by `[REDACTED]` when its operator needs the type."""
    rule = config.policy.rule(column)
    if rule is None or rule.operator == "keep":
        return list(cells)
    if rule.operator == "drop":
        return None
    present = [i for i, cell in enumerate(cells) if cell is not None]
    texts = [cells[i] if isinstance(cells[i], str) else json.dumps(cells[i]) for i in present]
    try:
        treated = _treat_texts(rule, texts, dtype, config.key)
    except (pa.ArrowException, JazariError):  # some cell is not a dtype value: one by one
        treated = [_treat_text(rule, text, dtype, config.key) for text in texts]
    out: list[Any] = [None] * len(cells)
    for i, value in zip(present, treated, strict=True):
        out[i] = value
    return out


def _treat_texts(rule: ColumnRule | TextRule, texts: list[str], dtype: pa.DataType, key: bytes) -> list[Any]:
    values = pa.array(texts, pa.string())
    if not (pa.types.is_string(dtype) or pa.types.is_large_string(dtype)):
        values = pc.cast(values, dtype.value_type if pa.types.is_dictionary(dtype) else dtype)
    treated = _apply_rule(rule, values, key)
    return list(treated.to_pylist())


def _treat_text(rule: ColumnRule | TextRule, text: str, dtype: pa.DataType, key: bytes) -> Any:
    try:
        return _treat_texts(rule, [text], dtype, key)[0]
    except (pa.ArrowException, JazariError):
        pass
    if isinstance(rule, TextRule) or rule.operator in ("pseudonymize", "mask", "redact"):
        return _treat_texts(rule, [text], pa.string(), key)[0]
    return ops.tag("REDACTED")


def redact_text(values: pa.Array, entities: set[str] | None = None, lang: str | None = None) -> pa.Array:
    """Free texts with the spans the scanner finds replaced by `[ENTITY]`; each distinct text scanned once."""
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    texts = values if pa.types.is_string(values.type) else pc.cast(values, pa.string())
    encoded = pc.dictionary_encode(texts)
    distinct = encoded.dictionary
    found = default_scanner().scan_many([t or "" for t in distinct.to_pylist()], lang, entities=entities)
    return pc.take(ops.text_redact(distinct, found), encoded.indices)
