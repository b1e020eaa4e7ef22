"""Service-time rules as data: how long the bank and institutions take to act, and how long a learner
has to appeal, counted in working days (Monday to Friday, less the public holidays the bank lists)."""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from creditbank.core.errors import InvalidInput, gettext_noop


class Clock(enum.StrEnum):
    TRANSFER_APPEAL = "transfer_appeal"  # the learner appeals a transfer decision within
    RPL_APPEAL = "rpl_appeal"  # the learner appeals an RPL decision within
    TRANSFER_DECISION = "transfer_decision"  # the receiving institution decides an application within
    AWARD_DECISION = "award_decision"  # the conferring institution decides an award application within
    DEPOSIT_REVIEW = "deposit_review"  # each review level acts within
    RPL_DECISION = "rpl_decision"  # the bank decides an RPL claim within
    ACCOUNT_REVIEW = "account_review"  # each review level acts on a new account within


CLOCK_LABELS = {
    Clock.TRANSFER_APPEAL: gettext_noop("Appeal against a transfer decision"),
    Clock.RPL_APPEAL: gettext_noop("Appeal against an RPL decision"),
    Clock.TRANSFER_DECISION: gettext_noop("Decision on a transfer application"),
    Clock.AWARD_DECISION: gettext_noop("Decision on an award application"),
    Clock.DEPOSIT_REVIEW: gettext_noop("Review of a deposit, at each level"),
    Clock.RPL_DECISION: gettext_noop("Decision on an RPL claim"),
    Clock.ACCOUNT_REVIEW: gettext_noop("Review of a new account, at each level"),
}

# The bank's defaults, in working days: the seeds' "RPL appeals within 14 working days of the
# decision"; the others are starting points each bank sets for itself.
DEFAULTS = {
    Clock.TRANSFER_APPEAL: 14,
    Clock.RPL_APPEAL: 14,
    Clock.TRANSFER_DECISION: 20,
    Clock.AWARD_DECISION: 15,
    Clock.DEPOSIT_REVIEW: 5,
    Clock.RPL_DECISION: 30,
    Clock.ACCOUNT_REVIEW: 3,
}


def add_working_days(start: date, days: int, holidays: Collection[date] = ()) -> date:
    """The day ``days`` working days after ``start`` (``start`` itself does not count)."""
    if days < 0:
        raise InvalidInput(gettext_noop("A service time is a number of working days, 0 or more."))
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            left -= 1
    return day


@dataclass(frozen=True)
class Deadline:
    clock: Clock
    started: date
    due: date

    def overdue(self, today: date) -> bool:
        return today > self.due

    def days_late(self, today: date) -> int:
        return max((today - self.due).days, 0)


def deadline(clock: Clock, started: date, days: int, holidays: Collection[date] = ()) -> Deadline:
    return Deadline(clock, started, add_working_days(started, days, holidays))
