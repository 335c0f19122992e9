"""What a campaign asks and of whom: the settings a steward gives (`CampaignSpec`), checked field by
field, and the answers each type accepts, checked and put in one canonical form (so that equal
answers compare equal, and a gold answer can be scored); and the checks of what people send
(`plain_text`, `within_hourly_limit`)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jazari.collective.models import CAMPAIGN_TYPES, CONTRIBUTORS
from jazari.errors import InputError, RateLimited

LANGS = ("fr", "ar", "en")
TRANSLATION_LANGS = ("fr", "ar", "en", "ary", "ary-Latn", "ary-Arab", "zgh", "es")  # ary: Darija
VALIDATE_LABELS = ("accept", "reject")
MAX_LABELS = 50
MAX_FIELDS = 20
MAX_TEXT = 4000
MAX_SPANS = 200
MAX_EXAMPLES = 20
KEYS = "123456789"
_SPACES = re.compile(r"\s+")

SPEC_FIELDS = (
    "title", "type", "dataset", "version", "fields", "key_field", "text_field", "source_field", "proposed_field",
    "media_field", "gold_field", "source_lang", "target_lang", "labels", "instructions", "examples", "contributors",
    "min_overlap", "max_overlap", "confidence", "gold_rate", "gold_min_answers", "gold_min_accuracy", "gold",
    "source_campaign", "max_items",
)

MEDIA_FIELDS = ("sha256", "path")  # the columns of a file dataset that name its images


@dataclass
class CampaignSpec:
    """A campaign's settings, checked. See docs/collective.md for each one."""

    title: str
    type: str
    dataset: str
    version: int | None = None
    fields: list[str] = field(default_factory=list)
    key_field: str | None = None
    text_field: str | None = None  # spans: the text to mark
    source_field: str | None = None  # translate: the text to translate
    proposed_field: str | None = None  # validate: the value to accept or reject
    media_field: str | None = None  # sha256 or path: the image of each row of a file dataset
    gold_field: str | None = None  # refused: contributors read the dataset, so a column of truths would leak
    source_lang: str | None = None
    target_lang: str | None = None
    labels: list[dict[str, Any]] = field(default_factory=list)
    instructions: dict[str, str] = field(default_factory=dict)
    examples: list[dict[str, Any]] = field(default_factory=list)
    contributors: str = "institute"
    min_overlap: int = 2
    max_overlap: int = 4
    confidence: float = 0.85
    gold_rate: float = 0.1
    gold_min_answers: int = 3
    gold_min_accuracy: float = 0.6
    gold: dict[str, Any] = field(default_factory=dict)  # item key -> truth
    source_campaign: int | None = None  # validate: the translations of this campaign
    max_items: int = 100_000

    @classmethod
    def from_dict(cls, data: Any) -> CampaignSpec:
        """Check a mapping (a JSON body, a YAML file); the first wrong field is named."""
        if not isinstance(data, dict):
            raise InputError("a campaign is an object with " + ", ".join(SPEC_FIELDS[:6]) + ", ...", field="campaign")
        unknown = sorted(set(data) - set(SPEC_FIELDS))
        if unknown:
            raise InputError(f"unknown campaign setting {unknown[0]!r}", hint="known: " + ", ".join(SPEC_FIELDS),
                             field=unknown[0])
        spec = cls(
            title=plain_text(data.get("title"), "title", 300, required=True) or "",
            type=_choice(data.get("type"), "type", CAMPAIGN_TYPES),
            dataset=plain_text(data.get("dataset"), "dataset", 200, required=data.get("source_campaign") is None) or "",
            version=_int(data.get("version"), "version", 1, 2**31 - 1, None),
            contributors=_choice(data.get("contributors", "institute"), "contributors", CONTRIBUTORS),
            min_overlap=_int(data.get("min_overlap"), "min_overlap", 1, 50, 2),
            max_overlap=_int(data.get("max_overlap"), "max_overlap", 1, 50, 4),
            confidence=_float(data.get("confidence"), "confidence", 0.5, 0.999, 0.85),
            gold_rate=_float(data.get("gold_rate"), "gold_rate", 0.0, 0.5, 0.1),
            gold_min_answers=_int(data.get("gold_min_answers"), "gold_min_answers", 1, 1000, 3),
            gold_min_accuracy=_float(data.get("gold_min_accuracy"), "gold_min_accuracy", 0.0, 1.0, 0.6),
            source_campaign=_int(data.get("source_campaign"), "source_campaign", 1, 2**31 - 1, None),
            max_items=_int(data.get("max_items"), "max_items", 1, 1_000_000, 100_000),
        )
        if spec.max_overlap < spec.min_overlap:
            raise InputError(f"max_overlap ({spec.max_overlap}) is below min_overlap ({spec.min_overlap})",
                             field="max_overlap")
        for name in ("key_field", "text_field", "source_field", "proposed_field", "media_field", "gold_field"):
            setattr(spec, name, plain_text(data.get(name), name, 200, required=False))
        if spec.gold_field:
            raise InputError("gold_field: the campaign's contributors can read the dataset, so a column of control "
                             "answers in it would give them the answers", field="gold_field",
                             hint="give the control answers in `gold` (item key -> the right answer), kept out of "
                             "the data")
        if spec.media_field not in (None, *MEDIA_FIELDS):
            raise InputError(f"media_field names the image of a file dataset: {' or '.join(MEDIA_FIELDS)}, "
                             f"not {spec.media_field!r}", field="media_field",
                             hint="`jazari ingest photos.zip --dataset inst/name` makes a file dataset")
        spec.fields = _names(data.get("fields", []), "fields")
        spec.instructions = _instructions(data.get("instructions"))
        spec.examples = _examples(data.get("examples", []))
        spec.gold = _gold(data.get("gold", {}))
        spec.labels = _labels(data.get("labels", []), spec.type)
        if spec.type == "translate":
            spec.source_lang = _choice(data.get("source_lang"), "source_lang", TRANSLATION_LANGS)
            spec.target_lang = _choice(data.get("target_lang"), "target_lang", TRANSLATION_LANGS)
            if spec.source_lang == spec.target_lang:
                raise InputError("source_lang and target_lang are the same", field="target_lang")
        needed = {"spans": "text_field", "translate": "source_field"}.get(spec.type)
        if spec.type == "validate" and spec.source_campaign is None:
            needed = "proposed_field"
        if needed and not getattr(spec, needed):
            raise InputError(f"a {spec.type} campaign needs {needed}", field=needed)
        return spec

    def shown(self) -> list[str]:
        """The columns a contributor sees (the fields, and the text, source, proposal and image)."""
        extra = [self.text_field, self.source_field, self.proposed_field, self.media_field]
        if self.media_field:  # the image is found by its hash and described by its name
            extra += list(MEDIA_FIELDS)
        return list(dict.fromkeys([*self.fields, *(c for c in extra if c)]))

    def config(self) -> dict[str, Any]:
        """What the campaign row keeps besides its columns."""
        return {
            "fields": self.fields, "key_field": self.key_field, "text_field": self.text_field,
            "source_field": self.source_field, "proposed_field": self.proposed_field,
            "media_field": self.media_field, "gold_field": self.gold_field, "source_lang": self.source_lang,
            "target_lang": self.target_lang, "labels": self.labels, "instructions": self.instructions,
            "examples": self.examples,
        }


