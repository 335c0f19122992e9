"""Find the columns of a table that hold personal data, from their names (fr/ar/en) and values.

`ColumnScan` is a mergeable state (`update(batch)`, `merge`, `finalize`). Short-value columns are
judged on a bounded sample (the first `SAMPLE` non-blank values, distinct ones scanned once);
free-text columns (decided on their first `DECIDE_AT` values) are scanned in full.
"""

from __future__ import annotations

import itertools
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from jazari.errors import InputError
from jazari.privacy.findings import SENSITIVE, Finding
from jazari.privacy.recognizers.places import LAT_RANGE, LON_RANGE
from jazari.privacy.scanner import default_scanner

SAMPLE = 5000
DECIDE_AT = 200
SEEN = 50_000  # distinct texts per column whose findings are remembered across batches
PERSONAL = 0.5  # confidence from which a column is said to hold personal data
GENERIC_SHARE = 0.2  # share of values from which they back a generic column name (`nom` is PERSON)
VALUE_SURE = 0.6  # a recognizer score from which a whole value is taken as sure evidence
WEAK = 0.15  # sampled values also count weak matches (a bare 9-digit CNSS), which a name hint confirms
TEXT = 0.5  # findings counted in free text, as the text scanner reports them by default
KINDS = ("identifier", "free_text", "quasi_identifier", "sensitive", "none")
PSEUDONYMIZED = frozenset({"CIN", "CNSS", "PHONE", "EMAIL", "RIB", "IBAN", "ICE", "PASSPORT", "MASSAR",
                           "PERSON", "PLATE", "IP"})

# target strength phrases, normalised like column names (no accents, no Arabic article `ال`); the
# generic targets (PERSON ... QI) lose to any specific hint in the same name (`adresse_email` is EMAIL)
_HINTS = """
CIN 0.9 cin|cnie|cni|carte nationale|carte identite|national id|identity card|بطاقة وطنية|بطاقة تعريف|رقم بطاقة
PHONE 0.85 tel|telephone|phone|gsm|mobile|portable|whatsapp|fax|هاتف|جوال|محمول
EMAIL 0.9 email|e mail|mail|courriel|بريد|بريد الكتروني|ايميل
RIB 0.9 rib|releve identite bancaire|compte bancaire|numero compte|bank account|حساب بنكي|رقم حساب
IBAN 0.95 iban
ICE 0.8 ice|identifiant commun entreprise|identifiant commun de l entreprise|تعريف موحد
CNSS 0.9 cnss|affiliation cnss|immatriculation cnss|ضمان اجتماعي
MASSAR 0.9 massar|code massar|مسار|رمز مسار
PASSPORT 0.9 passeport|passport|جواز|جواز سفر
IP 0.8 ip|adresse ip|ip address|ipv4|ipv6
DOB 0.9 naissance|date naissance|birth|dob|birthdate|birthday|date of birth|ddn|ne le|ازدياد|ميلاد
HEALTH 0.8 diagnostic|diagnosis|maladie|pathologie|handicap|sante|medical|antecedents|تشخيص|مرض|حالة صحية
RELIGION 0.8 religion|confession|دين|ديانة
ORIGIN 0.8 ethnie|ethnicity|race|origine ethnique|عرق
POLITICAL 0.8 parti politique|affiliation politique|political party|حزب|انتماء سياسي
UNION 0.8 syndicat|affiliation syndicale|trade union|نقابة
LAT 0.8 lat|latitude|خط عرض
LON 0.8 lon|lng|long|longitude|خط طول
AGE 0.8 age|ages|عمر|سن
PERSON 0.8 nom|prenom|name|firstname|lastname|surname|fullname|nom complet|اسم|نسب|اسم عائلي|اسم شخصي
ADDRESS 0.75 adresse|address|addr|domicile|lieu residence|عنوان|سكن|محل سكنى
PLATE 0.7 immatriculation|plaque|plate|license plate|matricule vehicule|لوحة
CARD 0.6 carte|carte bancaire|numero carte|card|card number|credit card|بطاقة بنكية
QI 0.6 sexe|sex|genre|gender|commune|ville|city|province|region|code postal|postal code|zip|zipcode
QI 0.6 profession|metier|occupation|nationalite|nationality|etat civil|situation familiale|marital status
QI 0.6 lieu naissance|جنس|جماعة|مدينة|اقليم|جهة|مهنة|جنسية|حالة عائلية
"""
_GENERIC = frozenset({"PERSON", "ADDRESS", "PLATE", "CARD", "QI"})
_NOT_PEOPLE_WORDS = """produit product article item fichier file commune ville city region province pays
country entreprise societe company etablissement ecole school hopital agence banque bank service projet
project marque brand variable colonne column champ field dataset rue street quartier douar centre center
siege منتج شركة مؤسسة جماعة مدينة جهة اقليم مدرسة مستشفى"""
_NOT_PEOPLE = frozenset(_NOT_PEOPLE_WORDS.split())
_NEGATIVE = {
    "PERSON": _NOT_PEOPLE,
    "ADDRESS": _NOT_PEOPLE - {"rue", "street", "quartier", "douar"},
    "DOB": frozenset(["lieu", "place", "ville", "city", "pays", "country", "wilaya", "مكان"]),
    "HEALTH": frozenset(["centre", "center", "etablissement", "structure", "hopital", "formation", "مركز"]),
}
# a statistic about a group (`age_0_4`, `mean_age_at_marriage`, `taux_naissances`) is not a person's attribute
_AGGREGATE = frozenset("""mean moyen moyenne median mediane avg average taux rate pct percent pourcentage share
ratio nombre nb count total effectif effectifs sum somme plus tranche groupe group متوسط نسبة عدد مجموع""".split())
_ISO_DATE = re.compile(r"\s*\d{4}-\d{2}-\d{2}")


