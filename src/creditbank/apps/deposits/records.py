"""Learning that earns no credit, recorded by the learner (self-declared) or by an institution
(attested): written here only, with a ledger entry, and never read by the transfer engine."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from creditbank.apps.accounts.models import Learner
from creditbank.apps.accounts.permissions import Action, require, role_of
from creditbank.apps.accounts.principals import person_of
from creditbank.apps.deposits.models import LearningRecord
from creditbank.apps.ledger.services import Event, learner_refs, ledger_append
from creditbank.core.errors import Conflict, InvalidInput, NotFound, gettext_noop
from creditbank.core.records import parse_record


def _facts(record: LearningRecord, learner_ref: str) -> dict[str, Any]:
    return {
        "record": record.pk,
        "learner": learner_ref,
        "kind": record.kind,
        "title": record.title,
        "organisation": record.organisation,
        "started_on": record.started_on.isoformat(),
        "ended_on": record.ended_on.isoformat() if record.ended_on else None,
        "hours": f"{record.hours:.2f}" if record.hours is not None else None,
        "points": f"{record.points:.2f}" if record.points is not None else None,
        "attested_by": record.institution.code if record.institution else None,
        "withdrawn": record.withdrawn_at is not None,
    }


def _event(kind: str, record: LearningRecord) -> Event:
    ref = learner_refs([record.learner])[record.learner_id]
    return Event(kind, f"record:{record.pk}", _facts(record, ref))


def record_add(*, actor: Any, learner: Learner, data: dict[str, Any]) -> LearningRecord:
    """Add a record to the learner's lifelong record: self-declared by the learner, attested by the
    acting institution (staff or API key), or by the bank."""
    require(
        actor,
        Action.RECORD_LEARNING,
        institution_id=getattr(actor, "institution_id", None),
        learner_user_id=learner.user_id,
    )
    draft = parse_record(data, today=timezone.localdate())
    attested_by = getattr(actor, "institution_id", None) if role_of(actor) == "institution" else None
    with transaction.atomic():
        record = LearningRecord.objects.create(
            learner=learner,
            kind=draft.kind.value,
            title=draft.title,
            organisation=draft.organisation,
            started_on=draft.started_on,
            ended_on=draft.ended_on,
            hours=draft.hours,
            points=draft.points,
            description=draft.description,
            institution_id=attested_by,
            recorded_by=person_of(actor),
        )
        ledger_append([_event("record.added", record)])
    return record


def record_withdraw(*, actor: Any, record_id: int, reason: str) -> LearningRecord:
    """Withdraw a record (it stays on file, marked): the learner their self-declared ones, an
    institution those it attested, the bank any."""
    if not reason.strip():
        raise InvalidInput(gettext_noop("Give the reason for withdrawing the record."))
    with transaction.atomic():
        record = (
            LearningRecord.objects.select_for_update(of=("self",))
            .select_related("learner", "institution")
            .filter(pk=record_id)
            .first()
        )
        if record is None:
            raise NotFound(gettext_noop("There is no record %(record)s."), record=record_id)
        # Each withdraws their own word: said first, so the learner and the institution know whom to ask.
        if record.institution_id is not None and role_of(actor) == "learner":
            raise InvalidInput(
                gettext_noop("An attested record is withdrawn by the institution that attested it.")
            )
        if record.institution_id is None and role_of(actor) == "institution":
            raise InvalidInput(gettext_noop("A self-declared record is withdrawn by the learner."))
        require(
            actor,
            Action.RECORD_LEARNING,
            institution_id=record.institution_id,
            learner_user_id=record.learner.user_id,
        )
        if record.withdrawn_at is not None:
            raise Conflict(gettext_noop("Record %(record)s is already withdrawn."), record=record_id)
        record.withdrawn_at = timezone.now()
        record.withdrawn_reason = reason.strip()
        record.save(update_fields=["withdrawn_at", "withdrawn_reason"])
        ledger_append([_event("record.withdrawn", record)])
    return record


def records_of(*, actor: Any, learner: Learner) -> list[LearningRecord]:
    require(actor, Action.VIEW_LEARNER_RECORD, learner_user_id=learner.user_id)
    return list(LearningRecord.objects.select_related("institution").filter(learner=learner))
