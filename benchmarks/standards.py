"""What the documents of a version cost (issue 5, item 5), on a fresh node in a temporary folder:
a `--rows` row Parquet (id, region code, commune name in Arabic and French, a float, a date) is
ingested, then, `--repeat` times, alternating:

* peer: the Parquet download and the CSV download of the version (`export_chunks`, the bytes the API
  streams), each read to the end;
* the first `jz.datapackage()` of the version, which computes the SHA-256 and size of both downloads
  in one read (the kept digests are dropped before each run);

then the median of 20 calls of each of `jz.datapackage()` and `jz.croissant()` with the digests
kept, and `jz.data_card()` (en) for a reader. Ratios are against the two downloads measured in the
same run. `--doc` records the table in docs/benchmarks.md (Data cards and standards).

Run: .venv/bin/python benchmarks/standards.py [--rows 1000000] [--repeat 3] [--doc]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- standards:start -->", "<!-- standards:end -->"

import jazari  # noqa: E402
from jazari.datasets.export import export_chunks  # noqa: E402
from jazari.datasets.models import Version  # noqa: E402


def make_parquet(rows: int, path: Path) -> None:
    """A version-sized table written in slices, so memory stays small."""
    names = [("طنجة", "Tanger"), ("فاس", "Fès"), ("مراكش", "Marrakech"), ("أكادير", "Agadir"), ("وجدة", "Oujda")]
    step = 250_000
    schema = pa.schema([("id", pa.int64()), ("region", pa.string()), ("nom_ar", pa.string()), ("nom_fr", pa.string()),
                        ("x", pa.float64()), ("jour", pa.date32())])
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, rows, step):
            ids = list(range(start, min(rows, start + step)))
            writer.write_table(pa.table({
                "id": ids, "region": [f"{1 + i % 12:02d}" for i in ids],
                "nom_ar": [names[i % 5][0] for i in ids], "nom_fr": [f"{names[i % 5][1]} {i % 997}" for i in ids],
                "x": [i * 0.37 % 1000 for i in ids], "jour": [dt.date(2024, 1, 1) + dt.timedelta(days=i % 366) for i in ids],
            }, schema=schema))


def timed(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def drain(jz: Any, fmt: str) -> int:
    _version, data = jz.datasets_service.scan(jz.actor, "bench/big", audit_action="export")
    return sum(len(chunk) for chunk in export_chunks(data, fmt))


def forget_digests(jz: Any) -> None:
    with jz.db.session() as session:
        for row in session.query(Version).all():
            row.profile = {k: v for k, v in (row.profile or {}).items() if k != "exports"}


def run(rows: int, repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="jazari-bench-") as folder:
        source = Path(folder) / "big.parquet"
        make_parquet(rows, source)
        jz = jazari.open(Path(folder) / "home")
        ingest = timed(lambda: jz.ingest(source, "bench/big"))
        parquet, csv, first = [], [], []
        sizes: dict[str, int] = {}
        for _ in range(repeat):
            start = time.perf_counter()
            sizes["parquet"] = drain(jz, "parquet")
            parquet.append(time.perf_counter() - start)
            start = time.perf_counter()
            sizes["csv"] = drain(jz, "csv")
            csv.append(time.perf_counter() - start)
            forget_digests(jz)
            first.append(timed(lambda: jz.datapackage("bench/big")))
        kept = [timed(lambda: jz.datapackage("bench/big")) for _ in range(20)]
        croissant = [timed(lambda: jz.croissant("bench/big")) for _ in range(20)]
        card = [timed(lambda: jz.data_card("bench/big", lang="en")) for _ in range(20)]
        jz.close()
    return {"rows": rows, "repeat": repeat, "ingest": ingest, "sizes": sizes,
            "parquet": statistics.median(parquet), "csv": statistics.median(csv), "first": statistics.median(first),
            "kept": statistics.median(kept), "croissant": statistics.median(croissant), "card": statistics.median(card)}


def render(r: dict[str, Any]) -> str:
    both = r["parquet"] + r["csv"]
    load = os.getloadavg()[0]
    lines = [
        f"Run {dt.date.today()} on {os.cpu_count()} cores (1-minute load average {load:.1f} at the end), "
        f"pyarrow {pa.__version__}, SQLite. Command: `.venv/bin/python benchmarks/standards.py --rows {r['rows']} "
        f"--repeat {r['repeat']}`. {r['rows']:,} rows; the Parquet download is {r['sizes']['parquet'] / 1e6:.1f} MB, "
        f"the CSV {r['sizes']['csv'] / 1e6:.1f} MB; the ingest took {r['ingest']:.1f} s.",
        "",
        "| measure | seconds (median) | ratio to the two downloads |",
        "|---|---:|---:|",
        f"| peer: Parquet download read to the end | {r['parquet']:.2f} | |",
        f"| peer: CSV download read to the end | {r['csv']:.2f} | |",
        f"| peer: both downloads | {both:.2f} | 1.00 |",
        f"| first `jz.datapackage()`: both digests in one read | {r['first']:.2f} | {r['first'] / both:.2f} |",
        f"| `jz.datapackage()`, digests kept | {r['kept']:.4f} | {r['kept'] / both:.4f} |",
        f"| `jz.croissant()`, digest kept | {r['croissant']:.4f} | {r['croissant'] / both:.4f} |",
        f"| `jz.data_card(lang=\"en\")` | {r['card']:.4f} | {r['card'] / both:.4f} |",
        "",
        f"The first digests cost {r['first'] / r['ingest']:.0%} of the ingest of the same table: what every ingest "
        "would pay if it computed them; on request, only the first `datapackage.json` or Croissant of a version pays.",
    ]
    return "\n".join(lines)


def write_doc(body: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = f"{head}{START}\n{body}\n{END}{rest.split(END, 1)[1]}"
    else:
        text = text.rstrip("\n") + "\n\n" + START + "\n" + body + "\n" + END + "\n"
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--doc", action="store_true", help="record the results in docs/benchmarks.md")
    args = parser.parse_args()
    body = render(run(args.rows, args.repeat))
    print(body)
    if args.doc:
        write_doc(body)


if __name__ == "__main__":
    sys.exit(main())
