"""Dashboard figures as tables and exports (core.statistics): pivoting keeps every count, CSV has a
row per period, and grouping refuses dimensions it does not know."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditbank.core.errors import InvalidInput
from creditbank.core.statistics import Fact, rollup, table, table_csv

FACTS = st.lists(
    st.builds(Fact, st.just("c"), st.sampled_from(["2024-01", "2024-02", "2024-03"]),
              st.sampled_from(["GD", "HK", "MO"]), st.integers(0, 1_000)),
    max_size=30,
)  # fmt: skip


@given(FACTS)
def test_a_table_keeps_every_count_and_orders_categories_by_total(facts: list[Fact]) -> None:
    data = table(facts)
    assert sum(data.totals().values()) == sum(f.value for f in facts)
    assert data.periods == sorted({f.period for f in facts})
    totals = [data.totals()[c] for c in data.categories]
    assert totals == sorted(totals, reverse=True)


def test_the_csv_has_a_header_of_categories_and_a_row_per_period() -> None:
    data = table(
        [Fact("c", "2024-01", "GD", 3), Fact("c", "2024-02", "HK", 2), Fact("c", "2024-01", "GD", 1)]
    )
    rows = list(csv.reader(io.StringIO(table_csv(data, "month"))))
    assert rows == [["month", "GD", "HK"], ["2024-01", "4", "0"], ["2024-02", "0", "2"]]


@given(st.lists(st.fixed_dictionaries({"region": st.sampled_from(["GD", "HK"]), "level": st.sampled_from(["3", "4"]),
                                       "count": st.integers(0, 50)}), max_size=20))  # fmt: skip
def test_grouping_sums_over_the_dimensions_left_out(rows: list[dict[str, object]]) -> None:
    by_region = rollup(rows, ["region"], ["region", "level"])
    assert sum(int(r["count"]) for r in by_region) == sum(int(r["count"]) for r in rows)  # type: ignore[call-overload]
    assert len(by_region) == len({r["region"] for r in rows})


@pytest.mark.parametrize("by", [["colour"], [], ["region", "region"]])
def test_grouping_refuses_unknown_empty_or_repeated_dimensions(by: list[str]) -> None:
    with pytest.raises(InvalidInput, match="Group by one or more of region, level"):
        rollup([], by, ["region", "level"])
