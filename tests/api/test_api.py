"""The HTTP API in-process: uploads run as jobs, reads follow access, errors share one shape."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import jazari
from jazari.api.app import create_app
from tests.files import communes_csv

TOKEN = "test-admin-token-0123456789"


@pytest.fixture
def client(tmp_path: Path, database_url: str):
    jz = jazari.open(tmp_path / "home", database_url=database_url, admin_token=TOKEN, env="test")
    with TestClient(create_app(jz)) as c:
        c.jz = jz  # type: ignore[attr-defined]
        yield c
    jz.close()


ADMIN = {"authorization": f"Bearer {TOKEN}"}


def _wait(client: TestClient, poll: str) -> dict:
    for _ in range(300):
        job = client.get(poll, headers=ADMIN).json()
        if job["status"] in ("succeeded", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job did not finish: {job}")


def test_upload_runs_as_a_job_with_progress(client: TestClient, tmp_path: Path) -> None:
    data = communes_csv(tmp_path / "communes.csv", encoding="cp1256").read_bytes()
    response = client.post("/api/v1/datasets/hcp/communes/versions", headers=ADMIN,
                           files={"file": ("communes.csv", data, "text/csv")}, data={"title": "Communes"})
    assert response.status_code == 202
    job = _wait(client, response.json()["poll"])
    assert job["status"] == "succeeded", job
    assert job["progress"] == 1.0 and job["result"]["rows_written"] == 4
    client.jz.datasets_service.update(client.jz.actor, "hcp/communes", access_level="public")
    rows = client.get("/api/v1/datasets/hcp/communes/rows", params={"limit": 2}).json()
    assert rows["total"] == 4 and rows["rows"][0]["nom_ar"] == "طنجة"
    version = client.get("/api/v1/datasets/hcp/communes/versions/1").json()
    assert version["lineage"]["source"]["name"] == "communes.csv"
    for part in ("schema", "profile", "validation", "lineage"):
        assert client.get(f"/api/v1/datasets/hcp/communes/versions/1/{part}").status_code == 200
    csv = client.get("/api/v1/datasets/hcp/communes/export", params={"format": "csv"})
    assert csv.status_code == 200 and "تافراوت" in csv.content.decode("utf-8")
    page = client.get("/datasets/hcp/communes")
    assert page.status_code == 200 and "Tafraout" in page.text


def test_failed_job_reports_the_error(client: TestClient) -> None:
    response = client.post("/api/v1/datasets/hcp/bin/versions", headers=ADMIN,
                           files={"file": ("x.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50, "text/csv")})
    job = _wait(client, response.json()["poll"])
    assert job["status"] == "failed" and job["error"]["code"] == "file_format"


def test_private_data_is_hidden_from_anonymous(client: TestClient, tmp_path: Path) -> None:
    client.jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/private")
    assert client.get("/api/v1/datasets").json() == []
    for path in ("", "/versions", "/versions/1", "/versions/1/profile", "/rows", "/export", "/quarantine"):
        response = client.get(f"/api/v1/datasets/hcp/private{path}")
        assert response.status_code == 404, path
        assert set(response.json()["error"]) == {"code", "message", "hint", "context"}
        assert "Tanger" not in response.text
    assert client.get("/api/v1/datasets/hcp/private/rows", headers=ADMIN).status_code == 200
    upload = client.post("/api/v1/datasets/hcp/private/versions",
                         files={"file": ("c.csv", b"a;b\n1;2\n", "text/csv")})
    assert upload.status_code in (401, 403, 404)
    assert [v["version"] for v in client.jz.versions("hcp/private")] == [1]


def test_one_error_shape(client: TestClient) -> None:
    cases = [
        client.get("/api/v1/datasets/hcp/nothing"),
        client.get("/api/v1/datasets/hcp/nothing/rows", params={"limit": 0}),
        client.get("/api/v1/nowhere"),
        client.get("/api/v1/jobs/unknown", headers=ADMIN),
        client.post("/api/v1/datasets/hcp/x/versions", headers=ADMIN),
    ]
    for response in cases:
        assert response.status_code >= 400
        body = response.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "hint", "context"}


def test_upload_over_the_limit_is_refused(tmp_path: Path, database_url: str) -> None:
    jz = jazari.open(tmp_path / "home", database_url=database_url, admin_token=TOKEN, upload_max_bytes=100)
    with TestClient(create_app(jz)) as client:
        response = client.post("/api/v1/datasets/hcp/big/versions", headers=ADMIN,
                               files={"file": ("big.csv", b"a;b\n" + b"1;2\n" * 100, "text/csv")})
        assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
    assert not any(jz.settings.tmp_dir.iterdir())
    jz.close()


def test_openapi_lists_the_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/datasets/{institute}/{name}/versions" in paths
    assert "/api/v1/jobs/{job_id}" in paths


def test_dataset_page_shows_the_privacy_report(client: TestClient, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("nom;cin\nFatima Zahra El Amrani;BK123456\nMohammed Alaoui;J123456\n", encoding="utf-8")
    client.jz.ingest(path, "hcp/people")
    page = client.get("/datasets/hcp/people", headers=ADMIN)
    assert page.status_code == 200
    assert "needs_policy" in page.text and "CIN (2)" in page.text
    api = client.get("/api/v1/datasets/hcp/people/versions/1/privacy", headers=ADMIN).json()
    assert api["status"] == "needs_policy" and "cin" in api["uncovered"]


def test_rows_sort_and_filter_over_http(client: TestClient, tmp_path: Path) -> None:
    client.jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/c")
    url = "/api/v1/datasets/hcp/c/rows"
    params = {"sort": "population", "descending": "true", "filter": ["nom_fr:t", "date_maj:2024-03-1"], "limit": 2}
    page = client.get(url, headers=ADMIN, params=params).json()
    assert page == client.jz.rows("hcp/c", sort="population", descending=True, limit=2,
                                  filters={"nom_fr": "t", "date_maj": "2024-03-1"})
    assert [r["nom_fr"] for r in page["rows"]] == ["Tanger", "Aïn Bni Mathar"]
    assert (page["matched"], page["has_more"], page["filters"]) == (3, True, {"nom_fr": "t", "date_maj": "2024-03-1"})
    colon = client.get(url, headers=ADMIN, params={"filter": "code:01.511:x"}).json()  # the first `:` splits
    assert colon["filters"] == {"code": "01.511:x"} and colon["matched"] == 0
    for bad in ("nom_fr", ":Tanger", ["nom_fr:a", "nom_fr:b"]):
        refused = client.get(url, headers=ADMIN, params={"filter": bad})
        assert refused.status_code == 422, bad
        error = refused.json()["error"]
        assert error["code"] == "invalid_input" and error["context"]["field"] == "filter"
        assert "filter" in error["message"] and ("column:text" in error["message"] or "twice" in error["message"]
                                                 or "two filters" in error["message"]), error
    unknown = client.get(url, headers=ADMIN, params={"sort": "nope"})
    assert unknown.status_code == 400 and unknown.json()["error"]["context"] == {"field": "sort", "column": "nope"}
    unknown = client.get(url, headers=ADMIN, params={"filter": "nope:x"})
    assert unknown.status_code == 400 and unknown.json()["error"]["context"]["field"] == "filters"
    assert client.get(url, params={"filter": "nom_fr:Tanger"}).status_code == 404  # institute data: not anonymous
