"""Recognition rules: documents validated with every problem named, and matches that explain themselves."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditbank.core.frameworks import Framework
from creditbank.core.rules import (
    Holding,
    InvalidRule,
    TargetKind,
    UnitFacts,
    match,
    parse_rule,
    rule_document,
    years_before,
)

ON = date(2026, 6, 1)
UNITS = {"HK-WEB": UnitFacts("HK-WEB", Decimal(15), "HKQF-CREDIT", "HKQF", 4, "ict")}


def holding(**kw: Any) -> Holding:
    base: dict[str, Any] = {
        "id": "o1",
        "unit": "GD-WEB",
        "kind": "course",
        "outcome_type": "formal",
        "institution": "gd-poly",
        "framework": "GDLEQF",
        "level": "4",
        "level_rank": 4,
        "sector": "ict",
        "credits": Decimal(4),
        "credit_system": "GD-CREDIT",
        "achieved_on": date(2025, 1, 10),
        "result": "85",
    }
    base.update(kw)
    return Holding(**base)


def rule_doc(**kw: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "code": "R1",
        "title": "Guangdong web course into the HK diploma",
        "source": {"units": ["GD-WEB"]},
        "target": {"credits": 6, "system": "HKQF-CREDIT", "level": "HKQF:4"},
        "valid_from": "2025-01-01",
    }
    doc.update(kw)
    return doc


@pytest.fixture(scope="module")
def fws(shipped_frameworks: dict[str, Framework]) -> dict[str, Framework]:
    return shipped_frameworks


def test_a_rule_document_reads_back_from_its_own_rendering(fws: dict[str, Framework]) -> None:
    rule = parse_rule(
        rule_doc(
            conditions={
                "min_score": 60,
                "max_age_years": 5,
                "regions": ["gd", "hk"],
                "prerequisites": ["GD-DB"],
            },
            source={"kinds": ["course"], "min_level": "GDLEQF:4", "sector": "ict", "system": "gd-credit"},
            target={"system": "HKQF-CREDIT"},
            factor="1.5",
            valid_to="2030-12-31",
            qualification="HKIPS-HD-SE",
        ),
        fws,
        version=3,
        owner="hk-ips",
    )
    assert rule.ref == "R1 v3"
    assert rule.conditions.regions == ("GD", "HK")
    assert rule.source.system == "GD-CREDIT"
    again = parse_rule(rule_document(rule), fws, version=3, owner="hk-ips")
    assert again == rule


def test_every_problem_in_a_rule_is_named_with_its_path(fws: dict[str, Framework]) -> None:
    with pytest.raises(InvalidRule) as err:
        parse_rule(
            {
                "source": {},
                "target": {"credits": -2, "level": "NOPE:1"},
                "conditions": {"max_age_years": 0, "colour": "red"},
                "factor": "x",
                "valid_from": "2025-13-01",
            },
            fws,
        )
    message = err.value.message
    for expected in (
        "code: give the rule a code",
        "source: say which outcomes",
        "target.system",
        "target.credits: a positive number",
        "target.level: unknown framework in NOPE:1",
        "conditions.max_age_years",
        "conditions: unknown keys colour",
        "factor: a number",
        "valid_from: 2025-13-01 is not a date",
    ):
        assert expected in message


def test_a_rule_cannot_accept_every_outcome(fws: dict[str, Framework]) -> None:
    with pytest.raises(InvalidRule, match="cannot accept everything"):
        parse_rule(rule_doc(source={"outcome_types": ["formal"]}), fws)


def test_scaling_outcome_credits_needs_the_source_credit_system(fws: dict[str, Framework]) -> None:
    with pytest.raises(InvalidRule, match=r"source\.system"):
        parse_rule(rule_doc(target={"system": "HKQF-CREDIT"}), fws)


def test_an_exemption_grants_the_whole_unit(fws: dict[str, Framework]) -> None:
    with pytest.raises(InvalidRule, match="leave the factor at 1"):
        parse_rule(rule_doc(target={"exempt": "HK-WEB"}, factor=2), fws)
    rule = parse_rule(rule_doc(target={"exempt": "HK-WEB"}), fws)
    m = match(rule, holding(), region="GD", held_units=[], units=UNITS, on=ON)
    assert m is not None
    assert m.award is not None
    assert (m.award.exempts, m.award.credits, m.award.system) == ("HK-WEB", Decimal(15), "HKQF-CREDIT")


def test_an_outcome_the_rule_is_not_about_does_not_match(fws: dict[str, Framework]) -> None:
    rule = parse_rule(rule_doc(source={"min_level": "GDLEQF:5"}), fws)
    assert match(rule, holding(), region="GD", held_units=[], units=UNITS, on=ON) is None
    assert match(rule, holding(level_rank=5), region="GD", held_units=[], units=UNITS, on=ON) is not None


def test_each_condition_says_whether_it_held(fws: dict[str, Framework]) -> None:
    rule = parse_rule(
        rule_doc(
            conditions={"min_score": 90, "max_age_years": 1, "regions": ["HK"], "prerequisites": ["GD-DB"]}
        ),
        fws,
    )
    m = match(rule, holding(), region="GD", held_units=["GD-WEB"], units=UNITS, on=ON)
    assert m is not None
    assert not m.eligible
    failed = [c.render() for c in m.checks if not c.held]
    assert failed == [
        "score 85 is below the minimum of 90",
        "achieved on 2025-01-10, more than 1 years ago",
        "the learner's region GD is not covered (HK)",
        "the rule also needs GD-DB, which the learner does not hold",
    ]
    ok = match(
        rule,
        holding(result="95", achieved_on=date(2026, 1, 1)),
        region="HK",
        held_units=["GD-DB"],
        units=UNITS,
        on=ON,
    )
    assert ok is not None
    assert ok.eligible
    assert all(c.held for c in ok.checks)
    assert len(ok.checks) == 4


def test_a_grade_that_is_not_a_score_fails_a_minimum_score_but_can_meet_accepted_grades(
    fws: dict[str, Framework],
) -> None:
    by_score = parse_rule(rule_doc(conditions={"min_score": 60}), fws)
    m = match(by_score, holding(result="Merit"), region="GD", held_units=[], units=UNITS, on=ON)
    assert m is not None
    assert not m.eligible
    assert "is not a score" in m.checks[0].render()
    by_grade = parse_rule(rule_doc(conditions={"grades": ["Pass", "Merit"]}), fws)
    m = match(by_grade, holding(result=" merit "), region="GD", held_units=[], units=UNITS, on=ON)
    assert m is not None
    assert m.eligible


def test_a_rule_out_of_force_counts_nothing(fws: dict[str, Framework]) -> None:
    rule = parse_rule(rule_doc(valid_to="2025-12-31"), fws)
    m = match(rule, holding(), region="GD", held_units=[], units=UNITS, on=ON)
    assert m is not None
    assert not m.eligible
    assert m.checks[0].render() == "rule R1 v1 is not in force on 2026-06-01"


def test_an_exemption_from_a_unit_the_receiver_does_not_have_is_not_eligible(
    fws: dict[str, Framework],
) -> None:
    rule = parse_rule(rule_doc(target={"exempt": "HK-GONE"}), fws)
    m = match(rule, holding(), region="GD", held_units=[], units=UNITS, on=ON)
    assert m is not None
    assert not m.eligible


@given(
    credits=st.decimals(min_value=Decimal("0.01"), max_value=Decimal(500), places=2),
    factor=st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10), places=3),
)
def test_scaled_credit_never_exceeds_the_exact_product(credits: Decimal, factor: Decimal) -> None:
    from creditbank.core.rules import Conditions, Rule, Source, Target

    rule = Rule(
        "R",
        1,
        "x",
        "R",
        Source(units=("GD-WEB",), system="GD-CREDIT"),
        Conditions(),
        Target(TargetKind.BLOCK, system="HKQF-CREDIT"),
        factor,
    )
    m = match(rule, holding(credits=credits), region="GD", held_units=[], units=UNITS, on=ON)
    assert m is not None
    exact = credits * factor
    if m.award is not None:
        assert m.award.credits <= exact < m.award.credits + Decimal("0.01")
    else:
        assert exact < Decimal("0.01")


def test_years_before_handles_the_leap_day() -> None:
    assert years_before(date(2024, 2, 29), 1) == date(2023, 2, 28)
    assert years_before(date(2026, 6, 1), 5) == date(2021, 6, 1)
