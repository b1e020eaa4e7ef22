"""The operators' dashboards in Chromium: every chart is drawn by the vendored ECharts (a canvas in
each chart box, nothing blocked by the content security policy), with its data table, in three
languages; screenshots are kept as artefacts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.e2e.test_portal import serious_violations, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("locale", ["en-GB", "zh-CN", "zh-HK"])
def test_the_dashboard_draws_every_chart(
    browser: Any, live_server: Any, bank: dict[str, Any], people: dict[str, Any], artifacts: Path, locale: str
) -> None:
    from creditbank.apps.deposits.services import deposit_batch
    from creditbank.apps.matching.services import posting_match
    from creditbank.apps.stats.services import CHARTS, stats_refresh

    deposit_batch(
        actor=people["operator"], institution_code="sz-poly", idempotency_key="dash",
        rows=[{"learner_number": bank["wong"].public_id, "unit_code": "U-101", "achieved_on": "2024-01-10",
               "result": "A"}],
    )  # fmt: skip
    posting_match(actor=people["employer"], text="Write SQL queries.", public=True)
    stats_refresh(actor=people["operator"])
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, live_server.url, "operator")
    page.goto(live_server.url + "/stats/")
    page.wait_for_function(
        f"document.querySelectorAll('div.chart[data-drawn=\"true\"] canvas').length >= {len(CHARTS)}"
    )
    assert page.locator("div.chart canvas").count() >= len(CHARTS)
    assert page.locator("section.chart-block table").count() == len(CHARTS)
    assert blocked == []
    assert serious_violations(page) == []
    page.screenshot(path=str(artifacts / f"dashboard-{locale}.png"), full_page=True)
    context.close()