def within_hourly_limit(session: Session, who: Any, when: Any, name: str, limit: int, what: str,
                        now: datetime) -> None:
    """Refuse one more of `what` (comments, reports) to `name` once the rows where column `who` is them
    and column `when` is within the last hour reach `limit`."""
    recent = session.scalar(select(func.count()).where(who == name, when > now - timedelta(hours=1))) or 0
    if recent >= limit:
        raise RateLimited(f"{recent} {what} in the last hour: the limit is {limit}", hint="try again later")


def plain_text(value: Any, name: str, limit: int, *, required: bool) -> str | None:
    """Text a person gave, stripped, at most `limit` characters and without NUL (which PostgreSQL's
    text refuses); None when empty and not `required`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InputError(f"{name} is required", field=name)
        return None
    if not isinstance(value, str):
        raise InputError(f"{name} must be text, not {type(value).__name__}", field=name)
    value = value.strip()
    if len(value) > limit:
        raise InputError(f"{name} has {len(value)} characters; at most {limit}", field=name)
    if "\x00" in value:
        raise InputError(f"{name} holds a NUL character", field=name)
    try:  # a lone surrogate (JSON "\\ud800") is not UTF-8: no database stores it
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(f"{name} holds a character that is not valid Unicode (at {exc.start})",
                         field=name) from None
    return value


def _choice(value: Any, name: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise InputError(f"{name} must be one of {', '.join(allowed)}, not {value!r}", field=name)
    return str(value)


def _int(value: Any, name: str, low: int, high: int, default: int | None) -> Any:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(f"{name} must be a whole number from {low} to {high}, not {value!r}", field=name)
    return value


def _float(value: Any, name: str, low: float, high: float, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise InputError(f"{name} must be a number from {low} to {high}, not {value!r}", field=name)
    return float(value)


def _names(value: Any, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InputError(f"{name} must be a list of column names", field=name)
    if len(value) > MAX_FIELDS:
        raise InputError(f"{name} has {len(value)} columns; at most {MAX_FIELDS}", field=name)
    return list(dict.fromkeys(v.strip() for v in value))


def _instructions(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not value:
        raise InputError("instructions must give the task in at least one of fr, ar, en",
                         hint='e.g. {"fr": "...", "ar": "...", "en": "..."}', field="instructions")
    out = {}
    for lang, text in value.items():
        if lang not in LANGS:
            raise InputError(f"instructions in {lang!r}: the languages are fr, ar, en", field=f"instructions.{lang}")
        checked = plain_text(text, f"instructions.{lang}", MAX_TEXT, required=False)
        if checked:
            out[lang] = checked
    if not out:
        raise InputError("instructions are empty", field="instructions")
    return out


def _examples(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InputError("examples must be a list of objects (e.g. {\"text\": ..., \"answer\": ..., \"note\": ...})",
                         field="examples")
    if len(value) > MAX_EXAMPLES:
        raise InputError(f"{len(value)} examples; at most {MAX_EXAMPLES}", field="examples")
    if len(repr(value)) > 50 * MAX_TEXT:
        raise InputError("the examples are too long", field="examples")
    return value


def _gold(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise InputError("gold must map item keys to their true answer", field="gold")
    return value


def _labels(value: Any, kind: str) -> list[dict[str, Any]]:
    """Labels as [{value, names: {fr, ar, en}, key}]; plain strings are accepted; keys 1-9 by order."""
    if kind == "validate":
        value = value or [{"value": "accept", "names": {"fr": "Correct", "ar": "صحيح", "en": "Correct"}},
                          {"value": "reject", "names": {"fr": "Incorrect", "ar": "خطأ", "en": "Wrong"}}]
    if kind == "translate":
        if value:
            raise InputError("a translate campaign has no labels", field="labels")
        return []
    if not isinstance(value, list) or not 2 <= len(value) <= MAX_LABELS:
        raise InputError(f"a {kind} campaign needs 2 to {MAX_LABELS} labels", field="labels")
    out: list[dict[str, Any]] = []
    for i, label in enumerate(value):
        if isinstance(label, str):
            label = {"value": label}
        if not isinstance(label, dict):
            raise InputError(f"label {i + 1} must be text or an object with value, names, key", field="labels")
        name = plain_text(label.get("value"), f"labels[{i}].value", 100, required=True)
        names = label.get("names") or {}
        if not isinstance(names, dict) or set(names) - set(LANGS):
            raise InputError(f"labels[{i}].names must map fr, ar, en to names", field=f"labels[{i}].names")
        key = label.get("key", KEYS[i] if i < len(KEYS) else None)
        if key is not None and (not isinstance(key, str) or len(key) != 1):
            raise InputError(f"labels[{i}].key must be one character", field=f"labels[{i}].key")
        out.append({"value": name, "names": {k: str(v) for k, v in names.items()}, "key": key})
    values = [lab["value"] for lab in out]
    if len(set(values)) != len(values):
        raise InputError("two labels have the same value", field="labels")
    keys = [lab["key"] for lab in out if lab["key"]]
    if len(set(keys)) != len(keys):
        raise InputError("two labels have the same key", field="labels")
    if kind == "validate" and set(values) != set(VALIDATE_LABELS):
        raise InputError("a validate campaign's labels are accept and reject", field="labels")
    return out


def normalise_text(text: str) -> str:
    """NFC, spaces collapsed, stripped: two translations that differ only so are the same."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def check_answer(kind: str, config: dict[str, Any], payload: dict[str, Any], value: Any) -> Any:
    """The answer checked for the campaign's type and put in canonical form, or an InputError naming
    what is wrong (field `value`)."""
    labels = [lab["value"] for lab in config.get("labels", [])]
    if kind in ("classify", "validate"):
        if not isinstance(value, str) or value not in labels:
            raise InputError(f"the answer must be one of {', '.join(labels)}", field="value")
        return value
    if kind == "multilabel":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError("the answer must be a list of labels (possibly empty)", field="value")
        wrong = [v for v in value if v not in labels]
        if wrong:
            raise InputError(f"unknown label {wrong[0]!r}; labels: {', '.join(labels)}", field="value")
        return sorted(set(value))
    if kind == "translate":
        if not isinstance(value, str) or not normalise_text(value):
            raise InputError("the answer must be the translation, as text", field="value")
        text = normalise_text(value)
        if len(text) > MAX_TEXT:
            raise InputError(f"the translation has {len(text)} characters; at most {MAX_TEXT}", field="value")
        return text
    return _check_spans(value, labels, str(payload.get(config.get("text_field") or "", "") or ""))


