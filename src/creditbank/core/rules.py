"""Recognition rules (学分认定与转换规则): which outcomes count towards a qualification, and how much.

A rule says: outcomes matching a *source* (units, kinds, a minimum framework level, a sector…)
that meet its *conditions* (minimum score or accepted grades, maximum age, the learner's region,
prerequisite units) count towards a *target*: exemption from a named unit of the receiving
qualification, or a block of credits (at a level, in the receiving credit system), scaled by a
factor. Rules are stored as documents; ``parse_rule`` validates one and reports every problem with
its path. ``match`` applies a rule to one outcome and says, condition by condition, why it does or
does not count, so that a learner can read the decision.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from creditbank.core.errors import DomainError, InvalidInput, gettext_noop
from creditbank.core.frameworks import Framework, parse_level_reference
from creditbank.core.reasons import Reason, reason

CENT = Decimal("0.01")
MAX_FACTOR = Decimal(10)


class InvalidRule(InvalidInput):
    code = "invalid_rule"
    template = gettext_noop("The recognition rule is not valid: %(problems)s")


@dataclass(frozen=True, slots=True)
class Holding:
    """One learning outcome in a learner's bank, as recognition rules see it."""

    id: str
    unit: str
    kind: str  # register kind: course, module, x_certificate, skill_level…
    outcome_type: str  # formal, non_formal, certificate, informal
    institution: str  # code of the institution that deposited it
    framework: str
    level: str  # level id as the framework writes it, for explanations
    level_rank: int
    sector: str
    credits: Decimal
    credit_system: str
    achieved_on: date
    result: str = ""

    @property
    def is_certificate(self) -> bool:
        return self.outcome_type == "certificate"


@dataclass(frozen=True, slots=True)
class UnitFacts:
    """What the receiving side knows of one of its units (to grant an exemption from it)."""

    code: str
    credits: Decimal
    credit_system: str
    framework: str
    level_rank: int
    sector: str


@dataclass(frozen=True, slots=True)
class Source:
    units: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    outcome_types: tuple[str, ...] = ()
    institutions: tuple[str, ...] = ()
    framework: str | None = None
    min_rank: int | None = None
    min_level: str | None = None  # as written, e.g. "GDLEQF:4"
    sector: str | None = None
    system: str | None = None

    def accepts(self, h: Holding) -> bool:
        """Whether the outcome is the kind of learning this rule is about (before its conditions)."""
        return (
            (not self.units or h.unit in self.units)
            and (not self.kinds or h.kind in self.kinds)
            and (not self.outcome_types or h.outcome_type in self.outcome_types)
            and (not self.institutions or h.institution in self.institutions)
            and (self.sector is None or h.sector == self.sector)
            and (self.system is None or h.credit_system == self.system)
            and (self.min_rank is None or (h.framework == self.framework and h.level_rank >= self.min_rank))
        )


@dataclass(frozen=True, slots=True)
class Conditions:
    min_score: Decimal | None = None
    grades: tuple[str, ...] = ()  # accepted results, compared case-insensitively
    max_age_years: int | None = None
    regions: tuple[str, ...] = ()
    prerequisites: tuple[str, ...] = ()  # units the learner must also hold


class TargetKind(enum.StrEnum):
    EXEMPTION = "exemption"
    BLOCK = "block"


@dataclass(frozen=True, slots=True)
class Target:
    kind: TargetKind
    system: str = ""
    unit: str | None = None  # exemption: the unit exempted
    credits: Decimal | None = None  # block: a fixed amount; None: the outcome's own credits
    framework: str | None = None
    level_rank: int | None = None
    level: str | None = None  # as written, e.g. "HKQF:4"
    sector: str | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    version: int
    owner: str  # an institution code, or "agreement:CODE"
    title: str
    source: Source
    conditions: Conditions
    target: Target
    factor: Decimal = Decimal(1)
    qualification: str | None = None  # the receiving qualification; None: any of the owner's
    valid_from: date = date.min
    valid_to: date | None = None

    @property
    def ref(self) -> str:
        return f"{self.code} v{self.version}"

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


@dataclass(frozen=True, slots=True)
class Award:
    """What one outcome earns under one rule, in the receiving credit system."""

    credits: Decimal
    system: str
    exempts: str | None = None


