"""Award applications in windows, with fees and receipts; an award becomes an outcome and a credential."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from tests.helpers import login
from tests.integration.conftest import unit
from typer.testing import CliRunner

from creditbank.apps.awards.models import AwardApplication, Charge, Waiver
from creditbank.apps.awards.services import (
    NotEligible,
    WindowClosed,
    award_apply,
    award_decide,
    charge_pay,
    charge_waive,
    fee_set,
    window_add,
)
from creditbank.apps.credentials.models import Credential
from creditbank.apps.deposits.models import LearningOutcome
from creditbank.apps.deposits.services import deposit_batch
from creditbank.apps.ledger.models import LedgerEntry
from creditbank.apps.register.services import entries_import, entry_record_accreditation
from creditbank.cli.main import app
from creditbank.core.errors import Conflict, InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def diploma(bank: dict, people: dict) -> dict[str, Any]:
    """sz-poly's SZ-DIP needs U-101 and U-102; Wong holds U-101; the award window is open."""
    operator = people["operator"]
    entries_import(
        actor=operator,
        docs=[
            unit(
                "SZ-DIP",
                kind="diploma",
                credits="8",
                requirements={"all_of": [{"unit": "U-101"}, {"unit": "U-102"}]},
            )
        ],
        owner_code="sz-poly",
    )
    entry_record_accreditation(
        actor=operator, code="SZ-DIP", accredited_on=date(2020, 6, 1), next_review_on=None, note="QA"
    )
    sz_poly = people["institution"].institution
    window_add(actor=operator, institution=sz_poly, kind="award", opens=TODAY - timedelta(days=5),
               closes=TODAY + timedelta(days=30), confers_on=TODAY + timedelta(days=40))  # fmt: skip
    fee_set(actor=operator, institution=None, code="award_application", amount=Decimal("100"))  # the default
    fee_set(actor=people["institution"], institution=sz_poly, code="award_application", amount=Decimal("120"))
    deposit("U-101", bank, operator)
    return {"institution": sz_poly, "wong": bank["wong"]}


def deposit(code: str, bank: dict, operator: Any) -> None:
    deposit_batch(
        actor=operator,
        rows=[{"learner_number": bank["wong"].public_id, "unit_code": code, "achieved_on": "2024-01-10", "result": "A"}],
        idempotency_key=f"award-{code}",
        institution_code="sz-poly",
    )  # fmt: skip


def test_an_incomplete_record_is_refused_with_what_is_missing(diploma: dict) -> None:
    with pytest.raises(NotEligible, match="U-102"):
        award_apply(actor=diploma["wong"].user, learner=diploma["wong"], qualification="SZ-DIP")
    assert not AwardApplication.objects.exists()
    assert not Charge.objects.exists()


def test_outside_a_window_the_next_opening_is_named(diploma: dict, bank: dict, people: dict) -> None:
    deposit("U-102", bank, people["operator"])
    later = TODAY + timedelta(days=100)
    window_add(
        actor=people["operator"],
        institution=diploma["institution"],
        kind="award",
        opens=later,
        closes=later + timedelta(days=10),
    )
    with pytest.raises(WindowClosed, match=later.isoformat()):
        award_apply(
            actor=diploma["wong"].user,
            learner=diploma["wong"],
            qualification="SZ-DIP",
            on=TODAY + timedelta(days=60),
        )


def test_apply_pay_and_confer_gives_an_outcome_a_credential_and_a_receipt(
    diploma: dict, bank: dict, people: dict
) -> None:
    deposit("U-102", bank, people["operator"])
    wong = diploma["wong"]
    application = award_apply(actor=wong.user, learner=wong, qualification="SZ-DIP")
    assert application.charge.due == Decimal("120.00")
    assert application.audit["met"] is True
    with pytest.raises(Conflict, match="not settled"):
        award_decide(actor=people["institution"], ref=application.ref, decision="awarded")
    with pytest.raises(InvalidInput, match=r"120\.00"):
        charge_pay(
            actor=people["institution"], charge_id=application.charge.pk, amount=Decimal("100"), method="cash"
        )
    paid = charge_pay(
        actor=people["institution"], charge_id=application.charge.pk, amount=Decimal("120"), method="cash"
    )
    assert paid.receipt_number == f"CB-{timezone.now().year}-000001"
    with pytest.raises(PermissionDenied):
        award_decide(actor=wong.user, ref=application.ref, decision="awarded")
    done = award_decide(actor=people["institution"], ref=application.ref, decision="awarded")
    assert done.status == "awarded"
    award = LearningOutcome.objects.get(entry__code="SZ-DIP", learner=wong)
    assert award.result == "awarded"
    assert Credential.objects.filter(outcome=award).exists()
    kinds = set(LedgerEntry.objects.values_list("kind", flat=True))
    assert {"award.applied", "fee.charged", "fee.paid", "award.decided", "credential.issued"} <= kinds
    with pytest.raises(Conflict):
        award_decide(actor=people["institution"], ref=application.ref, decision="refused", reason="late")


