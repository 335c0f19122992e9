"""Scan free text for personal data: normalise, match every recognizer, resolve overlaps, map back.

Long texts are scanned in fixed-size chunks with overlapping margins, so memory stays bounded
and time stays linear (every pattern has bounded repetitions and anchored starts).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from jazari.errors import InputError
from jazari.privacy.findings import Entity, Finding
from jazari.privacy.lexicon import Lexicon, match_text
from jazari.privacy.normalize import normalize
from jazari.privacy.recognizers import Doc, Recognizer, default_recognizers
from jazari.privacy.recognizers.base import FEATURES

LANGS = frozenset({"fr", "ar", "en", "ary", "darija"})
CHUNK_SIZE = 1 << 16
MARGIN = 1024
_SPACY = "spacy_fr"
# gates that are features (searched once per text) rather than literals or `i:` literals
_FEATURES = frozenset(FEATURES)

Candidate = tuple[int, int, float, str, str]


@dataclass(frozen=True, slots=True)
class _Plan:
    """The recognizers one scan runs, flattened: gated patterns, keyword kinds, finders.

    Patterns that need a digit are sorted by the longest digit run they need, so a scan takes
    the prefix its text can match in one bisection; the others are gated on a literal or feature.
    """

    patterns: tuple[tuple[re.Pattern[str], float, str, int, Recognizer, str], ...]
    keywords: tuple[tuple[str, Recognizer], ...]
    finders: tuple[Recognizer, ...]
    digit_patterns: tuple[tuple[re.Pattern[str], float, str, int, Recognizer, str], ...] = ()
    digit_runs: tuple[int, ...] = ()
    other_patterns: tuple[tuple[re.Pattern[str], float, str, int, Recognizer, str], ...] = ()

    @classmethod
    def of(cls, recognizers: Iterable[Recognizer]) -> _Plan:
        """Compile the patterns of `recognizers` with their gates."""
        patterns, keywords, finders = [], [], []
        for r in recognizers:
            for p in r.patterns:
                needs = p.needs or ("" if r.needs == "digit" else r.needs)
                digits = max(p.min_digits, 1 if r.needs == "digit" else 0)
                patterns.append((re.compile(p.regex, p.flags), p.score, needs, digits, r,
                                 r.context_kind if r.context else ""))
            if r.keywords:
                keywords.append((r.keyword_kind, r))
            if r.finder is not None:
                finders.append(r)
        digit = sorted((p for p in patterns if p[3] > 0), key=lambda p: p[3])
        other = [p for p in patterns if p[3] == 0]
        return cls(tuple(patterns), tuple(keywords), tuple(finders), tuple(digit),
                   tuple(p[3] for p in digit), tuple(other))


class Scanner:
    """Compiled recognizers and their keyword index, built once and reused for every text."""

    def __init__(self, recognizers: Iterable[Recognizer] | None = None, *, ner: bool = False,
                 chunk_size: int = CHUNK_SIZE) -> None:
        self.recognizers = tuple(default_recognizers() if recognizers is None else recognizers)
        names = [r.name for r in self.recognizers]
        if len(set(names)) != len(names):
            raise InputError("two privacy recognizers share a name", hint="give each recognizer its own name")
        if chunk_size < 4 * MARGIN:
            raise InputError(f"chunk_size must be at least {4 * MARGIN}", field="chunk_size")
        self.ner = ner
        self.chunk_size = chunk_size
        self._plan = _Plan.of(self.recognizers)
        clitic_kinds = [k for r in self.recognizers if r.clitics
                        for k in (r.keyword_kind, r.context_kind, r.negative_kind, r.lead_kind)]
        self.lexicon = Lexicon(self._lexicon_entries(),
                               clitic_kinds=frozenset([*clitic_kinds, "name:given", "name:family", "addr:street"]))
        self._plans: dict[frozenset[str] | None, _Plan] = {None: self._plan}

    def _lexicon_entries(self) -> Iterable[tuple[str, str, Any]]:
        for r in self.recognizers:
            yield from ((w, r.context_kind, None) for w in r.context)
            yield from ((w, r.negative_kind, None) for w in r.negative)
            yield from ((w, r.keyword_kind, None) for w in r.keywords)
            yield from ((w, r.lead_kind, None) for w in r.lead_ins)
            yield from ((w, r.tail_kind, None) for w in r.tails)
            if r.lexicon is not None:
                yield from r.lexicon()

    def scan(self, text: str, lang: str | None = None, *, entities: set[str] | None = None,
             min_score: float = 0.5) -> list[Finding]:
        """Personal data in `text`, sorted by start, without overlaps (offsets in `text`)."""
        active = self._active(lang, entities, min_score)
        if not isinstance(text, str):
            raise InputError(f"can only scan text, not {type(text).__name__}",
                             hint="decode bytes with scan_bytes")
        if len(text) <= self.chunk_size + 2 * MARGIN:
            return self._findings(text, 0, self._scan_piece(text, lang, active, min_score, entities))
        found: list[Finding] = []
        for core in range(0, len(text), self.chunk_size):
            lo, hi = max(0, core - MARGIN), min(len(text), core + self.chunk_size + MARGIN)
            piece = self._scan_piece(text[lo:hi], lang, active, min_score, entities)
            kept = [c for c in piece if core <= c[0] + lo < core + self.chunk_size]
            found.extend(self._findings(text, lo, kept))
        return _drop_overlaps(found)

    def scan_many(self, texts: Iterable[str], lang: str | None = None, *, entities: set[str] | None = None,
                  min_score: float = 0.5) -> list[list[Finding]]:
        """`scan` for each text, in order."""
        self._active(lang, entities, min_score)
        return [self.scan(t, lang, entities=entities, min_score=min_score) for t in texts]

    def scan_bytes(self, data: bytes, lang: str | None = None, *, encoding: str = "utf-8",
                   entities: set[str] | None = None, min_score: float = 0.5) -> list[Finding]:
        """Scan bytes decoded with `errors="replace"`; offsets are in the decoded text."""
        try:
            text = bytes(data).decode(encoding, errors="replace")
        except LookupError as exc:
            raise InputError(f"unknown text encoding {encoding!r}", field="encoding") from exc
        return self.scan(text, lang, entities=entities, min_score=min_score)

    def _active(self, lang: str | None, entities: set[str] | None, min_score: float) -> _Plan:
        if lang is not None and lang not in LANGS:
            raise InputError(f"unknown language {lang!r}",
                             hint=f"use one of {', '.join(sorted(LANGS))} or none",
                             field="lang")
        if not 0.0 <= min_score <= 1.0:
            raise InputError("min_score must be between 0 and 1", field="min_score")
        key = None if entities is None else frozenset(entities)
        if key not in self._plans:
            unknown = sorted(set(key or ()) - set(Entity))
            if unknown:
                raise InputError(f"unknown entity {unknown[0]!r}", hint="see jazari.privacy.Entity",
                                 field="entities")
            self._plans[key] = _Plan.of(r for r in self.recognizers if key is None or r.entity in key)
        return self._plans[key]

    def _scan_piece(self, original: str, lang: str | None, plan: _Plan, min_score: float,
                    entities: set[str] | None) -> list[Candidate]:
        """Resolved candidates of one piece, in the piece's original offsets."""
        norm = normalize(original)
        text = norm.text
        if not text.strip():
            return []
        doc = Doc(text, match_text(text), {}, lang)
        hits = doc.hits = self.lexicon.find(doc.match)
        candidates: list[Candidate] = []
        run = doc.max_run()
        todo = plan.other_patterns
        if run:
            todo = plan.digit_patterns[:bisect_right(plan.digit_runs, run)] + todo
        features = doc.features
        for pattern, best, needs, _, rec, context_kind in todo:
            if best < min_score and (context_kind not in hits or best + rec.context_boost < min_score):
                continue  # a dict look-up: before the feature gate, which may search the text
            if needs:
                if needs in _FEATURES or needs.startswith("i:"):
                    present = features.get(needs)
                    if not (doc.has(needs) if present is None else present):
                        continue
                elif needs not in text:  # a literal (`@`, `°`, `212`): `in` is cheaper than a call
                    continue
            for m in pattern.finditer(text):
                start, end = m.span(rec.group)
                base = best
                if rec.validator is not None:
                    verdict = rec.validator(m.group(rec.group))
                    if not verdict:
                        continue
                    if verdict is not True:
                        base = float(verdict)
                score = _with_context(doc, rec, start, end, base) if rec.context or rec.negative \
                    or rec.person_context else base
                if score >= min_score:
                    candidates.append((start, end, score, rec.entity.value, rec.name))
        phrases: list[Candidate] = []
        for kind, rec in plan.keywords:
            for start, end, _ in hits.get(kind, ()):
                first, last = _phrase(doc, rec, start, end)
                score = _with_context(doc, rec, start, end, rec.score)
                if (first < start or last > end) and score < rec.score + rec.context_boost:
                    score += rec.context_boost  # `atteint de` cancer, مسيحي `الديانة`: about a person
                phrases.append((first, last, min(score, 1.0), rec.entity.value, rec.name))
        candidates.extend(c for c in _merge_phrases(text, phrases) if c[2] >= min_score)
        for rec in plan.finders:
            for start, end, score in rec.finder(doc, rec):  # type: ignore[misc]
                if score >= min_score and end > start:
                    candidates.append((start, end, min(score, 1.0), rec.entity.value, rec.name))
        if self.ner and lang in (None, "fr") and (entities is None or Entity.PERSON in entities):
            from jazari.privacy.recognizers.names import spacy_people

            candidates.extend((s, e, sc, Entity.PERSON.value, _SPACY) for s, e, sc in spacy_people(text)
                              if sc >= min_score)
        resolved = resolve_overlaps(_drop_names_in_addresses(candidates))
        if norm.starts is None:
            return resolved
        return [(*norm.span(s, e), sc, ent, name) for s, e, sc, ent, name in resolved]

    @staticmethod
    def _findings(text: str, offset: int, candidates: list[Candidate]) -> list[Finding]:
        return [
            Finding(entity, s + offset, e + offset, round(score, 3), name, text[s + offset:e + offset])
            for s, e, score, entity, name in candidates
        ]


