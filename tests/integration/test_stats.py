"""Dashboards: the figures are counted in advance and read within scope (operators the whole bank,
an institution its own), every chart has its CSV, the page never reads the outcomes themselves, and
the grouped export (API, CLI) refuses what it does not know."""

from __future__ import annotations

import csv
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from tests.helpers import login
from tests.integration.test_transfers import applied  # noqa: F401 (a fixture)
from typer.testing import CliRunner

from creditbank.apps.accounts.models import Institution, User
from creditbank.apps.deposits.services import deposit_batch
from creditbank.apps.matching.services import posting_match
from creditbank.apps.recognition.transfers import transfer_decide
from creditbank.apps.stats.services import (
    BY_NAME,
    CHARTS,
    chart_table,
    outcomes_export,
    scope_of,
    stats_refresh,
)
from creditbank.cli.main import app
from creditbank.core.errors import InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(bank: dict[str, Any], people: dict[str, Any]) -> dict[str, Any]:
    """Wong holds U-101 (sz-poly) and HK-201 (hk-ips); Li holds U-102 (sz-poly); one published posting."""
    for code, owner, learner in (
        ("U-101", "sz-poly", "wong"),
        ("HK-201", "hk-ips", "wong"),
        ("U-102", "sz-poly", "li"),
    ):
        deposit_batch(
            actor=people["operator"], institution_code=owner, idempotency_key=f"stats-{code}",
            rows=[{"learner_number": bank[learner].public_id, "unit_code": code, "achieved_on": "2024-01-10",
                   "result": "A"}],
        )  # fmt: skip
    posting_match(actor=people["employer"], text="Write SQL queries.", public=True)
    stats_refresh(actor=people["operator"])
    return {**bank, **people}


def totals(name: str, actor: Any, institution: str | None = None) -> dict[str, int]:
    return chart_table(BY_NAME[name], scope_of(actor, institution)).totals()


def test_operators_see_the_whole_bank_and_an_institution_only_its_own(counted: dict) -> None:
    assert totals("outcomes_by_region", counted["operator"]) == {"HK": 2, "XX": 1}
    assert totals("outcomes_by_region", counted["institution"]) == {"HK": 1, "XX": 1}  # sz-poly's deposits
    assert totals("outcomes_by_region", counted["operator"], "hk-ips") == {"HK": 1}
    assert sum(totals("outcomes_by_month", counted["operator"]).values()) == 3
    hk = User.objects.create_user(
        "hk-staff", role="institution", institution=Institution.objects.get(code="hk-ips")
    )
    with pytest.raises(PermissionDenied):
        scope_of(hk, "sz-poly")
    for role in ("learner", "employer", "assessor"):
        with pytest.raises(PermissionDenied):
            scope_of(counted[role])


def test_figures_change_only_when_counted_again(counted: dict) -> None:
    deposit_batch(
        actor=counted["operator"], institution_code="sz-poly", idempotency_key="later",
        rows=[{"learner_number": counted["li"].public_id, "unit_code": "U-101", "achieved_on": "2024-02-01",
               "result": "B"}],
    )  # fmt: skip
    assert sum(totals("outcomes_by_sector", counted["operator"]).values()) == 3
    stats_refresh(actor=counted["operator"])
    assert sum(totals("outcomes_by_sector", counted["operator"]).values()) == 4
    with pytest.raises(PermissionDenied):
        stats_refresh(actor=counted["institution"])


def test_the_dashboard_reads_counted_figures_not_the_outcomes(counted: dict) -> None:
    client = login(Client(), counted["operator"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/stats/")
    assert page.status_code == 200
    assert not [q["sql"] for q in queries.captured_queries if "deposits_learningoutcome" in q["sql"]]
    assert page.content.count(b'class="chart"') == len(CHARTS)
    csv_page = login(Client(), counted["institution"]).get("/stats/outcomes_by_region.csv")
    assert csv_page.status_code == 200
    header, *rows = list(csv.reader(csv_page.content.decode().splitlines()))
    assert header[1:] == ["HK", "XX"]  # a row per year achieved, a column per region
    assert [r[0] for r in rows] == ["2024"]
    assert rows[0][1:] == ["1", "1"]
    assert login(Client(), counted["employer"]).get("/stats/").status_code == 403
    assert login(Client(), counted["institution"]).get("/stats/?institution=hk-ips").status_code == 404


def test_the_api_serves_charts_in_scope(counted: dict) -> None:
    staff = login(Client(), counted["institution"])
    body = staff.get("/api/v1/stats/outcomes_by_region").json()
    assert (body["institution"], body["categories"], body["values"]) == ("sz-poly", ["HK", "XX"], [[1], [1]])
    assert staff.get("/api/v1/stats/outcomes_by_region?institution=hk-ips").status_code == 403
    assert staff.get("/api/v1/stats/nothing").status_code == 404
    assert staff.post("/api/v1/stats/refresh").status_code == 403
    demand = login(Client(), counted["operator"]).get("/api/v1/stats/demand_supply").json()
    assert "demand" in demand["periods"]


def test_the_grouped_export_by_region_and_level(counted: dict, tmp_path: Any) -> None:
    target = tmp_path / "by.csv"
    done = CliRunner().invoke(
        app, ["stats", "export", "--by", "region,level", "--out", str(target), "--operator", "operator"]
    )
    assert done.exit_code == 0, done.output
    rows = list(csv.reader(target.open(encoding="utf-8")))
    assert rows[0] == ["region", "level", "count"]
    assert sum(int(r[2]) for r in rows[1:]) == 3
    refused = CliRunner().invoke(
        app, ["stats", "export", "--by", "colour", "--out", str(target), "--operator", "operator"]
    )
    assert refused.exit_code == 1
    assert "Group by one or more of" in refused.output
    api = login(Client(), counted["operator"]).get("/api/v1/stats/outcomes/grouped?by=type")
    assert api.json() == [{"type": "formal", "count": 3}]
    with pytest.raises(InvalidInput):
        outcomes_export(actor=counted["operator"], by=["region", "region"])


def test_transfers_show_as_flows_seen_by_both_ends_with_decisions_and_days(
    applied: dict[str, Any],  # noqa: F811 (the fixture imported above)
    people: dict[str, Any],
) -> None:
    ref, items, staff = applied["application"].ref, applied["items"], applied["hk_staff"]
    transfer_decide(actor=staff, ref=ref, item_id=items["U-102"].pk, decision="accepted")
    transfer_decide(
        actor=staff, ref=ref, item_id=items["U-101"].pk, decision="rejected", reason="syllabus differs"
    )
    stats_refresh(actor=applied["operator"])
    assert totals("transfer_flows", applied["operator"]) == {"GD>HK": 1}
    assert totals("transfer_flows", staff) == {"GD>HK": 1}  # the receiving institution
    assert totals("transfer_flows", people["institution"]) == {"GD>HK": 1}  # and the sending one
    assert totals("transfer_flows_institutions", people["institution"]) == {"sz-poly>hk-ips": 1}
    assert totals("transfer_decisions", applied["operator"]) == {"accepted": 1, "rejected": 1}
    assert totals("transfer_acceptance", staff) == {"rate": 50}  # one accepted of two decided
    assert totals("transfer_days", staff) == {"mean": 0}  # decided the day it was asked
    assert totals("transfer_decisions", people["institution"]) == {}  # sz-poly decided nothing
