"""The relevance set (relevance.yaml): build its fixture catalog on a node, and measure recall@k.
Used by test_relevance.py and by `python benchmarks/catalog.py --relevance`."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml

from jazari.governance.actors import Actor

SET = Path(__file__).with_name("relevance.yaml")
META_KEYS = ("title", "description", "keywords", "themes", "regions", "license", "source", "contact")


def load_set() -> dict[str, Any]:
    """The fixture catalog and the queries."""
    return yaml.safe_load(SET.read_text(encoding="utf-8"))


def build(jz: Any, folder: Path, relevance: dict[str, Any] | None = None) -> list[str]:
    """Create the institutes and datasets of the set on `jz` (a small CSV each, then its metadata)."""
    relevance = relevance or load_set()
    operator = Actor.operator()
    folder.mkdir(parents=True, exist_ok=True)
    for slug, names in relevance["institutes"].items():
        jz.accounts.add_institute(operator, slug, names=names)
    for ref, spec in relevance["datasets"].items():
        path = folder / (ref.replace("/", "__") + ".csv")
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(spec["columns"])
            for row in range(1, 4):
                writer.writerow([f"v{row}" if i % 2 == 0 else str(row * 7 + i) for i in range(len(spec["columns"]))])
        jz.ingest(path, ref, actor=operator)
        jz.set_metadata(ref, {k: spec[k] for k in META_KEYS if k in spec}, actor=operator)
        if "access" in spec or "unlisted" in spec:
            jz.datasets_service.update(operator, ref, access_level=spec.get("access"), unlisted=spec.get("unlisted"))
    return list(relevance["datasets"])


def evaluate(jz: Any, relevance: dict[str, Any] | None = None, k: int = 10, actor: Actor | None = None) -> dict[str, Any]:
    """recall@k over the queries (mean of the share of expected datasets in the first k), overall and
    per language; the share of queries whose first result is expected; the queries that miss something."""
    relevance = relevance or load_set()
    per_lang: dict[str, list[float]] = {}
    misses, firsts = [], 0
    for item in relevance["queries"]:
        found = [r["dataset"] for r in jz.search(item["q"], limit=k, actor=actor or Actor.operator())["results"]]
        recall = sum(1 for ref in item["expect"] if ref in found) / len(item["expect"])
        per_lang.setdefault(item["lang"], []).append(recall)
        firsts += bool(found) and found[0] in item["expect"]
        if recall < 1:
            misses.append({"q": item["q"], "expect": item["expect"], "found": found})
    scores = [s for values in per_lang.values() for s in values]
    return {"k": k, "queries": len(scores), "recall": sum(scores) / len(scores), "first_right": firsts / len(scores),
            "by_language": {lang: round(sum(v) / len(v), 3) for lang, v in per_lang.items()}, "misses": misses}
