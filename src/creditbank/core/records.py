"""Learning that earns no credit (工作经历, 社区活动, 学习积分): part of the lifelong record, kept apart
from learning outcomes so that no transfer, cap or pathway ever counts it."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from creditbank.core.errors import InvalidInput, gettext_noop

MAX_TITLE = 200
MAX_TEXT = 2000


class RecordKind(enum.StrEnum):
    WORK = "work_experience"
    COMMUNITY = "community_activity"
    POINTS = "learning_points"
    OTHER = "other_learning"


KIND_LABELS = {
    RecordKind.WORK: gettext_noop("Work experience"),
    RecordKind.COMMUNITY: gettext_noop("Community activity"),
    RecordKind.POINTS: gettext_noop("Learning points"),
    RecordKind.OTHER: gettext_noop("Other learning"),
}


@dataclass(frozen=True)
class RecordDraft:
    kind: RecordKind
    title: str
    organisation: str
    started_on: date
    ended_on: date | None
    hours: Decimal | None
    points: Decimal | None
    description: str


def _decimal(raw: object, field: str) -> Decimal | None:
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(gettext_noop("%(field)s is not a number."), field=field) from None
    if not value.is_finite() or value < 0 or value > Decimal("100000"):
        raise InvalidInput(gettext_noop("%(field)s must be between 0 and 100000."), field=field)
    return value.quantize(Decimal("0.01"))


def _date(raw: object, field: str) -> date | None:
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(gettext_noop("%(field)s is not a date (YYYY-MM-DD)."), field=field) from None


def parse_record(raw: Mapping[str, object], *, today: date) -> RecordDraft:
    """A record as a person describes it; the first problem found is named."""
    try:
        kind = RecordKind(str(raw.get("kind", "")).strip())
    except ValueError:
        raise InvalidInput(
            gettext_noop("kind must be one of %(kinds)s."), kinds=", ".join(k.value for k in RecordKind)
        ) from None
    title = " ".join(str(raw.get("title", "") or "").split())
    if not title:
        raise InvalidInput(gettext_noop("Give the record a title: what was done or learnt."))
    if len(title) > MAX_TITLE:
        raise InvalidInput(gettext_noop("The title is longer than 200 characters."))
    started = _date(raw.get("started_on"), "started_on")
    if started is None:
        raise InvalidInput(gettext_noop("started_on is required (YYYY-MM-DD)."))
    ended = _date(raw.get("ended_on"), "ended_on")
    if started > today or (ended is not None and ended > today):
        raise InvalidInput(gettext_noop("A record is of learning done: its dates cannot be in the future."))
    if ended is not None and ended < started:
        raise InvalidInput(gettext_noop("ended_on is before started_on."))
    points = _decimal(raw.get("points"), "points")
    if kind is RecordKind.POINTS and points is None:
        raise InvalidInput(gettext_noop("Learning points need the number of points."))
    description = str(raw.get("description", "") or "").strip()
    organisation = " ".join(str(raw.get("organisation", "") or "").split())
    if len(description) > MAX_TEXT or len(organisation) > MAX_TITLE:
        raise InvalidInput(gettext_noop("The description or the organisation is too long."))
    return RecordDraft(
        kind, title, organisation, started, ended, _decimal(raw.get("hours"), "hours"), points, description
    )
