# cython: annotation_typing=False
# (compiled: see jazari.privacy.compiled; its callers' arguments keep Python's types, so bad ones get InputError)
"""Scan free text for personal data: normalise, match every recognizer, resolve overlaps, map back.

One Hyperscan pass (`jazari.privacy.prefilter`) tells which patterns may match a text; only those
are tried in `re`. One Aho-Corasick pass finds every keyword, cue and gazetteer word (`lexicon`).
Long texts are scanned in fixed-size chunks with overlapping margins, so memory stays bounded
and time stays linear (every pattern has bounded repetitions and anchored starts).
"""

from __future__ import annotations

import gc
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from jazari.errors import InputError
from jazari.privacy.findings import Entity, Finding
from jazari.privacy.lexicon import Hits, Lexicon, match_text, match_texts
from jazari.privacy.normalize import Normalized, normalize
from jazari.privacy.prefilter import Prefilter, portable
from jazari.privacy.recognizers import Doc, Pattern, Recognizer, default_recognizers
from jazari.privacy.recognizers.base import SCREENED_FEATURES, digit_run_feature, exact_feature

LANGS = frozenset({"fr", "ar", "en", "ary", "darija"})
CHUNK_SIZE = 1 << 16
MARGIN = 1024
# `scan_many` scans short texts in groups of about this many characters: 8-16 K were the fastest on the evaluation
# corpus (64 K took 5 % more time: a group's match forms, hits and prefilter answers stay in the CPU's caches)
BATCH_CHARS = 1 << 14
_SPACY = "spacy_fr"
_new_tuple = tuple.__new__

Candidate = tuple[int, int, float, str, str]
# how one recognizer reads its context: (ctx kind, negative kind, before, after, clause, boost, penalty,
# person context); kinds are "" when the recognizer has no such words
_Context = tuple[str, str, int, int, bool, float, float, bool]
# one pattern, flattened for the scan loop: (regex, best score, gates (`Doc.has` needs: a digit run, a
# feature, a literal), context kind, context boost, group, validator, entity, recognizer name, context or None,
# whether a prefilter screens it (`portable`: else the prefilter always reports it))
_Rule = tuple[re.Pattern[str], float, tuple[str, ...], str, float, int | str, Callable[[str], bool | float] | None,
              str, str, _Context | None, bool]


@dataclass(frozen=True, slots=True)
class _Kinds:
    """The lexicon kinds of one recognizer's word lists ("" for an empty list).

    Recognizers with the same list share its kind (the ten sensitive-data recognizers share their
    person cues), so a hit is recorded once, not once per recognizer.
    """

    context: str
    negative: str
    keywords: str
    lead: str
    tail: str

    @classmethod
    def of(cls, recognizers: Iterable[Recognizer]) -> dict[str, _Kinds]:
        """The kinds of every recognizer, by name."""
        owners: dict[tuple[str, bool, tuple[str, ...]], str] = {}

        def kind(prefix: str, rec: Recognizer, words: tuple[str, ...]) -> str:
            return owners.setdefault((prefix, rec.clitics, words), f"{prefix}:{rec.name}") if words else ""

        return {r.name: cls(kind("ctx", r, r.context), kind("neg", r, r.negative), kind("kw", r, r.keywords),
                            kind("lead", r, r.lead_ins), kind("tail", r, r.tails)) for r in recognizers}


def _context(rec: Recognizer, kinds: _Kinds) -> _Context | None:
    if not (rec.context or rec.negative or rec.person_context):
        return None
    return (kinds.context, kinds.negative, rec.window[0], rec.window[1], rec.clause, rec.context_boost,
            rec.negative_penalty, rec.person_context)