@dataclass(frozen=True, slots=True)
class Match:
    rule: Rule
    holding: Holding
    checks: tuple[Reason, ...]
    award: Award | None  # None when a condition failed

    @property
    def eligible(self) -> bool:
        return self.award is not None


# --- parsing ---------------------------------------------------------------------------------


def parse_rule(
    doc: Any,
    frameworks: Mapping[str, Framework],
    *,
    code: str | None = None,
    version: int = 1,
    owner: str = "",
) -> Rule:
    """Validate a rule document; every problem is reported with its path (e.g. target.credits)."""
    problems: list[str] = []
    if not isinstance(doc, Mapping):
        raise InvalidRule(problems="the rule must be a mapping with source and target")
    rule_code = str(code or doc.get("code") or "").strip().upper()
    if not rule_code:
        problems.append("code: give the rule a code")
    title = str(doc.get("title") or "").strip()
    source = _parse_source(doc.get("source"), frameworks, problems)
    conditions = _parse_conditions(doc.get("conditions") or {}, problems)
    target = _parse_target(doc.get("target"), frameworks, problems)
    factor = _decimal(doc.get("factor", 1), "factor", problems)
    if factor is not None and not Decimal(0) < factor <= MAX_FACTOR:
        problems.append(f"factor: a number above 0 and at most {MAX_FACTOR}")
    if target and source and target.kind is TargetKind.BLOCK and target.credits is None and not source.system:
        problems.append(
            "target.credits: give the credits of the block, or source.system so that the outcome's own "
            "credits can be scaled by the factor"
        )
    if target and target.kind is TargetKind.EXEMPTION and factor not in (None, Decimal(1)):
        problems.append("factor: an exemption grants the whole unit; leave the factor at 1")
    valid_from = parse_date(doc.get("valid_from"), "valid_from", problems, required=True)
    valid_to = parse_date(doc.get("valid_to"), "valid_to", problems)
    if valid_from and valid_to and valid_to < valid_from:
        problems.append("valid_to: must not be before valid_from")
    qualification = str(doc.get("qualification") or "").strip() or None
    if problems or source is None or target is None or factor is None or valid_from is None:
        raise InvalidRule(problems="; ".join(problems))
    return Rule(
        code=rule_code,
        version=version,
        owner=owner,
        title=title or rule_code,
        source=source,
        conditions=conditions,
        target=target,
        factor=factor,
        qualification=qualification,
        valid_from=valid_from,
        valid_to=valid_to,
    )


def _codes(raw: Any, where: str, problems: list[str], *, upper: bool = False) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(v, str) and v.strip() for v in raw):
        problems.append(f"{where}: a list of codes")
        return ()
    return tuple(v.strip().upper() if upper else v.strip() for v in raw)


def _level(
    raw: Any, where: str, frameworks: Mapping[str, Framework], problems: list[str]
) -> tuple[str | None, int | None, str | None]:
    if raw is None:
        return None, None, None
    try:
        code, key = parse_level_reference(str(raw))
        return code, frameworks[code].level(key).rank, str(raw)
    except KeyError:
        problems.append(f"{where}: unknown framework in {raw}")
    except DomainError as exc:
        problems.append(f"{where}: {exc.message}")
    return None, None, None


def _decimal(raw: Any, where: str, problems: list[str]) -> Decimal | None:
    if raw is None:
        return None
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        value = Decimal("NaN")
    if not value.is_finite() or isinstance(raw, bool):
        problems.append(f"{where}: a number")
        return None
    return value


def parse_date(raw: Any, where: str, problems: list[str], *, required: bool = False) -> date | None:
    """A YYYY-MM-DD date of a document, or None; a bad or missing one is recorded in ``problems``."""
    if raw is None or raw == "":
        if required:
            problems.append(f"{where}: a date (YYYY-MM-DD)")
        return None
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        problems.append(f"{where}: {raw} is not a date (YYYY-MM-DD)")
        return None


