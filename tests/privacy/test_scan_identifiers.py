"""Numbers and identifiers found in fr, ar, Darija (both scripts) and en sentences; look-alikes not."""

from __future__ import annotations

import pytest

from jazari.privacy import Finding, scan_text

RIB = "011 810 0000182000005961 27"
IBAN = "MA64 0118 1000 0018 2000 0059 6127"


def found(text: str, entity: str) -> list[str]:
    """The texts of the findings of one entity."""
    findings = scan_text(text)
    for f in findings:
        assert text[f.start:f.end] == f.text
    return [f.text for f in findings if f.entity == entity]


def entities(text: str) -> set[str]:
    return {f.entity for f in scan_text(text)}


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("Mon numéro est le +212 (0)6 61 23 45 67, merci.", "+212 (0)6 61 23 45 67"),
        ("Tél : 06.61.23.45.67", "06.61.23.45.67"),
        ("Appelez le 0661-234567 après 18h.", "0661-234567"),
        ("Fixe: 05 22 12 34 56", "05 22 12 34 56"),
        ("WhatsApp +212661234567", "+212661234567"),
        ("joindre au 00212 661 23 45 67", "00212 661 23 45 67"),
        ("(+212) 6 61 23 45 67 est mon numéro", "(+212) 6 61 23 45 67"),
        ("رقم الهاتف: 0661234567 من فضلك", "0661234567"),
        ("رقم هاتفي ٠٦٦١٢٣٤٥٦٧", "٠٦٦١٢٣٤٥٦٧"),
        ("nmra dyali 07 01 02 03 04 3ayet liya", "07 01 02 03 04"),
        ("call me on +212 661 234 567 tomorrow", "+212 661 234 567"),
        ("Fax +212 5 22-12-34-56", "+212 5 22-12-34-56"),
        ("VoIP 0808 12 34 56", "0808 12 34 56"),
    ],
)
def test_phones(text: str, phone: str) -> None:
    assert found(text, "PHONE") == [phone]


def test_phone_list_separated_by_spaces() -> None:
    assert found("Tél 0661234567 0522123456", "PHONE") == ["0661234567", "0522123456"]


@pytest.mark.parametrize(
    "text",
    [
        "0312345678 n'est pas un numéro marocain",
        "code 0912345678",
        "le 0661234567890 est trop long",
        "06 61 23 45 67 89 est trop long",
        "+33 6 12 34 56 78",
        "+212 4 12 34 56 78",
    ],
)
def test_phone_lookalikes(text: str) -> None:
    assert found(text, "PHONE") == []


@pytest.mark.parametrize(
    ("text", "cin"),
    [
        ("CIN: AB123456", "AB123456"),
        ("Titulaire de la CIN n° J123456", "J123456"),
        ("carte nationale BK 12345", "BK 12345"),
        ("رقم البطاقة الوطنية BE654321", "BE654321"),
        ("cin dyali ab123456", "ab123456"),
        ("My national ID is JC 456789.", "JC 456789"),
        ("CIN: bk-12345", "bk-12345"),
        ("Sa CIN est A98765", "A98765"),
    ],
)
def test_cin(text: str, cin: str) -> None:
    assert found(text, "CIN") == [cin]


@pytest.mark.parametrize(
    "text", ["RC 123456 Casablanca", "BP 12345 Rabat", "Modèle A4 et B12", "salle B12", "Q3 2023"]
)
def test_cin_lookalikes(text: str) -> None:
    assert found(text, "CIN") == []


def test_cnss_needs_context() -> None:
    assert found("N° CNSS : 123456789", "CNSS") == ["123456789"]
    assert found("رقم الضمان الاجتماعي 987654321", "CNSS") == ["987654321"]
    assert found("numéro d'affiliation CNSS de l'employeur 1234567", "CNSS") == ["1234567"]
    assert found("cnss dyali 123 456 789", "CNSS") == ["123 456 789"]
    assert found("Référence 123456789 du dossier", "CNSS") == []
    assert found("Commande n° 4589632 expédiée", "CNSS") == []


def test_passport() -> None:
    assert found("Passeport n° AB1234567 valable", "PASSPORT") == ["AB1234567"]
    assert found("جواز السفر رقم UZ7654321", "PASSPORT") == ["UZ7654321"]
    assert found("passport number k1234567", "PASSPORT") == ["k1234567"]
    assert found("lpaspor dyali AB1234567", "PASSPORT") == ["AB1234567"]
    assert found("Produit réf ZX123456789", "PASSPORT") == []


def test_massar() -> None:
    assert found("Code Massar : G130012345", "MASSAR") == ["G130012345"]
    assert found("رمز مسار التلميذ R145678901", "MASSAR") == ["R145678901"]
    assert found("élève j134567890 absent", "MASSAR") == ["j134567890"]
    assert found("code g1300123456 trop long", "MASSAR") == []


