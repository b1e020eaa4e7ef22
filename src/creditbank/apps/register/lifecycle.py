"""A register entry's life after accreditation: its validity extended or shortened, or the entry
removed (an error, or fraud), each with a reason and its effect on outcomes already deposited shown
before it is applied. Every change is a ledger entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.ledger.services import Event, ledger_append
from creditbank.apps.register.models import RegisterEntry, Status
from creditbank.apps.register.services import entry_get, register_event
from creditbank.core.errors import Conflict, InvalidInput, gettext_noop

CAUSES = ("error", "fraud")


@dataclass(frozen=True)
class Effect:
    """The deposited outcomes a change touches, and what happens to them."""

    outcomes: list[Any]  # LearningOutcome rows
    learners: int
    revokes: bool  # True: they are revoked (fraud); False: they stay, listed for their institutions


def _standing(entry: RegisterEntry) -> Any:
    from creditbank.apps.deposits.models import STANDING, LearningOutcome  # deposits build on the register

    return LearningOutcome.objects.select_related("learner", "institution").filter(
        entry__code=entry.code, status__in=STANDING
    )


def _effect(outcomes: Any, revokes: bool) -> Effect:
    found = list(outcomes.order_by("achieved_on", "pk"))
    return Effect(found, len({o.learner_id for o in found}), revokes)


def validity_change(
    *, actor: Any, code: str, valid_to: date | None, reason: str, apply: bool = False
) -> tuple[RegisterEntry, Effect]:
    """Extend or shorten an entry's validity (None: open-ended). The effect lists the standing
    outcomes achieved after the new end, which no longer fall within it (they stay on record)."""
    require(actor, Action.RECORD_ACCREDITATION)
    entry = entry_get(code)
    if entry.status != Status.ACCREDITED:
        raise Conflict(
            gettext_noop("Only an accredited entry's validity changes; %(code)s is not."), code=entry.code
        )
    if valid_to is not None and valid_to < entry.valid_from:
        raise InvalidInput(
            gettext_noop("The entry would end before it starts (%(start)s)."),
            start=entry.valid_from.isoformat(),
        )
    if not reason.strip():
        raise InvalidInput(gettext_noop("Give the reason for changing the validity."))
    outside = _standing(entry).filter(achieved_on__gt=valid_to) if valid_to else _standing(entry).none()
    effect = _effect(outside, revokes=False)
    if apply:
        with transaction.atomic():
            before = entry.valid_to
            entry.valid_to = valid_to
            entry.save(update_fields=["valid_to"])
            ledger_append(
                [
                    Event(
                        "register.validity",
                        f"entry:{entry.code}:{entry.version}",
                        {"code": entry.code, "version": entry.version, "valid_from": entry.valid_from.isoformat(),
                         "valid_to_before": before.isoformat() if before else None,
                         "valid_to": valid_to.isoformat() if valid_to else None,
                         "reason": reason.strip(), "outcomes_outside": len(effect.outcomes)},
                    )
                ]
            )  # fmt: skip
    return entry, effect


def entry_remove(
    *, actor: Any, code: str, cause: str, reason: str, apply: bool = False
) -> tuple[RegisterEntry, Effect]:
    """Remove an entry from the register: registered in error (its outcomes stay, listed for their
    institutions to correct) or obtained by fraud (its outcomes are revoked, and their credentials)."""
    from creditbank.apps.credentials.services import credentials_revoke_for_outcome
    from creditbank.apps.deposits.ledger import outcome_events
    from creditbank.apps.deposits.models import OutcomeStatus

    require(actor, Action.RECORD_ACCREDITATION)
    if cause not in CAUSES:
        raise InvalidInput(gettext_noop("Say why the entry is removed: error or fraud."))
    if not reason.strip():
        raise InvalidInput(gettext_noop("Give the reason for removing the entry."))
    entry = entry_get(code)
    if entry.status == Status.WITHDRAWN:
        raise Conflict(gettext_noop("Entry %(code)s is withdrawn."), code=entry.code)
    effect = _effect(_standing(entry), revokes=cause == "fraud")
    if apply:
        note = f"removed ({cause}): {reason.strip()}"
        with transaction.atomic():
            entry.status = Status.WITHDRAWN
            entry.status_note = note
            entry.save(update_fields=["status", "status_note"])
            ledger_append([register_event("register.withdrawn", entry)])
            if effect.revokes:
                for outcome in effect.outcomes:
                    outcome.status = OutcomeStatus.REVOKED
                    outcome.status_reason = note
                    outcome.awaiting_level = None
                    outcome.save(update_fields=["status", "status_reason", "awaiting_level"])
                    credentials_revoke_for_outcome(outcome, note)
                ledger_append(outcome_events("outcome.revoked", effect.outcomes))
    return entry, effect
