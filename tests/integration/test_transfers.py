"""Transfer applications: a learner applies, the receiving institution decides each item, appeals go to the bank."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from tests.helpers import PASSWORD, login
from tests.integration.conftest import BLOCK, EXEMPT
from typer.testing import CliRunner

from creditbank.apps.accounts.models import Institution, User
from creditbank.apps.ledger.models import LedgerEntry
from creditbank.apps.recognition.models import ApplicationStatus, ItemDecision, TransferItem
from creditbank.apps.recognition.selectors import pathway
from creditbank.apps.recognition.services import rule_publish
from creditbank.apps.recognition.transfers import (
    transfer_answer,
    transfer_appeal,
    transfer_apply,
    transfer_decide,
    transfer_view,
    transfer_withdraw,
    transfers_for,
)
from creditbank.cli.main import app
from creditbank.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def applied(gba: dict[str, Any]) -> dict[str, Any]:
    """Wong applies to HK-DIP: U-102 as the HK-202 exemption, U-101 as 8 HKQF credits."""
    rule_publish(actor=gba["operator"], doc=EXEMPT, owner_code="hk-ips")
    rule_publish(actor=gba["operator"], doc=BLOCK, owner_code="hk-ips")
    wong = User.objects.get(username="wong")
    hk_staff = User.objects.create_user(
        username="hkstaff",
        password=PASSWORD,
        role="institution",
        institution=Institution.objects.get(code="hk-ips"),
    )
    application = transfer_apply(actor=wong, learner=gba["wong"], qualification="HK-DIP")
    items = {i.outcome.entry.code: i for i in application.items.select_related("outcome__entry")}
    return {**gba, "wong_user": wong, "hk_staff": hk_staff, "application": application, "items": items}


def test_applying_stores_each_use_with_its_rule_version_and_logs_it(applied: dict[str, Any]) -> None:
    application, items = applied["application"], applied["items"]
    assert application.institution.code == "hk-ips"
    assert (items["U-102"].exempts, items["U-102"].credits) == ("HK-202", 15)
    assert (items["U-101"].rule.code, items["U-101"].rule.version, items["U-101"].credits) == (
        "HK-R-GD",
        1,
        8,
    )
    assert items["U-101"].explanation[0]["template"].startswith("counts as %(credits)s")
    entry = LedgerEntry.objects.get(kind="transfer.applied")
    body = json.loads(entry.body)
    assert applied["wong"].public_id not in entry.body  # learners appear only as commitments
    assert {(i["rule"], i["rule_version"]) for i in body["data"]["items"]} == {("HK-R-EX", 1), ("HK-R-GD", 1)}
    with pytest.raises(Conflict, match="still open"):
        transfer_apply(actor=applied["wong_user"], learner=applied["wong"], qualification="HK-DIP")


def test_only_the_learner_applies_for_themselves(applied: dict[str, Any], people: dict[str, Any]) -> None:
    for actor in (people["operator"], people["institution"], people["learner"]):
        with pytest.raises(PermissionDenied):
            transfer_apply(actor=actor, learner=applied["li"], qualification="HK-DIP")


def test_the_receiving_institution_decides_each_item_and_accepted_credit_counts_from_then_on(
    applied: dict[str, Any],
) -> None:
    ref, items, staff = applied["application"].ref, applied["items"], applied["hk_staff"]
    with pytest.raises(InvalidInput, match="Say why"):
        transfer_decide(actor=staff, ref=ref, item_id=items["U-101"].pk, decision="rejected")
    transfer_decide(actor=staff, ref=ref, item_id=items["U-102"].pk, decision="accepted")
    transfer_decide(
        actor=staff, ref=ref, item_id=items["U-101"].pk, decision="rejected", reason="syllabus differs"
    )
    application = transfer_view(actor=staff, ref=ref)
    assert application.status == ApplicationStatus.DECIDED
    with pytest.raises(Conflict):
        transfer_decide(actor=staff, ref=ref, item_id=items["U-101"].pk, decision="accepted")
    decided = [
        json.loads(e.body)["data"] for e in LedgerEntry.objects.filter(kind="transfer.decided").order_by("pk")
    ]
    assert [(d["rule"], d["decision"]) for d in decided] == [("HK-R-EX", "accepted"), ("HK-R-GD", "rejected")]
    # The accepted exemption now counts in every audit of HK-DIP and is not proposed again.
    later = pathway(
        actor=applied["operator"],
        learner=applied["wong"],
        qualification="HK-DIP",
        on=application.submitted_at.date(),
    )
    assert [m.holding.unit for m in later.proposal.accepted] == ["U-102"]
    assert "U-102" not in {m.holding.unit for m in later.proposal.uses}
    assert "T:" + str(items["U-102"].outcome_id) in later.audit.transferred


def test_another_institution_does_not_see_or_decide_the_application(
    applied: dict[str, Any], people: dict[str, Any]
) -> None:
    sz_staff = people["institution"]
    with pytest.raises(NotFound):
        transfer_decide(
            actor=sz_staff,
            ref=applied["application"].ref,
            item_id=applied["items"]["U-101"].pk,
            decision="accepted",
        )
    assert list(transfers_for(sz_staff)) == []
    assert list(transfers_for(applied["hk_staff"])) == [applied["application"]]
    with pytest.raises(PermissionDenied):
        transfers_for(people["employer"])


def test_evidence_is_asked_for_answered_and_then_decided(applied: dict[str, Any]) -> None:
    ref, item, staff = applied["application"].ref, applied["items"]["U-101"], applied["hk_staff"]
    transfer_decide(actor=staff, ref=ref, item_id=item.pk, decision="evidence", reason="send the syllabus")
    with pytest.raises(InvalidInput):
        transfer_answer(actor=applied["wong_user"], ref=ref, item_id=item.pk, note=" ")
    transfer_answer(
        actor=applied["wong_user"], ref=ref, item_id=item.pk, note="https://example.org/syllabus.pdf"
    )
    item.refresh_from_db()
    assert (item.decision, item.learner_note) == (ItemDecision.PENDING, "https://example.org/syllabus.pdf")
    transfer_decide(actor=staff, ref=ref, item_id=item.pk, decision="accepted")
    item.refresh_from_db()
    assert item.decision == ItemDecision.ACCEPTED


def test_an_appeal_is_decided_by_the_bank_once(applied: dict[str, Any]) -> None:
    ref, items, staff, wong = (
        applied["application"].ref,
        applied["items"],
        applied["hk_staff"],
        applied["wong_user"],
    )
    for code in ("U-101", "U-102"):
        transfer_decide(
            actor=staff, ref=ref, item_id=items[code].pk, decision="rejected", reason="not equivalent"
        )
    with pytest.raises(InvalidInput):
        transfer_appeal(actor=wong, ref=ref, reason="")
    transfer_appeal(actor=wong, ref=ref, reason="The course matches HK-202's outcomes; see the syllabus.")
    assert TransferItem.objects.filter(on_appeal=True, decision=ItemDecision.PENDING).count() == 2
    with pytest.raises(PermissionDenied):  # the institution that refused does not judge its own refusal
        transfer_decide(actor=staff, ref=ref, item_id=items["U-102"].pk, decision="accepted")
    for code, decision in (("U-102", "accepted"), ("U-101", "rejected")):
        transfer_decide(
            actor=applied["operator"], ref=ref, item_id=items[code].pk, decision=decision, reason="panel"
        )
    with pytest.raises(Conflict, match="appealed already"):
        transfer_appeal(actor=wong, ref=ref, reason="again")
    assert LedgerEntry.objects.filter(kind="transfer.appealed").count() == 1


def test_a_learner_withdraws_an_open_application(applied: dict[str, Any]) -> None:
    withdrawn = transfer_withdraw(actor=applied["wong_user"], ref=applied["application"].ref)
    assert withdrawn.status == ApplicationStatus.WITHDRAWN
    with pytest.raises(Conflict):
        transfer_withdraw(actor=applied["wong_user"], ref=applied["application"].ref)
    again = transfer_apply(actor=applied["wong_user"], learner=applied["wong"], qualification="HK-DIP")
    assert again.ref != applied["application"].ref


def test_the_api_and_pages_carry_the_whole_workflow(applied: dict[str, Any]) -> None:
    ref, items = applied["application"].ref, applied["items"]
    staff = login(Client(), applied["hk_staff"])
    incoming = staff.get("/api/v1/transfers", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [a["ref"] for a in incoming] == [ref]
    decided = staff.post(
        f"/api/v1/transfers/{ref}/items/{items['U-102'].pk}/decision",
        {"decision": "accepted"},
        content_type="application/json",
    )
    assert decided.status_code == 200
    page = staff.post(
        f"/recognition/transfers/{ref}/",
        {"action": "decide", "item": items["U-101"].pk, "decision": "rejected", "reason": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 422
    assert "Say why" in page.content.decode()
    learner = login(Client(), applied["wong_user"])
    statement = learner.get("/deposits/statement/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Transferred credit" in statement
    assert ref in statement
    assert "HK-R-EX v1" in statement
    assert Client().get(f"/api/v1/transfers/{ref}").status_code == 401
    other = login(Client(), applied["operator"]).get(f"/recognition/transfers/{ref}/")
    assert other.status_code == 200


def test_the_cli_lists_and_decides(applied: dict[str, Any]) -> None:
    runner = CliRunner()
    ref, item = applied["application"].ref, applied["items"]["U-101"]
    listed = runner.invoke(app, ["transfer", "list", "--operator", "operator", "--json"])
    assert listed.exit_code == 0
    assert json.loads(listed.output)[0]["ref"] == ref
    refused = runner.invoke(
        app, ["transfer", "decide", ref, str(item.pk), "--decision", "rejected", "--operator", "operator"]
    )
    assert refused.exit_code == 1
    ok = runner.invoke(
        app, ["transfer", "decide", ref, str(item.pk), "--decision", "accepted", "--operator", "operator"]
    )
    assert ok.exit_code == 0, ok.output


@pytest.mark.skipif(
    not __import__("shutil").which("pdftotext"), reason="needs poppler-utils (installed by .ci/run)"
)
def test_the_pdf_statement_shows_transferred_credit_with_its_provenance(
    applied: dict[str, Any], tmp_path: Any
) -> None:
    import subprocess

    ref, item = applied["application"].ref, applied["items"]["U-102"]
    transfer_decide(actor=applied["hk_staff"], ref=ref, item_id=item.pk, decision="accepted")
    response = login(Client(), applied["wong_user"]).get(
        "/deposits/statement/", {"format": "pdf"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    path = tmp_path / "statement.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Transferred credit" in text
    assert "exemption from HK-202" in text
    assert f"{ref} · HK-R-EX v1" in text
    assert "term 2023/24-1" in text  # achieved 2024-01-10, the autumn term by the default calendar


def test_an_appeal_after_the_service_time_is_refused_with_its_last_day(applied: dict[str, Any]) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from creditbank.apps.awards.service_times import AppealTooLate
    from creditbank.apps.recognition.models import TransferApplication

    ref, items, staff = applied["application"].ref, applied["items"], applied["hk_staff"]
    for code in ("U-101", "U-102"):
        transfer_decide(
            actor=staff, ref=ref, item_id=items[code].pk, decision="rejected", reason="not equivalent"
        )
    TransferApplication.objects.filter(ref=ref).update(decided_at=timezone.now() - timedelta(days=30))
    with pytest.raises(AppealTooLate, match="within 14 working days"):
        transfer_appeal(actor=applied["wong_user"], ref=ref, reason="late")
    assert not TransferItem.objects.filter(on_appeal=True).exists()


def test_credit_recognised_is_charged_and_an_upheld_appeal_is_refunded(applied: dict[str, Any]) -> None:
    from decimal import Decimal

    from creditbank.apps.awards.models import Charge
    from creditbank.apps.awards.services import fee_set

    operator = applied["operator"]
    fee_set(actor=operator, institution=None, code="per_credit", amount=Decimal("10"))
    fee_set(actor=operator, institution=None, code="appeal", amount=Decimal("50"))
    ref, items, staff, wong = (
        applied["application"].ref,
        applied["items"],
        applied["hk_staff"],
        applied["wong_user"],
    )
    transfer_decide(actor=staff, ref=ref, item_id=items["U-101"].pk, decision="accepted")
    transfer_decide(
        actor=staff, ref=ref, item_id=items["U-102"].pk, decision="rejected", reason="not equivalent"
    )
    [per_credit] = Charge.objects.filter(code="per_credit")
    assert per_credit.due == Decimal(10) * items["U-101"].credits
    transfer_appeal(actor=wong, ref=ref, reason="The syllabus matches.")
    appeal = Charge.objects.get(code="appeal")
    assert (appeal.due, appeal.status) == (Decimal("50.00"), "due")
    transfer_decide(actor=operator, ref=ref, item_id=items["U-102"].pk, decision="accepted", reason="panel")
    appeal.refresh_from_db()
    assert (appeal.status, appeal.due) == ("waived", Decimal("0.00"))  # upheld: not owed
    assert Charge.objects.filter(code="per_credit").count() == 2


def test_outside_an_intake_window_an_application_is_refused_with_the_next_opening(
    gba: dict[str, Any],
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from creditbank.apps.awards.services import IntakeClosed, window_add

    rule_publish(actor=gba["operator"], doc=BLOCK, owner_code="hk-ips")
    today = timezone.localdate()
    hk_ips = Institution.objects.get(code="hk-ips")
    opens = today + timedelta(days=30)
    window_add(
        actor=gba["operator"],
        institution=hk_ips,
        kind="intake",
        opens=opens,
        closes=opens + timedelta(days=30),
    )
    wong = User.objects.get(username="wong")
    with pytest.raises(IntakeClosed, match=opens.isoformat()):
        transfer_apply(actor=wong, learner=gba["wong"], qualification="HK-DIP")
    window_add(
        actor=gba["operator"],
        institution=hk_ips,
        kind="intake",
        opens=today - timedelta(days=1),
        closes=today,
    )
    assert transfer_apply(actor=wong, learner=gba["wong"], qualification="HK-DIP").items.exists()


def test_accepted_credit_is_entered_into_the_term_of_the_outcome(applied: dict[str, Any]) -> None:
    from creditbank.apps.awards.models import TermCalendar

    ref, items, staff = applied["application"].ref, applied["items"], applied["hk_staff"]
    transfer_decide(actor=staff, ref=ref, item_id=items["U-101"].pk, decision="accepted")
    first = TransferItem.objects.get(pk=items["U-101"].pk)
    assert (first.term, str(first.term_starts_on)) == ("2023/24-1", "2023-09-01")  # achieved 2024-01-10
    # hk-ips keeps three terms; a bad calendar is refused through each door and changes nothing.
    client = login(Client(), staff)
    bad = client.put(
        "/api/v1/terms",
        {"term_starts": ["09-01", "02-30"]},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 422
    assert "02-30 is not a term start" in bad.json()["message"]
    other = login(Client(), User.objects.get(username="institution"))  # sz-poly staff
    assert other.put("/api/v1/terms", {"term_starts": ["09-01"], "institution": "hk-ips"},
                     content_type="application/json").status_code == 403  # fmt: skip
    assert not TermCalendar.objects.exists()
    page = client.post("/awards/settings/", {"action": "terms", "term_starts": "09-01, 01-01 05-01"})
    assert page.status_code == 302
    assert Client().get("/api/v1/terms?institution=hk-ips").json()["term_starts"] == [
        "09-01",
        "01-01",
        "05-01",
    ]
    assert Client().get("/api/v1/terms").json()["term_starts"] == ["09-01", "03-01"]  # the bank's default
    transfer_decide(actor=staff, ref=ref, item_id=items["U-102"].pk, decision="accepted")
    second = TransferItem.objects.get(pk=items["U-102"].pk)
    assert (second.term, str(second.term_starts_on)) == ("2023/24-2", "2024-01-01")
    decided = LedgerEntry.objects.filter(kind="transfer.decided").order_by("pk")
    assert [json.loads(e.body)["data"]["term"] for e in decided] == ["2023/24-1", "2023/24-2"]
    # The learner sees the term in the statement and through the API.
    learner = login(Client(), applied["wong_user"])
    assert "2023/24-2" in learner.get("/deposits/statement/").content.decode()
    api_items = learner.get(f"/api/v1/transfers/{ref}").json()["items"]
    assert {i["term"]["label"] for i in api_items} == {"2023/24-1", "2023/24-2"}
    runner = CliRunner()
    done = runner.invoke(app, ["windows", "terms", "02-15", "09-01", "--operator", "operator"])
    assert done.exit_code == 0, done.output
    assert Client().get("/api/v1/terms").json()["term_starts"] == ["02-15", "09-01"]
