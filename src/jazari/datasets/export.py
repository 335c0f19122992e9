"""Writing a version out as a file, streaming: Parquet, or CSV with formula injection neutralised."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from jazari.errors import InputError
from jazari.store.blobs import storage_error

FORMATS = ("parquet", "csv")
FORMULA_START = r"^[=+\-@\t\r]"


def neutralise_formulas(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Prefix text cells starting with = + - @ with a quote so spreadsheets don't run them."""
    columns = []
    for column in batch.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            risky = pc.match_substring_regex(column, FORMULA_START)
            column = pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)
        columns.append(column)
    return pa.RecordBatch.from_arrays(columns, schema=batch.schema)


def write_export(data: pads.Dataset, output: Path, fmt: str) -> int:
    """Stream every row of `data` to `output` in `fmt`; returns the row count. Atomic: a
    partial file never stays under the final name."""
    if fmt not in FORMATS:
        raise InputError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}", field="format")
    tmp = output.with_name(f".{output.name}.part")
    rows = 0
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "parquet":
            with pq.ParquetWriter(tmp, data.schema) as writer:
                for batch in data.to_batches():
                    writer.write_batch(batch)
                    rows += batch.num_rows
        else:
            with pacsv.CSVWriter(tmp, data.schema) as writer:
                for batch in data.to_batches():
                    writer.write_batch(neutralise_formulas(batch))
                    rows += batch.num_rows
        os.replace(tmp, output)
    except OSError as exc:
        raise storage_error(exc, output) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return rows
