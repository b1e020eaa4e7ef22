"""Review of new accounts by the service network before they are official (实名审核).

Where the bank requires it, a new account waits for its site (the counter that opened it, or the
site serving the institution that registered it), then for one level the site's sub-centre. Staff
at a site who open an account at the counter have checked the identity document there: that is the
site's step, recorded as such. Accounts opened by the bank centre are official at once, and the
centre's review is final at any level (accounts opened online have no site, so the centre reviews
them). Until official, an account holds what is deposited for it but cannot apply for anything."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max, Q

from creditbank.apps.accounts.models import (
    AccountReview,
    AccountReviewPolicy,
    AccountStatus,
    Institution,
    Learner,
    ServiceUnit,
    UnitLevel,
)
from creditbank.apps.accounts.permissions import Action, require, role_of
from creditbank.apps.accounts.principals import person_of
from creditbank.apps.ledger.services import Event, learner_refs, ledger_append
from creditbank.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, gettext_noop

COUNTER_CHECK = "Identity document checked at the counter."


class AccountNotOfficial(Conflict):
    code = "account_not_official"
    template = gettext_noop(
        "Account %(learner)s is not official yet (it is under review): it cannot apply for anything until "
        "the bank has approved it."
    )


def account_review_levels() -> int:
    policy = AccountReviewPolicy.objects.first()
    return policy.levels if policy else 0


def account_review_policy_set(*, actor: Any, levels: int) -> int:
    """How many levels review a new account: 0 none, 1 its site, 2 its site then the sub-centre.
    Applies to accounts opened from now on."""
    require(actor, Action.MANAGE_NETWORK)
    unit = getattr(actor, "service_unit", None)
    if unit is not None and unit.level != UnitLevel.CENTRE:
        raise PermissionDenied(gettext_noop("Only the bank centre sets how new accounts are reviewed."))
    if levels not in (0, 1, 2):
        raise InvalidInput(gettext_noop("Review levels are 0, 1 or 2."))
    policy = AccountReviewPolicy.objects.first() or AccountReviewPolicy()
    policy.levels, policy.changed_by = levels, person_of(actor)
    policy.save()
    return levels


def _is_centre(unit: ServiceUnit | None) -> bool:
    return unit is None or unit.level == UnitLevel.CENTRE


@dataclass(frozen=True)
class Opening:
    """How a new account starts: official, or waiting at a level for a unit (None: the centre),
    with the site's counter check as its first step when staff at a site opened it."""

    status: str
    awaiting_level: int | None = None
    review_unit: ServiceUnit | None = None
    counter_check: bool = False

    def apply(self, learner: Learner) -> None:
        learner.status, learner.awaiting_level = self.status, self.awaiting_level
        learner.review_unit = self.review_unit


OFFICIAL = Opening(AccountStatus.OFFICIAL)


def account_opening(actor: Any, institution: Institution | None = None, *, in_person: bool = True) -> Opening:
    """Where a new account opened by ``actor`` starts: at a counter (``in_person``), or from a
    file of people registered by ``institution``."""
    levels = account_review_levels()
    if levels == 0:
        return OFFICIAL
    unit = getattr(actor, "service_unit", None)
    if role_of(actor) == "operator":
        if unit is None or unit.level in (UnitLevel.CENTRE, UnitLevel.SUB_CENTRE):
            return OFFICIAL  # the units that would review it opened it
        if not in_person:
            return Opening(AccountStatus.PENDING, 1, unit)
        if levels == 1:
            return Opening(AccountStatus.OFFICIAL, review_unit=unit, counter_check=True)
        return Opening(AccountStatus.PENDING, 2, unit, counter_check=True)
    if institution is None and getattr(actor, "institution_id", None) is not None:
        institution = Institution.objects.select_related("service_unit").get(pk=actor.institution_id)
    site = institution.service_unit if institution is not None else None
    return Opening(AccountStatus.PENDING, 1, site)


def account_opened(learner: Learner, actor: Any, opening: Opening) -> None:
    """Record the counter check of an account opened at a site (inside the opening transaction)."""
    if opening.counter_check:
        step = AccountReview.objects.create(
            learner=learner, level=1, unit=opening.review_unit, decision="approved", reason=COUNTER_CHECK,
            reviewer=actor,
        )  # fmt: skip
        ledger_append([_event(learner, step)])