@dataclass(frozen=True, slots=True)
class _Plan:
    """The recognizers one scan runs, flattened: pattern rules by prefilter id, keywords, finders.

    `rules[i]` is the scanner's pattern `i` (None when this plan leaves its recognizer out); `order`
    lists the ids in the order patterns are tried: those that need a digit run first, by its length.
    """

    rules: tuple[_Rule | None, ...]
    order: tuple[int, ...]
    keywords: tuple[tuple[str, Recognizer, _Kinds, _Context | None, str], ...]
    keyword_kinds: frozenset[str]
    finders: tuple[tuple[Recognizer, str], ...]

    @classmethod
    def of(cls, patterns: Sequence[tuple[Recognizer, Pattern]], recognizers: Iterable[Recognizer],
           kinds: dict[str, _Kinds]) -> _Plan:
        """The plan of `recognizers` (a subset of the scanner's) over the scanner's `patterns`."""
        recognizers = list(recognizers)
        chosen = {r.name for r in recognizers}
        rules: list[_Rule | None] = []
        for rec, p in patterns:
            if rec.name not in chosen:
                rules.append(None)
                continue
            gates = _gates(rec, p)
            k = kinds[rec.name]
            rules.append((re.compile(p.regex, p.flags), p.score, gates, k.context if rec.context else "",
                          rec.context_boost, rec.group, rec.validator, rec.entity.value, rec.name, _context(rec, k),
                          portable(p.screen or p.regex, p.flags)))
        keywords = [(kinds[r.name].keywords, r, kinds[r.name], _context(r, kinds[r.name]), r.entity.value)
                    for r in recognizers if r.keywords]
        finders = [(r, r.entity.value) for r in recognizers if r.finder is not None]
        return cls(tuple(rules), tuple(i for i, rule in enumerate(rules) if rule is not None), tuple(keywords),
                   frozenset(k[0] for k in keywords), tuple(finders))


def _matched_form(original: str) -> tuple[str, Normalized | None]:
    """The text the recognizers match and its normalisation, None when offsets stay those of `original`."""
    if original.isascii():  # nothing to normalise: every mark and odd digit is outside ASCII
        return original, None
    norm = normalize(original)
    return norm.text, (norm if norm.starts is not None else None)


def _min_digits(rec: Recognizer, pattern: Pattern) -> int:
    return max(pattern.min_digits, 1 if rec.needs == "digit" else 0)


def _gates(rec: Recognizer, pattern: Pattern) -> tuple[str, ...]:
    """What a text must have (`Doc.has`) for a pattern to be tried: a digit run, a feature or a literal."""
    needs = pattern.needs or ("" if rec.needs == "digit" else rec.needs)
    return tuple(g for g in (digit_run_feature(_min_digits(rec, pattern)), needs) if g)


def _common_digit_run(need: str) -> bool:
    return need.startswith("digits:") and int(need.removeprefix("digits:")) < 9


# features Hyperscan finds at more cost than the searches it spares (few texts have a pattern that asks for them):
# a digit next to a lone Arabic letter, the head of an IBAN (1.2 % fewer instructions per text without them)
_SEARCHED = frozenset({"ar_plate", "iban_head"})


def _told_features(patterns: Iterable[tuple[Recognizer, Pattern]]) -> dict[str, tuple[str, ...]]:
    """The features a prefilter tells exactly, by regex, each with the names it answers: the screened features
    (names look for Arabizi) and the patterns' rarer gates.

    Not the common ones (a digit, a short digit run, a letter before a digit): a prefilter reports a feature
    through a Python call for every text that has it, which costs more than the search in the texts whose
    patterns ask (measured on the evaluation corpus). Nor `_SEARCHED`."""
    gates = {g for rec, p in patterns for g in _gates(rec, p)} - {"letter_digit"}
    told: dict[str, tuple[str, ...]] = {}
    for name in (*SCREENED_FEATURES, *sorted(g for g in gates if not _common_digit_run(g))):
        if name in _SEARCHED:
            continue
        regex = exact_feature(name)
        if regex is not None and name not in told.get(regex, ()):
            told[regex] = (*told.get(regex, ()), name)
    return told


def _ordered_patterns(recognizers: Iterable[Recognizer]) -> list[tuple[Recognizer, Pattern]]:
    """Every pattern, those that need a digit run first (shortest run first), in a stable order."""
    patterns = [(r, p) for r in recognizers for p in r.patterns]
    needs_digits = sorted(((r, p) for r, p in patterns if _min_digits(r, p)), key=lambda rp: _min_digits(*rp))
    return needs_digits + [(r, p) for r, p in patterns if not _min_digits(r, p)]


