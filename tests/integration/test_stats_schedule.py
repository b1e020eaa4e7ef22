"""The worker counts the dashboards' figures on a schedule: one chain of deferred tasks, never more."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from creditbank.apps.stats.models import Figure, Refresh
from creditbank.apps.stats.tasks import schedule_ensure, scheduled_refresh

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits as it goes


def waiting() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=scheduled_refresh.module_path, status="READY"))


def test_the_worker_counts_the_figures_and_queues_its_next_run_once(bank: dict[str, Any]) -> None:
    assert schedule_ensure() is True
    assert schedule_ensure() is False
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    assert Refresh.objects.count() == 1
    assert Figure.objects.filter(chart="accounts_by_month", institution=None).exists()  # Wong and Li
    [next_run] = waiting()
    assert next_run.run_after > timezone.now() + timedelta(seconds=3000)  # the default interval is 3600 s


@override_settings(CREDITBANK={"STATS_INTERVAL_SECONDS": 0})
def test_an_interval_of_zero_counts_only_on_demand(bank: dict[str, Any]) -> None:
    assert schedule_ensure() is False
    assert waiting() == []
