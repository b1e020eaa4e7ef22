"""Statistics that steer the bank, shaped for charts, tables and CSV: pure functions over counted
facts (the adapter counts them from storage in advance, so a dashboard never scans the bank)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from creditbank.core.errors import InvalidInput, gettext_noop


@dataclass(frozen=True)
class Fact:
    """One counted figure of a chart: over a period (``""`` for none) and a category."""

    chart: str
    period: str
    category: str
    value: int


@dataclass(frozen=True)
class Table:
    """A chart's figures as a table: one row per period (or one row in all), one column per category."""

    periods: list[str]
    categories: list[str]
    values: dict[str, list[int]]  # category -> one value per period

    def totals(self) -> dict[str, int]:
        return {c: sum(v) for c, v in self.values.items()}

    def transposed(self) -> Table:
        """Rows per category and a column per period (how a chart by category reads as a table)."""
        return Table(
            list(self.categories),
            list(self.periods),
            {p: [self.values[c][i] for c in self.categories] for i, p in enumerate(self.periods)},
        )


def table(facts: Iterable[Fact]) -> Table:
    """Pivot facts into a table: periods in order, categories by their total (largest first)."""
    cells: dict[tuple[str, str], int] = defaultdict(int)
    for fact in facts:
        cells[(fact.period, fact.category)] += fact.value
    periods = sorted({p for p, _c in cells})
    totals: dict[str, int] = defaultdict(int)
    for (_p, c), v in cells.items():
        totals[c] += v
    categories = sorted(totals, key=lambda c: (-totals[c], c))
    return Table(periods, categories, {c: [cells.get((p, c), 0) for p in periods] for c in categories})


def table_csv(data: Table, row_header: str = "period") -> str:
    """The table as CSV: a header of categories, a row per period."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([row_header, *data.categories])
    for i, period in enumerate(data.periods):
        writer.writerow([period, *(data.values[c][i] for c in data.categories)])
    return out.getvalue()


def rollup(
    rows: Iterable[Mapping[str, object]], by: Sequence[str], allowed: Sequence[str]
) -> list[dict[str, object]]:
    """Sum ``count`` over rows grouped by the named dimensions (each one of ``allowed``), sorted by
    the dimensions; a dimension asked for twice or unknown is refused, naming the allowed ones."""
    unknown = [d for d in by if d not in allowed]
    if unknown or not by or len(set(by)) != len(by):
        raise InvalidInput(
            gettext_noop("Group by one or more of %(allowed)s, each once (not %(given)s)."),
            allowed=", ".join(allowed), given=",".join(by) or "nothing",
        )  # fmt: skip
    sums: dict[tuple[str, ...], int] = defaultdict(int)
    for row in rows:
        key = tuple(str(row[d]) for d in by)
        sums[key] += int(row["count"])  # type: ignore[call-overload]
    return [{**dict(zip(by, key, strict=True)), "count": n} for key, n in sorted(sums.items())]
