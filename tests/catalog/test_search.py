"""Search in the database: the access rule, filters, the total, facet counts and paging are SQL, and
only the page's datasets are loaded; common words do not flood the results; the facets and the
vocabulary's counts follow the index, also when a database is upgraded. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from jazari.api.app import create_app
from jazari.catalog import search as catalog_search
from jazari.cli import app
from jazari.datasets.models import Dataset
from jazari.errors import InputError
from jazari.governance.actors import Actor
from jazari.governance.models import Institute
from jazari.store.database import Database
from tests.files import communes_csv
from tests.migrations import downgrade_to, upgrade_to

OP = Actor.operator()
NOW = datetime(2026, 11, 1, tzinfo=UTC)


def _catalog(jz, n: int = 12) -> list[str]:
    """`n` public datasets of one institute, the newest last: every other one about schools (and
    education), the others about roads; all of them say "commune" in their description."""
    jz.accounts.add_institute(OP, "hcp", names={"fr": "Haut-Commissariat au Plan"})
    with jz.db.session() as session:
        institute = session.scalar(sa.select(Institute.id).where(Institute.slug == "hcp"))
        for i in range(n):
            school = i % 2 == 0
            session.add(Dataset(
                institute_id=institute, name=f"d{i:02d}", access_level="public", recipe={},
                title=("Écoles primaires" if school else "Routes rurales") + f" {i}",
                description="Données par commune",
                meta={"themes": ["education" if school else "transport"], "regions": [f"{1 + i % 3:02d}"],
                      "license": "CC BY 4.0" if i % 3 else "Licence Ouverte"},
                updated_at=NOW + timedelta(minutes=i)))
    jz.reindex()
    return [f"hcp/d{i:02d}" for i in range(n)]


def _refs(result: dict) -> list[str]:
    return [r["dataset"] for r in result["results"]]


def test_pages_total_and_facets(jz, monkeypatch) -> None:
    refs = _catalog(jz)
    everything = jz.search("", limit=100)
    assert _refs(everything) == refs[::-1]  # no words: newest first
    assert everything["total"] == 12 and everything["facets_over"] == 12
    assert everything["facets"]["theme"] == {"education": 6, "transport": 6}
    assert everything["facets"]["license"] == {"CC BY 4.0": 8, "Licence Ouverte": 4}
    assert everything["facets"]["institute"] == {"hcp": 12} and everything["facets"]["access"] == {"public": 12}
    schools = jz.search("écoles", limit=100)
    assert sorted(_refs(schools)) == refs[0::2] and schools["total"] == 6
    monkeypatch.setattr(catalog_search, "FACET_WINDOW", 5)  # facets count the best 5; pages go on in SQL
    for query in ("", "écoles commune"):
        full = jz.search(query, limit=100)
        pages = [r for offset in range(0, 12, 4) for r in _refs(jz.search(query, limit=4, offset=offset))]
        assert pages == _refs(full) and full["total"] == 12 and full["facets_over"] == 5
        assert sum(full["facets"]["access"].values()) == 5 and sum(full["facets"]["theme"].values()) == 5
    assert _refs(jz.search("écoles commune", limit=6))[:6] == _refs(schools)  # both words rank first
    assert jz.search("", offset=40)["results"] == [] and jz.search("", offset=40)["total"] == 12


@pytest.mark.parametrize("offset", [-1, 10_001, "3", 2.0, True])
def test_a_bad_offset_names_the_field(jz, offset) -> None:
    with pytest.raises(InputError) as caught:
        jz.search("x", offset=offset)
    assert caught.value.context["field"] == "offset"


def test_filters_are_sql_and_follow_the_metadata(jz, tmp_path: Path) -> None:
    refs = _catalog(jz)
    assert jz.search("", theme="education", region="01", limit=100)["total"] == 2  # d00, d06
    assert jz.search("", license="licence ouverte")["total"] == 4  # a licence is found whatever its case
    assert jz.search("routes", institute="hcp")["total"] == 6 and jz.search("routes", institute="dgsn")["total"] == 0
    jz.set_metadata("hcp/d01", {"themes": ["education"], "license": "ODbL"}, actor=OP)
    assert "hcp/d01" in _refs(jz.search("", theme="education", limit=100))
    assert jz.search("", license="odbl")["results"][0]["dataset"] == "hcp/d01"
    jz.ingest(communes_csv(tmp_path / "c.csv"), "hcp/d03")  # a version: the format facet and filter
    found = jz.search("", format=".CSV")
    assert _refs(found) == ["hcp/d03"] and found["facets"]["format"] == {"csv": 1}
    assert found["results"][0]["format"] == "csv" and found["results"][0]["latest_version"] == 1
    assert len(refs) == 12


def test_what_moderation_hid_is_left_out_for_outsiders(jz) -> None:
    _catalog(jz)
    with jz.db.engine.begin() as conn:
        conn.execute(sa.update(Dataset).where(Dataset.name == "d00").values(hidden=True))
    outsider, member = Actor.anonymous(), Actor(name="vera@hcp.ma", roles={"hcp": "viewer"})
    for actor in (outsider, Actor(name="amina@univ.ma")):
        found = jz.search("écoles", actor=actor, limit=100)
        assert "hcp/d00" not in _refs(found) and found["total"] == 5
        assert found["facets"]["theme"] == {"education": 5}
    assert "hcp/d00" in _refs(jz.search("écoles", actor=member, limit=100))
    with jz.db.engine.begin() as conn:  # moderation hid only d02's description
        conn.execute(sa.update(Dataset).where(Dataset.name == "d02").values(description_hidden=True))
    shown = {r["dataset"]: r["description"] for r in jz.search("écoles", actor=outsider, limit=100)["results"]}
    assert shown["hcp/d02"] is None and shown["hcp/d04"] == "Données par commune"
    assert {r["dataset"]: r["description"] for r in jz.search("écoles", actor=member)["results"]}["hcp/d02"]


def test_common_words_do_not_flood_the_results(jz, monkeypatch) -> None:
    _catalog(jz)
    assert jz.search("budget commune")["total"] == 12  # a small catalog: every word counts
    jz.set_metadata("hcp/d03", {"title": {"fr": "Budget des communes"}}, actor=OP)
    monkeypatch.setattr(catalog_search, "COMMON_FROM", 10)  # as in a catalog of 10 datasets or more
    assert _refs(jz.search("budget des communes")) == ["hcp/d03"]  # "commune" is in every dataset
    assert jz.search("commune")["total"] == 12  # only common words: they count
    assert jz.search("commune zzzzz")["total"] == 12  # the other word is in no dataset
    assert jz.search("budget routes commune")["total"] == 6  # d03 is a road dataset too
    assert jz.search("budget des communes", theme="education")["total"] == 6  # no budget there: "commune" counts
    with jz.db.session() as session:
        groups = catalog_search.expand(session, "budget commune")
        assert catalog_search.informative(session, groups) == groups[:1]


def _docs(jz, *terms: str) -> dict[str, int]:
    with jz.db.session() as session:
        rows = session.execute(sa.select(catalog_search.TERMS.c.term, catalog_search.TERMS.c.docs)
                               .where(catalog_search.TERMS.c.term.in_(terms)))
        return dict(rows.all())


def test_the_vocabulary_counts_documents(jz) -> None:
    _catalog(jz)
    assert _docs(jz, "", "ecole", "route", "commune") == {"": 12, "ecole": 6, "route": 6, "commune": 12}
    jz.set_metadata("hcp/d00", {"title": {"fr": "Budget"}}, actor=OP)  # d00 is no longer about écoles
    assert _docs(jz, "", "ecole", "budget") == {"": 12, "ecole": 5, "budget": 1}
    with jz.db.engine.begin() as conn:  # an index lost its entries: rebuilding counts afresh
        conn.execute(sa.text("DELETE FROM search_index"))
    assert jz.reindex() == {"reindexed": 12}
    assert _docs(jz, "", "ecole", "budget", "commune") == {"": 12, "ecole": 5, "budget": 1, "commune": 12}


def test_the_api_pages_with_offset(jz) -> None:
    _catalog(jz)
    with TestClient(create_app(jz)) as client:
        first = client.get("/api/v1/search", params={"q": "écoles", "limit": 2}).json()
        second = client.get("/api/v1/search", params={"q": "écoles", "limit": 2, "offset": 2}).json()
        assert first["total"] == second["total"] == 6 and second["facets_over"] == 6
        assert not {r["dataset"] for r in first["results"]} & {r["dataset"] for r in second["results"]}
        assert client.get("/api/v1/search", params={"offset": -1}).status_code in (400, 422)


def test_the_cli_pages_with_offset(jz) -> None:
    _catalog(jz)
    runner, env = CliRunner(), {"JAZARI_DATABASE_URL": jz.settings.url}
    home = str(jz.settings.home)
    first = runner.invoke(app, ["--home", home, "search", "écoles", "--limit", "4", "--json"], env=env)
    rest = runner.invoke(app, ["--home", home, "search", "écoles", "--limit", "4", "--offset", "4", "--json"], env=env)
    assert first.exit_code == 0 and rest.exit_code == 0, first.output + rest.output
    assert [r["dataset"] for r in json.loads(first.output) + json.loads(rest.output)] == _refs(jz.search("écoles"))
    bad = runner.invoke(app, ["--home", home, "search", "écoles", "--offset", "-2"], env=env)
    assert bad.exit_code != 0 and "offset" in bad.output


def test_the_search_page_says_when_facets_count_the_best_only(jz, monkeypatch) -> None:
    _catalog(jz)
    with TestClient(create_app(jz, workers=False), headers={"accept-language": "en"}) as client:
        assert "best results" not in client.get("/search", params={"q": "commune"}).text
        monkeypatch.setattr(catalog_search, "FACET_WINDOW", 5)
        page = client.get("/search", params={"q": "commune"}).text
        assert "Counted over the 5 best results." in page and 'href="/datasets/hcp/d11"' in page


def test_upgrading_a_catalog_fills_its_facets_and_counts(database_url: str) -> None:
    db = Database(database_url)
    upgrade_to(db, "0005")
    now = datetime.now(UTC)
    with db.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO institutes (id, slug, created_at) VALUES (1, 'hcp', :t)"), {"t": now})
        conn.execute(sa.text(
            "INSERT INTO datasets (id, institute_id, name, access_level, recipe, metadata, unlisted, created_at, "
            "updated_at) VALUES (7, 1, 'ecoles', 'public', '{}', :m, false, :t, :t)"),
            {"m": '{"themes": ["education"], "regions": ["01", "08"], "license": "CC BY 4.0"}', "t": now})
        for number, source in ((1, "old.xlsx"), (2, "ecoles.CSV")):
            conn.execute(sa.text(
                "INSERT INTO versions (dataset_id, number, delta_version, mode, source_name, source_size, "
                "source_sha256, reader_options, table_schema, rows_read, rows_written, rows_quarantined, rows_total, "
                "profile, validation, actor, software_version, created_at) VALUES (7, :n, :n, 'replace', :s, 1, "
                "'x', '{}', '{}', 1, 1, 0, 1, '{}', '{}', 'op', '0', :t)"), {"n": number, "s": source, "t": now})
        key = "rowid" if db.engine.dialect.name == "sqlite" else "dataset_id"
        conn.execute(sa.text(f"INSERT INTO search_index ({key}, title, body) VALUES (7, 'ecole ecole', 'tanger')"))
        conn.execute(sa.text("INSERT INTO search_terms (term) VALUES ('ecole'), ('tanger'), ('gone')"))
    db.upgrade()
    with db.engine.connect() as conn:
        facets = conn.execute(sa.text("SELECT facet, key, value FROM dataset_facets WHERE dataset_id = 7")).all()
        docs = dict(conn.execute(sa.text("SELECT term, docs FROM search_terms")).all())
    assert sorted(facets) == [("format", "csv", "csv"), ("license", "cc by 4.0", "CC BY 4.0"),
                              ("region", "01", "01"), ("region", "08", "08"), ("theme", "education", "education")]
    assert docs == {"": 1, "ecole": 1, "tanger": 1, "gone": 0}
    db.dispose()


def test_0006_goes_down_and_up_again(jz) -> None:
    _catalog(jz, 3)
    downgrade_to(jz.db, "0005")
    with jz.db.engine.connect() as connection:
        tables = sa.inspect(connection).get_table_names()
        assert "dataset_facets" not in tables
        assert "docs" not in {c["name"] for c in sa.inspect(connection).get_columns("search_terms")}
    jz.db.upgrade()
    assert _docs(jz, "", "ecole") == {"": 3, "ecole": 2}  # counted again from the index
    assert jz.search("", theme="education")["total"] == 2  # and the facets filled again
