"""Counting the dashboards' figures (``stats_refresh``), reading them within the reader's scope, and
the operators' export grouped by any of the outcome's dimensions.

The refresh scans the bank once (GROUP BY queries, in the worker or from the CLI); pages and the API
read only the counted figures, each chart a few hundred rows. Institutions see what concerns them
(the accounts their staff opened, the outcomes they deposited); the bank's operators everything.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, F
from django.db.models.functions import ExtractYear, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creditbank.apps.accounts.institutions import acting_institution
from creditbank.apps.accounts.models import Learner
from creditbank.apps.accounts.permissions import Action, require, role_of
from creditbank.apps.accreditation.models import AccreditationCase
from creditbank.apps.deposits.models import LearningOutcome, OutcomeStatus
from creditbank.apps.matching import selectors as matching
from creditbank.apps.matching.models import JobPosting
from creditbank.apps.matching.vocabulary import vocabulary
from creditbank.apps.recognition.models import ItemDecision, TransferItem
from creditbank.apps.register.models import RegisterEntry
from creditbank.apps.stats.models import Figure, Refresh
from creditbank.core.statistics import Fact, Table, rollup, table

RECORDED = OutcomeStatus.RECORDED


@dataclass(frozen=True)
class Chart:
    name: str
    title: Any  # lazily translated
    kind: str  # "line" (over months), "stack" (stacked bars over years), "bar" (by category), "pair", "flow"
    row_header: Any  # what the rows of its table are: months, or the categories of a chart by category


CHARTS = [
    Chart("accounts_by_month", _("Learner accounts opened, by month and region"), "line", _("month")),
    Chart("outcomes_by_month", _("Outcomes deposited, by month and type"), "line", _("month")),
    Chart(
        "outcomes_by_level", _("Recorded outcomes by year achieved and framework level"), "stack", _("year")
    ),
    Chart(
        "outcomes_by_region",
        _("Recorded outcomes by year achieved and the learner's region"),
        "stack",
        _("year"),
    ),
    Chart("outcomes_by_sector", _("Recorded outcomes by year achieved and sector"), "stack", _("year")),
    Chart(
        "transfer_flows",
        _(
            "Credit transferred between regions (accepted items, from the learner's institution to the receiving one)"
        ),
        "flow",
        _("flow"),
    ),
    Chart(
        "transfer_flows_institutions",
        _("Credit transferred between institutions (accepted items; the chart shows the 40 largest flows)"),
        "flow",
        _("flow"),
    ),
    Chart("transfer_decisions", _("Recognition decisions on transfer items, by month"), "line", _("month")),
    Chart(
        "transfer_acceptance",
        _("Recognition rate: accepted items as a share of those decided, by month (%)"),
        "line",
        _("month"),
    ),
    Chart(
        "transfer_days",
        _("Days from a transfer application to the decision on its items, by month (mean)"),
        "line",
        _("month"),
    ),
    Chart(
        "accreditation_pipeline",
        _("Accreditation cases by stage (decided ones by outcome)"),
        "bar",
        _("stage"),
    ),
    Chart(
        "demand_supply",
        _(
            "Talent demand and supply by key industry (each side's share): skills job postings ask for,"
            " and recorded outcomes that teach them"
        ),
        "pair",
        _("industry"),
    ),
]
BY_NAME = {c.name: c for c in CHARTS}
EXPORT_DIMENSIONS = ("region", "level", "type", "sector", "institution", "year")


def stats_refresh(*, actor: Any = None) -> Refresh:
    """Count every chart's figures anew (the bank's own schedule passes no actor)."""
    if actor is not None:
        require(actor, Action.MANAGE_INSTITUTIONS)
    started = time.perf_counter()
    figures = list(_count())
    with transaction.atomic():
        Figure.objects.all().delete()
        Figure.objects.bulk_create(figures, batch_size=2_000)
        refresh = Refresh.objects.create(
            finished_at=timezone.now(), seconds=time.perf_counter() - started, figures=len(figures)
        )
    return refresh


def _count() -> Iterator[Figure]:
    """Each figure bank-wide (institution None) and per institution concerned."""
    learners = (
        Learner.objects.annotate(month=TruncMonth("created_at"))
        .values("month", "region", "opened_at_institution_id")
        .annotate(n=Count("pk"))
    )
    yield from _both("accounts_by_month", ((_month(r["month"]), r["region"], r["opened_at_institution_id"], r["n"])
                                           for r in learners))  # fmt: skip
    deposited = (
        LearningOutcome.objects.annotate(month=TruncMonth("deposited_at"))
        .values("month", "outcome_type", "institution_id")
        .annotate(n=Count("pk"))
    )
    yield from _both("outcomes_by_month", ((_month(r["month"]), r["outcome_type"], r["institution_id"], r["n"])
                                           for r in deposited))  # fmt: skip
    recorded = LearningOutcome.objects.filter(status=RECORDED).annotate(year=ExtractYear("achieved_on"))
    for chart, category in (
        ("outcomes_by_level", F("level_id")),  # "GDLEQF-4"
        ("outcomes_by_region", F("learner__region")),
        ("outcomes_by_sector", F("entry__sector")),
    ):
        rows = recorded.values("year", "institution_id", category=category).annotate(n=Count("pk"))
        yield from _both(chart, ((str(r["year"]), r["category"], r["institution_id"], r["n"]) for r in rows))
    yield from _recognition()
    yield from _accreditation()
    yield from _demand_supply()
    yield from _skill_holders()


HOLDERS = "skill_holders"  # not a chart: how many consenting learners hold each skill, for employers


def _skill_holders() -> Iterator[Figure]:
    """For each skill, the learners who consented and whose recorded outcomes show it (through what
    the entries teach, ``effective_tags``), in one pass."""
    holders = (
        matching.effective_tags()
        .filter(entry__outcomes__status=RECORDED, entry__outcomes__learner__matching_consent__given=True)
        .values("skill")
        .annotate(n=Count("entry__outcomes__learner_id", distinct=True))
    )
    for row in holders:
        yield Figure(chart=HOLDERS, period="", category=row["skill"], institution=None, value=row["n"])


def holders_counted(skills: Sequence[str]) -> dict[str, int]:
    """The consenting holders of these skills at the last count (0 where none was counted)."""
    found = dict(
        Figure.objects.filter(chart=HOLDERS, institution__isnull=True, category__in=list(skills)).values_list(
            "category", "value"
        )
    )
    return {s: int(found.get(s, 0)) for s in skills}


def _recognition() -> Iterator[Figure]:
    """Transfers: accepted items between regions (figures for both institutions), decisions by month,
    and the mean days to decide. Both ends of a flow see it."""
    accepted = (
        TransferItem.objects.filter(decision=ItemDecision.ACCEPTED)
        .values(
            source=F("outcome__institution__region"), target=F("application__institution__region"),
            source_code=F("outcome__institution__code"), target_code=F("application__institution__code"),
            source_id=F("outcome__institution_id"), target_id=F("application__institution_id"),
        )
        .annotate(n=Count("pk"))
    )  # fmt: skip
    bank: dict[tuple[str, str], int] = defaultdict(int)
    ends: dict[tuple[str, str, int], int] = defaultdict(int)
    for r in accepted:
        for chart, category in (
            ("transfer_flows", f"{r['source']}>{r['target']}"),
            ("transfer_flows_institutions", f"{r['source_code']}>{r['target_code']}"),
        ):
            bank[(chart, category)] += r["n"]
            for institution_id in {r["source_id"], r["target_id"]}:  # both ends see the flow, counted once
                ends[(chart, category, institution_id)] += r["n"]
    for (chart, category, institution_id), n in ends.items():
        yield Figure(chart=chart, period="", category=category, institution_id=institution_id, value=n)
    for (chart, category), n in bank.items():
        yield Figure(chart=chart, period="", category=category, institution=None, value=n)
    decided = (
        TransferItem.objects.exclude(decision=ItemDecision.PENDING)
        .filter(decided_at__isnull=False)
        .annotate(month=TruncMonth("decided_at"))
        .values("month", "decision", receiving=F("application__institution_id"))
        .annotate(n=Count("pk"))
    )
    rows = [(_month(r["month"]), r["decision"], r["receiving"], r["n"]) for r in decided]
    yield from _both("transfer_decisions", iter(rows))
    yield from _acceptance(rows)
    days: dict[tuple[str, int], list[float]] = defaultdict(list)
    timed = TransferItem.objects.filter(decided_at__isnull=False).values_list(
        "decided_at", "application__submitted_at", "application__institution_id"
    )
    for decided_at, submitted_at, receiving in timed.iterator(chunk_size=5_000):
        if decided_at is not None:
            days[(_month(decided_at), receiving)].append((decided_at - submitted_at).total_seconds() / 86_400)
    months: dict[str, list[float]] = defaultdict(list)
    for (month, receiving), values in days.items():
        months[month].extend(values)
        yield Figure(chart="transfer_days", period=month, category="mean", institution_id=receiving,
                     value=round(sum(values) / len(values)))  # fmt: skip
    for month, values in months.items():
        yield Figure(chart="transfer_days", period=month, category="mean", institution=None,
                     value=round(sum(values) / len(values)))  # fmt: skip


def _acceptance(rows: list[tuple[str, str, int, int]]) -> Iterator[Figure]:
    """The recognition rate: accepted items as a whole per cent of the items decided (accepted or
    rejected; a request for evidence is not a decision), per month, per receiving institution and
    for the bank."""
    counts: dict[tuple[str, int | None], list[int]] = defaultdict(lambda: [0, 0])
    for month, decision, receiving, n in rows:
        if decision in (ItemDecision.ACCEPTED, ItemDecision.REJECTED):
            for institution_id in (receiving, None):
                counts[(month, institution_id)][0] += n if decision == ItemDecision.ACCEPTED else 0
                counts[(month, institution_id)][1] += n
    for (month, institution_id), (accepted, decided) in counts.items():
        yield Figure(chart="transfer_acceptance", period=month, category="rate", institution_id=institution_id,
                     value=round(100 * accepted / decided))  # fmt: skip


def _accreditation() -> Iterator[Figure]:
    """Cases by stage; decided ones by their outcome (approved, rejected…)."""
    cases = AccreditationCase.objects.values("stage", "outcome", "submitter_id").annotate(n=Count("pk"))
    yield from _both(
        "accreditation_pipeline",
        (
            ("", f"{r['stage']}:{r['outcome']}" if r["outcome"] else r["stage"], r["submitter_id"], r["n"])
            for r in cases
        ),
    )


def _demand_supply() -> Iterator[Figure]:
    """Demand: skill mentions in job postings, by the skill's sector (the whole bank's postings,
    counted, never shown one by one). Supply: recorded outcomes times the skills their units teach."""
    sectors = {uri: s.sector for uri, s in vocabulary().skills.items()}
    demand: dict[str, int] = defaultdict(int)
    for skills in JobPosting.objects.values_list("skills", flat=True).iterator(chunk_size=2_000):
        for s in skills:
            if s["uri"] in sectors:
                demand[sectors[s["uri"]]] += 1
    taught, _decided = matching.skills_of(RegisterEntry.objects.all())
    per_entry = (
        LearningOutcome.objects.filter(status=RECORDED, entry_id__in=list(taught))
        .values("entry_id", "institution_id")
        .annotate(n=Count("pk"))
    )
    supply = (
        ("supply", sectors[s], r["institution_id"], r["n"])
        for r in per_entry
        for s in taught[r["entry_id"]]
        if s in sectors
    )
    yield from _both("demand_supply", supply)
    for sector, n in demand.items():
        yield Figure(chart="demand_supply", period="demand", category=sector, institution=None, value=n)


def _both(chart: str, rows: Iterator[tuple[str, str, int | None, int]]) -> Iterator[Figure]:
    """Figures per institution as counted, and the bank-wide sums."""
    bank: dict[tuple[str, str], int] = defaultdict(int)
    for period, category, institution_id, n in rows:
        bank[(period, category)] += n
        if institution_id is not None:
            yield Figure(
                chart=chart, period=period, category=category, institution_id=institution_id, value=n
            )
    for (period, category), n in bank.items():
        yield Figure(chart=chart, period=period, category=category, institution=None, value=n)


def _month(value: Any) -> str:
    return value.strftime("%Y-%m") if value else ""


@dataclass(frozen=True)
class Scope:
    """Whose figures a reader sees: the bank's (institution None) or one institution's."""

    institution_id: int | None
    label: str


def scope_of(actor: Any, institution_code: str | None = None) -> Scope:
    """Operators see the whole bank, or one institution they name; institution staff their own."""
    require(actor, Action.VIEW_STATS)
    if role_of(actor) == "operator" and not institution_code:
        return Scope(None, "")
    institution = acting_institution(actor, institution_code, Action.VIEW_STATS)
    return Scope(institution.pk, institution.code)


def chart_rows(chart: Chart, data: Table) -> Table:
    """A chart's figures as its table reads: a row per period, or a row per category."""
    return data if chart.kind in ("line", "stack") else data.transposed()


