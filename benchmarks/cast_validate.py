"""Benchmark: cast + validate stages over 1M raw-text rows of mixed columns (MB/s per core).

Run: .venv/bin/python benchmarks/cast_validate.py [rows] [threads] [bad value rate]
"""

from __future__ import annotations

import random
import sys
import time

import pyarrow as pa

from jazari.factory.cast import CastConfig, cast_batch
from jazari.factory.infer import infer_schema
from jazari.factory.typesql import worker_connection
from jazari.factory.validate import ValidateConfig, quarantine_records, split_batch, validate_batch


def make(rows: int, seed: int = 0, bad_rate: float = 0.005) -> pa.Table:
    """A raw-text table like a CSV reader yields, with some bad values."""
    r = random.Random(seed)

    def bad(v: str) -> str:
        return "??" if r.random() < bad_rate else v

    def fr(x: int) -> str:
        return f"{x // 100:,}".replace(",", "\u202f") + f",{x % 100:02d}"

    return pa.table({
        "id": [str(i) for i in range(rows)],
        "code_commune": [f"{r.randrange(10**6):06d}" for _ in range(rows)],
        "montant": [bad(fr(r.randrange(10**9))) for _ in range(rows)],
        "prix": [f"{r.random() * 1e4:.2f}" for _ in range(rows)],
        "date": [bad(f"{r.randrange(1, 29):02d}/{r.randrange(1, 13):02d}/{r.randrange(1990, 2025)}")
                 for _ in range(rows)],
        "actif": [r.choice(("oui", "non", "")) for _ in range(rows)],
        "nom": [r.choice(("محمد", "Fatima Zahra", "ⵜⴰⵎⴰⵣⵉⵖⵜ", "Youssef")) + f" {i}" for i in range(rows)],
        "cree": [f"2024-{r.randrange(1, 13):02d}-{r.randrange(1, 29):02d}T10:{r.randrange(60):02d}:00"
                 for _ in range(rows)],
        "age": [bad(str(r.randrange(0, 99))) for _ in range(rows)],
    })


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    bad_rate = float(sys.argv[3]) if len(sys.argv) > 3 else 0.005
    table = make(rows, bad_rate=bad_rate)
    mb = sum(sum(len(str(v).encode()) + 1 for v in c.to_pylist() if v is not None)
             for c in table.columns) / 1e6
    sample = make(100_000, seed=1, bad_rate=0)
    t0 = time.perf_counter()
    schema = infer_schema(sample)
    infer_s = time.perf_counter() - t0
    d = schema.to_dict()
    for f in d["fields"]:
        if f["name"] == "age":
            f["constraints"] = {"required": True, "minimum": 0, "maximum": 120}
        if f["name"] == "code_commune":
            f["constraints"] = {"pattern": "[0-9]{6}", "required": True}
    schema = type(schema).from_dict(d)
    worker_connection().execute(f"SET threads = {threads}")
    batches = []
    for i, b in enumerate(table.to_batches(max_chunksize=65_536)):
        batches.append(b.append_column("_row", pa.array(range(i * 65_536 + 2, i * 65_536 + 2 + b.num_rows))))
    copy_s = duckdb_copy(table, threads)
    cc, vc = CastConfig(schema), ValidateConfig(schema)
    c0, t0 = time.process_time(), time.perf_counter()
    cast = [cast_batch(cc, b) for b in batches]
    c1, t1 = time.process_time(), time.perf_counter()
    checked = [validate_batch(vc, b) for b in cast]
    c2, t2 = time.process_time(), time.perf_counter()
    bad = 0
    for b in checked:
        rejected = split_batch(b)[1]
        bad += rejected.num_rows
        quarantine_records(rejected)
    c3, t3 = time.process_time(), time.perf_counter()
    print(f"{rows:,} rows, {mb:.1f} MB of text, threads={threads}, bad values {bad_rate:.1%} per column, "
          f"rows with findings={bad:,}")
    print(f"  infer            {infer_s:6.2f} s  (100,000-row sample, {len(schema.fields)} columns)")
    print(f"  duckdb COPY      {copy_s:6.2f} s  {mb / copy_s:7.1f} MB/s  (CSV -> Parquet, for reference)")
    for name, dt, cpu in (("cast", t1 - t0, c1 - c0), ("validate", t2 - t1, c2 - c1),
                          ("split+quarantine", t3 - t2, c3 - c2), ("total", t3 - t0, c3 - c0)):
        print(f"  {name:16s} {dt:6.2f} s  {mb / dt:7.1f} MB/s  {rows / dt / 1e6:5.2f} M rows/s"
              f"   (CPU {cpu:5.2f} s: {mb / cpu:6.1f} MB/s per core)")


def duckdb_copy(table: pa.Table, threads: int) -> float:
    """Seconds for bare DuckDB to read the same data as CSV and write Parquet (the reference)."""
    import tempfile
    from pathlib import Path

    import duckdb
    import pyarrow.csv as pcsv

    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "data.csv"
        pcsv.write_csv(table, csv)
        con = duckdb.connect()
        con.execute(f"SET threads = {threads}")
        t0 = time.perf_counter()
        con.execute(f"COPY (SELECT * FROM read_csv('{csv}')) TO '{Path(tmp) / 'out.parquet'}' (FORMAT parquet)")
        return time.perf_counter() - t0


if __name__ == "__main__":
    main()
