"""Parquet: typed batches of bounded size; corrupt files are clear errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jazari.errors import FileFormatError
from jazari.factory.readers import ReadOptions, open_source


def test_parquet_keeps_types_and_streams_bounded_batches(tmp_path: Path) -> None:
    table = pa.table({
        "code": pa.array([f"{i:03d}" for i in range(3000)]),
        "n": pa.array(range(3000), pa.int32()),
        "jour": pa.array([dt.date(2024, 1, 1)] * 3000),
        "nom": pa.array(["الرباط", "ⵜⴰⵎⴰⵣⵉⵖⵜ", "Fès"] * 1000),
    })
    path = tmp_path / "t.parquet"
    pq.write_table(table, path, row_group_size=1200)
    with open_source(path, ReadOptions(batch_rows=500)) as source:
        assert source.options == {"format": "parquet"}
        assert source.textual is False and source.first_row_number == 1
        assert source.schema == table.schema
        batches = list(source.batches())
    assert max(b.num_rows for b in batches) <= 500
    assert pa.Table.from_batches(batches).equals(table)


def test_truncated_parquet_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"a": list(range(1000))}), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(FileFormatError, match="corrupt or truncated") as err:
        open_source(path)
    assert err.value.context["file"] == "t.parquet"


def test_parquet_with_garbage_pages_fails_while_reading(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"a": [f"valeur {i}" for i in range(5000)]}), path, compression="snappy")
    data = bytearray(path.read_bytes())
    for i in range(200, len(data) // 2):
        data[i] = 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(FileFormatError, match="corrupt"), open_source(path) as source:
        list(source.batches())