def _tokens(name: str) -> tuple[str, ...]:
    """A column name as lower-case tokens without accents, tatweel or the Arabic article."""
    text = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])", " ", name)
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c) and c != "\u0640")
    return tuple(t[2:] if t.startswith("ال") and len(t) > 3 else t for t in re.split(r"[\W_]+", text) if t)


_PHRASES = tuple((target, float(strength), _tokens(p)) for line in _HINTS.strip().splitlines()
                 for target, strength, phrases in [line.split(" ", 2)] for p in phrases.split("|"))


@dataclass(frozen=True)
class NameHint:
    """What a column's name suggests: an entity or a role (`AGE`, `LAT`, `LON`, `QI`)."""

    target: str
    strength: float
    phrase: str


def name_hint(name: str) -> NameHint | None:
    """The personal-data hint of a column name in French, Arabic or English, if any."""
    tokens = _tokens(name)
    compact = "".join(tokens)
    best: tuple[Any, ...] | None = None
    for target, strength, phrase in _PHRASES:
        n = len(phrase)
        joined = "".join(phrase)
        found = any(tokens[i:i + n] == phrase for i in range(len(tokens) - n + 1))
        if not found and len(joined) >= 5 and joined.isascii() and joined in compact:
            found = True
        if not found or _NEGATIVE.get(target, frozenset()).intersection(tokens):
            continue
        if target in ("AGE", "QI", "DOB") and (_AGGREGATE.intersection(tokens) or (
                target == "AGE" and sum(t.isdigit() for t in tokens) >= 2)):  # a band: age_0_4, not age_2024
            continue
        rank = (target not in _GENERIC, len(joined), strength)
        if best is None or rank > best[0]:
            best = (rank, NameHint(target, strength, " ".join(phrase)))
    return None if best is None else best[1]


