"""Two-level review of deposits: an outcome of a reviewed type waits for its institution's site,
then (for two levels) the site's sub-centre, before it stands in the bank. Each step is kept with
its reviewer, unit, time and reason, and is a ledger entry; the queues show what waits where."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, QuerySet

from creditbank.apps.accounts.models import UnitLevel
from creditbank.apps.accounts.permissions import Action, require, role_of
from creditbank.apps.deposits.ledger import outcome_events
from creditbank.apps.deposits.models import LearningOutcome, OutcomeReview, OutcomeStatus, ReviewPolicy
from creditbank.apps.deposits.services import review_levels
from creditbank.apps.ledger.services import ledger_append
from creditbank.core.deposits import OutcomeType
from creditbank.core.errors import InvalidInput, NotFound, PermissionDenied, gettext_noop


def review_policy_set(*, actor: Any, outcome_type: str, levels: int) -> ReviewPolicy:
    """Which review an outcome type gets: 0 none, 1 its site, 2 its site then the sub-centre."""
    require(actor, Action.MANAGE_NETWORK)
    unit = getattr(actor, "service_unit", None)
    if unit is not None and unit.level != UnitLevel.CENTRE:
        raise PermissionDenied(gettext_noop("Only the bank centre sets which deposits are reviewed."))
    try:
        kind = OutcomeType(outcome_type)
    except ValueError:
        raise InvalidInput(gettext_noop("Unknown outcome type %(type)s."), type=outcome_type) from None
    if levels not in (0, 1, 2):
        raise InvalidInput(gettext_noop("Review levels are 0, 1 or 2."))
    policy, _created = ReviewPolicy.objects.update_or_create(
        outcome_type=kind.value, defaults={"levels": levels}
    )
    return policy


def _scope(actor: Any) -> Q:
    """The pending outcomes an actor may review: a site's level 1 for its institutions, a
    sub-centre's level 2 for its sites' institutions, the centre (or staff of the whole bank) all."""
    require(actor, Action.REVIEW_DEPOSIT)
    unit = getattr(actor, "service_unit", None)
    if unit is None or unit.level == UnitLevel.CENTRE:
        return Q()
    if unit.level == UnitLevel.SITE:
        return Q(awaiting_level=1, institution__service_unit=unit)
    return Q(awaiting_level=2, institution__service_unit__parent=unit)


@dataclass(frozen=True)
class Waiting:
    outcome: LearningOutcome
    since: datetime  # deposited, or the last review step


def review_queue(actor: Any, *, limit: int = 500) -> list[Waiting]:
    """What waits for this reviewer, oldest first, with how long it has waited."""
    pending: QuerySet[LearningOutcome] = (
        LearningOutcome.objects.filter(_scope(actor), status=OutcomeStatus.PENDING)
        .select_related("learner", "entry", "institution")
        .annotate(last_step=Max("reviews__at"))
        .order_by("deposited_at", "pk")[:limit]
    )
    return [Waiting(o, o.last_step or o.deposited_at) for o in pending]  # type: ignore[attr-defined]


def outcomes_review(
    *, actor: Any, outcome_ids: Sequence[int], decision: str, reason: str = ""
) -> list[LearningOutcome]:
    """Approve (to the next level, or into the bank at the last) or reject with a reason."""
    if decision not in ("approved", "rejected"):
        raise InvalidInput(gettext_noop("Decide approved or rejected."))
    if decision == "rejected" and not reason.strip():
        raise InvalidInput(
            gettext_noop("Give the reason for rejecting: the institution and the learner read it.")
        )
    if not outcome_ids:
        raise InvalidInput(gettext_noop("Choose the outcomes to review."))
    levels = review_levels()
    unit = getattr(actor, "service_unit", None)
    with transaction.atomic():
        found = list(
            LearningOutcome.objects.select_for_update(of=("self",))
            .filter(_scope(actor), pk__in=list(outcome_ids), status=OutcomeStatus.PENDING)
            .select_related("learner", "entry", "institution")
        )
        missing = sorted(set(outcome_ids) - {o.pk for o in found})
        if missing:
            raise NotFound(
                gettext_noop("Outcomes %(outcomes)s are not waiting for your review."),
                outcomes=", ".join(map(str, missing)),
            )
        for outcome in found:
            level = outcome.awaiting_level or 1
            OutcomeReview.objects.create(
                outcome=outcome,
                level=level,
                unit=unit,
                decision=decision,
                reason=reason.strip(),
                reviewer=actor,
            )
            if decision == "rejected":
                outcome.status, outcome.awaiting_level = OutcomeStatus.REJECTED, None
                outcome.status_reason = reason.strip()
            elif level < levels.get(outcome.outcome_type, 1):
                outcome.awaiting_level = level + 1
            else:
                outcome.status, outcome.awaiting_level = OutcomeStatus.RECORDED, None
            outcome.save(update_fields=["status", "awaiting_level", "status_reason"])
        ledger_append(outcome_events("outcome.reviewed", found))
    return found


def reviews_of(outcome_id: int, actor: Any) -> list[OutcomeReview]:
    outcome = LearningOutcome.objects.filter(pk=outcome_id).select_related("learner").first()
    if outcome is None:
        raise NotFound(gettext_noop("There is no outcome %(outcome)s."), outcome=outcome_id)
    if role_of(actor) != "operator":
        require(actor, Action.DEPOSIT_OUTCOMES, institution_id=outcome.institution_id)
    return list(outcome.reviews.select_related("unit", "reviewer"))
