"""A register entry's validity changed or the entry removed, with the effect shown before it is applied."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from tests.helpers import login
from typer.testing import CliRunner

from creditbank.apps.credentials.services import credential_issue
from creditbank.apps.credentials.verify import credential_verify
from creditbank.apps.deposits.models import LearningOutcome
from creditbank.apps.ledger.models import LedgerEntry
from creditbank.apps.register.lifecycle import entry_remove, validity_change
from creditbank.apps.register.models import RegisterEntry
from creditbank.cli.main import app
from creditbank.core.errors import InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db


def test_shortening_shows_the_outcomes_it_leaves_outside_before_applying(
    bank: dict, people: dict, wong_u101: LearningOutcome
) -> None:
    with pytest.raises(PermissionDenied):
        validity_change(actor=people["institution"], code="U-101", valid_to=date(2023, 12, 31), reason="x")
    with pytest.raises(InvalidInput):
        validity_change(actor=people["operator"], code="U-101", valid_to=date(2019, 1, 1), reason="x")
    _entry, effect = validity_change(
        actor=people["operator"], code="U-101", valid_to=date(2023, 12, 31), reason="programme closed"
    )
    assert [o.pk for o in effect.outcomes] == [wong_u101.pk]  # achieved 2024-01-10
    assert RegisterEntry.objects.get(code="U-101").valid_to is None  # a preview changes nothing
    validity_change(
        actor=people["operator"],
        code="U-101",
        valid_to=date(2023, 12, 31),
        reason="programme closed",
        apply=True,
    )
    assert RegisterEntry.objects.get(code="U-101").valid_to == date(2023, 12, 31)
    assert LearningOutcome.objects.get(pk=wong_u101.pk).status == "recorded"  # it stays on record
    assert LedgerEntry.objects.filter(kind="register.validity").count() == 1


def test_removal_for_fraud_revokes_the_outcomes_and_their_credentials(
    bank: dict, people: dict, wong_u101: LearningOutcome
) -> None:
    credential = credential_issue(actor=bank["wong"].user, outcome_id=wong_u101.pk)
    with pytest.raises(InvalidInput):
        entry_remove(actor=people["operator"], code="U-101", cause="dislike", reason="x")
    _entry, effect = entry_remove(
        actor=people["operator"], code="U-101", cause="fraud", reason="forged accreditation"
    )
    assert effect.revokes
    assert LearningOutcome.objects.get(pk=wong_u101.pk).status == "recorded"  # preview only
    entry_remove(
        actor=people["operator"], code="U-101", cause="fraud", reason="forged accreditation", apply=True
    )
    assert RegisterEntry.objects.get(code="U-101").status == "withdrawn"
    assert LearningOutcome.objects.get(pk=wong_u101.pk).status == "revoked"
    assert credential_verify(credential.document).verification.revoked


def test_removal_in_error_keeps_the_outcomes(bank: dict, people: dict, wong_u101: LearningOutcome) -> None:
    _entry, effect = entry_remove(
        actor=people["operator"], code="U-101", cause="error", reason="duplicate entry", apply=True
    )
    assert not effect.revokes
    assert LearningOutcome.objects.get(pk=wong_u101.pk).status == "recorded"


def test_the_page_api_and_cli(bank: dict, people: dict, wong_u101: LearningOutcome, client: Any) -> None:
    login(client, people["operator"])
    preview = client.post(
        "/register/U-101/lifecycle/",
        {"action": "validity", "valid_to": "2023-12-31", "reason": "closed"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "1 deposited outcomes of 1 learners are touched." in preview.content.decode()
    body = client.post(
        "/api/v1/register/U-101/removal", {"cause": "error", "reason": "dup"}, content_type="application/json"
    ).json()
    assert body["applied"] is False
    assert [o["id"] for o in body["outcomes"]] == [wong_u101.pk]
    result = CliRunner().invoke(
        app,
        [
            "register",
            "validity",
            "U-101",
            "--until",
            "2030-12-31",
            "--reason",
            "extended",
            "--operator",
            "operator",
            "--apply",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Applied: U-101: 0 outcomes" in result.output
    assert str(RegisterEntry.objects.get(code="U-101").valid_to) == "2030-12-31"
    login(client, people["institution"])
    assert client.get("/register/U-101/lifecycle/").status_code == 403