def _scope(actor: Any) -> Q:
    """The waiting accounts an actor may review: a site's level 1, a sub-centre's level 2 for its
    sites, the centre (or staff of the whole bank) every one."""
    require(actor, Action.REVIEW_ACCOUNT)
    unit = getattr(actor, "service_unit", None)
    if unit is None or unit.level == UnitLevel.CENTRE:
        return Q()
    if unit.level == UnitLevel.SITE:
        return Q(awaiting_level=1, review_unit=unit)
    return Q(awaiting_level=2, review_unit__parent=unit)


@dataclass(frozen=True)
class WaitingAccount:
    learner: Learner
    since: datetime  # opened, or the last review step


def account_review_queue(actor: Any, *, limit: int = 500) -> list[WaitingAccount]:
    """The accounts waiting for this reviewer, oldest first."""
    pending = (
        Learner.objects.filter(_scope(actor), status=AccountStatus.PENDING)
        .select_related("review_unit", "opened_at_institution")
        .annotate(last_step=Max("reviews__at"))
        .order_by("created_at", "pk")[:limit]
    )
    return [WaitingAccount(a, a.last_step or a.created_at) for a in pending]


def accounts_review(*, actor: Any, numbers: Sequence[str], decision: str, reason: str = "") -> list[Learner]:
    """Approve (to the next level, or official at the last; the centre's approval is final) or
    reject with a reason the learner reads."""
    if decision not in ("approved", "rejected"):
        raise InvalidInput(gettext_noop("Decide approved or rejected."))
    reason = reason.strip()
    if decision == "rejected" and not reason:
        raise InvalidInput(gettext_noop("Give the reason for rejecting: the learner reads it."))
    wanted = {n.strip().upper() for n in numbers if n.strip()}
    if not wanted:
        raise InvalidInput(gettext_noop("Choose the accounts to review."))
    levels = max(account_review_levels(), 1)
    unit = getattr(actor, "service_unit", None)
    with transaction.atomic():
        found = list(
            Learner.objects.select_for_update(of=("self",))
            .filter(_scope(actor), public_id__in=wanted, status=AccountStatus.PENDING)
            .select_related("review_unit")
        )
        missing = sorted(wanted - {a.public_id for a in found})
        if missing:
            raise NotFound(
                gettext_noop("Accounts %(accounts)s are not waiting for your review."),
                accounts=", ".join(missing),
            )
        steps = []
        for account in found:
            level = account.awaiting_level or 1
            steps.append(
                AccountReview.objects.create(
                    learner=account, level=level, unit=unit, decision=decision, reason=reason, reviewer=actor
                )
            )
            if decision == "rejected":
                account.status, account.awaiting_level, account.status_reason = (
                    AccountStatus.REJECTED,
                    None,
                    reason,
                )
            elif level < levels and not _is_centre(unit):
                account.awaiting_level = level + 1
            else:
                account.status, account.awaiting_level = AccountStatus.OFFICIAL, None
            account.save(update_fields=["status", "awaiting_level", "status_reason"])
        refs = learner_refs(found)
        ledger_append([_event(step.learner, step, refs) for step in steps])
    return found


def _event(learner: Learner, step: AccountReview, refs: dict[int, str] | None = None) -> Event:
    ref = (refs or learner_refs([learner]))[learner.pk]
    facts = {
        "learner": ref,
        "level": step.level,
        "unit": step.unit.code if step.unit else None,
        "decision": step.decision,
        "reason": step.reason,
        "status": learner.status,
    }
    return Event("account.reviewed", f"account-review:{step.pk}", facts)


def require_official(learner: Learner) -> None:
    """Applications (transfer, award, RPL) need an official account."""
    if learner.status != AccountStatus.OFFICIAL:
        raise AccountNotOfficial(learner=learner.public_id)


def account_reviews_of(learner: Learner) -> list[AccountReview]:
    return list(learner.reviews.select_related("unit", "reviewer"))
