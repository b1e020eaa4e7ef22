"""Credit arithmetic: a credit value always carries its system; conversion goes through hours.

A credit system defines one credit as a number of learning hours, either exactly (HKQF: 10
notional hours) or as a range (ECTS: 25-30 hours of workload). Converting keeps the range:

    hours        = amount × [source.min_hours, source.max_hours]
    target range = [hours_low / target.max_hours, hours_high / target.min_hours]

All arithmetic is exact (Fraction); rounding happens once, at the end, by an explicit policy.
The default policy rounds *outward* (low end down, high end up) so the published range always
contains the exact one. Systems with no published hour value, or defined in another kind of hours
(class-contact hours rather than notional learning hours), are not converted: the answer says why.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from creditbank.core.errors import (
    ConversionImpossible,
    InvalidCreditAmount,
    InvalidInput,
    gettext_noop,
)
from creditbank.core.frameworks import Confidence
from creditbank.core.texts import Text

MAX_AMOUNT = Decimal(1_000_000)
MAX_PLACES = 6  # more decimal places than any credit record needs; also bounds the arithmetic


class HoursBasis(enum.StrEnum):
    NOTIONAL = "notional"  # all learning and assessment time
    INSTRUCTION = "instruction"  # class-contact hours only


class RoundingMode(enum.StrEnum):
    OUTWARD = "outward"  # low end down, high end up: the published range contains the exact one
    HALF_EVEN = "half_even"
    DOWN = "down"  # both ends towards zero: never promise more than is certain

    @property
    def label(self) -> str:
        return {
            "outward": gettext_noop("rounded outward, so the exact range lies inside"),
            "half_even": gettext_noop("rounded half to even"),
            "down": gettext_noop("rounded down"),
        }[self.value]


@dataclass(frozen=True, slots=True)
class RoundingPolicy:
    places: int = 2
    mode: RoundingMode = RoundingMode.OUTWARD

    def __post_init__(self) -> None:
        if not 0 <= self.places <= 6:
            raise ValueError("rounding places must be between 0 and 6")

    def round_low(self, value: Fraction) -> Decimal:
        return _round(value, self.places, "half_even" if self.mode is RoundingMode.HALF_EVEN else "floor")

    def round_high(self, value: Fraction) -> Decimal:
        modes = {
            RoundingMode.OUTWARD: "ceiling",
            RoundingMode.DOWN: "floor",
            RoundingMode.HALF_EVEN: "half_even",
        }
        return _round(value, self.places, modes[self.mode])


def _round(value: Fraction, places: int, mode: str) -> Decimal:
    """Round an exact fraction to ``places`` decimals with integer arithmetic: no precision limit."""
    scaled = value * 10**places
    if mode == "floor":
        units = math.floor(scaled)
    elif mode == "ceiling":
        units = math.ceil(scaled)
    else:
        units = round(scaled)  # Fraction rounds half to even
    return Decimal(units).scaleb(-places)


@dataclass(frozen=True, slots=True)
class HoursRange:
    low: Fraction
    high: Fraction

    @property
    def exact(self) -> bool:
        return self.low == self.high


@dataclass(frozen=True, slots=True)
class CreditSystem:
    code: str
    name: Text
    hours_per_credit: HoursRange | None
    hours_basis: HoursBasis | None
    full_time_year_credits: Decimal | None
    notes: Text | None
    sources: tuple[str, ...]
    confidence: Confidence


@dataclass(frozen=True, slots=True)
class CreditValue:
    amount: Decimal
    system: str

    def __str__(self) -> str:
        return f"{self.amount} {self.system}"


@dataclass(frozen=True, slots=True)
class Conversion:
    source: CreditValue
    target_system: str
    hours: HoursRange
    exact: tuple[Fraction, Fraction]  # unrounded target range
    low: Decimal
    high: Decimal
    policy: RoundingPolicy

    @property
    def is_range(self) -> bool:
        return self.low != self.high

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": {"amount": str(self.source.amount), "system": self.source.system},
            "to": {"system": self.target_system, "low": str(self.low), "high": str(self.high)},
            "hours": {"low": _fraction_str(self.hours.low), "high": _fraction_str(self.hours.high)},
            "exact": {"low": _fraction_str(self.exact[0]), "high": _fraction_str(self.exact[1])},
            "rounding": {"places": self.policy.places, "mode": self.policy.mode.value},
        }


def _fraction_str(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def parse_amount(raw: str | int | Decimal) -> Decimal:
    """A credit amount: a non-negative decimal number, not too large, no exponent tricks."""
    text = str(raw).strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise InvalidCreditAmount(amount=text, reason=gettext_noop("it is not a number")) from None
    if not amount.is_finite():
        raise InvalidCreditAmount(amount=text, reason=gettext_noop("it is not a finite number"))
    if amount < 0:
        raise InvalidCreditAmount(amount=text, reason=gettext_noop("credits cannot be negative"))
    if amount > MAX_AMOUNT:
        raise InvalidCreditAmount(amount=text, reason=gettext_noop("it is larger than any qualification"))
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_PLACES:
        raise InvalidCreditAmount(amount=text, reason=gettext_noop("it has more than six decimal places"))
    return amount


def convert(
    value: CreditValue,
    source: CreditSystem,
    target: CreditSystem,
    policy: RoundingPolicy | None = None,
) -> Conversion:
    """Convert a credit value into another system through hours, keeping ranges exact until rounding."""
    policy = policy or RoundingPolicy()
    if value.system != source.code:
        raise InvalidInput(
            gettext_noop("The value is in %(value_system)s, not %(system)s."),
            value_system=value.system,
            system=source.code,
        )
    parse_amount(value.amount)
    for system in (source, target):
        if system.hours_per_credit is None:
            raise ConversionImpossible(
                source=source.code,
                target=target.code,
                reason=gettext_noop("%(system)s has no published number of learning hours per credit"),
                system=system.code,
            )
    if source.hours_basis != target.hours_basis:
        raise ConversionImpossible(
            source=source.code,
            target=target.code,
            reason=gettext_noop(
                "one counts notional learning hours and the other class-contact hours, "
                "so their hours are not the same measure"
            ),
        )
    assert source.hours_per_credit is not None
    assert target.hours_per_credit is not None
    amount = Fraction(value.amount)
    if source.code == target.code:  # the same credit, not a round trip through its hour range
        hours = HoursRange(amount * source.hours_per_credit.low, amount * source.hours_per_credit.high)
        low, high = policy.round_low(amount), policy.round_high(amount)
        return Conversion(value, target.code, hours, (amount, amount), low, high, policy)
    hours = HoursRange(amount * source.hours_per_credit.low, amount * source.hours_per_credit.high)
    exact = (hours.low / target.hours_per_credit.high, hours.high / target.hours_per_credit.low)
    return Conversion(
        source=value,
        target_system=target.code,
        hours=hours,
        exact=exact,
        low=policy.round_low(exact[0]),
        high=policy.round_high(exact[1]),
        policy=policy,
    )


def parse_credit_system(doc: Mapping[str, Any]) -> CreditSystem:
    problems: list[str] = []
    code = str(doc.get("code") or "").strip().upper()
    if not code:
        problems.append("code: required")
    name = Text.parse(doc.get("name"), "name", problems)
    hours = None
    raw_hours = doc.get("hours_per_credit")
    if raw_hours is not None:
        try:
            low, high = Fraction(str(raw_hours["min"])), Fraction(str(raw_hours["max"]))
        except (KeyError, TypeError, ValueError):
            problems.append("hours_per_credit: give min and max as numbers, or null")
        else:
            if not 0 < low <= high:
                problems.append("hours_per_credit: need 0 < min <= max")
            hours = HoursRange(low, high)
    basis = None
    if doc.get("hours_basis") is not None:
        try:
            basis = HoursBasis(str(doc["hours_basis"]))
        except ValueError:
            problems.append("hours_basis: notional, instruction or null")
    if hours is not None and basis is None:
        problems.append("hours_basis: required when hours_per_credit is given")
    year = doc.get("full_time_year_credits")
    notes = Text.parse(doc.get("notes"), "notes", problems)
    try:
        confidence = Confidence.parse(doc.get("confidence"))
    except ValueError as exc:
        problems.append(f"confidence: {exc}")
        confidence = Confidence.LOW
    if problems or name is None:
        raise InvalidInput(
            gettext_noop("Credit system %(code)s is not valid: %(problems)s"),
            code=code or "?",
            problems="; ".join(problems),
        )
    return CreditSystem(
        code=code,
        name=name,
        hours_per_credit=hours,
        hours_basis=basis,
        full_time_year_credits=None if year is None else Decimal(str(year)),
        notes=notes,
        sources=tuple(doc.get("sources") or ()),
        confidence=confidence,
    )
