"""Infer a Table Schema from a sample: the type that every non-missing sample value fits.

Counts come from two DuckDB queries over the whole sample (RE2 patterns, try_strptime); Python
only decides per column from those counts. Rules, in order, for a raw-text column:

1. all values missing -> `string`;
2. few distinct values, all yes/no words of one language family (oui/non, vrai/faux,
   true/false, yes/no, نعم/لا, any case) -> `boolean` with `trueValues`/`falseValues`
   (1/0 stays `integer`);
3. codes stay text (`string`): any value starting with `+` (phones) or with a leading zero
   followed by a digit (`01`, `0612345678`, `01.511`); all-digit columns whose name says code
   (code, cin, tel, phone, gsm, postal, zip, cp, cnss, ice, rib, iban, matricule, ppr, رمز,
   هاتف...); digit strings of 16 digits or more. Columns named `id` stay integers;
4. numbers: the first layout every value fits, in the order `1234.5`, `1234,5`, `1 234,5`,
   `1.234,5`, `1,234.5`, `1 234.5` (groups of 3 digits; any space counts as a group: space,
   NBSP, narrow NBSP). So `1,5` is 1.5 and an ambiguous `1.234` is 1.234 (only values
   like `1.234.567` or `1.234,5` prove a `.` group). No decimal part anywhere -> `integer`;
   `decimalChar`/`groupChar` are recorded when not the defaults. Four-digit integers in a
   column named year/annee/سنة -> `year`;
5. dates with their format: `%Y-%m-%d`, then day first `%d/%m/%Y` before month first
   `%m/%d/%Y` (Moroccan convention: month first only if some value proves it, e.g. 03/25/2024),
   same for `-` and `.`, `%Y/%m/%d`, two-digit years last; then ISO datetimes, `%d/%m/%Y %H:%M[:%S]`,
   times `HH:MM[:SS]`;
6. anything else (Arabic, Tifinagh, CIN `AB123456`, mixed numbers and text) -> `string`.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from jazari.factory.schema import Field, TableSchema
from jazari.factory.typesql import (
    ISO_DATETIME,
    SPACES,
    is_text,
    sql_string,
    worker_connection,
)

MISSING = ("", "NA", "N/A", "n/a", "-", "null", "NULL")
BOOLEAN_WORDS = (("true", "false"), ("yes", "no"), ("oui", "non"), ("vrai", "faux"), ("نعم", "لا"))
CODE_WORDS = frozenset({"code", "cin", "cni", "tel", "telephone", "phone", "gsm", "mobile", "portable",
                        "fax", "postal", "cp", "zip", "cnss", "ice", "rib", "iban", "matricule", "ppr",
                        "passeport", "passport", "siret"})
CODE_ARABIC = ("رمز", "هاتف", "بطاقة", "الهاتف")
YEAR_WORDS = frozenset({"year", "annee", "an", "exercice", "سنة", "السنة"})
NUMBER_LAYOUTS = ((".", ""), (",", ""), (",", " "), (",", "."), (".", ","), (".", " "))
DATE_LAYOUTS = (
    ("%Y-%m-%d", r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"), ("%d/%m/%Y", r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}"),
    ("%m/%d/%Y", r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}"), ("%d-%m-%Y", r"[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}"),
    ("%m-%d-%Y", r"[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}"), ("%d.%m.%Y", r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}"),
    ("%Y/%m/%d", r"[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}"), ("%d/%m/%y", r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}"),
    ("%m/%d/%y", r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}"),
)
_SPACE_CLASS = "[" + SPACES + "]"
_NUMERIC_CHARS = r"[+-]?[0-9.,][0-9.," + SPACES + r"]*([eE][+-]?[0-9]+)?"
_DATE_CHARS = r"[0-9][0-9/.:TZ +\-]*[/.:\-][0-9/.:TZ +\-]*"
_LOCAL_DATETIME = r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4} [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?"
_TIME = r"[0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"


def number_pattern(decimal: str, group: str) -> str:
    """The RE2 pattern of a number written with this decimal and group character."""
    d = re.escape(decimal)
    if not group:
        tail = r"([eE][+-]?[0-9]+)?" if decimal == "." else ""
        return rf"[+-]?([0-9]+({d}[0-9]+)?|{d}[0-9]+){tail}"
    g = _SPACE_CLASS if group == " " else re.escape(group)
    return rf"[+-]?([0-9]+|[0-9]{{1,3}}({g}[0-9]{{3}})+)({d}[0-9]+)?"


def name_words(name: str) -> set[str]:
    """The words of a column name, lower-case, without accents (`CodePostal` -> code, postal)."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
    plain = "".join(c for c in unicodedata.normalize("NFKD", spaced) if not unicodedata.combining(c))
    return {w for w in re.split(r"[^\w]+|_", plain.casefold()) if w}


