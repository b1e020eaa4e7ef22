"""The worker signs checkpoints on a schedule: one chain of deferred tasks, never more."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from creditbank.apps.ledger.models import Checkpoint, LedgerEntry
from creditbank.apps.ledger.tasks import schedule_ensure, scheduled_checkpoint

# The worker commits as it goes, as it does in production: these tests use real transactions.
pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


def waiting() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=scheduled_checkpoint.module_path, status="READY"))


def test_the_schedule_signs_what_grew_and_queues_its_next_run_once(bank: dict[str, Any]) -> None:
    from tests.integration.conftest import BLOCK

    from creditbank.apps.accounts.models import User
    from creditbank.apps.recognition.services import rule_publish

    rule_publish(
        actor=User.objects.get(username="operator"), doc=BLOCK, owner_code="hk-ips"
    )  # a ledger entry
    assert schedule_ensure() is True
    assert schedule_ensure() is False  # a run is already waiting: workers never start a second chain
    run_worker()
    signed = Checkpoint.objects.get()
    assert signed.size == LedgerEntry.objects.count()
    [next_run] = waiting()
    assert next_run.run_after > timezone.now() + timedelta(seconds=500)  # the default interval is 600 s
    assert schedule_ensure() is False


@override_settings(CREDITBANK={"CHECKPOINT_INTERVAL_SECONDS": 0})
def test_an_interval_of_zero_signs_only_on_demand(bank: dict[str, Any]) -> None:
    assert schedule_ensure() is False
    assert waiting() == []
