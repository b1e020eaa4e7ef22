"""API for frameworks, level referencing and credit conversion."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Body, Query, Router, Schema
from ninja.responses import Status

from creditbank.api.auth import AUTHENTICATED, actor_of
from creditbank.api.errors import ErrorOut
from creditbank.apps.frameworks import selectors
from creditbank.apps.frameworks.services import framework_publish
from creditbank.core.credits import CreditSystem, CreditValue, convert, parse_amount
from creditbank.core.frameworks import Framework, Level, parse_level_reference
from creditbank.core.referencing import LevelMapping, Match, Path
from creditbank.core.texts import Text

router = Router(tags=["frameworks"])
ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class TextOut(Schema):
    en: str
    zh_hans: str
    zh_hant: str


class LevelOut(Schema):
    id: str
    key: str
    number: int | None
    rank: int
    label: TextOut
    summary: TextOut | None
    typical_qualifications: list[TextOut]


class FrameworkSummaryOut(Schema):
    code: str
    edition: str
    name: TextOut
    jurisdiction: TextOut
    kind: str
    meta_framework: bool
    order: str
    levels: int
    credit_system: str | None


class DomainOut(Schema):
    key: str
    name: TextOut


class FrameworkOut(FrameworkSummaryOut):
    region: str
    status: str
    domains: list[DomainOut]
    level_list: list[LevelOut]
    notes: TextOut | None
    sources: list[str]
    confidence: str


class VersionOut(Schema):
    edition: str
    is_current: bool
    origin: str
    published_at: str


class StepOut(Schema):
    source: str
    target: str
    correspondence: str
    reverse: bool
    relation: str
    basis: str
    published: str | None
    confidence: str
    sources: list[str]


class PathOut(Schema):
    indirect: bool
    relation: str
    confidence: str
    steps: list[StepOut]


class MatchOut(Schema):
    level: LevelOut
    relation: str
    confidence: str
    indirect: bool
    path: PathOut
    other_paths: list[PathOut]


class NoteOut(Schema):
    kind: str
    message: str
    correspondence: str | None
    scope: TextOut | None


class MappingOut(Schema):
    source: LevelOut
    target_framework: str
    explanation: str
    matches: list[MatchOut]
    notes: list[NoteOut]


class CompareOut(Schema):
    left: str
    right: str
    rows: list[MappingOut]


class CreditSystemOut(Schema):
    code: str
    name: TextOut
    hours_per_credit_min: str | None
    hours_per_credit_max: str | None
    hours_basis: str | None
    full_time_year_credits: str | None
    notes: TextOut | None
    confidence: str


class ConversionOut(Schema):
    amount: str
    source: str
    target: str
    low: str
    high: str
    hours_low: str
    hours_high: str
    exact_low: str
    exact_high: str
    rounding_places: int
    rounding_mode: str


def text(value: Text | None) -> dict[str, str] | None:
    return None if value is None else value.as_dict()


def level_out(level: Level) -> dict[str, Any]:
    return {
        "id": level.id,
        "key": level.key,
        "number": level.number,
        "rank": level.rank,
        "label": text(level.label),
        "summary": text(level.summary),
        "typical_qualifications": [t.as_dict() for t in level.typical_qualifications],
    }


def summary_out(f: Framework) -> dict[str, Any]:
    return {
        "code": f.code,
        "edition": f.edition,
        "name": text(f.name),
        "jurisdiction": text(f.jurisdiction),
        "kind": f.kind,
        "meta_framework": f.meta_framework,
        "order": f.order.value,
        "levels": len(f.levels),
        "credit_system": f.credit_system,
    }


def framework_out(f: Framework) -> dict[str, Any]:
    return {
        **summary_out(f),
        "region": f.region,
        "status": f.status,
        "domains": [{"key": d.key, "name": text(d.name)} for d in f.domains],
        "level_list": [level_out(lv) for lv in f.levels],
        "notes": text(f.notes),
        "sources": list(f.sources),
        "confidence": f.confidence.name.lower(),
    }


def path_out(path: Path) -> dict[str, Any]:
    return {
        "indirect": path.indirect,
        "relation": path.relation.code,
        "confidence": path.confidence.name.lower(),
        "steps": [
            {
                "source": s.source,
                "target": s.target,
                "correspondence": s.correspondence.id,
                "reverse": s.reverse,
                "relation": s.correspondence.relation,
                "basis": s.correspondence.basis,
                "published": s.correspondence.published,
                "confidence": s.correspondence.confidence.name.lower(),
                "sources": list(s.correspondence.sources),
            }
            for s in path.steps
        ],
    }


def match_out(m: Match) -> dict[str, Any]:
    return {
        "level": level_out(m.level),
        "relation": m.relation.code,
        "confidence": m.confidence.name.lower(),
        "indirect": m.indirect,
        "path": path_out(m.best),
        "other_paths": [path_out(p) for p in m.paths[1:]],
    }


def mapping_out(mapping: LevelMapping) -> dict[str, Any]:
    notes: list[dict[str, Any]] = []
    for gap in mapping.gaps:
        notes.append(
            {
                "kind": "no_agreed_equivalent",
                "message": gettext("Published: %(level)s has no agreed equivalent in %(framework)s.")
                % {"level": gap.level, "framework": gap.framework},
                "correspondence": gap.correspondence.id,
                "scope": None,
            }
        )
    for p in mapping.programme_alignments:
        notes.append(
            {
                "kind": "programme_alignment",
                "message": gettext(
                    "Programme alignment %(a)s → %(b)s holds only for the programmes in its scope."
                )
                % {"a": p.source_level, "b": p.target_level},
                "correspondence": p.correspondence.id,
                "scope": text(p.correspondence.scope),
            }
        )
    for s in mapping.studies:
        notes.append(
            {
                "kind": "unverified_study",
                "message": gettext(
                    "A comparison study exists but its level table is not verified; it is not used."
                )
                + (" " + s.notes.en if s.notes else ""),
                "correspondence": None,
                "scope": None,
            }
        )
    return {
        "source": level_out(mapping.source),
        "target_framework": mapping.target.code,
        "explanation": gettext(mapping.explanation),
        "matches": [match_out(m) for m in mapping.matches],
        "notes": notes,
    }


def credit_system_out(s: CreditSystem) -> dict[str, Any]:
    hours = s.hours_per_credit
    return {
        "code": s.code,
        "name": text(s.name),
        "hours_per_credit_min": None if hours is None else str(hours.low),
        "hours_per_credit_max": None if hours is None else str(hours.high),
        "hours_basis": None if s.hours_basis is None else s.hours_basis.value,
        "full_time_year_credits": None if s.full_time_year_credits is None else str(s.full_time_year_credits),
        "notes": text(s.notes),
        "confidence": s.confidence.name.lower(),
    }


@router.get("/frameworks", response=list[FrameworkSummaryOut], summary="List current frameworks")
def list_frameworks(request: HttpRequest) -> list[dict[str, Any]]:
    return [summary_out(f) for f in selectors.registry().ordered_frameworks()]


@router.post(
    "/frameworks",
    response={201: FrameworkOut, 200: FrameworkOut, **ERRORS, 401: ErrorOut, 403: ErrorOut},
    auth=AUTHENTICATED,
    summary="Publish a framework or a new version of one (operators)",
)
def publish_framework(request: HttpRequest, document: Body[dict[str, Any]]) -> Status[dict[str, Any]]:
    result = framework_publish(actor=actor_of(request), document=document)
    return Status(201 if result.created else 200, framework_out(result.framework))


class CompareQuery(Schema):
    left: str
    right: str


@router.get(
    "/frameworks/compare",
    response={200: CompareOut, **ERRORS},
    summary="Compare two frameworks level by level",
)
def compare_frameworks(request: HttpRequest, q: Query[CompareQuery]) -> dict[str, Any]:
    graph = selectors.registry().graph
    rows = graph.compare(q.left, q.right)
    return {"left": q.left.upper(), "right": q.right.upper(), "rows": [mapping_out(r) for r in rows]}


@router.get(
    "/frameworks/{code}",
    response={200: FrameworkOut, **ERRORS},
    summary="One framework (current or an edition)",
)
def get_framework(request: HttpRequest, code: str, edition: str | None = None) -> dict[str, Any]:
    return framework_out(selectors.framework_at_edition(code, edition))


@router.get(
    "/frameworks/{code}/versions", response={200: list[VersionOut], **ERRORS}, summary="Version history"
)
def framework_versions(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    return [
        {
            "edition": v.edition,
            "is_current": v.is_current,
            "origin": v.origin,
            "published_at": v.created_at.isoformat(),
        }
        for v in selectors.framework_versions(code)
    ]


class MapQuery(Schema):
    level: str
    to: str


@router.get(
    "/levels/map", response={200: MappingOut, **ERRORS}, summary="What is a level in another framework?"
)
def map_level(request: HttpRequest, q: Query[MapQuery]) -> dict[str, Any]:
    """`level` is FRAMEWORK:LEVEL (e.g. `HKQF:4`, `NVQC:1`, `QCPTP:senior`); `to` a framework code."""
    registry = selectors.registry()
    code, key = parse_level_reference(q.level)
    level = registry.framework(code).level(key)
    return mapping_out(registry.graph.map_level(level, q.to))


@router.get("/credit-systems", response=list[CreditSystemOut], summary="Credit systems and their hours")
def list_credit_systems(request: HttpRequest) -> list[dict[str, Any]]:
    systems = selectors.registry().credit_systems.values()
    return [credit_system_out(s) for s in sorted(systems, key=lambda s: s.code)]


class ConvertQuery(Schema):
    amount: str
    source: str
    target: str


@router.get(
    "/credits/convert", response={200: ConversionOut, **ERRORS}, summary="Convert credits between systems"
)
def convert_credits(request: HttpRequest, q: Query[ConvertQuery]) -> dict[str, Any]:
    """Converts through learning hours; a range in either system gives a range."""
    registry = selectors.registry()
    amount = parse_amount(q.amount)
    src, dst = registry.credit_system(q.source), registry.credit_system(q.target)
    c = convert(CreditValue(amount, src.code), src, dst, selectors.rounding_policy())
    d = c.as_dict()
    return {
        "amount": d["from"]["amount"],
        "source": src.code,
        "target": dst.code,
        "low": d["to"]["low"],
        "high": d["to"]["high"],
        "hours_low": d["hours"]["low"],
        "hours_high": d["hours"]["high"],
        "exact_low": d["exact"]["low"],
        "exact_high": d["exact"]["high"],
        "rounding_places": c.policy.places,
        "rounding_mode": c.policy.mode.value,
    }