def _with_context(doc: Doc, rec: Recognizer, start: int, end: int, base: float) -> float:
    score = base
    before, after = rec.window
    if ((rec.context and doc.near(f"ctx:{rec.name}", start, end, before, after, rec.clause))
            or (rec.person_context and doc.near_person(start, end, before, after))):
        score += rec.context_boost
    if rec.negative and doc.near(f"neg:{rec.name}", start, end, before, after, rec.clause):
        score -= rec.negative_penalty
    return min(score, 1.0)


_PHRASE_GAP = re.compile(
    r"[ \t'’]{0,3}(?:[بلفك]|(?:(?:à|au|aux|du|de|des|la|le|l|d|w|wla|of|the|و)[ \t'’]{1,2}){0,2})"
)


def _phrase(doc: Doc, rec: Recognizer, start: int, end: int) -> tuple[int, int]:
    """Extend a keyword hit over an adjacent lead-in before it and a tail after it."""
    text = doc.text
    if rec.lead_ins:
        for s, e, _ in doc.hits.get(rec.lead_kind, ()):
            if s < start and start - 8 <= e <= start and _PHRASE_GAP.fullmatch(text, e, start):
                start = s
                break
    if rec.tails:
        best = end
        for s, e, _ in doc.hits.get(rec.tail_kind, ()):
            if end <= s <= end + 8 and e > best and _PHRASE_GAP.fullmatch(text, end, s):
                best = e
        end = best
    return start, end


