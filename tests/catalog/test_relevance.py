"""Recall@10 of the relevance set (relevance.yaml: queries in fr, ar, Darija in both scripts and en
over a fixture catalog of Moroccan datasets), and access and facets over that catalog."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

import jazari
from jazari.governance.actors import Actor
from tests.catalog.relevance import build, evaluate, load_set
from tests.conftest import BACKENDS, PG_URL

FLOOR = 0.9
OUTSIDER = Actor(name="omar@dgsn.ma", roles={"dgsn": "steward"})


@pytest.fixture(scope="module", params=BACKENDS)
def catalog(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The fixture catalog, built once per backend for this module."""
    home = tmp_path_factory.mktemp("catalog")
    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{home / 'jazari.db'}"
    else:
        assert PG_URL is not None
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
    secrets = {key: f"test-only-{key}-0123456789abcdef" for key in ("secret_key", "privacy_key", "raw_key")}
    jz = jazari.open(home / "home", database_url=url, env="test", **secrets)
    build(jz, home / "files")
    yield jz
    jz.close()
    if schema:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_the_relevance_set_is_big_and_varied() -> None:
    relevance = load_set()
    assert len(relevance["datasets"]) >= 25 and len(relevance["queries"]) >= 30
    assert {q["lang"] for q in relevance["queries"]} == {"fr", "ar", "ary", "ary-Latn", "en"}


def test_recall_at_10_has_a_floor(catalog) -> None:
    events = len(catalog.audit())
    result = evaluate(catalog)
    assert result["recall"] >= FLOOR, result["misses"]
    assert all(score >= 0.8 for score in result["by_language"].values()), result["by_language"]
    assert len(catalog.audit()) == events  # searching writes nothing


@pytest.mark.parametrize(("query", "expected"), [
    ("إحصاء", "hcp/communes-2024"), ("احصاء", "hcp/communes-2024"), ("الإحصاء", "hcp/communes-2024"),
    ("مدرسة", "men/ecoles-draa-tafilalet"), ("مدرسه", "men/ecoles-draa-tafilalet"),
    ("المدرسة", "men/ecoles-draa-tafilalet"), ("والمدارس", "men/ecoles-draa-tafilalet"),
    ("الْمُسْتَشْفَى", "sante/hopitaux"), ("Tanger", "transport/port-tanger-med"),
    ("tanja", "transport/port-tanger-med"), ("طنجة", "transport/port-tanger-med"),
    ("ecoles draa", "men/ecoles-draa-tafilalet"), ("ÉCOLES DRÂA", "men/ecoles-draa-tafilalet"),
    ("taux_remplissage", "agriculture/barrages"),  # a column name
])
def test_spelling_variants_find_the_dataset(catalog, query: str, expected: str) -> None:
    found = [r["dataset"] for r in catalog.search(query)["results"]]
    assert expected in found[:3], found


def test_institute_names_find_their_datasets(catalog) -> None:
    hcp = {"hcp/communes-2024", "hcp/chomage-regional", "hcp/prix-consommation"}
    assert {r["dataset"] for r in catalog.search("Commissariat")["results"]} == hcp
    assert {r["dataset"] for r in catalog.search("المندوبية السامية")["results"]} == hcp


def test_tanger_finds_a_dataset_titled_only_in_arabic(catalog) -> None:
    catalog.set_metadata("hcp/prix-consommation", {"title": {"ar": "أسعار السكن في طنجة"}})
    try:
        assert catalog.search("Tanger")["results"][0]["dataset"] in {"hcp/prix-consommation",
                                                                     "transport/port-tanger-med"}
        assert "hcp/prix-consommation" in [r["dataset"] for r in catalog.search("Tanger")["results"]]
        assert "hcp/prix-consommation" not in [r["dataset"] for r in catalog.search("Oujda")["results"]]
    finally:
        spec = load_set()["datasets"]["hcp/prix-consommation"]
        catalog.set_metadata("hcp/prix-consommation", {k: spec[k] for k in ("title", "keywords", "themes", "license")})


def test_tifinagh_and_sign_only_queries_return_without_error(catalog) -> None:
    assert catalog.search("ⵜⴰⵎⴰⵣⵉⵖⵜ ⴰⵙⴰⵍⵓ")["total"] == 0
    assert catalog.search("?!* \"' OR AND NEAR(")["results"] == []
    assert catalog.search("de la")["total"] == 0  # only stop words: nothing to look for


def test_a_restricted_unlisted_dataset_never_appears_for_an_outsider(catalog) -> None:
    for query in ("patients", "مرضى", "dossiers hôpital", "", "santé"):
        seen = [r["dataset"] for r in catalog.search(query, actor=OUTSIDER, limit=100)["results"]]
        assert "sante/dossiers-patients" not in seen
    assert "sante/dossiers-patients" in [r["dataset"] for r in catalog.search("patients")["results"]]
    steward = Actor(name="nadia@sante.ma", roles={"sante": "viewer"})
    assert "sante/dossiers-patients" in [r["dataset"] for r in catalog.search("patients", actor=steward)["results"]]
    assert catalog.search("", actor=Actor.anonymous())["total"] == 0  # nothing public in this catalog
    assert catalog.search("", actor=OUTSIDER)["facets"]["theme"]["health"] == 3  # facets count only what one sees


def test_facets_count_the_matches_and_filters_narrow_them(catalog) -> None:
    everything = catalog.search("", limit=100)
    assert everything["total"] == 26
    facets = everything["facets"]
    assert facets["theme"]["major_sporting_events"] == 3 and facets["theme"]["health"] == 4
    assert facets["region"]["08"] == 3 and facets["institute"]["cojm"] == 3
    assert facets["format"] == {"csv": 26} and facets["access"] == {"institute": 25, "restricted": 1}
    assert facets["license"]["CC BY 4.0"] == 9
    sport = catalog.search("", theme="major_sporting_events", limit=100)
    assert sport["total"] == 3 and sport["facets"]["theme"] == {"major_sporting_events": 3}
    assert {r["dataset"] for r in catalog.search("stades", region="06")["results"]} == {"cojm/stades-can-2025"}
    assert catalog.search("", institute="onee", license="licence ouverte")["total"] == 1
    assert catalog.search("", access="restricted", format=".CSV")["total"] == 1
    assert catalog.search("", theme="health", region="08")["total"] == 0