@dataclass(frozen=True)
class ColumnFinding:
    """What one column holds and what to do with it (`action` is an operator name of a policy)."""

    column: str
    kind: str
    entities: dict[str, int]
    share: float
    confidence: float
    action: str = "none"
    params: dict[str, Any] = field(default_factory=dict)
    quasi: bool = False
    reason: str = ""
    values: int = 0
    scanned: int = 0

    @property
    def personal(self) -> bool:
        """Whether the column holds personal data that a policy must treat (or, if sensitive, review)."""
        return self.kind == "sensitive" or (self.kind != "none" and self.action != "none")

    @property
    def sensitive(self) -> list[str]:
        """The law 09-08 sensitive categories seen in the column (flags for review)."""
        return sorted(e for e in self.entities if e in SENSITIVE)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a column finding."""
        return {"column": self.column, "kind": self.kind, "entities": dict(self.entities),
                "share": self.share, "confidence": self.confidence,
                "action": {"operator": self.action, **self.params}, "quasi_identifier": self.quasi,
                "sensitive": self.sensitive, "reason": self.reason, "values": self.values,
                "scanned": self.scanned}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ColumnFinding:
        """A finding back from its JSON shape."""
        params = dict(data.get("action") or {})
        action = params.pop("operator", "none")
        return cls(data["column"], data["kind"], dict(data.get("entities") or {}), data.get("share", 0.0),
                   data.get("confidence", 0.0), action, params, bool(data.get("quasi_identifier")),
                   data.get("reason", ""), data.get("values", 0), data.get("scanned", 0))


def _category(dtype: pa.DataType) -> str:
    if pa.types.is_dictionary(dtype):
        dtype = dtype.value_type
    if pa.types.is_string(dtype) or pa.types.is_large_string(dtype) or str(dtype) == "string_view":
        return "string"
    if pa.types.is_integer(dtype):
        return "integer"
    if pa.types.is_floating(dtype):
        return "float"
    return "temporal" if pa.types.is_temporal(dtype) else "other"


class _Column:
    """The running state of one column."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.hint = name_hint(name)
        self.category, self.partial = "", False
        self.values = self.nulls = self.looked = self.sampled = self.iso = self.scanned = self.with_any = 0
        self.numbers = self.in_lat = self.in_lon = 0
        # sample: whole values matching an entity (count, sum of scores); full text: findings, values
        self.whole, self.whole_score, self.found, self.rows = (Counter[str]() for _ in range(4))
        self.lengths, self.words = list[int](), list[int]()
        self.pending: list[tuple[list[Finding], int]] = []  # scanned while undecided, for free-text counts
        self.free_text: bool | None = None
        self.seen: dict[tuple[str, bool], list[Finding]] = {}  # texts already scanned (bounded)
        self.low: float | None = None
        self.high: float | None = None

    def update(self, values: pa.Array) -> None:
        if not self.category:
            self.category = _category(values.type)
            if self.category != "string":
                self.free_text = False
        nulls = values.null_count
        self.values += len(values) - nulls
        self.nulls += nulls
        if nulls == len(values):
            return
        if self.category in ("integer", "float"):
            self._numbers(values)
        if self.category in ("string", "integer"):
            present = pc.drop_null(values)
            if pa.types.is_dictionary(present.type):
                present = present.dictionary_decode()
            self._texts(present)

    def _numbers(self, values: pa.Array) -> None:
        numbers = pc.cast(pc.drop_null(values), pa.float64())
        bounds = pc.min_max(numbers).as_py()
        self.low = bounds["min"] if self.low is None else min(self.low, bounds["min"])
        self.high = bounds["max"] if self.high is None else max(self.high, bounds["max"])
        self.numbers += len(numbers)
        if self.hint is not None and self.hint.target in ("LAT", "LON"):
            for (lo, hi), attr in ((LAT_RANGE, "in_lat"), (LON_RANGE, "in_lon")):
                inside = pc.sum(pc.and_(pc.greater_equal(numbers, lo), pc.less_equal(numbers, hi))).as_py()
                setattr(self, attr, getattr(self, attr) + (inside or 0))

    def _texts(self, present: pa.Array) -> None:
        while len(present):
            if self.free_text is True:
                self._scan(present, count=True)
                return
            if self.free_text is False:
                if self.sampled < SAMPLE:
                    self._scan(present.slice(0, SAMPLE - self.sampled), count=False)
                return
            take = DECIDE_AT - self.looked
            self.looked += min(take, len(present))
            self.pending.extend(self._scan(present.slice(0, take), count=False))
            if self.looked >= DECIDE_AT:
                self._decide()
            present = present.slice(take)

    def _scan(self, values: pa.Array, *, count: bool) -> list[tuple[list[Finding], int]]:
        """Scan each distinct value once; feed the sample (and with `count`, the full-text counts)."""
        counted = pc.value_counts(values)
        texts = [v if isinstance(v, str) else str(v) for v in counted.field("values").to_pylist()]
        counts = counted.field("counts").to_pylist()
        kept = [(t, c) for t, c in zip(texts, counts, strict=True) if t.strip()]
        todo = [t for t, _ in kept if (t, count) not in self.seen]
        fresh = default_scanner().scan_many(todo, min_score=TEXT if count else WEAK)
        for text, findings in zip(todo, fresh, strict=True):
            if len(self.seen) < SEEN:  # values repeated across batches ("RAS") are scanned once
                self.seen[(text, count)] = findings
        new = dict(zip(todo, fresh, strict=True))
        found = [new[t] if t in new else self.seen[(t, count)] for t, _ in kept]
        pairs = [(f, c) for f, (_, c) in zip(found, kept, strict=True)]
        room = SAMPLE - self.sampled
        for (text, n), findings in zip(kept, found, strict=True):
            if room <= 0:
                break
            n = min(n, room)
            room -= n
            self._sample(text, findings, n)
        if count:
            self._count(pairs)
        return pairs

    def _sample(self, text: str, findings: list[Finding], n: int) -> None:
        stripped = text.strip()
        self.sampled += n
        self.lengths.extend([len(stripped)] * n)
        self.words.extend([len(stripped.split())] * n)
        if _ISO_DATE.match(text):
            self.iso += n
        if not findings:
            return
        cover = Counter[str]()
        for f in findings:
            cover[f.entity] += f.end - f.start
        entity, covered = cover.most_common(1)[0]
        if covered >= 0.8 * len(stripped):
            self.whole[entity] += n
            self.whole_score[entity] += max(f.score for f in findings if f.entity == entity) * n

    def _count(self, pairs: Iterable[tuple[list[Finding], int]]) -> None:
        for found, n in pairs:
            findings = [f for f in found if f.score >= TEXT]
            self.scanned += n
            if findings:
                self.with_any += n
            for f in findings:
                self.found[f.entity] += n
            for entity in {f.entity for f in findings}:
                self.rows[entity] += n

    def _decide(self) -> None:
        words = statistics.median(self.words) if self.words else 0
        length = statistics.median(self.lengths) if self.lengths else 0
        whole = self.whole.most_common(1)[0][1] / self.sampled if self.whole else 0.0
        self.free_text = (words > 3 or (length > 30 and words >= 2)) and whole < 0.5
        if self.free_text:
            self._count(self.pending)
        self.pending = []

    def merge(self, other: _Column) -> None:
        self.category = self.category or other.category
        for attr in ("values", "nulls", "looked", "sampled", "iso", "scanned", "with_any", "numbers", "in_lat", "in_lon"):
            setattr(self, attr, getattr(self, attr) + getattr(other, attr))
        for attr in ("whole", "whole_score", "found", "rows"):
            getattr(self, attr).update(getattr(other, attr))
        self.lengths = (self.lengths + other.lengths)[:SAMPLE]
        self.words = (self.words + other.words)[:SAMPLE]
        if other.low is not None and other.high is not None:
            self.low = other.low if self.low is None else min(self.low, other.low)
            self.high = other.high if self.high is None else max(self.high, other.high)
        self.partial = self.partial or other.partial
        mine, theirs = self.free_text, other.free_text
        if mine is None and theirs is None:
            self.pending += other.pending
            if self.looked >= DECIDE_AT:
                self._decide()
        elif mine is None:
            self.free_text = theirs
            if theirs:
                self._count(self.pending)
            self.pending = []
        elif theirs is None:
            if mine:
                self._count(other.pending)
        elif mine != theirs:
            self.free_text, self.partial = True, True  # one side only sampled its values

    def finish(self, gps: bool) -> ColumnFinding:
        if self.free_text is None:
            self._decide()
        base: dict[str, Any] = {"column": self.name, "values": self.values}
        target, strength, phrase = (self.hint.target, self.hint.strength, self.hint.phrase) if self.hint \
            else ("", 0.0, "")
        if target in SENSITIVE:
            return ColumnFinding(kind="sensitive", entities=dict(self.whole), share=self._share(target),
                                 confidence=strength, reason=f"name suggests {target} ({phrase!r}): review",
                                 **base)
        if gps:
            inside = self.in_lat if target == "LAT" else self.in_lon
            share = round(inside / self.numbers, 3) if self.numbers else 0.0
            return ColumnFinding(kind="quasi_identifier", entities={"GPS": inside}, share=share,
                                 confidence=_combine(strength, share), action="generalize",
                                 params={"to": "grid", "degrees": 0.1}, quasi=True,
                                 reason="coordinates inside Morocco, paired by name", **base)
        numeric = self.category in ("integer", "float") and self.low is not None and self.high is not None
        if target == "AGE" and numeric and self.low >= 0 and self.high <= 130:  # type: ignore[operator]
            return ColumnFinding(kind="quasi_identifier", entities={}, share=1.0, confidence=strength,
                                 action="generalize", params={"to": "band", "width": 10}, quasi=True,
                                 reason=f"an age ({self.low:g}-{self.high:g})", **base)
        if target == "DOB" and self.category == "integer":
            return ColumnFinding(kind="quasi_identifier", entities={}, share=1.0, confidence=strength, quasi=True,
                                 reason=f"a year of birth ({phrase!r}): a quasi-identifier", **base)
        if target == "DOB" and self.category == "temporal":
            return ColumnFinding(kind="quasi_identifier", entities={"DOB": self.values}, share=1.0,
                                 confidence=strength, action="generalize", params={"to": "year"},
                                 quasi=True, reason=f"a date named {phrase!r}", **base)
        if self.free_text:
            return self._free_text(base)
        return self._identifier(base, target in ("QI", "AGE"))

    def _share(self, entity: str) -> float:
        return round(self.whole[entity] / self.sampled, 3) if self.sampled else 0.0

    def _free_text(self, base: dict[str, Any]) -> ColumnFinding:
        top = max(self.rows, key=lambda e: (self.rows[e], e)) if self.rows else ""
        share = round(self.rows[top] / self.scanned, 3) if top and self.scanned else 0.0
        part = " (partly: some batches were only sampled)" if self.partial else ""
        if not top:
            return ColumnFinding(kind="free_text", entities={}, share=0.0, confidence=0.0, scanned=self.scanned,
                                 reason=f"free text, nothing found in {self.scanned} values{part}", **base)
        confidence = round(0.5 + 0.5 * min(1.0, 5 * self.with_any / self.scanned), 3)
        return ColumnFinding(kind="free_text", entities=dict(self.found.most_common()), share=share,
                             confidence=confidence, action="redact", scanned=self.scanned,
                             reason=f"free text: personal data in {self.with_any} of {self.scanned} values{part}",
                             **base)

    def _identifier(self, base: dict[str, Any], quasi: bool) -> ColumnFinding:
        hint = self.hint if self.hint and self.hint.target not in ("QI", "AGE", "LAT", "LON") else None
        scores: dict[str, float] = {}
        for entity, n in self.whole.items():
            share, mean = n / self.sampled, self.whole_score[entity] / n
            agrees = hint is not None and hint.target == entity
            value = share * min(1.0, (mean + 0.4 if agrees else mean) / VALUE_SURE)
            if agrees:
                assert hint is not None
                # a generic name ("nom") backed by a few values only is weak evidence: the provinces'
                # `name_fr` has `Driouch` and `Chtouka-Aït Baha` among 75 place names
                strength = hint.strength * (0.3 if hint.target in _GENERIC and share < GENERIC_SHARE else 1.0)
                scores[entity] = _combine(strength, value)
            else:
                scores[entity] = round(value, 3)
        if hint is not None and hint.target not in scores:
            # a generic name ("nom", "adresse") whose sampled values show none of it is weak evidence:
            # `nom_fr` of a communes table holds place names, not people
            factor = 1.0 if not self.sampled else 0.3 if hint.target in _GENERIC else 0.7
            scores[hint.target] = hint.strength * factor
        top = max(scores, key=lambda e: (scores[e], e)) if scores else ""
        confidence = round(scores.get(top, 0.0), 3)
        entities = dict(self.whole.most_common())
        share = self._share(top) if top else 0.0
        if not top or confidence < PERSONAL:
            reason = "no personal data recognised"
            if quasi and self.hint is not None:
                reason = f"a quasi-identifier by its name ({self.hint.phrase!r}); {reason}"
            return ColumnFinding(kind="none", entities=entities, share=share, confidence=confidence, quasi=quasi,
                                 scanned=self.sampled, reason=reason, **base)
        how = f"name {hint.phrase!r}, " if hint is not None and hint.target == top else ""
        reason = f"{how}{share:.0%} of {self.sampled} sampled values are {top}"
        kind, action, params = "identifier", "pseudonymize", {}
        if top in SENSITIVE:
            kind, action = "sensitive", "none"
        elif top in ("DOB", "GPS"):
            kind, quasi = "quasi_identifier", True
            iso = top == "DOB" and self.iso >= 0.9 * self.sampled
            action, params = ("generalize", {"to": "year"}) if iso else ("redact", {"entity": top})
        elif top == "CARD":
            action = "drop"
        elif top not in PSEUDONYMIZED:
            action, params = "redact", {"entity": top}
        return ColumnFinding(kind=kind, entities=entities, share=share, confidence=confidence, action=action,
                             params=params, quasi=quasi, reason=reason, scanned=self.sampled, **base)


