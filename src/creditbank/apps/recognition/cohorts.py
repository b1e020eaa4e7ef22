"""Cohort audits (批量资历审核): every learner of an institution or a region against one qualification.

The receiving side is loaded once; learners are read in chunks and each is audited by the same core
functions as a single what-if. The worker records its progress for the page's progress bar, and the
result is a CSV a bank operator can open in a spreadsheet. Nothing is applied to anyone's record.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from creditbank.apps.accounts.models import Institution, Learner, Region
from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.accounts.principals import person_of
from creditbank.apps.deposits.models import JobState, LearningOutcome
from creditbank.apps.lookups import chunked
from creditbank.apps.recognition.models import CohortAudit
from creditbank.apps.recognition.selectors import (
    accepted_items,
    evaluate,
    holdings_by_learner,
    qualification_get,
    receiving,
)
from creditbank.config.checks import option
from creditbank.core.errors import DomainError, InvalidInput, NotFound, gettext_noop
from creditbank.core.pathways import AuditNode, Status
from creditbank.core.reasons import number

COLUMNS = ("learner_number", "status", "credits_counted", "transferable_credits", "still_needed")
PROGRESS_EVERY = 50


def cohort_define(
    *, actor: Any, qualification: str, institution: str = "", region: str = "", on: date
) -> CohortAudit:
    """The audit asked for, checked but not stored: the learners of one institution (those it
    deposited outcomes for) or of one region, against one accredited qualification."""
    require(actor, Action.AUDIT_COHORT)
    entry = qualification_get(qualification)
    if bool(institution) == bool(region):
        raise InvalidInput(gettext_noop("Choose the learners of one institution or of one region."))
    found = None
    if institution:
        found = Institution.objects.filter(code=institution).first()
        if found is None:
            raise NotFound(gettext_noop("There is no institution %(code)s."), code=institution)
    elif region not in Region.values:
        raise InvalidInput(
            gettext_noop("%(region)s is not a region; use one of %(regions)s."),
            region=region,
            regions=", ".join(Region.values),
        )
    return CohortAudit(
        qualification=entry.code, institution=found, region=region, on=on, submitted_by=person_of(actor)
    )


def cohort_submit(
    *, actor: Any, qualification: str, institution: str = "", region: str = "", on: date
) -> CohortAudit:
    """Queue an audit for the background worker."""
    from creditbank.apps.recognition.tasks import cohort_audit_job

    job = cohort_define(
        actor=actor, qualification=qualification, institution=institution, region=region, on=on
    )
    with transaction.atomic():
        job.save()
        job.task_id = str(cohort_audit_job.enqueue(job.pk).id)
        job.save(update_fields=["task_id"])
    return job


def cohort_get(*, actor: Any, job_id: int) -> CohortAudit:
    require(actor, Action.AUDIT_COHORT)
    job = CohortAudit.objects.select_related("institution").filter(pk=job_id).first()
    if job is None:
        raise NotFound(gettext_noop("There is no cohort audit %(id)s."), id=job_id)
    return job


def cohort_learners(job: CohortAudit, ids: tuple[int, int] | None = None) -> QuerySet[Learner]:
    """The cohort's learners in id order; ``ids``: only those from the first to the last id given."""
    learners = (
        Learner.objects.all() if ids is None else Learner.objects.filter(pk__gte=ids[0], pk__lte=ids[1])
    )
    if job.institution_id:
        theirs = LearningOutcome.objects.filter(institution_id=job.institution_id).values("learner_id")
        learners = learners.filter(pk__in=theirs)
    else:
        learners = learners.filter(region=job.region)
    return learners.order_by("pk")


def _needed(node: AuditNode) -> Iterator[str]:
    if node.status is not Status.MET:
        yield from node.suggestions
        for child in node.children:
            yield from _needed(child)


def cohort_rows(
    job: CohortAudit, progress: Callable[[int, int], None] | None = None, ids: tuple[int, int] | None = None
) -> Iterator[list[str]]:
    """One CSV row per learner, in learner order; ``progress(done, total)`` is told as it goes.
    ``ids``: only the cohort's learners in this range of ids (a partition of a batch run)."""
    side = receiving(job.qualification, job.on)
    learners = cohort_learners(job, ids)
    total = learners.count()
    done = 0
    for chunk in chunked(list(learners.values_list("pk", flat=True))):
        holdings, accepted = holdings_by_learner(chunk), accepted_items(chunk, job.qualification)
        for learner in Learner.objects.filter(pk__in=chunk).only("public_id", "region").order_by("pk"):
            proposal, result = evaluate(
                side, learner, holdings.get(learner.pk, []), accepted.get(learner.pk, [])
            )
            needed = list(dict.fromkeys(_needed(result.root)))
            transferable = sum(
                (m.award.credits for m in (*proposal.accepted, *proposal.uses) if m.award), Decimal(0)
            )
            yield [
                learner.public_id,
                result.root.status.value,
                number(result.credits_counted),
                number(transferable),
                " ".join(needed),
            ]
            done += 1
            if progress and (done % PROGRESS_EVERY == 0 or done == total):
                progress(done, total)
    if progress and total == 0:
        progress(0, 0)


def cohort_table(
    job: CohortAudit, progress: Callable[[int, int], None] | None = None, *, scheduler: str = ""
) -> tuple[str, Counter[str]]:
    """The whole CSV (header first) and how many learners have each status: audited here, or on the
    Dask cluster named by ``scheduler`` (the same rows either way)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    counts: Counter[str] = Counter()
    if scheduler:
        from creditbank.apps.batch import cohort_parts

        for part in cohort_parts(job, scheduler, progress):
            out.write(part.csv)
            counts.update(part.counts)
    else:
        for row in cohort_rows(job, progress):
            writer.writerow(row)
            counts[row[1]] += 1
    return out.getvalue(), counts


def cohort_run(job_id: int) -> None:
    """The worker's part: audit every learner, recording progress, then keep the CSV and the counts."""
    job = CohortAudit.objects.get(pk=job_id)
    if job.state != JobState.QUEUED:
        return  # a task delivered twice never runs twice
    CohortAudit.objects.filter(pk=job.pk).update(state=JobState.RUNNING)

    def progress(done: int, total: int) -> None:
        CohortAudit.objects.filter(pk=job.pk).update(learners_done=done, learners_total=total)

    try:
        table, counts = cohort_table(job, progress, scheduler=option("BATCH_SCHEDULER"))
    except DomainError as exc:  # e.g. the qualification was withdrawn while queued
        CohortAudit.objects.filter(pk=job.pk).update(
            state=JobState.REJECTED, error=exc.as_record(), finished_at=timezone.now()
        )
        return
    except Exception:
        CohortAudit.objects.filter(pk=job.pk).update(state=JobState.FAILED, finished_at=timezone.now())
        raise
    CohortAudit.objects.filter(pk=job.pk).update(
        state=JobState.DONE,
        result_csv=table,
        counts={s.value: counts.get(s.value, 0) for s in Status},
        finished_at=timezone.now(),
    )
