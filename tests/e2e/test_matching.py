"""Job matching in Chromium: an employer pastes a Chinese job posting and sees the skills found in
its words and the accredited units that teach them, described in English, with the reasons; the
institution then confirms what its unit teaches on the unit's skills page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.e2e.test_portal import serious_violations, sign_in
from tests.integration.test_matching import register  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

POSTING = "数据库开发工程师\n岗位职责：负责数据库设计与优化，熟练编写SQL查询。"


def test_an_employer_pastes_a_chinese_posting_and_finds_units_that_teach_it(
    browser: Any,
    live_server: Any,
    register: dict[str, Any],  # noqa: F811 (the fixture imported above: DB-101 and NUR-101 accredited)
    artifacts: Path,
) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    sign_in(page, live_server.url, "employer")
    page.goto(live_server.url + "/matching/postings/")
    page.fill("#text", POSTING)
    page.fill("#employer", "前海科技有限公司")
    page.click("form:has(#text) button[type=submit]")
    page.locator("h1", has_text="数据库开发工程师").wait_for()
    skills = page.locator("table").first.inner_text()
    assert "SQL" in skills
    first = page.locator("ol.results > li").first
    assert "DB-101" in first.inner_text()
    assert "NUR-101" not in page.locator("ol.results").inner_text()
    assert serious_violations(page) == []
    page.screenshot(path=str(artifacts / "job-matching.png"), full_page=True)
    context.close()

    staff = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 1000})
    page = staff.new_page()
    sign_in(page, live_server.url, "institution")
    page.goto(live_server.url + "/matching/units/DB-101/skills/")
    page.locator("input[type=radio][value=confirm]").first.check()
    page.click("button[type=submit] >> text=Record the skills")
    page.locator(".messages", has_text="are recorded").wait_for()
    assert "Confirmed" in page.locator("table").inner_text()
    assert serious_violations(page) == []
    staff.close()
