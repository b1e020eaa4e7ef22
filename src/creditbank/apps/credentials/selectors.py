"""Reads for the credentials pages and API, scoped to who is asking."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from creditbank.apps.accounts.permissions import Action, require, role_of
from creditbank.apps.credentials.models import Credential, IssuerKey
from creditbank.apps.deposits.models import LearningOutcome, OutcomeStatus


def credentials_for(actor: Any, *, limit: int = 100) -> list[Credential]:
    """The learner's own credentials, an institution's, or the bank's latest for operators."""
    role = role_of(actor)
    found: QuerySet[Credential] = Credential.objects.select_related(
        "learner", "institution", "outcome__entry"
    )
    if role == "learner":
        found = found.filter(learner__user_id=actor.pk)
    elif role == "institution":
        found = found.filter(institution_id=actor.institution_id)
    else:
        require(actor, Action.ISSUE_CREDENTIAL)
    return list(found.order_by("-issued_at")[:limit])


def certifiable_outcomes(actor: Any, *, limit: int = 200) -> list[LearningOutcome]:
    """Outcomes the actor may have issued as credentials: standing records only."""
    role = role_of(actor)
    found = LearningOutcome.objects.select_related("entry", "institution", "learner").filter(
        status=OutcomeStatus.RECORDED
    )
    if role == "learner":
        found = found.filter(learner__user_id=actor.pk)
    elif role == "institution":
        found = found.filter(institution_id=actor.institution_id)
    else:
        require(actor, Action.ISSUE_CREDENTIAL)
    return list(found.order_by("-achieved_on", "-pk")[:limit])


def issuer_keys(actor: Any) -> list[IssuerKey]:
    """The institution's own keys, or every key (the bank's too) for operators."""
    require(actor, Action.MANAGE_ISSUER_KEYS)
    found = IssuerKey.objects.select_related("institution")
    if role_of(actor) == "institution":
        found = found.filter(institution_id=actor.institution_id)
    return list(found.order_by("institution__code", "-created_at"))
