"""Privacy scanner evaluation and benchmark: Jazari vs Presidio vs glpi-anonymizer, same texts, same process.

    python3 -m venv benchmarks/.venv-privacy
    benchmarks/.venv-privacy/bin/pip install -e . -r benchmarks/requirements-privacy.txt
    benchmarks/.venv-privacy/bin/python benchmarks/privacy.py --n 2000

Two splits of the generated corpus: `dev` (templates and word lists recognizers may be tuned on)
and `test` (held out: other documents, cue words, names, phrases); the headline is `test`.
Scores per entity: precision, recall and F1 with two matchings. Headline: *overlap*, a predicted
span of the same entity that overlaps a gold span (one-to-one; the "partial" scheme of common NER
evaluations). Also *exact*: same entity, same start and end. Overlapping predictions of the same
entity are merged first, for every system. Writes the tables into docs/privacy.md and the
throughput into docs/benchmarks.md (between markers, so a re-run replaces them).

Jazari is timed through its batch call `scan_many` (what `jazari privacy scan`, `POST /api/v1/privacy/scan`
and the column scanner run), and as `jazari-per-text` through `scan_text` once per text; Presidio and
glpi-anonymizer per text, as their users call them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path

from jazari.privacy.corpus import ENTITIES, LANGS, Sample, generate

ROOT = Path(__file__).resolve().parents[1]
Span = tuple[str, int, int]
Detector = Callable[[str], list[Span]]

PRESIDIO_MAP = {
    "PERSON": "PERSON", "PHONE_NUMBER": "PHONE", "MA_PHONE_NUMBER": "PHONE", "EMAIL_ADDRESS": "EMAIL",
    "CREDIT_CARD": "CARD", "IBAN_CODE": "IBAN", "MA_IBAN": "IBAN", "IP_ADDRESS": "IP", "MA_CIN": "CIN",
    "MA_RIB": "RIB", "MA_ICE": "ICE", "LOCATION": "ADDRESS", "DATE_TIME": "DOB", "NRP": "ORIGIN",
}
GLPI_MAP = {"CIN": "CIN", "PHONE": "PHONE", "RIB": "RIB", "IBAN": "IBAN", "ICE": "ICE", "EMAIL": "EMAIL",
            "IP": "IP", "CARD": "CARD"}


# --- systems -------------------------------------------------------------------------------

def jazari() -> Detector:
    """Jazari's scanner through its batch call `scan_many`, as the CLI (`jazari privacy scan`), the API
    (`POST /api/v1/privacy/scan`) and the column scanner call it; language left to the scanner (as in production)."""
    from jazari.privacy.scanner import scan_many, scan_text

    def detect(text: str) -> list[Span]:
        return [(str(f.entity), f.start, f.end) for f in scan_text(text)]

    def many(texts: Sequence[str]) -> list[list[Span]]:
        return [[(str(f.entity), f.start, f.end) for f in found] for found in scan_many(texts)]

    detect.many = many  # type: ignore[attr-defined]
    return detect


def jazari_per_text() -> Detector:
    """Jazari's scanner called once per text (`scan_text`), as a library user scanning one text at a time."""
    from jazari.privacy.scanner import scan_text

    return lambda text: [(str(f.entity), f.start, f.end) for f in scan_text(text)]


def presidio() -> Detector:
    """Presidio 2.2 offline: French spaCy model, its fr recognizers, credit cards, presidio-mena."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import tldextract  # the email recognizer would download the public suffix list: use the bundled one

    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=())
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import CreditCardRecognizer

    conf = {"nlp_engine_name": "spacy", "models": [{"lang_code": "fr", "model_name": "fr_core_news_sm"}]}
    nlp = NlpEngineProvider(nlp_configuration=conf).create_engine()
    registry = RecognizerRegistry(supported_languages=["fr"])
    registry.load_predefined_recognizers(languages=["fr"], nlp_engine=nlp)
    registry.add_recognizer(CreditCardRecognizer(supported_language="fr"))
    try:
        from presidio_mena import register_mena_recognizers

        register_mena_recognizers(registry, languages=["fr"])
    except ImportError:
        print("presidio-mena not installed: Presidio runs without the MENA recognizers", file=sys.stderr)
    engine = AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=["fr"])

    def detect(text: str) -> list[Span]:
        return [(PRESIDIO_MAP[r.entity_type], r.start, r.end) for r in engine.analyze(text, language="fr")
                if r.entity_type in PRESIDIO_MAP]

    return detect


def glpi() -> Detector:
    """glpi-anonymizer's default detectors."""
    from glpi_anonymizer import Anonymizer

    anonymizer = Anonymizer()
    return lambda text: [(GLPI_MAP[m.label.value], m.start, m.end) for m in anonymizer.detect(text)
                         if m.label.value in GLPI_MAP]


