"""Transfer applications (学分转换申请): a learner applies, the receiving institution decides each item.

Applying stores the optimal proposal as items, each naming the outcome, the rule *version* and what it
counts as, with the core's explanation. The receiving institution accepts, rejects (with a reason) or
asks for evidence; the learner answers. A decision is final unless the learner appeals once; appeals
are decided by the bank, not by the institution that refused. Accepted items appear in the learner's
statement as transferred credit with their provenance and count in later audits and proposals. Every
application and decision is a ledger entry.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from creditbank.apps.accounts.account_reviews import require_official
from creditbank.apps.accounts.models import Learner
from creditbank.apps.accounts.permissions import Action, allowed, require
from creditbank.apps.accounts.principals import person_of
from creditbank.apps.ledger.services import Event, learner_refs, ledger_append
from creditbank.apps.recognition.models import (
    ApplicationStatus,
    ItemDecision,
    RecognitionRule,
    TransferApplication,
    TransferItem,
)
from creditbank.apps.recognition.selectors import pathway
from creditbank.core.caps import policy_document
from creditbank.core.errors import Conflict, InvalidInput, NotFound, gettext_noop
from creditbank.core.terms import term_of
from creditbank.core.transfer import use_reason

REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
OPEN = (ApplicationStatus.SUBMITTED, ApplicationStatus.APPEALED)


def _ref() -> str:
    return "TR-" + "".join(secrets.choice(REF_ALPHABET) for _ in range(8))


def _event(kind: str, application: TransferApplication, extra: dict[str, Any]) -> Event:
    learner = learner_refs([application.learner])[application.learner_id]
    return Event(
        kind,
        f"transfer:{application.ref}",
        {
            "ref": application.ref,
            "learner": learner,
            "qualification": application.qualification,
            "qualification_version": application.qualification_version,
            "institution": application.institution.code,
            **extra,
        },
    )


def transfer_get(ref: str) -> TransferApplication:
    found = (
        TransferApplication.objects.select_related("learner", "institution")
        .filter(ref=ref.strip().upper())
        .first()
    )
    if found is None:
        raise NotFound(gettext_noop("There is no transfer application %(ref)s."), ref=ref)
    return found


def transfer_view(*, actor: Any, ref: str) -> TransferApplication:
    """An application for someone who may see it; others learn nothing, not even that it exists."""
    application = transfer_get(ref)
    role = getattr(actor, "role", None)
    if role == "learner":
        require(actor, Action.VIEW_TRANSFER, learner_user_id=application.learner.user_id)
    else:
        require(actor, Action.VIEW_TRANSFER)
        if not allowed(actor, Action.VIEW_TRANSFER, institution_id=application.institution_id):
            raise NotFound(gettext_noop("There is no transfer application %(ref)s."), ref=ref)
    return application


def transfers_for(actor: Any, *, institution: str = "", status: str = "") -> QuerySet[TransferApplication]:
    """The applications a person works with: a learner's own, an institution's incoming, all for the bank."""
    role = getattr(actor, "role", None)
    found = TransferApplication.objects.select_related("learner", "institution")
    if role == "learner":
        found = found.filter(learner__user_id=actor.pk)
    else:
        require(actor, Action.VIEW_TRANSFER)
        if role != "operator":
            found = found.filter(institution_id=int(getattr(actor, "institution_id", 0) or 0))
        elif institution:
            found = found.filter(institution__code=institution)
    if status:
        found = found.filter(status=status)
    return found


def transfer_apply(*, actor: Any, learner: Learner, qualification: str) -> TransferApplication:
    """Apply for the optimal proposal as it stands today; every use becomes an item to decide."""
    require(actor, Action.APPLY_TRANSFER, learner_user_id=learner.user_id)
    require_official(learner)
    today = timezone.localdate()
    found = pathway(actor=actor, learner=learner, qualification=qualification, on=today)
    entry = found.qualification
    from creditbank.apps.awards.services import intake_check  # the bank's calendar

    intake_check(entry.owner, today)
    open_one = TransferApplication.objects.filter(
        learner=learner, qualification=entry.code, status__in=OPEN
    ).first()
    if open_one is not None:
        raise Conflict(
            gettext_noop("Application %(ref)s for %(code)s is still open; wait for its decisions."),
            ref=open_one.ref,
            code=entry.code,
        )
    if not found.proposal.uses:
        raise InvalidInput(
            gettext_noop(
                "None of your outcomes would transfer into %(code)s now, so there is nothing to apply for."
            ),
            code=entry.code,
        )
    rules = {
        (r.code, r.version): r
        for r in RecognitionRule.objects.filter(code__in={m.rule.code for m in found.proposal.uses})
    }
    with transaction.atomic():
        application = TransferApplication.objects.create(
            ref=_ref(),
            learner=learner,
            qualification=entry.code,
            qualification_version=entry.version,
            institution=entry.owner,
            policy=policy_document(found.policy),
        )
        items = [
            TransferItem(
                application=application,
                learner=learner,
                outcome_id=int(m.holding.id),
                rule=rules[(m.rule.code, m.rule.version)],
                exempts=(m.award.exempts or "") if m.award else "",
                credits=m.award.credits if m.award else Decimal(0),
                credit_system=m.award.system if m.award else "",
                explanation=[use_reason(m).as_record(), *(c.as_record() for c in m.checks)],
            )
            for m in found.proposal.uses
        ]
        TransferItem.objects.bulk_create(items)
        ledger_append(
            [
                _event(
                    "transfer.applied",
                    application,
                    {"items": [_item_fact(i) for i in application.items.order_by("pk")]},
                )
            ]
        )
    return application


def _item_fact(item: TransferItem) -> dict[str, Any]:
    return {
        "item": item.pk,
        "outcome": item.outcome_id,
        "rule": item.rule.code,
        "rule_version": item.rule.version,
        "exempts": item.exempts or None,
        "credits": str(item.credits),
        "system": item.credit_system,
        "decision": item.decision,
    }


def _item(application: TransferApplication, item_id: int) -> TransferItem:
    item = application.items.select_related("rule").filter(pk=item_id).first()
    if item is None:
        raise NotFound(
            gettext_noop("Application %(ref)s has no item %(item)s."), ref=application.ref, item=item_id
        )
    return item


def transfer_decide(*, actor: Any, ref: str, item_id: int, decision: str, reason: str = "") -> TransferItem:
    """Accept, reject (with a reason) or ask for evidence (saying what), one item at a time."""
    application = transfer_view(actor=actor, ref=ref)
    item = _item(application, item_id)
    if item.on_appeal:
        require(actor, Action.DECIDE_APPEAL)
    else:
        require(actor, Action.DECIDE_TRANSFER, institution_id=application.institution_id)
    if application.status not in OPEN:
        raise Conflict(
            gettext_noop("Application %(ref)s is %(status)s; its decisions are final."),
            ref=application.ref,
            status=application.get_status_display(),
        )
    if item.decision in (ItemDecision.ACCEPTED, ItemDecision.REJECTED):
        raise Conflict(
            gettext_noop("This item is already decided; a decision is final unless the learner appeals.")
        )
    try:
        chosen = ItemDecision(decision)
    except ValueError:
        raise InvalidInput(gettext_noop("Decide accepted, rejected or evidence.")) from None
    if chosen is ItemDecision.PENDING:
        raise InvalidInput(gettext_noop("Decide accepted, rejected or evidence."))
    reason = reason.strip()
    if chosen is not ItemDecision.ACCEPTED and not reason:
        raise InvalidInput(
            gettext_noop("Say why the item is rejected, or which evidence the learner should give.")
        )
    item.decision = chosen
    item.reason = reason
    item.decided_by = person_of(actor)
    item.decided_at = timezone.now()
    if chosen is ItemDecision.ACCEPTED:
        from creditbank.apps.awards.services import term_starts_for  # the bank's calendar

        term = term_of(item.outcome.achieved_on, term_starts_for(application.institution))
        item.term, item.term_starts_on = term.label, term.starts_on
    with transaction.atomic():
        item.save(update_fields=["decision", "reason", "decided_by", "decided_at", "term", "term_starts_on"])
        _fees_for_decision(application, item)
        pending = application.items.exclude(
            decision__in=[ItemDecision.ACCEPTED, ItemDecision.REJECTED]
        ).exists()
        if not pending:
            application.status = ApplicationStatus.DECIDED
            application.decided_at = timezone.now()
            application.save(update_fields=["status", "decided_at"])
        facts = {**_item_fact(item), "on_appeal": item.on_appeal, "term": item.term or None}
        ledger_append([_event("transfer.decided", application, facts)])
    return item


def _fees_for_decision(application: TransferApplication, item: TransferItem) -> None:
    """Credit recognised is charged per credit by the receiving institution's schedule; an item
    accepted on appeal upholds the appeal, whose fee is refunded."""
    from creditbank.apps.awards.services import charge_create, charge_refund
    from creditbank.core.awards import FeeCode

    if item.decision != ItemDecision.ACCEPTED:
        return
    charge_create(
        learner=application.learner, institution=application.institution, code=FeeCode.PER_CREDIT,
        description=f"{item.credits} {item.credit_system} recognised ({application.ref})",
        quantity=item.credits, subject=f"transfer:{application.ref}:{item.pk}",
    )  # fmt: skip
    if item.on_appeal:
        charge_refund(f"transfer:{application.ref}:appeal", "appeal upheld")


def transfer_answer(*, actor: Any, ref: str, item_id: int, note: str) -> TransferItem:
    """The learner answers a request for evidence; the item goes back to the institution."""
    application = transfer_get(ref)
    require(actor, Action.APPLY_TRANSFER, learner_user_id=application.learner.user_id)
    item = _item(application, item_id)
    if item.decision != ItemDecision.EVIDENCE:
        raise Conflict(gettext_noop("No evidence was asked for on this item."))
    if not note.strip():
        raise InvalidInput(gettext_noop("Write your answer, with where the evidence can be seen."))
    item.learner_note = note.strip()
    item.decision = ItemDecision.PENDING
    item.save(update_fields=["learner_note", "decision"])
    return item


def transfer_appeal(*, actor: Any, ref: str, reason: str) -> TransferApplication:
    """Appeal the rejected items once; the bank decides them again."""
    application = transfer_get(ref)
    require(actor, Action.APPLY_TRANSFER, learner_user_id=application.learner.user_id)
    if application.status != ApplicationStatus.DECIDED:
        raise Conflict(gettext_noop("Only a decided application can be appealed."))
    if application.appeal_reason:
        raise Conflict(
            gettext_noop("Application %(ref)s was appealed already; the appeal decision is final."),
            ref=application.ref,
        )
    rejected = application.items.filter(decision=ItemDecision.REJECTED)
    if not rejected.exists():
        raise InvalidInput(gettext_noop("Nothing was rejected, so there is nothing to appeal."))
    from creditbank.apps.awards.service_times import appeal_window_check  # the bank's clocks
    from creditbank.core.service_times import Clock

    appeal_window_check(Clock.TRANSFER_APPEAL, application.decided_at)
    if not reason.strip():
        raise InvalidInput(gettext_noop("Say why the decision should change."))
    with transaction.atomic():
        from creditbank.apps.awards.services import charge_create  # fees are the awards app's
        from creditbank.core.awards import FeeCode

        charge_create(
            learner=application.learner, institution=None, code=FeeCode.APPEAL,
            description=f"Appeal of {application.ref}", subject=f"transfer:{application.ref}:appeal",
        )  # fmt: skip
        rejected.update(decision=ItemDecision.PENDING, on_appeal=True)
        application.status = ApplicationStatus.APPEALED
        application.appeal_reason = reason.strip()
        application.save(update_fields=["status", "appeal_reason"])
        ledger_append([_event("transfer.appealed", application, {"reason_given": True})])
    return application


def transfer_withdraw(*, actor: Any, ref: str) -> TransferApplication:
    """Withdraw an application before it is decided; items already accepted stay accepted."""
    application = transfer_get(ref)
    require(actor, Action.APPLY_TRANSFER, learner_user_id=application.learner.user_id)
    if application.status != ApplicationStatus.SUBMITTED:
        raise Conflict(gettext_noop("Only an application waiting for decisions can be withdrawn."))
    with transaction.atomic():
        application.status = ApplicationStatus.WITHDRAWN
        application.decided_at = timezone.now()
        application.save(update_fields=["status", "decided_at"])
        ledger_append([_event("transfer.withdrawn", application, {})])
    return application


def accepted_items(learner: Learner, qualification: str | None = None) -> QuerySet[TransferItem]:
    """Transferred credit: accepted items, with their provenance (for statements and later audits)."""
    items = TransferItem.objects.select_related(
        "application", "application__institution", "outcome__entry", "outcome__institution", "rule"
    ).filter(learner=learner, decision=ItemDecision.ACCEPTED)
    if qualification:
        items = items.filter(application__qualification=qualification)
    return items.order_by("application__submitted_at", "pk")
