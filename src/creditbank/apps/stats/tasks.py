"""The dashboards' schedule: the worker counts the figures anew every STATS_INTERVAL_SECONDS."""

from __future__ import annotations

from django_tasks import task

from creditbank.apps import schedules
from creditbank.config.checks import option


@task()
def scheduled_refresh() -> int:
    from creditbank.apps.stats.services import stats_refresh

    done = stats_refresh()  # the bank's own schedule: no person acts
    schedules.schedule_next(scheduled_refresh, _interval())
    return done.figures


def _interval() -> int:
    return int(option("STATS_INTERVAL_SECONDS"))


def schedule_ensure() -> bool:
    return schedules.schedule_ensure(scheduled_refresh, _interval())
