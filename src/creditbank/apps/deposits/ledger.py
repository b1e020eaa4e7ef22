"""What the ledger says about a learning outcome, in one place: the deposit services append it, and
verification compares every stored outcome with the latest entry about it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from creditbank.apps.deposits.models import LearningOutcome
from creditbank.apps.ledger.services import Event, learner_refs


def outcome_facts(outcome: LearningOutcome, learner_ref: str) -> dict[str, Any]:
    """The outcome's recorded facts, with the learner as a commitment, never by name or number."""
    return {
        "outcome": outcome.pk,
        "learner": learner_ref,
        "unit": outcome.entry.code,
        "unit_version": outcome.entry.version,
        "institution": outcome.institution.code,
        "type": outcome.outcome_type,
        "achieved_on": outcome.achieved_on.isoformat(),
        "result": outcome.result,
        "evidence": outcome.evidence,
        "framework": outcome.framework,
        "level": outcome.level_id,
        "credits": f"{outcome.credits:.2f}",
        "credit_system": outcome.credit_system,
        "status": outcome.status,
        "status_reason": outcome.status_reason,
        "supersedes": outcome.supersedes_id,
    }


def outcome_events(kind: str, outcomes: Iterable[LearningOutcome]) -> list[Any]:
    """One ledger event per outcome (``outcome.deposited``, ``outcome.revoked``, …)."""
    outcomes = list(outcomes)
    refs = learner_refs(o.learner for o in outcomes)
    return [Event(kind, f"outcome:{o.pk}", outcome_facts(o, refs[o.learner_id])) for o in outcomes]
