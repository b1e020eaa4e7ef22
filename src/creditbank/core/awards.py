"""Award cycles and fees as data: application windows with their conferment dates, a fee schedule
with waivers by category, and what a charge comes to. Pure: dates and amounts are given."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from creditbank.core.errors import InvalidInput, gettext_noop

CENT = Decimal("0.01")


class WindowKind(enum.StrEnum):
    INTAKE = "intake"  # when learners may register into a programme
    AWARD = "award"  # when learners may apply for an award


class FeeCode(enum.StrEnum):
    REGISTRATION = "registration"
    PER_CREDIT = "per_credit"  # for each credit recognised by transfer
    RPL_ASSESSMENT = "rpl_assessment"
    APPEAL = "appeal"  # refunded when the appeal is upheld
    AWARD_APPLICATION = "award_application"


FEE_LABELS = {
    FeeCode.REGISTRATION: gettext_noop("Registration"),
    FeeCode.PER_CREDIT: gettext_noop("Credit recognised (per credit)"),
    FeeCode.RPL_ASSESSMENT: gettext_noop("Assessment of prior learning"),
    FeeCode.APPEAL: gettext_noop("Appeal (refunded if upheld)"),
    FeeCode.AWARD_APPLICATION: gettext_noop("Award application"),
}


@dataclass(frozen=True)
class Window:
    kind: WindowKind
    opens: date
    closes: date  # the last day applications are taken
    confers_on: date | None = None  # when awards of this window are conferred

    def is_open(self, on: date) -> bool:
        return self.opens <= on <= self.closes


def check_window(kind: str, opens: date, closes: date, confers_on: date | None) -> Window:
    try:
        parsed = WindowKind(kind)
    except ValueError:
        raise InvalidInput(gettext_noop("A window is for intake or award applications.")) from None
    if closes < opens:
        raise InvalidInput(gettext_noop("The window closes before it opens."))
    if confers_on is not None and confers_on < closes:
        raise InvalidInput(gettext_noop("Awards are conferred after the window closes, not before."))
    return Window(parsed, opens, closes, confers_on)


def open_window(windows: Iterable[Window], kind: WindowKind, on: date) -> Window | None:
    """The window of this kind open on the date (the one closing first, if several overlap)."""
    found = sorted((w for w in windows if w.kind is kind and w.is_open(on)), key=lambda w: w.closes)
    return found[0] if found else None


def next_opening(windows: Iterable[Window], kind: WindowKind, after: date) -> date | None:
    """When the next window of this kind opens after the date, if one is planned."""
    later = [w.opens for w in windows if w.kind is kind and w.opens > after]
    return min(later) if later else None


@dataclass(frozen=True)
class ChargeAmount:
    gross: Decimal
    waived: Decimal
    due: Decimal


def charge_amount(
    unit_price: Decimal, quantity: Decimal, waiver_percent: Decimal = Decimal(0)
) -> ChargeAmount:
    """What a fee comes to: unit price × quantity, less the waiver's share, in cents (half up)."""
    if unit_price < 0 or quantity < 0:
        raise InvalidInput(gettext_noop("Fees and quantities are never negative."))
    if not Decimal(0) <= waiver_percent <= Decimal(100):
        raise InvalidInput(gettext_noop("A waiver is between 0 and 100 per cent."))
    gross = (unit_price * quantity).quantize(CENT, ROUND_HALF_UP)
    waived = (gross * waiver_percent / 100).quantize(CENT, ROUND_HALF_UP)
    return ChargeAmount(gross, waived, gross - waived)


def receipt_number(prefix: str, year: int, serial: int) -> str:
    """A receipt number the bank prints: prefix, year and a serial within it (CB-2026-000042)."""
    return f"{prefix}-{year}-{serial:06d}"