@pytest.mark.parametrize(
    ("text", "plate"),
    [
        ("Voiture immatriculée 12345 | ب | 6", "12345 | ب | 6"),
        ("plaque 12345-ب-6 garée", "12345-ب-6"),
        ("لوحة السيارة 6-ب-12345", "6-ب-12345"),
        ("رقم 4567 د 40 شوهد", "4567 د 40"),
        ("matricule 12345-B-6", "12345-B-6"),
        ("la voiture 12345 A 6 est rouge", "12345 A 6"),
        ("tomobil dyalo WW 123456", "WW 123456"),
    ],
)
def test_plates(text: str, plate: str) -> None:
    assert found(text, "PLATE") == [plate]


@pytest.mark.parametrize(
    "text", ["Score 12-B-3 au tableau", "entre 5 و 6 أشخاص", "chambre 12 A 6", "12345-ب-95"]
)
def test_plate_lookalikes(text: str) -> None:
    assert found(text, "PLATE") == []


def test_email_and_ip() -> None:
    text = "Écrivez à ahmed.benali+rh@example.co.ma depuis 192.168.1.10 ou 2001:db8::8a2e:370:7334."
    assert found(text, "EMAIL") == ["ahmed.benali+rh@example.co.ma"]
    assert found(text, "IP") == ["192.168.1.10", "2001:db8::8a2e:370:7334"]
    assert found("البريد الإلكتروني: fatima@gmail.com", "EMAIL") == ["fatima@gmail.com"]
    assert found("Version 2.4.1.0 du logiciel, il est 12:30:45", "IP") == []
    assert found("a@b, user@localhost, 999.1.1.1", "EMAIL") + found("999.1.1.1", "IP") == []


@pytest.mark.parametrize(
    "text",
    [
        f"RIB : {RIB}",
        "Virement sur le compte 011810000018200000596127 svp",
        f"رقم الحساب البنكي {RIB}",
        f"sift liya l flous f had rib {RIB}",
    ],
)
def test_rib(text: str) -> None:
    assert len(found(text, "RIB")) == 1


def test_rib_with_wrong_key_is_not_flagged() -> None:
    assert found("RIB 011810000018200000596128", "RIB") == []
    assert found("nombre 123456789012345678901235", "RIB") == []


def test_iban() -> None:
    assert found(f"IBAN: {IBAN}", "IBAN") == [IBAN]
    assert found("IBAN MA64011810000018200000596127.", "IBAN") == ["MA64011810000018200000596127"]
    french = "FR76 3000 6000 0112 3456 7890 189"
    assert found(f"{french} (France)", "IBAN") == [french]
    assert found("IBAN: MA65 0118 1000 0018 2000 0059 6127", "IBAN") == []
    assert "RIB" not in entities(f"IBAN: {IBAN}")


def test_ice() -> None:
    assert found("ICE : 001561191000066", "ICE") == ["001561191000066"]
    assert found("التعريف الموحد للمقاولة 002136093000040", "ICE") == ["002136093000040"]
    assert found("ICE : 001561191000065", "ICE") == []


@pytest.mark.parametrize(
    "card",
    ["4111 1111 1111 1111", "5555-5555-5555-4444", "2221 0000 0000 0009", "378282246310005",
     "6011111111111117"],
)
def test_cards(card: str) -> None:
    assert found(f"Carte bancaire {card} exp 12/27", "CARD") == [card]


def test_card_failing_luhn() -> None:
    assert found("Carte 4111 1111 1111 1112", "CARD") == []


@pytest.mark.parametrize(
    "text",
    [
        "Prix : 1 234,56 DH TTC",
        "Facture FAC-2024-000123 du 15/01/2024",
        "Commande n° 4589632 livrée",
        "20250 Casablanca, Maroc",
        "En 2023, le PIB a augmenté de 3,2 %.",
        "Le 12/03/2024 à 10h30, salle 3.",
        "Total: 12 345 678 DH",
        "Réf. 2024/00458 - Dossier 77812",
        "Population 3 218 036 habitants",
        "Tél du standard : poste 204",
        "ISBN 978-2-07-036822-8",
        "Le baril est passé de 75.30 à 82.45 dollars",
        "Version 1.2.3, build 20240315, port 8080",
        "le match s'est fini 102-98",
    ],
)
def test_no_pii_lookalikes(text: str) -> None:
    assert scan_text(text) == [], text


def test_finding_shape() -> None:
    f = scan_text("CIN: AB123456")[0]
    assert isinstance(f, Finding)
    assert f.to_dict() == {"entity": "CIN", "start": 5, "end": 13, "score": f.score, "recognizer": "ma_cin",
                           "text": "AB123456"}
    assert 0.5 <= f.score <= 1.0


def test_arabic_context_words_with_clitics() -> None:
    text = "أنا الموقع أسفله، الحامل للبطاقة الوطنية رقم W45569، والساكن في"
    assert found(text, "CIN") == ["W45569"]
    assert found("سميتي ليلى، ورقم البطاقة ديالي z 81564، عيطو ليا", "CIN") == ["z 81564"]


def test_plates_written_with_spaces_need_context() -> None:
    assert found("Le véhicule immatriculé 79310 و 45 appartenant à M. X", "PLATE") == ["79310 و 45"]
    assert found("Le véhicule immatriculé 48 ب 83 a été verbalisé", "PLATE") == ["48 ب 83"]
    assert found("بين 79310 و 45 شخصا", "PLATE") == []
