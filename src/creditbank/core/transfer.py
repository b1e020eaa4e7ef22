"""Credit transfer (学分转换): the best use of a learner's outcomes for a receiving qualification.

Each outcome may count under at most one rule, the same unit counts once, a unit is exempted at
most once, and every cap of the receiving policy holds in every group (per institution, per year…).
Among the selections that respect all of these, the proposal recognises the most credit; ties go
to fewer certificates, then to newer outcomes (the least total age). Caps interact (a per-term cap
and a certificate cap can both bind on one outcome), so this is a 0/1 integer programme, solved
exactly with HiGHS (through SciPy) as a sequence of lexicographic objectives.

Every outcome gets an explanation: why it counts and as what, or exactly what kept it out (a
failed condition, a cap that was full, another outcome of the same kind counted instead).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from creditbank.core.caps import Breach, Counted, Policy, breaches, cap_usage
from creditbank.core.errors import gettext_noop
from creditbank.core.reasons import Reason, number, reason
from creditbank.core.rules import Holding, Match, Rule, TargetKind, UnitFacts, match

MAX_CANDIDATES = 2000  # a learner's bank against one qualification: far above any real case


@dataclass(frozen=True, slots=True)
class Left:
    """An outcome that matched a rule but is not counted, and why."""

    holding: Holding
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Proposal:
    qualification_credits: Decimal
    uses: tuple[Match, ...]  # eligible matches chosen, one per outcome counted
    left_out: tuple[Left, ...]  # eligible but not counted
    ineligible: tuple[Match, ...]  # matched a rule but failed a condition
    usage: tuple[tuple[Reason, str, Decimal, Decimal], ...]  # cap, group, used, limit
    optimal: bool = True
    accepted: tuple[Match, ...] = ()  # decided earlier for this qualification: they count and fill caps

    @property
    def credits(self) -> Decimal:
        return sum((m.award.credits for m in self.uses if m.award), Decimal(0))

    @property
    def certificates(self) -> int:
        return sum(1 for m in self.uses if m.holding.is_certificate)


def matches_for(
    rules: Iterable[Rule],
    holdings: Sequence[Holding],
    *,
    region: str,
    units: Mapping[str, UnitFacts],
    on: date,
) -> list[Match]:
    """Every (rule, outcome) pair where the outcome is what the rule is about, eligible or not."""
    held_units = {h.unit for h in holdings}
    found = []
    for rule in sorted(rules, key=lambda r: (r.code, r.version)):
        for h in sorted(holdings, key=lambda h: h.id):
            m = match(rule, h, region=region, held_units=held_units, units=units, on=on)
            if m is not None:
                found.append(m)
    return found


def _highest_only(eligible: list[Match]) -> tuple[list[Match], list[Left]]:
    """Similar certificates (those one rule accepts) count once: the highest level, then newest."""
    best: dict[str, Match] = {}
    for m in eligible:
        if m.holding.is_certificate:
            key = m.rule.code
            current = best.get(key)
            rank = (m.holding.level_rank, m.holding.achieved_on, m.holding.id)
            if current is None or rank > (
                current.holding.level_rank,
                current.holding.achieved_on,
                current.holding.id,
            ):
                best[key] = m
    kept: list[Match] = []
    dropped: dict[str, tuple[Holding, Reason]] = {}
    for m in eligible:
        top = best.get(m.rule.code)
        if m.holding.is_certificate and top is not None and top.holding.id != m.holding.id:
            dropped[m.holding.id] = (
                m.holding,
                reason(
                    gettext_noop(
                        "a similar certificate at a higher level, %(unit)s (level %(level)s), counts instead: "
                        "similar certificates count once"
                    ),
                    False,
                    unit=top.holding.unit,
                    level=top.holding.level,
                ),
            )
        else:
            kept.append(m)
    kept_ids = {m.holding.id for m in kept}
    return kept, [Left(h, (r,)) for hid, (h, r) in dropped.items() if hid not in kept_ids]


def _cents(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


@dataclass(frozen=True, slots=True)
class _Model:
    rows: list[list[int]]  # each row: coefficient per candidate
    upper: list[int]


def _constraints(candidates: Sequence[Match], policy: Policy, qualification_credits: Decimal) -> _Model:
    rows: list[list[int]] = []
    upper: list[int] = []
    n = len(candidates)

    def at_most_one(key_of: Mapping[int, str]) -> None:
        groups: dict[str, list[int]] = defaultdict(list)
        for j, key in key_of.items():
            groups[key].append(j)
        for members in groups.values():
            if len(members) > 1:
                rows.append([1 if j in members else 0 for j in range(n)])
                upper.append(1)

    at_most_one({j: m.holding.id for j, m in enumerate(candidates)})
    at_most_one({j: m.holding.unit for j, m in enumerate(candidates)})
    at_most_one({j: m.award.exempts for j, m in enumerate(candidates) if m.award and m.award.exempts})
    credits = [_cents(m.award.credits) if m.award else 0 for m in candidates]
    rows.append(credits)
    upper.append(_cents(qualification_credits))
    for cap in policy.caps:
        groups: dict[str, list[int]] = defaultdict(list)
        for j, m in enumerate(candidates):
            if cap.applies_to(m.holding):
                groups[cap.group(m.holding)].append(j)
        limit = cap.limit(qualification_credits)
        for members in groups.values():
            if cap.kind.counts_outcomes:
                rows.append([1 if j in members else 0 for j in range(n)])
                upper.append(int(limit))
            else:
                rows.append([credits[j] if j in members else 0 for j in range(n)])
                upper.append(_cents(limit))
    return _Model(rows, upper)


def _solve(candidates: Sequence[Match], model: _Model, on: date, n_fixed: int = 0) -> tuple[list[int], bool]:
    """Lexicographic 0/1 optimum: most credit, then fewest certificates, then least total age, then
    the earliest candidates (so that equal proposals come out the same every time). The first
    ``n_fixed`` candidates are already decided: they are always in, and a cap they already exceed
    (a policy tightened after the decision) admits nothing more rather than undoing them."""
    n = len(candidates)
    if n == 0:
        return [], True
    fixed_use = [sum(row[:n_fixed]) for row in model.rows]
    model = _Model(model.rows, [max(u, f) for u, f in zip(model.upper, fixed_use, strict=True)])
    if all(sum(row) <= up for row, up in zip(model.rows, model.upper, strict=True)):
        # Everything fits (most learners, in a cohort): the most credit takes every candidate that
        # carries credit, and the later objectives, all non-negative, leave out those that carry
        # none. The solver gives the same answer (tested); this is a hundred times cheaper.
        return [
            j for j, m in enumerate(candidates) if j < n_fixed or (m.award and _cents(m.award.credits) > 0)
        ], True
    return _solve_milp(candidates, model, on, n_fixed)


def _solve_milp(candidates: Sequence[Match], model: _Model, on: date, n_fixed: int) -> tuple[list[int], bool]:
    """``_solve`` by the solver, one objective after the other (the model's bounds already admit
    the fixed candidates)."""
    n = len(candidates)
    low = np.array([1] * n_fixed + [0] * (n - n_fixed), dtype=float)
    objectives = [
        [-_cents(m.award.credits) if m.award else 0 for m in candidates],
        [1 if m.holding.is_certificate else 0 for m in candidates],
        [max((on - m.holding.achieved_on).days, 0) for m in candidates],
        list(range(1, n + 1)),
    ]
    a = np.array(model.rows, dtype=float) if model.rows else np.zeros((0, n))
    lower = np.full(len(model.upper), -np.inf)
    upper = np.array(model.upper, dtype=float)
    chosen: np.ndarray | None = None
    for c in objectives:
        res = milp(
            c=np.array(c, dtype=float),
            integrality=np.ones(n, dtype=np.int_),
            bounds=Bounds(low, np.ones(n)),
            constraints=[LinearConstraint(a, lower, upper)] if len(upper) else [],
        )
        if not res.success or res.x is None:
            return ([] if chosen is None else [j for j in range(n) if chosen[j] > 0.5]), False
        chosen = np.round(res.x)
        best = float(np.dot(c, chosen))
        # Keep this objective at its optimum while the next one is optimised.
        a = np.vstack([a, np.array(c, dtype=float)])
        lower = np.append(lower, -np.inf)
        upper = np.append(upper, best + 0.5)  # integer objectives: the half absorbs solver tolerance
    assert chosen is not None
    return [j for j in range(n) if chosen[j] > 0.5], True


def _why_not(
    m: Match,
    chosen: Sequence[Match],
    policy: Policy,
    qualification_credits: Decimal,
) -> list[Reason]:
    """What stops one more outcome from counting, given the chosen ones."""
    reasons: list[Reason] = []
    for other in chosen:
        if other.holding.unit == m.holding.unit:
            reasons.append(
                reason(
                    gettext_noop(
                        "another outcome of the same unit %(unit)s (achieved %(date)s) counts instead"
                    ),
                    False,
                    unit=other.holding.unit,
                    date=other.holding.achieved_on,
                )
            )
        if m.award and m.award.exempts and other.award and other.award.exempts == m.award.exempts:
            reasons.append(
                reason(
                    gettext_noop("unit %(unit)s is already exempted through %(other)s"),
                    False,
                    unit=m.award.exempts,
                    other=other.holding.unit,
                )
            )
    award = m.award.credits if m.award else Decimal(0)
    counted = [Counted(c.holding, c.award.credits) for c in chosen if c.award]
    total = sum((c.credits for c in counted), Decimal(0))
    if total + award > qualification_credits:
        reasons.append(
            reason(
                gettext_noop("the qualification has %(total)s credits and %(used)s are already covered"),
                False,
                total=number(qualification_credits),
                used=number(total),
            )
        )
    before = {(b.cap, b.group) for b in breaches(policy, counted, qualification_credits)}
    for b in breaches(policy, [*counted, Counted(m.holding, award)], qualification_credits):
        if (b.cap, b.group) not in before:
            reasons.append(_full(b, award, qualification_credits))
    if not reasons:  # a tie: an equally good selection counts other outcomes
        reasons.append(reason(gettext_noop("not needed: other outcomes give as much credit"), False))
    return reasons


def _full(b: Breach, added: Decimal, qualification_credits: Decimal) -> Reason:
    """A cap group that one more outcome (adding ``added``) would overfill."""
    cap = b.cap.describe()
    return reason(
        gettext_noop("the cap “%(cap)s” is reached (%(used)s of %(limit)s used)")
        if b.group == "all"
        else gettext_noop("the cap “%(cap)s” is reached for %(group)s (%(used)s of %(limit)s used)"),
        False,
        **cap.params,
        cap=cap.template,
        group=b.group,
        used=number(b.total - (Decimal(1) if b.cap.kind.counts_outcomes else added)),
        limit=number(b.limit),
    )


def propose(
    matches: Sequence[Match],
    policy: Policy,
    *,
    qualification_credits: Decimal,
    on: date,
    accepted: Sequence[Match] = (),
) -> Proposal:
    """The optimal transfer proposal for these matches under the policy's caps, on top of what was
    ``accepted`` earlier for the same qualification (those outcomes are not proposed again)."""
    done = {m.holding.id for m in accepted}
    eligible = [m for m in matches if m.eligible and m.holding.id not in done]
    ineligible_all = [m for m in matches if not m.eligible and m.holding.id not in done]
    left: list[Left] = []
    if policy.highest_only:
        eligible, left = _highest_only(eligible)
    if len(eligible) > MAX_CANDIDATES:
        eligible = eligible[:MAX_CANDIDATES]
    candidates = [*accepted, *eligible]
    model = _constraints(candidates, policy, qualification_credits)
    picked, optimal = _solve(candidates, model, on, n_fixed=len(accepted))
    chosen = [candidates[j] for j in picked if j >= len(accepted)]
    everything = [*accepted, *chosen]
    used_ids = {m.holding.id for m in chosen}
    seen = set(used_ids) | {lft.holding.id for lft in left}
    for m in eligible:
        if m.holding.id not in seen:
            seen.add(m.holding.id)
            others = [x for x in everything if x.holding.id != m.holding.id]
            left.append(Left(m.holding, tuple(_why_not(m, others, policy, qualification_credits))))
    eligible_ids = {m.holding.id for m in eligible} | {lft.holding.id for lft in left}
    ineligible = [m for m in ineligible_all if m.holding.id not in eligible_ids]
    counted = [Counted(m.holding, m.award.credits) for m in everything if m.award]
    usage = tuple(
        (cap.describe(), group, used, limit)
        for cap, group, used, limit in cap_usage(policy, counted, qualification_credits)
    )
    return Proposal(
        qualification_credits,
        tuple(sorted(chosen, key=lambda m: (m.holding.achieved_on, m.holding.id))),
        tuple(sorted(left, key=lambda lft: lft.holding.id)),
        tuple(ineligible),
        usage,
        optimal,
        tuple(accepted),
    )


def use_reason(m: Match) -> Reason:
    """What one counted outcome becomes in the receiving qualification."""
    assert m.award is not None
    if m.rule.target.kind is TargetKind.EXEMPTION:
        return reason(
            gettext_noop(
                "counts as exemption from %(unit)s (%(credits)s %(system)s credits) under rule %(rule)s"
            ),
            unit=m.award.exempts,
            credits=number(m.award.credits),
            system=m.award.system,
            rule=m.rule.ref,
        )
    return reason(
        gettext_noop("counts as %(credits)s %(system)s credits under rule %(rule)s"),
        credits=number(m.award.credits),
        system=m.award.system,
        rule=m.rule.ref,
    )
