"""Cohort audits: every learner of an institution or a region against a qualification, in the background."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from tests.helpers import login
from tests.integration.conftest import BLOCK, EXEMPT
from typer.testing import CliRunner

from creditbank.apps.deposits.models import JobState
from creditbank.apps.recognition.cohorts import cohort_submit
from creditbank.apps.recognition.models import CohortAudit
from creditbank.apps.recognition.services import rule_publish
from creditbank.cli.main import app
from creditbank.core.errors import InvalidInput, PermissionDenied

# The worker commits as it goes, as it does in production: these tests use real transactions.
pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    """The real worker, as `creditbank worker` runs it, until the queue is empty."""
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_a_cohort_audit_runs_in_the_background_and_gives_one_row_per_learner(gba: dict[str, Any]) -> None:
    rule_publish(actor=gba["operator"], doc=EXEMPT, owner_code="hk-ips")
    rule_publish(actor=gba["operator"], doc=BLOCK, owner_code="hk-ips")
    job = cohort_submit(
        actor=gba["operator"], qualification="HK-DIP", institution="sz-poly", on=gba["wong"].created_at.date()
    )
    assert job.state == JobState.QUEUED
    run_worker()
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert (job.learners_done, job.learners_total) == (1, 1)  # only Wong holds sz-poly outcomes
    assert job.counts == {"met": 1, "in_progress": 0, "missing": 0}
    [row] = rows(job.result_csv)
    assert row == {
        "learner_number": gba["wong"].public_id,
        "status": "met",
        "credits_counted": "27",
        "transferable_credits": "23",
        "still_needed": "",
    }


def test_a_region_cohort_shows_what_is_still_needed(gba: dict[str, Any]) -> None:
    job = cohort_submit(
        actor=gba["operator"], qualification="HK-DIP", region="HK", on=gba["wong"].created_at.date()
    )
    run_worker()
    job.refresh_from_db()
    [row] = rows(job.result_csv)  # Wong is the only learner in Hong Kong; Li is abroad
    assert row["status"] == "in_progress"
    assert row["still_needed"] == "HK-202"


def test_only_operators_audit_cohorts_and_the_choice_of_cohort_is_checked(
    gba: dict[str, Any], people: dict[str, Any]
) -> None:
    for role in ("institution", "learner", "assessor", "employer"):
        with pytest.raises(PermissionDenied):
            cohort_submit(
                actor=people[role], qualification="HK-DIP", region="HK", on=gba["wong"].created_at.date()
            )
    with pytest.raises(InvalidInput, match="one institution or of one region"):
        cohort_submit(
            actor=gba["operator"],
            qualification="HK-DIP",
            institution="sz-poly",
            region="HK",
            on=gba["wong"].created_at.date(),
        )
    with pytest.raises(InvalidInput, match="is not a region"):
        cohort_submit(
            actor=gba["operator"], qualification="HK-DIP", region="ZZ", on=gba["wong"].created_at.date()
        )
    assert not CohortAudit.objects.exists()


def test_the_api_page_and_cli_carry_cohort_audits(
    gba: dict[str, Any], people: dict[str, Any], tmp_path: Path
) -> None:
    operator = login(Client(), gba["operator"])
    started = operator.post(
        "/api/v1/cohort-audits", {"qualification": "HK-DIP", "region": "HK"}, content_type="application/json"
    )
    assert started.status_code == 202
    location = started["Location"]
    assert operator.get(location).json()["state"] == "queued"
    assert operator.get(f"{location}/results.csv").status_code == 409
    run_worker()
    assert rows(operator.get(f"{location}/results.csv").content.decode())[0]["status"] == "in_progress"
    page = operator.post(
        "/recognition/cohort-audits/", {"qualification": "HK-DIP", "institution": "sz-poly", "region": ""}
    )
    assert page.status_code == 302
    run_worker()
    done = operator.get(page["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "0 met · 1 in progress · 0 not started" in done
    assert login(Client(), people["institution"]).get("/recognition/cohort-audits/").status_code == 403
    out = tmp_path / "cohort.csv"
    result = CliRunner().invoke(
        app,
        [
            "audit-cohort",
            "--qualification",
            "HK-DIP",
            "--region",
            "HK",
            "--operator",
            "operator",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert rows(out.read_text(encoding="utf-8"))[0]["learner_number"] == gba["wong"].public_id