def test_a_full_waiver_settles_the_fee_and_a_refusal_needs_a_reason(
    diploma: dict, bank: dict, people: dict
) -> None:
    deposit("U-102", bank, people["operator"])
    Waiver.objects.create(code="low-income", name="Low income", percent=100)
    application = award_apply(actor=diploma["wong"].user, learner=diploma["wong"], qualification="SZ-DIP")
    waived = charge_waive(actor=people["operator"], charge_id=application.charge.pk, waiver_code="low-income")
    assert (waived.status, waived.due) == ("waived", Decimal("0.00"))
    with pytest.raises(InvalidInput):
        award_decide(actor=people["institution"], ref=application.ref, decision="refused")
    refused = award_decide(
        actor=people["institution"], ref=application.ref, decision="refused", reason="Plagiarism found"
    )
    assert refused.reason == "Plagiarism found"
    assert not LearningOutcome.objects.filter(entry__code="SZ-DIP").exists()


def test_only_one_open_application_and_only_own_institution_decides(
    diploma: dict, bank: dict, people: dict
) -> None:
    from creditbank.apps.accounts.models import Institution, User

    deposit("U-102", bank, people["operator"])
    application = award_apply(actor=diploma["wong"].user, learner=diploma["wong"], qualification="SZ-DIP")
    with pytest.raises(Conflict):
        award_apply(actor=diploma["wong"].user, learner=diploma["wong"], qualification="SZ-DIP")
    outsider = User.objects.create_user(
        "hk", role="institution", institution=Institution.objects.get(code="hk-ips")
    )
    with pytest.raises(PermissionDenied):
        award_decide(actor=outsider, ref=application.ref, decision="refused", reason="x")
    with pytest.raises(PermissionDenied):
        award_apply(actor=people["learner"], learner=diploma["wong"], qualification="SZ-DIP")


def test_the_doors_page_api_and_cli(diploma: dict, bank: dict, people: dict, client: Any) -> None:
    deposit("U-102", bank, people["operator"])
    login(client, diploma["wong"].user)
    answer = client.post("/awards/apply/", {"qualification": "SZ-DIP"})
    application = AwardApplication.objects.get()
    assert answer["Location"] == f"/awards/{application.ref}/"
    assert client.get("/api/v1/charges").json()[0]["due"] == "120.00"
    login(client, people["institution"])
    paid = client.post(
        f"/api/v1/charges/{application.charge.pk}/payment",
        {"amount": "120", "method": "card"},
        content_type="application/json",
    )
    assert paid.status_code == 200, paid.content
    receipt = paid.json()["receipt"]
    login(client, diploma["wong"].user)
    page = client.get(f"/awards/receipts/{receipt}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "120.00 CNY" in page
    login(client, people["learner"])  # another learner
    assert client.get(f"/awards/receipts/{receipt}/").status_code == 403
    result = CliRunner().invoke(
        app, ["awards", "decide", application.ref, "--decision", "awarded", "--operator", "operator"]
    )
    assert result.exit_code == 0, result.output
    assert "awarded" in result.output
    assert client.get("/api/v1/award-windows?institution=sz-poly").json()[0]["kind"] == "award"


def test_a_statement_of_expected_award_names_the_window_or_what_is_missing(
    diploma: dict, bank: dict, people: dict, client: Any
) -> None:
    from creditbank.apps.awards.services import expected_award

    with pytest.raises(NotEligible, match="U-102"):
        expected_award(actor=diploma["wong"].user, learner=diploma["wong"], qualification="SZ-DIP")
    deposit("U-102", bank, people["operator"])
    found = expected_award(actor=diploma["wong"].user, learner=diploma["wong"], qualification="SZ-DIP")
    assert found.open_now
    assert found.window.confers_on == TODAY + timedelta(days=40)
    login(client, diploma["wong"].user)
    page = client.get("/awards/expected/SZ-DIP/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Expected conferment: " + (TODAY + timedelta(days=40)).isoformat() in page
    with pytest.raises(PermissionDenied):
        expected_award(actor=people["learner"], learner=diploma["wong"], qualification="SZ-DIP")


def test_a_payment_providers_repeated_callback_records_one_payment(
    diploma: dict, bank: dict, people: dict
) -> None:
    """A gateway calls back with the institution's API key and its own reference; a retry of the
    same callback gets the same receipt, another reference for a settled charge is refused."""
    from django.test import Client

    from creditbank.apps.accounts.models import Institution
    from creditbank.apps.accounts.services import api_key_create

    deposit("U-102", bank, people["operator"])
    wong = diploma["wong"]
    charge = award_apply(actor=wong.user, learner=wong, qualification="SZ-DIP").charge
    key = api_key_create(
        actor=people["institution"], institution=Institution.objects.get(code="sz-poly"), name="pay"
    )
    url = f"/api/v1/charges/{charge.pk}/payment"
    body = {"amount": "120.00", "method": "provider", "reference": "PAY-8812"}
    first = Client().post(
        url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key.secret}"
    )
    again = Client().post(
        url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key.secret}"
    )
    assert first.status_code == again.status_code == 200
    assert first.json()["receipt"] == again.json()["receipt"] == f"CB-{timezone.now().year}-000001"
    other = Client().post(url, {**body, "reference": "PAY-9999"}, content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {key.secret}")  # fmt: skip
    assert other.status_code == 409
    assert LedgerEntry.objects.filter(kind="fee.paid").count() == 1
