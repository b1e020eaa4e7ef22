"""Review of new accounts: where the bank requires it, an account waits for its site, then the
sub-centre, before it is official; a site's counter check is its first step; the centre's review is
final; until official an account cannot apply for anything; every step is recorded."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client
from tests.helpers import PASSWORD, login
from typer.testing import CliRunner

from creditbank.apps.accounts.account_reviews import (
    COUNTER_CHECK,
    AccountNotOfficial,
    account_review_policy_set,
    account_review_queue,
    accounts_review,
)
from creditbank.apps.accounts.collective import collective_register
from creditbank.apps.accounts.learners import SignIn, learner_open
from creditbank.apps.accounts.models import AccountReview, Learner
from creditbank.apps.awards.service_times import overdue
from creditbank.apps.awards.services import award_apply
from creditbank.apps.ledger.models import LedgerEntry
from creditbank.apps.recognition.transfers import transfer_apply
from creditbank.cli.main import app
from creditbank.core.errors import InvalidInput, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


def open_account(actor: Any, id_number: str, **extra: Any) -> Learner:
    return learner_open(
        actor=actor, full_name="Chan Tai Man", id_scheme="passport", id_number=id_number, id_country="CAN",
        region="XX", **extra,
    )  # fmt: skip


def queue_of(actor: Any) -> list[str]:
    return [w.learner.public_id for w in account_review_queue(actor)]


def test_without_a_policy_new_accounts_are_official(network: dict, people: dict) -> None:
    assert open_account(people["institution"], "AB123456").status == "official"
    assert not AccountReview.objects.exists()


def test_a_counter_account_goes_from_the_site_to_its_sub_centre(network: dict, people: dict) -> None:
    account_review_policy_set(actor=people["operator"], levels=2)
    account = open_account(network["site-sz"], "AB123456")
    assert (account.status, account.awaiting_level, account.review_unit.code) == ("pending", 2, "sz-site")
    step = AccountReview.objects.get(learner=account)
    assert (step.level, step.decision, step.reason) == (1, "approved", COUNTER_CHECK)
    assert queue_of(network["site-sz"]) == []
    assert queue_of(network["site-hk"]) == []
    assert queue_of(network["sub-gd"]) == [account.public_id]
    [done] = accounts_review(
        actor=network["sub-gd"], numbers=[account.public_id.lower()], decision="approved"
    )
    assert (done.status, done.awaiting_level) == ("official", None)
    assert LedgerEntry.objects.filter(kind="account.reviewed").count() == 2
    assert account.public_id not in "".join(LedgerEntry.objects.values_list("body", flat=True))


def test_an_institution_opened_account_is_reviewed_at_both_levels(network: dict, people: dict) -> None:
    account_review_policy_set(actor=people["operator"], levels=2)
    account = open_account(people["institution"], "AB123456")  # sz-poly staff; sz-site serves sz-poly
    assert (account.status, account.awaiting_level, account.review_unit.code) == ("pending", 1, "sz-site")
    accounts_review(actor=network["site-sz"], numbers=[account.public_id], decision="approved")
    account.refresh_from_db()
    assert (account.status, account.awaiting_level) == ("pending", 2)
    with pytest.raises(InvalidInput, match="reason"):
        accounts_review(actor=network["sub-gd"], numbers=[account.public_id], decision="rejected")
    account.refresh_from_db()
    assert account.status == "pending"
    accounts_review(
        actor=network["sub-gd"],
        numbers=[account.public_id],
        decision="rejected",
        reason="Photo does not match",
    )
    account.refresh_from_db()
    assert (account.status, account.status_reason) == ("rejected", "Photo does not match")
    assert list(account.reviews.values_list("level", "decision")) == [(1, "approved"), (2, "rejected")]


def test_online_accounts_wait_for_the_centre_whose_review_is_final(network: dict, people: dict) -> None:
    account_review_policy_set(actor=people["operator"], levels=2)
    account = open_account(None, "AB123456", sign_in=SignIn("chan", PASSWORD))
    assert (account.status, account.awaiting_level, account.review_unit) == ("pending", 1, None)
    for staff in ("site-sz", "sub-gd", "site-hk"):
        assert queue_of(network[staff]) == []
    assert queue_of(people["operator"]) == [account.public_id]
    accounts_review(actor=people["operator"], numbers=[account.public_id], decision="approved")
    account.refresh_from_db()
    assert account.status == "official"


def test_a_collective_file_waits_for_the_institution_site(network: dict, people: dict) -> None:
    account_review_policy_set(actor=people["operator"], levels=1)
    rows = [
        {"full_name": f"Staff {i}", "id_scheme": "passport", "id_number": f"AB12345{i}", "id_country": "CAN",
         "region": "XX"}
        for i in range(3)
    ]  # fmt: skip
    collective_register(
        actor=people["institution"], institution=network["site-sz"].service_unit.institutions.get(), rows=rows
    )
    fresh = Learner.objects.filter(full_name__startswith="Staff")
    assert {(a.status, a.awaiting_level, a.review_unit.code) for a in fresh} == {("pending", 1, "sz-site")}
    done = accounts_review(
        actor=network["site-sz"], numbers=[a.public_id for a in fresh], decision="approved"
    )
    assert {a.status for a in done} == {"official"}  # one level: the site's approval is the last


def test_reviewers_act_only_on_their_own_queue(network: dict, people: dict) -> None:
    account_review_policy_set(actor=people["operator"], levels=2)
    account = open_account(people["institution"], "AB123456")
    with pytest.raises(NotFound, match=account.public_id):
        accounts_review(actor=network["site-hk"], numbers=[account.public_id], decision="approved")
    with pytest.raises(NotFound):  # the sub-centre's turn has not come
        accounts_review(actor=network["sub-gd"], numbers=[account.public_id], decision="approved")
    for role in ("institution", "learner", "assessor", "employer"):
        with pytest.raises(PermissionDenied):
            account_review_queue(people[role])
    account.refresh_from_db()
    assert (account.status, account.awaiting_level) == ("pending", 1)
    assert not AccountReview.objects.exists()


def test_only_the_centre_sets_the_policy(network: dict, people: dict) -> None:
    with pytest.raises(PermissionDenied):
        account_review_policy_set(actor=network["site-sz"], levels=2)
    with pytest.raises(InvalidInput):
        account_review_policy_set(actor=people["operator"], levels=3)
    assert open_account(None, "AB123456", sign_in=SignIn("chan", PASSWORD)).status == "official"


def test_an_account_under_review_cannot_apply(network: dict, people: dict) -> None:
    account_review_policy_set(actor=people["operator"], levels=1)
    account = open_account(None, "AB123456", sign_in=SignIn("chan", PASSWORD))
    with pytest.raises(AccountNotOfficial, match="under review"):
        transfer_apply(actor=account.user, learner=account, qualification="ANY")
    with pytest.raises(AccountNotOfficial):
        award_apply(actor=account.user, learner=account, qualification="ANY")


def test_waiting_accounts_past_their_service_time_are_overdue(network: dict, people: dict) -> None:
    account_review_policy_set(actor=people["operator"], levels=1)
    account = open_account(people["institution"], "AB123456")
    assert [o.ref for o in overdue(network["site-sz"])] == []
    late = overdue(network["site-sz"], today=date(2099, 1, 5))
    assert [(o.clock.value, o.ref) for o in late] == [("account_review", account.public_id)]


def test_pages_api_and_cli(network: dict, people: dict) -> None:
    staff = login(Client(), people["operator"])
    assert staff.post("/account/reviews/", {"action": "policy", "levels": "2"}).status_code == 302
    assert Client().get("/api/v1/account-review-policy").json() == {"levels": 2}
    account = open_account(None, "AB123456", sign_in=SignIn("chan", PASSWORD))
    learner = login(Client(), account.user)
    mine = learner.get("/account/me/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Account under review" in mine
    assert learner.get("/api/v1/learners/me").json()["status"] == "pending"
    assert learner.get("/account/reviews/").status_code == 403
    assert learner.get("/api/v1/account-reviews").status_code == 403
    page = staff.get("/account/reviews/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'data-account="{account.public_id}"' in page
    listed = staff.get("/api/v1/account-reviews").json()
    assert [(a["learner_number"], a["level"], a["site"]) for a in listed] == [(account.public_id, 1, None)]
    refused = staff.post(
        "/api/v1/account-reviews",
        {"accounts": [account.public_id], "decision": "maybe"},
        content_type="application/json",
    )
    assert refused.status_code == 422
    staff.post("/account/reviews/", {"account": [account.public_id], "decision": "approved"})
    assert learner.get("/api/v1/learners/me").json()["status"] == "official"
    runner = CliRunner()
    assert runner.invoke(app, ["reviews", "account-policy", "1", "--operator", "operator"]).exit_code == 0
    other = open_account(people["institution"], "CD123456")
    listed_cli = runner.invoke(app, ["reviews", "accounts", "--operator", "site-sz", "--json"])
    assert [a["learner"] for a in json.loads(listed_cli.output)] == [other.public_id]
    decided = runner.invoke(
        app, ["reviews", "decide-accounts", other.public_id, "--decision", "rejected", "--reason", "Wrong name",
              "--operator", "site-sz"],
    )  # fmt: skip
    assert decided.exit_code == 0, decided.output
    other.refresh_from_db()
    assert (other.status, other.status_reason) == ("rejected", "Wrong name")
    rejected = login(Client(), people["operator"]).get(f"/account/learners/{other.public_id}/receipt/",
                                                       HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert "Account not approved" in rejected.content.decode()
