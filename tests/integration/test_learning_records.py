"""Learning that earns no credit: self-declared or attested, shown apart, never counted as credit."""

from __future__ import annotations

from typing import Any

import pytest
from tests.helpers import login
from typer.testing import CliRunner

from creditbank.apps.deposits.models import LearningOutcome, LearningRecord
from creditbank.apps.deposits.records import record_add, record_withdraw
from creditbank.apps.deposits.selectors import statement
from creditbank.apps.ledger.models import LedgerEntry
from creditbank.cli.main import app
from creditbank.core.errors import Conflict, InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db
WORK = {"kind": "work_experience", "title": "Network technician", "organisation": "Pearl River Telecom",
        "started_on": "2022-03-01", "ended_on": "2023-02-28", "hours": "1800"}  # fmt: skip


def test_a_learner_declares_and_an_institution_attests(bank: dict, people: dict) -> None:
    wong = bank["wong"]
    own = record_add(actor=wong.user, learner=wong, data=WORK)
    attested = record_add(
        actor=people["institution"],
        learner=wong,
        data={
            "kind": "learning_points",
            "title": "Community college talks",
            "started_on": "2024-05-01",
            "points": "12.5",
        },
    )
    assert own.institution is None
    assert attested.institution.code == "sz-poly"
    kinds = list(LedgerEntry.objects.filter(kind="record.added").values_list("subject", flat=True))
    assert kinds == [f"record:{own.pk}", f"record:{attested.pk}"]
    assert wong.public_id not in "".join(LedgerEntry.objects.values_list("body", flat=True))


def test_records_never_count_as_credit(bank: dict, people: dict, wong_u101: LearningOutcome) -> None:
    wong = bank["wong"]
    before = statement(actor=wong.user, learner=wong).totals
    record_add(actor=wong.user, learner=wong, data=WORK)
    record_add(actor=people["operator"], learner=wong, data={**WORK, "kind": "other_learning", "hours": "40"})
    assert statement(actor=wong.user, learner=wong).totals == before


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"kind": "hobby"}, "kind must be one of"),
        ({"title": " "}, "title"),
        ({"started_on": "2031-01-01", "ended_on": ""}, "future"),
        ({"ended_on": "2021-01-01"}, "before started_on"),
        ({"hours": "lots"}, "hours is not a number"),
        ({"kind": "learning_points", "points": ""}, "number of points"),
    ],
)
def test_bad_records_are_refused_and_nothing_is_stored(bank: dict, changes: dict, says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        record_add(actor=bank["wong"].user, learner=bank["wong"], data={**WORK, **changes})
    assert not LearningRecord.objects.exists()


def test_who_may_add_and_withdraw(bank: dict, people: dict) -> None:
    wong = bank["wong"]
    for role in ("learner", "assessor", "employer"):  # people["learner"] is another learner
        with pytest.raises(PermissionDenied):
            record_add(actor=people[role], learner=wong, data=WORK)
    own = record_add(actor=wong.user, learner=wong, data=WORK)
    attested = record_add(actor=people["institution"], learner=wong, data=WORK)
    with pytest.raises(InvalidInput):  # an institution does not withdraw what the learner declared
        record_withdraw(actor=people["institution"], record_id=own.pk, reason="no")
    with pytest.raises(InvalidInput):  # nor the learner what the institution attested
        record_withdraw(actor=wong.user, record_id=attested.pk, reason="no")
    record_withdraw(actor=wong.user, record_id=own.pk, reason="entered twice")
    with pytest.raises(Conflict):
        record_withdraw(actor=wong.user, record_id=own.pk, reason="again")
    record_withdraw(actor=people["institution"], record_id=attested.pk, reason="wrong learner")
    assert LedgerEntry.objects.filter(kind="record.withdrawn").count() == 2


def test_the_statement_page_shows_records_apart_and_adds_them(bank: dict, client: Any) -> None:
    login(client, bank["wong"].user)
    added = client.post("/deposits/statement/", {"action": "add_record", **WORK})
    assert added.status_code == 302
    page = client.get("/deposits/statement/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'class="no-credit"' in page
    assert "Network technician" in page
    assert "self-declared" in page
    refused = client.post(
        "/deposits/statement/", {"action": "add_record", **WORK, "hours": "-3"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 422
    assert "hours must be between 0 and 100000." in refused.content.decode()
    assert LearningRecord.objects.count() == 1


def test_the_api_institution_page_and_cli(bank: dict, people: dict, client: Any) -> None:
    number = bank["wong"].public_id
    login(client, people["institution"])
    made = client.post(f"/api/v1/learners/{number}/records", WORK, content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["attested_by"] == "sz-poly"
    assert made.json()["credit"] is None
    page = client.post(
        "/deposits/records/",
        {"learner_number": number, **WORK, "title": "Volunteer tutor", "kind": "community_activity"},
    )
    assert page.status_code == 302
    login(client, bank["wong"].user)
    assert [r["title"] for r in client.get("/api/v1/learners/me/records").json()] == [
        "Volunteer tutor",
        "Network technician",
    ]
    assert client.get("/deposits/records/").status_code == 403
    result = CliRunner().invoke(
        app, ["learners", "record", "--learner", number, "--kind", "learning_points", "--title", "Lectures",
              "--from", "2024-01-01", "--points", "3", "--operator", "operator"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert LearningRecord.objects.count() == 3
