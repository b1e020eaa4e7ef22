"""Academic terms: which term an outcome's date falls in, by an institution's calendar."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditbank.core.errors import InvalidInput
from creditbank.core.terms import format_term_starts, parse_term_starts, term_of

AUTUMN_SPRING = ((9, 1), (3, 1))
month_days = st.tuples(st.integers(1, 12), st.integers(1, 28))
calendars = st.lists(month_days, min_size=1, max_size=6, unique=True).map(tuple)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


@pytest.mark.parametrize(
    ("on", "label", "starts_on", "ends_on"),
    [
        (date(2024, 10, 8), "2024/25-1", date(2024, 9, 1), date(2025, 2, 28)),
        (date(2025, 2, 28), "2024/25-1", date(2024, 9, 1), date(2025, 2, 28)),
        (date(2025, 3, 1), "2024/25-2", date(2025, 3, 1), date(2025, 8, 31)),
        (date(2024, 8, 31), "2023/24-2", date(2024, 3, 1), date(2024, 8, 31)),
        (date(2024, 2, 29), "2023/24-1", date(2023, 9, 1), date(2024, 2, 29)),
    ],
)
def test_autumn_and_spring_terms(on: date, label: str, starts_on: date, ends_on: date) -> None:
    term = term_of(on, AUTUMN_SPRING)
    assert (term.label, term.starts_on, term.ends_on) == (label, starts_on, ends_on)


def test_a_calendar_year_and_terms_given_out_of_order() -> None:
    assert term_of(date(2024, 12, 31), ((1, 1),)).label == "2024-1"
    # The first start opens the year; the others follow in calendar order, whatever order given.
    starts = ((9, 1), (6, 1), (1, 15))
    assert [term_of(date(2025, m, 10), starts).label for m in (9, 2, 7)] == [
        "2025/26-1",
        "2024/25-2",
        "2024/25-3",
    ]


@pytest.mark.parametrize(
    ("raw", "says"),
    [([], "at least one"), (["13-01"], "13-01 is not a term start"), (["02-29"], "29 February"),
     (["09-01", "9-1"], "same day"), (["autumn"], "autumn is not a term start"), (["01-01"] * 7, "at most 6")],
)  # fmt: skip
def test_bad_calendars_are_named(raw: list[str], says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        parse_term_starts(raw)


@given(calendars)
def test_calendars_read_back(starts: tuple[tuple[int, int], ...]) -> None:
    assert parse_term_starts(format_term_starts(starts)) == starts


@given(days, calendars)
def test_a_day_lies_inside_its_term(on: date, starts: tuple[tuple[int, int], ...]) -> None:
    term = term_of(on, starts)
    assert term.starts_on <= on <= term.ends_on
    assert (term.starts_on.month, term.starts_on.day) in starts
    assert term_of(term.starts_on, starts) == term == term_of(term.ends_on, starts)
    assert 1 <= term.number <= len(starts)


@given(days, calendars)
def test_terms_follow_each_other_without_gaps(on: date, starts: tuple[tuple[int, int], ...]) -> None:
    term = term_of(on, starts)
    after = term_of(term.ends_on + timedelta(days=1), starts)
    assert after.starts_on == term.ends_on + timedelta(days=1)
    if after.number == 1:  # a new academic year begins
        assert (after.year, term.number) == (term.year + 1, len(starts))
    else:
        assert (after.year, after.number) == (term.year, term.number + 1)
