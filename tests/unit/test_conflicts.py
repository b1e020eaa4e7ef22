"""Rule relations: overlapping sources with different targets or credit conflict; the rest is told apart."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from creditbank.core.conflicts import Relation, UnitProfile, conflicts, relation, sources_overlap
from creditbank.core.rules import Conditions, Rule, Source, Target, TargetKind

BASE = Rule(
    "A",
    1,
    "hk-ips",
    "web course",
    Source(units=("GD-WEB",)),
    Conditions(),
    Target(TargetKind.BLOCK, system="HKQF-CREDIT", credits=Decimal(6), level="HKQF:3"),
    valid_from=date(2024, 1, 1),
)


def test_identical_compatible_and_conflicting_rules_are_told_apart() -> None:
    assert relation(BASE, replace(BASE, code="B")) is Relation.IDENTICAL
    stricter = replace(BASE, code="B", conditions=Conditions(min_score=Decimal(70)))
    assert relation(BASE, stricter) is Relation.COMPATIBLE
    more = replace(BASE, code="B", factor=Decimal("1.5"))
    assert relation(BASE, more) is Relation.CONFLICTING
    exempt = replace(BASE, code="B", target=Target(TargetKind.EXEMPTION, unit="HK-WEB"))
    found = conflicts([BASE, exempt])
    assert len(found) == 1
    assert found[0].reason.render() == (
        "A v1 and B v1 accept the same learning, but one gives 6 HKQF-CREDIT at HKQF:3 and the other exemption from HK-WEB"
    )


def test_rules_about_different_learning_times_or_receivers_do_not_conflict() -> None:
    other_unit = replace(BASE, code="B", source=Source(units=("GD-DB",)), factor=Decimal(2))
    later = replace(BASE, code="B", factor=Decimal(2), valid_from=date(2026, 1, 1))
    ended = replace(BASE, valid_to=date(2025, 12, 31))
    other_receiver = replace(BASE, code="B", owner="mo-cpu", factor=Decimal(2))
    other_qualification = replace(BASE, code="B", qualification="Q2", factor=Decimal(2))
    assert relation(BASE, other_unit) is Relation.UNRELATED
    assert relation(ended, later) is Relation.UNRELATED
    assert relation(BASE, later) is Relation.CONFLICTING  # BASE has no end date
    assert relation(BASE, other_receiver) is Relation.UNRELATED
    assert relation(replace(BASE, qualification="Q1"), other_qualification) is Relation.UNRELATED
    assert relation(BASE, other_qualification) is Relation.CONFLICTING  # BASE applies to every qualification


def test_an_agreement_rule_is_checked_against_institution_rules() -> None:
    agreement_rule = replace(
        BASE, code="GBA-1", source=Source(kinds=("course",), sector="ict"), factor=Decimal(2)
    )
    assert [(c.a.code, c.b.code) for c in conflicts([agreement_rule], against=[BASE])] == [("GBA-1", "A")]


filters = st.lists(st.sampled_from(["a", "b", "c"]), max_size=2, unique=True).map(tuple)


@given(filters, filters, filters, filters)
def test_overlap_is_symmetric(
    u1: tuple[str, ...], u2: tuple[str, ...], k1: tuple[str, ...], k2: tuple[str, ...]
) -> None:
    s1, s2 = Source(units=u1, kinds=k1), Source(units=u2, kinds=k2)
    assert sources_overlap(s1, s2) == sources_overlap(s2, s1)
    a, b = replace(BASE, source=s1), replace(BASE, code="B", source=s2)
    assert relation(a, b) == relation(b, a)


def test_a_named_unit_outside_the_other_rules_filters_does_not_overlap() -> None:
    english = replace(BASE, code="ENG", source=Source(units=("GD-ENG",)))
    ict_courses = replace(BASE, code="ICT", source=Source(kinds=("course",), sector="ict"), factor=Decimal(2))
    register = {"GD-ENG": UnitProfile("GD-ENG", "course", "sz-poly", "languages", "GD-CREDIT", "GDLEQF", 4)}
    assert relation(english, ict_courses) is Relation.CONFLICTING  # without the register: may overlap
    assert relation(english, ict_courses, register) is Relation.UNRELATED
    ict_unit = {"GD-ENG": replace(register["GD-ENG"], sector="ict")}
    assert relation(english, ict_courses, ict_unit) is Relation.CONFLICTING
