"""Credit arithmetic: conversion goes through learning hours and keeps ranges exact until rounding."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creditbank.core.credits import (
    CreditSystem,
    CreditValue,
    HoursBasis,
    RoundingMode,
    RoundingPolicy,
    convert,
    parse_amount,
    parse_credit_system,
)
from creditbank.core.errors import ConversionImpossible, InvalidCreditAmount, InvalidInput


@pytest.fixture(scope="session")
def convertible_pairs(shipped_credit_systems) -> list[tuple[CreditSystem, CreditSystem]]:
    """Every ordered pair of shipped systems (a system with itself included) that can be converted."""
    with_hours = [s for s in shipped_credit_systems.values() if s.hours_per_credit is not None]
    return [(a, b) for a, b in itertools.product(with_hours, repeat=2) if a.hours_basis == b.hours_basis]


def run(systems: dict[str, CreditSystem], amount: str, source: str, target: str, **policy):
    value = CreditValue(Decimal(amount), source)
    return convert(value, systems[source], systems[target], RoundingPolicy(**policy) if policy else None)


amounts = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False)


# --- worked examples from the shipped systems -----------------------------------------------------


def test_thirty_hkqf_credits_are_ten_to_twelve_ects(shipped_credit_systems):
    conversion = run(shipped_credit_systems, "30", "HKQF-CREDIT", "ECTS")

    assert conversion.hours.low == conversion.hours.high == 300
    assert conversion.exact == (Fraction(10), Fraction(12))
    assert (conversion.low, conversion.high) == (Decimal("10.00"), Decimal("12.00"))
    assert conversion.is_range


def test_twelve_ects_are_thirty_to_thirty_six_hkqf_credits(shipped_credit_systems):
    conversion = run(shipped_credit_systems, "12", "ECTS", "HKQF-CREDIT")

    assert (conversion.hours.low, conversion.hours.high) == (300, 360)
    assert conversion.exact == (Fraction(30), Fraction(36))
    assert (conversion.low, conversion.high) == (Decimal("30.00"), Decimal("36.00"))


def test_ten_hkqf_credits_are_exactly_ten_nzqf_credits(shipped_credit_systems):
    conversion = run(shipped_credit_systems, "10", "HKQF-CREDIT", "NZQF-CREDIT")

    assert conversion.exact == (Fraction(10), Fraction(10))
    assert conversion.low == conversion.high == Decimal("10.00")
    assert not conversion.is_range


def test_conversion_record_shows_hours_exact_range_and_rounding(shipped_credit_systems):
    conversion = run(shipped_credit_systems, "1", "HKQF-CREDIT", "ECTS")

    assert conversion.as_dict() == {
        "from": {"amount": "1", "system": "HKQF-CREDIT"},
        "to": {"system": "ECTS", "low": "0.33", "high": "0.40"},
        "hours": {"low": "10", "high": "10"},
        "exact": {"low": "1/3", "high": "2/5"},
        "rounding": {"places": 2, "mode": "outward"},
    }


@pytest.mark.parametrize(("source", "target"), [("GD-CREDIT", "HKQF-CREDIT"), ("HKQF-CREDIT", "GD-CREDIT")])
def test_guangdong_credits_cannot_be_converted_for_want_of_hours(shipped_credit_systems, source, target):
    with pytest.raises(ConversionImpossible) as excinfo:
        run(shipped_credit_systems, "3", source, target)

    err = excinfo.value
    assert err.params["system"] == "GD-CREDIT"
    assert err.message == (
        f"Credits of {source} cannot be converted to {target}: "
        "GD-CREDIT has no published number of learning hours per credit"
    )


@pytest.mark.parametrize(
    ("source", "target"), [("KR-ACBS-CREDIT", "HKQF-CREDIT"), ("HKQF-CREDIT", "KR-ACBS-CREDIT")]
)
def test_class_contact_hours_are_not_converted_to_notional_hours(shipped_credit_systems, source, target):
    with pytest.raises(ConversionImpossible) as excinfo:
        run(shipped_credit_systems, "3", source, target)

    assert "class-contact hours" in excinfo.value.message
    assert shipped_credit_systems["KR-ACBS-CREDIT"].hours_basis is HoursBasis.INSTRUCTION


def test_value_in_another_system_than_the_source_is_rejected(shipped_credit_systems):
    value = CreditValue(Decimal(3), "ECTS")

    with pytest.raises(InvalidInput) as excinfo:
        convert(value, shipped_credit_systems["HKQF-CREDIT"], shipped_credit_systems["ECTS"])

    assert excinfo.value.message == "The value is in ECTS, not HKQF-CREDIT."


def test_negative_value_is_rejected_before_converting(shipped_credit_systems):
    with pytest.raises(InvalidCreditAmount):
        run(shipped_credit_systems, "-3", "HKQF-CREDIT", "ECTS")


def test_credit_value_names_its_system():
    assert str(CreditValue(Decimal("7.5"), "ECTS")) == "7.5 ECTS"


# --- amounts --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("-1", "credits cannot be negative"),
        ("abc", "it is not a number"),
        ("", "it is not a number"),
        ("NaN", "it is not a finite number"),
        ("Infinity", "it is not a finite number"),
        ("-Infinity", "it is not a finite number"),
        ("1e9", "it is larger than any qualification"),
        ("1000000.01", "it is larger than any qualification"),
    ],
)
def test_invalid_amounts_are_rejected_with_a_reason(raw, reason):
    with pytest.raises(InvalidCreditAmount) as excinfo:
        parse_amount(raw)

    assert excinfo.value.params == {"amount": raw, "reason": reason}
    assert excinfo.value.status == 422


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("7.5", Decimal("7.5")), (" 7.5 ", Decimal("7.5")), ("0", Decimal(0)), (12, Decimal(12))],
)
def test_valid_amounts_are_read_exactly(raw, expected):
    assert parse_amount(raw) == expected


def test_the_largest_amount_is_accepted():
    assert parse_amount("1000000") == Decimal(1_000_000)


# --- rounding policy ------------------------------------------------------------------------------


@pytest.mark.parametrize("places", [-1, 7, 100])
def test_rounding_places_outside_zero_to_six_are_rejected(places):
    with pytest.raises(ValueError, match="between 0 and 6"):
        RoundingPolicy(places=places)


@pytest.mark.parametrize("places", [0, 6])
def test_rounding_places_at_the_bounds_are_accepted(places):
    assert RoundingPolicy(places=places).places == places


def test_outward_rounding_widens_the_range():
    policy = RoundingPolicy(places=0, mode=RoundingMode.OUTWARD)

    assert policy.round_low(Fraction(29, 10)) == Decimal(2)
    assert policy.round_high(Fraction(21, 10)) == Decimal(3)


def test_half_even_rounding_takes_ties_to_the_even_neighbour():
    policy = RoundingPolicy(places=0, mode=RoundingMode.HALF_EVEN)

    assert policy.round_low(Fraction(5, 2)) == Decimal(2)
    assert policy.round_high(Fraction(7, 2)) == Decimal(4)
    assert policy.round_low(Fraction(27, 10)) == Decimal(3)
    assert RoundingPolicy(places=2, mode=RoundingMode.HALF_EVEN).round_high(Fraction(1, 8)) == Decimal("0.12")


def test_down_rounding_never_promises_more_at_either_end():
    policy = RoundingPolicy(places=0, mode=RoundingMode.DOWN)

    assert policy.round_low(Fraction(29, 10)) == Decimal(2)
    assert policy.round_high(Fraction(29, 10)) == Decimal(2)
    assert RoundingPolicy(places=1, mode=RoundingMode.DOWN).round_high(Fraction(2, 3)) == Decimal("0.6")


def test_rounding_mode_changes_only_the_rounded_ends_of_a_conversion(shipped_credit_systems):
    # 2 HKQF credits = 20 hours = 20/30 .. 20/25 ECTS = 0.666.. .. 0.8
    results = {
        mode: run(shipped_credit_systems, "2", "HKQF-CREDIT", "ECTS", places=1, mode=mode)
        for mode in RoundingMode
    }

    assert {(r.low, r.high) for r in results.values()} == {
        (Decimal("0.6"), Decimal("0.8")),
        (Decimal("0.7"), Decimal("0.8")),
    }
    assert (results[RoundingMode.OUTWARD].low, results[RoundingMode.OUTWARD].high) == (
        Decimal("0.6"),
        Decimal("0.8"),
    )
    assert results[RoundingMode.HALF_EVEN].low == Decimal("0.7")
    assert results[RoundingMode.DOWN].low == Decimal("0.6")
    assert len({r.exact for r in results.values()}) == 1


def test_outward_rounding_contains_values_closer_to_a_step_than_28_digits():
    policy = RoundingPolicy()
    just_below_one = Fraction(10**30 - 1, 10**30)
    just_above_one = Fraction(10**30 + 1, 10**30)

    assert Fraction(policy.round_low(just_below_one)) <= just_below_one
    assert Fraction(policy.round_high(just_above_one)) >= just_above_one


@pytest.mark.parametrize("raw", ["1e-999999999", "1E-1000000"])
def test_amounts_with_huge_negative_exponents_are_rejected(raw):
    with pytest.raises(InvalidCreditAmount):
        parse_amount(raw)


# --- generated conversions ------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(amount=amounts, data=st.data())
def test_outward_range_contains_the_exact_range(convertible_pairs, amount, data):
    source, target = data.draw(st.sampled_from(convertible_pairs))

    conversion = convert(CreditValue(amount, source.code), source, target)

    low, high = conversion.exact
    assert low <= high
    assert Fraction(conversion.low) <= low
    assert Fraction(conversion.high) >= high
    step = Fraction(1, 10**conversion.policy.places)
    assert low - Fraction(conversion.low) < step
    assert Fraction(conversion.high) - high < step
    assert conversion.hours.low == Fraction(amount) * source.hours_per_credit.low
    assert conversion.hours.high == Fraction(amount) * source.hours_per_credit.high


@settings(max_examples=200, deadline=None)
@given(amount=amounts, data=st.data())
def test_conversion_round_trips_within_its_range(convertible_pairs, amount, data):
    source, target = data.draw(st.sampled_from(convertible_pairs))

    there = convert(CreditValue(amount, source.code), source, target)
    back_from_low = convert(CreditValue(there.low, target.code), target, source)
    back_from_high = convert(CreditValue(there.high, target.code), target, source)

    assert back_from_low.low <= amount <= back_from_high.high
    exact_low, exact_high = there.exact
    assert exact_low * target.hours_per_credit.low / source.hours_per_credit.high <= Fraction(amount)
    assert Fraction(amount) <= exact_high * target.hours_per_credit.high / source.hours_per_credit.low


@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_zero_credits_convert_to_zero(convertible_pairs, data):
    source, target = data.draw(st.sampled_from(convertible_pairs))

    conversion = convert(CreditValue(Decimal(0), source.code), source, target)

    assert conversion.exact == (Fraction(0), Fraction(0))
    assert conversion.low == conversion.high == 0


@settings(max_examples=200, deadline=None)
@given(amount=amounts, k=st.integers(0, 100), data=st.data())
def test_conversion_is_linear_in_the_amount(convertible_pairs, amount, k, data):
    source, target = data.draw(st.sampled_from(convertible_pairs))

    one = convert(CreditValue(amount, source.code), source, target)
    scaled = convert(CreditValue(amount * k, source.code), source, target)

    assert scaled.exact == (k * one.exact[0], k * one.exact[1])
    assert (scaled.hours.low, scaled.hours.high) == (k * one.hours.low, k * one.hours.high)


@settings(max_examples=100, deadline=None)
@given(a=amounts, b=amounts, data=st.data())
def test_more_credits_never_convert_to_fewer(convertible_pairs, a, b, data):
    source, target = data.draw(st.sampled_from(convertible_pairs))
    smaller, larger = sorted((a, b))

    low = convert(CreditValue(smaller, source.code), source, target)
    high = convert(CreditValue(larger, source.code), source, target)

    assert low.exact[0] <= high.exact[0]
    assert low.exact[1] <= high.exact[1]
    assert low.low <= high.low
    assert low.high <= high.high


@settings(max_examples=100, deadline=None)
@given(amount=amounts)
def test_systems_with_the_same_exact_hours_convert_one_for_one(shipped_credit_systems, amount):
    for source, target in itertools.permutations(["HKQF-CREDIT", "NZQF-CREDIT", "SCQF-CREDIT"], 2):
        conversion = convert(
            CreditValue(amount, source), shipped_credit_systems[source], shipped_credit_systems[target]
        )

        assert conversion.exact == (Fraction(amount), Fraction(amount))
        assert conversion.low == conversion.high == amount


# --- credit system documents ----------------------------------------------------------------------


def system_doc(make_text: Callable[[str], dict[str, str]], **changes: Any) -> dict[str, Any]:
    doc = {
        "code": "test-credit",
        "name": make_text("Test credit"),
        "hours_per_credit": {"min": "10", "max": "12"},
        "hours_basis": "notional",
        "full_time_year_credits": "60",
        "notes": None,
        "sources": ["https://example.org"],
        "confidence": "high",
    }
    doc.update(changes)
    return doc


def test_credit_system_document_is_read_exactly(make_text):
    system = parse_credit_system(system_doc(make_text))

    assert system.hours_per_credit is not None
    assert system.code == "TEST-CREDIT"
    assert (system.hours_per_credit.low, system.hours_per_credit.high) == (Fraction(10), Fraction(12))
    assert not system.hours_per_credit.exact
    assert system.full_time_year_credits == Decimal(60)


def test_credit_system_without_hours_is_accepted(make_text):
    system = parse_credit_system(system_doc(make_text, hours_per_credit=None, hours_basis=None))

    assert system.hours_per_credit is None
    assert system.hours_basis is None


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"hours_per_credit": {"min": "12", "max": "10"}}, "0 < min <= max"),
        ({"hours_per_credit": {"min": "0", "max": "10"}}, "0 < min <= max"),
        ({"hours_per_credit": {"min": "ten", "max": "10"}}, "give min and max as numbers"),
        ({"hours_per_credit": {"max": "10"}}, "give min and max as numbers"),
        ({"hours_basis": None}, "required when hours_per_credit is given"),
        ({"hours_basis": "lectures"}, "notional, instruction or null"),
        ({"confidence": "certain"}, "confidence:"),
        ({"code": ""}, "code: required"),
    ],
)
def test_invalid_credit_system_is_rejected_naming_the_problem(make_text, changes, fragment):
    with pytest.raises(InvalidInput) as excinfo:
        parse_credit_system(system_doc(make_text, **changes))

    assert fragment in excinfo.value.message


def test_credit_system_without_a_name_is_rejected(make_text):
    with pytest.raises(InvalidInput):
        parse_credit_system(system_doc(make_text, name=None))


def test_converting_a_system_to_itself_is_the_identity(shipped_credit_systems: Any) -> None:
    ects = shipped_credit_systems["ECTS"]
    result = convert(CreditValue(Decimal("12"), "ECTS"), ects, ects)
    assert (result.low, result.high) == (Decimal("12.00"), Decimal("12.00"))


def test_amounts_with_more_than_six_places_are_refused() -> None:
    with pytest.raises(InvalidCreditAmount, match="six decimal places"):
        parse_amount("0.1234567")
    assert parse_amount("0.123456") == Decimal("0.123456")