SYSTEMS: dict[str, tuple[Callable[[], Detector], str]] = {
    "jazari": (jazari, "jazari"),
    "jazari-per-text": (jazari_per_text, "jazari"),
    "presidio": (presidio, "presidio-analyzer"),
    "glpi": (glpi, "glpi-anonymizer"),
}


# --- scoring -------------------------------------------------------------------------------

def merge_same_entity(spans: Sequence[Span]) -> list[Span]:
    """Overlapping predictions of one entity merged into their union."""
    out: list[Span] = []
    for entity in sorted({s[0] for s in spans}):
        current: list[int] | None = None
        for _, start, end in sorted(s for s in spans if s[0] == entity):
            if current and start < current[1]:
                current[1] = max(current[1], end)
                continue
            if current:
                out.append((entity, current[0], current[1]))
            current = [start, end]
        if current:
            out.append((entity, current[0], current[1]))
    return out


def match(gold: Sequence[Span], pred: Sequence[Span]) -> tuple[Counter, Counter, Counter, Counter, Counter]:
    """(overlap tp, exact tp, gold count, pred count, unmatched-pred count) per entity, for one text."""
    tp, exact, ngold, npred = Counter(), Counter(), Counter(e for e, _, _ in gold), Counter(e for e, _, _ in pred)
    used: set[int] = set()
    for entity, start, end in gold:
        for j, (pe, ps, pend) in enumerate(pred):
            if j not in used and pe == entity and ps < end and start < pend:
                used.add(j)
                tp[entity] += 1
                break
    exact.update(e for e, s, t in set(gold) & set(pred))
    return tp, exact, ngold, npred, Counter(pred[j][0] for j in range(len(pred)) if j not in used)


def prf(tp: int, ngold: int, npred: int) -> tuple[float, float, float]:
    """Precision, recall, F1 (0 when undefined)."""
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(samples: Sequence[Sample], preds: Sequence[list[Span]]) -> dict:
    """Per-entity and micro scores, per-language micro F1, share of no-PII texts flagged, errors."""
    tp, exact, ngold, npred = Counter(), Counter(), Counter(), Counter()
    lang_counts: dict[str, list[int]] = {lang: [0, 0, 0] for lang in LANGS}
    clean = flagged = 0
    errors: list[tuple[str, str, str, str]] = []  # kind, entity, surface, text
    for sample, pred in zip(samples, preds, strict=True):
        pred = merge_same_entity([p for p in pred if p[0] in ENTITIES])
        t, x, g, p, _ = match(sample.spans, pred)
        tp += t
        exact += x
        ngold += g
        npred += p
        lc = lang_counts.setdefault(sample.lang, [0, 0, 0])
        lc[0], lc[1], lc[2] = lc[0] + sum(t.values()), lc[1] + sum(g.values()), lc[2] + sum(p.values())
        if not sample.spans:
            clean += 1
            flagged += bool(pred)
        for e, s, end in sample.spans:
            if not any(pe == e and ps < end and s < pend for pe, ps, pend in pred):
                errors.append(("FN", e, sample.text[s:end], sample.text))
        for e, s, end in pred:
            if not any(ge == e and gs < end and s < gend for ge, gs, gend in sample.spans):
                errors.append(("FP", e, sample.text[s:end], sample.text))
    per_entity = {e: {"support": ngold[e], "overlap": prf(tp[e], ngold[e], npred[e]),
                      "exact": prf(exact[e], ngold[e], npred[e])} for e in ENTITIES}
    totals = sum(ngold.values()), sum(npred.values())
    return {
        "per_entity": per_entity,
        "micro_overlap": prf(sum(tp.values()), *totals),
        "micro_exact": prf(sum(exact.values()), *totals),
        "per_lang": {lang: prf(*c)[2] for lang, c in lang_counts.items()},
        "clean_texts": clean,
        "clean_flagged": flagged / clean if clean else 0.0,
        "errors": errors,
    }


# --- timing and reports --------------------------------------------------------------------

