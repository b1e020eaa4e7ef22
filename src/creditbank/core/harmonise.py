"""Harmonising regional recognition standards (统一区域学习成果认定标准).

Regions (Guangdong, Hong Kong, Macao…) each publish a standard: a list of recognition rules saying
what a kind of learning is worth. To build one standard from several, rules are *aligned*: rules of
any region that could apply to the same learning form one item (``core.conflicts`` decides overlap),
and each item is classified:

* identical: every region says exactly the same thing (retain it once);
* compatible: same target and credit, different conditions (retain one region's version, or adjust);
* conflicting: the same learning is worth different things (retain one version, adjust, or remove);
* unique: only one region has it (supplement the unified standard with it, or remove it).

These are the options the seed names: retain what is valuable, remove what is not, supplement what is
missing, adjust what conflicts. An operator chooses for each item, with a reason; ``unify`` builds the
unified standard and a readable diff against each region's original. Items without a choice and
without a safe default (conflicts) are returned as unresolved: nothing is decided silently.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from creditbank.core.conflicts import Relation, UnitProfile, relation
from creditbank.core.errors import DomainError, InvalidInput, gettext_noop
from creditbank.core.frameworks import Framework
from creditbank.core.rules import Rule, parse_rule, rule_document

MAX_RULES = 5000


class InvalidStandard(InvalidInput):
    code = "invalid_standard"
    template = gettext_noop("The recognition standard is not valid: %(problems)s")


class InvalidChoice(InvalidInput):
    code = "invalid_choice"
    template = gettext_noop("The harmonisation choices are not valid: %(problems)s")


class Kind(enum.StrEnum):
    IDENTICAL = "identical"
    COMPATIBLE = "compatible"
    CONFLICTING = "conflicting"
    UNIQUE = "unique"


@dataclass(frozen=True, slots=True)
class Standard:
    region: str
    code: str
    version: str
    title: str
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class Member:
    region: str
    rule: Rule

    @property
    def key(self) -> str:
        return f"{self.region}:{self.rule.code}"


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    kind: Kind
    members: tuple[Member, ...]
    options: tuple[str, ...]  # retain:REGION:CODE, supplement, adjust, remove
    default: str | None  # None: an operator must choose


@dataclass(frozen=True, slots=True)
class Choice:
    option: str
    reason: str = ""
    rule: Rule | None = None  # the adjusted rule, for "adjust"


@dataclass(frozen=True)
class Unified:
    rules: tuple[Rule, ...]
    decisions: tuple[dict[str, Any], ...]
    diffs: dict[str, dict[str, list[Any]]]  # region -> kept, changed, removed, added
    unresolved: tuple[str, ...] = field(default=())


def parse_standard(doc: Any, frameworks: Mapping[str, Framework]) -> Standard:
    """A region's standard: region, code, version, title and rules (each a rule document)."""
    if not isinstance(doc, Mapping):
        raise InvalidStandard(problems="the standard must be a mapping with region, code, version and rules")
    problems: list[str] = []
    region = str(doc.get("region") or "").strip().upper()
    code = str(doc.get("code") or "").strip().upper()
    for key, value in (("region", region), ("code", code)):
        if not value:
            problems.append(f"{key}: required")
    raw = doc.get("rules")
    if not isinstance(raw, list) or not raw or len(raw) > MAX_RULES:
        problems.append(f"rules: a list of 1 to {MAX_RULES} rules")
        raw = []
    rules = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        try:
            rule = parse_rule(item, frameworks, owner="")
        except DomainError as exc:
            problems.append(f"rules[{i}]: {exc.message}")
            continue
        if rule.code in seen:
            problems.append(f"rules[{i}].code: {rule.code} appears twice")
        seen.add(rule.code)
        rules.append(rule)
    if problems:
        raise InvalidStandard(problems="; ".join(problems))
    return Standard(region, code, str(doc.get("version") or "1"), str(doc.get("title") or code), tuple(rules))


def _comparable(rule: Rule) -> Rule:
    """Regions' rules are compared as statements about learning, whoever owns them."""
    return replace(rule, owner="", qualification=None)


