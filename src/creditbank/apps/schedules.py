"""Recurring background work as one chain of deferred tasks per job: each run queues the next, and a
worker starting up queues the first unless one is already waiting, so workers never multiply it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone


def schedule_next(task: Any, seconds: int) -> None:
    """Queue the task's next run ``seconds`` from now (never, for 0)."""
    if seconds:
        task.using(run_after=timezone.now() + timedelta(seconds=seconds)).enqueue()


def schedule_ensure(task: Any, seconds: int) -> bool:
    """Start the chain unless it is off or a run is already waiting; True if one was queued."""
    from django_tasks_db.models import DBTaskResult

    if not seconds:
        return False
    waiting = DBTaskResult.objects.filter(
        task_path=task.module_path, status__in=["READY", "RUNNING"]
    ).exists()
    if waiting:
        return False
    task.enqueue()
    return True