class Scanner:
    """Compiled recognizers, their keyword index and pattern prefilter, built once and reused for every text.

    With `prefilter` (the default), one Hyperscan pass over a text tells which patterns may match it, and
    only those are tried; it changes how fast a scan is, never what it finds (see `jazari.privacy.prefilter`).
    """

    def __init__(self, recognizers: Iterable[Recognizer] | None = None, *, ner: bool = False,
                 chunk_size: int = CHUNK_SIZE, prefilter: bool = True) -> None:
        self.recognizers = tuple(default_recognizers() if recognizers is None else recognizers)
        names = [r.name for r in self.recognizers]
        if len(set(names)) != len(names):
            raise InputError("two privacy recognizers share a name", hint="give each recognizer its own name")
        if chunk_size < 4 * MARGIN:
            raise InputError(f"chunk_size must be at least {4 * MARGIN}", field="chunk_size")
        self.ner = ner
        self.chunk_size = chunk_size
        self._kinds = _Kinds.of(self.recognizers)
        self._patterns = _ordered_patterns(self.recognizers)
        # the prefilter also tells, exactly, which features a text has (ids after the patterns'): the documents
        # answer `has` for them without a search; `_told[id - len(patterns)]` are the names of feature `id`
        told = _told_features(self._patterns)
        n = len(self._patterns)
        screened = [(p.screen or p.regex, p.flags) for _, p in self._patterns] + [(rx, 0) for rx in told]
        self.prefilter = Prefilter(screened if prefilter else [], exact=range(n, n + len(told)))
        # a feature Hyperscan could not take is reported for every text: not told
        self._told = tuple(() if n + j in self.prefilter.always else names for j, names in enumerate(told.values()))
        self._untold = {name: False for names in self._told for name in names}
        self._plan = _Plan.of(self._patterns, self.recognizers, self._kinds)
        clitic_kinds = [k for r in self.recognizers if r.clitics
                        for k in (self._kinds[r.name].keywords, self._kinds[r.name].context,
                                  self._kinds[r.name].negative, self._kinds[r.name].lead)]
        self.lexicon = Lexicon(self._lexicon_entries(),
                               clitic_kinds=frozenset([*clitic_kinds, "name:given", "name:family", "addr:street"]))
        self._plans: dict[frozenset[str] | None, _Plan] = {None: self._plan}

    def _lexicon_entries(self) -> Iterable[tuple[str, str, Any]]:
        done: set[str] = set()
        for r in self.recognizers:
            k = self._kinds[r.name]
            for kind, words in ((k.context, r.context), (k.negative, r.negative), (k.keywords, r.keywords),
                                (k.lead, r.lead_ins), (k.tail, r.tails)):
                if words and kind not in done:
                    done.add(kind)
                    yield from ((w, kind, None) for w in words)
            if r.lexicon is not None:
                yield from r.lexicon()

    def scan(self, text: str, lang: str | None = None, *, entities: set[str] | None = None,
             min_score: float = 0.5) -> list[Finding]:
        """Personal data in `text`, sorted by start, without overlaps (offsets in `text`)."""
        active = self._active(lang, entities, min_score)
        if not isinstance(text, str):
            raise InputError(f"can only scan text, not {type(text).__name__}",
                             hint="decode bytes with scan_bytes")
        text = _plain(text)
        if len(text) <= self.chunk_size + 2 * MARGIN:
            return _findings(text, 0, self._scan_piece(text, lang, active, min_score, entities))
        found: list[Finding] = []
        for core in range(0, len(text), self.chunk_size):
            lo, hi = max(0, core - MARGIN), min(len(text), core + self.chunk_size + MARGIN)
            piece = self._scan_piece(text[lo:hi], lang, active, min_score, entities)
            kept = [c for c in piece if core <= c[0] + lo < core + self.chunk_size]
            found.extend(_findings(text, lo, kept))
        return _drop_overlaps(found)

    def scan_many(self, texts: Iterable[str], lang: str | None = None, *, entities: set[str] | None = None,
                  min_score: float = 0.5) -> list[list[Finding]]:
        """`scan` for each text, in order: the same findings, in less time per text than one `scan` call each.

        Short texts are scanned in groups (up to `BATCH_CHARS` characters): the match forms of a group are
        computed, and its keywords found, in one pass over the whole group; then each text runs alone."""
        plan = self._active(lang, entities, min_score)
        found: list[list[Finding]] = []
        group: list[str] = []
        size = 0
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise InputError(f"can only scan text, not {type(text).__name__} (text {i + 1})",
                                 hint="decode bytes with scan_bytes")
            text = _plain(text)
            if len(text) > self.chunk_size + 2 * MARGIN:
                found.extend(self._scan_group(group, lang, plan, min_score, entities))
                group, size = [], 0
                found.append(self.scan(text, lang, entities=entities, min_score=min_score))
                continue
            group.append(text)
            size += len(text)
            if size >= BATCH_CHARS:
                found.extend(self._scan_group(group, lang, plan, min_score, entities))
                group, size = [], 0
        found.extend(self._scan_group(group, lang, plan, min_score, entities))
        return found

    def _scan_group(self, originals: list[str], lang: str | None, plan: _Plan, min_score: float,
                    entities: set[str] | None) -> list[list[Finding]]:
        """The findings of short texts (one piece each), their match forms and keywords found all at once.

        Python's cyclic garbage collector is paused for the group (a few milliseconds, see `BATCH_CHARS`): a group
        makes thousands of short-lived tuples, lists and dicts, none in a cycle, and the group's keyword hits and
        prefilter answers stay alive until its last text, so each of the collector's passes walked them all again
        (5 % of the scan's time on the evaluation corpus, 10 % with 64 K groups). It runs again after the group,
        as it was: objects are still freed as soon as they are unused, and cycles made by other threads meanwhile
        are collected then. The collector is the process's: while a group runs, other threads run without it too,
        and a `gc.disable()` another thread makes meanwhile is undone when the group ends."""
        if not gc.isenabled():
            return self._scan_group_now(originals, lang, plan, min_score, entities)
        gc.disable()
        try:
            return self._scan_group_now(originals, lang, plan, min_score, entities)
        finally:
            gc.enable()

    def _scan_group_now(self, originals: list[str], lang: str | None, plan: _Plan, min_score: float,
                        entities: set[str] | None) -> list[list[Finding]]:
        found: list[list[Finding]] = [[] for _ in originals]
        texts: list[str] = []
        norms: list[Normalized | None] = []
        at: list[int] = []
        for i, original in enumerate(originals):
            text, norm = _matched_form(original)
            if text and not text.isspace():  # `text.strip()` without a copy
                texts.append(text)
                norms.append(norm)
                at.append(i)
        matches = match_texts(texts)
        for i, text, norm, match, hits, flagged in zip(at, texts, norms, matches, self.lexicon.find_many(matches),
                                                      self.prefilter.candidates_many(texts), strict=True):
            candidates = self._candidates(text, match, hits, flagged, lang, plan, min_score, entities)
            if norm is not None:
                candidates = [(*norm.span(s, e), sc, ent, name) for s, e, sc, ent, name in candidates]
            found[i] = _findings(originals[i], 0, candidates)
        return found

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
            self._plans[key] = _Plan.of(self._patterns, (r for r in self.recognizers if key is None or r.entity in key),
                                        self._kinds)
        return self._plans[key]

    def _scan_piece(self, original: str, lang: str | None, plan: _Plan, min_score: float,
                    entities: set[str] | None) -> list[Candidate]:
        """Resolved candidates of one piece, in the piece's original offsets."""
        text, norm = _matched_form(original)
        if not text or text.isspace():
            return []
        match = match_text(text)
        candidates = self._candidates(text, match, self.lexicon.find(match), self.prefilter.candidates(text), lang,
                                      plan, min_score, entities)
        if norm is None:
            return candidates
        return [(*norm.span(s, e), sc, ent, name) for s, e, sc, ent, name in candidates]

    def _candidates(self, text: str, match: str, hits: Hits, flagged: list[int] | None, lang: str | None,
                    plan: _Plan, min_score: float, entities: set[str] | None) -> list[Candidate]:
        """Resolved candidates of one normalised piece, given its match form, keyword hits and prefilter ids."""
        known = None
        if flagged is not None:
            known = self._untold.copy()
            n = len(self._patterns)
            if flagged and flagged[-1] >= n:
                cut = bisect_left(flagged, n)
                told = self._told
                for i in flagged[cut:]:
                    for name in told[i - n]:
                        known[name] = True
                del flagged[cut:]
        doc = Doc(text, match, hits, lang, known)
        candidates: list[Candidate] = []
        rules = plan.rules
        for i in plan.order if flagged is None else flagged:
            rule = rules[i]
            if rule is None:
                continue
            best = rule[1]
            if best < min_score and (rule[3] not in hits or best + rule[4] < min_score):
                continue  # a dict look-up (the context kind): before the gates, which may search the text
            pattern, best, gates, context_kind, boost, group, validator, entity, name, context, screened = rule
            # the gates spare trying a pattern, unless the prefilter already said it may match: then they
            # are checked on its first match only
            checked = flagged is None or not screened
            if checked and not _has_all(doc, gates):
                continue
            for m in pattern.finditer(text):
                if not checked:
                    if not _has_all(doc, gates):
                        break
                    checked = True
                start, end = m.span(group)
                base = best
                if validator is not None:
                    verdict = validator(m.group(group))
                    if not verdict:
                        continue
                    if verdict is not True:
                        base = float(verdict)
                score = base if context is None else _with_context(doc, context, start, end, base)
                if score >= min_score:
                    candidates.append((start, end, score, entity, name))
        if not plan.keyword_kinds.isdisjoint(hits):
            phrases: list[Candidate] = []
            for kind, rec, kinds, context, entity in plan.keywords:
                for start, end, _ in hits.get(kind, ()):
                    first, last = _phrase(doc, kinds, start, end)
                    score = rec.score if context is None else _with_context(doc, context, start, end, rec.score)
                    if (first < start or last > end) and score < rec.score + rec.context_boost:
                        score += rec.context_boost  # `atteint de` cancer, مسيحي `الديانة`: about a person
                    phrases.append((first, last, min(score, 1.0), entity, rec.name))
            candidates.extend(c for c in _merge_phrases(text, phrases) if c[2] >= min_score)
        for rec, entity in plan.finders:
            for start, end, score in rec.finder(doc, rec):  # type: ignore[misc]
                if score >= min_score and end > start:
                    candidates.append((start, end, min(score, 1.0), entity, rec.name))
        if self.ner and lang in (None, "fr") and (entities is None or Entity.PERSON in entities):
            from jazari.privacy.recognizers.names import spacy_people

            candidates.extend((s, e, sc, Entity.PERSON.value, _SPACY) for s, e, sc in spacy_people(text)
                              if sc >= min_score)
        if len(candidates) > 1:
            candidates = resolve_overlaps(_drop_names_in_addresses(candidates))
        return candidates



