"""Identity documents: check digits, normalisation, and blind indexes that find one person."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from creditbank.core.errors import InvalidInput
from creditbank.core.identity import (
    IdScheme,
    InvalidCreditCode,
    InvalidIdentityNumber,
    blind_index,
    hkid_check_digit,
    parse_identity,
    parse_uscc,
)

KEY = b"k" * 32
letters = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=2)
six_digits = st.text(alphabet="0123456789", min_size=6, max_size=6)


def valid_ric(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


ric_bodies = st.builds(
    lambda day, serial: f"110105{day:%Y%m%d}{serial:03d}",  # a region code valid on every date drawn
    st.dates(min_value=date(1930, 1, 1), max_value=date(2020, 12, 31)),
    st.integers(0, 999),
)


def test_the_published_hkid_example_is_valid() -> None:
    assert hkid_check_digit("A", "123456") == "3"
    assert parse_identity("hk_id", "A123456(3)").number == "A1234563"


@given(letters, six_digits)
def test_any_hkid_with_its_check_digit_is_accepted_in_every_common_spelling(prefix: str, digits: str) -> None:
    check = hkid_check_digit(prefix, digits)
    spellings = [
        f"{prefix}{digits}({check})",
        f"{prefix.lower()}{digits}{check}",
        f"{prefix} {digits} {check}",
    ]
    numbers = {parse_identity("hk_id", s).number for s in spellings}
    assert numbers == {f"{prefix}{digits}{check}"}


@given(letters, six_digits, st.sampled_from("0123456789A"))
def test_a_wrong_hkid_check_digit_is_refused(prefix: str, digits: str, check: str) -> None:
    if check == hkid_check_digit(prefix, digits):
        return
    with pytest.raises(InvalidIdentityNumber, match="check digit"):
        parse_identity("hk_id", f"{prefix}{digits}({check})")


@settings(max_examples=100)
@given(ric_bodies)
def test_resident_id_with_its_check_digit_is_accepted_and_a_changed_one_refused(body: str) -> None:
    number = valid_ric(body)
    assert parse_identity("cn_ric", number.lower()).number == number
    wrong = "0" if number[-1] != "0" else "1"
    with pytest.raises(InvalidIdentityNumber, match="check digit"):
        parse_identity("cn_ric", body + wrong)


def test_resident_id_with_a_birth_date_after_today_is_refused() -> None:
    number = valid_ric("44010620300101123")
    with pytest.raises(InvalidIdentityNumber, match="future"):
        parse_identity("cn_ric", number, today=date(2026, 11, 23))


@pytest.mark.parametrize(
    ("scheme", "number", "country", "reason"),
    [
        ("cn_ric", "12345", "", "18 characters"),
        ("hk_id", "123456(7)", "", "one or two letters"),
        ("mo_id", "9234567(8)", "", "starting with 1, 5 or 7"),
        ("travel_permit", "X12345678", "", "H or M"),
        ("passport", "K1234567", "", "three-letter code"),
        ("passport", "K1", "GBR", "5 to 20"),
        ("hk_id", "   ", "", "empty"),
    ],
)
def test_malformed_numbers_say_what_is_wrong(scheme: str, number: str, country: str, reason: str) -> None:
    with pytest.raises(InvalidIdentityNumber, match=reason):
        parse_identity(scheme, number, country=country)


def test_unknown_document_type_lists_the_known_ones() -> None:
    with pytest.raises(InvalidInput, match="cn_ric, hk_id"):
        parse_identity("driving_licence", "123")


def test_macao_permit_and_passport_normalise() -> None:
    assert parse_identity("mo_id", "1234567(8)").number == "12345678"
    assert parse_identity("travel_permit", "h12345678").number == "H12345678"
    passport = parse_identity("passport", "k 1234567", country="gbr")
    assert (passport.number, passport.country) == ("K1234567", "GBR")


@given(letters, six_digits)
def test_blind_index_finds_the_same_person_and_depends_on_the_key(prefix: str, digits: str) -> None:
    check = hkid_check_digit(prefix, digits)
    a = parse_identity("hk_id", f"{prefix}{digits}({check})")
    b = parse_identity("hk_id", f"{prefix.lower()} {digits}{check}")
    assert blind_index(a, KEY) == blind_index(b, KEY)
    assert blind_index(a, KEY) != blind_index(a, b"z" * 32)
    assert f"{digits}" not in blind_index(a, KEY)


def test_same_number_in_two_schemes_or_states_is_two_people() -> None:
    gbr = parse_identity("passport", "K1234567", country="GBR")
    usa = parse_identity("passport", "K1234567", country="USA")
    assert blind_index(gbr, KEY) != blind_index(usa, KEY)


def test_blind_index_refuses_a_short_key() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        blind_index(parse_identity("hk_id", "A123456(3)"), b"short")


def test_masked_number_hides_the_middle() -> None:
    identity = parse_identity("hk_id", "A123456(3)")
    assert identity.masked == "A1****63"
    assert IdScheme.HK_ID.label == "Hong Kong identity card"


def test_unified_social_credit_code_is_checked() -> None:
    assert parse_uscc("91110000600037341L") == "91110000600037341L"
    with pytest.raises(InvalidCreditCode, match="check character"):
        parse_uscc("91110000600037341M")
    with pytest.raises(InvalidCreditCode, match="18 characters"):
        parse_uscc("9111")


def test_a_region_code_that_did_not_exist_at_birth_is_refused() -> None:
    # Guangzhou's Yuexiu district code 440104 dates from 1983 in the national code table.
    with pytest.raises(InvalidIdentityNumber, match="region"):
        parse_identity("cn_ric", valid_ric("44010419800101001"))
    assert parse_identity("cn_ric", valid_ric("44010419900101001"))
