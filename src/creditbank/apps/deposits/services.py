"""Deposits: the one path by which learning outcomes enter the bank, for a single outcome, an
API batch or a CSV/XLSX file alike. Every decision about a row is made by the core (what the row
says) and by the staged link in ``staging`` (whom and what it names, what the bank already holds);
nothing is stored unless the whole batch is good, or the depositor asked for the good rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from creditbank.apps.accounts.institutions import acting_institution
from creditbank.apps.accounts.learners import identity_index
from creditbank.apps.accounts.models import Institution, User
from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.accounts.principals import person_of, via_key_of
from creditbank.apps.credentials.services import credentials_revoke_for_outcome
from creditbank.apps.deposits import staging
from creditbank.apps.deposits.ledger import deposited_events, outcome_events
from creditbank.apps.deposits.models import (
    STANDING,
    ImportBatch,
    IssuerFeed,
    LearningOutcome,
    OutcomeStatus,
)
from creditbank.apps.ledger.services import ledger_append
from creditbank.core import deposits as core
from creditbank.core.errors import Conflict, InvalidInput, NotFound, gettext_noop

MAX_ROWS = 100_000
PROGRESS_EVERY = 2_000  # rows between progress reports

# Told how far a batch has got: the phase ("checking" or "storing") and the rows done so far.
Progress = Callable[[str, int], None]


def review_levels() -> dict[str, int]:
    """How many review levels each outcome type needs (absent: none)."""
    from creditbank.apps.deposits.models import ReviewPolicy

    return {p.outcome_type: p.levels for p in ReviewPolicy.objects.filter(levels__gt=0)}


class BatchRejected(InvalidInput):
    code = "batch_rejected"
    template = gettext_noop(
        "Nothing was stored: %(rejected)s of %(rows)s rows have problems. Fix them, or import the good rows only."
    )


@dataclass(frozen=True)
class Deposited:
    batch: ImportBatch
    replayed: bool  # True when the same batch had been sent before: nothing new was stored


@dataclass(frozen=True)
class RowIssue:
    line: int
    problems: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "problems": list(self.problems)}


def batch_hash(rows: Sequence[Mapping[str, Any]]) -> str:
    canonical = json.dumps([dict(r) for r in rows], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def file_batch_key(rows: Sequence[Mapping[str, Any]]) -> str:
    """The idempotency key of a file's rows, the same through every door (page, API, CLI, job), so
    the same file deposited twice, in any way, stores nothing twice."""
    return f"file-{batch_hash(rows)[:40]}"


def deposit_batch(
    *,
    actor: Any,
    rows: Sequence[Mapping[str, Any]],
    idempotency_key: str,
    institution_code: str | None = None,
    good_rows_only: bool = False,
    file_name: str = "",
    progress: Progress | None = None,
    feed: IssuerFeed | None = None,
) -> Deposited:
    """Deposit a batch of outcomes. Re-sending the same batch (same key, same rows) returns the first
    result and stores nothing again; the same key with different rows is refused. ``progress``,
    when given, is told the phase and the rows done (a background job shows it on its page)."""
    institution = acting_institution(actor, institution_code, Action.DEPOSIT_OUTCOMES)
    key = idempotency_key.strip()
    if not key or len(key) > 80:
        raise InvalidInput(gettext_noop("Give an idempotency key of 1 to 80 characters for the batch."))
    if not rows:
        raise InvalidInput(gettext_noop("The batch holds no rows."))
    if len(rows) > MAX_ROWS:
        raise InvalidInput(gettext_noop("A batch holds at most %(n)s rows; split the file."), n=MAX_ROWS)
    digest = batch_hash(rows)
    earlier = ImportBatch.objects.filter(institution=institution, idempotency_key=key).first()
    if earlier is not None:
        if earlier.content_hash != digest:
            raise Conflict(gettext_noop("Batch key %(key)s was used before for different rows."), key=key)
        return Deposited(earlier, replayed=True)

    today = timezone.localdate()
    parsed: list[core.DepositRow | core.RowProblem] = []
    for line, raw in enumerate(rows, start=2):
        parsed.append(core.parse_row(raw, line, today=today))
        if progress is not None and len(parsed) % PROGRESS_EVERY == 0:
            progress("checking", len(parsed))
    issues = {p.line: list(p.problems) for p in parsed if isinstance(p, core.RowProblem)}
    good = [p for p in parsed if isinstance(p, core.DepositRow)]
    for line, first in core.repeated_in_batch(good).items():
        issues.setdefault(line, []).append(f"repeats line {first}")
    try:
        with transaction.atomic():
            staging.stage([row for row in good if row.line not in issues])
            staging.link(institution)
            for refused in staging.refused():
                issues[refused.line] = _refusal(refused)
            report = [RowIssue(line, tuple(p)) for line, p in sorted(issues.items())]
            if report and not good_rows_only:
                raise BatchRejected(
                    rejected=len(report), rows=len(rows), report=[r.as_dict() for r in report]
                )
            if progress is not None:
                progress("storing", len(rows))
            batch = _store(
                actor, institution, key, digest, file_name, good_rows_only, len(rows), report, feed
            )
    except IntegrityError:
        # A concurrent batch stored some of the same outcomes: report, never double-count.
        raise Conflict(
            gettext_noop("Another deposit of the same outcomes is under way; send the batch again.")
        ) from None
    return Deposited(batch, replayed=False)


def _refusal(refused: staging.Refused) -> list[str]:
    """What stops the bank from taking a row, in words a clerk can act on."""
    unit = refused.unit_code
    problems = ["no lifelong learning account exists for this learner"] if refused.no_learner else []
    match refused.problem:
        case staging.Problem.UNREGISTERED:
            problems.append(f"{unit} is not in the register")
        case staging.Problem.NOT_OWN:
            problems.append(f"{unit} belongs to {refused.owner_code}; institutions deposit their own units")
        case staging.Problem.UNACCREDITED:
            problems.append(f"{unit} is not accredited, so it carries no credit")
        case staging.Problem.NOT_VALID_ON:
            problems.append(f"{unit} was not valid on {refused.achieved_on}")
    return problems


def _store(
    actor: Any,
    institution: Institution,
    key: str,
    digest: str,
    file_name: str,
    good_rows_only: bool,
    row_count: int,
    report: list[RowIssue],
    feed: IssuerFeed | None = None,
) -> ImportBatch:
    """Record the batch, store its new outcomes from the staged rows, and append their entries to
    the ledger (inside the caller's transaction)."""
    person = person_of(actor)
    counts = staging.counts()
    batch = ImportBatch.objects.create(
        institution=institution,
        idempotency_key=key,
        file_name=file_name[:200],
        content_hash=digest,
        good_rows_only=good_rows_only,
        rows=row_count,
        created=counts.takeable - counts.present,
        already_present=counts.present,
        rejected=len(report),
        problems=[r.as_dict() for r in report],
        submitted_by=person,
        submitted_via_key=via_key_of(actor),
        feed=feed,
    )
    staging.store(
        institution=institution,
        batch_id=batch.pk,
        person_id=person.pk if person is not None else None,
        reviewed=sorted(review_levels()),
        at=timezone.now(),
    )
    staging.drop()
    ledger_append(deposited_events(batch.pk))
    return batch


def deposit_one(
    *, actor: Any, row: Mapping[str, Any], institution_code: str | None = None, key: str = ""
) -> LearningOutcome:
    """A single outcome from a form or the API; the same rules as a batch."""
    batch = deposit_batch(
        actor=actor,
        rows=[row],
        idempotency_key=key or f"single-{batch_hash([row])[:32]}",
        institution_code=institution_code,
    ).batch
    outcome = batch.outcomes.first()
    if outcome is None:  # already present: return the stored one
        parsed = core.parse_row(row, 2, today=timezone.localdate())
        assert isinstance(parsed, core.DepositRow)
        ref = parsed.learner
        learner = (
            Q(learner__public_id=ref.number)
            if ref.identity is None
            else Q(learner__id_index=identity_index(ref.identity))
        )
        found = LearningOutcome.objects.filter(
            learner, entry__code=parsed.unit_code, achieved_on=parsed.achieved_on, status__in=STANDING
        ).first()
        if found is None:
            raise NotFound(gettext_noop("The outcome was not stored."))
        return found
    return outcome


def outcome_get(outcome_id: int) -> LearningOutcome:
    outcome = (
        LearningOutcome.objects.select_related("learner", "entry", "institution")
        .filter(pk=outcome_id)
        .first()
    )
    if outcome is None:
        raise NotFound(gettext_noop("There is no learning outcome %(id)s."), id=outcome_id)
    return outcome


def _lock_for_correction(actor: Any, outcome_id: int, reason: str, why: str) -> LearningOutcome:
    """The outcome, locked, after checking that this actor may correct it and says why."""
    outcome = (
        LearningOutcome.objects.select_for_update(of=("self",))
        .select_related("institution", "entry")
        .filter(pk=outcome_id)
        .first()
    )
    if outcome is None:
        raise NotFound(gettext_noop("There is no learning outcome %(id)s."), id=outcome_id)
    require(actor, Action.DEPOSIT_OUTCOMES, institution_id=outcome.institution_id)
    if not reason.strip():
        raise InvalidInput(why)
    if outcome.status != OutcomeStatus.RECORDED:
        raise Conflict(
            gettext_noop("Outcome %(id)s is already %(status)s."),
            id=outcome.pk,
            status=outcome.get_status_display(),
        )
    return outcome


def outcome_revoke(*, actor: Any, outcome_id: int, reason: str) -> LearningOutcome:
    """Revoke a mistaken outcome. It stays on record, marked revoked, with the reason."""
    with transaction.atomic():
        outcome = _lock_for_correction(
            actor, outcome_id, reason, gettext_noop("Give the reason for revoking the outcome.")
        )
        outcome.status = OutcomeStatus.REVOKED
        outcome.status_reason = reason.strip()
        outcome.save(update_fields=["status", "status_reason"])
        ledger_append(outcome_events("outcome.revoked", [outcome]))
        credentials_revoke_for_outcome(outcome, outcome.status_reason)
    return outcome


def outcome_amend(
    *,
    actor: Any,
    outcome_id: int,
    reason: str,
    result: str | None = None,
    achieved_on: date | None = None,
    evidence: str | None = None,
) -> LearningOutcome:
    """Correct an outcome: a new outcome supersedes the old one, which stays in history."""
    with transaction.atomic():
        old = _lock_for_correction(
            actor, outcome_id, reason, gettext_noop("Give the reason for the amendment.")
        )
        new_date = achieved_on or old.achieved_on
        if new_date > timezone.localdate():
            raise InvalidInput(gettext_noop("achieved_on is in the future"))
        new_result = (result if result is not None else old.result).strip()
        if not new_result:
            raise InvalidInput(gettext_noop("result is empty (a grade, a mark, or 'pass')"))
        old.status = OutcomeStatus.AMENDED
        old.status_reason = reason.strip()
        old.save(update_fields=["status", "status_reason"])
        new = LearningOutcome.objects.create(
            learner_id=old.learner_id,
            entry=old.entry,
            institution=old.institution,
            outcome_type=old.outcome_type,
            achieved_on=new_date,
            result=new_result,
            evidence=(evidence if evidence is not None else old.evidence).strip(),
            assessment=old.assessment,
            framework=old.framework,
            level_id=old.level_id,
            level_rank=old.level_rank,
            credits=old.credits,
            credit_system=old.credit_system,
            supersedes=old,
            deposited_by=actor if isinstance(actor, User) else None,
        )
        ledger_append(
            [*outcome_events("outcome.amended", [old]), *outcome_events("outcome.deposited", [new])]
        )
        # A credential for the old record would now certify something the bank no longer says.
        credentials_revoke_for_outcome(old, old.status_reason)
    return new