def _findings(text: str, offset: int, candidates: list[Candidate]) -> list[Finding]:
    """The findings of candidates found in `text[offset:]`, in the offsets of `text`."""
    # `tuple.__new__` makes the named tuple without the Python call of `Finding.__new__`; a score rounded
    # once is looked up (`round` to 3 digits formats the float: the dearest step of making a finding)
    rounded = _ROUNDED
    return [
        _new_tuple(Finding, (entity, s + offset, e + offset, rounded.get(score) or _round(score), name,
                             text[s + offset:e + offset]))
        for s, e, score, entity, name in candidates
    ]


def _plain(text: str) -> str:
    """`text` as an exact `str` (a `numpy.str_`, a `StrEnum` member, markup: the same characters): the compiled scanner
    types its texts `str`, which a subclass is not for C."""
    return text if type(text) is str else str.__str__(text)


_ROUNDED: dict[float, float] = {}  # score -> score to 3 digits, for the few hundred scores recognizers give


def _round(score: float) -> float:
    rounded = round(score, 3)
    if len(_ROUNDED) < 4096:  # validators may give any score: the cache stays small
        _ROUNDED[score] = rounded
    return rounded


def _has_all(doc: Doc, gates: tuple[str, ...]) -> bool:
    """`all(map(doc.has, gates))`, without the map (compiled, a loop in C)."""
    for gate in gates:
        if not doc.has(gate):
            return False
    return True


