"""Background tasks of the deposits app, run by the django-tasks database worker."""

from __future__ import annotations

from django_tasks import task


@task()
def deposit_file_job(job_id: int) -> None:
    from creditbank.apps.deposits.jobs import job_run

    job_run(job_id)
