"""Pathway audit: statuses a learner reads, suggestions for what is missing, transferred credit counted once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from creditbank.core.caps import NO_CAPS
from creditbank.core.pathways import Status, audit
from creditbank.core.requirements import Achievement, AllOf, CreditRequirement, UnitRequirement
from creditbank.core.rules import Conditions, Holding, Rule, Source, Target, TargetKind, UnitFacts
from creditbank.core.transfer import matches_for, propose

ON = date(2026, 6, 1)
HK = "HKQF-CREDIT"
TREE = AllOf((UnitRequirement("HK-OOP"), CreditRequirement(Decimal(27), HK, "HKQF", 3, "HKQF:3")))
CATALOGUE = [
    Achievement("HK-DB", "HK-DB", Decimal(12), HK, "HKQF", 3, "ict"),
    Achievement("HK-WEB", "HK-WEB", Decimal(15), HK, "HKQF", 4, "ict"),
    Achievement("HK-OOP", "HK-OOP", Decimal(15), HK, "HKQF", 4, "ict"),
    Achievement("HK-INTRO", "HK-INTRO", Decimal(6), HK, "HKQF", 2, "ict"),
]
RECEIVING = {"HK-WEB": UnitFacts("HK-WEB", Decimal(15), HK, "HKQF", 4, "ict")}


def gd(n: int, unit: str, credits: int) -> Holding:
    return Holding(
        f"o{n}",
        unit,
        "course",
        "formal",
        "gd-poly",
        "GDLEQF",
        "4",
        4,
        "ict",
        Decimal(credits),
        "GD-CREDIT",
        date(2025, 1, 1),
        "88",
    )


def hk(n: int, unit: str, credits: int) -> Holding:
    return Holding(
        f"h{n}",
        unit,
        "module",
        "formal",
        "hk-ips",
        "HKQF",
        "4",
        4,
        "ict",
        Decimal(credits),
        HK,
        date(2025, 9, 1),
        "pass",
    )


def test_nothing_held_is_missing_with_the_units_that_would_satisfy_it() -> None:
    result = audit(TREE, [], None, CATALOGUE)
    assert result.root.status is Status.MISSING
    unit, pool = result.root.children
    assert unit.suggestions == ("HK-OOP",)
    # Only units at HKQF 3 or above, biggest first; the level-2 unit is not suggested.
    assert pool.suggestions == ("HK-OOP", "HK-WEB", "HK-DB")


def test_own_outcomes_count_and_a_partial_pool_is_in_progress() -> None:
    result = audit(TREE, [hk(1, "HK-OOP", 15), hk(2, "HK-DB", 12)], None, CATALOGUE)
    unit, pool = result.root.children
    assert unit.status is Status.MET
    assert pool.status is Status.IN_PROGRESS
    assert (pool.credits_counted, pool.credits_needed) == (Decimal(12), Decimal(27))
    assert pool.suggestions == ("HK-WEB",)  # what is held is not suggested again
    assert result.root.status is Status.IN_PROGRESS


def test_transferred_credit_completes_the_qualification_and_is_counted_once() -> None:
    exempt = Rule(
        "GD-WEB",
        1,
        "hk-ips",
        "web",
        Source(units=("GD-WEB",)),
        Conditions(),
        Target(TargetKind.EXEMPTION, unit="HK-WEB"),
    )
    block = Rule(
        "GD-ICT",
        1,
        "hk-ips",
        "ict",
        Source(sector="ict", system="GD-CREDIT"),
        Conditions(),
        Target(TargetKind.BLOCK, system=HK, framework="HKQF", level_rank=3, level="HKQF:3"),
        factor=Decimal(2),
    )
    own = [hk(1, "HK-OOP", 15), gd(2, "GD-WEB", 4), gd(3, "GD-DB", 8)]
    matches = matches_for([exempt, block], own, region="GD", units=RECEIVING, on=ON)
    proposal = propose(matches, NO_CAPS, qualification_credits=Decimal(42), on=ON)
    details = {"HK-WEB": CATALOGUE[1]}
    result = audit(TREE, own, proposal, CATALOGUE, exempt_details=details)
    assert result.met
    assert result.transferred == {"T:o2", "T:o3"}
    # 15 own + 15 exempted (GD-WEB as HK-WEB) + 16 block (GD-DB at factor 2); GD outcomes are not also counted natively.
    assert result.credits_counted == Decimal(46)
    assert not {"o2", "o3"} & {a.id for a in result.achievements}