def _check_spans(value: Any, labels: list[str], text: str) -> list[list[Any]]:
    if not isinstance(value, list) or len(value) > MAX_SPANS:
        raise InputError(f"the answer must be a list of at most {MAX_SPANS} spans "
                         '{"start": 0, "end": 5, "label": "..."}', field="value")
    spans = set()
    for i, span in enumerate(value):
        if isinstance(span, dict):
            start, end, label = span.get("start"), span.get("end"), span.get("label")
        elif isinstance(span, (list, tuple)) and len(span) == 3:
            start, end, label = span
        else:
            raise InputError(f"span {i + 1} must be {{start, end, label}}", field="value")
        if isinstance(start, bool) or isinstance(end, bool) or not isinstance(start, int) or not isinstance(end, int):
            raise InputError(f"span {i + 1}: start and end are character offsets", field="value")
        if not 0 <= start < end <= len(text):
            raise InputError(f"span {i + 1} ({start}-{end}) is outside the text (0-{len(text)})", field="value")
        if label not in labels:
            raise InputError(f"span {i + 1}: unknown label {label!r}", field="value")
        spans.add((start, end, label))
    return [list(s) for s in sorted(spans)]


def answer_key(value: Any) -> str:
    """A hashable, order-independent text of a canonical answer (for votes and comparisons)."""
    if isinstance(value, list):
        return "\x1f".join("\x1e".join(str(p) for p in v) if isinstance(v, list) else str(v) for v in value)
    return str(value)


def load_spec(path: Path) -> dict[str, Any]:
    """A campaign's settings from a YAML or JSON file."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}", file=str(path)) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"not YAML or JSON: {getattr(exc, 'problem', None) or exc}", file=str(path),
                         line=mark.line + 1 if mark else None) from None
    if not isinstance(data, dict):
        raise InputError("a campaign file holds one object (title, type, dataset, ...)", file=str(path))
    return data
