"""Reads: a learner's statement (学习成果清单) and an institution's deposits."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from creditbank.apps.accounts.models import Learner
from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.deposits.models import STANDING, LearningOutcome, OutcomeStatus


@dataclass(frozen=True)
class Statement:
    learner: Learner
    outcomes: list[LearningOutcome]
    history: list[LearningOutcome]  # revoked, superseded and rejected outcomes, kept for the record
    totals: dict[str, Decimal]  # credits per credit system, recorded outcomes only
    pending: list[LearningOutcome] = field(default_factory=list)  # deposited, awaiting review


def statement(*, actor: Any, learner: Learner, outcome_type: str = "", framework: str = "") -> Statement:
    require(actor, Action.VIEW_LEARNER_RECORD, learner_user_id=learner.user_id)
    rows = list(
        LearningOutcome.objects.select_related("entry", "institution")
        .filter(learner=learner)
        .order_by("-achieved_on", "pk")
    )
    for o in rows:  # every row is this learner's: no query per row when a reader asks (it was N+1)
        LearningOutcome.learner.field.set_cached_value(o, learner)
    if outcome_type:
        rows = [o for o in rows if o.outcome_type == outcome_type]
    if framework:
        rows = [o for o in rows if o.framework == framework.upper()]
    current = [o for o in rows if o.status == OutcomeStatus.RECORDED]
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for o in current:
        totals[o.credit_system] += o.credits
    history = [o for o in rows if o.status not in STANDING]
    pending = [o for o in rows if o.status == OutcomeStatus.PENDING]
    return Statement(learner, current, history, dict(totals), pending)


def institution_outcomes(institution_id: int, limit: int = 200) -> QuerySet[LearningOutcome]:
    return (
        LearningOutcome.objects.select_related("learner", "entry")
        .filter(institution_id=institution_id)
        .order_by("-deposited_at", "-pk")[:limit]
    )