def _combine(hint: float, value: float) -> float:
    """Two independent pieces of evidence: 1 - (1 - hint)(1 - value)."""
    return round(min(1.0, 1 - (1 - hint) * (1 - value)), 3)


class ColumnScan:
    """Mergeable state that classifies columns: `update(batch)`, `merge(other)`, `finalize()`."""

    def __init__(self, column_names: Sequence[str]) -> None:
        self.column_names = list(column_names)
        self._columns = {name: _Column(name) for name in self.column_names}

    def update(self, batch: pa.RecordBatch) -> ColumnScan:
        """Account for one batch (every scanned column must be in it)."""
        missing = [n for n in self.column_names if n not in batch.schema.names]
        if missing:
            raise InputError(f"the batch has no column {', '.join(map(repr, missing))}",
                             column=missing[0], hint=f"columns are {batch.schema.names}")
        for name, state in self._columns.items():
            state.update(batch.column(name))
        return self

    def merge(self, other: ColumnScan) -> ColumnScan:
        """Fold another partial scan of the same columns into this one."""
        if other.column_names != self.column_names:
            raise InputError("cannot merge column scans of different columns",
                             hint=f"{self.column_names} vs {other.column_names}")
        for name, state in self._columns.items():
            state.merge(other._columns[name])
        return self

    def finalize(self) -> list[ColumnFinding]:
        """One finding per column, in column order."""
        gps = _gps_pairs(self._columns.values())
        return [state.finish(name in gps) for name, state in self._columns.items()]