def _parse_source(raw: Any, frameworks: Mapping[str, Framework], problems: list[str]) -> Source | None:
    if not isinstance(raw, Mapping) or not raw:
        problems.append("source: say which outcomes the rule accepts (units, kinds, min_level, sector…)")
        return None
    known = {"units", "kinds", "outcome_types", "institutions", "min_level", "sector", "system"}
    unknown = sorted(set(raw) - known)
    if unknown:
        problems.append(f"source: unknown keys {', '.join(unknown)}; use {', '.join(sorted(known))}")
    framework, min_rank, min_level = _level(raw.get("min_level"), "source.min_level", frameworks, problems)
    source = Source(
        units=_codes(raw.get("units"), "source.units", problems),
        kinds=_codes(raw.get("kinds"), "source.kinds", problems),
        outcome_types=_codes(raw.get("outcome_types"), "source.outcome_types", problems),
        institutions=_codes(raw.get("institutions"), "source.institutions", problems),
        framework=framework,
        min_rank=min_rank,
        min_level=min_level,
        sector=str(raw["sector"]).strip() if raw.get("sector") else None,
        system=str(raw["system"]).strip().upper() if raw.get("system") else None,
    )
    if not (source.units or source.kinds or source.min_rank is not None or source.sector):
        problems.append("source: name units, kinds, a sector or a min_level; a rule cannot accept everything")
    return source


def _parse_conditions(raw: Any, problems: list[str]) -> Conditions:
    if not isinstance(raw, Mapping):
        problems.append("conditions: a mapping")
        return Conditions()
    known = {"min_score", "grades", "max_age_years", "regions", "prerequisites"}
    unknown = sorted(set(raw) - known)
    if unknown:
        problems.append(f"conditions: unknown keys {', '.join(unknown)}; use {', '.join(sorted(known))}")
    max_age = raw.get("max_age_years")
    if max_age is not None and (not isinstance(max_age, int) or isinstance(max_age, bool) or max_age < 1):
        problems.append("conditions.max_age_years: a whole number of years, at least 1")
        max_age = None
    return Conditions(
        min_score=_decimal(raw.get("min_score"), "conditions.min_score", problems),
        grades=_codes(raw.get("grades"), "conditions.grades", problems),
        max_age_years=max_age,
        regions=_codes(raw.get("regions"), "conditions.regions", problems, upper=True),
        prerequisites=_codes(raw.get("prerequisites"), "conditions.prerequisites", problems),
    )


def _parse_target(raw: Any, frameworks: Mapping[str, Framework], problems: list[str]) -> Target | None:
    if not isinstance(raw, Mapping):
        problems.append("target: give exempt: UNIT, or credits with system (and optionally level)")
        return None
    if raw.get("exempt"):
        if "credits" in raw:
            problems.append("target: either exempt a unit or give a block of credits, not both")
            return None
        return Target(TargetKind.EXEMPTION, unit=str(raw["exempt"]).strip())
    system = str(raw.get("system") or "").strip().upper()
    if not system:
        problems.append("target.system: the receiving credit system, e.g. HKQF-CREDIT")
    credits = _decimal(raw.get("credits"), "target.credits", problems)
    if credits is not None and credits <= 0:
        problems.append("target.credits: a positive number")
    framework, rank, level = _level(raw.get("level"), "target.level", frameworks, problems)
    return Target(
        TargetKind.BLOCK,
        system=system,
        credits=credits,
        framework=framework,
        level_rank=rank,
        level=level,
        sector=str(raw["sector"]).strip() if raw.get("sector") else None,
    )


def rule_document(rule: Rule) -> dict[str, Any]:
    """The rule as a document ``parse_rule`` reads back (stored, exported, shown in diffs)."""
    s, c, t = rule.source, rule.conditions, rule.target
    source = {
        k: v
        for k, v in {
            "units": list(s.units),
            "kinds": list(s.kinds),
            "outcome_types": list(s.outcome_types),
            "institutions": list(s.institutions),
            "min_level": s.min_level,
            "sector": s.sector,
            "system": s.system,
        }.items()
        if v
    }
    conditions = {
        k: v
        for k, v in {
            "min_score": None if c.min_score is None else str(c.min_score),
            "grades": list(c.grades),
            "max_age_years": c.max_age_years,
            "regions": list(c.regions),
            "prerequisites": list(c.prerequisites),
        }.items()
        if v
    }
    target: dict[str, Any]
    if t.kind is TargetKind.EXEMPTION:
        target = {"exempt": t.unit}
    else:
        target = {
            k: v
            for k, v in {
                "credits": None if t.credits is None else str(t.credits),
                "system": t.system,
                "level": t.level,
                "sector": t.sector,
            }.items()
            if v
        }
    doc: dict[str, Any] = {
        "code": rule.code,
        "title": rule.title,
        "source": source,
        "target": target,
        "factor": str(rule.factor),
        "valid_from": rule.valid_from.isoformat(),
    }
    if conditions:
        doc["conditions"] = conditions
    if rule.qualification:
        doc["qualification"] = rule.qualification
    if rule.valid_to:
        doc["valid_to"] = rule.valid_to.isoformat()
    return doc


