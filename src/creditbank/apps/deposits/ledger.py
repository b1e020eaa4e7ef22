"""What the ledger says about a learning outcome, in one place: the deposit services append it, and
verification compares every stored outcome with the latest entry about it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from creditbank.apps.deposits.models import LearningOutcome
from creditbank.apps.ledger.services import Event, learner_refs, learner_refs_by_number

# Each fact and where it is read from: an attribute path of the outcome, as the ORM names it.
_FACTS = (
    ("outcome", "pk"),
    ("unit", "entry__code"),
    ("unit_version", "entry__version"),
    ("institution", "institution__code"),
    ("type", "outcome_type"),
    ("achieved_on", "achieved_on"),
    ("result", "result"),
    ("evidence", "evidence"),
    ("framework", "framework"),
    ("level", "level_id"),
    ("credits", "credits"),
    ("credit_system", "credit_system"),
    ("status", "status"),
    ("status_reason", "status_reason"),
    ("supersedes", "supersedes_id"),
)
FACT_PATHS = tuple(path for _, path in _FACTS)


def outcome_facts(outcome: LearningOutcome, learner_ref: str) -> dict[str, Any]:
    """The outcome's recorded facts, with the learner as a commitment, never by name or number."""
    return stored_facts({path: _attribute(outcome, path) for path in FACT_PATHS}, learner_ref)


def stored_facts(values: Mapping[str, Any], learner_ref: str) -> dict[str, Any]:
    """The same facts from the outcome's values read by ``FACT_PATHS`` (the bulk path reads no
    model objects)."""
    facts = {fact: values[path] for fact, path in _FACTS}
    facts["learner"] = learner_ref
    facts["achieved_on"] = facts["achieved_on"].isoformat()
    facts["credits"] = f"{facts['credits']:.2f}"
    return facts


def _attribute(outcome: LearningOutcome, path: str) -> Any:
    value: Any = outcome
    for name in path.split("__"):
        value = getattr(value, name)
    return value


def outcome_events(kind: str, outcomes: Iterable[LearningOutcome]) -> list[Any]:
    """One ledger event per outcome (``outcome.deposited``, ``outcome.revoked``, …)."""
    outcomes = list(outcomes)
    refs = learner_refs(o.learner for o in outcomes)
    return [Event(kind, f"outcome:{o.pk}", outcome_facts(o, refs[o.learner_id])) for o in outcomes]


def deposited_events(batch_id: int) -> list[Any]:
    """The ``outcome.deposited`` events of a batch's outcomes, read as values (no model objects)."""
    values = list(
        LearningOutcome.objects.filter(batch_id=batch_id)
        .order_by("pk")
        .values("learner_id", "learner__public_id", *FACT_PATHS)
    )
    refs = learner_refs_by_number({v["learner_id"]: v["learner__public_id"] for v in values})
    return [
        Event("outcome.deposited", f"outcome:{v['pk']}", stored_facts(v, refs[v["learner_id"]]))
        for v in values
    ]