def chart_table(chart: Chart, scope: Scope) -> Table:
    bank = Figure.objects.filter(chart=chart.name, institution__isnull=True)
    if scope.institution_id is None:
        facts = bank
    else:
        facts = Figure.objects.filter(chart=chart.name, institution_id=scope.institution_id)
        if chart.name == "demand_supply":  # demand is the whole bank's; supply the institution's own
            facts = facts | bank.filter(period="demand")
    return table(Fact(f.chart, f.period, f.category, f.value) for f in facts)


def last_refresh() -> Refresh | None:
    return Refresh.objects.first()


def outcomes_export(
    *, actor: Any, by: Sequence[str], institution_code: str | None = None
) -> list[dict[str, object]]:
    """Recorded outcomes counted by the dimensions asked for (an operator's export; it reads the
    outcomes themselves, once, not the dashboard's figures)."""
    scope = scope_of(actor, institution_code)
    rollup([], by, EXPORT_DIMENSIONS)  # refuse unknown dimensions before reading anything
    fields = {
        "region": "learner__region", "level": "level_id", "type": "outcome_type", "sector": "entry__sector",
        "institution": "institution__code", "year": "achieved_on__year",
    }  # fmt: skip
    outcomes = LearningOutcome.objects.filter(status=RECORDED)
    if scope.institution_id is not None:
        outcomes = outcomes.filter(institution_id=scope.institution_id)
    wanted = {fields[d] for d in by} | ({"framework"} if "level" in by else set())
    rows = outcomes.values(*sorted(wanted)).annotate(count=Count("pk"))
    shaped = [
        {
            **{d: (f"{r['framework']} {r['level_id']}" if d == "level" else r[fields[d]]) for d in by},
            "count": r["count"],
        }
        for r in rows
    ]
    return rollup(shaped, by, EXPORT_DIMENSIONS)
