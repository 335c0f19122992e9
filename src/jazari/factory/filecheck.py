"""Validate a file against a Table Schema without ingesting it (`jazari validate`).

The same reader, inference, cast and validate stages as an ingest (`pipeline.check_batches`), and
the same check of `unique` fields and primary keys over all rows (`validate.find_duplicates`, on
a temporary Parquet file of the key columns only). Nothing is written to the lake, the raw zone
or the database; no profile, no privacy scan. The result is the ingest's validation report with
what was read and how.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from jazari.errors import InputError
from jazari.factory.findings import ROW, ValidationReport
from jazari.factory.pipeline import check_batches, decide_schema, take_sample
from jazari.factory.readers import ReadOptions, open_source
from jazari.factory.schema import TableSchema
from jazari.factory.validate import find_duplicates
from jazari.store import duck


def validate_file(path: str | Path, *, schema: TableSchema | None = None, options: ReadOptions | None = None,
                  sample_rows: int = 100_000, tmp_dir: str | Path | None = None) -> dict[str, Any]:
    """Read, cast and validate every row of `path` against `schema` (else the inferred one); return
    the validation report: `valid`, counts, and per (finding type, column) a count and the first
    examples with row and value. Bad files raise the ingest's errors (naming file, line, column)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no such file: {path}", hint="check the path", file=str(path))
    options = options or ReadOptions()
    report = ValidationReport()
    rows_read = 0
    work = Path(tempfile.mkdtemp(prefix="jazari-validate-", dir=tmp_dir))
    try:
        with open_source(path, options, tmp_dir=work) as source:
            batches = source.batches()
            sample = take_sample(batches, sample_rows)
            applied = decide_schema(source, sample, schema)
            keys = _key_columns(applied)
            writer: pq.ParquetWriter | None = None
            for good, bad in check_batches(itertools.chain(sample, batches), applied, source.first_row_number):
                rows_read += good.num_rows + bad.num_rows
                if bad.num_rows:
                    report.update(bad)
                if keys:
                    kept = good.select([*keys, ROW])
                    if writer is None:
                        writer = pq.ParquetWriter(work / "keys.parquet", kept.schema)
                    writer.write_batch(kept)
            if writer is not None:
                writer.close()
                _check_keys(work / "keys.parquet", applied, report)
            read_with = dict(source.options)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    found = report.finalize(rows_read=rows_read)
    return {"file": path.name, "valid": found["ok"], "schema": applied.to_dict(),
            "schema_given": schema is not None, "reader_options": read_with,
            **{k: v for k, v in found.items() if k != "ok"}}


def _key_columns(schema: TableSchema) -> list[str]:
    names = [f.name for f in schema.fields if f.constraints.unique] + list(schema.primary_key or ())
    return list(dict.fromkeys(names))


def _check_keys(staged: Path, schema: TableSchema, report: ValidationReport) -> None:
    """Later rows repeating a `unique` value or the primary key of an earlier row (rows without other findings)."""
    con = duck.connect()
    try:
        relation = "read_parquet('" + str(staged).replace("'", "''") + "')"
        dups = find_duplicates(con, relation, schema)
    finally:
        con.close()
    if dups.num_rows:
        report.update(pa.table(dups))