# between two statements of one category in one phrase (`délégué du personnel et syndiqué à l'UMT`,
# `mnadil f l7izb dyal pjd`, `مندوب الأجراء عن الكونفدرالية`): connector words only, no punctuation
_STATEMENT_GAP = re.compile(
    r"[ \t'’]{1,3}(?:(?:et|ou|w|wla|o|and|or|avec|with|à|au|aux|a|de|du|des|la|le|les|l|d|en|dans|chez|"
    r"pour|for|in|at|of|the|dyal|dial|f|fi|m3a|b|و|او|أو|في|ف|ب|مع|من|عن|ديال|د|لدى|ل|un|une|a|an)"
    r"[ \t'’]{1,3}){1,3}"
)


def _merge_phrases(text: str, phrases: list[Candidate]) -> list[Candidate]:
    """Merge keyword findings of one entity that touch (`d'origine` + `sénégalaise`) or that only
    connector words separate (`délégué du personnel et syndiqué à l'UMT`): one statement, one span."""
    if len(phrases) < 2:
        return phrases
    phrases.sort(key=lambda c: (c[3], c[0], -c[1]))
    merged = [phrases[0]]
    for c in phrases[1:]:
        last = merged[-1]
        touching = c[0] <= last[1] or (c[0] - last[1] <= 8 and _PHRASE_GAP.fullmatch(text, last[1], c[0])) \
            or (c[0] - last[1] <= 24 and _STATEMENT_GAP.fullmatch(text, last[1], c[0]))
        if c[3] == last[3] and touching:
            name = last[4] if last[2] >= c[2] else c[4]
            merged[-1] = (last[0], max(last[1], c[1]), max(last[2], c[2]), last[3], name)
        else:
            merged.append(c)
    return merged


