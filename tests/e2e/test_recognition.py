"""The what-if journey in Chromium: an operator publishes a rule for a Hong Kong institute, and a
learner sees what their Guangdong outcomes are worth for its diploma, in English and Chinese."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.e2e.test_portal import serious_violations, sign_in, switch_language
from tests.helpers import PASSWORD
from tests.integration.conftest import BLOCK, EXEMPT

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_published_rule_shows_in_a_learners_what_if(
    browser: Any, live_server: Any, gba: dict[str, Any], artifacts: Path
) -> None:
    from creditbank.apps.recognition.services import rule_publish

    rule_publish(actor=gba["operator"], doc=BLOCK, owner_code="hk-ips")
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)

    sign_in(page, live_server.url, "operator")
    page.goto(f"{live_server.url}/recognition/rules/?owner=hk-ips")
    page.fill("#document", yaml.safe_dump({**EXEMPT, "code": "HK-R-WEB"}))
    page.click("form:has(#document) button[type=submit]")
    page.locator(".messages", has_text="Published HK-R-WEB version 1").wait_for()
    assert serious_violations(page) == []
    page.fill("#document", "code: BROKEN\nsource: {}\n")
    page.click("form:has(#document) button[type=submit]")
    assert "source: say which outcomes the rule accepts" in page.inner_text("p.error")
    assert page.input_value("#document").startswith("code: BROKEN")  # what was typed is kept to fix
    page.screenshot(path=str(artifacts / "recognition-rules.png"), full_page=True)
    context.close()

    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    sign_in(page, live_server.url, "wong")
    page.click("nav >> text=My pathways")
    page.select_option("#qualification", "HK-DIP")
    page.click("main form button[type=submit]")
    page.locator("#result h2", has_text="HK-DIP").wait_for()
    result = page.inner_text("#result")
    assert "Requirements met" in result
    assert "counts as exemption from HK-202 (15 HKQF-CREDIT credits) under rule HK-R-WEB v1" in result
    assert "counts as 8 HKQF-CREDIT credits under rule HK-R-GD v1" in result
    assert "qualification=HK-DIP" in page.url  # HTMX put the question in the address bar
    assert serious_violations(page) == []
    page.screenshot(path=str(artifacts / "pathway-en.png"), full_page=True)

    switch_language(page, "zh-hant")
    page.locator("#result h2", has_text="HK-DIP").wait_for()
    result = page.inner_text("#result")
    assert "已符合要求" in result
    assert "根據規則 HK-R-GD v1 計為 8 個 HKQF-CREDIT 學分" in result
    page.screenshot(path=str(artifacts / "pathway-zh-hant.png"), full_page=True)
    switch_language(page, "en")

    # Apply: every use becomes an item that hk-ips decides.
    page.click("text=Apply for this transfer")
    page.locator("h1", has_text="Transfer application TR-").wait_for()
    ref = page.inner_text("h1").split()[-1]
    assert page.locator("tbody tr").count() == 2
    assert serious_violations(page) == []
    context.close()

    from creditbank.apps.accounts.models import Institution, User

    User.objects.create_user(
        username="hkstaff",
        password=PASSWORD,
        role="institution",
        institution=Institution.objects.get(code="hk-ips"),
    )
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    sign_in(page, live_server.url, "hkstaff")
    page.click("nav >> text=Transfer applications")
    page.click(f"text={ref}")
    row = page.locator("tbody tr", has_text="HK-202")
    row.locator("input[value=accepted]").check()
    row.locator("button[type=submit]").click()
    page.locator(".messages", has_text="Accepted").wait_for()
    assert serious_violations(page) == []
    page.screenshot(path=str(artifacts / "transfer-decided.png"), full_page=True)
    context.close()

    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    sign_in(page, live_server.url, "wong")
    page.click("nav >> text=My outcomes")
    transferred = page.locator("table", has_text="exemption from HK-202")
    assert ref in transferred.inner_text()
    assert [e for e in console_errors if "Content Security Policy" in e] == []
    context.close()
