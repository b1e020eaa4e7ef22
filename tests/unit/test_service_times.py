"""Working-day deadlines: weekends and the bank's holidays do not count."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditbank.core.errors import InvalidInput
from creditbank.core.service_times import Clock, add_working_days, deadline


def test_fourteen_working_days_skip_two_weekends_and_a_holiday() -> None:
    friday = date(2026, 9, 25)
    assert add_working_days(friday, 14) == date(2026, 10, 15)
    assert add_working_days(friday, 14, {date(2026, 10, 1)}) == date(2026, 10, 16)


def test_a_deadline_is_late_only_after_its_day() -> None:
    due = deadline(Clock.RPL_APPEAL, date(2026, 12, 1), 1)
    assert due.due == date(2026, 12, 2)
    assert not due.overdue(date(2026, 12, 2))
    assert due.overdue(date(2026, 12, 3))
    assert due.days_late(date(2026, 12, 5)) == 3


def test_negative_service_times_are_refused() -> None:
    with pytest.raises(InvalidInput):
        add_working_days(date(2026, 1, 1), -1)


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)), st.integers(0, 60))
def test_the_due_day_is_a_working_day_with_exactly_n_working_days_before_it(start: date, days: int) -> None:
    holidays = {start + timedelta(days=d) for d in (3, 10, 17)}
    due = add_working_days(start, days, holidays)
    counted = [start + timedelta(days=d) for d in range(1, (due - start).days + 1)]
    working = [d for d in counted if d.weekday() < 5 and d not in holidays]
    assert len(working) == days
    if days:
        assert due.weekday() < 5
        assert due not in holidays