def run(detect: Detector, texts: Sequence[str], min_seconds: float) -> tuple[list[list[Span]], float]:
    """Predictions for every text, and the CPU seconds of the fastest pass over them.

    CPU time of the scanning thread (`time.thread_time`), not wall-clock time: on a machine shared with
    other work, wall-clock time mostly measures how long the process waited for a core. All three systems
    scan in the calling thread. Passes repeat until `min_seconds` of CPU have gone by: the best pass is the
    least disturbed (caches) by other load. A detector with a batch call (`detect.many`) is timed through it."""
    detect(texts[0])  # warm-up: lazy loading is not throughput
    many = getattr(detect, "many", None)
    best, total = float("inf"), 0.0
    while True:
        start = time.thread_time()
        preds = many(texts) if many is not None else [detect(t) for t in texts]
        elapsed = time.thread_time() - start
        best, total = min(best, elapsed), total + elapsed
        if total >= min_seconds:
            return preds, best


def cpu_model() -> str:
    """The CPU model name, from /proc/cpuinfo."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def version(dist: str) -> str:
    """The installed version of a distribution."""
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def replace_between(path: Path, name: str, body: str, heading: str) -> None:
    """Write `body` between the `name` markers of `path` (added under `heading` when missing)."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    text = path.read_text("utf-8") if path.exists() else ""
    block = f"{begin}\n{body.rstrip()}\n{end}"
    if begin in text and end in text:
        text = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _: block, text, flags=re.DOTALL)
    elif heading in text:
        text = text.replace(heading, f"{heading}\n\n{block}", 1)
    else:
        text = f"{text.rstrip()}\n\n{heading}\n\n{block}\n".lstrip()
    path.write_text(text, "utf-8")


def fmt(x: float) -> str:
    """A score with 3 decimals."""
    return f"{x:.3f}"