def is_code_name(name: str) -> bool:
    """Whether a column's name says it holds codes (kept as text even when all digits)."""
    return bool(name_words(name) & CODE_WORDS) or any(a in name for a in CODE_ARABIC)


def arrow_field_type(t: pa.DataType) -> str:
    """The Table Schema type of an already-typed Arrow column."""
    if pa.types.is_dictionary(t):
        t = t.value_type
    if pa.types.is_integer(t):
        return "integer"
    if pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "number"
    checks = ((pa.types.is_boolean, "boolean"), (pa.types.is_date, "date"),
              (pa.types.is_timestamp, "datetime"), (pa.types.is_time, "time"),
              (lambda x: pa.types.is_list(x) or pa.types.is_large_list(x)
               or pa.types.is_fixed_size_list(x), "array"),
              (lambda x: pa.types.is_struct(x) or pa.types.is_map(x), "object"))
    return next((kind for check, kind in checks if check(t)), "string")


def _value(i: int) -> str:
    return f"__v{i}"


def _first_pass(i: int) -> dict[str, str]:
    v = _value(i)
    return {"n": f"count({v})", "distinct": f"count(DISTINCT {v})",
            "numeric": f"count_if(regexp_full_match({v}, {sql_string(_NUMERIC_CHARS)}))",
            "datelike": f"count_if(regexp_full_match({v}, {sql_string(_DATE_CHARS)}))",
            "code": f"count_if(regexp_full_match({v}, '[+-]?0[0-9].*') OR starts_with({v}, '+'))",
            ",": f"count_if(contains({v}, ','))", ".": f"count_if(contains({v}, '.'))",
            " ": f"count_if(regexp_matches({v}, {sql_string(_SPACE_CLASS)}))",
            "e": f"count_if(regexp_matches({v}, '[eE]'))"}


def _layouts(stats: dict[str, Any]) -> list[tuple[str, str]]:
    """The number layouts whose characters cover every separator seen in the column."""
    seen = {c for c in (",", ".", " ") if stats[c]}
    return [(d, g) for d, g in NUMBER_LAYOUTS if seen <= {d, g} - {""}]


def _number_pass(i: int, name: str, stats: dict[str, Any]) -> dict[str, str]:
    v = _value(i)
    out = {"len": f"max(length({v}))"}
    if name_words(name) & YEAR_WORDS:
        out |= {"low": f"min(TRY_CAST({v} AS BIGINT))", "high": f"max(TRY_CAST({v} AS BIGINT))"}
    for dec, group in _layouts(stats):
        out[f"fits{dec}{group}"] = f"count_if(regexp_full_match({v}, {sql_string(number_pattern(dec, group))}))"
    if stats[" "]:
        out |= {f"space{k}": f"count_if(contains({v}, {sql_string(ch)}))" for k, ch in enumerate(SPACES)}
    return out


def _parses(v: str, shape: str, test: str) -> str:
    return f"count_if(CASE WHEN regexp_full_match({v}, {sql_string(shape)}) THEN {test} IS NOT NULL END)"


def _date_pass(i: int) -> dict[str, str]:
    v = _value(i)
    out = {fmt: _parses(v, shape, f"try_strptime({v}, '{fmt}')") for fmt, shape in DATE_LAYOUTS}
    out["iso"] = _parses(v, ISO_DATETIME, f"TRY_CAST(replace({v}, ',', '.') AS TIMESTAMPTZ)")
    out["local"] = _parses(v, _LOCAL_DATETIME, f"try_strptime({v}, ['%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M'])")
    out["time"] = _parses(v, _TIME, f"TRY_CAST({v} AS TIME)")
    return out


def _query(con: duckdb.DuckDBPyConnection, aggregates: dict[tuple[int, str], str]) -> dict[int, dict[str, Any]]:
    """Run keyed aggregates over the sample values: {column index: {key: value}}."""
    if not aggregates:
        return {}
    rows = con.sql(f"SELECT {', '.join(aggregates.values())} FROM __jazari_sample").fetchall()
    out: dict[int, dict[str, Any]] = {}
    for (i, key), value in zip(aggregates, rows[0]):
        out.setdefault(i, {})[key] = value
    return out


