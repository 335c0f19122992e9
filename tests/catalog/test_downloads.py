"""Streamed downloads of a version over HTTP and from the CLI: Parquet, CSV, JSON lines and Arrow
IPC round-trip the rows; CSV neutralises formulas; downloads are audited; bad input is named."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.ipc as ipc
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from jazari.api.app import create_app
from jazari.cli import app as cli
from jazari.datasets.export import export_chunks
from jazari.governance.actors import Actor
from tests.files import COMMUNES, communes_csv

OP = Actor.operator()
EVIL = "=HYPERLINK('http://evil.example/x')"
ROWS = [*COMMUNES, ["08.111.01.1", EVIL, "+شر", "12", "1,5", "15/03/2024", "non"]]


@pytest.fixture
def client(jz, tmp_path: Path):
    jz.ingest(communes_csv(tmp_path / "c.csv", rows=ROWS), "hcp/c")
    jz.accounts.add_institute(OP, "hcp", names={"fr": "HCP"})
    jz.accounts.add_user(OP, "amina@hcp.ma", "Amina", password="correct horse battery")
    jz.accounts.add_member(OP, "hcp", "amina@hcp.ma", "viewer")
    _token, secret = jz.accounts.create_token(jz.accounts.actor("amina@hcp.ma"), "t", scopes=("read",))
    with TestClient(create_app(jz, workers=False)) as c:
        c.headers["authorization"] = f"Bearer {secret}"
        c.jz = jz  # type: ignore[attr-defined]
        yield c


def _get(client: TestClient, fmt: str, **params):
    response = client.get("/api/v1/datasets/hcp/c/export", params={"format": fmt, **params})
    assert response.status_code == 200, response.text
    return response


def test_every_format_round_trips_the_rows(client: TestClient) -> None:
    expected = client.jz.load("hcp/c")  # type: ignore[attr-defined]
    arrow = _get(client, "arrow")
    assert arrow.headers["content-type"] == "application/vnd.apache.arrow.stream"
    assert 'filename="hcp-c-v1.arrows"' in arrow.headers["content-disposition"]
    assert ipc.open_stream(arrow.content).read_all().equals(expected)
    assert pq.read_table(io.BytesIO(_get(client, "parquet").content)).equals(expected)
    lines = _get(client, "jsonl")
    assert lines.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in lines.text.splitlines()]
    assert [r["code"] for r in rows] == [r[0] for r in ROWS]
    assert rows[0]["population"] == 1275428 and rows[0]["date_maj"] == "2024-03-12" and rows[-1]["nom_fr"] == EVIL
    csv = pacsv.read_csv(io.BytesIO(_get(client, "csv").content))
    assert csv.column("code").to_pylist() == [r[0] for r in ROWS]


def test_csv_neutralises_formulas_but_other_formats_keep_the_value(client: TestClient) -> None:
    text = _get(client, "csv").text
    assert f"\"'{EVIL}\"" in text and "\"'+شر\"" in text
    assert f",\"{EVIL}\"" not in text
    assert ipc.open_stream(_get(client, "arrow").content).read_all().column("nom_fr")[-1].as_py() == EVIL


def test_a_version_can_be_chosen_and_downloads_are_audited(client: TestClient, tmp_path: Path) -> None:
    jz = client.jz  # type: ignore[attr-defined]
    jz.ingest(communes_csv(tmp_path / "d.csv", rows=COMMUNES[:1]), "hcp/c")
    old = _get(client, "arrow", version=1)
    assert old.headers["x-jazari-version"] == "1" and ipc.open_stream(old.content).read_all().num_rows == len(ROWS)
    assert ipc.open_stream(_get(client, "arrow").content).read_all().num_rows == 1
    events = [(e["actor"], e["action"], e["version"], e["details"]["format"])
              for e in jz.audit("hcp/c") if e["action"] == "export"]
    assert events == [("amina@hcp.ma", "export", 2, "arrow"), ("amina@hcp.ma", "export", 1, "arrow")]


def test_refusals_and_bad_input(client: TestClient) -> None:
    bad = client.get("/api/v1/datasets/hcp/c/export", params={"format": "xlsx"})
    assert bad.status_code == 400 and bad.json()["error"]["context"] == {"field": "format"}
    anonymous = client.get("/api/v1/datasets/hcp/c/export", params={"format": "arrow"},
                           headers={"authorization": ""})
    assert anonymous.status_code in (401, 404)
    missing = client.get("/api/v1/datasets/hcp/c/export", params={"format": "arrow", "version": 9})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert [e for e in client.jz.audit("hcp/c") if e["action"] == "export"] == []  # type: ignore[attr-defined]


def test_the_stream_yields_one_chunk_per_batch() -> None:
    import pyarrow.dataset as pads

    table = pa.table({"n": list(range(10))})
    data = pads.dataset([table.slice(0, 5), table.slice(5)])
    for fmt in ("arrow", "csv", "parquet", "jsonl"):
        counter = [0]
        chunks = list(export_chunks(data, fmt, counter))
        assert len(chunks) >= 2 and counter == [10], fmt


def test_the_cli_exports_jsonl_and_arrow(jz, tmp_path: Path) -> None:
    jz.ingest(communes_csv(tmp_path / "c.csv", rows=ROWS), "hcp/c")
    home = str(jz.settings.home)
    runner = CliRunner()
    env = {"JAZARI_DATABASE_URL": jz.settings.url}
    for fmt, name in (("jsonl", "c.jsonl"), ("arrow", "c.arrows")):
        result = runner.invoke(cli, ["--home", home, "export", "hcp/c", "-o", str(tmp_path / name),
                                     "--format", fmt, "--json"], env=env)
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["rows"] == len(ROWS)
    assert len((tmp_path / "c.jsonl").read_text().splitlines()) == len(ROWS)
    with ipc.open_stream(pa.OSFile(str(tmp_path / "c.arrows"))) as reader:
        assert reader.read_all().equals(jz.load("hcp/c"))
    bad = runner.invoke(cli, ["--home", home, "export", "hcp/c", "-o", str(tmp_path / "x"), "--format", "xml"], env=env)
    assert bad.exit_code == 1 and "format must be one of parquet, csv, jsonl, arrow" in bad.output
    assert not (tmp_path / "x").exists()
