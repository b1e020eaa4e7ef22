"""Large deposit files as background jobs. The page (or API) answers at once with a job to watch;
the django-tasks database worker (`creditbank worker`) reads, checks and stores the file through
``deposit_batch``, the same rules as every other deposit, and records its progress on the job.

A job never half-stores a file: ``deposit_batch`` stores in one transaction or not at all. The file
is kept as it was sent, so what was accepted is never lost and a failed job can be looked into.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from pathlib import PurePath
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from creditbank.apps.accounts.institutions import acting_institution, institution_code_of
from creditbank.apps.accounts.models import ApiKey, User
from creditbank.apps.accounts.permissions import Action, allowed, require
from creditbank.apps.accounts.principals import InstitutionPrincipal
from creditbank.apps.deposits import files
from creditbank.apps.deposits.models import DepositJob, JobState
from creditbank.apps.deposits.services import BatchRejected, deposit_batch, file_batch_key
from creditbank.apps.deposits.tasks import deposit_file_job
from creditbank.apps.ledger.services import checkpoint_issue
from creditbank.config.checks import option
from creditbank.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied, gettext_noop

logger = logging.getLogger(__name__)
PROGRESS_SECONDS = 0.5  # at most two progress writes a second


def runs_in_background(size: int) -> bool:
    """Whether a file of this many bytes goes to the worker instead of being answered at once."""
    return size > int(option("BACKGROUND_UPLOAD_BYTES"))


def job_submit(
    *,
    actor: Any,
    raw: bytes,
    file_name: str,
    institution_code: str | None = None,
    good_rows_only: bool = False,
    idempotency_key: str = "",
) -> DepositJob:
    """Keep the file and queue it for the worker. Sending the same file again while it waits or
    runs returns the job already under way; once it has finished, the deposit's own idempotency
    makes a new job store nothing twice."""
    institution = acting_institution(actor, institution_code, Action.DEPOSIT_OUTCOMES)
    files.check_file(raw, file_name)
    key = idempotency_key.strip()
    if len(key) > 80:
        raise InvalidInput(gettext_noop("Give an idempotency key of 1 to 80 characters for the batch."))
    digest = hashlib.sha256(raw).hexdigest()
    under_way = DepositJob.objects.filter(
        institution=institution,
        file_sha256=digest,
        good_rows_only=good_rows_only,
        idempotency_key=key,
        state__in=[JobState.QUEUED, JobState.RUNNING],
    ).first()
    if under_way is not None:
        return under_way
    person = actor if isinstance(actor, User) else None
    with transaction.atomic():
        job = DepositJob(
            institution=institution,
            file_name=PurePath(file_name).name[:200],
            file_size=len(raw),
            file_sha256=digest,
            idempotency_key=key,
            good_rows_only=good_rows_only,
            submitted_by=person,
            api_key=_api_key_of(actor),
        )
        # Stored under a name of ours: the sender's file name is only shown, never used as a path.
        job.file.save(f"{uuid.uuid4().hex}{PurePath(file_name).suffix.lower()}", ContentFile(raw), save=False)
        job.save()
        # The task row commits with the job row, so the worker never sees one without the other.
        job.task_id = str(deposit_file_job.enqueue(job.pk).id)
        job.save(update_fields=["task_id"])
    return job


def _api_key_of(actor: Any) -> ApiKey | None:
    prefix = getattr(actor, "key_prefix", "")
    return ApiKey.objects.filter(prefix=prefix).first() if prefix else None


def job_get(*, actor: Any, job_id: int) -> DepositJob:
    """A job, for those who deposit for its institution. Roles that never deposit are refused;
    another institution's staff are told there is no such job, so its existence is not leaked."""
    require(actor, Action.DEPOSIT_OUTCOMES)
    job = DepositJob.objects.select_related("institution", "batch").filter(pk=job_id).first()
    if job is None or not allowed(actor, Action.DEPOSIT_OUTCOMES, institution_id=job.institution_id):
        raise NotFound(gettext_noop("There is no deposit job %(id)s."), id=job_id)
    return job


def jobs_for(*, actor: Any, institution_code: str | None = None) -> QuerySet[DepositJob]:
    """The jobs of the named institution, else of the actor's own; all of them for an operator."""
    require(actor, Action.DEPOSIT_OUTCOMES)
    jobs = DepositJob.objects.select_related("institution", "batch")
    if institution_code or institution_code_of(actor):
        jobs = jobs.filter(institution=acting_institution(actor, institution_code, Action.DEPOSIT_OUTCOMES))
    return jobs


def job_run(job_id: int) -> None:
    """The worker's part: read, check and store the file, recording progress and the outcome."""
    job = DepositJob.objects.select_related("institution", "submitted_by", "api_key").get(pk=job_id)
    if job.state != JobState.QUEUED:
        return  # a task delivered twice never runs a job twice
    _save(job, state=JobState.RUNNING, phase="reading", started_at=timezone.now())
    try:
        with job.file.open("rb") as kept:
            rows = files.read_rows(kept.read(), job.file_name)
        _save(job, rows_total=len(rows), phase="checking")
        done = deposit_batch(
            actor=_actor(job),
            rows=rows,
            idempotency_key=job.idempotency_key or file_batch_key(rows),
            institution_code=job.institution.code,
            good_rows_only=job.good_rows_only,
            file_name=job.file_name,
            progress=_Progress(job),
        )
    except BatchRejected as exc:
        _finish(job, JobState.REJECTED, problems=exc.details.get("report", []), error=_record(exc))
    except DomainError as exc:
        _finish(job, JobState.REJECTED, error=_record(exc))
    except Exception:
        logger.exception("Deposit job %s failed", job.pk)
        _finish(job, JobState.FAILED)
        raise  # the task result records the failure for operators too
    else:
        _finish(job, JobState.DONE, batch=done.batch, replayed=done.replayed, rows_done=job.rows_total)
        checkpoint_issue()  # a large deposit is signed into the ledger as soon as it is stored


def _actor(job: DepositJob) -> Any:
    if job.api_key is not None:
        if job.api_key.revoked_at is not None:
            raise PermissionDenied(action=gettext_noop("deposit with a revoked API key"))
        return InstitutionPrincipal.of(job.api_key)
    return job.submitted_by


def _record(exc: DomainError) -> dict[str, Any]:
    """The error as JSON, with the report left out (the job keeps it in ``problems``)."""
    record = exc.as_record()
    record["params"] = {k: v for k, v in record["params"].items() if k != "report"}
    return dict(json.loads(json.dumps(record, default=str)))


def _save(job: DepositJob, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    DepositJob.objects.filter(pk=job.pk).update(**fields)


def _finish(job: DepositJob, state: JobState, **fields: Any) -> None:
    _save(job, state=state, phase="", finished_at=timezone.now(), **fields)


class _Progress:
    """Writes the deposit's progress onto the job, at most every PROGRESS_SECONDS."""

    def __init__(self, job: DepositJob) -> None:
        self.job = job
        self.last = 0.0

    def __call__(self, phase: str, rows_done: int) -> None:
        now = time.monotonic()
        if phase != self.job.phase or now - self.last >= PROGRESS_SECONDS:
            self.last = now
            _save(self.job, phase=phase, rows_done=rows_done)