def _gps_pairs(columns: Iterable[_Column]) -> set[str]:
    """Latitude and longitude columns inside Morocco, paired by the rest of their names."""
    coords: dict[str, dict[str, str]] = {"LAT": {}, "LON": {}}
    for c in columns:
        target = c.hint.target if c.hint else ""
        inside = c.in_lat if target == "LAT" else c.in_lon
        if target in coords and c.numbers and inside >= 0.9 * c.numbers:
            rest = " ".join(t for t in _tokens(c.name) if t != c.hint.phrase)  # type: ignore[union-attr]
            coords[target][rest] = c.name
    lat, lon = coords["LAT"], coords["LON"]
    if len(lat) == 1 and len(lon) == 1:
        return {*lat.values(), *lon.values()}
    return {name for rest in lat.keys() & lon.keys() for name in (lat[rest], lon[rest])}


def scan_table(table_or_batches: pa.Table | pa.RecordBatch | Iterable[pa.RecordBatch], *,
               column_names: Sequence[str] | None = None) -> list[ColumnFinding]:
    """Classify the columns of a table, a batch or a stream of batches."""
    source = table_or_batches
    if isinstance(source, (pa.Table, pa.RecordBatch)):
        names = column_names or source.schema.names
        batches: Iterable[pa.RecordBatch] = source.to_batches() if isinstance(source, pa.Table) else [source]
    else:
        rest = iter(source)
        first = next(rest, None)
        if first is None:
            return ColumnScan(column_names or []).finalize()
        names, batches = column_names or first.schema.names, itertools.chain([first], rest)
    scan = ColumnScan(names)
    for batch in batches:
        scan.update(batch)
    return scan.finalize()


__all__ = ["KINDS", "ColumnFinding", "ColumnScan", "NameHint", "name_hint", "scan_table"]
