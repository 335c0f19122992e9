"""Standard metadata: DCAT-AP 3 for a dataset and the catalogue, Croissant 1.0 for a version. The JSON-LD
expands to the right terms with language-tagged titles, mlcroissant accepts the Croissant and reads the
rows through it, and each document shows only what the caller may see or read."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from jazari.api.app import create_app
from jazari.catalog import standards
from jazari.governance.actors import Actor
from tests.files import communes_csv

OP = Actor.operator()
DCAT, DCT = "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/"
META = {
    "title": {"fr": "Communes du Maroc", "ar": "جماعات المغرب", "en": "Communes of Morocco"},
    "description": {"fr": "Les communes et leur population.", "ar": "الجماعات وسكانها"},
    "keywords": ["communes", "جماعات"], "themes": ["public_administration", "rural_mountain"],
    "regions": ["01", "08"], "license": "CC-BY-4.0", "contact": "data@hcp.ma",
}


@pytest.fixture
def client(jz, tmp_path: Path):
    jz.accounts.add_institute(OP, "hcp", names={"fr": "Haut-Commissariat au Plan", "ar": "المندوبية السامية للتخطيط"})
    jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/communes")
    jz.ingest(communes_csv(tmp_path / "s.csv"), "hcp/secret")
    jz.set_metadata("hcp/communes", META)
    jz.datasets_service.update(OP, "hcp/communes", access_level="public")
    jz.datasets_service.update(OP, "hcp/secret", access_level="restricted")
    with TestClient(create_app(jz, workers=False), base_url="http://jazari.test") as c:
        c.jz = jz  # type: ignore[attr-defined]
        yield c


def _expanded(doc: dict) -> list[dict]:
    from pyld import jsonld  # a dev dependency: missing, the test fails rather than skips

    return jsonld.expand(doc)


def test_dataset_dcat_has_tagged_titles_themes_regions_and_distributions(client: TestClient) -> None:
    response = client.get("/api/v1/datasets/hcp/communes/dcat.jsonld")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/ld+json")
    [node] = _expanded(response.json())
    assert node["@id"] == "http://jazari.test/datasets/hcp/communes" and node["@type"] == [DCAT + "Dataset"]
    titles = {t["@language"]: t["@value"] for t in node[DCT + "title"]}
    assert titles == META["title"]
    assert {t["@language"] for t in node[DCT + "description"]} == {"fr", "ar"}
    assert {k["@value"] for k in node[DCAT + "keyword"]} == {"communes", "جماعات"}
    eu = "http://publications.europa.eu/resource/authority/"
    assert {t["@id"] for t in node[DCAT + "theme"]} == {eu + "data-theme/GOVE", eu + "data-theme/REGI"}
    assert node[DCT + "accessRights"][0]["@id"] == eu + "access-right/PUBLIC"
    assert node[DCT + "license"][0]["@id"] == "https://spdx.org/licenses/CC-BY-4.0"
    assert len(node[DCT + "spatial"]) == 2
    publisher = node[DCT + "publisher"][0]
    assert {n["@language"] for n in publisher["http://xmlns.com/foaf/0.1/name"]} == {"fr", "ar"}
    assert node[DCAT + "version"][0]["@value"] == "1" and DCT + "issued" in node and DCT + "modified" in node
    urls = {d[DCAT + "downloadURL"][0]["@id"] for d in node[DCAT + "distribution"]}
    assert urls == {f"http://jazari.test/api/v1/datasets/hcp/communes/export?format={f}&version=1"
                    for f in ("parquet", "csv", "jsonl")}
    download = client.get(urls.pop().removeprefix("http://jazari.test"))
    assert download.status_code == 200  # the distribution's URL is a real download


def test_catalog_lists_only_what_the_caller_may_see(client: TestClient) -> None:
    anonymous = client.get("/api/v1/catalog.jsonld")
    assert anonymous.status_code == 200 and anonymous.headers["content-type"].startswith("application/ld+json")
    [catalog] = _expanded(anonymous.json())
    assert catalog["@type"] == [DCAT + "Catalog"]
    assert [d["@id"] for d in catalog[DCAT + "dataset"]] == ["http://jazari.test/datasets/hcp/communes"]
    operator = standards.dcat_catalog(client.jz.datasets(OP), "http://jazari.test")  # type: ignore[attr-defined]
    assert {d["dct:identifier"] for d in operator["dcat:dataset"]} == {"hcp/communes", "hcp/secret"}
    hidden = client.get("/api/v1/datasets/hcp/secret/dcat.jsonld")
    assert hidden.status_code in (401, 404) and "error" in hidden.json()


def test_croissant_is_accepted_by_mlcroissant_and_reads_the_rows(client: TestClient, tmp_path: Path) -> None:
    import mlcroissant as mlc  # a dev dependency: missing, the test fails rather than skips

    response = client.get("/api/v1/datasets/hcp/communes/versions/1/croissant.jsonld")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/ld+json")
    doc = response.json()
    [file_object] = doc["distribution"]
    assert file_object["contentUrl"] == "http://jazari.test/api/v1/datasets/hcp/communes/export?format=parquet&version=1"
    types = {f["name"]: f["dataType"] for f in doc["recordSet"][0]["field"]}
    assert types["population"] == "sc:Integer" and types["nom_ar"] == "sc:Text" and types["date_maj"] == "sc:Date"
    # the export is generated on request, the same bytes every time: the digest is the download's
    download = client.get(file_object["contentUrl"].removeprefix("http://jazari.test")).content
    assert file_object["sha256"] == hashlib.sha256(download).hexdigest()
    assert file_object["contentSize"] == f"{len(download)} B"
    assert client.get("/api/v1/datasets/hcp/communes/export", params={"version": 1}).content == download
    # with a local copy of the export, mlcroissant validates the document and reads the records
    local = tmp_path / "communes.parquet"
    local.write_bytes(download)
    info = client.jz.dataset("hcp/communes")  # type: ignore[attr-defined]
    version = client.jz.version("hcp/communes", 1)  # type: ignore[attr-defined]
    full = standards.croissant(info, version, "http://jazari.test", content_url=local.name,
                               sha256=file_object["sha256"])
    (tmp_path / "croissant.json").write_text(json.dumps(full), encoding="utf-8")
    dataset = mlc.Dataset(jsonld=tmp_path / "croissant.json")
    assert dataset.metadata.name == "hcp-communes"
    records = list(dataset.records("records"))
    assert len(records) == pq.read_table(local).num_rows
    first = records[0]["records/population"]
    assert first == pq.read_table(local)["population"][0].as_py()


def test_croissant_needs_read_access(client: TestClient) -> None:
    denied = client.get("/api/v1/datasets/hcp/secret/versions/1/croissant.jsonld")
    assert denied.status_code in (401, 403, 404) and "error" in denied.json()
    missing = client.get("/api/v1/datasets/hcp/communes/versions/9/croissant.jsonld")
    assert missing.status_code == 404
    bad = client.get("/api/v1/datasets/hcp/communes/versions/0/croissant.jsonld")
    assert bad.status_code in (400, 422)
    part = client.get("/api/v1/datasets/hcp/communes/versions/1/schema")  # the other parts still route
    assert part.status_code == 200 and part.json()["fields"]


def test_dcat_without_optional_metadata_and_unknown_licence() -> None:
    info = {"dataset": "x/y", "institute": "x", "title": "Y", "description": None, "metadata": {"license": "maison"},
            "access_level": "restricted", "updated_at": "2026-01-01T00:00:00+00:00"}
    doc = standards.dcat_dataset(info, None, "http://h/")
    assert doc["dct:title"] == [{"@value": "Y"}] and "dcat:distribution" not in doc and "dct:description" not in doc
    assert doc["dct:license"] == {"@type": "dct:LicenseDocument", "rdfs:label": "maison"}
    assert doc["dct:accessRights"]["@id"].endswith("NON_PUBLIC") and doc["@id"] == "http://h/datasets/x/y"
