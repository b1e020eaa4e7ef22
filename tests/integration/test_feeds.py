"""Issuer feeds: a certificate body pushes certificates into learners' accounts with its API key."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from tests.helpers import login
from tests.integration.conftest import HKID, unit
from typer.testing import CliRunner

from creditbank.apps.accounts.models import Institution, User
from creditbank.apps.accounts.services import api_key_create
from creditbank.apps.deposits.feeds import feed_create
from creditbank.apps.deposits.models import ImportBatch, LearningOutcome
from creditbank.apps.register.services import entries_import, entry_record_accreditation
from creditbank.cli.main import app

pytestmark = pytest.mark.django_db


@pytest.fixture
def body(bank: dict, people: dict) -> dict[str, Any]:
    """gba-skills, a certificate body with an accredited 1+X certificate, its staff and an API key."""
    institution = Institution.objects.create(
        code="gba-skills",
        name_en="GBA Skills Centre",
        name_zh="湾区技能中心",
        kind="certificate_body",
        region="GD",
    )
    entries_import(
        actor=people["operator"], docs=[unit("X-WEB", kind="x_certificate")], owner_code="gba-skills"
    )
    entry_record_accreditation(
        actor=people["operator"], code="X-WEB", accredited_on=date(2020, 6, 1), next_review_on=None, note="QA"
    )
    staff = User.objects.create_user("skills", role="institution", institution=institution)
    feed = feed_create(
        actor=staff, institution=institution, code="gba-skills-1x", name="1+X web front-end certificates"
    )
    key = api_key_create(actor=staff, institution=institution, name="certificate system")
    return {"institution": institution, "staff": staff, "feed": feed, "secret": key.secret}


def certificate(**changes: str) -> dict[str, str]:
    return {"id_scheme": "hk_id", "id_number": HKID, "unit_code": "X-WEB", "achieved_on": "2025-06-30",
            "result": "pass", "evidence": "1X-2025-000123", **changes}  # fmt: skip


def deliver(client: Any, secret: str, delivery: str, certificates: list[dict[str, str]]) -> Any:
    return client.post(
        "/api/v1/feeds/gba-skills-1x/deliveries",
        {"delivery_id": delivery, "certificates": certificates},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


def test_a_delivery_stores_good_certificates_and_names_each_refused_one(
    bank: dict, body: dict, client: Any
) -> None:
    rows = [
        certificate(),
        certificate(id_number="Z999999(0)"),
        certificate(unit_code="X-NONE"),
        certificate(id_scheme="passport", id_number="E1234567", id_country="GBR"),
    ]
    answer = deliver(client, body["secret"], "2025-07-01.1", rows)
    assert answer.status_code == 201, answer.content
    delivered = answer.json()
    assert (delivered["stored"], delivered["refused"]) == (1, 3)
    reasons = {p["line"]: p["problems"] for p in delivered["problems"]}
    assert "X-NONE is not in the register" in reasons[4]
    assert "no lifelong learning account exists for this learner" in reasons[5]
    outcome = LearningOutcome.objects.get(entry__code="X-WEB")
    assert outcome.learner == bank["wong"]
    assert outcome.outcome_type == "certificate"
    assert outcome.evidence == "1X-2025-000123"


def test_the_same_delivery_again_stores_nothing_twice(bank: dict, body: dict, client: Any) -> None:
    assert deliver(client, body["secret"], "d-1", [certificate()]).status_code == 201
    again = deliver(client, body["secret"], "d-1", [certificate()])
    assert again.status_code == 200
    assert LearningOutcome.objects.filter(entry__code="X-WEB").count() == 1
    changed = deliver(client, body["secret"], "d-1", [certificate(result="merit")])
    assert changed.status_code == 409  # the same id with other rows is a mistake, said so


def test_only_the_feeds_own_body_delivers(bank: dict, body: dict, people: dict, client: Any) -> None:
    other = api_key_create(
        actor=people["institution"], institution=people["institution"].institution, name="sis"
    )
    assert deliver(client, other.secret, "x", [certificate()]).status_code == 403
    assert deliver(client, "cbk_nope_nope", "x", [certificate()]).status_code == 401
    assert not ImportBatch.objects.filter(feed__isnull=False).exists()


def test_the_feed_page_and_cli_show_deliveries_and_errors(
    bank: dict, body: dict, client: Any, tmp_path: Any
) -> None:
    deliver(client, body["secret"], "d-1", [certificate(), certificate(unit_code="X-NONE")])
    login(client, body["staff"])
    page = client.get("/deposits/feeds/gba-skills-1x/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 deliveries, 2 certificates: 1 stored, 0 already in the bank, 1 refused" in page
    status = client.get("/api/v1/feeds/gba-skills-1x").json()
    assert status["recent"][0]["delivery_id"] == "d-1"
    file = tmp_path / "certificates.json"
    file.write_text(json.dumps([certificate(achieved_on="2025-07-15")]))
    result = CliRunner().invoke(
        app,
        ["feeds", "deliver", "gba-skills-1x", str(file), "--delivery-id", "cli-1", "--operator", "operator"],
    )
    assert result.exit_code == 0, result.output
    assert "1 stored" in result.output
    listed = CliRunner().invoke(app, ["feeds", "list", "--operator", "operator", "--json"])
    assert json.loads(listed.stdout)[0]["deliveries"] == 2


def test_feed_codes_and_delivery_ids_are_checked(body: dict, client: Any) -> None:
    from creditbank.core.errors import Conflict, InvalidInput

    with pytest.raises(InvalidInput):
        feed_create(actor=body["staff"], institution=body["institution"], code="No Spaces!", name="x")
    with pytest.raises(Conflict):
        feed_create(actor=body["staff"], institution=body["institution"], code="gba-skills-1x", name="again")
    assert deliver(client, body["secret"], "has space", [certificate()]).status_code == 422
