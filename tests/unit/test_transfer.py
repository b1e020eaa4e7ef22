"""Transfer proposals: the optimum under interacting caps (checked against brute force), the Korean
ACBS limits as worked examples, and an explanation for every outcome left out."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import creditbank
from creditbank.core.caps import NO_CAPS, Cap, CapKind, Counted, InvalidPolicy, Policy, breaches, parse_policy
from creditbank.core.rules import Conditions, Holding, Match, Rule, Source, Target, TargetKind, UnitFacts
from creditbank.core.texts import Text
from creditbank.core.transfer import _constraints, _Model, _solve, _solve_milp, matches_for, propose

ON = date(2026, 6, 1)
POLICIES = Path(creditbank.__file__).parent / "data" / "policies"
RECEIVING = {
    "T-A": UnitFacts("T-A", Decimal(6), "HKQF-CREDIT", "HKQF", 4, "ict"),
    "T-B": UnitFacts("T-B", Decimal(9), "HKQF-CREDIT", "HKQF", 4, "ict"),
}


def preset(code: str) -> Policy:
    return parse_policy(yaml.safe_load((POLICIES / f"{code}.yaml").read_text(encoding="utf-8")))


def course(n: int, credits: int | str, on: date, **kw: Any) -> Holding:
    base: dict[str, Any] = {
        "id": f"o{n:03d}",
        "unit": f"U{n:03d}",
        "kind": "course",
        "outcome_type": "formal",
        "institution": "kr-inst",
        "framework": "KQF",
        "level": "6",
        "level_rank": 6,
        "sector": "ict",
        "credits": Decimal(credits),
        "credit_system": "KR-ACBS",
        "achieved_on": on,
        "result": "pass",
    }
    base.update(kw)
    return Holding(**base)


def block_rule(code: str = "ALL", **source: Any) -> Rule:
    """Counts an outcome's own credits (factor 1): the receiving side's generic rule."""
    return Rule(
        code,
        1,
        "receiver",
        code,
        Source(kinds=("course", "x_certificate"), system="KR-ACBS", **source),
        Conditions(),
        Target(TargetKind.BLOCK, system="KR-ACBS"),
    )


def plan(
    holdings: Sequence[Holding], policy: Policy, total: int = 140, rules: Sequence[Rule] | None = None
) -> Any:
    matches = matches_for(rules or [block_rule()], holdings, region="KR", units=RECEIVING, on=ON)
    return propose(matches, policy, qualification_credits=Decimal(total), on=ON)


# --- the shipped presets -------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(POLICIES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_policy_preset_is_valid_and_names_its_source(path: Path) -> None:
    policy = parse_policy(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert policy.code == path.stem
    assert policy.source
    assert policy.caps
    assert all(cap.ref for cap in policy.caps)


def test_every_problem_in_a_policy_is_named() -> None:
    with pytest.raises(InvalidPolicy) as err:
        parse_policy(
            {
                "code": "X",
                "title": {"en": "x"},
                "caps": [
                    {"kind": "per_week", "value": 1},
                    {"kind": "total_share", "value": 2},
                    {"kind": "per_term", "value": 24, "term_starts": ["02-30"]},
                    {"kind": "max_certificates", "value": "1.5"},
                ],
            }
        )
    message = err.value.message
    for expected in (
        "title: missing or empty text for zh_hans, zh_hant",
        "caps[0].kind: one of total",
        "caps[1].value: a share between 0 and 1",
        "caps[2].term_starts[0]: a month and day",
        "caps[3].value: a whole number of certificates",
    ):
        assert expected in message


# --- Korean ACBS worked examples (KR-ACBS-EX-1..3 in the facts) ----------------------------------


def test_kr_ex1_a_semester_counts_at_most_24_class_credits() -> None:
    semester1 = [course(n, 3, date(2025, 3, 20) + timedelta(days=n)) for n in range(9)]  # 27 credits
    p = plan(semester1, preset("KR-ACBS-BACHELOR"))
    assert p.credits == 24
    assert len(p.left_out) == 1
    why = [r.render() for r in p.left_out[0].reasons]
    assert why == ["the cap “at most 24 credits from one term” is reached for 2025-T1 (24 of 24 used)"]


def test_kr_ex2_a_year_counts_at_most_42_even_within_each_semester_cap() -> None:
    s1 = [course(n, 3, date(2025, 4, 1)) for n in range(8)]  # 24 in semester 1
    s2 = [course(n, 3, date(2025, 10, 1)) for n in range(8, 16)]  # 24 in semester 2, same ACBS year
    p = plan(s1 + s2, preset("KR-ACBS-BACHELOR"))
    assert p.credits == 42
    assert any("at most 42 credits from one year" in r.render() for lft in p.left_out for r in lft.reasons)


def test_kr_ex2_the_acbs_year_starts_on_1_march() -> None:
    january = [course(n, 3, date(2026, 1, 15)) for n in range(8)]  # 2025/2026 year, semester 2
    march = [course(n, 3, date(2026, 3, 2)) for n in range(8, 16)]  # a new year and semester
    assert plan(january + march, preset("KR-ACBS-BACHELOR")).credits == 48


def test_kr_ex3_at_most_105_credits_from_one_institution() -> None:
    # 110 credits at one institute, spread over enough years and terms that only the institution cap binds.
    spread = [course(n, 5, date(2014 + n // 2, 4 if n % 2 else 10, 1)) for n in range(22)]
    p = plan(spread, preset("KR-ACBS-BACHELOR"))
    assert p.credits == 105
    other = [course(100, 5, date(2024, 4, 1), institution="kr-other")]
    assert plan(spread + other, preset("KR-ACBS-BACHELOR")).credits == 110


def test_certificates_cap_limits_transfer_to_three_and_prefers_the_biggest() -> None:
    certs = [
        course(n, c, date(2020 + n, 5, 1), kind="x_certificate", outcome_type="certificate", unit=f"X{n}")
        for n, c in enumerate([2, 6, 4, 5])
    ]
    p = plan(certs, preset("KR-ACBS-BACHELOR"))
    assert p.credits == 15
    assert p.certificates == 3
    assert [lft.holding.unit for lft in p.left_out] == ["X0"]


# --- Guangdong 2025 and shares ------------------------------------------------------------------


def test_similar_certificates_count_once_at_the_highest_level() -> None:
    junior = course(
        1, 4, date(2022, 1, 1), kind="x_certificate", outcome_type="certificate", level_rank=3, level="3"
    )
    senior = course(
        2, 6, date(2021, 1, 1), kind="x_certificate", outcome_type="certificate", level_rank=5, level="5"
    )
    family = block_rule("WEB-1X", units=("U001", "U002"))
    p = plan([junior, senior], preset("GD-2025-HE"), total=60, rules=[family])
    assert [m.holding.id for m in p.uses] == ["o002"]
    assert (
        p.left_out[0]
        .reasons[0]
        .render()
        .startswith("a similar certificate at a higher level, U002 (level 5)")
    )


def test_half_of_the_graduation_credits_is_the_most_that_transfers() -> None:
    courses = [course(n, 10, date(2024, 1, 1) + timedelta(days=n)) for n in range(8)]
    p = plan(courses, preset("GD-2025-HE"), total=60)
    assert p.credits == 30
    assert "at most 50% of the qualification's credits transferred" in p.left_out[0].reasons[0].render()


def test_the_qualification_total_bounds_transfer_even_without_caps() -> None:
    p = plan([course(n, 10, date(2024, 1, 1)) for n in range(5)], NO_CAPS, total=25)
    assert p.credits == 20
    assert "the qualification has 25 credits and 20 are already covered" in p.left_out[0].reasons[0].render()


# --- the optimiser's rules of counting -----------------------------------------------------------


def test_an_exemption_is_granted_once_and_each_outcome_counts_once() -> None:
    a = course(1, 3, date(2024, 1, 1))
    b = course(2, 3, date(2025, 1, 1))
    exempt_a = Rule(
        "EX-A",
        1,
        "r",
        "ex",
        Source(units=("U001", "U002")),
        Conditions(),
        Target(TargetKind.EXEMPTION, unit="T-A"),
    )
    exempt_b = Rule(
        "EX-B", 1, "r", "ex", Source(units=("U001",)), Conditions(), Target(TargetKind.EXEMPTION, unit="T-B")
    )
    p = plan([a, b], NO_CAPS, total=60, rules=[exempt_a, exempt_b])
    # o001 is worth most as T-B (9); o002 takes T-A (6). Neither outcome counts twice.
    assert sorted((m.holding.id, m.award.exempts) for m in p.uses if m.award) == [
        ("o001", "T-B"),
        ("o002", "T-A"),
    ]
    assert p.credits == 15


def test_a_retaken_unit_counts_once_and_the_newer_outcome_is_kept() -> None:
    older = course(1, 3, date(2020, 1, 1))
    newer = course(2, 3, date(2024, 1, 1), unit="U001")
    p = plan([older, newer], NO_CAPS)
    assert [m.holding.id for m in p.uses] == ["o002"]
    assert "another outcome of the same unit U001" in p.left_out[0].reasons[0].render()


def test_ties_prefer_fewer_certificates() -> None:
    cert = course(1, 6, date(2025, 1, 1), kind="x_certificate", outcome_type="certificate")
    courses = [course(2, 3, date(2020, 1, 1)), course(3, 3, date(2020, 1, 1))]
    p = plan([cert, *courses], NO_CAPS, total=6)
    assert p.certificates == 0
    assert p.credits == 6


def test_failed_conditions_are_reported_apart_from_caps() -> None:
    strict = Rule(
        "S",
        1,
        "r",
        "s",
        Source(kinds=("course",)),
        Conditions(min_score=Decimal(60)),
        Target(TargetKind.BLOCK, system="KR-ACBS", credits=Decimal(3)),
    )
    p = plan([course(1, 3, date(2025, 1, 1), result="40")], NO_CAPS, rules=[strict])
    assert p.uses == ()
    assert p.left_out == ()
    assert [c.render() for c in p.ineligible[0].checks] == ["score 40 is below the minimum of 60"]


# --- the optimum, against brute force ------------------------------------------------------------


def brute_force(matches: Sequence[Match], policy: Policy, total: Decimal) -> tuple[Decimal, int, int]:
    """Best (credits, certificates, total age) over every way to use each outcome once, or not at all."""
    by_holding: dict[str, list[Match]] = {}
    for m in matches:
        if m.eligible:
            by_holding.setdefault(m.holding.id, []).append(m)
    options = [[None, *ms] for ms in by_holding.values()]
    best: tuple[Decimal, int, int] | None = None
    for choice in itertools.product(*options):
        chosen = [m for m in choice if m is not None]
        units = [m.holding.unit for m in chosen]
        exempts = [m.award.exempts for m in chosen if m.award and m.award.exempts]
        if len(set(units)) < len(units) or len(set(exempts)) < len(exempts):
            continue
        counted = [Counted(m.holding, m.award.credits) for m in chosen if m.award]
        credits = sum((c.credits for c in counted), Decimal(0))
        if credits > total or breaches(policy, counted, total):
            continue
        certs = sum(m.holding.is_certificate for m in chosen)
        age = sum((ON - m.holding.achieved_on).days for m in chosen)
        key = (credits, -certs, -age)
        if best is None or key > (best[0], -best[1], -best[2]):
            best = (credits, certs, age)
    assert best is not None  # using nothing is always allowed
    return best


cap_kinds = st.sampled_from([k for k in CapKind])


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[Holding], list[Rule], Policy, int]:
    n = draw(st.integers(1, 7))
    holdings = []
    for i in range(n):
        cert = draw(st.booleans())
        holdings.append(
            course(
                i,
                draw(st.integers(1, 12)),
                date(2022, 1, 1) + timedelta(days=draw(st.integers(0, 1400))),
                unit=f"U{draw(st.integers(0, n))}",
                institution=draw(st.sampled_from(["a", "b"])),
                kind="x_certificate" if cert else "course",
                outcome_type="certificate" if cert else "formal",
                level_rank=draw(st.integers(3, 6)),
            )
        )
    rules = [block_rule()]
    if draw(st.booleans()):
        rules.append(
            Rule(
                "FIXED",
                1,
                "r",
                "f",
                Source(kinds=("course",)),
                Conditions(),
                Target(TargetKind.BLOCK, system="KR-ACBS", credits=Decimal(draw(st.integers(1, 10)))),
            )
        )
    if draw(st.booleans()):
        rules.append(
            Rule(
                "EX",
                1,
                "r",
                "e",
                Source(kinds=("course", "x_certificate")),
                Conditions(),
                Target(TargetKind.EXEMPTION, unit=draw(st.sampled_from(["T-A", "T-B"]))),
            )
        )
    caps = []
    for kind in draw(st.lists(cap_kinds, max_size=3, unique=True)):
        value = (
            Decimal(draw(st.integers(1, 9))) / 10
            if kind is CapKind.TOTAL_SHARE
            else Decimal(draw(st.integers(0, 25)))
        )
        if kind is CapKind.MAX_CERTIFICATES:
            value = Decimal(draw(st.integers(0, 3)))
        caps.append(Cap(kind, value, term_starts=((3, 1), (9, 1)), year_start=(3, 1)))
    policy = Policy("P", Text("p", "p", "p"), tuple(caps))
    return holdings, rules, policy, draw(st.integers(5, 60))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_the_proposal_is_as_good_as_the_best_of_every_possible_selection(
    scenario: tuple[list[Holding], list[Rule], Policy, int],
) -> None:
    holdings, rules, policy, total = scenario
    matches = matches_for(rules, holdings, region="KR", units=RECEIVING, on=ON)
    p = propose(matches, policy, qualification_credits=Decimal(total), on=ON)
    assert p.optimal
    credits, certs, age = brute_force(matches, policy, Decimal(total))
    assert (p.credits, p.certificates, sum((ON - m.holding.achieved_on).days for m in p.uses)) == (
        credits,
        certs,
        age,
    )
    # What the proposal uses is itself allowed, and every matched outcome is accounted for once.
    counted = [Counted(m.holding, m.award.credits) for m in p.uses if m.award]
    assert not breaches(policy, counted, Decimal(total))
    used = [m.holding.id for m in p.uses]
    left = [lft.holding.id for lft in p.left_out]
    assert len(set(used)) == len(used)
    assert not set(used) & set(left)
    assert set(used) | set(left) == {m.holding.id for m in matches if m.eligible}
    assert all(lft.reasons for lft in p.left_out)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@given(scenarios(), st.integers(0, 2))
def test_when_everything_fits_the_shortcut_gives_the_solvers_answer(
    scenario: tuple[list[Holding], list[Rule], Policy, int], n_fixed: int
) -> None:
    holdings, rules, policy, total = scenario
    candidates = [m for m in matches_for(rules, holdings, region="KR", units=RECEIVING, on=ON) if m.eligible]
    model = _constraints(candidates, policy, Decimal(total))
    n_fixed = min(n_fixed, len(candidates))
    widened = [max(u, sum(row[:n_fixed])) for row, u in zip(model.rows, model.upper, strict=True)]
    assume(candidates and all(sum(row) <= u for row, u in zip(model.rows, widened, strict=True)))
    assert _solve(candidates, model, ON, n_fixed) == _solve_milp(
        candidates, _Model(model.rows, widened), ON, n_fixed
    )


def test_credit_accepted_earlier_fills_the_caps_and_is_not_proposed_again() -> None:
    earlier = [course(n, 10, date(2024, 1, 1) + timedelta(days=n)) for n in range(2)]
    later = [course(n, 10, date(2025, 1, 1) + timedelta(days=n)) for n in range(2, 5)]
    matches = matches_for([block_rule()], earlier + later, region="KR", units=RECEIVING, on=ON)
    accepted = [m for m in matches if m.holding in earlier]
    p = propose(matches, preset("GD-2025-HE"), qualification_credits=Decimal(60), on=ON, accepted=accepted)
    assert p.accepted == tuple(accepted)
    assert {m.holding.id for m in p.uses} == {"o004"}  # 20 accepted + 10 new = half of 60; the newest is used
    assert len(p.left_out) == 2
    assert "(30 of 30 used)" in p.left_out[0].reasons[0].render()


def test_a_cap_tightened_after_a_decision_admits_nothing_more_and_undoes_nothing() -> None:
    earlier = [course(n, 10, date(2024, 1, 1)) for n in range(4)]  # 40 accepted
    new = course(9, 5, date(2025, 1, 1))
    matches = matches_for([block_rule()], [*earlier, new], region="KR", units=RECEIVING, on=ON)
    accepted = [m for m in matches if m.holding in earlier]
    p = propose(matches, preset("GD-2025-HE"), qualification_credits=Decimal(60), on=ON, accepted=accepted)
    assert p.optimal
    assert (p.uses, p.accepted) == ((), tuple(accepted))
    assert [lft.holding.id for lft in p.left_out] == ["o009"]
