"""The service network and two-level review: a certificate waits for its site, then the sub-centre,
before it counts; every step is recorded; each reviewer sees only their own queue."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.helpers import login
from typer.testing import CliRunner

from creditbank.apps.accounts.network import unit_create
from creditbank.apps.deposits.models import LearningOutcome, OutcomeReview
from creditbank.apps.deposits.reviews import outcomes_review, review_policy_set, review_queue
from creditbank.apps.deposits.selectors import statement
from creditbank.apps.deposits.services import deposit_batch
from creditbank.apps.ledger.models import LedgerEntry
from creditbank.apps.recognition.selectors import holdings_of
from creditbank.cli.main import app
from creditbank.core.errors import InvalidInput, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


def deposit(bank: dict, people: dict, code: str = "U-101", kind: str = "certificate") -> LearningOutcome:
    deposit_batch(
        actor=people["operator"],
        rows=[{"learner_number": bank["wong"].public_id, "unit_code": code, "achieved_on": "2024-01-10", "result": "A", "outcome_type": kind}],
        idempotency_key=f"review-{code}-{kind}",
        institution_code="sz-poly",
    )  # fmt: skip
    return LearningOutcome.objects.get(entry__code=code, learner=bank["wong"])


def test_a_reviewed_type_counts_only_after_the_site_and_the_sub_centre(
    bank: dict, people: dict, network: dict
) -> None:
    outcome = deposit(bank, people)
    assert outcome.status == "pending"
    assert holdings_of(bank["wong"]) == []  # pathways and transfers see nothing yet
    assert statement(actor=bank["wong"].user, learner=bank["wong"]).pending == [outcome]
    assert [w.outcome for w in review_queue(network["site-sz"])] == [outcome]
    assert review_queue(network["sub-gd"]) == []  # not yet at the second level
    assert review_queue(network["site-hk"]) == []  # another site's institution
    outcomes_review(actor=network["site-sz"], outcome_ids=[outcome.pk], decision="approved")
    outcome.refresh_from_db()
    assert (outcome.status, outcome.awaiting_level) == ("pending", 2)
    with pytest.raises(NotFound):  # the site cannot approve its own second level
        outcomes_review(actor=network["site-sz"], outcome_ids=[outcome.pk], decision="approved")
    outcomes_review(actor=network["sub-gd"], outcome_ids=[outcome.pk], decision="approved")
    outcome.refresh_from_db()
    assert outcome.status == "recorded"
    assert [h.id for h in holdings_of(bank["wong"])] == [str(outcome.pk)]
    steps = list(OutcomeReview.objects.filter(outcome=outcome).values_list("level", "unit__code", "decision"))
    assert steps == [(1, "sz-site", "approved"), (2, "gd-sub", "approved")]
    assert LedgerEntry.objects.filter(kind="outcome.reviewed", subject=f"outcome:{outcome.pk}").count() == 2


def test_a_rejection_needs_a_reason_and_keeps_the_outcome_out(
    bank: dict, people: dict, network: dict
) -> None:
    outcome = deposit(bank, people)
    with pytest.raises(InvalidInput):
        outcomes_review(actor=network["site-sz"], outcome_ids=[outcome.pk], decision="rejected")
    outcomes_review(
        actor=network["site-sz"],
        outcome_ids=[outcome.pk],
        decision="rejected",
        reason="Certificate number not found",
    )
    outcome.refresh_from_db()
    assert (outcome.status, outcome.status_reason) == ("rejected", "Certificate number not found")
    assert statement(actor=bank["wong"].user, learner=bank["wong"]).history == [outcome]


def test_types_without_review_count_at_once_and_a_pending_outcome_is_not_deposited_twice(
    bank: dict, people: dict, network: dict
) -> None:
    formal = deposit(bank, people, "U-102", "formal")
    assert formal.status == "recorded"
    pending = deposit(bank, people, "U-101")
    deposit_batch(
        actor=people["operator"],
        rows=[{"learner_number": bank["wong"].public_id, "unit_code": "U-101", "achieved_on": "2024-01-10", "result": "A", "outcome_type": "certificate"}],
        idempotency_key="again",
        institution_code="sz-poly",
    )  # fmt: skip
    assert LearningOutcome.objects.filter(entry__code="U-101").count() == 1
    assert pending.status == "pending"


def test_only_the_centre_sets_the_policy_and_only_staff_review(
    bank: dict, people: dict, network: dict
) -> None:
    with pytest.raises(PermissionDenied):
        review_policy_set(actor=network["site-sz"], outcome_type="formal", levels=1)
    for role in ("learner", "institution", "assessor", "employer"):
        with pytest.raises(PermissionDenied):
            review_queue(people[role])
    with pytest.raises(PermissionDenied):
        unit_create(
            actor=people["institution"],
            code="x-site",
            name_en="x",
            name_zh="x",
            level="site",
            parent="gd-sub",
        )
    with pytest.raises(InvalidInput):  # a site belongs under a sub-centre, not the centre
        unit_create(
            actor=people["operator"], code="bad-site", name_en="x", name_zh="x", level="site", parent="centre"
        )


def test_the_page_api_and_cli(bank: dict, people: dict, network: dict, client: Any) -> None:
    outcome = deposit(bank, people)
    login(client, network["site-sz"])
    page = client.get("/deposits/reviews/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'data-outcome="{outcome.pk}"' in page
    done = client.post("/deposits/reviews/", {"outcome": [str(outcome.pk)], "decision": "approved"})
    assert done.status_code == 302
    login(client, network["sub-gd"])
    assert [r["outcome"] for r in client.get("/api/v1/reviews").json()] == [outcome.pk]
    listed = CliRunner().invoke(app, ["reviews", "list", "--operator", "sub-gd", "--json"])
    assert json.loads(listed.stdout)[0]["level"] == 2
    decided = CliRunner().invoke(
        app, ["reviews", "decide", str(outcome.pk), "--decision", "approved", "--operator", "sub-gd"]
    )
    assert decided.exit_code == 0, decided.output
    assert "recorded" in decided.output
    tree = client.get("/api/v1/service-units").json()
    assert [(u["code"], u["depth"]) for u in tree][:3] == [("centre", 0), ("gd-sub", 1), ("sz-site", 2)]
    assert client.get("/account/network/").status_code == 200