def _with_context(doc: Doc, context: _Context, start: int, end: int, base: float) -> float:
    ctx, neg, before, after, clause, boost, penalty, person = context
    score = base
    if (ctx and doc.near(ctx, start, end, before, after, clause)) \
            or (person and doc.near_person(start, end, before, after)):
        score += boost
    if neg and doc.near(neg, start, end, before, after, clause):
        score -= penalty
    return min(score, 1.0)


_PHRASE_GAP = re.compile(
    r"[ \t'’]{0,3}(?:[بلفك]|(?:(?:à|au|aux|du|de|des|la|le|l|d|w|wla|of|the|و)[ \t'’]{1,2}){0,2})"
)


def _phrase(doc: Doc, kinds: _Kinds, start: int, end: int) -> tuple[int, int]:
    """Extend a keyword hit over an adjacent lead-in before it and a tail after it."""
    text = doc.text
    if kinds.lead:
        for s, e, _ in doc.hits.get(kinds.lead, ()):
            if s < start and start - 8 <= e <= start and _PHRASE_GAP.fullmatch(text, e, start):
                start = s
                break
    if kinds.tail:
        best = end
        for s, e, _ in doc.hits.get(kinds.tail, ()):
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
    if not candidates:
        return []
    ordered = sorted(candidates)  # by start: when no span overlaps the next one (most texts), all are kept
    end = ordered[0][0]
    for c in ordered:
        if c[0] < end or c[1] <= c[0]:
            break
        end = c[1]
    else:
        return ordered
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
