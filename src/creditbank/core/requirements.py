"""Qualification requirement trees: stored as data, evaluated here.

A requirement is one of

* ``{"unit": CODE}``: an outcome of that unit;
* ``{"credits": K, "system": S, "min_level": "HKQF:4", "from": [CODES], "sector": X}``: at least K
  credits of system S from outcomes that meet every given filter (level at or above, one of the
  listed units, the sector);
* ``{"all_of": [...]}``: every child;
* ``{"any_of": [...], "n": N}``: at least N of the children (N defaults to 1).

Evaluation never counts one outcome twice in the same qualification: each outcome is used by at most
one requirement. This module allocates greedily (children in order; largest credits first), which
is what an audit shows; the transfer optimiser (a separate concern) searches for the allocation
that recognises the most credit under caps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any, Union

from creditbank.core.errors import DomainError, InvalidInput, gettext_noop
from creditbank.core.frameworks import Framework, parse_level_reference

MAX_DEPTH = 6


class InvalidRequirements(InvalidInput):
    code = "invalid_requirements"
    template = gettext_noop("The requirement tree is not valid: %(problems)s")


@dataclass(frozen=True, slots=True)
class Achievement:
    """What the core needs to know of one learning outcome to count it."""

    id: str
    unit: str | None
    credits: Decimal
    credit_system: str
    framework: str | None = None
    level_rank: int | None = None
    sector: str | None = None


@dataclass(frozen=True, slots=True)
class UnitRequirement:
    unit: str


@dataclass(frozen=True, slots=True)
class CreditRequirement:
    credits: Decimal
    system: str
    framework: str | None = None
    min_rank: int | None = None
    min_level: str | None = None  # as written, e.g. "HKQF:4", for explanations
    units: tuple[str, ...] = ()
    sector: str | None = None

    def accepts(self, a: Achievement) -> bool:
        if a.credit_system != self.system:
            return False
        if self.units and a.unit not in self.units:
            return False
        if self.sector and a.sector != self.sector:
            return False
        if self.min_rank is not None:
            return (
                a.framework == self.framework and a.level_rank is not None and a.level_rank >= self.min_rank
            )
        return True


@dataclass(frozen=True, slots=True)
class AllOf:
    children: tuple[Requirement, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    children: tuple[Requirement, ...]
    n: int = 1


Requirement = Union[UnitRequirement, CreditRequirement, AllOf, AnyOf]  # noqa: UP007  (recursive alias)


@dataclass(frozen=True)
class Result:
    requirement: Requirement
    met: bool
    used: tuple[str, ...]  # achievement ids counted here (and below)
    credits_counted: Decimal = Decimal(0)
    children: tuple[Result, ...] = field(default=())
    counted: bool = True  # False for any_of children beyond the n needed: shown, not counted
    progress: tuple[str, ...] = ()  # an unmet credit requirement: what counts so far (left free)

    @property
    def credits_missing(self) -> Decimal:
        if isinstance(self.requirement, CreditRequirement):
            return max(self.requirement.credits - self.credits_counted, Decimal(0))
        return Decimal(0)


def parse_requirements(doc: Any, frameworks: Mapping[str, Framework]) -> Requirement:
    """Validate a stored tree; every problem is reported with its path (e.g. all_of[2].credits)."""
    problems: list[str] = []
    node = _parse(doc, "root", 0, frameworks, problems)
    if problems or node is None:
        raise InvalidRequirements(problems="; ".join(problems) or "empty")
    return node


def _parse(
    doc: Any, where: str, depth: int, frameworks: Mapping[str, Framework], problems: list[str]
) -> Requirement | None:
    if depth > MAX_DEPTH:
        problems.append(f"{where}: nested deeper than {MAX_DEPTH} levels")
        return None
    if not isinstance(doc, Mapping):
        problems.append(f"{where}: expected a mapping with one of unit, credits, all_of, any_of")
        return None
    kinds = [k for k in ("unit", "credits", "all_of", "any_of") if k in doc]
    if len(kinds) != 1:
        problems.append(f"{where}: needs exactly one of unit, credits, all_of, any_of")
        return None
    kind = kinds[0]
    if kind == "unit":
        code = str(doc["unit"] or "").strip()
        if not code:
            problems.append(f"{where}.unit: give a unit code")
            return None
        return UnitRequirement(code)
    if kind == "credits":
        return _parse_credits(doc, where, frameworks, problems)
    raw_children = doc[kind]
    if not isinstance(raw_children, list) or not raw_children:
        problems.append(f"{where}.{kind}: a non-empty list")
        return None
    children = [
        _parse(c, f"{where}.{kind}[{i}]", depth + 1, frameworks, problems) for i, c in enumerate(raw_children)
    ]
    valid = tuple(c for c in children if c is not None)
    if len(valid) != len(children):
        return None
    if kind == "all_of":
        return AllOf(valid)
    n = doc.get("n", 1)
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= len(valid):
        problems.append(f"{where}.n: a whole number from 1 to {len(valid)}")
        return None
    return AnyOf(valid, n)


def _parse_credits(
    doc: Mapping[str, Any], where: str, frameworks: Mapping[str, Framework], problems: list[str]
) -> CreditRequirement | None:
    try:
        credits = Decimal(str(doc["credits"]))
    except (InvalidOperation, ValueError):
        credits = Decimal(-1)
    if not credits.is_finite() or credits <= 0:
        problems.append(f"{where}.credits: a positive number")
        return None
    system = str(doc.get("system") or "").strip().upper()
    if not system:
        problems.append(f"{where}.system: the credit system the credits are counted in, e.g. HKQF-CREDIT")
        return None
    framework = min_rank = None
    min_level = doc.get("min_level")
    if min_level is not None:
        try:
            code, key = parse_level_reference(str(min_level))
            fw = frameworks[code]
            min_rank = fw.level(key).rank
            framework = code
        except KeyError:
            problems.append(f"{where}.min_level: unknown framework in {min_level}")
            return None
        except DomainError as exc:  # an unknown level or a malformed reference
            problems.append(f"{where}.min_level: {exc.message}")
            return None
    units = doc.get("from") or []
    if not isinstance(units, list) or not all(isinstance(u, str) and u.strip() for u in units):
        problems.append(f"{where}.from: a list of unit codes")
        return None
    sector = doc.get("sector")
    return CreditRequirement(
        credits,
        system,
        framework,
        min_rank,
        None if min_level is None else str(min_level),
        tuple(units),
        sector,
    )


def unit_codes(node: Requirement) -> set[str]:
    """Every unit a tree names (to check that they exist in the register)."""
    if isinstance(node, UnitRequirement):
        return {node.unit}
    if isinstance(node, CreditRequirement):
        return set(node.units)
    return set().union(*(unit_codes(c) for c in node.children))


def evaluate(node: Requirement, achievements: Iterable[Achievement]) -> Result:
    """Which requirements are met by these achievements, each achievement used at most once."""
    pool = {a.id: a for a in achievements}
    return _evaluate(node, pool, set())


def _specificity(node: Requirement) -> int:
    """Satisfy narrow requirements before broad credit pools, so a pool does not take what a named
    unit needs."""
    if isinstance(node, UnitRequirement):
        return 0
    if isinstance(node, AllOf | AnyOf):
        return 1
    return 2 if node.units or node.min_rank is not None or node.sector else 3


def _evaluate(node: Requirement, pool: dict[str, Achievement], taken: set[str]) -> Result:
    """Evaluate ``node`` against the achievements not in ``taken``; add to ``taken`` only if met."""
    if isinstance(node, UnitRequirement):
        match = next(
            (
                a
                for a in sorted(pool.values(), key=lambda a: a.id)
                if a.id not in taken and a.unit == node.unit
            ),
            None,
        )
        if match is None:
            return Result(node, False, ())
        taken.add(match.id)
        return Result(node, True, (match.id,))
    if isinstance(node, CreditRequirement):
        counted, used = Decimal(0), []
        eligible = sorted(
            (a for a in pool.values() if a.id not in taken and node.accepts(a)),
            key=lambda a: (-a.credits, a.id),
        )
        for a in eligible:
            if counted >= node.credits:
                break
            counted += a.credits
            used.append(a.id)
        if counted >= node.credits:
            taken.update(used)
            return Result(node, True, tuple(used), counted)
        return Result(node, False, (), counted, progress=tuple(used))  # outcomes left free for others
    trial = set(taken)
    order = sorted(range(len(node.children)), key=lambda i: _specificity(node.children[i]))
    results: dict[int, Result] = {}
    if isinstance(node, AllOf):
        for i in order:
            results[i] = _evaluate(node.children[i], pool, trial)
        met = all(r.met for r in results.values())
    else:
        met_count = 0
        for i in order:
            if met_count >= node.n:  # not needed: shown against a copy, never counted
                results[i] = replace(_evaluate(node.children[i], pool, set(trial)), counted=False)
                continue
            results[i] = _evaluate(node.children[i], pool, trial)
            met_count += results[i].met
        met = met_count >= node.n
    children = tuple(results[i] for i in range(len(node.children)))
    if met:
        taken |= trial
    counted_ids = tuple(i for c in children if c.counted for i in c.used)
    return Result(node, met, counted_ids if met else (), children=children)
