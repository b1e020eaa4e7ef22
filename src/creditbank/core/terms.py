"""Academic terms: credit recognised by an institution is entered into the term in which the outcome
was achieved, by the institution's calendar of term starts (the first start opens the academic year:
["09-01", "03-01"] is an autumn and a spring term; ["01-01"] is a calendar year)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from creditbank.core.errors import InvalidInput, gettext_noop

DEFAULT_TERM_STARTS: tuple[tuple[int, int], ...] = ((9, 1), (3, 1))  # the mainland's autumn and spring
MAX_TERMS = 6


@dataclass(frozen=True, slots=True)
class Term:
    starts_on: date
    ends_on: date
    year: int  # the calendar year the academic year begins in
    number: int  # 1 for the term the first start opens
    spans_years: bool  # the academic year runs across two calendar years

    @property
    def label(self) -> str:
        """e.g. 2024/25-1 (autumn 2024), 2024/25-2 (spring 2025), 2024-1 for a calendar year."""
        year = f"{self.year}/{(self.year + 1) % 100:02d}" if self.spans_years else str(self.year)
        return f"{year}-{self.number}"


def parse_term_starts(raw: Sequence[str]) -> tuple[tuple[int, int], ...]:
    """Term starts as MM-DD, the academic year's first start first; each problem named."""
    if not raw:
        raise InvalidInput(gettext_noop("Give at least one term start, as MM-DD."))
    if len(raw) > MAX_TERMS:
        raise InvalidInput(gettext_noop("A year has at most %(n)s terms."), n=MAX_TERMS)
    starts = []
    for text in raw:
        try:
            month, day = (int(p) for p in str(text).strip().split("-"))
            date(2001, month, day)  # a year without 29 February: every start exists every year
        except (ValueError, TypeError):
            raise InvalidInput(
                gettext_noop(
                    "%(start)s is not a term start; write a month and day as MM-DD (not 29 February)."
                ),
                start=text,
            ) from None
        starts.append((month, day))
    if len(set(starts)) != len(starts):
        raise InvalidInput(gettext_noop("Two terms start on the same day."))
    return tuple(starts)


def format_term_starts(starts: Sequence[tuple[int, int]]) -> list[str]:
    return [f"{m:02d}-{d:02d}" for m, d in starts]


def term_of(on: date, starts: Sequence[tuple[int, int]]) -> Term:
    """The term a day falls in: from the latest term start on or before it to the day before the next."""
    if not starts:
        raise InvalidInput(gettext_noop("Give at least one term start, as MM-DD."))
    candidates = sorted(date(year, m, d) for year in (on.year - 1, on.year, on.year + 1) for m, d in starts)
    position = max(i for i, start in enumerate(candidates) if start <= on)
    starts_on = candidates[position]
    ends_on = candidates[position + 1] - timedelta(days=1)
    first = starts[0]
    month_day = (starts_on.month, starts_on.day)
    year = starts_on.year if month_day >= first else starts_on.year - 1
    in_year_order = sorted(starts, key=lambda md: (md < first, md))  # from the first start, wrapping
    return Term(starts_on, ends_on, year, in_year_order.index(month_day) + 1, spans_years=first != (1, 1))
