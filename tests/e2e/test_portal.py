"""A person signs in, switches language, asks a level question, and the pages stay accessible."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from tests.helpers import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SERIOUS = {"serious", "critical"}


def serious_violations(page: Any) -> list[str]:
    result = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in result.response["violations"]
        if v["impact"] in SERIOUS
    ]


def switch_language(page: Any, code: str) -> None:
    """Use the header's language switcher as a person would, and wait for the page it leads to."""
    page.select_option("#language-select", code)
    with page.expect_navigation():
        page.click("form.lang button")


def test_sign_in_switch_language_and_ask_a_level_question(
    browser: Any, live_server: Any, reference_data: Any, people: Any, artifacts: Path
) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{live_server.url}/login/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.fill("#id_username", "operator")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "欢迎" in page.inner_text("h1")
    page.screenshot(path=str(artifacts / "home-zh-hans.png"), full_page=True)

    switch_language(page, "zh-hant")
    assert page.locator("html").get_attribute("lang") == "zh-Hant"
    assert "歡迎" in page.inner_text("h1")
    page.screenshot(path=str(artifacts / "home-zh-hant.png"), full_page=True)

    switch_language(page, "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.inner_text("h1").startswith("Welcome")
    assert serious_violations(page) == []

    page.goto(f"{live_server.url}/frameworks/levels/map/")
    page.select_option("#level", "HKQF:4")
    page.select_option("#to", "NZQF")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#answer table")
    answer = page.inner_text("#answer")
    assert "HKQF-4 → NZQF-5" in answer
    assert "HKQF-4 → NZQF-6" in answer
    assert "level=HKQF%3A4" in page.url  # HTMX pushed the question into the address bar
    page.screenshot(path=str(artifacts / "level-question-en.png"), full_page=True)
    assert serious_violations(page) == []

    for path in (
        "/frameworks/",
        "/frameworks/NVQC/",
        "/frameworks/compare/?left=HKQF&right=NZQF",
        "/frameworks/credits/convert/?amount=30&from=HKQF-CREDIT&to=ECTS",
        "/frameworks/publish/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert serious_violations(page) == [], path
    page.screenshot(path=str(artifacts / "publish-en.png"), full_page=True)

    assert [e for e in console_errors if "Content Security Policy" in e] == []
    context.close()
