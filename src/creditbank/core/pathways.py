"""Pathway audit (资历审核): how far a learner's bank goes towards a qualification.

The audit evaluates the qualification's requirement tree (``core.requirements``) against the
learner's own outcomes that count directly, plus what a transfer proposal (``core.transfer``)
would recognise, and reads the result as a learner would: each requirement met, in progress or
missing, the credits counted, and for what is missing the units of the register that would satisfy
it. A what-if audit is the same computation for any qualification, applied to nothing.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from creditbank.core.requirements import (
    Achievement,
    AllOf,
    AnyOf,
    CreditRequirement,
    Requirement,
    Result,
    UnitRequirement,
    evaluate,
)
from creditbank.core.rules import Holding, Match, TargetKind
from creditbank.core.transfer import Proposal

MAX_SUGGESTIONS = 5


class Status(enum.StrEnum):
    MET = "met"
    IN_PROGRESS = "in_progress"
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class AuditNode:
    kind: str  # unit, credits, all_of, any_of
    status: Status
    unit: str | None = None
    credits_needed: Decimal | None = None
    credits_counted: Decimal = Decimal(0)
    system: str | None = None
    min_level: str | None = None
    n: int | None = None  # any_of: how many children are needed
    used: tuple[str, ...] = ()  # achievement ids counted here
    progress: tuple[str, ...] = ()  # an unmet credit requirement: what counts towards it so far
    suggestions: tuple[str, ...] = ()  # unit codes that would satisfy what is missing
    children: tuple[AuditNode, ...] = ()


@dataclass(frozen=True, slots=True)
class Audit:
    root: AuditNode
    achievements: tuple[Achievement, ...]  # everything offered to the tree, own and transferred
    transferred: frozenset[str]  # ids of achievements that come from the transfer proposal

    @property
    def met(self) -> bool:
        return self.root.status is Status.MET

    @property
    def credits_counted(self) -> Decimal:
        """Credit counted anywhere in the tree, including progress towards unmet requirements."""
        used = set(_all_used(self.root))
        return sum((a.credits for a in self.achievements if a.id in used), Decimal(0))


def _all_used(node: AuditNode) -> Iterable[str]:
    yield from node.used
    yield from node.progress
    for child in node.children:
        yield from _all_used(child)


def holding_achievement(h: Holding) -> Achievement:
    return Achievement(h.id, h.unit, h.credits, h.credit_system, h.framework, h.level_rank, h.sector)


def transferred_achievement(m: Match) -> Achievement:
    """What a counted outcome becomes on the receiving side: the exempted unit, or a credit block."""
    assert m.award is not None
    t = m.rule.target
    if t.kind is TargetKind.EXEMPTION:
        return Achievement(f"T:{m.holding.id}", m.award.exempts, m.award.credits, m.award.system)
    return Achievement(
        f"T:{m.holding.id}",
        None,
        m.award.credits,
        m.award.system,
        t.framework,
        t.level_rank,
        t.sector or m.holding.sector,
    )


def audit(
    tree: Requirement,
    own: Sequence[Holding],
    proposal: Proposal | None,
    catalogue: Sequence[Achievement],
    *,
    exempt_details: dict[str, Achievement] | None = None,
) -> Audit:
    """Audit a requirement tree: own outcomes that are not transferred count as they are.

    ``catalogue`` lists the units that could still be taken (as achievements keyed by unit code),
    to suggest what would satisfy a missing requirement. ``exempt_details`` gives the receiving
    unit's level and sector for exemptions, so that exempted units also count in credit pools.
    """
    transfers = [*proposal.accepted, *proposal.uses] if proposal else []
    transferred_ids = {m.holding.id for m in transfers}
    achievements = [holding_achievement(h) for h in own if h.id not in transferred_ids]
    moved: list[Achievement] = []
    for m in transfers:
        a = transferred_achievement(m)
        detail = (exempt_details or {}).get(a.unit or "")
        if detail is not None:
            a = Achievement(
                a.id, a.unit, a.credits, a.credit_system, detail.framework, detail.level_rank, detail.sector
            )
        moved.append(a)
    offered = (*achievements, *moved)
    result = evaluate(tree, offered)
    held_units = {a.unit for a in offered if a.unit}
    return Audit(_node(result, catalogue, held_units), offered, frozenset(a.id for a in moved))


def _node(result: Result, catalogue: Sequence[Achievement], held_units: set[str]) -> AuditNode:
    req = result.requirement
    if isinstance(req, UnitRequirement):
        return AuditNode(
            "unit",
            Status.MET if result.met else Status.MISSING,
            unit=req.unit,
            used=result.used,
            suggestions=() if result.met else (req.unit,),
        )
    if isinstance(req, CreditRequirement):
        status = (
            Status.MET if result.met else Status.IN_PROGRESS if result.credits_counted > 0 else Status.MISSING
        )
        return AuditNode(
            "credits",
            status,
            credits_needed=req.credits,
            credits_counted=result.credits_counted,
            system=req.system,
            min_level=req.min_level,
            used=result.used,
            progress=result.progress,
            suggestions=() if result.met else _suggest(req, catalogue, held_units),
        )
    children = tuple(_node(c, catalogue, held_units) for c in result.children)
    started = any(c.status is not Status.MISSING for c in children)
    status = Status.MET if result.met else Status.IN_PROGRESS if started else Status.MISSING
    if isinstance(req, AllOf):
        return AuditNode("all_of", status, used=(), children=children)
    assert isinstance(req, AnyOf)
    return AuditNode("any_of", status, n=req.n, children=children)


def _suggest(
    req: CreditRequirement, catalogue: Sequence[Achievement], held_units: set[str]
) -> tuple[str, ...]:
    """Units not yet held that this credit requirement accepts, biggest first."""
    fitting = sorted(
        (u for u in catalogue if u.unit not in held_units and req.accepts(u)),
        key=lambda u: (-u.credits, u.unit or ""),
    )
    return tuple(u.unit for u in fitting[:MAX_SUGGESTIONS] if u.unit)
