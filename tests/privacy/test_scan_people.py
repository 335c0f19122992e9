"""Names, addresses, dates of birth and GPS positions in fr, ar, Darija (both scripts) and en."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jazari.privacy import scan_text
from jazari.privacy.recognizers.name_cues import arabizi_skeleton
from jazari.privacy.recognizers.names import _ARABIZI, arabizi_words, gazetteer
from jazari.privacy.recognizers.places import communes


def found(text: str, entity: str) -> list[str]:
    findings = scan_text(text)
    for f in findings:
        assert text[f.start:f.end] == f.text
    return [f.text for f in findings if f.entity == entity]


def test_gazetteers_are_big_enough_and_in_three_scripts() -> None:
    entries = gazetteer().entries
    assert len(entries) > 2000
    arabic = [w for w, _, _ in entries if "\u0621" <= w[0] <= "\u064a"]
    arabizi = [w for w, _, _ in entries if any(c in w for c in "2357") and w.isascii()]
    assert len(arabic) > 500 and len(arabizi) > 50
    assert len(communes()) > 1500


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Je m'appelle Fatima Zahra El Amrani et j'habite à Fès.", ["Fatima Zahra El Amrani"]),
        ("Mme Benali a signé le contrat.", ["Benali"]),
        ("M. Alaoui et Mlle Kettani sont arrivés.", ["Alaoui", "Kettani"]),
        ("Dr Tazi reçoit le mardi.", ["Tazi"]),
        ("Monsieur Zoubida Kettani, veuillez patienter.", ["Zoubida Kettani"]),
        ("Mohammed et Hamza sont venus hier.", ["Mohammed", "Hamza"]),
        ("Le dossier de KADIRI Youssef est complet.", ["KADIRI Youssef"]),
        ("Nom : ALAOUI  Prénom : Mohammed", ["ALAOUI", "Mohammed"]),
        ("Youssef El Kadiri a appelé.", ["Youssef El Kadiri"]),
    ],
)
def test_french_names(text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("السيد محمد العلوي حضر الاجتماع", ["محمد العلوي"]),
        ("اسمي فاطمة الزهراء وأنا من الرباط", ["فاطمة الزهراء"]),
        ("اتصلت السيدة خديجة بناني أمس", ["خديجة بناني"]),
        ("قال العلوي إن المشروع سينطلق", ["العلوي"]),
        ("المدعو يوسف الإدريسي", ["يوسف الإدريسي"]),
        ("حضر أحمد ومحمد إلى المدرسة", ["أحمد", "محمد"]),
    ],
)
def test_arabic_names(text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("smiti m7mmd w ana mn casa", ["m7mmd"]),
        ("3ziz w 5adija mchaw l souk", ["3ziz", "5adija"]),
        ("ana smiti Youssef", ["Youssef"]),
        ("tomobil dyal Hamza 7amra", ["Hamza"]),
        ("salam, ana 7amza men tanja", ["7amza"]),
        ("سميتي يوسف وساكن فكازا", ["يوسف"]),
        ("mo7amed ja lyoum", ["mo7amed"]),
    ],
)
def test_darija_names(text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("My name is Youssef Bennani and I work in Rabat.", ["Youssef Bennani"]),
        ("Mr Smith met Mrs Alaoui yesterday.", ["Smith", "Alaoui"]),
        ("Dear Fatima, thank you.", ["Fatima"]),
    ],
)
def test_english_names(text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


@pytest.mark.parametrize(
    "text",
    [
        "Karim est très karim avec ses invités.",  # sentence start, ambiguous: not enough
        "كان الأمل كبيرا والسماء صافية",
        "هو سعيد جدا بالنتيجة",
        "الطابق العلوي مغلق اليوم",
        "البحث العلمي مهم للتنمية",
        "Salam khoya, kolchi mzyan?",
        "He said he would come.",
        "wa7ed s7abi galia bli 7sen mn hadchi",
        "Il habite Avenue Hassan II à Rabat.",  # a street, not a person
        "شارع محمد الخامس مغلق",
    ],
)
def test_ambiguous_words_and_street_names_are_not_people(text: str) -> None:
    assert found(text, "PERSON") == []


def test_ambiguous_names_with_context() -> None:
    assert found("Mme Amal Berrada est arrivée.", "PERSON") == ["Amal Berrada"]
    assert found("السيدة أمل", "PERSON") == ["أمل"]
    assert found("Hier, Nour a appelé.", "PERSON") == ["Nour"]
    assert found("حسن سعيد موظف جديد", "PERSON") == ["حسن سعيد"]
    assert found("ana Salam", "PERSON") == ["Salam"]


@given(st.text(alphabet=st.sampled_from("abz0123579 é\n-_"), max_size=40))
def test_arabizi_words_are_the_runs_the_pattern_matches(match: str) -> None:
    assert arabizi_words(match) == [m.span() for m in _ARABIZI.finditer(match)]


def test_arabizi_words() -> None:
    assert arabizi_words("smiti m7mmd w 3ali, 2024 abc9 9ab a123456789012345678") == [(6, 11), (14, 18), (25, 29), (30, 33)]


def test_arabizi_skeleton() -> None:
    assert arabizi_skeleton("m7mmd") == arabizi_skeleton("Mohammed") == "mhmd"
    assert arabizi_skeleton("5adija") == arabizi_skeleton("Khadija")
    assert arabizi_skeleton("3bdellah") == arabizi_skeleton("Abdellah")


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("J'habite au 12 rue des Orangers, 20250 Casablanca.", "12 rue des Orangers, 20250 Casablanca"),
        ("Résidence Al Amal, Imm. 4, Appt 12, Hay Riad, Rabat",) * 2,
        ("Adresse: Lot. Al Wifaq n° 45, Temara", "Lot. Al Wifaq n° 45, Temara"),
        ("Il habite Avenue Hassan II à Rabat depuis 2010.", "Avenue Hassan II à Rabat"),
        ("Bd Zerktouni, Casablanca", "Bd Zerktouni, Casablanca"),
        ("Derb Sultan, Casablanca", "Derb Sultan, Casablanca"),
        ("يسكن في شارع محمد الخامس رقم 12، الدار البيضاء", "شارع محمد الخامس رقم 12، الدار البيضاء"),
        ("العنوان: زنقة 5 حي السلام، سلا", "زنقة 5 حي السلام، سلا"),
        ("تجزئة الأمل رقم 45 تمارة", "تجزئة الأمل رقم 45 تمارة"),
        ("kanskn f derb sultan casa", "derb sultan casa"),
        ("I live at 45 Avenue Mohammed V, Rabat.", "45 Avenue Mohammed V, Rabat"),
    ],
)
def test_addresses(text: str, address: str) -> None:
    assert found(text, "ADDRESS") == [address]


@pytest.mark.parametrize(
    "text",
    ["Il marchait dans la rue, il pleuvait.", "Un lot de 5 articles", "حي يرزق ولله الحمد",
     "a lot of people", "20250 Casablanca"],
)
def test_address_lookalikes(text: str) -> None:
    assert found(text, "ADDRESS") == []


@pytest.mark.parametrize(
    ("text", "dob"),
    [
        ("Né le 12/03/1990 à Fès", "12/03/1990"),
        ("née le 1er janvier 1985 à Rabat", "1er janvier 1985"),
        ("Date de naissance : 05-11-1979", "05-11-1979"),
        ("تاريخ الازدياد: 12 غشت 1985", "12 غشت 1985"),
        ("مزداد بتاريخ 03/04/1999 بمراكش", "03/04/1999"),
        ("ولد في 15 أيار 1970", "15 أيار 1970"),
        ("tzadt f 3/4/1999 f casa", "3/4/1999"),
        ("Date of birth: 1990-05-17", "1990-05-17"),
        ("DOB 17 May 1990", "17 May 1990"),
        ("born on 2 février 2001", "2 février 2001"),
    ],
)
def test_dates_of_birth(text: str, dob: str) -> None:
    assert found(text, "DOB") == [dob]


@pytest.mark.parametrize(
    "text",
    ["Réunion le 12/03/2024 à 10h", "Né le 12/03/1990. Réunion le 15/04/2024.", "الاجتماع يوم 15 فبراير 2024",
     "Facture du 31/12/2023", "né le 31/02/1990"],
)
def test_dates_without_birth_context(text: str) -> None:
    assert found(text, "DOB") in ([], ["12/03/1990"])
    if "Réunion le 15" in text:
        assert found(text, "DOB") == ["12/03/1990"]


@pytest.mark.parametrize(
    ("text", "gps"),
    [
        ("Position GPS : 33.5731, -7.5898", "33.5731, -7.5898"),
        ("الموقع 33°34'23\"N 7°35'23\"W قرب الميناء", "33°34'23\"N 7°35'23\"W"),
        ("Dakhla 23.6848, -15.9579", "23.6848, -15.9579"),
        ("lat: 34.0209, lng: -6.8416", "lat: 34.0209, lng: -6.8416"),
        ("https://maps.google.com/@31.6295,-7.9811,15z", "31.6295,-7.9811"),
        ("position 33.5731 N 7.5898 W", "33.5731 N 7.5898 W"),
    ],
)
def test_gps(text: str, gps: str) -> None:
    assert found(text, "GPS") == [gps]


@pytest.mark.parametrize(
    "text",
    ["Madrid 40.4168, -3.7038", "Paris 48.8566, 2.3522", "48°51'24\"N 2°21'03\"E", "prix 25.50, 10.20 DH"],
)
def test_gps_outside_morocco(text: str) -> None:
    assert found(text, "GPS") == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("The road from Sidi Kacem to Arekmane is closed.", []),
        ("تشدات ف مولاي يعقوب نهار الخميس", []),
        ("code postal dyal Ben Ahmed howa 26000", []),
        ("الماتش ف أوطاط الحاج نهار السبت", []),
        ("l7aja 7ajar Ait 7ammou 3ndo tension", ["7ajar Ait 7ammou"]),
        ("صاحبي عثمان أمزيل، عضو في النقابة", ["عثمان أمزيل"]),
        ("صيفط ليا الفلوس باسم سناء لحلو.", ["سناء لحلو"]),
        ("Merci d'effectuer le virement au nom de Mme Asmae Haddioui.", ["Asmae Haddioui"]),
        ("tomobil dyal Hamza 7amra", ["Hamza"]),
    ],
)
def test_places_named_after_people_and_family_names(text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


def test_address_stops_before_the_phone_that_follows() -> None:
    text = "بغيت نبدل العنوان ديالي ل رقم 120 زنقة محمد الخامس، حي سيدي مومن، تيفلت، والرقم ديالي 0686618889."
    assert found(text, "ADDRESS") == ["رقم 120 زنقة محمد الخامس، حي سيدي مومن، تيفلت"]
    assert found(text, "PHONE") == ["0686618889"]


def test_address_with_quarter_postal_code_and_commune() -> None:
    text = "residing at 195, rue Hassan II, Annahda, 63050 Ksar El Kebir, certify"
    assert found(text, "ADDRESS") == ["195, rue Hassan II, Annahda, 63050 Ksar El Kebir"]
    assert found("أنا ساكن ف دوار إغرم، جماعة سيدي علال المصدر، والباسبور ديالي", "ADDRESS") == [
        "دوار إغرم، جماعة سيدي علال المصدر"
    ]
    assert found("Order delivered to Dar El Kebdani.", "ADDRESS") == []  # a commune, not a street


@pytest.mark.parametrize(
    ("text", "dob"),
    [
        ("born on July 9, 1996, residing at", "July 9, 1996"),
        ("المزداد بتاريخ 2012/03/08 والساكن", "2012/03/08"),
        ("خويا نبيل تزاد ف 27 فبراير 1946", "27 فبراير 1946"),
    ],
)
def test_more_birth_date_forms(text: str, dob: str) -> None:
    assert found(text, "DOB") == [dob]
