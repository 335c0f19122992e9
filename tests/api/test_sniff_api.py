"""`POST /api/v1/sniff` with bad input: every mistake gets the one error shape naming the field, the
body is not read before the caller is known to be allowed to publish, and nothing is left behind."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

import jazari
from jazari.api.app import create_app
from jazari.factory.sniff import WHOLE_MAX_BYTES
from jazari.governance.actors import Actor
from tests.files import communes_csv

TOKEN = "test-admin-token-0123456789"
ADMIN = {"authorization": f"Bearer {TOKEN}"}
OP = Actor.operator()


@pytest.fixture
def node(tmp_path: Path, database_url: str) -> Iterator[jazari.Jazari]:
    jz = jazari.open(tmp_path / "home", database_url=database_url, admin_token=TOKEN, env="test")
    jz.accounts.add_institute(OP, "hcp", names={"fr": "HCP"})
    for email, role in (("youssef@hcp.ma", "contributor"), ("amina@hcp.ma", "viewer")):
        jz.accounts.add_user(OP, email, email, password="correct horse battery")
        jz.accounts.add_member(OP, "hcp", email, role)
    yield jz
    jz.close()


@pytest.fixture
def client(node: jazari.Jazari) -> TestClient:
    return TestClient(create_app(node, workers=False), raise_server_exceptions=False)


def _bearer(node: jazari.Jazari, email: str, scopes: tuple[str, ...] = ("read", "write")) -> dict[str, str]:
    _info, secret = node.accounts.create_token(node.accounts.actor(email), "t", scopes=scopes)
    return {"authorization": f"Bearer {secret}"}


def _error(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "hint", "context"}
    if field is not None:
        assert error["context"].get("field") == field, error
    return error


def _tmp(node) -> list[Path]:
    tmp = node.settings.tmp_dir
    return list(tmp.iterdir()) if tmp.exists() else []


CSV = b"code;taux\n01;34,5\n02;8,2\n"


def test_a_contributor_token_may_look_at_a_file(client, node) -> None:
    found = client.post("/api/v1/sniff", headers=_bearer(node, "youssef@hcp.ma"), files={"file": ("t.csv", CSV)})
    assert found.status_code == 200 and found.json()["delimiter"] == ";" and _tmp(node) == []
    assert "/api/v1/sniff" in client.get("/openapi.json").json()["paths"]


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"encoding": "klingon"}, "encoding", "unsupported encoding"),
    ({"delimiter": ";;"}, "delimiter", "one character"),
    ({"skip_rows": "-1"}, "skip_rows", "whole number"),
    ({"skip_rows": "abc"}, "skip_rows", "whole number"),
    ({"skip_rows": str(10**20)}, "skip_rows", "whole number"),
    ({"complete": "maybe"}, "complete", "true or false"),
    ({"schema": "{not json"}, "schema", "not JSON"),
    ({"schema": json.dumps({"fields": [{"name": "other", "type": "string"}]})}, None, ""),
    ({"schema": json.dumps({"fields": [{"name": "code", "type": "integer"}, {"name": "taux", "type": "nombre"}]})},
     None, ""),
])
def test_bad_fields_are_named(client, node, fields, field, words) -> None:
    response = client.post("/api/v1/sniff", headers=ADMIN, files={"file": ("t.csv", CSV)}, data=fields)
    error = _error(response, 422 if fields.get("schema") else 400, field)
    assert words in error["message"]
    assert _tmp(node) == []


def test_a_schema_that_does_not_match_the_columns_says_which(client) -> None:
    schema = {"fields": [{"name": "code", "type": "string"}, {"name": "rate", "type": "number"}]}
    response = client.post("/api/v1/sniff", headers=ADMIN, files={"file": ("t.csv", CSV)},
                           data={"schema": json.dumps(schema)})
    error = _error(response, 422)
    assert error["code"] == "schema" and error["context"] == {"missing": ["rate"], "extra": ["taux"]}


def test_no_file_or_more_than_one(client) -> None:
    _error(client.post("/api/v1/sniff", headers=ADMIN, data={"name": "t.csv"}), 400, "file")
    _error(client.post("/api/v1/sniff", headers=ADMIN, files={"name": ("t.csv", CSV)}), 400, "file")
    two = client.post("/api/v1/sniff", headers=ADMIN, files={"file": ("t.csv", CSV), "schema": ("s.json", b"{}")})
    assert "Too many files" in _error(two, 400)["message"]


def test_a_head_of_a_workbook_is_refused_and_the_whole_asked_for(client, node) -> None:
    book = Workbook()
    book.active.append(["a", "b"])
    buffer = io.BytesIO()
    book.save(buffer)
    error = _error(client.post("/api/v1/sniff", headers=ADMIN, files={"file": ("t.xlsx", buffer.getvalue())},
                               data={"complete": "false"}), 400, "complete")
    assert "looked at whole" in error["message"] and error["hint"] == "send the whole file"


def test_a_head_without_one_whole_line(client) -> None:
    error = _error(client.post("/api/v1/sniff", headers=ADMIN, files={"file": ("t.csv", b"a;b;c" * 100)},
                               data={"complete": "false"}), 400, "complete")
    assert "first line is longer" in error["message"]


def test_a_utf16_head_is_cut_on_a_whole_line(client, tmp_path) -> None:
    data = communes_csv(tmp_path / "c.csv", encoding="utf-16").read_bytes()
    found = client.post("/api/v1/sniff", headers=ADMIN, files={"file": ("c.csv", data[:-20])},
                        data={"complete": "false"}).json()
    assert found["encoding"] == "utf-16" and found["rows_sampled"] == 3 and found["sample"][2][1] == "Aïn Bni Mathar"


def test_a_file_name_is_only_a_name(client) -> None:
    found = client.post("/api/v1/sniff", headers=ADMIN, files={"file": ("x", CSV)},
                        data={"name": "../../etc/\x00passwd.csv"}).json()
    assert found["name"] == "passwd.csv" and found["format"] == "csv"
    long = client.post("/api/v1/sniff", headers=ADMIN, files={"file": ("x", CSV)}, data={"name": "n" * 500 + ".tsv"})
    assert long.status_code == 200 and len(long.json()["name"]) <= 200 and long.json()["name"].endswith(".tsv")


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("amina@hcp.ma", 403), ("youssef-read", 403)])
def test_those_who_may_not_publish_are_refused_before_the_body_is_read(client, node, parsed, who, status) -> None:
    headers = {}
    if who == "youssef-read":
        headers = _bearer(node, "youssef@hcp.ma", scopes=("read",))
    elif who is not None:
        headers = _bearer(node, who)
    _error(client.post("/api/v1/sniff", headers=headers, files={"file": ("t.csv", CSV)}), status)
    assert parsed == [] and _tmp(node) == []


def test_a_file_over_the_limit_is_refused(client, node, parsed) -> None:
    response = client.post("/api/v1/sniff", headers={**ADMIN, "content-length": str(WHOLE_MAX_BYTES * 2)},
                           files={"file": ("t.csv", CSV)})
    assert _error(response, 413)["code"] == "too_large" and parsed == [] and _tmp(node) == []
