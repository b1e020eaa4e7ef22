"""API for deposits: one outcome, a JSON batch, or a CSV/XLSX file; corrections; the learner statement."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import File, Form, Header, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from creditbank.api.auth import AUTHENTICATED, PersonSession, actor_of
from creditbank.api.errors import ErrorOut
from creditbank.apps.accounts.learners import learner_of
from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.deposits import files, selectors
from creditbank.apps.deposits.jobs import job_get, job_submit, jobs_for
from creditbank.apps.deposits.models import DepositJob, ImportBatch, LearningOutcome
from creditbank.apps.deposits.services import (
    deposit_batch,
    deposit_one,
    file_batch_key,
    outcome_amend,
    outcome_get,
    outcome_revoke,
)
from creditbank.core.errors import DomainError, NotFound, gettext_noop

router = Router(tags=["deposits"])
ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class RowIn(Schema):
    learner_number: str = ""
    id_scheme: str = ""
    id_number: str = ""
    id_country: str = ""
    unit_code: str
    achieved_on: str
    result: str
    outcome_type: str = "formal"
    evidence: str = ""
    assessment_ref: str = ""


class BatchIn(Schema):
    institution: str | None = None
    good_rows_only: bool = False
    rows: list[dict[str, Any]]


class OutcomeOut(Schema):
    id: int
    learner: str
    unit: str
    institution: str
    type: str
    achieved_on: str
    result: str
    level: str
    credits: str
    credit_system: str
    status: str
    status_reason: str
    supersedes: int | None
    possible_duplicate_of: int | None


class BatchOut(Schema):
    id: int
    idempotency_key: str
    rows: int
    created: int
    already_present: int
    rejected: int
    problems: list[dict[str, Any]]


class JobOut(Schema):
    id: int
    state: str
    phase: str
    file_name: str
    file_size: int
    good_rows_only: bool
    rows_total: int
    rows_done: int
    created_at: str
    started_at: str | None
    finished_at: str | None
    batch: BatchOut | None
    replayed: bool
    problems: list[dict[str, Any]]
    error: dict[str, Any] | None


class RevokeIn(Schema):
    reason: str


class AmendIn(Schema):
    reason: str
    result: str | None = None
    achieved_on: date | None = None
    evidence: str | None = None


def outcome_out(o: LearningOutcome) -> dict[str, Any]:
    return {
        "id": o.pk,
        "learner": o.learner.public_id,
        "unit": o.entry.code,
        "institution": o.institution.code,
        "type": o.outcome_type,
        "achieved_on": o.achieved_on.isoformat(),
        "result": o.result,
        "level": o.level_id,
        "credits": str(o.credits),
        "credit_system": o.credit_system,
        "status": o.status,
        "status_reason": o.status_reason,
        "supersedes": o.supersedes_id,
        "possible_duplicate_of": o.possible_duplicate_of_id,
    }


def batch_out(b: ImportBatch) -> dict[str, Any]:
    return {
        "id": b.pk,
        "idempotency_key": b.idempotency_key,
        "rows": b.rows,
        "created": b.created,
        "already_present": b.already_present,
        "rejected": b.rejected,
        "problems": b.problems,
    }


def job_out(j: DepositJob) -> dict[str, Any]:
    error = None
    if j.error:
        # The code for machines, and the message in the language the request asked for.
        error = {"code": j.error["code"], "message": DomainError.from_record(j.error).render(gettext)}
    return {
        "id": j.pk,
        "state": j.state,
        "phase": j.phase,
        "file_name": j.file_name,
        "file_size": j.file_size,
        "good_rows_only": j.good_rows_only,
        "rows_total": j.rows_total,
        "rows_done": j.rows_done,
        "created_at": j.created_at.isoformat(),
        "started_at": j.started_at.isoformat() if j.started_at else None,
        "finished_at": j.finished_at.isoformat() if j.finished_at else None,
        "batch": batch_out(j.batch) if j.batch else None,
        "replayed": j.replayed,
        "problems": j.problems,
        "error": error,
    }


@router.post(
    "/deposits", response={201: OutcomeOut, **ERRORS}, auth=AUTHENTICATED, summary="Deposit one outcome"
)
def deposit(request: HttpRequest, payload: RowIn, institution: str | None = None) -> Status[dict[str, Any]]:
    row = {k: v for k, v in payload.dict().items() if v}
    return Status(
        201, outcome_out(deposit_one(actor=actor_of(request), row=row, institution_code=institution))
    )


@router.post(
    "/deposits/batches",
    response={201: BatchOut, 200: BatchOut, **ERRORS},
    auth=AUTHENTICATED,
    summary="Deposit a batch of outcomes (send Idempotency-Key)",
)
def deposit_rows(
    request: HttpRequest, payload: BatchIn, idempotency_key: Header[str]
) -> Status[dict[str, Any]]:
    """All or nothing unless `good_rows_only`; a rejected batch answers 422 with `details.report`
    listing every bad row. Re-sending the same key and rows answers 200 with the first result."""
    done = deposit_batch(
        actor=actor_of(request),
        rows=payload.rows,
        idempotency_key=idempotency_key,
        institution_code=payload.institution,
        good_rows_only=payload.good_rows_only,
    )
    return Status(200 if done.replayed else 201, batch_out(done.batch))


@router.post(
    "/deposits/files",
    response={201: BatchOut, 200: BatchOut, **ERRORS},
    auth=AUTHENTICATED,
    summary="Deposit a CSV/XLSX file",
)
def deposit_file(
    request: HttpRequest,
    file: File[UploadedFile],
    institution: Form[str] = "",
    good_rows_only: Form[bool] = False,
) -> Status[dict[str, Any]]:
    rows = files.read_rows(file.read(), file.name or "")
    done = deposit_batch(
        actor=actor_of(request),
        rows=rows,
        idempotency_key=file_batch_key(rows),
        institution_code=institution or None,
        good_rows_only=good_rows_only,
        file_name=file.name or "",
    )
    return Status(200 if done.replayed else 201, batch_out(done.batch))


@router.post(
    "/deposits/jobs",
    response={202: JobOut, **ERRORS},
    auth=AUTHENTICATED,
    summary="Deposit a large CSV/XLSX file in the background",
)
def deposit_job(
    request: HttpRequest,
    response: HttpResponse,
    file: File[UploadedFile],
    institution: Form[str] = "",
    good_rows_only: Form[bool] = False,
    idempotency_key: Header[str] = "",
) -> Status[dict[str, Any]]:
    """Answers 202 at once with a job; follow its `Location` until `state` is `done` (see `batch`),
    `rejected` (nothing stored: see `error` and every bad row in `problems`) or `failed`. The same
    file sent again while its job waits or runs returns that job."""
    job = job_submit(
        actor=actor_of(request),
        raw=file.read(),
        file_name=file.name or "",
        institution_code=institution or None,
        good_rows_only=good_rows_only,
        idempotency_key=idempotency_key,
    )
    response["Location"] = f"/api/v1/deposits/jobs/{job.pk}"
    return Status(202, job_out(job))


@router.get(
    "/deposits/jobs/{job_id}",
    response={200: JobOut, **ERRORS},
    auth=AUTHENTICATED,
    summary="A job's progress",
)
def get_job(request: HttpRequest, job_id: int) -> dict[str, Any]:
    return job_out(job_get(actor=actor_of(request), job_id=job_id))


@router.get(
    "/deposits/jobs",
    response={200: list[JobOut], **ERRORS},
    auth=AUTHENTICATED,
    summary="Recent background jobs of the institutions you deposit for",
)
def list_jobs(request: HttpRequest, institution: str = "") -> list[dict[str, Any]]:
    return [job_out(j) for j in jobs_for(actor=actor_of(request), institution_code=institution)[:100]]


@router.get(
    "/deposits/batches/{batch_id}",
    response={200: BatchOut, **ERRORS},
    auth=AUTHENTICATED,
    summary="A batch's result",
)
def get_batch(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        raise NotFound("There is no batch %(id)s.", id=batch_id)
    require(actor_of(request), Action.DEPOSIT_OUTCOMES, institution_id=batch.institution_id)
    return batch_out(batch)


@router.post(
    "/outcomes/{outcome_id}/revoke",
    response={200: OutcomeOut, **ERRORS},
    auth=AUTHENTICATED,
    summary="Revoke an outcome",
)
def revoke(request: HttpRequest, outcome_id: int, payload: RevokeIn) -> dict[str, Any]:
    return outcome_out(outcome_revoke(actor=actor_of(request), outcome_id=outcome_id, reason=payload.reason))


@router.post(
    "/outcomes/{outcome_id}/amend",
    response={200: OutcomeOut, **ERRORS},
    auth=AUTHENTICATED,
    summary="Correct an outcome",
)
def amend(request: HttpRequest, outcome_id: int, payload: AmendIn) -> dict[str, Any]:
    return outcome_out(outcome_amend(actor=actor_of(request), outcome_id=outcome_id, **payload.dict()))


@router.get(
    "/outcomes/{outcome_id}", response={200: OutcomeOut, **ERRORS}, auth=AUTHENTICATED, summary="One outcome"
)
def get_outcome(request: HttpRequest, outcome_id: int) -> dict[str, Any]:
    found = outcome_get(outcome_id)
    actor = actor_of(request)
    if getattr(actor, "role", None) == "learner":
        require(actor, Action.VIEW_LEARNER_RECORD, learner_user_id=found.learner.user_id)
    else:
        require(actor, Action.DEPOSIT_OUTCOMES, institution_id=found.institution_id)
    return outcome_out(found)


@router.get(
    "/learners/me/statement",
    response={200: list[OutcomeOut], **ERRORS},
    auth=PersonSession(),
    summary="My statement",
)
def my_statement(request: HttpRequest, type: str = "", framework: str = "") -> list[dict[str, Any]]:
    found = selectors.statement(
        actor=request.user, learner=learner_of(request.user), outcome_type=type, framework=framework
    )
    return [outcome_out(o) for o in found.outcomes]


@router.get(
    "/learners/{number}/record-as-of",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="A learner's record on a past date, from the ledger",
)
def record_on(request: HttpRequest, number: str, on: date) -> dict[str, Any]:
    """``number`` is ``me`` for the learner, or a learner number for the bank's operators. Each
    outcome says its status then and the ledger entry (``ledger_seq``) whose inclusion proof
    /ledger/proofs/inclusion serves."""
    from creditbank.apps.deposits.history import learner_named, record_as_of, replayed_out

    actor = actor_of(request)
    learner = learner_named(actor, number)
    return {
        "learner": learner.public_id,
        "on": on.isoformat(),
        "outcomes": [replayed_out(r) for r in record_as_of(actor=actor, learner=learner, on=on)],
    }


class RecordIn(Schema):
    kind: str
    title: str
    started_on: str
    ended_on: str = ""
    organisation: str = ""
    hours: str = ""
    points: str = ""
    description: str = ""


class WithdrawIn(Schema):
    reason: str


def record_out(record: Any) -> dict[str, Any]:
    return {
        "id": record.pk,
        "kind": record.kind,
        "title": record.title,
        "organisation": record.organisation,
        "started_on": record.started_on.isoformat(),
        "ended_on": record.ended_on.isoformat() if record.ended_on else None,
        "hours": str(record.hours) if record.hours is not None else None,
        "points": str(record.points) if record.points is not None else None,
        "description": record.description,
        "attested_by": record.institution.code if record.institution else None,
        "credit": None,  # learning records never carry credit
        "withdrawn_at": record.withdrawn_at.isoformat() if record.withdrawn_at else None,
    }


def _record_learner(actor: Any, number: str) -> Any:
    """``me``, or a learner number for institutions (attesting) and the bank."""
    from creditbank.apps.accounts.models import Learner

    if number.strip().lower() == "me":
        return learner_of(actor)
    require(actor, Action.RECORD_LEARNING, institution_id=getattr(actor, "institution_id", None))
    learner = Learner.objects.filter(public_id=number.strip().upper()).first()
    if learner is None:
        raise NotFound(gettext_noop("There is no learner %(number)s."), number=number)
    return learner


@router.post(
    "/learners/{number}/records",
    response={201: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Record learning that earns no credit",
)
def add_record(request: HttpRequest, number: str, payload: RecordIn) -> Status[dict[str, Any]]:
    """Work experience, community activity, learning points…: self-declared by the learner (``me``),
    attested by the institution that records it. Never counted as credit."""
    from creditbank.apps.deposits.records import record_add

    actor = actor_of(request)
    record = record_add(actor=actor, learner=_record_learner(actor, number), data=payload.dict())
    return Status(201, record_out(record))


@router.get(
    "/learners/{number}/records",
    response={200: list[dict[str, Any]], **ERRORS},
    auth=AUTHENTICATED,
    summary="A learner's learning that earns no credit",
)
def list_records(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    from creditbank.apps.deposits.history import learner_named
    from creditbank.apps.deposits.records import records_of

    actor = actor_of(request)
    return [record_out(r) for r in records_of(actor=actor, learner=learner_named(actor, number))]


@router.post(
    "/records/{record_id}/withdraw",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Withdraw a record (it stays on file, marked)",
)
def withdraw_record(request: HttpRequest, record_id: int, payload: WithdrawIn) -> dict[str, Any]:
    from creditbank.apps.deposits.records import record_withdraw

    return record_out(record_withdraw(actor=actor_of(request), record_id=record_id, reason=payload.reason))
