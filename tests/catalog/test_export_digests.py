"""Exports are deterministic, so their digests can be published: the same rows give the same Parquet
bytes however the lake splits them into files and batches; the SHA-256 and size of the Parquet and CSV
downloads are computed once, kept with the version, and are those of what a download gives; a digest
made by another writer is not trusted; on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest
from sqlalchemy import select

from jazari.datasets import export
from jazari.datasets.export import WRITER, export_chunks, export_digests
from jazari.datasets.models import Version
from jazari.governance.actors import Actor
from tests.files import COMMUNES, communes_csv

READER = Actor(name="amina@hcp.ma", roles={"hcp": "viewer"})


def _bytes(data: pads.Dataset, fmt: str) -> bytes:
    return b"".join(export_chunks(data, fmt))


def test_the_same_rows_give_the_same_parquet_however_they_are_split(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "ROW_GROUP_ROWS", 4)
    table = pa.table({"n": list(range(10)), "s": [f"مدينة {i}" if i % 3 else None for i in range(10)],
                      "x": [i / 3 for i in range(10)]})
    whole = pads.dataset([table])
    split = pads.dataset([table.slice(0, 1), table.slice(1, 6), table.slice(7)])
    one = _bytes(whole, "parquet")
    assert _bytes(split, "parquet") == one == _bytes(whole, "parquet")
    metadata = pq.ParquetFile(io.BytesIO(one)).metadata
    assert [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)] == [4, 4, 2]
    assert pq.read_table(io.BytesIO(one)).equals(table)
    digests = export_digests(split)
    assert digests["writer"] == WRITER and digests["rows"] == 10
    for fmt in ("parquet", "csv"):
        body = _bytes(whole, fmt)
        assert digests[fmt] == {"sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body)}
    empty = pads.dataset([table.slice(0, 0)])
    assert pq.read_table(io.BytesIO(_bytes(empty, "parquet"))).num_rows == 0
    assert export_digests(empty)["rows"] == 0


def test_digests_are_computed_once_kept_and_match_the_downloads(jz, tmp_path: Path) -> None:
    jz.ingest(communes_csv(tmp_path / "a.csv", rows=COMMUNES[:2]), "hcp/c")
    jz.ingest(communes_csv(tmp_path / "b.csv", rows=COMMUNES[2:]), "hcp/c", mode="append")  # two lake files
    assert jz.version("hcp/c")["lineage"]["exports"] is None  # not computed until asked
    before = len(jz.audit("hcp/c"))
    package = jz.datapackage("hcp/c", actor=READER)
    assert [e["action"] for e in jz.audit("hcp/c")[: len(jz.audit("hcp/c")) - before]] == ["read.version"]
    kept = jz.version("hcp/c")
    assert "exports" not in kept["profile"] and kept["lineage"]["exports"]["writer"] == WRITER
    for resource in package["resources"]:
        fmt = resource["format"]
        jz.export("hcp/c", tmp_path / f"out.{fmt}", fmt=fmt)
        body = (tmp_path / f"out.{fmt}").read_bytes()
        assert resource["hash"] == "sha256:" + hashlib.sha256(body).hexdigest() and resource["bytes"] == len(body)
        assert kept["lineage"]["exports"][fmt] == {"sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body)}
    assert pq.read_table(tmp_path / "out.parquet").num_rows == len(COMMUNES)
    assert jz.croissant("hcp/c")["distribution"][0]["sha256"] == kept["lineage"]["exports"]["parquet"]["sha256"]
    assert jz.version("hcp/c", 1)["lineage"]["exports"] is None  # each version its own


def test_a_digest_from_another_writer_is_computed_again(jz, tmp_path: Path) -> None:
    jz.ingest(communes_csv(tmp_path / "a.csv"), "hcp/c")
    true = jz.datapackage("hcp/c")["resources"][0]["hash"]
    with jz.db.session() as session:
        row = session.scalars(select(Version)).one()
        exports = row.profile["exports"]
        row.profile = {**row.profile, "exports": {**exports, "writer": "pyarrow 0.1",
                                                  "parquet": {"sha256": "0" * 64, "bytes": 1}}}
    assert jz.version("hcp/c")["lineage"]["exports"] is None  # not trusted
    assert jz.datapackage("hcp/c")["resources"][0]["hash"] == true
    assert jz.version("hcp/c")["lineage"]["exports"]["writer"] == WRITER