def align(standards: Sequence[Standard], units: Mapping[str, UnitProfile] | None = None) -> list[Item]:
    """Group rules that apply to the same learning across regions, and classify each group."""
    members = [Member(s.region, r) for s in standards for r in s.rules]
    regions = [s.region for s in standards]
    if len(set(regions)) != len(regions):
        raise InvalidStandard(problems=f"each region once; given {', '.join(regions)}")
    parent = list(range(len(members)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    comparable = [_comparable(m.rule) for m in members]
    relations: dict[tuple[int, int], Relation] = {}
    for i in range(len(members)):
        for j in range(i + 1, len(members)):
            rel = relation(comparable[i], comparable[j], units)
            if rel is not Relation.UNRELATED:
                relations[i, j] = rel
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(members)):
        groups.setdefault(root(i), []).append(i)
    items = []
    for indices in sorted(groups.values(), key=lambda g: (members[g[0]].region, members[g[0]].rule.code)):
        group = tuple(members[i] for i in indices)
        rels = [relations.get((a, b)) for k, a in enumerate(indices) for b in indices[k + 1 :]]
        items.append(_item(group, rels))
    return items


def _item(group: tuple[Member, ...], rels: list[Relation | None]) -> Item:
    item_id = "+".join(m.key for m in group)
    retain = tuple(f"retain:{m.key}" for m in group)
    if len(group) == 1:
        return Item(item_id, Kind.UNIQUE, group, ("supplement", "remove"), "supplement")
    if Relation.CONFLICTING in rels:
        return Item(item_id, Kind.CONFLICTING, group, (*retain, "adjust", "remove"), None)
    if all(r is Relation.IDENTICAL for r in rels):
        return Item(item_id, Kind.IDENTICAL, group, (retain[0], "remove"), retain[0])
    # Compatible (or related only through a third rule): the first region's version is proposed.
    return Item(item_id, Kind.COMPATIBLE, group, (*retain, "adjust", "remove"), retain[0])


def unify(
    standards: Sequence[Standard],
    items: Sequence[Item],
    choices: Mapping[str, Choice],
) -> Unified:
    """Apply the operator's choices (or each item's default) and diff the result against each region."""
    unknown = sorted(set(choices) - {i.id for i in items})
    bad = [
        f"{i.id}: {choices[i.id].option} is not one of {', '.join(i.options)}"
        for i in items
        if i.id in choices and choices[i.id].option not in i.options
    ]
    missing_rule = [
        i.id for i in items if i.id in choices and choices[i.id].option == "adjust" and not choices[i.id].rule
    ]
    problems = (
        [f"no such item: {u}" for u in unknown]
        + bad
        + [f"{m}: adjust needs the adjusted rule" for m in missing_rule]
    )
    if problems:
        raise InvalidChoice(problems="; ".join(problems))
    result: list[Rule] = []
    decisions: list[dict[str, Any]] = []
    unresolved: list[str] = []
    outcome: dict[str, Rule | None] = {}  # member key -> the rule that now stands for it (None: removed)
    for item in items:
        choice = choices.get(item.id)
        option = choice.option if choice else item.default
        if option is None:
            unresolved.append(item.id)
            continue
        chosen: Rule | None
        if option == "remove":
            chosen = None
        elif option == "adjust":
            assert choice is not None
            assert choice.rule is not None
            chosen = choice.rule
        elif option == "supplement":
            chosen = item.members[0].rule
        else:
            key = option.removeprefix("retain:")
            chosen = next(m.rule for m in item.members if m.key == key)
        if chosen is not None:
            result.append(chosen)
        for m in item.members:
            outcome[m.key] = chosen
        decisions.append(
            {
                "item": item.id,
                "kind": item.kind.value,
                "option": option,
                "reason": choice.reason if choice else "default",
                "rule": chosen.code if chosen else None,
            }
        )
    diffs = {s.region: _diff(s, outcome, result) for s in standards}
    return Unified(tuple(result), tuple(decisions), diffs, tuple(unresolved))


def _flat(doc: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if isinstance(value, Mapping):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _diff(
    standard: Standard, outcome: Mapping[str, Rule | None], result: Sequence[Rule]
) -> dict[str, list[Any]]:
    kept, changed, removed = [], [], []
    for rule in standard.rules:
        key = f"{standard.region}:{rule.code}"
        if key not in outcome:
            continue  # unresolved: neither kept nor changed yet
        now = outcome[key]
        if now is None:
            removed.append(rule.code)
        elif now is rule:
            kept.append(rule.code)
        else:
            old, new = _flat(rule_document(rule)), _flat(rule_document(now))
            fields = {
                k: [old.get(k), new.get(k)] for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)
            }
            changed.append({"rule": rule.code, "now": now.code, "fields": fields})
    standing = {id(r) for r in standard.rules}
    replaced = {
        id(outcome[f"{standard.region}:{r.code}"])
        for r in standard.rules
        if outcome.get(f"{standard.region}:{r.code}")
    }
    added = [r.code for r in result if id(r) not in standing and id(r) not in replaced]
    return {"kept": kept, "changed": changed, "removed": removed, "added": added}


def unified_document(
    unified: Unified, standards: Sequence[Standard], *, code: str, version: str, title: str
) -> dict[str, Any]:
    """The unified standard as a document: its rules, where it came from, every decision and diff."""
    return {
        "code": code,
        "version": version,
        "title": title,
        "derived_from": [{"region": s.region, "code": s.code, "version": s.version} for s in standards],
        "rules": [rule_document(r) for r in unified.rules],
        "decisions": list(unified.decisions),
        "diffs": unified.diffs,
        "unresolved": list(unified.unresolved),
    }


def parse_choices(doc: Any, frameworks: Mapping[str, Framework]) -> dict[str, Choice]:
    """Choices as written by an operator: ``{ITEM: {option, reason, rule}}`` (rule only to adjust)."""
    if doc in (None, ""):
        return {}
    if not isinstance(doc, Mapping):
        raise InvalidChoice(problems="a mapping from item to {option, reason}")
    choices, problems = {}, []
    for item, raw in doc.items():
        if not isinstance(raw, Mapping) or not str(raw.get("option") or "").strip():
            problems.append(f"{item}: give an option")
            continue
        if not str(raw.get("reason") or "").strip():
            problems.append(f"{item}: give the reason for the choice")
            continue
        rule = None
        if raw.get("rule") is not None:
            try:
                rule = parse_rule(raw["rule"], frameworks, owner="")
            except DomainError as exc:
                problems.append(f"{item}.rule: {exc.message}")
                continue
        choices[str(item)] = Choice(str(raw["option"]).strip(), str(raw["reason"]).strip(), rule)
    if problems:
        raise InvalidChoice(problems="; ".join(problems))
    return choices
