"""As-of replay: what a learner's record said on a past date, rebuilt from ledger entries alone.

Each outcome's entries (deposited, amended, revoked) are folded in the order they were logged, up
to the end of the date asked about; the last one about an outcome is what the record said then.
Entries about other learners (another commitment) are refused, not skipped: the caller chose them
by outcome, so a mismatch means the ledger and the database disagree.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from creditbank.core.errors import DomainError, gettext_noop

OUTCOME_KINDS = {"outcome.deposited": "recorded", "outcome.amended": "amended", "outcome.revoked": "revoked"}


class ReplayMismatch(DomainError):
    code = "replay_mismatch"
    status = 409
    template = gettext_noop(
        "Ledger entry %(seq)s is about outcome %(outcome)s of another learner; the ledger and the "
        "database disagree, run `creditbank ledger verify`."
    )


@dataclass(frozen=True)
class ReplayedOutcome:
    outcome: int
    status: str  # recorded, amended (superseded by a correction) or revoked, as on the date
    facts: Mapping[str, Any]  # unit, institution, achieved_on, result, level, credits…, as then
    recorded_at: str  # when the bank first logged the outcome
    changed_at: str  # when it was last changed on or before the date
    seq: int | None  # the entry that says so: its inclusion proof is served by the ledger API


def replay(entries: Iterable[tuple[int | None, str]], learner: str, until: str) -> list[ReplayedOutcome]:
    """Fold ``(seq, body)`` entries about a learner's outcomes into the record as it stood at
    ``until`` (an ISO 8601 UTC time, compared as the entries write theirs)."""
    logged: list[tuple[str, int, int | None, str, Mapping[str, Any]]] = []
    for order, (seq, body) in enumerate(entries):
        entry = json.loads(body)
        kind, at, data = entry.get("kind"), entry.get("at", ""), entry.get("data", {})
        if kind not in OUTCOME_KINDS or at > until:
            continue
        if data.get("learner") != learner:
            raise ReplayMismatch(seq=seq, outcome=data.get("outcome"))
        logged.append((at, order, seq, kind, data))
    first: dict[int, str] = {}
    last: dict[int, tuple[str, int | None, str, Mapping[str, Any]]] = {}
    for at, _order, seq, kind, data in sorted(logged, key=lambda e: (e[0], e[1])):
        outcome = int(data["outcome"])
        first.setdefault(outcome, at)
        last[outcome] = (at, seq, kind, data)
    return [
        ReplayedOutcome(
            outcome=outcome,
            status=OUTCOME_KINDS[kind],
            facts={k: v for k, v in data.items() if k not in ("learner", "outcome")},
            recorded_at=first[outcome],
            changed_at=at,
            seq=seq,
        )
        for outcome, (at, seq, kind, data) in sorted(last.items())
    ]
