"""The operating pages added for credentials and the bank's operations, opened in Chromium by the
roles that use them: each renders in three languages without serious accessibility violations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.e2e.test_portal import serious_violations, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = {
    "operator": [
        "/account/network/", "/deposits/reviews/", "/overdue/", "/awards/", "/awards/settings/", "/register/catalogue/",
        "/credentials/keys/", "/deposits/feeds/", "/account/collective/", "/account/reviews/",
        "/matching/postings/", "/matching/curriculum/",
    ],
    "institution": ["/credentials/", "/deposits/records/", "/awards/", "/overdue/", "/account/collective/",
                    "/account/learners/{wong}/receipt/", "/matching/curriculum/", "/matching/units/U-101/skills/"],
    "wong": ["/credentials/", "/credentials/shares/", "/awards/", "/deposits/statement/", "/account/me/", "/matching/jobs/"],
    None: ["/verify/", "/account/activate/", "/register/catalogue/", "/matching/units/U-101/skills/"],
    "employer": ["/matching/postings/"],
}  # fmt: skip


@pytest.mark.parametrize("locale", ["en-GB", "zh-CN", "zh-HK"])
def test_operating_pages_render_accessibly(
    browser: Any, live_server: Any, bank: dict[str, Any], people: dict[str, Any], artifacts: Path, locale: str
) -> None:
    problems: dict[str, list[str]] = {}
    for who, paths in PAGES.items():
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        if who is not None:
            sign_in(page, live_server.url, who)
        for path in paths:
            response = page.goto(live_server.url + path.format(wong=bank["wong"].public_id))
            assert response is not None
            assert response.status == 200, (who, path, response.status)
            found = serious_violations(page)
            if found:
                problems[f"{who} {path}"] = found
        context.close()
    assert problems == {}
