"""Benchmark of the catalog search. `--relevance`: recall@10 of the relevance set
(tests/catalog/relevance.yaml: queries in fr, ar, Darija in Arabic script and Arabizi, en over a
fixture catalog of Moroccan datasets), overall and per language, on a fresh node in a temporary folder.

Run: .venv/bin/python benchmarks/catalog.py --relevance [--database-url URL] [-k 10]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests package holds the set

from tests.catalog.relevance import build, evaluate  # noqa: E402

import jazari  # noqa: E402


def relevance(database_url: str | None, k: int) -> dict[str, object]:
    """Build the fixture catalog on a fresh node and measure recall@k."""
    with tempfile.TemporaryDirectory() as folder:
        overrides = {"database_url": database_url} if database_url else {}
        with jazari.open(Path(folder) / "home", **overrides) as jz:
            build(jz, Path(folder) / "files")
            return evaluate(jz, k=k)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--relevance", action="store_true", help="recall@k of the relevance set")
    parser.add_argument("--database-url", help="a PostgreSQL URL (an empty database); default SQLite")
    parser.add_argument("-k", type=int, default=10)
    args = parser.parse_args()
    if not args.relevance:
        parser.error("say what to measure: --relevance")
    result = relevance(args.database_url, args.k)
    print(f"recall@{result['k']} = {result['recall']:.3f} over {result['queries']} queries; "
          f"first result expected: {result['first_right']:.3f}")
    print(json.dumps({"by_language": result["by_language"], "misses": result["misses"]}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
