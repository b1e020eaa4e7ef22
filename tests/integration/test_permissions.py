"""The permission matrix, exercised through every door that enforces it (pages and API)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from django.test import Client
from tests.helpers import ROLES, login

from creditbank.apps.accounts.models import ApiKey
from creditbank.apps.accounts.permissions import MATRIX, Action, Scope
from creditbank.apps.frameworks.services import SHIPPED_DIR

pytestmark = pytest.mark.django_db
ANYONE = (None, *ROLES)


def client_as(role: str | None, people: Any) -> Client:
    client = Client()
    if role is not None:
        login(client, people[role])
    return client


def new_edition() -> dict[str, Any]:
    doc = yaml.safe_load((SHIPPED_DIR / "NZQF.yaml").read_text(encoding="utf-8"))
    doc["edition"] = "2099-01"
    return doc


@pytest.mark.parametrize("role", ANYONE)
def test_everyone_may_browse_frameworks(reference_data: Any, people: Any, role: str | None) -> None:
    client = client_as(role, people)
    assert client.get("/frameworks/").status_code == 200
    assert client.get("/api/v1/frameworks").status_code == 200


@pytest.mark.parametrize("role", ANYONE)
def test_publishing_through_the_api_follows_the_matrix(
    reference_data: Any, people: Any, role: str | None
) -> None:
    response = client_as(role, people).post(
        "/api/v1/frameworks", data=new_edition(), content_type="application/json"
    )
    expected = {None: 401, "operator": 201}.get(role, 403)
    assert response.status_code == expected, response.content
    if expected != 201:
        assert response.json()["code"] in ("not_authenticated", "permission_denied")


@pytest.mark.parametrize("role", ANYONE)
def test_publishing_page_follows_the_matrix(reference_data: Any, people: Any, role: str | None) -> None:
    response = client_as(role, people).get("/frameworks/publish/")
    assert response.status_code == {None: 302, "operator": 200}.get(role, 403)


@pytest.mark.parametrize("role", ANYONE)
@pytest.mark.parametrize("whose", ["own", "other"])
def test_api_keys_are_managed_only_within_scope(
    institutions: Any, people: Any, role: str | None, whose: str
) -> None:
    code = institutions[whose].code
    client = client_as(role, people)
    listing = client.get(f"/api/v1/institutions/{code}/api-keys")
    created = client.post(
        f"/api/v1/institutions/{code}/api-keys", data={"name": "sis"}, content_type="application/json"
    )
    scope = MATRIX[Action.MANAGE_API_KEYS].get(role)
    may = scope is Scope.ANY or (scope is Scope.OWN_INSTITUTION and whose == "own")
    if role is None:
        assert (listing.status_code, created.status_code) == (401, 401)
    elif may:
        assert (listing.status_code, created.status_code) == (200, 201)
    else:
        assert (listing.status_code, created.status_code) == (403, 403)
        assert not ApiKey.objects.exists()


@pytest.mark.parametrize("role", ANYONE)
@pytest.mark.parametrize("whose", ["own", "other"])
def test_deposit_jobs_are_seen_within_scope_on_the_page_and_the_api(
    reference_data: Any, people: Any, institutions: Any, role: str | None, whose: str
) -> None:
    from creditbank.apps.deposits.jobs import job_submit

    job = job_submit(
        actor=people["operator"],
        raw=b"learner_number,unit_code,achieved_on,result\n",
        file_name="a.csv",
        institution_code=institutions[whose].code,
    )
    client = client_as(role, people)
    api = client.get(f"/api/v1/deposits/jobs/{job.pk}")
    page = client.get(f"/deposits/jobs/{job.pk}/")
    sees = role == "operator" or (role == "institution" and whose == "own")
    if role is None:
        assert (api.status_code, page.status_code) == (401, 302)
    elif sees:
        assert (api.status_code, page.status_code) == (200, 200)
    elif role == "institution":  # another institution's job: not even its existence is told
        assert (api.status_code, page.status_code) == (404, 404)
    else:
        assert (api.status_code, page.status_code) == (403, 403)


def test_the_matrix_names_every_action() -> None:
    assert set(MATRIX) == set(Action)


@pytest.mark.parametrize("role", ANYONE)
def test_pathways_are_seen_by_the_learner_and_the_bank_only(
    reference_data: Any, people: Any, role: str | None
) -> None:
    from creditbank.apps.accounts.learners import learner_open

    learner = learner_open(
        actor=people["operator"],
        full_name="Chan Tai Man",
        id_scheme="passport",
        id_number="P7654321",
        id_country="GBR",
        region="HK",
    )
    if role == "learner":
        learner.user = people["learner"]
        learner.save(update_fields=["user"])
    client = client_as(role, people)
    api = client.get(f"/api/v1/learners/{learner.public_id}/pathway", {"qualification": "NOPE"})
    page = client.get("/recognition/pathways/", {"learner": learner.public_id, "qualification": "NOPE"})
    scope = MATRIX[Action.AUDIT_PATHWAY].get(role)
    if role is None:
        assert (api.status_code, page.status_code) == (401, 302)
    elif scope is None:
        assert (api.status_code, page.status_code) == (403, 403)
    else:  # allowed through; the qualification does not exist
        assert (api.status_code, page.status_code) == (404, 404)
        assert api.json()["code"] == "not_found"
        assert "NOPE" in page.content.decode()


@pytest.mark.parametrize("role", ANYONE)
@pytest.mark.parametrize("whose", ["own", "other"])
def test_recognition_rules_are_published_only_within_scope(
    reference_data: Any, people: Any, institutions: Any, role: str | None, whose: str
) -> None:
    from creditbank.apps.recognition.models import RecognitionRule

    code = institutions[whose].code
    doc = {
        "code": f"R-{whose}",
        "source": {"sector": "ict"},
        "target": {"credits": 3, "system": "GD-CREDIT"},
        "valid_from": "2025-01-01",
    }
    client = client_as(role, people)
    api = client.post("/api/v1/recognition/rules", {**doc, "owner": code}, content_type="application/json")
    page = client.post(
        "/recognition/rules/",
        {"owner": code, "action": "publish", "document": json.dumps({**doc, "code": f"P-{whose}"})},
    )
    scope = MATRIX[Action.MANAGE_RECOGNITION].get(role)
    may = scope is Scope.ANY or (scope is Scope.OWN_INSTITUTION and whose == "own")
    if role is None:
        assert api.status_code == 401
        assert page.status_code == 403
    elif may:
        assert (api.status_code, page.status_code) == (201, 302)
        assert RecognitionRule.objects.filter(owner__code=code).count() == 2
    else:
        assert api.status_code == 403
        # staff of another institution only ever act for their own: the page publishes for sz-poly or refuses
        assert page.status_code == 403 or RecognitionRule.objects.filter(owner__code=code).count() == 0
        assert not RecognitionRule.objects.filter(owner__code=code).exists()
    assert Client().get("/recognition/rules/").status_code == 200  # reading rules needs no account


@pytest.mark.parametrize("role", ANYONE)
def test_a_transfer_application_is_seen_by_its_learner_the_receiving_institution_and_the_bank(
    gba: Any, people: Any, role: str | None
) -> None:
    from tests.integration.conftest import BLOCK

    from creditbank.apps.accounts.models import User
    from creditbank.apps.recognition.services import rule_publish
    from creditbank.apps.recognition.transfers import transfer_apply

    rule_publish(actor=people["operator"], doc=BLOCK, owner_code="hk-ips")
    application = transfer_apply(
        actor=User.objects.get(username="wong"), learner=gba["wong"], qualification="HK-DIP"
    )
    client = client_as(role, people)
    api = client.get(f"/api/v1/transfers/{application.ref}")
    page = client.get(f"/recognition/transfers/{application.ref}/")
    applying = client.post("/api/v1/transfers", {"qualification": "HK-DIP"}, content_type="application/json")
    # The people fixture's learner is not Wong, and its institution staff work for sz-poly, not hk-ips.
    expected = {None: (401, 302), "operator": (200, 200), "institution": (404, 404)}.get(role, (403, 403))
    assert (api.status_code, page.status_code) == expected
    assert applying.status_code == {None: 401, "learner": 404}.get(role, 403)  # this learner has no account


@pytest.mark.parametrize("role", ANYONE)
def test_credentials_are_issued_and_revoked_only_within_scope(
    wong_u101: Any, bank: Any, people: Any, role: str | None
) -> None:
    """Issuing: the learner (own), the depositing institution and the bank; revoking: the institution
    and the bank; verifying and status lists: anyone, with no account."""
    from creditbank.apps.credentials.services import credential_issue

    credential = credential_issue(actor=bank["wong"].user, outcome_id=wong_u101.pk)
    client = client_as(role, people)
    issued = client.post("/api/v1/credentials", {"outcome_id": wong_u101.pk}, content_type="application/json")
    # people["learner"] is another learner, not Wong: their outcome is not theirs to certify.
    assert issued.status_code == {None: 401, "institution": 201, "operator": 201}.get(role, 403)
    seen = client.get(f"/api/v1/credentials/{credential.id}")
    assert seen.status_code == {None: 401, "institution": 200, "operator": 200}.get(role, 403)
    page = client.get(f"/credentials/{credential.id}/")
    assert page.status_code == {None: 302, "institution": 200, "operator": 200}.get(role, 403)
    suspended = client.post(
        f"/api/v1/credentials/{credential.id}/suspend", {"reason": "check"}, content_type="application/json"
    )
    assert suspended.status_code == {None: 401, "institution": 200, "operator": 200}.get(role, 403)
    keys = client.get("/api/v1/issuer-keys")
    assert keys.status_code == {None: 401, "institution": 200, "operator": 200}.get(role, 403)
    verified = client.post("/api/v1/verify", credential.document, content_type="application/json")
    assert verified.status_code == 200
    url = credential.document["credentialStatus"][0]["statusListCredential"]
    assert client.get(url.removeprefix("http://127.0.0.1:8000")).status_code == 200
    assert client.get(f"/verify/{credential.id}/").status_code == 200


def test_a_learner_sees_and_issues_only_their_own_credentials(wong_u101: Any, bank: Any, people: Any) -> None:
    from creditbank.apps.credentials.services import credential_issue

    credential = credential_issue(actor=people["operator"], outcome_id=wong_u101.pk)
    wong = client_as(None, people)
    login(wong, bank["wong"].user)
    assert wong.get(f"/api/v1/credentials/{credential.id}").status_code == 200
    assert [c["id"] for c in wong.get("/api/v1/credentials").json()] == [str(credential.id)]
    other = client_as("learner", people)
    assert other.get("/api/v1/credentials").json() == []
    assert other.get(f"/credentials/{credential.id}/download/").status_code == 403


@pytest.mark.parametrize("role", ANYONE)
def test_collective_registration_feeds_and_windows_follow_the_matrix(
    bank: Any, people: Any, role: str | None
) -> None:
    """Institutions register their own people, run their own feeds and set their own windows and
    fees; the bank any; nobody else. The fee schedule and windows are public to read."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_as(role, people)
    roster = (
        b"full_name,id_scheme,id_number,id_country,region,member_ref\nChan Tai Man,hk_id,A123456(3),,HK,S1\n"
    )
    registered = client.post(
        "/api/v1/collective-registrations",
        {"file": SimpleUploadedFile("people.csv", roster), "institution": "sz-poly"},
    )
    assert registered.status_code == {None: 401, "institution": 201, "operator": 201}.get(role, 403)
    feed = client.post(
        "/api/v1/feeds",
        {"code": f"feed-{role or 'anon'}", "name": "certificates", "institution": "sz-poly"},
        content_type="application/json",
    )
    assert feed.status_code == {None: 401, "institution": 201, "operator": 201}.get(role, 403)
    window = client.post(
        "/api/v1/award-windows",
        {"kind": "award", "opens": "2030-01-01", "closes": "2030-02-01", "institution": "sz-poly"},
        content_type="application/json",
    )
    assert window.status_code == {None: 401, "institution": 201, "operator": 201}.get(role, 403)
    assert client.get("/api/v1/award-windows").status_code == 200
    assert client.get("/api/v1/fees").status_code == 200
    page = client.get("/awards/settings/")
    assert page.status_code == {None: 302, "institution": 200, "operator": 200}.get(role, 403)


@pytest.mark.parametrize("role", ANYONE)
def test_learning_records_are_added_by_the_learner_an_institution_or_the_bank(
    bank: Any, people: Any, role: str | None
) -> None:
    record = {"kind": "work_experience", "title": "Intern", "started_on": "2024-01-01"}
    answer = client_as(role, people).post(
        f"/api/v1/learners/{bank['wong'].public_id}/records", record, content_type="application/json"
    )
    # people["learner"] is another learner: a learner records only on their own account ("me").
    assert answer.status_code == {None: 401, "institution": 201, "operator": 201}.get(role, 403)
