"""A learner's record on a past date, rebuilt from the ledger: through the service, the API, the
statement page and the CLI."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from tests.helpers import login
from typer.testing import CliRunner

from creditbank.apps.deposits.history import record_as_of
from creditbank.apps.deposits.models import LearningOutcome
from creditbank.apps.deposits.services import outcome_amend, outcome_revoke
from creditbank.apps.ledger.models import LedgerEntry
from creditbank.cli.main import app
from creditbank.core.errors import InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db


def backdate(outcome_id: int, days: int) -> None:
    """Move an outcome's ledger entries into the past, as if logged ``days`` ago."""
    for entry in LedgerEntry.objects.filter(subject=f"outcome:{outcome_id}"):
        body = json.loads(entry.body)
        at = timezone.now() - timedelta(days=days)
        body["at"] = at.isoformat(timespec="microseconds").replace("+00:00", "Z")
        LedgerEntry.objects.filter(pk=entry.pk).update(body=json.dumps(body))


def test_the_record_on_a_past_date_shows_what_was_logged_by_then(
    bank: dict, people: dict, wong_u101: LearningOutcome
) -> None:
    backdate(wong_u101.pk, 10)
    corrected = outcome_amend(
        actor=people["institution"], outcome_id=wong_u101.pk, reason="mark", result="A+"
    )
    today = timezone.localdate()
    then = {
        r.outcome: r
        for r in record_as_of(actor=people["operator"], learner=bank["wong"], on=today - timedelta(days=5))
    }
    assert list(then) == [wong_u101.pk]
    assert then[wong_u101.pk].status == "recorded"
    assert then[wong_u101.pk].facts["result"] == "A"
    now = {r.outcome: r for r in record_as_of(actor=bank["wong"].user, learner=bank["wong"], on=today)}
    assert now[wong_u101.pk].status == "amended"
    assert now[corrected.pk].facts["result"] == "A+"
    outcome_revoke(actor=people["institution"], outcome_id=corrected.pk, reason="wrong learner")
    assert {r.status for r in record_as_of(actor=people["operator"], learner=bank["wong"], on=today)} == {
        "amended",
        "revoked",
    }
    assert record_as_of(actor=people["operator"], learner=bank["wong"], on=today - timedelta(days=30)) == []


def test_only_the_learner_and_the_bank_may_ask_and_not_about_the_future(
    bank: dict, people: dict, wong_u101: LearningOutcome
) -> None:
    for role in ("learner", "institution", "assessor", "employer"):
        with pytest.raises(PermissionDenied):
            record_as_of(actor=people[role], learner=bank["wong"], on=timezone.localdate())
    with pytest.raises(InvalidInput, match="future"):
        record_as_of(
            actor=people["operator"], learner=bank["wong"], on=timezone.localdate() + timedelta(days=1)
        )


def test_the_api_page_and_cli_answer_the_same(
    bank: dict, people: dict, wong_u101: LearningOutcome, client: Any
) -> None:
    today = timezone.localdate().isoformat()
    login(client, bank["wong"].user)
    body = client.get(f"/api/v1/learners/me/record-as-of?on={today}").json()
    assert [(o["unit"], o["status"]) for o in body["outcomes"]] == [("U-101", "recorded")]
    page = client.get(f"/deposits/statement/?as_of={today}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "As recorded on" in page
    assert "U-101" in page
    bad = client.get("/deposits/statement/?as_of=yesterday", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The date is written YYYY-MM-DD." in bad
    assert client.get(f"/api/v1/learners/{bank['li'].public_id}/record-as-of?on={today}").status_code == 403
    result = CliRunner().invoke(
        app,
        [
            "ledger",
            "as-of",
            "--learner",
            bank["wong"].public_id,
            "--on",
            today,
            "--operator",
            "operator",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["outcomes"][0]["unit"] == "U-101"
