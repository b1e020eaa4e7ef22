"""Costs a benchmark found, held by counting queries (never by timing)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_a_statement_costs_the_same_queries_for_many_outcomes(
    bank: dict[str, Any], people: dict[str, Any]
) -> None:
    """The statement benchmark found one query per outcome (the learner read again for each)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from creditbank.apps.deposits.api import outcome_out
    from creditbank.apps.deposits.selectors import statement
    from creditbank.apps.deposits.services import deposit_batch

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            [outcome_out(o) for o in statement(actor=people["operator"], learner=bank["wong"]).outcomes]
        return len(seen.captured_queries)

    row = {"learner_number": bank["wong"].public_id, "unit_code": "U-101", "result": "A"}
    deposit_batch(actor=people["operator"], rows=[{**row, "achieved_on": "2021-01-04"}], idempotency_key="one",
                  institution_code="sz-poly")  # fmt: skip
    one = queries()
    more = [{**row, "achieved_on": (date(2021, 2, 1) + timedelta(days=i)).isoformat()} for i in range(20)]
    deposit_batch(actor=people["operator"], rows=more, idempotency_key="more", institution_code="sz-poly")
    assert queries() == one
