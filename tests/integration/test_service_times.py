"""Service times: what is past its time shows on the queues of those who should act."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from tests.helpers import login
from typer.testing import CliRunner

from creditbank.apps.awards.service_times import holiday_add, overdue, service_time_set
from creditbank.apps.deposits.models import LearningOutcome
from creditbank.apps.deposits.reviews import review_policy_set
from creditbank.apps.deposits.services import deposit_batch
from creditbank.cli.main import app
from creditbank.core.errors import InvalidInput, PermissionDenied
from creditbank.core.service_times import Clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_review(bank: dict, people: dict) -> LearningOutcome:
    """A certificate deposited three weeks ago, still waiting for review."""
    review_policy_set(actor=people["operator"], outcome_type="certificate", levels=1)
    deposit_batch(
        actor=people["operator"],
        rows=[{"learner_number": bank["wong"].public_id, "unit_code": "U-101", "achieved_on": "2024-01-10", "result": "A", "outcome_type": "certificate"}],
        idempotency_key="late",
        institution_code="sz-poly",
    )  # fmt: skip
    LearningOutcome.objects.update(deposited_at=timezone.now() - timedelta(days=21))
    return LearningOutcome.objects.get()


def test_a_deposit_waiting_past_its_service_time_is_overdue(
    late_review: LearningOutcome, people: dict
) -> None:
    [item] = overdue(people["operator"])
    assert (item.clock, item.ref) == (Clock.DEPOSIT_REVIEW, str(late_review.pk))
    assert item.deadline.days_late(timezone.localdate()) > 0
    assert [i.ref for i in overdue(people["institution"])] == [str(late_review.pk)]  # sz-poly's own
    service_time_set(actor=people["operator"], clock="deposit_review", days=30)
    assert overdue(people["operator"]) == []


def test_holidays_push_deadlines_and_only_the_bank_sets_times(
    late_review: LearningOutcome, people: dict
) -> None:
    with pytest.raises(PermissionDenied):
        service_time_set(actor=people["institution"], clock="deposit_review", days=1)
    with pytest.raises(InvalidInput):
        service_time_set(actor=people["operator"], clock="coffee_break", days=1)
    with pytest.raises(PermissionDenied):
        overdue(people["learner"])
    service_time_set(actor=people["operator"], clock="deposit_review", days=14)
    before = overdue(people["operator"])
    start = timezone.localdate() - timedelta(days=21)
    for n in range(1, 15):
        holiday_add(actor=people["operator"], day=start + timedelta(days=n), name=f"holiday {n}")
    assert len(before) == 1
    assert overdue(people["operator"]) == []  # two weeks of holidays: not late yet


def test_the_page_api_and_cli(late_review: LearningOutcome, people: dict, client: Any) -> None:
    login(client, people["operator"])
    page = client.get("/overdue/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/deposits/outcomes/{late_review.pk}/" in page
    assert client.get("/api/v1/overdue").json()[0]["service"] == "deposit_review"
    assert client.get("/api/v1/service-times").json()["transfer_appeal"] == 14
    result = CliRunner().invoke(app, ["awards", "overdue", "--operator", "operator", "--json"])
    assert json.loads(result.stdout)[0]["ref"] == str(late_review.pk)
