"""The ledger's schedule: the worker signs a checkpoint every CHECKPOINT_INTERVAL_SECONDS.

One chain of deferred tasks: each run integrates what is pending, signs the head if the tree grew
(``checkpoint_issue`` signs nothing new otherwise), and queues the next run. ``schedule_ensure``
starts the chain when a worker starts, unless one is already waiting, so workers never multiply it.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from creditbank.config.checks import option


@task()
def scheduled_checkpoint() -> int:
    from creditbank.apps.ledger.services import checkpoint_issue

    made = checkpoint_issue()  # the bank's own schedule: no person acts
    schedule_next()
    return made.size


def _interval() -> int:
    return int(option("CHECKPOINT_INTERVAL_SECONDS"))


def schedule_next() -> None:
    seconds = _interval()
    if seconds:
        scheduled_checkpoint.using(run_after=timezone.now() + timedelta(seconds=seconds)).enqueue()


def schedule_ensure() -> bool:
    """Start the schedule unless it is off or a run is already waiting; True if one was queued."""
    from django_tasks_db.models import DBTaskResult

    if not _interval():
        return False
    waiting = DBTaskResult.objects.filter(
        task_path=scheduled_checkpoint.module_path, status__in=["READY", "RUNNING"]
    ).exists()
    if waiting:
        return False
    scheduled_checkpoint.enqueue()
    return True