# --- evaluation ------------------------------------------------------------------------------


def years_before(on: date, years: int) -> date:
    """The same calendar day ``years`` earlier (29 February becomes 28 February)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def _score(result: str) -> Decimal | None:
    try:
        value = Decimal(result.strip().rstrip("%"))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _condition_checks(
    rule: Rule, h: Holding, *, region: str, held_units: frozenset[str], on: date
) -> list[Reason]:
    c = rule.conditions
    checks: list[Reason] = []
    if not rule.in_force(on):
        checks.append(
            reason(gettext_noop("rule %(rule)s is not in force on %(date)s"), False, rule=rule.ref, date=on)
        )
    if c.min_score is not None:
        score = _score(h.result)
        if score is None:
            checks.append(
                reason(
                    gettext_noop("result “%(result)s” is not a score, and this rule needs at least %(min)s"),
                    False,
                    result=h.result,
                    min=c.min_score,
                )
            )
        else:
            checks.append(
                reason(
                    gettext_noop("score %(result)s is at least %(min)s")
                    if score >= c.min_score
                    else gettext_noop("score %(result)s is below the minimum of %(min)s"),
                    score >= c.min_score,
                    result=h.result,
                    min=c.min_score,
                )
            )
    if c.grades:
        ok = h.result.strip().casefold() in {g.casefold() for g in c.grades}
        checks.append(
            reason(
                gettext_noop("result “%(result)s” is one of the accepted results (%(grades)s)")
                if ok
                else gettext_noop("result “%(result)s” is not one of the accepted results (%(grades)s)"),
                ok,
                result=h.result,
                grades=", ".join(c.grades),
            )
        )
    if c.max_age_years is not None:
        ok = h.achieved_on >= years_before(on, c.max_age_years)
        checks.append(
            reason(
                gettext_noop("achieved on %(date)s, within the last %(years)s years")
                if ok
                else gettext_noop("achieved on %(date)s, more than %(years)s years ago"),
                ok,
                date=h.achieved_on,
                years=c.max_age_years,
            )
        )
    if c.regions:
        ok = region in c.regions
        checks.append(
            reason(
                gettext_noop("the learner's region %(region)s is covered (%(regions)s)")
                if ok
                else gettext_noop("the learner's region %(region)s is not covered (%(regions)s)"),
                ok,
                region=region or "-",
                regions=", ".join(c.regions),
            )
        )
    if c.prerequisites:
        missing = [u for u in c.prerequisites if u not in held_units]
        checks.append(
            reason(
                gettext_noop("the learner also holds %(units)s")
                if not missing
                else gettext_noop("the rule also needs %(units)s, which the learner does not hold"),
                not missing,
                units=", ".join(missing or c.prerequisites),
            )
        )
    return checks


def award_of(rule: Rule, h: Holding, units: Mapping[str, UnitFacts]) -> Award | None:
    """The credit one outcome earns under a rule, or None if the exempted unit is unknown."""
    t = rule.target
    if t.kind is TargetKind.EXEMPTION:
        unit = units.get(t.unit or "")
        return None if unit is None else Award(unit.credits, unit.credit_system, exempts=unit.code)
    base = t.credits if t.credits is not None else h.credits
    return Award((base * rule.factor).quantize(CENT, rounding=ROUND_DOWN), t.system)


def match(
    rule: Rule,
    h: Holding,
    *,
    region: str,
    held_units: Iterable[str],
    units: Mapping[str, UnitFacts],
    on: date,
) -> Match | None:
    """Apply one rule to one outcome; None when the outcome is not what the rule is about."""
    if not rule.source.accepts(h):
        return None
    checks = _condition_checks(rule, h, region=region, held_units=frozenset(held_units), on=on)
    award = award_of(rule, h, units)
    if award is None:
        checks.append(
            reason(
                gettext_noop("unit %(unit)s, which this rule exempts, is not in the receiving register"),
                False,
                unit=rule.target.unit,
            )
        )
    elif award.credits <= 0:
        checks.append(reason(gettext_noop("the rule gives no credit for this outcome"), False))
    ok = all(c.held for c in checks)
    return Match(rule, h, tuple(checks), award if ok else None)
