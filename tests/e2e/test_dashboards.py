"""The operators' dashboards in Chromium: every chart is drawn by the vendored ECharts (a canvas in
each chart box, nothing blocked by the content security policy), with its data table, in three
languages; screenshots are kept as artefacts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.e2e.test_portal import serious_violations, sign_in
from tests.integration.test_transfers import applied  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("locale", ["en-GB", "zh-CN", "zh-HK"])
def test_the_dashboard_draws_every_chart(
    browser: Any,
    live_server: Any,
    applied: dict[str, Any],  # noqa: F811 (the fixture imported above: Wong applies for a transfer)
    people: dict[str, Any],
    artifacts: Path,
    locale: str,
) -> None:
    from creditbank.apps.matching.services import posting_match
    from creditbank.apps.recognition.transfers import transfer_decide
    from creditbank.apps.stats.services import CHARTS, stats_refresh

    item = applied["items"]["U-102"]
    transfer_decide(
        actor=applied["hk_staff"], ref=applied["application"].ref, item_id=item.pk, decision="accepted"
    )
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