_PERSON, _ADDRESS = Entity.PERSON.value, Entity.ADDRESS.value


def _drop_names_in_addresses(candidates: list[Candidate]) -> list[Candidate]:
    """Names inside an address are street or place names (`Rue Allal Ben Abdellah`), not people."""
    addresses = [(c[0], c[1]) for c in candidates if c[3] == _ADDRESS]
    if not addresses:
        return candidates
    return [c for c in candidates
            if c[3] != _PERSON or not any(s <= c[0] and c[1] <= e for s, e in addresses)]


def resolve_overlaps(candidates: list[Candidate]) -> list[Candidate]:
    """Keep non-overlapping candidates, higher score first, then longer; sorted by start."""
    candidates.sort(key=lambda c: (-c[2], c[0] - c[1], c[0]))
    starts: list[int] = []
    ends: list[int] = []
    kept: list[Candidate] = []
    for c in candidates:
        i = bisect_right(starts, c[0])
        if (i and ends[i - 1] > c[0]) or (i < len(starts) and starts[i] < c[1]):
            continue
        starts.insert(i, c[0])
        ends.insert(i, c[1])
        kept.insert(i, c)
    return kept


def _drop_overlaps(findings: list[Finding]) -> list[Finding]:
    findings.sort(key=lambda f: (f.start, -f.end))
    out: list[Finding] = []
    for f in findings:
        if out and f.start < out[-1].end:
            if f.score > out[-1].score:
                out[-1] = f
            continue
        out.append(f)
    return out


@cache
def default_scanner() -> Scanner:
    """The shared scanner with every built-in recognizer, built on first use."""
    return Scanner()


def scan_text(text: str, lang: str | None = None, *, entities: set[str] | None = None,
              min_score: float = 0.5) -> list[Finding]:
    """Personal data found in `text` (offsets in code points of `text`)."""
    return default_scanner().scan(text, lang, entities=entities, min_score=min_score)


def scan_many(texts: Iterable[str], lang: str | None = None, *, entities: set[str] | None = None,
              min_score: float = 0.5) -> list[list[Finding]]:
    """Findings for each of `texts`, with the shared scanner."""
    return default_scanner().scan_many(texts, lang, entities=entities, min_score=min_score)


def scan_bytes(data: bytes, lang: str | None = None, *, encoding: str = "utf-8",
               entities: set[str] | None = None, min_score: float = 0.5) -> list[Finding]:
    """Findings in bytes decoded with replacement of invalid sequences (offsets in the decoded text)."""
    return default_scanner().scan_bytes(data, lang, encoding=encoding, entities=entities, min_score=min_score)
