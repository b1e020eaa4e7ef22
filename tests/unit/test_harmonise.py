"""Harmonising regional standards: alignment and classification, choices applied, diffs per region."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import creditbank
from creditbank.core.frameworks import Framework
from creditbank.core.harmonise import (
    Choice,
    InvalidChoice,
    InvalidStandard,
    Kind,
    align,
    parse_choices,
    parse_standard,
    unify,
)

DEMO = Path(creditbank.__file__).parent / "data" / "demo" / "standards"


def load(name: str, fws: dict[str, Framework]) -> Any:
    return parse_standard(yaml.safe_load((DEMO / f"{name}.yaml").read_text(encoding="utf-8")), fws)


def rule(code: str, unit: str, credits: int, **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "source": {"units": [unit]},
        "target": {"credits": credits, "system": "HKQF-CREDIT"},
        "valid_from": "2024-01-01",
        **extra,
    }


def test_the_demo_standards_are_classified_as_the_seed_describes(
    shipped_frameworks: dict[str, Framework],
) -> None:
    standards = [load(r, shipped_frameworks) for r in ("GD", "HK", "MO")]
    kinds = {i.id: (i.kind, i.default) for i in align(standards)}
    assert kinds == {
        "GD:GD-1X-WEB-M+HK:HK-1X-WEB-M": (Kind.CONFLICTING, None),
        "GD:GD-ELEC-4": (Kind.UNIQUE, "supplement"),
        "HK:HK-ENGLISH+MO:MO-ENGLISH": (Kind.COMPATIBLE, "retain:HK:HK-ENGLISH"),
        "MO:MO-DATA-4": (Kind.UNIQUE, "supplement"),
    }


def test_a_conflict_is_never_resolved_silently_and_the_operators_choice_is_applied(
    shipped_frameworks: dict[str, Framework],
) -> None:
    standards = [load(r, shipped_frameworks) for r in ("GD", "HK", "MO")]
    items = align(standards)
    pending = unify(standards, items, {})
    assert pending.unresolved == ("GD:GD-1X-WEB-M+HK:HK-1X-WEB-M",)
    assert "GD-1X-WEB-M" not in pending.diffs["GD"]["kept"]
    choices = parse_choices(
        yaml.safe_load((DEMO / "choices.yaml").read_text(encoding="utf-8")), shipped_frameworks
    )
    done = unify(standards, items, choices)
    assert done.unresolved == ()
    assert [r.code for r in done.rules] == ["GBA-1X-WEB-M", "GD-ELEC-4", "HK-ENGLISH", "MO-DATA-4"]
    gd = done.diffs["GD"]
    assert gd["changed"][0]["fields"]["target.credits"] == ["6", "5"]
    assert gd["added"] == ["HK-ENGLISH", "MO-DATA-4"]
    assert done.diffs["MO"]["changed"][0]["now"] == "HK-ENGLISH"
    assert next(d for d in done.decisions if d["kind"] == "compatible")["reason"].startswith(
        "Credit for language"
    )


def test_identical_rules_are_retained_once_and_a_unique_rule_can_be_removed(
    shipped_frameworks: dict[str, Framework],
) -> None:
    a = parse_standard(
        {"region": "GD", "code": "A", "rules": [rule("A1", "U1", 3), rule("A2", "U2", 2)]}, shipped_frameworks
    )
    b = parse_standard({"region": "HK", "code": "B", "rules": [rule("B1", "U1", 3)]}, shipped_frameworks)
    items = align([a, b])
    assert [i.kind for i in items] == [Kind.IDENTICAL, Kind.UNIQUE]
    result = unify([a, b], items, {"GD:A2": Choice("remove", "no longer taught")})
    assert [r.code for r in result.rules] == ["A1"]
    assert result.diffs["GD"] == {"kept": ["A1"], "changed": [], "removed": ["A2"], "added": []}
    assert result.diffs["HK"]["changed"][0]["fields"] == {"code": ["B1", "A1"], "title": ["B1", "A1"]}


def test_bad_standards_and_choices_are_reported_with_their_paths(
    shipped_frameworks: dict[str, Framework],
) -> None:
    with pytest.raises(InvalidStandard) as err:
        parse_standard(
            {"region": "", "rules": [rule("A1", "U1", 3), rule("A1", "U2", 2), {"code": "X"}]},
            shipped_frameworks,
        )
    for expected in (
        "region: required",
        "code: required",
        "rules[1].code: A1 appears twice",
        "rules[2]: The recognition rule",
    ):
        assert expected in err.value.message
    a = parse_standard({"region": "GD", "code": "A", "rules": [rule("A1", "U1", 3)]}, shipped_frameworks)
    b = parse_standard({"region": "HK", "code": "B", "rules": [rule("B1", "U1", 4)]}, shipped_frameworks)
    items = align([a, b])
    with pytest.raises(InvalidChoice) as bad:
        unify(
            [a, b],
            items,
            {"nope": Choice("remove"), items[0].id: Choice("supplement"), "x": Choice("adjust")},
        )
    assert "no such item: nope" in bad.value.message
    assert "supplement is not one of retain:GD:A1, retain:HK:B1, adjust, remove" in bad.value.message
    with pytest.raises(InvalidChoice, match="give the reason"):
        parse_choices({items[0].id: {"option": "remove"}}, shipped_frameworks)
    with pytest.raises(InvalidStandard, match="each region once"):
        align([a, a])


regions = st.lists(
    st.lists(st.tuples(st.integers(0, 4), st.integers(1, 3)), min_size=1, max_size=4), min_size=2, max_size=3
)


@settings(max_examples=60, deadline=None)
@given(regions, st.data())
def test_every_original_rule_is_kept_changed_removed_or_unresolved_exactly_once(
    shipped_frameworks: dict[str, Framework], spec: list[list[tuple[int, int]]], data: st.DataObject
) -> None:
    standards = [
        parse_standard(
            {
                "region": f"R{n}",
                "code": f"S{n}",
                "rules": [rule(f"R{n}-{k}", f"U{u}", c) for k, (u, c) in enumerate(rules)],
            },
            shipped_frameworks,
        )
        for n, rules in enumerate(spec)
    ]
    items = align(standards)
    choices = {
        i.id: Choice(data.draw(st.sampled_from([o for o in i.options if o != "adjust"])), "r")
        for i in items
        if data.draw(st.booleans())
    }
    result = unify(standards, items, choices)
    unresolved = {m.key for i in items if i.id in result.unresolved for m in i.members}
    for s in standards:
        d = result.diffs[s.region]
        accounted = d["kept"] + [c["rule"] for c in d["changed"]] + d["removed"]
        assert sorted(
            accounted + [k.split(":")[1] for k in unresolved if k.startswith(f"{s.region}:")]
        ) == sorted(r.code for r in s.rules)
    assert len({id(r) for r in result.rules}) == len(result.rules)  # one rule stands for each item at most
