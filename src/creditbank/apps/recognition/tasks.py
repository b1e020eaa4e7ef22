"""Background tasks of the recognition app, run by the django-tasks database worker."""

from __future__ import annotations

from django_tasks import task


@task()
def cohort_audit_job(job_id: int) -> None:
    from creditbank.apps.recognition.cohorts import cohort_run

    cohort_run(job_id)
