"""Assessors' expertise sectors: set by operators, shown when a panel is chosen."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from tests.helpers import login
from typer.testing import CliRunner

from creditbank.apps.accounts.assessors import assessor_set_sectors
from creditbank.cli.main import app
from creditbank.core.errors import InvalidInput, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


def test_operators_set_known_sectors_only(people: Any) -> None:
    updated = assessor_set_sectors(
        actor=people["operator"], username="assessor", sectors=["ict", "health", "ict"]
    )
    assert updated.expertise_sectors == ["health", "ict"]
    with pytest.raises(InvalidInput, match="space"):
        assessor_set_sectors(actor=people["operator"], username="assessor", sectors=["space"])
    with pytest.raises(NotFound):
        assessor_set_sectors(actor=people["operator"], username="learner", sectors=["ict"])
    for role in ("institution", "assessor", "learner", "employer"):
        with pytest.raises(PermissionDenied):
            assessor_set_sectors(actor=people[role], username="assessor", sectors=["ict"])


def test_page_api_and_cli(client: Client, people: Any) -> None:
    login(client, people["operator"])
    assert (
        client.post("/account/assessors/", {"username": "assessor", "sector": ["ict", "finance"]}).status_code
        == 302
    )
    listed = client.get("/api/v1/assessors").json()
    assert listed[0]["sectors"] == ["finance", "ict"]
    assert client.post(
        "/api/v1/assessors/assessor/sectors", data={"sectors": ["health"]}, content_type="application/json"
    ).json()["sectors"] == ["health"]
    login(client, people["institution"])
    assert client.get("/account/assessors/").status_code == 403
    assert client.get("/api/v1/assessors").status_code == 403
    runner = CliRunner()
    done = runner.invoke(
        app, ["assessors", "sectors", "assessor", "--sector", "ict", "--operator", "operator"]
    )
    assert done.exit_code == 0, done.stderr
    assert "ict" in runner.invoke(app, ["assessors", "list", "--operator", "operator"]).stdout
