"""The ledger's schedule: the worker signs a checkpoint every CHECKPOINT_INTERVAL_SECONDS.

Each run integrates what is pending, signs the head if the tree grew (``checkpoint_issue`` signs
nothing new otherwise), and queues the next run (apps/schedules.py).
"""

from __future__ import annotations

from django_tasks import task

from creditbank.apps import schedules
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
    schedules.schedule_next(scheduled_checkpoint, _interval())


def schedule_ensure() -> bool:
    """Start the schedule unless it is off or a run is already waiting; True if one was queued."""
    return schedules.schedule_ensure(scheduled_checkpoint, _interval())
