"""Cohort audits (批量资历审核): every learner of an institution or a region against one qualification.

The receiving side is loaded once; learners are read in chunks and each is audited by the same core
functions as a single what-if. The worker records its progress for the page's progress bar, and the
result is a CSV a bank operator can open in a spreadsheet. Nothing is applied to anyone's record.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
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
from creditbank.apps.deposits.models import JobState, LearningOutcome, OutcomeStatus
from creditbank.apps.lookups import chunked
from creditbank.apps.recognition.models import CohortAudit
from creditbank.apps.recognition.selectors import evaluate, holding_of, qualification_get, receiving
from creditbank.core.errors import DomainError, InvalidInput, NotFound, gettext_noop
from creditbank.core.pathways import AuditNode, Status
from creditbank.core.reasons import number
from creditbank.core.rules import Holding

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


def cohort_learners(job: CohortAudit) -> QuerySet[Learner]:
    learners = Learner.objects.all()
    if job.institution_id:
        ids = LearningOutcome.objects.filter(institution_id=job.institution_id).values("learner_id")
        learners = learners.filter(pk__in=ids)
    else:
        learners = learners.filter(region=job.region)
    return learners.order_by("pk")


def _holdings(learner_ids: list[int]) -> dict[int, list[Holding]]:
    by_learner: dict[int, list[Holding]] = defaultdict(list)
    outcomes = (
        LearningOutcome.objects.select_related("entry", "institution")
        .filter(learner_id__in=learner_ids, status=OutcomeStatus.RECORDED)
        .order_by("achieved_on", "pk")
    )
    for o in outcomes:
        by_learner[o.learner_id].append(holding_of(o))
    return by_learner


def _needed(node: AuditNode) -> Iterator[str]:
    if node.status is not Status.MET:
        yield from node.suggestions
        for child in node.children:
            yield from _needed(child)


def cohort_rows(job: CohortAudit, progress: Callable[[int, int], None] | None = None) -> Iterator[list[str]]:
    """One CSV row per learner, in learner order; ``progress(done, total)`` is told as it goes."""
    side = receiving(job.qualification, job.on)
    learners = cohort_learners(job)
    total = learners.count()
    done = 0
    for chunk in chunked(list(learners.values_list("pk", flat=True))):
        holdings = _holdings(chunk)
        for learner in Learner.objects.filter(pk__in=chunk).order_by("pk"):
            proposal, result = evaluate(side, learner, holdings.get(learner.pk, []))
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


def cohort_run(job_id: int) -> None:
    """The worker's part: audit every learner, recording progress, then keep the CSV and the counts."""
    job = CohortAudit.objects.get(pk=job_id)
    if job.state != JobState.QUEUED:
        return  # a task delivered twice never runs twice
    CohortAudit.objects.filter(pk=job.pk).update(state=JobState.RUNNING)

    def progress(done: int, total: int) -> None:
        CohortAudit.objects.filter(pk=job.pk).update(learners_done=done, learners_total=total)

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    counts: Counter[str] = Counter()
    try:
        for row in cohort_rows(job, progress):
            writer.writerow(row)
            counts[row[1]] += 1
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
        result_csv=out.getvalue(),
        counts={s.value: counts.get(s.value, 0) for s in Status},
        finished_at=timezone.now(),
    )
