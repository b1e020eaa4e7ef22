"""Lifelong learning accounts: one per person, identity encrypted at rest, each door's rules."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from stdnum.cn import ric
from tests.helpers import PASSWORD, login
from typer.testing import CliRunner

from creditbank.apps.accounts import crypto
from creditbank.apps.accounts.learners import (
    DuplicateLearner,
    SignIn,
    learner_export,
    learner_find,
    learner_identity,
    learner_open,
)
from creditbank.apps.accounts.models import Learner, User
from creditbank.cli.main import app
from creditbank.core.errors import InvalidInput, NotFound, PermissionDenied
from creditbank.core.identity import InvalidIdentityNumber

pytestmark = pytest.mark.django_db
HKID = "A123456(3)"


def resident_id(body: str = "11010519900307002") -> str:
    return body + ric.calc_check_digit(body + "0")


def open_for(actor: Any, number: str = HKID, scheme: str = "hk_id", **extra: Any) -> Learner:
    return learner_open(
        actor=actor, full_name="Wong Ka Ho", id_scheme=scheme, id_number=number, region="HK", **extra
    )


def test_staff_open_an_account_and_the_number_is_only_stored_encrypted(people: Any) -> None:
    learner = open_for(people["institution"])
    assert learner.public_id.startswith("L")
    assert learner.opened_at_institution == people["institution"].institution
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_learner WHERE id = %s", [learner.pk])
        row = " ".join(str(v) for v in cursor.fetchone())
    assert "123456" not in row
    assert learner_identity(learner).number == "A1234563"


def test_one_person_one_account_whatever_the_spelling(people: Any) -> None:
    first = open_for(people["institution"])
    with pytest.raises(DuplicateLearner) as caught:
        open_for(people["operator"], number="a 123456 3")
    assert caught.value.details["learner"] == first.public_id
    assert Learner.objects.count() == 1


def test_a_person_opening_their_own_account_is_not_told_whose_it_is(people: Any) -> None:
    open_for(people["institution"])
    with pytest.raises(DuplicateLearner) as caught:
        open_for(None, sign_in=SignIn("wongkaho", PASSWORD))
    assert "learner" not in caught.value.details
    assert not User.objects.filter(username="wongkaho").exists()


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"id_number": "A123456(4)"}, InvalidIdentityNumber),
        ({"full_name": "   "}, InvalidInput),
        ({"region": "MARS"}, InvalidInput),
        ({"id_scheme": "library_card"}, InvalidInput),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(people: Any, changes: dict, error: type) -> None:
    fields = {"full_name": "Wong Ka Ho", "id_scheme": "hk_id", "id_number": HKID, "region": "HK", **changes}
    with pytest.raises(error):
        learner_open(actor=people["operator"], **fields)
    assert not Learner.objects.exists()


def test_a_weak_password_or_taken_username_leaves_no_half_account(people: Any) -> None:
    with pytest.raises(InvalidInput, match="too weak"):
        open_for(None, sign_in=SignIn("newlearner", "123"))
    with pytest.raises(InvalidInput, match="taken"):
        open_for(None, sign_in=SignIn("Operator", PASSWORD))
    assert not Learner.objects.exists()
    assert not User.objects.filter(username="newlearner").exists()


@pytest.mark.parametrize("role", ["learner", "assessor", "employer"])
def test_only_staff_find_learners(people: Any, role: str) -> None:
    open_for(people["operator"])
    with pytest.raises(PermissionDenied):
        learner_find(actor=people[role], id_scheme="hk_id", id_number=HKID)


def test_finding_someone_without_an_account_says_so(people: Any) -> None:
    with pytest.raises(NotFound):
        learner_find(actor=people["institution"], id_scheme="cn_ric", id_number=resident_id())


def test_learners_export_their_own_record_and_no_one_elses(people: Any) -> None:
    mine = open_for(None, sign_in=SignIn("wongkaho", PASSWORD))
    data = learner_export(actor=mine.user, learner=mine)
    assert data["identity_document"]["number"] == "A1234563"
    assert data["account"]["learner_number"] == mine.public_id
    other = learner_open(
        actor=people["operator"], full_name="Li Na", id_scheme="cn_ric", id_number=resident_id(), region="GD"
    )
    with pytest.raises(PermissionDenied):
        learner_export(actor=mine.user, learner=other)
    with pytest.raises(PermissionDenied):
        learner_export(actor=people["institution"], learner=mine)
    assert learner_export(actor=people["operator"], learner=mine)["account"]["full_name"] == "Wong Ka Ho"


def test_a_ciphertext_moved_or_altered_does_not_decrypt(people: Any) -> None:
    learner = open_for(people["operator"])
    token = learner.id_number_encrypted
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, field="some.other_field")
    version, nonce, sealed = token.split(":")
    altered = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{version}:{nonce}:{altered}", field="learner.id_number")


def test_signup_page_opens_the_account_and_signs_in(client: Client, db: Any) -> None:
    response = client.post(
        "/account/signup/",
        {
            "full_name": "陈小红",
            "id_scheme": "cn_ric",
            "id_number": resident_id(),
            "region": "GD",
            "username": "xiaohong",
            "password": PASSWORD,
            "password2": PASSWORD,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    page = client.get("/account/me/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "陈小红" in page
    assert resident_id() not in page  # masked on screen
    export = json.loads(client.get("/account/me/export.json").content)
    assert export["identity_document"]["number"] == resident_id()


def test_signup_page_explains_a_bad_number(client: Client, db: Any) -> None:
    response = client.post(
        "/account/signup/",
        {
            "full_name": "X",
            "id_scheme": "hk_id",
            "id_number": "A123456(4)",
            "region": "HK",
            "username": "x1",
            "password": PASSWORD,
            "password2": PASSWORD,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert "check digit does not match" in response.content.decode()
    assert not User.objects.filter(username="x1").exists()


def test_staff_page_opens_then_finds_and_names_duplicates(client: Client, people: Any) -> None:
    login(client, people["institution"])
    fields = {"full_name": "Wong Ka Ho", "id_scheme": "hk_id", "id_number": HKID, "region": "HK"}
    opened = client.post(
        "/account/learners/", fields, HTTP_ACCEPT_LANGUAGE="en", follow=True
    ).content.decode()
    number = Learner.objects.get().public_id
    assert "Lifelong learning account opened" in opened  # the receipt to print for the learner
    assert number in opened
    again = client.post("/account/learners/", fields, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 409
    assert number in again.content.decode()
    found = client.post(
        "/account/learners/",
        {"action": "find", "id_scheme": "hk_id", "id_number": "A1234563"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert f"Found account {number}" in found.content.decode()


@pytest.mark.parametrize("role", ["learner", "assessor", "employer"])
def test_staff_page_is_not_for_other_roles(client: Client, people: Any, role: str) -> None:
    login(client, people[role])
    assert client.get("/account/learners/").status_code == 403


def test_api_opens_finds_and_refuses_duplicates(client: Client, people: Any) -> None:
    login(client, people["institution"])
    body = {"full_name": "Wong Ka Ho", "id_scheme": "hk_id", "id_number": HKID, "region": "HK"}
    created = client.post("/api/v1/learners", data=body, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["identity_document"] == "hk_id A1****63"
    duplicate = client.post("/api/v1/learners", data=body, content_type="application/json")
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "duplicate_learner")
    assert duplicate.json()["details"]["learner"] == created.json()["learner_number"]
    found = client.post(
        "/api/v1/learners/lookup",
        data={"id_scheme": "hk_id", "id_number": "A1234563"},
        content_type="application/json",
    )
    assert found.json()["learner_number"] == created.json()["learner_number"]
    bad = client.post(
        "/api/v1/learners", data={**body, "id_number": "A123456(4)"}, content_type="application/json"
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_identity_number")


def test_api_refuses_the_public_and_other_roles(client: Client, people: Any) -> None:
    body = {"full_name": "Wong Ka Ho", "id_scheme": "hk_id", "id_number": HKID, "region": "HK"}
    assert client.post("/api/v1/learners", data=body, content_type="application/json").status_code == 401
    login(client, people["employer"])
    assert client.post("/api/v1/learners", data=body, content_type="application/json").status_code == 403
    assert not Learner.objects.exists()


def test_api_learner_sees_own_account_and_export(client: Client, people: Any) -> None:
    mine = open_for(None, sign_in=SignIn("wongkaho", PASSWORD))
    assert mine.user is not None
    login(client, mine.user)
    assert client.get("/api/v1/learners/me").json()["learner_number"] == mine.public_id
    assert client.get("/api/v1/learners/me/export").json()["identity_document"]["number"] == "A1234563"


@pytest.mark.django_db(transaction=True)
def test_cli_opens_and_finds_and_fails_clearly(people: Any) -> None:
    runner = CliRunner()
    args = [
        "learners",
        "open",
        "--name",
        "Wong Ka Ho",
        "--id-scheme",
        "hk_id",
        "--id-number",
        HKID,
        "--region",
        "HK",
    ]
    opened = runner.invoke(app, [*args, "--operator", "operator"])
    assert opened.exit_code == 0, opened.stderr
    duplicate = runner.invoke(app, [*args, "--operator", "operator"])
    assert duplicate.exit_code == 1
    assert "already has lifelong learning account" in duplicate.stderr
    found = runner.invoke(
        app, ["learners", "find", "--id-scheme", "hk_id", "--id-number", "A1234563", "--operator", "operator"]
    )
    assert Learner.objects.get().public_id in found.stdout
    assert runner.invoke(app, [*args, "--operator", "learner"]).exit_code == 1


def test_a_registration_fee_is_charged_when_the_schedule_has_one(people: Any, db: Any) -> None:
    from decimal import Decimal

    from creditbank.apps.awards.models import Charge
    from creditbank.apps.awards.services import fee_set

    learner_open(
        actor=people["operator"],
        full_name="No Fee",
        id_scheme="passport",
        id_number="N1234567",
        id_country="GBR",
        region="XX",
    )
    assert not Charge.objects.exists()  # no fee in the schedule: nothing charged
    fee_set(actor=people["operator"], institution=None, code="registration", amount=Decimal("30"))
    learner = learner_open(
        actor=people["operator"],
        full_name="With Fee",
        id_scheme="passport",
        id_number="N7654321",
        id_country="GBR",
        region="XX",
    )
    assert Charge.objects.get(learner=learner).due == Decimal("30.00")
