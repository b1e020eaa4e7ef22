"""Institutions of the alliance: mainland identity by credit code, membership dates, operators only."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from tests.helpers import login
from typer.testing import CliRunner

from creditbank.apps.accounts.institutions import institution_alliance, institution_register
from creditbank.apps.accounts.models import Institution
from creditbank.cli.main import app
from creditbank.core.errors import Conflict, InvalidInput, PermissionDenied
from creditbank.core.identity import InvalidCreditCode

pytestmark = pytest.mark.django_db
USCC = "12440300MB2C47753U"


def gd(**changes: Any) -> dict[str, Any]:
    return {"code": "sz-tech", "name_en": "Shenzhen Tech", "name_zh": "深圳技师学院", "kind": "vocational_college",
            "region": "GD", "city": "Shenzhen", "uscc": USCC, **changes}  # fmt: skip


def test_a_mainland_institution_is_identified_by_a_valid_credit_code(people: Any) -> None:
    created = institution_register(actor=people["operator"], **gd(uscc=USCC.lower()))
    assert created.uscc == USCC
    with pytest.raises(InvalidCreditCode, match="check character"):
        institution_register(actor=people["operator"], **gd(code="other", uscc=USCC[:-1] + "A"))
    with pytest.raises(InvalidInput, match="needs its unified social credit code"):
        institution_register(actor=people["operator"], **gd(code="other", uscc=""))
    with pytest.raises(Conflict):
        institution_register(actor=people["operator"], **gd(code="twin"))


def test_hong_kong_institutions_have_no_credit_code(people: Any) -> None:
    with pytest.raises(InvalidInput, match="Only mainland"):
        institution_register(actor=people["operator"], **gd(code="hk-x", region="HK"))
    assert (
        institution_register(actor=people["operator"], **gd(code="hk-x", region="HK", uscc="")).uscc is None
    )


@pytest.mark.parametrize("role", ["institution", "learner", "assessor", "employer"])
def test_only_operators_register_institutions(people: Any, role: str) -> None:
    with pytest.raises(PermissionDenied):
        institution_register(actor=people[role], **gd())
    assert not Institution.objects.filter(code="sz-tech").exists()


def test_alliance_membership_has_dates(people: Any, institutions: Any) -> None:
    with pytest.raises(InvalidInput, match="after"):
        institution_alliance(
            actor=people["operator"], code="sz-poly", joined=date(2024, 1, 1), left=date(2023, 1, 1)
        )
    member = institution_alliance(
        actor=people["operator"], code="sz-poly", joined=date(2021, 9, 1), left=date(2025, 9, 1)
    )
    assert member.in_alliance(date(2023, 1, 1))
    assert not member.in_alliance(date(2021, 8, 31))
    assert not member.in_alliance(date(2025, 9, 1))


def test_pages_api_and_cli(client: Client, people: Any, institutions: Any) -> None:
    login(client, people["operator"])
    assert client.post("/account/institutions/", {"action": "register", **gd()}).status_code == 302
    bad = client.post(
        "/account/institutions/",
        {"action": "register", **gd(code="x2", uscc="123")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 422
    client.post(
        "/account/institutions/",
        {"action": "alliance", "code": "sz-tech", "joined": "2022-01-01", "left": ""},
    )
    listed = {i["code"]: i for i in Client().get("/api/v1/institutions").json()}  # public
    assert listed["sz-tech"]["alliance_joined"] == "2022-01-01"
    login(client, people["institution"])
    assert client.get("/account/institutions/").status_code == 403
    assert (
        client.post("/api/v1/institutions", data=gd(code="x3"), content_type="application/json").status_code
        == 403
    )
    runner = CliRunner()
    result = runner.invoke(
        app, ["institutions", "alliance", "sz-tech", "--left", "2021-01-01", "--operator", "operator"]
    )
    assert result.exit_code == 1
    assert "sz-tech" in runner.invoke(app, ["institutions", "list"]).stdout
