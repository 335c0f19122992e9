"""Check digits and value checks, each tested with valid and invalid values."""

from __future__ import annotations

import datetime as dt

import pytest

from jazari.privacy.recognizers.contact import valid_ipv4, valid_ipv6
from jazari.privacy.recognizers.dates import parse_date, valid_birth_date
from jazari.privacy.recognizers.finance import (
    card_network,
    iban_remainder,
    luhn_ok,
    rib_key,
    valid_card,
    valid_iban,
    valid_ice,
    valid_rib,
)
from jazari.privacy.recognizers.ids import cin_score, passport_score, valid_plate
from jazari.privacy.recognizers.places import valid_gps_decimal, valid_gps_dms


def make_rib(first22: str) -> str:
    """A RIB with the right key for `first22`."""
    return first22 + f"{rib_key(first22):02d}"


def make_iban(rib: str) -> str:
    """The Moroccan IBAN of a RIB."""
    check = 98 - iban_remainder(f"MA00{rib}")
    return f"MA{check:02d}{rib}"


def make_ice(first13: str) -> str:
    """An ICE with the right key."""
    return first13 + f"{97 - (int(first13) * 100) % 97:02d}"


def luhn_complete(partial: str) -> str:
    """`partial` plus its Luhn check digit."""
    for d in "0123456789":
        if luhn_ok(partial + d):
            return partial + d
    raise AssertionError


@pytest.mark.parametrize(
    "rib", ["011810000018200000596127", "007780000079500000149542", "011519000001205000534921"]
)
def test_real_rib_examples_have_valid_keys(rib: str) -> None:
    assert valid_rib(rib)
    assert valid_rib(f"{rib[:3]} {rib[3:6]} {rib[6:22]} {rib[22:]}")


def test_rib_key_formula_and_wrong_keys() -> None:
    rib = make_rib("2301234567890123456789")
    assert valid_rib(rib)
    assert int(rib) % 97 == 0
    for wrong in range(100):
        if f"{wrong:02d}" != rib[22:]:
            assert not valid_rib(rib[:22] + f"{wrong:02d}")
    assert not valid_rib("0" * 24)
    assert not valid_rib(rib[:-1])


def test_moroccan_iban_is_ma64_plus_a_valid_rib() -> None:
    rib = make_rib("0077800000795000001495")
    iban = make_iban(rib)
    assert iban.startswith("MA64")  # every valid RIB gives check digits 64
    assert valid_iban(iban)
    assert valid_iban(" ".join(iban[i:i + 4] for i in range(0, 28, 4)))
    assert not valid_iban("MA65" + rib)
    assert not valid_iban("MA64" + rib[:-1] + str((int(rib[-1]) + 1) % 10))
    assert not valid_iban("MA64" + rib[:-2])  # wrong length


def test_foreign_ibans() -> None:
    assert valid_iban("FR76 3000 6000 0112 3456 7890 189")
    assert valid_iban("GB82 WEST 1234 5698 7654 32")
    assert not valid_iban("GB82 WEST 1234 5698 7654 33")
    assert not valid_iban("XX82 WEST 1234 5698 7654 32")


def test_ice_divisible_by_97() -> None:
    assert valid_ice("001561191000066")
    assert valid_ice("00 21 36 09 30 00 040")
    assert not valid_ice("001561191000065")
    ice = make_ice("1234567890001")
    assert valid_ice(ice) and not valid_ice(ice[:-1] + str((int(ice[-1]) + 1) % 10))
    assert not valid_ice("000000000000000")
    assert not valid_ice("12345")


@pytest.mark.parametrize(
    ("number", "network"),
    [
        ("4111111111111111", "visa"),
        ("5555555555554444", "mastercard"),
        ("2221000000000009", "mastercard"),
        ("2720999999999996", "mastercard"),
        ("378282246310005", "amex"),
        ("6011111111111117", "discover"),
        ("3530111333300000", "jcb"),
        ("30569309025904", "diners"),
        ("6200000000000005", "unionpay"),
        ("6759649826438453", "maestro"),
    ],
)
def test_card_networks_and_luhn(number: str, network: str) -> None:
    assert card_network(number) == network
    assert valid_card(number)
    broken = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert not valid_card(broken)


def test_cards_outside_iin_ranges_or_lengths() -> None:
    assert not valid_card(luhn_complete("123456789012345"))  # no network starts with 1
    assert not valid_card(luhn_complete("272100000000000"))  # 2721 is past the Mastercard 2-series
    assert not valid_card(luhn_complete("41111111111111"))  # Visa has no 15-digit numbers


def test_cin_and_passport_shapes() -> None:
    assert cin_score("AB123456") == 0.6
    assert cin_score("BK 12345") == 0.6
    assert cin_score("J123456") == 0.55
    assert cin_score("ab123456") == 0.25
    assert cin_score("A123") == 0.25
    assert cin_score("A12") == 0.0
    assert cin_score("le 2024") == 0.0
    assert cin_score("RC12345") == 0.0
    assert passport_score("AB1234567") == 0.5
    assert passport_score("AB 123456") == 0.25


@pytest.mark.parametrize(
    "plate", ["12345 | ب | 6", "12345-ب-6", "6-ب-12345", "12345-B-6", "1-أ-89", "WW 123456"]
)
def test_valid_plates(plate: str) -> None:
    assert valid_plate(plate)


@pytest.mark.parametrize("plate", ["12345-ب-90", "12345-ب-0", "0-ب-0", "12-ب-95"])
def test_invalid_plates(plate: str) -> None:
    assert not valid_plate(plate)


def test_gps_bounds() -> None:
    assert valid_gps_decimal("33.5731, -7.5898")  # Casablanca
    assert valid_gps_decimal("23.6848, -15.9579")  # Dakhla
    assert valid_gps_decimal("33.5731 N, 7.5898 W")
    assert valid_gps_decimal("-7.5898, 33.5731")  # GeoJSON order
    assert not valid_gps_decimal("40.4168, -3.7038")  # Madrid
    assert not valid_gps_decimal("33.5731, 7.5898")  # east of Greenwich: not Morocco
    assert not valid_gps_decimal("48.8566, 2.3522")
    assert valid_gps_dms("33°34'23\"N 7°35'23\"W")
    assert valid_gps_dms("33° 34' 23.5\" N, 7° 35' 23\" O")
    assert not valid_gps_dms("33°34'23\"N 7°35'23\"E")
    assert not valid_gps_dms("48°51'24\"N 2°21'03\"W")


def test_dates() -> None:
    assert parse_date("12/03/1990") == dt.date(1990, 3, 12)
    assert parse_date("1990-03-12") == dt.date(1990, 3, 12)
    assert parse_date("1er janvier 1985") == dt.date(1985, 1, 1)
    assert parse_date("12 غشت 1985") == dt.date(1985, 8, 12)
    assert parse_date("12 كانون الثاني 1990") == dt.date(1990, 1, 12)
    assert parse_date("31/02/1990") is None
    assert valid_birth_date("12/03/90")
    assert not valid_birth_date("12/03/2999")
    assert not valid_birth_date("12/03/1850")


def test_ip_checks() -> None:
    assert valid_ipv4("192.168.1.10") and not valid_ipv4("256.1.1.1") and not valid_ipv4("01.2.3.4")
    assert valid_ipv6("2001:db8::8a2e:370:7334") and valid_ipv6("fe80::1")
    assert not valid_ipv6("12:30:45") and not valid_ipv6("a::b") and not valid_ipv6("::")
