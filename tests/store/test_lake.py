"""The lake: ordered Parquet files committed as one Delta version; failed writes leave nothing."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from deltalake import DeltaTable

from jazari.store.lake import Lake


def _reader(n: int, batch: int = 10_000, fail_at: int | None = None) -> pa.RecordBatchReader:
    schema = pa.schema([("i", pa.int64()), ("ville", pa.string())])

    def batches():
        for start in range(0, n, batch):
            if fail_at is not None and start >= fail_at:
                raise RuntimeError("the source broke")
            ids = list(range(start, min(n, start + batch)))
            yield pa.record_batch([pa.array(ids), pa.array(["طنجة"] * len(ids))], schema=schema)

    return pa.RecordBatchReader.from_batches(schema, batches())


def test_rows_keep_their_order_across_files_and_versions(tmp_path: Path) -> None:
    table = tmp_path / "t"
    v0 = Lake.write(table, _reader(200_000), mode="replace", metadata={}, file_bytes=300_000)
    assert len(Lake.files(table, v0)) > 3
    v1 = Lake.write(table, _reader(1000), mode="append", metadata={"jazari.version": "2"})
    assert Lake.dataset(table, v0).to_table().column("i").to_pylist() == list(range(200_000))
    assert Lake.dataset(table, v1).to_table().column("i").to_pylist() == list(range(200_000)) + list(range(1000))
    assert DeltaTable(str(table)).history(1)[0]["jazari.version"] == "2"


def test_a_failed_write_commits_nothing_and_leaves_no_file(tmp_path: Path) -> None:
    table = tmp_path / "t"
    v0 = Lake.write(table, _reader(5000), mode="replace", metadata={})
    before = sorted(p.name for p in table.glob("*.parquet"))
    with pytest.raises(RuntimeError, match="broke"):
        Lake.write(table, _reader(100_000, fail_at=50_000), mode="replace", metadata={}, file_bytes=100_000)
    assert Lake.latest(table) == v0
    assert sorted(p.name for p in table.glob("*.parquet")) == before


def test_rollback_undoes_unpublished_commits(tmp_path: Path) -> None:
    table = tmp_path / "t"
    v0 = Lake.write(table, _reader(10), mode="replace", metadata={})
    Lake.write(table, _reader(20), mode="append", metadata={})
    assert Lake.rollback_to(table, v0) is True
    latest = Lake.latest(table)
    assert latest is not None and Lake.dataset(table, latest).count_rows() == 10
    assert Lake.rollback_to(table, None) is True and not table.exists()


def test_only_few_valued_columns_get_a_dictionary(tmp_path: Path) -> None:
    """Columns of codes or free text are written plain (a dictionary there only costs time), so are
    nested ones; columns with few values keep one; a tiny table keeps Parquet's default (all)."""
    import pyarrow.parquet as pq

    n = 20_000
    schema = pa.schema([("code", pa.string()), ("ville", pa.string()), ("age", pa.int64()),
                        ("tags", pa.list_(pa.string()))])
    batch = pa.record_batch([pa.array([f"{i:07d}" for i in range(n)]), pa.array(["طنجة", "فاس"] * (n // 2)),
                             pa.array([i % 90 for i in range(n)]), pa.array([["a"]] * n)], schema=schema)
    table = tmp_path / "t"
    version = Lake.write(table, pa.RecordBatchReader.from_batches(schema, [batch]), mode="replace", metadata={})
    meta = pq.ParquetFile(Lake.files(table, version)[0]).metadata.row_group(0)
    with_dictionary = {meta.column(i).path_in_schema: meta.column(i).has_dictionary_page for i in range(meta.num_columns)}
    assert with_dictionary == {"code": False, "ville": True, "age": True, "tags.list.element": False}
    assert Lake.dataset(table, version).to_table().equals(pa.Table.from_batches([batch]))
    small = Lake.write(tmp_path / "s", _reader(10, batch=10), mode="replace", metadata={})
    meta = pq.ParquetFile(Lake.files(tmp_path / "s", small)[0]).metadata.row_group(0)
    assert all(meta.column(i).has_dictionary_page for i in range(meta.num_columns))