def eval_markdown(results: dict, splits: Sequence[str], n: int, seed: int, today: str) -> str:
    """The evaluation tables of docs/privacy.md (headline: the held-out split, overlap F1)."""
    head = "test" if "test" in splits else splits[0]
    other = [s for s in splits if s != head]
    lines = [f"Corpus: `generate(n={n}, seed={seed}, split=...)` for each of {', '.join(splits)}; {today}. "
             f"Headline: overlap F1 on the **{head}** split" + (" (held out)." if head == "test" else ".")]
    if "jazari" in results:
        ev = results["jazari"]["eval"][head]
        extra = "".join(f" F1 ({s}) |" for s in other)
        lines += ["", f"| entity | support | P | R | **F1** | F1 (exact) |{extra}",
                  "|---|---:|---:|---:|---:|---:|" + "---:|" * len(other)]
        for e in [*ENTITIES, "micro"]:
            if e == "micro":
                (p, r, f), x, sup = ev["micro_overlap"], ev["micro_exact"][2], sum(v["support"] for v in ev["per_entity"].values())
                more = "".join(f" {fmt(results['jazari']['eval'][s]['micro_overlap'][2])} |" for s in other)
            else:
                st = ev["per_entity"][e]
                (p, r, f), x, sup = st["overlap"], st["exact"][2], st["support"]
                more = "".join(f" {fmt(results['jazari']['eval'][s]['per_entity'][e]['overlap'][2])} |" for s in other)
            lines.append(f"| {'**micro**' if e == 'micro' else e} | {sup} | {fmt(p)} | {fmt(r)} | **{fmt(f)}** | {fmt(x)} |{more}")
        lines += ["", "No-PII texts flagged: " + ", ".join(
            f"{results['jazari']['eval'][s]['clean_flagged']:.1%} of {results['jazari']['eval'][s]['clean_texts']} ({s})"
            for s in splits) + ". Micro F1 by language (" + head + "): "
            + ", ".join(f"{k} {fmt(v)}" for k, v in ev["per_lang"].items()) + "."]
    names = [s for s in results if s != "jazari-per-text"]  # the same findings as `jazari`
    lines += ["", f"F1 (overlap, {head} split) per entity, every system on the same texts:", "",
              "| entity | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for e in ENTITIES:
        lines.append(f"| {e} | " + " | ".join(fmt(results[s]["eval"][head]["per_entity"][e]["overlap"][2])
                                             for s in names) + " |")
    for split in splits:
        lines.append(f"| **micro ({split})** | " + " | ".join(fmt(results[s]["eval"][split]["micro_overlap"][2])
                                                         for s in names) + " |")
        lines.append(f"| no-PII flagged ({split}) | " + " | ".join(
            f"{results[s]['eval'][split]['clean_flagged']:.1%}" for s in names) + " |")
    return "\n".join(lines)


def bench_markdown(results: dict, skipped: dict[str, str], splits: Sequence[str], n: int, command: str,
                   today: str) -> str:
    """The throughput section of docs/benchmarks.md."""
    base = results.get("presidio")
    first = next(iter(results.values()))
    cols = "".join(f" micro F1 ({s}) |" for s in splits)
    lines = [(f"Run {today} on {os.cpu_count()} CPUs ({cpu_model()}), Python {platform.python_version()}, one "
              f"process. Command: `{command}`. {n} generated texts per split ({', '.join(splits)}; fr, ar, "
              f"Darija, en; mean {first['chars'] / first['texts']:.0f} characters); startup and model loading "
              f"excluded; throughput from the CPU time of the scanning thread in the fastest pass (Presidio: one "
              f"pass). F1: overlap matching."),
             "", f"| system | version | texts/s | MB/s |{cols} no-PII flagged ({splits[-1]}) | x Presidio |",
             "|---|---|---:|---:|" + "---:|" * len(splits) + "---:|---:|"]
    for name, r in results.items():
        ratio = f"{r['texts_s'] / base['texts_s']:.0f}x" if base else "n/a"
        f1s = "".join(f" {fmt(r['eval'][s]['micro_overlap'][2])} |" for s in splits)
        lines.append(f"| {name} | {r['version']} | {r['texts_s']:,.0f} | {r['mb_s']:.2f} |{f1s} "
                     f"{r['eval'][splits[-1]]['clean_flagged']:.1%} | {ratio} |")
    for name, why in skipped.items():
        lines.append(f"| {name} | not run: {why} |" + " |" * (len(splits) + 4))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation and the benchmark; print and record the tables."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="corpus size per split")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--split", choices=["dev", "test", "both"], default="both",
                    help="dev: the templates recognizers are tuned on; test: held out (the headline)")
    ap.add_argument("--systems", default="jazari,jazari-per-text,presidio,glpi")
    ap.add_argument("--min-seconds", type=float, default=6.0, help="repeat passes of a fast system this long")
    ap.add_argument("--errors", type=int, default=15, help="print this many errors per kind and system")
    ap.add_argument("--no-write", action="store_true", help="print only; leave docs/ alone")
    args = ap.parse_args(argv)
    splits = ["dev", "test"] if args.split == "both" else [args.split]
    corpora = {s: generate(args.n, args.seed, split=s) for s in splits}
    results, skipped = {}, {}
    for name in args.systems.split(","):
        factory, dist = SYSTEMS[name]
        try:
            t0 = time.perf_counter()
            detect = factory()
            startup = time.perf_counter() - t0
        except ImportError as exc:
            skipped[name] = f"not installed ({exc.name})"
            print(f"{name}: skipped, {skipped[name]}", file=sys.stderr)
            continue
        r = results[name] = {"eval": {}, "version": version(dist), "startup": startup, "texts": 0, "chars": 0,
                             "bytes": 0, "seconds": 0.0}
        for split, samples in corpora.items():
            texts = [s.text for s in samples]
            preds, elapsed = run(detect, texts, args.min_seconds / len(splits) if name != "presidio" else 0.0)
            r["eval"][split] = ev = evaluate(samples, preds)
            r["texts"] += len(texts)
            r["chars"] += sum(map(len, texts))
            r["bytes"] += sum(len(t.encode("utf-8")) for t in texts)
            r["seconds"] += elapsed
            print(f"{name} [{split}]: micro F1 overlap {ev['micro_overlap'][2]:.3f}, exact {ev['micro_exact'][2]:.3f}, "
                  f"no-PII flagged {ev['clean_flagged']:.1%}")
            for kind in ("FN", "FP"):
                for _, e, surface, text in [x for x in ev["errors"] if x[0] == kind][: args.errors]:
                    print(f"  {kind} {e:9} {surface!r:40} in {text[:110]!r}")
        r["texts_s"], r["mb_s"] = r["texts"] / r["seconds"], r["bytes"] / r["seconds"] / 1e6
        print(f"{name}: {r['texts_s']:,.0f} texts/s, {r['mb_s']:.2f} MB/s, startup {startup:.1f}s")
    if not results:
        return 1
    today = dt.date.today().isoformat()
    python = Path(sys.executable)
    python_name = str(python.relative_to(ROOT)) if python.is_relative_to(ROOT) else "python"
    command = f"{python_name} benchmarks/privacy.py --n {args.n}" + (f" --seed {args.seed}" if args.seed else "")
    ev_md = eval_markdown(results, splits, args.n, args.seed, today)
    bench_md = bench_markdown(results, skipped, splits, args.n, command, today)
    print("\n" + ev_md + "\n\n" + bench_md)
    if not args.no_write:
        replace_between(ROOT / "docs" / "privacy.md", "privacy-eval", ev_md, "## Evaluation")
        replace_between(ROOT / "docs" / "benchmarks.md", "privacy-bench", bench_md, "## Privacy")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
