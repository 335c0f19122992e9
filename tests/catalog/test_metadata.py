"""Dataset metadata: checked with errors naming the field, set by stewards only, audited, shown with
the dataset, searchable at once; through the library, the CLI and the API, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from jazari.api.app import create_app
from jazari.catalog.metadata import validate_metadata
from jazari.cli import app
from jazari.errors import Forbidden, InputError, NotFound
from jazari.governance.actors import Actor
from tests.files import communes_csv

OP = Actor.operator()
STEWARD = Actor(name="karim@hcp.ma", roles={"hcp": "steward"})
VIEWER = Actor(name="amina@hcp.ma", roles={"hcp": "viewer"})
META = {
    "title": {"fr": "Écoles de Tanger", "ar": "المدارس بطنجة", "en": "Schools in Tangier"},
    "description": {"fr": "  Les écoles primaires.  ", "en": ""},
    "keywords": ["écoles", "مدارس", "écoles"], "themes": ["education"], "regions": ["01"],
    "license": "CC BY 4.0", "source": "Académie régionale", "contact": "data@men.gov.ma",
}


def test_metadata_is_checked_and_tidied() -> None:
    assert validate_metadata(META) == {
        "title": META["title"], "description": {"fr": "Les écoles primaires."}, "keywords": ["écoles", "مدارس"],
        "themes": ["education"], "regions": ["01"], "license": "CC BY 4.0", "source": "Académie régionale",
        "contact": "data@men.gov.ma",
    }
    assert validate_metadata({"title": {"ar": "السكان"}}) == {"title": {"ar": "السكان"}}
    assert validate_metadata({}) == {}


@pytest.mark.parametrize(("meta", "field"), [
    ({"themes": ["sport"]}, "themes[0]"), ({"themes": "health"}, "themes"), ({"regions": ["13"]}, "regions[0]"),
    ({"regions": [8]}, "regions[0]"), ({"title": {"de": "Schulen"}}, "title.de"), ({"title": "Écoles"}, "title"),
    ({"title": {"fr": 3}}, "title.fr"), ({"keywords": "a, b"}, "keywords"), ({"keywords": ["a", ""]}, "keywords[1]"),
    ({"licence": "CC BY"}, "licence"), ({"license": ["CC"]}, "license"), ({"title": {"fr": "x" * 501}}, "title.fr"),
    ([], "metadata"), ("x", "metadata"),
])
def test_bad_metadata_is_refused_naming_the_field(meta, field: str) -> None:
    with pytest.raises(InputError) as caught:
        validate_metadata(meta)
    assert caught.value.context["field"] == field


def test_stewards_set_metadata_audited_shown_and_searchable(jz, tmp_path: Path) -> None:
    jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/ecoles")
    result = jz.set_metadata("hcp/ecoles", META, actor=STEWARD)
    assert result["changed"] == ["contact", "description", "keywords", "license", "regions", "source", "themes", "title"]
    shown = jz.dataset("hcp/ecoles", actor=VIEWER)
    assert shown["metadata"]["themes"] == ["education"]
    assert shown["title"] == "Écoles de Tanger" and shown["description"] == "Les écoles primaires."
    assert [r["dataset"] for r in jz.search("مدرسة", actor=VIEWER)["results"]] == ["hcp/ecoles"]
    event = jz.audit("hcp/ecoles", limit=1)[0]
    assert (event["actor"], event["action"], event["details"]["fields"][0]) == (STEWARD.name, "metadata.change", "contact")
    jz.set_metadata("hcp/ecoles", {"title": {"ar": "مدارس طنجة"}}, actor=STEWARD)  # replaces everything
    shown = jz.dataset("hcp/ecoles")
    assert shown["title"] == "مدارس طنجة" and shown["metadata"] == {"title": {"ar": "مدارس طنجة"}}
    assert jz.search("schools")["total"] == 0 and jz.search("مدارس")["total"] == 1


def test_only_stewards_set_metadata_and_a_refusal_changes_nothing(jz, tmp_path: Path) -> None:
    jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/c")
    events = len(jz.audit())
    with pytest.raises(Forbidden):
        jz.set_metadata("hcp/c", META, actor=VIEWER)
    with pytest.raises(Forbidden):
        jz.set_metadata("hcp/c", META, actor=Actor(name="omar@dgsn.ma", roles={"dgsn": "steward"}))
    with pytest.raises(NotFound):
        jz.set_metadata("hcp/c", META, actor=Actor.anonymous())
    with pytest.raises(Forbidden):
        jz.set_metadata("hcp/c", META, actor=Actor(name="k", roles={"hcp": "steward"}, scopes=frozenset({"read"})))
    with pytest.raises(NotFound):
        jz.set_metadata("hcp/none", META)
    assert len(jz.audit()) == events and jz.dataset("hcp/c")["metadata"] == {}


def test_publishing_and_renaming_reindex(jz, tmp_path: Path) -> None:
    jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/c")
    columns = jz.version("hcp/c")["schema"]["fields"]
    assert jz.search(columns[0]["name"])["results"][0]["dataset"] == "hcp/c"  # column names are indexed
    jz.datasets_service.update(OP, "hcp/c", title="Recensement des douars")
    assert [r["dataset"] for r in jz.search("douars")["results"]] == ["hcp/c"]
    with jz.db.session() as session:  # an index lost or stale is rebuilt
        session.execute(__import__("sqlalchemy").text("DELETE FROM search_index"))
    assert jz.search("douars")["total"] == 0
    assert jz.reindex() == {"reindexed": 1} and jz.search("douars")["total"] == 1


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"theme": "sport"}, "theme"), ({"region": "13"}, "region"), ({"access": "secret"}, "access"),
    ({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"query": "x" * 501}, "q"),
])
def test_bad_search_input_names_the_field(jz, kwargs, field: str) -> None:
    kwargs = dict(kwargs)
    query = kwargs.pop("query", "écoles")
    with pytest.raises(InputError) as caught:
        jz.search(query, **kwargs)
    assert caught.value.context["field"] == field


def test_cli_edit_metadata_and_search(jz, tmp_path: Path) -> None:
    jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/ecoles")
    home = str(jz.settings.home)
    env = {"JAZARI_DATABASE_URL": jz.settings.url}
    runner = CliRunner()
    meta = tmp_path / "meta.json"
    meta.write_text(json.dumps(META, ensure_ascii=False), encoding="utf-8")
    edited = runner.invoke(app, ["--home", home, "datasets", "edit", "hcp/ecoles", "--metadata", str(meta), "--json"],
                           env=env)
    assert edited.exit_code == 0, edited.output
    assert json.loads(edited.output)["metadata"]["regions"] == ["01"]
    found = runner.invoke(app, ["--home", home, "search", "tanja", "--json"], env=env)
    assert found.exit_code == 0, found.output
    rows = json.loads(found.output)
    assert [r["dataset"] for r in rows] == ["hcp/ecoles"] and rows[0]["score"] > 0
    filtered = runner.invoke(app, ["--home", home, "search", "écoles", "--theme", "health", "--json"], env=env)
    assert json.loads(filtered.output) == []
    human = runner.invoke(app, ["--home", home, "search", "Tanger", "--region", "01"], env=env)
    assert "hcp/ecoles" in human.output and "1 found" in human.output
    bad = tmp_path / "bad.json"
    bad.write_text('{"themes": ["sport"]}', encoding="utf-8")
    refused = runner.invoke(app, ["--home", home, "datasets", "edit", "hcp/ecoles", "--metadata", str(bad)], env=env)
    assert refused.exit_code == 1 and "themes" in refused.output
    broken = tmp_path / "broken.json"
    broken.write_text("{title", encoding="utf-8")
    refused = runner.invoke(app, ["--home", home, "datasets", "edit", "hcp/ecoles", "--metadata", str(broken)], env=env)
    assert refused.exit_code == 1 and "not JSON" in refused.output
    reindexed = runner.invoke(app, ["--home", home, "search", "--reindex", "--json"], env=env)
    assert json.loads(reindexed.output) == {"reindexed": 1}


def test_api_search_and_metadata(jz, tmp_path: Path) -> None:
    jz.accounts.add_institute(OP, "hcp", names={"fr": "HCP"})
    jz.accounts.add_user(OP, "karim@hcp.ma", "Karim", password="correct horse battery")
    jz.accounts.add_user(OP, "amina@hcp.ma", "Amina", password="correct horse battery")
    jz.accounts.add_member(OP, "hcp", "karim@hcp.ma", "steward")
    jz.accounts.add_member(OP, "hcp", "amina@hcp.ma", "viewer")
    jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/ecoles")

    def auth(email: str, scopes: tuple[str, ...] = ("read", "write")) -> dict[str, str]:
        _info, secret = jz.accounts.create_token(jz.accounts.actor(email), "t", scopes=scopes)
        return {"authorization": f"Bearer {secret}"}

    with TestClient(create_app(jz, workers=False)) as client:
        url = "/api/v1/datasets/hcp/ecoles/metadata"
        put = client.put(url, json=META, headers=auth("karim@hcp.ma"))
        assert put.status_code == 200 and put.json()["metadata"]["themes"] == ["education"]
        refused = client.put(url, json=META, headers=auth("amina@hcp.ma"))
        assert refused.status_code == 403 and refused.json()["error"]["code"]
        bad = client.put(url, json={"regions": ["99"]}, headers=auth("karim@hcp.ma"))
        assert bad.status_code == 400 and bad.json()["error"]["context"]["field"] == "regions[0]"
        assert client.put(url, json=META).status_code in (401, 404)  # signed out: not even seen
        found = client.get("/api/v1/search", params={"q": "sbitar المدرسة", "theme": "education"},
                           headers=auth("amina@hcp.ma", ("read",)))
        assert found.status_code == 200
        body = found.json()
        assert [r["dataset"] for r in body["results"]] == ["hcp/ecoles"] and body["facets"]["region"] == {"01": 1}
        assert client.get("/api/v1/search", params={"q": "écoles"}).json()["total"] == 0  # anonymous sees nothing
        bad = client.get("/api/v1/search", params={"q": "x", "region": "13"})
        assert bad.status_code == 400 and bad.json()["error"]["context"]["field"] == "region"
        assert client.get("/api/v1/search", params={"limit": 0}).status_code in (400, 422)
