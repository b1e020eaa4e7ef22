"""The bank's clocks: service times and holidays as data, the deadlines they give, and everything
overdue on the queues of the people who should act."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from creditbank.apps.accounts.permissions import Action, require, role_of
from creditbank.apps.awards.models import Holiday, ServiceTime
from creditbank.core.errors import InvalidInput, gettext_noop
from creditbank.core.service_times import CLOCK_LABELS, DEFAULTS, Clock, Deadline, deadline


def days_for(clock: Clock) -> int:
    row = ServiceTime.objects.filter(clock=clock.value).first()
    return row.days if row else DEFAULTS[clock]


def holidays() -> frozenset[date]:
    return frozenset(Holiday.objects.values_list("day", flat=True))


def _day(at: datetime | date) -> date:
    return timezone.localtime(at).date() if isinstance(at, datetime) else at


def due(clock: Clock, started: datetime | date) -> Deadline:
    return deadline(clock, _day(started), days_for(clock), holidays())


def service_time_set(*, actor: Any, clock: str, days: int) -> ServiceTime:
    require(actor, Action.MANAGE_NETWORK)
    try:
        found = Clock(clock)
    except ValueError:
        raise InvalidInput(gettext_noop("Unknown service %(clock)s."), clock=clock) from None
    if not 0 <= days <= 365:
        raise InvalidInput(gettext_noop("A service time is between 0 and 365 working days."))
    row, _created = ServiceTime.objects.update_or_create(clock=found.value, defaults={"days": days})
    return row


def holiday_add(*, actor: Any, day: date, name: str) -> Holiday:
    require(actor, Action.MANAGE_NETWORK)
    if not name.strip():
        raise InvalidInput(gettext_noop("Name the holiday."))
    row, _created = Holiday.objects.update_or_create(day=day, defaults={"name": name.strip()[:100]})
    return row


def service_times() -> list[tuple[Clock, str, int]]:
    return [(c, CLOCK_LABELS[c], days_for(c)) for c in Clock]


@dataclass(frozen=True)
class Overdue:
    clock: Clock
    ref: str
    what: str
    institution: str
    deadline: Deadline
    url: str


def overdue(actor: Any, *, today: date | None = None) -> list[Overdue]:
    """Everything past its service time that the actor's institution (or, for the bank, anyone)
    should act on, most overdue first."""
    from creditbank.apps.accreditation.models import AccreditationCase
    from creditbank.apps.awards.models import AwardApplication, AwardStatus
    from creditbank.apps.deposits.models import LearningOutcome, OutcomeStatus
    from creditbank.apps.recognition.models import TransferApplication

    role = role_of(actor)
    if role not in ("operator", "institution"):
        require(actor, Action.REVIEW_DEPOSIT)  # refuses everyone else, naming what they may not do
    own = {"institution_id": actor.institution_id} if role == "institution" else {}
    today = today or timezone.localdate()
    items: list[Overdue] = []
    for t in TransferApplication.objects.filter(status__in=["submitted", "appealed"], **own).select_related(
        "institution"
    ):
        items.append(Overdue(Clock.TRANSFER_DECISION, t.ref, t.qualification, t.institution.code,
                             due(Clock.TRANSFER_DECISION, t.submitted_at), reverse("recognition:transfer", args=[t.ref])))  # fmt: skip
    for a in AwardApplication.objects.filter(status=AwardStatus.SUBMITTED, **own).select_related(
        "institution", "qualification"
    ):
        items.append(Overdue(Clock.AWARD_DECISION, a.ref, a.qualification.code, a.institution.code,
                             due(Clock.AWARD_DECISION, a.submitted_at), reverse("awards:detail", args=[a.ref])))  # fmt: skip
    for o in LearningOutcome.objects.filter(status=OutcomeStatus.PENDING, **own).select_related(
        "institution", "entry"
    ):
        items.append(Overdue(Clock.DEPOSIT_REVIEW, str(o.pk), o.entry.code, o.institution.code,
                             due(Clock.DEPOSIT_REVIEW, o.deposited_at), reverse("deposits:outcome", args=[o.pk])))  # fmt: skip
    if role == "operator":
        for c in AccreditationCase.objects.filter(kind="rpl_claim", decided_at__isnull=True).select_related(
            "entry"
        ):
            items.append(Overdue(Clock.RPL_DECISION, c.ref, c.entry.code if c.entry else "", "",
                                 due(Clock.RPL_DECISION, c.created_at), reverse("accreditation:detail", args=[c.ref])))  # fmt: skip
    if role == "operator":
        from creditbank.apps.accounts.account_reviews import account_review_queue

        for w in account_review_queue(actor, limit=10_000):
            items.append(Overdue(Clock.ACCOUNT_REVIEW, w.learner.public_id, w.learner.full_name,
                                 w.learner.review_unit.code if w.learner.review_unit else "",
                                 due(Clock.ACCOUNT_REVIEW, w.since), reverse("accounts:account_reviews")))  # fmt: skip
    late = [i for i in items if i.deadline.overdue(today)]
    return sorted(late, key=lambda i: (-i.deadline.days_late(today), i.ref))


class AppealTooLate(InvalidInput):
    code = "appeal_too_late"
    template = gettext_noop(
        "Appeals are taken within %(days)s working days of the decision, until %(until)s."
    )


def appeal_window_check(clock: Clock, decided_at: datetime | None) -> None:
    """Refuse an appeal made after the service time for appealing (a decision with no date: allowed)."""
    if decided_at is None:
        return
    limit = due(clock, decided_at)
    if limit.overdue(timezone.localdate()):
        raise AppealTooLate(days=days_for(clock), until=limit.due.isoformat())
