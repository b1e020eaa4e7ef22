"""The published catalogue of recognised learning outcomes: yearly editions kept as published,
and what changed between them."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from tests.helpers import login
from tests.integration.conftest import EXEMPT, unit
from typer.testing import CliRunner

from creditbank.apps.ledger.models import LedgerEntry
from creditbank.apps.recognition.services import rule_publish
from creditbank.apps.register.catalogue import catalogue_compare, catalogue_publish
from creditbank.apps.register.services import entries_import, entry_record_accreditation
from creditbank.cli.main import app
from creditbank.core.errors import Conflict, InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db


def test_an_edition_lists_accredited_entries_with_the_rules_that_use_them(bank: dict, people: dict) -> None:
    with pytest.raises(PermissionDenied):
        catalogue_publish(actor=people["institution"], year=2025)
    first = catalogue_publish(actor=people["operator"], year=2025, note="First edition")
    assert [i["code"] for i in first.items] == ["HK-201", "U-101", "U-102"]  # the draft is not listed
    with pytest.raises(Conflict):
        catalogue_publish(actor=people["operator"], year=2025)
    with pytest.raises(InvalidInput):
        catalogue_publish(actor=people["operator"], year=1999)
    # A year later: a new unit, and a rule that names U-102.
    entries_import(actor=people["operator"], docs=[unit("U-103")], owner_code="sz-poly")
    entry_record_accreditation(
        actor=people["operator"], code="U-103", accredited_on=date(2026, 1, 5), next_review_on=None, note="QA"
    )
    entries_import(
        actor=people["operator"],
        docs=[unit("HK-202", framework="HKQF", credit_system="HKQF-CREDIT")],
        owner_code="hk-ips",
    )
    rule_publish(actor=people["operator"], doc={**EXEMPT, "qualification": ""}, owner_code="hk-ips")
    catalogue_publish(actor=people["operator"], year=2026)
    earlier, diff = catalogue_compare(2026)
    assert earlier.year == 2025
    assert diff.added == ("U-103",)
    assert diff.removed == ()
    [change] = diff.changed
    assert change.code == "U-102"
    assert change.fields == (("rules", [], ["HK-R-EX v1"]),)
    assert LedgerEntry.objects.filter(kind="catalogue.published").count() == 2


def test_the_pages_api_and_cli(bank: dict, people: dict, client: Any) -> None:
    catalogue_publish(actor=people["operator"], year=2025)
    page = client.get("/register/catalogue/2025/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "U-101" in page
    assert "The first edition" in page
    assert client.get("/api/v1/catalogue").json()[0]["year"] == 2025
    login(client, people["operator"])
    made = client.post("/api/v1/catalogue", {"year": 2026}, content_type="application/json")
    assert made.status_code == 201
    diff = CliRunner().invoke(app, ["catalogue", "diff", "2026", "--json"])
    assert json.loads(diff.stdout)["against"] == 2025
    assert client.get("/api/v1/catalogue/2026/diff?against=2025").json()["added"] == []
