"""POST /api/v1/privacy/scan."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

import jazari
from jazari.api.app import create_app


def test_scan_route(tmp_path: Path) -> None:
    jz = jazari.open(tmp_path / "home")
    with TestClient(create_app(jz, workers=False)) as client:
        body = {"texts": [{"id": 7, "text": "السيد محمد العلوي، الهاتف 0661234567"}, {"text": "الثمن 120 درهم"}]}
        response = client.post("/api/v1/privacy/scan", json=body)
        assert response.status_code == 200
        results = response.json()["results"]
        assert results[0]["id"] == 7 and results[1]["id"] == 1
        assert {f["entity"] for f in results[0]["findings"]} >= {"PERSON", "PHONE"}
        assert results[1]["findings"] == []
        bad = client.post("/api/v1/privacy/scan", json={"texts": "nope"})
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_input"
    jz.close()
