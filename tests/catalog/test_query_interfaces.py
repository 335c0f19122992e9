"""`POST /api/v1/query` and `jazari query`: the same sandbox as the service, its errors in the one
JSON shape and as CLI messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from jazari.api.app import create_app
from jazari.cli import app as cli
from jazari.governance.actors import Actor
from tests.files import communes_csv

OP = Actor.operator()
SQL = 'SELECT nom_fr FROM "hcp/c" ORDER BY population DESC'


@pytest.fixture
def client(jz, tmp_path: Path):
    jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/c")
    jz.ingest(communes_csv(tmp_path / "s.csv"), "dgsn/s")
    jz.accounts.add_institute(OP, "hcp", names={"fr": "HCP"})
    jz.accounts.add_user(OP, "amina@hcp.ma", "Amina", password="correct horse battery")
    jz.accounts.add_member(OP, "hcp", "amina@hcp.ma", "viewer")
    _token, secret = jz.accounts.create_token(jz.accounts.actor("amina@hcp.ma"), "t", scopes=("read",))
    with TestClient(create_app(jz, workers=False)) as c:
        c.headers["authorization"] = f"Bearer {secret}"
        c.jz = jz  # type: ignore[attr-defined]
        yield c


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body["error"]) == {"code", "message", "hint", "context"} and body["error"]["code"] == code
    return body["error"]


def test_the_api_pages_a_query_and_audits_it(client: TestClient) -> None:
    page = client.post("/api/v1/query", json={"sql": SQL, "limit": 2, "offset": 1})
    assert page.status_code == 200, page.text
    body = page.json()
    assert [r["nom_fr"] for r in body["rows"]] == ["Gueznaia", "Aïn Bni Mathar"] and body["next_offset"] == 3
    [event] = [e for e in client.jz.audit("hcp/c") if e["action"] == "query"]  # type: ignore[attr-defined]
    assert event["actor"] == "amina@hcp.ma" and event["details"]["sql"] == SQL


def test_the_api_refuses_in_the_one_error_shape(client: TestClient) -> None:
    post = client.post
    assert _error(post("/api/v1/query", json={"sql": 'SELECT * FROM "dgsn/s"'}), 403, "forbidden")
    assert _error(post("/api/v1/query", json={"sql": "SELECT * FROM read_csv('/etc/passwd')"}), 403, "forbidden")
    copy = _error(post("/api/v1/query", json={"sql": "COPY \"hcp/c\" TO '/tmp/x.csv'"}), 400, "invalid_input")
    assert copy["context"] == {"field": "sql", "statement": "COPY"}
    syntax = _error(post("/api/v1/query", json={"sql": "SELECT\nFROM FROM"}), 400, "invalid_input")
    assert syntax["context"]["line"] == 2
    assert _error(post("/api/v1/query", json={"sql": 'SELECT * FROM "hcp/none"'}), 404, "not_found")
    assert _error(post("/api/v1/query", json={"sql": "SELECT 1", "limit": 0}), 422, "invalid_input")["context"] == {
        "field": "limit"}
    assert _error(post("/api/v1/query", json={}), 422, "invalid_input")["context"] == {"field": "sql"}
    assert _error(post("/api/v1/query", content=b"not json", headers={"content-type": "application/json"}),
                  422, "invalid_input")
    anonymous = post("/api/v1/query", json={"sql": 'SELECT * FROM "hcp/c"'}, headers={"authorization": ""})
    assert anonymous.status_code in (401, 404)


def test_the_api_reports_a_timeout_as_408(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from jazari.catalog import query

    real = query.run_query
    monkeypatch.setattr(query, "run_query", lambda *a, **k: real(*a, **{**k, "timeout_s": 0.3}))
    sql = 'SELECT sum(a.population * b.range) FROM "hcp/c" a, range(100000000000) b'
    assert _error(client.post("/api/v1/query", json={"sql": sql}), 408, "query_timeout")


def test_the_cli_prints_json_and_pages(jz, tmp_path: Path) -> None:
    jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/c")
    runner = CliRunner()
    env = {"JAZARI_DATABASE_URL": jz.settings.url}
    base = ["--home", str(jz.settings.home), "query"]
    result = runner.invoke(cli, [*base, SQL, "--limit", "3", "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rows"] == jz.query(SQL, limit=3)["rows"]
    shown = runner.invoke(cli, [*base, SQL, "--limit", "2", "--offset", "2"], env=env)
    assert shown.exit_code == 0 and "Aïn Bni Mathar" in shown.output and "rows 3-4" in shown.output
    bad = runner.invoke(cli, [*base, "DROP TABLE x"], env=env)
    assert bad.exit_code == 1 and "only SELECT queries" in bad.output and "next:" in bad.output
