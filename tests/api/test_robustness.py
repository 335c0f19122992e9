"""Bad input over HTTP never crashes: whole numbers beyond what the database holds, names with a
trailing newline, a malformed flash cookie; and an upload is not read before its sender is known
to have the right to write, nor beyond the size limit."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.openapi.utils import get_openapi
from fastapi.testclient import TestClient

import jazari
from jazari.api.app import create_app
from jazari.datasets.names import parse_ref
from jazari.errors import InputError, InvalidName
from jazari.governance.actors import Actor
from jazari.web import auth, front, governance, pages, upload
from tests.files import communes_csv

TOKEN = "test-admin-token-0123456789"
ADMIN = {"authorization": f"Bearer {TOKEN}"}
OP = Actor.operator()
YOUSSEF = "youssef@hcp.ma"  # contributor of hcp
PASSWORD = "correct horse battery"
HUGE = 10**20
PATH_VALUES = {"institute": "hcp", "name": "c", "part": "schema", "slug": "hcp", "job_id": "x"}


def _int_params(spec: dict) -> Iterator[tuple[str, str, str, str]]:
    """(method, path, name, in) of every whole-number parameter of an OpenAPI document."""
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for param in operation.get("parameters", []):
                if '"integer"' in json.dumps(param["schema"]):
                    yield method, path, param["name"], param["in"]


def _web_spec() -> dict:
    """The pages' OpenAPI document (they are left out of the API's)."""
    routes = []
    for module in (auth, front, governance, pages, upload):
        for route in module.router.routes:
            shown = copy.copy(route)
            shown.include_in_schema = True
            routes.append(shown)
    return get_openapi(title="pages", version="0", routes=routes)


API_PARAMS = list(_int_params(create_app(None, workers=False).openapi()))  # type: ignore[arg-type]
WEB_PARAMS = list(_int_params(_web_spec()))


def test_the_parameter_lists_are_not_empty() -> None:
    assert len(API_PARAMS) >= 15 and len(WEB_PARAMS) >= 6
    assert ("post", "/access/requests/{request_id}/approve", "request_id", "path") in WEB_PARAMS
    assert ("get", "/api/v1/datasets/{institute}/{name}/diff", "b", "query") in API_PARAMS


@pytest.fixture
def node(tmp_path: Path, database_url: str) -> Iterator[jazari.Jazari]:
    jz = jazari.open(tmp_path / "home", database_url=database_url, admin_token=TOKEN, env="test",
                     upload_max_bytes=10_000)
    jz.accounts.add_institute(OP, "hcp", names={"fr": "HCP"})
    jz.accounts.add_user(OP, YOUSSEF, "Youssef", password=PASSWORD)
    jz.accounts.add_member(OP, "hcp", YOUSSEF, "contributor")
    jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/c")
    yield jz
    jz.close()


@pytest.fixture
def client(node: jazari.Jazari) -> TestClient:
    return TestClient(create_app(node, workers=False), raise_server_exceptions=False, follow_redirects=False)


def _call(client: TestClient, method: str, path: str, name: str, where: str, value: int):
    url = path
    for key in [p.strip("{}") for p in path.split("/") if p.startswith("{")]:
        url = url.replace(f"{{{key}}}", str(value) if key == name else PATH_VALUES.get(key, "1"))
    params = {"a": 1, "b": 1} if path.endswith("/diff") else {}
    if where == "query":
        params[name] = value
    return client.request(method, url, params=params, headers=ADMIN)


@pytest.mark.parametrize(("method", "path", "name", "where"), API_PARAMS)
def test_api_whole_numbers_too_big_are_refused(client: TestClient, method, path, name, where) -> None:
    response = _call(client, method, path, name, where, HUGE)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input" and error["context"]["field"] == name
    assert set(error) == {"code", "message", "hint", "context"}
    assert _call(client, method, path, name, where, 2**31 - 1).status_code < 500  # the largest allowed


@pytest.mark.parametrize(("method", "path", "name", "where"), WEB_PARAMS)
def test_page_whole_numbers_too_big_are_refused(client: TestClient, method, path, name, where) -> None:
    response = _call(client, method, path, name, where, HUGE)
    assert response.status_code == 400 and "<html" in response.text, response.text
    assert _call(client, method, path, name, where, 2**31 - 1).status_code < 500


# names -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("ref", ["hcp/communes\n", "hcp\n/communes", "hcp/communes\r\n"])
def test_a_trailing_newline_is_not_a_name(ref: str) -> None:
    with pytest.raises(InvalidName) as refused:
        parse_ref(ref)
    assert refused.value.context["field"] == "dataset" and "must be lower-case" in refused.value.message


def test_a_newline_in_a_name_is_refused_over_http_and_writes_nothing(client: TestClient, node) -> None:
    headers = _bearer(node, YOUSSEF)
    response = client.post("/api/v1/datasets/hcp/communes%0A/versions", headers=headers,
                           files={"file": ("a.csv", b"a,b\n1,2\n")})
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_name"
    assert client.get("/api/v1/datasets/hcp/c%0A", headers=headers).status_code == 400
    assert sorted(p.name for p in (node.settings.home / "lake" / "hcp").iterdir()) == ["c"]


def test_an_institute_slug_with_a_newline_is_refused(node) -> None:
    with pytest.raises(InputError) as refused:
        node.accounts.add_institute(OP, "dgsn\n", names={"fr": "DGSN"})
    assert refused.value.context["field"] == "slug"


# the flash cookie ------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["abc.\u00e9", "\u00e9\u00e9.\u00e9", "x.y", ".", "e30.0000", "not base64!.sig"])
def test_a_malformed_flash_cookie_is_ignored(client: TestClient, value: str) -> None:
    response = client.get("/", headers={"cookie": f"jazari_flash={value}".encode("latin-1")})
    assert response.status_code == 200 and 'class="flash"' not in response.text


# uploads ---------------------------------------------------------------------------------------
def _bearer(node, email: str) -> dict[str, str]:
    _info, secret = node.accounts.create_token(node.accounts.actor(email), "t", scopes=("read", "write"))
    return {"authorization": f"Bearer {secret}"}


def _tmp_files(node) -> list[Path]:
    tmp = node.settings.tmp_dir
    return list(tmp.iterdir()) if tmp.exists() else []


@pytest.mark.parametrize("size", [100, 200_000])
def test_an_anonymous_upload_is_refused_before_its_body_is_read(client, node, parsed, size: int) -> None:
    response = client.post("/api/v1/datasets/hcp/x/versions", files={"file": ("a.csv", b"a,b\n" * (size // 4))})
    assert response.status_code in (401, 404) and response.json()["error"]["code"] in ("unauthenticated", "not_found")
    assert parsed == [] and _tmp_files(node) == []


def test_a_reader_cannot_make_a_node_read_an_upload(client, node, parsed) -> None:
    node.accounts.add_user(OP, "amina@hcp.ma", "Amina", password=PASSWORD)
    node.accounts.add_member(OP, "hcp", "amina@hcp.ma", "viewer")
    response = client.post("/api/v1/datasets/hcp/c/versions", headers=_bearer(node, "amina@hcp.ma"),
                           files={"file": ("a.csv", b"a,b\n1,2\n")})
    assert response.status_code == 403 and parsed == [] and _tmp_files(node) == []


def test_a_declared_size_over_the_limit_is_refused_before_reading(client, node, parsed) -> None:
    response = client.post("/api/v1/datasets/hcp/c/versions", headers=_bearer(node, YOUSSEF),
                           files={"file": ("a.csv", b"a,b\n" * 20_000)})
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
    assert parsed == [] and _tmp_files(node) == []


def test_an_undeclared_size_over_the_limit_is_refused_while_reading(client, node) -> None:
    """Chunked, without Content-Length: counted as it arrives."""
    head = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\na,b\r\n'

    def body() -> Iterator[bytes]:
        yield head
        for _ in range(100):
            yield b"1,2\r\n" * 1000
        yield b"\r\n--b--\r\n"

    headers = {**_bearer(node, YOUSSEF), "content-type": "multipart/form-data; boundary=b"}
    response = client.post("/api/v1/datasets/hcp/c/versions", headers=headers, content=body())
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
    assert _tmp_files(node) == []


@pytest.mark.parametrize(("data", "field"), [
    ({"skip_rows": "-1"}, "skip_rows"), ({"skip_rows": str(HUGE)}, "skip_rows"),
    ({"strict": "maybe"}, "strict"), ({"schema": "{"}, "schema"),
])
def test_bad_upload_fields_name_the_field(client, node, data: dict, field: str) -> None:
    response = client.post("/api/v1/datasets/hcp/c/versions", headers=_bearer(node, YOUSSEF), data=data,
                           files={"file": ("a.csv", b"a,b\n1,2\n")})
    assert response.status_code in (400, 422) and response.json()["error"]["context"]["field"] == field
    assert _tmp_files(node) == []


def test_an_upload_without_a_file_names_the_field(client, node) -> None:
    response = client.post("/api/v1/datasets/hcp/c/versions", headers=_bearer(node, YOUSSEF),
                           files={"other": ("a.csv", b"a,b\n1,2\n")})
    assert response.status_code == 400 and response.json()["error"]["context"]["field"] == "file"


def test_a_browser_session_uploads_with_the_csrf_header_only(client, node, parsed) -> None:
    secret, _actor = node.accounts.sign_in(YOUSSEF, PASSWORD)
    csrf = node.accounts.session_actor(secret)[1]  # type: ignore[index]
    client.cookies.set("jazari_session", secret)
    files = {"file": ("a.csv", b"a,b\n1,2\n")}
    refused = client.post("/api/v1/datasets/hcp/c/versions", data={"csrf_token": csrf}, files=files)
    assert refused.status_code == 403 and parsed == []  # the body is not read to look for the token
    accepted = client.post("/api/v1/datasets/hcp/c/versions", headers={"x-csrf-token": csrf}, files=files,
                           data={"title": "Communes", "strict": "true", "skip_rows": "0"})
    assert accepted.status_code == 202 and parsed == ["a.csv"]
    job = node.jobs.get(accepted.json()["job"]["id"])
    assert (job.params["title"], job.params["strict"], job.params["source_name"]) == ("Communes", True, "a.csv")
    node.jobs.run(job.id)
    assert node.job(job.id, OP)["status"] == "succeeded" and node.version("hcp/c")["version"] == 2
    assert _tmp_files(node) == []