def sample_values(table: pa.Table, text: list[tuple[int, str]], missing: tuple[str, ...]) -> pa.Table:
    """The text columns as `__v{i}`: trimmed of white space, missing values as null."""
    gone_set = pa.array(missing, pa.string())
    out = {}
    for i, _ in text:
        col = table.column(i)
        col = col.cast(pa.string()) if col.type != pa.string() else col
        trimmed = pc.utf8_trim_whitespace(col)
        out[_value(i)] = pc.if_else(pc.is_in(trimmed, value_set=gone_set), pa.scalar(None, pa.string()), trimmed)
    return pa.table(out)


def _boolean(name: str, values: list[str]) -> Field | None:
    seen = {v.casefold() for v in values}
    pairs = [p for p in BOOLEAN_WORDS if seen & set(p)]
    if not seen or not pairs or not seen <= {w for p in pairs for w in p}:
        return None
    trues = _spellings([p[0] for p in pairs], values)
    falses = _spellings([p[1] for p in pairs], values)
    return Field(name=name, type="boolean", true_values=trues, false_values=falses)


def _spellings(words: list[str], seen: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for w in words:
        for s in (w, w.capitalize(), w.upper(), *(x for x in seen if x.casefold() == w)):
            if s not in out:
                out.append(s)
    return tuple(out)


def _decide_number(name: str, r: dict[str, Any], stats: dict[str, Any]) -> Field | None:
    n = stats["n"]
    for dec, group in _layouts(stats):
        if r[f"fits{dec}{group}"] != n:
            continue
        if group == " ":
            group = next((ch for k, ch in enumerate(SPACES) if r[f"space{k}"]), " ")
        fractions = stats[dec] + (stats["e"] if dec == "." else 0)
        if fractions == 0:
            if not group and (is_code_name(name) or r["len"] >= 16):
                return None
            low, high = r.get("low"), r.get("high")
            if low is not None and high is not None and 1000 <= low and high <= 2999 and r["len"] == 4:
                return Field(name=name, type="year")
            return Field(name=name, type="integer", group_char=group or None)
        return Field(name=name, type="number", decimal_char=None if dec == "." else dec,
                     group_char=group or None)
    return None


def _decide_date(name: str, r: dict[str, Any], n: int) -> Field | None:
    for fmt, _ in DATE_LAYOUTS:
        if r[fmt] == n:
            return Field(name=name, type="date", format=fmt)
    if r["iso"] == n:
        return Field(name=name, type="datetime")
    if r["local"] == n:
        return Field(name=name, type="datetime", format="any")
    if r["time"] == n:
        return Field(name=name, type="time")
    return None


def infer_schema(table: pa.Table, *, missing_values: tuple[str, ...] = MISSING) -> TableSchema:
    """The Table Schema every non-missing value of the sample fits (see the module rules)."""
    missing = tuple(missing_values)
    fields: dict[int, Field] = {}
    text: list[tuple[int, str]] = []
    for i, fld in enumerate(table.schema):
        if is_text(fld.type) or pa.types.is_null(fld.type):
            text.append((i, fld.name))
        else:
            fields[i] = Field(name=fld.name, type=arrow_field_type(fld.type))
    if text:
        con = worker_connection()
        con.register("__jazari_sample", sample_values(table, text, missing))
        try:
            _decide(con, text, fields)
        finally:
            con.unregister("__jazari_sample")
    return TableSchema(fields=tuple(fields[i] for i in range(table.num_columns)),
                       missing_values=missing)


def _decide(con: duckdb.DuckDBPyConnection, text: list[tuple[int, str]], fields: dict[int, Field]) -> None:
    stats = _query(con, {(i, k): sql for i, _ in text for k, sql in _first_pass(i).items()})
    aggs: dict[tuple[int, str], str] = {}
    for i, name in text:
        st = stats[i]
        if 0 < st["distinct"] <= 12:
            aggs[(i, "values")] = f"list(DISTINCT {_value(i)})"
        if st["n"] and st["numeric"] == st["n"] and not st["code"]:
            aggs |= {(i, k): sql for k, sql in _number_pass(i, name, st).items()}
        if st["n"] and st["datelike"] == st["n"]:
            aggs |= {(i, k): sql for k, sql in _date_pass(i).items()}
    second = _query(con, aggs)
    for i, name in text:
        r, found = second.get(i, {}), None
        if "values" in r:
            found = _boolean(name, [v for v in r["values"] if v is not None])
        if found is None and "len" in r:
            found = _decide_number(name, r, stats[i])
        if found is None and "iso" in r:
            found = _decide_date(name, r, stats[i]["n"])
        fields[i] = found or Field(name=name, type="string")
