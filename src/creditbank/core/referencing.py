"""Level referencing: published correspondences between framework levels, as a graph.

A correspondence says that levels of one framework relate to levels of another (equivalent,
broadly comparable, partial), or records a published gap (no agreed equivalent). Questions such
as "what is HKQF level 4 in NZQF?" are answered by paths in this graph:

* a direct path uses one published correspondence between the two frameworks;
* an indirect path passes only through meta-frameworks (EQF, AQRF, QF-EHEA). Two frameworks that
  each reference a meta-framework are comparable through it, never "equivalent" to each other, so
  an indirect path's relation is at most ``broadly_comparable`` and its confidence is one step
  below its weakest link. Composition therefore never raises confidence.

A one-way correspondence (a national level *placed* on a meta-framework level, where several national
levels may share one EQF level) may be read in reverse, e.g. "which IE-NFQ levels sit at EQF 6";
read that way it says no more than ``broadly_comparable``.

Per-programme alignments decided by accreditation are their own kind of edge: they hold for the
programmes named in their scope only and never take part in framework-level answers.
Where no source supports a correspondence the answer is empty and says so; nothing is inferred
from level numbers.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from creditbank.core.errors import InvalidInput, UnknownFramework, gettext_noop
from creditbank.core.frameworks import Confidence, Framework, Level
from creditbank.core.texts import Text

MAX_PATH_EDGES = (
    3  # source -> meta -> meta -> target, e.g. QF-EHEA -> EQF -> AQRF is not published, but allowed
)


class Relation(enum.IntEnum):
    """Strength of a correspondence; composing can only keep or weaken it."""

    PARTIAL = 1
    BROADLY_COMPARABLE = 2
    EQUIVALENT = 3

    @property
    def label(self) -> str:
        """A human label, marked for translation."""
        return RELATION_LABELS[self]

    @property
    def code(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, raw: str) -> Relation:
        return cls[raw.upper()]


RELATION_LABELS = {
    Relation.EQUIVALENT: gettext_noop("equivalent"),
    Relation.BROADLY_COMPARABLE: gettext_noop("broadly comparable"),
    Relation.PARTIAL: gettext_noop("partial"),
}
NO_AGREED_EQUIVALENT = "no_agreed_equivalent"
BASIS_LABELS = {
    "official_referencing_report": gettext_noop("official referencing report"),
    "official_comparability_study": gettext_noop("official comparability study"),
    "official_comparison_page": gettext_noop("official comparison page"),
    "official_statement": gettext_noop("official statement"),
    "seed_table": gettext_noop("table in a source document"),
    "seed_statement": gettext_noop("statement in a source document"),
    "secondary_summary": gettext_noop("secondary summary"),
    "accreditation_decision": gettext_noop("accreditation decision"),
}


class EdgeKind(enum.StrEnum):
    PUBLISHED = "published"
    PROGRAMME_ALIGNMENT = "programme_alignment"


@dataclass(frozen=True, slots=True)
class Side:
    framework: str
    levels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Correspondence:
    id: str
    kind: EdgeKind
    source: Side
    target: Side
    relation: str  # a Relation label or "no_agreed_equivalent"
    basis: str
    published: str | None
    symmetric: bool
    confidence: Confidence
    notes: Text | None = None
    scope: Text | None = None
    sources: tuple[str, ...] = ()

    @property
    def basis_label(self) -> str:
        return BASIS_LABELS.get(self.basis, self.basis)

    @property
    def is_gap(self) -> bool:
        return self.relation == NO_AGREED_EQUIVALENT


@dataclass(frozen=True, slots=True)
class Study:
    """A comparison that exists but whose level table was not verified: shown, never used."""

    frameworks: tuple[str, ...]
    status: str
    notes: Text | None
    sources: tuple[str, ...]
    confidence: Confidence


@dataclass(frozen=True, slots=True)
class Step:
    """One hop: from one level to another through a correspondence (possibly read in reverse)."""

    source: str
    target: str
    correspondence: Correspondence
    reverse: bool

    @property
    def relation(self) -> Relation:
        stated = Relation.parse(self.correspondence.relation)
        if self.reverse and not self.correspondence.symmetric:
            return min(stated, Relation.BROADLY_COMPARABLE)
        return stated


@dataclass(frozen=True, slots=True)
class Path:
    steps: tuple[Step, ...]

    @property
    def indirect(self) -> bool:
        return len(self.steps) > 1

    @property
    def relation(self) -> Relation:
        if not self.steps:  # a level is equivalent to itself
            return Relation.EQUIVALENT
        weakest = min(s.relation for s in self.steps)
        return min(weakest, Relation.BROADLY_COMPARABLE) if self.indirect else weakest

    @property
    def confidence(self) -> Confidence:
        if not self.steps:
            return Confidence.HIGH
        weakest = min(s.correspondence.confidence for s in self.steps)
        return weakest.lowered() if self.indirect else weakest

    @property
    def via(self) -> tuple[str, ...]:
        """The intermediate levels, e.g. ('EQF-5',)."""
        return tuple(s.target for s in self.steps[:-1])

    def sort_key(self) -> tuple[int, int, int, int]:
        return (int(self.indirect), -self.confidence, -self.relation, len(self.steps))


@dataclass(frozen=True, slots=True)
class Match:
    level: Level
    paths: tuple[Path, ...]  # best first

    @property
    def best(self) -> Path:
        return self.paths[0]

    @property
    def relation(self) -> Relation:
        return self.best.relation

    @property
    def confidence(self) -> Confidence:
        return self.best.confidence

    @property
    def indirect(self) -> bool:
        return self.best.indirect


@dataclass(frozen=True, slots=True)
class Gap:
    """A published statement that a level has no agreed equivalent in another framework."""

    level: str
    framework: str
    correspondence: Correspondence


@dataclass(frozen=True, slots=True)
class ProgrammeAlignment:
    source_level: str
    target_level: str
    correspondence: Correspondence


@dataclass(frozen=True, slots=True)
class LevelMapping:
    source: Level
    target: Framework
    matches: tuple[Match, ...]
    gaps: tuple[Gap, ...]
    programme_alignments: tuple[ProgrammeAlignment, ...]
    studies: tuple[Study, ...]

    @property
    def explanation(self) -> str:
        """Why the answer is what it is, as a message template (translated by adapters)."""
        if self.matches:
            if all(m.indirect for m in self.matches):
                return gettext_noop(
                    "No direct correspondence is published; these levels are reached through a "
                    "meta-framework, so they are indirect and at most broadly comparable."
                )
            return gettext_noop("Published correspondences support these levels.")
        if any(g.framework == self.target.code for g in self.gaps):
            return gettext_noop("A published referencing states that there is no agreed equivalent.")
        return gettext_noop(
            "No published correspondence, direct or through a meta-framework, supports a level for "
            "this question; creditbank does not infer one from level numbers."
        )


@dataclass
class ReferencingGraph:
    frameworks: Mapping[str, Framework]
    correspondences: tuple[Correspondence, ...]
    studies: tuple[Study, ...] = ()
    dangling: list[tuple[Correspondence, str]] = field(default_factory=list)
    _steps: dict[str, list[Step]] = field(default_factory=lambda: defaultdict(list))
    _gaps: dict[str, list[Gap]] = field(default_factory=lambda: defaultdict(list))
    _programme: dict[str, list[ProgrammeAlignment]] = field(default_factory=lambda: defaultdict(list))
    _levels: dict[str, Level] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for framework in self.frameworks.values():
            for level in framework.levels:
                self._levels[level.id] = level
        for corr in self.correspondences:
            missing = [lv for lv in (*corr.source.levels, *corr.target.levels) if lv not in self._levels]
            if missing:
                # A framework was replaced by a version without these levels: keep the edge out of
                # answers and list it for operators rather than failing every query.
                self.dangling.append((corr, ", ".join(missing)))
                continue
            self._index(corr)

    def _index(self, corr: Correspondence) -> None:
        if corr.is_gap:
            if not corr.source.levels:
                for lv in corr.target.levels:
                    self._gaps[lv].append(Gap(lv, corr.source.framework, corr))
            if not corr.target.levels:
                for lv in corr.source.levels:
                    self._gaps[lv].append(Gap(lv, corr.target.framework, corr))
            return
        for a in corr.source.levels:
            for b in corr.target.levels:
                if corr.kind is EdgeKind.PROGRAMME_ALIGNMENT:
                    self._programme[a].append(ProgrammeAlignment(a, b, corr))
                    self._programme[b].append(ProgrammeAlignment(a, b, corr))
                    continue
                self._steps[a].append(Step(a, b, corr, reverse=False))
                self._steps[b].append(Step(b, a, corr, reverse=True))

    def framework(self, code: str) -> Framework:
        try:
            return self.frameworks[code.upper()]
        except KeyError:
            raise UnknownFramework(code=code) from None

    def level(self, level_id: str) -> Level:
        return self._levels[level_id]

    def map_level(self, level: Level, target_code: str) -> LevelMapping:
        """Every level of the target framework that published referencing supports, with paths."""
        target = self.framework(target_code)
        source_fw = level.framework_code
        found: dict[str, list[Path]] = defaultdict(list)
        if source_fw == target.code:
            found[level.id].append(Path(()))
        else:
            self._walk(level.id, target.code, source_fw, (), found)
        matches = [
            Match(self._levels[lid], tuple(sorted(paths, key=Path.sort_key))) for lid, paths in found.items()
        ]
        matches.sort(key=lambda m: (m.best.sort_key(), m.level.rank))
        gaps = tuple(
            g
            for g in self._gaps.get(level.id, ())
            if g.framework == target.code or self._is_meta(g.framework)
        )
        programme = tuple(
            p
            for p in self._programme.get(level.id, ())
            if {self._levels[p.source_level].framework_code, self._levels[p.target_level].framework_code}
            == {source_fw, target.code}
        )
        studies = tuple(s for s in self.studies if {source_fw, target.code} <= set(s.frameworks))
        return LevelMapping(level, target, tuple(matches), gaps, programme, studies)

    def _is_meta(self, code: str) -> bool:
        fw = self.frameworks.get(code)
        return fw is not None and fw.meta_framework

    def _walk(
        self, at: str, target: str, origin: str, steps: tuple[Step, ...], found: dict[str, list[Path]]
    ) -> None:
        if len(steps) == MAX_PATH_EDGES:
            return
        seen = {origin, *(self._levels[s.target].framework_code for s in steps)}
        for step in self._steps.get(at, ()):
            fw = self._levels[step.target].framework_code
            path = (*steps, step)
            if fw == target:
                found[step.target].append(Path(path))
            elif fw not in seen and self._is_meta(fw):
                self._walk(step.target, target, origin, path, found)

    def compare(self, left_code: str, right_code: str) -> list[LevelMapping]:
        """Side by side: each level of the left framework (lowest first) mapped into the right one."""
        left = self.framework(left_code)
        self.framework(right_code)
        return [self.map_level(level, right_code) for level in left.levels]


def parse_correspondence(doc: Mapping[str, Any], default_kind: EdgeKind) -> Correspondence:
    """Build a correspondence from the shipped YAML shape; raise InvalidInput naming the problem."""
    problems: list[str] = []
    try:
        ident = str(doc["id"])
        kind = EdgeKind(str(doc.get("kind") or default_kind))
        relation = str(doc["relation"])
        if relation != NO_AGREED_EQUIVALENT:
            Relation.parse(relation)
        source = _side(doc["from"])
        target = _side(doc["to"])
        confidence = Confidence.parse(doc.get("confidence"))
    except (KeyError, ValueError, TypeError) as exc:
        raise InvalidInput(
            gettext_noop("Correspondence %(id)s is not valid: %(problem)s"),
            id=doc.get("id", "?"),
            problem=str(exc),
        ) from None
    if relation == NO_AGREED_EQUIVALENT and source.levels and target.levels:
        problems.append("a no_agreed_equivalent correspondence has levels on one side only")
    if relation != NO_AGREED_EQUIVALENT and not (source.levels and target.levels):
        problems.append("a correspondence needs levels on both sides")
    notes = Text.parse(doc.get("notes"), "notes", problems)
    scope = Text.parse(doc.get("scope"), "scope", problems)
    if kind is EdgeKind.PROGRAMME_ALIGNMENT and scope is None:
        problems.append("a programme alignment must say which programmes it covers (scope)")
    if problems:
        raise InvalidInput(
            gettext_noop("Correspondence %(id)s is not valid: %(problem)s"),
            id=doc.get("id", "?"),
            problem="; ".join(problems),
        )
    return Correspondence(
        id=ident,
        kind=kind,
        source=source,
        target=target,
        relation=relation,
        basis=str(doc.get("basis") or ""),
        published=_optional_str(doc.get("published") or doc.get("decided")),
        symmetric=bool(doc.get("symmetric", kind is EdgeKind.PUBLISHED)),
        confidence=confidence,
        notes=notes,
        scope=scope,
        sources=tuple(doc.get("sources") or ()),
    )


def parse_study(doc: Mapping[str, Any]) -> Study:
    problems: list[str] = []
    notes = Text.parse(doc.get("notes"), "notes", problems)
    return Study(
        frameworks=tuple(str(f) for f in doc.get("frameworks") or ()),
        status=str(doc.get("status") or ""),
        notes=notes,
        sources=tuple(doc.get("sources") or ()),
        confidence=Confidence.parse(doc.get("confidence"), default=Confidence.LOW),
    )


def _optional_str(raw: Any) -> str | None:
    return None if raw is None else str(raw)


def _side(raw: Mapping[str, Any]) -> Side:
    return Side(
        framework=str(raw["framework"]).upper(), levels=tuple(str(x) for x in raw.get("levels") or ())
    )


def check_levels_exist(
    correspondences: Iterable[Correspondence], frameworks: Mapping[str, Framework]
) -> None:
    """Reject correspondences that name frameworks or levels that do not exist (used on import)."""
    known = {lv.id for fw in frameworks.values() for lv in fw.levels}
    problems = []
    for corr in correspondences:
        for side in (corr.source, corr.target):
            if side.framework not in frameworks:
                problems.append(f"{corr.id}: unknown framework {side.framework}")
            problems.extend(f"{corr.id}: unknown level {lv}" for lv in side.levels if lv not in known)
    if problems:
        raise InvalidInput(
            gettext_noop("Some correspondences name levels that do not exist: %(problems)s"),
            problems="; ".join(problems),
        )
