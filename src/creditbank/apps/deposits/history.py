"""A learner's record as it stood on a past date, answered from the ledger rather than from the
outcome table: what an auditor, or the learner in a dispute, needs to see."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from django.utils import timezone

from creditbank.apps.accounts.models import Learner
from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.deposits.models import LearningOutcome
from creditbank.apps.ledger.models import LedgerEntry
from creditbank.apps.ledger.services import learner_refs
from creditbank.apps.lookups import chunked
from creditbank.core.errors import InvalidInput, NotFound, gettext_noop
from creditbank.core.ledger.replay import ReplayedOutcome, replay


def record_as_of(*, actor: Any, learner: Learner, on: date) -> list[ReplayedOutcome]:
    """Every outcome the ledger shows for the learner at the end of ``on`` (the bank's time zone),
    with its status and facts as logged then, and the entry (seq) that says so."""
    require(actor, Action.VIEW_LEARNER_RECORD, learner_user_id=learner.user_id)
    if on > timezone.localdate():
        raise InvalidInput(
            gettext_noop("%(date)s is in the future: the ledger tells only the past."), date=on
        )
    ref = learner_refs([learner], create=False).get(learner.pk)
    if ref is None:
        raise NotFound(gettext_noop("The ledger holds nothing about this learner."))
    subjects = [
        f"outcome:{pk}" for pk in LearningOutcome.objects.filter(learner=learner).values_list("pk", flat=True)
    ]
    entries: list[tuple[int | None, str]] = []
    for chunk in chunked(subjects):
        entries += LedgerEntry.objects.filter(subject__in=chunk).order_by("pk").values_list("seq", "body")
    entries.sort(key=lambda e: (e[0] is None, e[0] or 0))  # the tree's order; pending entries last
    end = timezone.make_aware(datetime.combine(on, time.max)).astimezone(UTC)
    until = end.isoformat(timespec="microseconds").replace("+00:00", "Z")
    return replay(entries, ref, until)


def learner_named(actor: Any, number: str) -> Learner:
    """``me`` or a learner number; the role is checked before the lookup, so that a refused caller
    does not learn which numbers exist."""
    from creditbank.apps.accounts.learners import learner_of

    require(actor, Action.VIEW_LEARNER_RECORD, learner_user_id=getattr(actor, "pk", None))
    if number.strip().lower() == "me":
        return learner_of(actor)
    learner = Learner.objects.filter(public_id=number.strip().upper()).first()
    if learner is None:
        raise NotFound(gettext_noop("There is no learner %(number)s."), number=number)
    return learner


def replayed_out(item: ReplayedOutcome) -> dict[str, Any]:
    return {
        "outcome": item.outcome,
        "status": item.status,
        "recorded_at": item.recorded_at,
        "changed_at": item.changed_at,
        "ledger_seq": item.seq,
        **{k: v for k, v in item.facts.items()},
    }
