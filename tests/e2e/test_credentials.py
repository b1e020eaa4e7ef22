"""Credentials in Chromium: a learner picks up a credential of an outcome, an employer opens its QR
link with no account and sees it verified, and a forged copy pasted into the verifier fails,
naming the check that failed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from tests.e2e.test_portal import serious_violations, sign_in, switch_language

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_employer_verifies_a_learners_credential_and_spots_a_forgery(
    browser: Any,
    live_server: Any,
    bank: dict[str, Any],
    people: dict[str, Any],
    artifacts: Path,
    tmp_path: Path,
) -> None:
    from creditbank.apps.accounts.models import Institution
    from creditbank.apps.credentials.models import Credential
    from creditbank.apps.deposits.services import deposit_batch

    Institution.objects.filter(code="sz-poly").update(alliance_joined=date(2021, 9, 1))

    deposit_batch(
        actor=people["operator"],
        rows=[{"learner_number": bank["wong"].public_id, "unit_code": "U-101", "achieved_on": "2024-01-10", "result": "A"}],
        idempotency_key="e2e-U-101",
        institution_code="sz-poly",
    )  # fmt: skip
    with override_settings(CREDITBANK={"PUBLIC_URL": live_server.url}):
        learner = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 1000})
        page = learner.new_page()
        sign_in(page, live_server.url, "wong")
        page.click("nav >> text=My credentials")
        page.select_option("#language", "en")
        page.click("form:has(#outcome) button[type=submit]")
        page.locator(".messages", has_text="Credential issued").wait_for()
        assert page.locator("figure.qr svg").count() == 1
        assert serious_violations(page) == []
        page.screenshot(path=str(artifacts / "credential.png"), full_page=True)
        link = page.locator("figure.qr figcaption a").get_attribute("href")
        assert link is not None
        with page.expect_download() as download:
            page.click("text=Download the credential (JSON)")
        saved = tmp_path / "credential.json"
        download.value.save_as(saved)
        learner.close()

        # The employer has no account: the QR code's link shows the credential verified.
        employer = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 1000})
        page = employer.new_page()
        page.goto(link)
        page.locator(".verdict", has_text="Verified").wait_for()
        result = page.inner_text("section.result")
        assert "Wong Ka Ho" in result
        assert "Course U-101" in result
        assert "not revoked" in result
        assert "sz-poly was a member of the alliance on the award date" in result
        assert serious_violations(page) == []
        page.screenshot(path=str(artifacts / "verify-ok.png"), full_page=True)

        # The downloaded file verifies when uploaded; a copy with changed credits does not.
        page.goto(f"{live_server.url}/verify/")
        page.set_input_files("#file", str(saved))
        page.click("main form button[type=submit]")
        page.locator(".verdict", has_text="Verified").wait_for()
        forged = json.loads(saved.read_text(encoding="utf-8"))
        forged["credentialSubject"]["creditsEarned"] = 40
        page.goto(f"{live_server.url}/verify/")
        page.fill("#credential", json.dumps(forged))
        page.click("main form button[type=submit]")
        page.locator(".verdict", has_text="Not verified").wait_for()
        failed = page.inner_text("[data-check=proof]")
        assert "the signature does not match the credential" in failed
        page.screenshot(path=str(artifacts / "verify-forged.png"), full_page=True)

        # Revoked by the institution: the same link now says so, in Traditional Chinese too.
        credential = Credential.objects.get()
        from creditbank.apps.credentials.services import credential_revoke

        credential_revoke(actor=people["institution"], credential_id=credential.id, reason="issued in error")
        page.goto(link)
        page.locator(".verdict", has_text="Not verified").wait_for()
        assert "revoked" in page.inner_text("[data-check=status]")
        switch_language(page, "zh-hant")
        page.locator("[data-check=status]").wait_for()
        assert page.locator("html").get_attribute("lang") == "zh-Hant"
        employer.close()
