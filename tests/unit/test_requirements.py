"""Requirement trees: parsing with every problem named, and evaluation that never counts an outcome twice."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creditbank.core.frameworks import Framework, parse_framework
from creditbank.core.requirements import (
    Achievement,
    AllOf,
    AnyOf,
    CreditRequirement,
    InvalidRequirements,
    Requirement,
    Result,
    UnitRequirement,
    evaluate,
    parse_requirements,
    unit_codes,
)

SYSTEM = "HKQF-CREDIT"


def tiny_framework() -> dict[str, Framework]:
    levels = [
        {
            "key": str(n),
            "number": n,
            "rank": n,
            "label": {"en": f"L{n}", "zh_hans": f"{n}级", "zh_hant": f"{n}級"},
        }
        for n in range(1, 5)
    ]
    doc = {
        "code": "FQ",
        "edition": "1",
        "name": {"en": "F", "zh_hans": "F", "zh_hant": "F"},
        "jurisdiction": {"en": "J", "zh_hans": "J", "zh_hant": "J"},
        "kind": "national",
        "status": "in_force",
        "order": "ascending",
        "confidence": "high",
        "levels": levels,
    }
    return {"FQ": parse_framework(doc)}


FRAMEWORKS = tiny_framework()


def ach(
    i: int,
    unit: str | None,
    credits: int,
    rank: int | None = None,
    system: str = SYSTEM,
    sector: str | None = None,
) -> Achievement:
    return Achievement(f"a{i}", unit, Decimal(credits), system, "FQ" if rank else None, rank, sector)


# ---------- parsing ----------


def test_a_realistic_diploma_tree_parses() -> None:
    tree = parse_requirements(
        {
            "all_of": [
                {"unit": "ENG101"},
                {"any_of": [{"unit": "MATH1"}, {"unit": "STAT1"}], "n": 1},
                {"credits": 30, "system": "hkqf-credit", "min_level": "FQ:3", "from": ["CS201", "CS202"]},
                {"credits": 60, "system": SYSTEM, "sector": "ict"},
            ]
        },
        FRAMEWORKS,
    )
    assert isinstance(tree, AllOf)
    pool = tree.children[2]
    assert isinstance(pool, CreditRequirement)
    assert (pool.system, pool.min_rank, pool.units) == (SYSTEM, 3, ("CS201", "CS202"))
    assert unit_codes(tree) == {"ENG101", "MATH1", "STAT1", "CS201", "CS202"}


def test_every_problem_is_named_with_its_path() -> None:
    with pytest.raises(InvalidRequirements) as caught:
        parse_requirements(
            {
                "all_of": [
                    {"credits": -3, "system": SYSTEM},
                    {"any_of": [{"unit": "A"}], "n": 2},
                    {"credits": 5, "system": SYSTEM, "min_level": "FQ:9"},
                    {"unit": "A", "credits": 5},
                ]
            },
            FRAMEWORKS,
        )
    message = caught.value.message
    for path in ("all_of[0].credits", "all_of[1].n", "all_of[2].min_level", "all_of[3]"):
        assert path in message


@pytest.mark.parametrize(
    "doc",
    [
        None,
        [],
        {"all_of": []},
        {"credits": 5},
        {"credits": 5, "system": SYSTEM, "min_level": "XX:1"},
        {"unit": " "},
    ],
)
def test_malformed_trees_are_refused(doc: Any) -> None:
    with pytest.raises(InvalidRequirements):
        parse_requirements(doc, FRAMEWORKS)


def test_trees_nested_too_deep_are_refused() -> None:
    doc: dict[str, Any] = {"unit": "A"}
    for _ in range(8):
        doc = {"all_of": [doc]}
    with pytest.raises(InvalidRequirements, match="deeper"):
        parse_requirements(doc, FRAMEWORKS)


# ---------- evaluation: examples ----------


def test_a_named_unit_is_not_swallowed_by_a_credit_pool() -> None:
    tree = parse_requirements(
        {"all_of": [{"credits": 6, "system": SYSTEM}, {"any_of": [{"unit": "X"}, {"unit": "Y"}]}]}, FRAMEWORKS
    )
    result = evaluate(tree, [ach(1, "Y", 3), ach(2, "Z", 4), ach(3, "W", 2)])
    assert result.met
    assert sorted(result.used) == ["a1", "a2", "a3"]


def test_credits_in_another_system_or_below_the_level_do_not_count() -> None:
    tree = parse_requirements({"credits": 10, "system": SYSTEM, "min_level": "FQ:3"}, FRAMEWORKS)
    result = evaluate(
        tree, [ach(1, "A", 6, rank=3), ach(2, "B", 6, rank=2), ach(3, "C", 6, rank=4, system="ECTS")]
    )
    assert not result.met
    assert result.credits_counted == Decimal(6)
    assert result.credits_missing == Decimal(4)


def test_an_unmet_pool_leaves_its_outcomes_for_other_requirements() -> None:
    tree = parse_requirements({"any_of": [{"credits": 50, "system": SYSTEM}, {"unit": "A"}]}, FRAMEWORKS)
    result = evaluate(tree, [ach(1, "A", 5)])
    assert result.met
    assert result.used == ("a1",)


def test_any_of_counts_only_the_children_it_needs() -> None:
    tree = parse_requirements({"any_of": [{"unit": "A"}, {"unit": "B"}], "n": 1}, FRAMEWORKS)
    result = evaluate(tree, [ach(1, "A", 5), ach(2, "B", 5)])
    assert result.met
    assert len(result.used) == 1


# ---------- evaluation: properties against brute force ----------

UNITS = ("U1", "U2", "U3")


def leaves() -> st.SearchStrategy[Requirement]:
    unit = st.sampled_from(UNITS).map(UnitRequirement)
    pool = st.builds(
        lambda k, rank, frm: CreditRequirement(Decimal(k), SYSTEM, "FQ" if rank else None, rank, None, frm),
        st.integers(1, 9),
        st.one_of(st.none(), st.integers(1, 4)),
        st.sampled_from([(), ("U1", "U2"), ("U3",)]),
    )
    return st.one_of(unit, pool)


trees = st.recursive(
    leaves(),
    lambda kids: st.one_of(
        st.lists(kids, min_size=1, max_size=3).map(lambda c: AllOf(tuple(c))),
        st.lists(kids, min_size=1, max_size=3).flatmap(
            lambda c: st.integers(1, len(c)).map(lambda n: AnyOf(tuple(c), n))
        ),
    ),
    max_leaves=4,
)
achievement_lists = st.lists(
    st.builds(
        lambda unit, credits, rank, system: (unit, credits, rank, system),
        st.one_of(st.none(), st.sampled_from(UNITS)),
        st.integers(1, 6),
        st.one_of(st.none(), st.integers(1, 4)),
        st.sampled_from([SYSTEM, SYSTEM, "ECTS"]),
    ),
    max_size=5,
).map(lambda xs: [ach(i, u, c, r, s) for i, (u, c, r, s) in enumerate(xs)])


def leaf_list(node: Requirement) -> list[Requirement]:
    if isinstance(node, UnitRequirement | CreditRequirement):
        return [node]
    return [leaf for child in node.children for leaf in leaf_list(child)]


def satisfied(node: Requirement, given: dict[int, list[Achievement]], ids: dict[int, int]) -> bool:
    """Is ``node`` met when each leaf gets the achievements assigned to it (brute-force reference)."""
    if isinstance(node, UnitRequirement | CreditRequirement):
        mine = given.get(ids[id(node)], [])
        if isinstance(node, UnitRequirement):
            return any(a.unit == node.unit for a in mine)
        return (
            all(node.accepts(a) for a in mine) and sum((a.credits for a in mine), Decimal(0)) >= node.credits
        )
    met = [satisfied(c, given, ids) for c in node.children]
    return all(met) if isinstance(node, AllOf) else sum(met) >= node.n


def exists_allocation(tree: Requirement, achievements: list[Achievement]) -> bool:
    leaf_nodes = leaf_list(tree)
    ids = {id(leaf): i for i, leaf in enumerate(leaf_nodes)}
    for choice in itertools.product(range(-1, len(leaf_nodes)), repeat=len(achievements)):
        given: dict[int, list[Achievement]] = {}
        for a, leaf in zip(achievements, choice, strict=True):
            if leaf >= 0:
                given.setdefault(leaf, []).append(a)
        if satisfied(tree, given, ids):
            return True
    return False


def check_counted(result: Result, by_id: dict[str, Achievement]) -> None:
    """Each met, counted requirement is met by exactly the outcomes it claims."""
    node = result.requirement
    if not result.met:
        return
    if isinstance(node, UnitRequirement):
        assert [by_id[i].unit for i in result.used] == [node.unit]
    elif isinstance(node, CreditRequirement):
        assert all(node.accepts(by_id[i]) for i in result.used)
        assert sum((by_id[i].credits for i in result.used), Decimal(0)) >= node.credits
    else:
        counted = [c for c in result.children if c.counted]
        assert (
            all(c.met for c in result.children)
            if isinstance(node, AllOf)
            else sum(c.met for c in counted) >= node.n
        )
        for child in counted:
            check_counted(child, by_id)


@settings(max_examples=150, deadline=None)
@given(trees, achievement_lists)
def test_a_met_tree_never_counts_an_outcome_twice_and_its_allocation_is_valid(
    tree: Requirement, achievements: list[Achievement]
) -> None:
    result = evaluate(tree, achievements)
    assert len(result.used) == len(set(result.used))
    if result.met:
        check_counted(result, {a.id: a for a in achievements})


@settings(max_examples=150, deadline=None)
@given(trees, achievement_lists)
def test_met_only_when_some_allocation_exists(tree: Requirement, achievements: list[Achievement]) -> None:
    if evaluate(tree, achievements).met:
        assert exists_allocation(tree, achievements)
