"""`datapackage.json`: a version as a Frictionless tabular Data Package that the `frictionless`
package accepts, whose resources are the real downloads (frictionless checks the CSV's rows, size
and SHA-256 against it), with the export's Table Schema; from the API and the CLI, for readers
only; on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import frictionless  # a dev dependency: missing, the test fails rather than skips
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from jazari.api.app import create_app
from jazari.catalog.datapackage import export_schema
from jazari.cli import app as cli
from jazari.errors import Forbidden
from jazari.governance.actors import Actor
from tests.files import COMMUNES, communes_csv

OP = Actor.operator()
OUTSIDER = Actor(name="omar@um5.ma", roles={"um5": "viewer"})
META = {"title": {"fr": "Communes du Maroc", "ar": "جماعات المغرب", "en": "ⵜⴰⵎⴰⵣⵉⵖⵜ communes"},
        "description": {"fr": "Les communes | et leur population"}, "keywords": ["communes", "جماعات"],
        "themes": ["public_administration"], "license": "CC-BY-4.0", "contact": "data@hcp.ma", "source": "RGPH 2024"}
EVIL = [*COMMUNES, ["08.111.01.1", "=HYPERLINK('x')", "-شر", "12", "1,5", "15/03/2024", "non"]]


@pytest.fixture
def client(jz, tmp_path: Path):
    jz.accounts.add_institute(OP, "hcp", names={"fr": "Haut-Commissariat au Plan"})
    jz.ingest(communes_csv(tmp_path / "c.csv", rows=EVIL), "hcp/communes")
    jz.set_metadata("hcp/communes", META)
    jz.datasets_service.update(OP, "hcp/communes", access_level="public")
    with TestClient(create_app(jz, workers=False), base_url="http://jazari.test") as c:
        c.jz = jz  # type: ignore[attr-defined]
        yield c


def _valid(descriptor: dict) -> None:
    report = frictionless.Package.validate_descriptor(descriptor)
    assert report.valid, report.flatten(["type", "note"])


def test_the_package_is_valid_and_its_resources_are_the_downloads(client: TestClient, tmp_path: Path) -> None:
    response = client.get("/api/v1/datasets/hcp/communes/versions/1/datapackage.json")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    package = response.json()
    _valid(package)
    assert (package["profile"], package["name"], package["version"]) == ("tabular-data-package", "hcp-communes", "1.0.0")
    assert package["title"] == "Communes du Maroc" and package["description"] == META["description"]["fr"]
    assert package["licenses"] == [{"name": "CC-BY-4.0", "path": "https://spdx.org/licenses/CC-BY-4.0", "title": "CC-BY-4.0"}]
    assert package["keywords"] == ["communes", "جماعات", "Public administration"]
    assert {"title": "RGPH 2024"} in package["sources"] and {"title": "c.csv"} in package["sources"]
    assert package["contributors"][0] == {"title": "Haut-Commissariat au Plan", "role": "publisher",
                                          "path": "http://jazari.test/institutes/hcp"}
    assert package["contributors"][1]["email"] == "data@hcp.ma" and package["created"].endswith("Z")
    parquet, csv = package["resources"]
    for resource, fmt in ((parquet, "parquet"), (csv, "csv")):
        assert resource["profile"] == "tabular-data-resource" and resource["format"] == fmt
        assert resource["path"] == f"http://jazari.test/api/v1/datasets/hcp/communes/export?format={fmt}&version=1"
        body = client.get(resource["path"].removeprefix("http://jazari.test")).content
        assert resource["bytes"] == len(body) and resource["hash"] == "sha256:" + hashlib.sha256(body).hexdigest()
        (tmp_path / f"communes.{fmt}").write_bytes(body)
    types = {f["name"]: f["type"] for f in csv["schema"]["fields"]}
    assert types == {"code": "string", "nom_fr": "string", "nom_ar": "string", "population": "integer",
                     "taux": "number", "date_maj": "date", "rural": "boolean"}
    assert all(set(f) <= {"name", "type", "format", "title", "description", "constraints"} for f in csv["schema"]["fields"])
    assert csv["encoding"] == "utf-8" and csv["dialect"]["delimiter"] == "," and csv["schema"]["missingValues"][0] == ""
    # frictionless reads the downloaded CSV with the package's schema, dialect, size and hash
    local = {**csv, "path": "communes.csv"}
    report = frictionless.validate(local, basepath=str(tmp_path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    rows = frictionless.Resource(local, basepath=str(tmp_path)).read_rows()
    assert [r["population"] for r in rows] == [1275428, 141853, 18405, 5123, 12]
    assert rows[-1]["nom_fr"] == "'=HYPERLINK('x')" and rows[-1]["nom_ar"] == "'-شر"  # as the description says
    table = pq.read_table(io.BytesIO((tmp_path / "communes.parquet").read_bytes()))
    assert table.schema.names == [f["name"] for f in parquet["schema"]["fields"]] and table.num_rows == 5
    tampered = (tmp_path / "communes.csv").read_bytes().replace(b"Tanger", b"Tangez")
    (tmp_path / "communes.csv").write_bytes(tampered)
    assert not frictionless.validate(local, basepath=str(tmp_path)).valid  # the hash really is checked


@pytest.mark.parametrize(("license", "expected"), [
    ("Licence ouverte | marocaine", {"path": "http://jazari.test/datasets/hcp/communes",
                                     "title": "Licence ouverte | marocaine"}),
    ("https://data.gov.ma/licence", {"path": "https://data.gov.ma/licence", "title": "https://data.gov.ma/licence"}),
    ("etalab-2.0", {"name": "etalab-2.0", "path": "https://spdx.org/licenses/etalab-2.0", "title": "etalab-2.0"}),
    ("maison-1.0", {"name": "maison-1.0", "title": "maison-1.0"}),
])
def test_every_licence_gives_a_valid_package(client: TestClient, license: str, expected: dict) -> None:  # noqa: A002
    jz = client.jz  # type: ignore[attr-defined]
    jz.set_metadata("hcp/communes", {"license": license, "contact": "the statistics office"})
    package = client.get("/api/v1/datasets/hcp/communes/versions/1/datapackage.json").json()
    _valid(package)
    assert package["licenses"] == [expected]
    assert [c["role"] for c in package["contributors"]] == ["publisher"]  # a contact that is no email
    assert package["title"] == "Communes du Maroc"  # the dataset's plain title when the metadata has none


def test_the_package_needs_read_access_and_names_bad_input(client: TestClient) -> None:
    jz = client.jz  # type: ignore[attr-defined]
    jz.datasets_service.update(OP, "hcp/communes", access_level="institute")
    anonymous = client.get("/api/v1/datasets/hcp/communes/versions/1/datapackage.json")
    assert anonymous.status_code in (401, 404) and "error" in anonymous.json()
    with pytest.raises(Forbidden):  # one who may see the dataset but not read it
        jz.datapackage("hcp/communes", actor=OUTSIDER)
    assert client.get("/api/v1/datasets/hcp/communes/versions/3/datapackage.json",
                      headers={"authorization": f"Bearer {_admin(jz)}"}).status_code == 404
    assert client.get("/api/v1/datasets/hcp/communes/versions/x/datapackage.json").status_code in (400, 422)


def _admin(jz) -> str:
    jz.accounts.add_user(OP, "root@jazari.ma", "Root", password="correct horse battery", is_admin=True)
    return jz.accounts.create_token(jz.accounts.actor("root@jazari.ma"), "t", scopes=("read",))[1]


def test_the_command_line_writes_the_same_package(client: TestClient, tmp_path: Path) -> None:
    jz = client.jz  # type: ignore[attr-defined]
    runner = CliRunner()
    env = {"JAZARI_DATABASE_URL": jz.settings.url, "JAZARI_PUBLIC_URL": "https://data.example.ma/"}
    home = ["--home", str(jz.settings.home)]
    target = tmp_path / "datapackage.json"
    result = runner.invoke(cli, [*home, "datasets", "package", "hcp/communes", "--output", str(target)], env=env)
    assert result.exit_code == 0, result.output
    package = json.loads(target.read_text(encoding="utf-8"))
    _valid(package)
    assert package == jz.datapackage("hcp/communes", base_url="https://data.example.ma")
    assert package["resources"][0]["path"].startswith("https://data.example.ma/api/v1/datasets/hcp/communes/export?")
    printed = runner.invoke(cli, [*home, "datasets", "package", "hcp/communes", "-v", "1"], env=env)
    assert printed.exit_code == 0 and json.loads(printed.output) == package
    missing = runner.invoke(cli, [*home, "datasets", "package", "hcp/communes", "-v", "2"], env=env)
    assert missing.exit_code == 1 and "has no version 2" in missing.output
    bad_url = runner.invoke(cli, [*home, "datasets", "package", "hcp/communes"], env={**env, "JAZARI_PUBLIC_URL": "ftp://x"})
    assert bad_url.exit_code != 0 and "public_url" in bad_url.output.lower()


def test_the_export_schema_drops_how_the_upload_was_written() -> None:
    stored = {"fields": [
        {"name": "montant", "type": "number", "decimalChar": ",", "groupChar": " ", "constraints": {"minimum": 0}},
        {"name": "jour", "type": "date", "format": "%d/%m/%Y"},
        {"name": "quand", "type": "datetime", "format": "%d/%m/%Y %H:%M"},
        {"name": "oui", "type": "boolean", "trueValues": ["oui"], "falseValues": ["non"]},
        {"name": "mail", "type": "string", "format": "email", "description": "contact"},
    ], "missingValues": ["-", ""], "primaryKey": ["montant"]}
    csv = export_schema(stored, "csv")
    assert csv["fields"] == [
        {"name": "montant", "type": "number", "constraints": {"minimum": 0}}, {"name": "jour", "type": "date"},
        {"name": "quand", "type": "datetime", "format": "%Y-%m-%d %H:%M:%S.%f"}, {"name": "oui", "type": "boolean"},
        {"name": "mail", "type": "string", "format": "email", "description": "contact"}]
    assert csv["missingValues"] == ["", "-"] and csv["primaryKey"] == ["montant"]
    assert export_schema(stored, "parquet")["fields"][2] == {"name": "quand", "type": "datetime"}
    assert export_schema({}, "csv") == {"fields": [], "missingValues": [""]}
