"""Award windows and fee amounts, as data."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from creditbank.core.awards import (
    Window,
    WindowKind,
    charge_amount,
    check_window,
    next_opening,
    open_window,
    receipt_number,
)
from creditbank.core.errors import InvalidInput

D = date(2026, 1, 1)
AWARD = [
    Window(WindowKind.AWARD, D, D + timedelta(days=30)),
    Window(WindowKind.AWARD, D + timedelta(days=180), D + timedelta(days=200)),
]


def test_the_open_window_and_the_next_opening() -> None:
    assert open_window(AWARD, WindowKind.AWARD, D + timedelta(days=10)) == AWARD[0]
    assert open_window(AWARD, WindowKind.INTAKE, D + timedelta(days=10)) is None
    assert open_window(AWARD, WindowKind.AWARD, D + timedelta(days=60)) is None
    assert next_opening(AWARD, WindowKind.AWARD, D + timedelta(days=60)) == D + timedelta(days=180)
    assert next_opening(AWARD, WindowKind.AWARD, D + timedelta(days=190)) is None


@pytest.mark.parametrize(
    ("kind", "closes", "confers"),
    [("graduation", 10, None), ("award", -1, None), ("award", 10, 5)],
)
def test_impossible_windows_are_refused(kind: str, closes: int, confers: int | None) -> None:
    with pytest.raises(InvalidInput):
        check_window(
            kind, D, D + timedelta(days=closes), None if confers is None else D + timedelta(days=confers)
        )


@given(
    st.decimals(min_value=0, max_value=10_000, places=2),
    st.decimals(min_value=0, max_value=500, places=2),
    st.decimals(min_value=0, max_value=100, places=2),
)
@example(Decimal("0.03"), Decimal("75.50"), Decimal(0))  # 2.265: half a cent rounds up, to 2.27
def test_a_charge_is_gross_less_waiver_to_the_cent(
    price: Decimal, quantity: Decimal, percent: Decimal
) -> None:
    amount = charge_amount(price, quantity, percent)
    assert amount.gross == (price * quantity).quantize(
        Decimal("0.01"), ROUND_HALF_UP
    )  # money: half a cent up
    assert amount.waived + amount.due == amount.gross
    assert Decimal(0) <= amount.due <= amount.gross
    if percent == 100:
        assert amount.due == 0


def test_negative_fees_and_impossible_waivers_are_refused() -> None:
    with pytest.raises(InvalidInput):
        charge_amount(Decimal("-1"), Decimal(1))
    with pytest.raises(InvalidInput):
        charge_amount(Decimal("10"), Decimal(1), Decimal("101"))


def test_receipt_numbers_sort_within_a_year() -> None:
    assert receipt_number("CB", 2026, 42) == "CB-2026-000042"
    assert receipt_number("CB", 2026, 9) < receipt_number("CB", 2026, 10)
