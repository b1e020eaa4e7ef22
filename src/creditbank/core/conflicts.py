"""How two recognition rules relate: identical, compatible, conflicting, or about different learning.

Two rules *overlap* when some outcome could match both sources during a period both are valid, for
the same receiving qualification. Overlapping rules that give that outcome a different target (another
unit exempted, an exemption against a credit block, another credit system or level) or a different
amount of credit *conflict*: the same learning would be worth two things. Overlapping rules with the
same target and credit but other conditions are *compatible*; with everything equal, *identical*.
Agreements are checked with this before signing, and regional standards are harmonised with it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from creditbank.core.errors import gettext_noop
from creditbank.core.reasons import Reason, number, reason
from creditbank.core.rules import Rule, Source, TargetKind


class Relation(enum.StrEnum):
    IDENTICAL = "identical"
    COMPATIBLE = "compatible"
    CONFLICTING = "conflicting"
    UNRELATED = "unrelated"


def _meet(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Two filters admit a common value: either is open, or they share one."""
    return not a or not b or bool(set(a) & set(b))


@dataclass(frozen=True, slots=True)
class UnitProfile:
    """What the register says of a named unit, to tell whether another rule's filters admit it."""

    code: str
    kind: str
    institution: str
    sector: str
    system: str
    framework: str
    level_rank: int


def _admits(source: Source, u: UnitProfile) -> bool:
    return (
        (not source.units or u.code in source.units)
        and (not source.kinds or u.kind in source.kinds)
        and (not source.institutions or u.institution in source.institutions)
        and (source.sector is None or u.sector == source.sector)
        and (source.system is None or u.system == source.system)
        and (source.min_rank is None or (u.framework == source.framework and u.level_rank >= source.min_rank))
    )


def sources_overlap(a: Source, b: Source, units: Mapping[str, UnitProfile] | None = None) -> bool:
    """Could one outcome match both sources? Named units are looked up in ``units`` (the register)
    when given, so that "SZP-GE-101" and "any ICT course" are seen not to meet."""
    if not _filters_meet(a, b):
        return False
    named = set(a.units) & set(b.units) if a.units and b.units else set(a.units or b.units)
    if named and units and named <= set(units):
        return any(_admits(a, units[c]) and _admits(b, units[c]) for c in named)
    return True


def _filters_meet(a: Source, b: Source) -> bool:
    if not (
        _meet(a.units, b.units)
        and _meet(a.kinds, b.kinds)
        and _meet(a.outcome_types, b.outcome_types)
        and _meet(a.institutions, b.institutions)
    ):
        return False
    if a.sector and b.sector and a.sector != b.sector:
        return False
    if a.system and b.system and a.system != b.system:
        return False
    # Minimum levels in two different frameworks can only both hold if no level is named at all.
    return not (a.framework and b.framework and a.framework != b.framework)


def periods_overlap(a: Rule, b: Rule) -> bool:
    a_end = a.valid_to or date.max
    b_end = b.valid_to or date.max
    return a.valid_from <= b_end and b.valid_from <= a_end


def _receiving_overlap(a: Rule, b: Rule) -> bool:
    """Both rules can apply to the same receiving qualification."""
    if a.owner and b.owner and a.owner != b.owner:
        return False
    return a.qualification is None or b.qualification is None or a.qualification == b.qualification


def target_key(rule: Rule) -> tuple[str, ...]:
    t = rule.target
    if t.kind is TargetKind.EXEMPTION:
        return ("exempt", t.unit or "")
    return ("block", t.system, t.level or "", t.sector or "")


def credit_value(rule: Rule) -> tuple[str, Decimal]:
    """What a rule gives: a fixed amount (credits × factor) or a scale on the outcome's own credits."""
    t = rule.target
    if t.kind is TargetKind.EXEMPTION:
        return ("unit", Decimal(1))
    if t.credits is not None:
        return ("fixed", (t.credits * rule.factor).normalize())
    return ("scale", rule.factor.normalize())


def relation(a: Rule, b: Rule, units: Mapping[str, UnitProfile] | None = None) -> Relation:
    if not (
        _receiving_overlap(a, b) and periods_overlap(a, b) and sources_overlap(a.source, b.source, units)
    ):
        return Relation.UNRELATED
    if target_key(a) != target_key(b) or credit_value(a) != credit_value(b):
        return Relation.CONFLICTING
    if a.source == b.source and a.conditions == b.conditions:
        return Relation.IDENTICAL
    return Relation.COMPATIBLE


def _gives(rule: Rule) -> str:
    t = rule.target
    kind, value = credit_value(rule)
    if t.kind is TargetKind.EXEMPTION:
        return f"exemption from {t.unit}"
    if kind == "fixed":
        return f"{number(value)} {t.system}" + (f" at {t.level}" if t.level else "")
    return f"{number(value)} × own credits as {t.system}" + (f" at {t.level}" if t.level else "")


def explain(a: Rule, b: Rule) -> Reason:
    return reason(
        gettext_noop(
            "%(a)s and %(b)s accept the same learning, but one gives %(first)s and the other %(second)s"
        ),
        False,
        a=a.ref,
        b=b.ref,
        first=_gives(a),
        second=_gives(b),
    )


@dataclass(frozen=True, slots=True)
class RuleConflict:
    a: Rule
    b: Rule
    reason: Reason


def conflicts(
    rules: Sequence[Rule], against: Sequence[Rule] = (), units: Mapping[str, UnitProfile] | None = None
) -> list[RuleConflict]:
    """Every conflicting pair among ``rules``, and between ``rules`` and ``against`` (for example an
    agreement's rules against the members' own rules)."""
    found = []
    for i, a in enumerate(rules):
        for b in [*rules[i + 1 :], *against]:
            if a is not b and relation(a, b, units) is Relation.CONFLICTING:
                found.append(RuleConflict(a, b, explain(a, b)))
    return found
