"""Qualifications frameworks: levels, their order, and descriptor domains.

Every framework keeps its own level labels, and each level also has a ``rank`` where 1 is the
lowest level in every framework. Frameworks numbered downwards (China's vocational certificates:
level 1 is the highest) are ``descending``; everything that compares levels uses ``rank`` only.
"""

from __future__ import annotations

import enum
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from creditbank.core.errors import InvalidFrameworkDocument, InvalidLevelReference, UnknownLevel, gettext_noop
from creditbank.core.texts import Text


class Order(enum.StrEnum):
    ASCENDING = "ascending"
    DESCENDING = "descending"


class Confidence(enum.IntEnum):
    """How well a fact is supported; composing facts can only keep or lower it."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        """'high', 'medium' or 'low': a CSS class and a message id."""
        return {3: gettext_noop("high"), 2: gettext_noop("medium"), 1: gettext_noop("low")}[self.value]

    def lowered(self) -> Confidence:
        return Confidence(max(self.value - 1, Confidence.LOW.value))

    @classmethod
    def parse(cls, raw: Any, *, default: Confidence | None = None) -> Confidence:
        if raw is None and default is not None:
            return default
        try:
            return cls[str(raw).upper()]
        except KeyError:
            raise ValueError(f"confidence must be high, medium or low, not {raw!r}") from None


FRAMEWORK_CODE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")
KINDS = ("national", "regional", "meta", "sectoral", "institutional", "proposed")
STATUSES = ("in_force", "proposed", "pilot", "superseded")


@dataclass(frozen=True, slots=True)
class Domain:
    key: str
    name: Text


@dataclass(frozen=True, slots=True)
class Level:
    id: str
    key: str
    number: int | None
    rank: int
    label: Text
    summary: Text | None
    typical_qualifications: tuple[Text, ...]

    @property
    def framework_code(self) -> str:
        return self.id[: -len(self.key) - 1]


@dataclass(frozen=True, slots=True)
class Framework:
    code: str
    edition: str
    name: Text
    short_name: Text
    jurisdiction: Text
    region: str
    kind: str
    meta_framework: bool
    status: str
    order: Order
    order_confidence: Confidence
    domains: tuple[Domain, ...]
    levels: tuple[Level, ...]  # from rank 1 (lowest) upwards
    credit_system: str | None
    summary_confidence: Confidence | None
    notes: Text | None
    sources: tuple[str, ...]
    confidence: Confidence

    @property
    def top_rank(self) -> int:
        return len(self.levels)

    def level(self, reference: str) -> Level:
        """Find a level by id ('HKQF-4'), key ('4', 'senior') or own number, case-insensitively."""
        wanted = reference.strip()
        prefix = f"{self.code}-"
        if wanted.upper().startswith(prefix):
            wanted = wanted[len(prefix) :]
        for level in self.levels:
            if level.key.lower() == wanted.lower():
                return level
        raise UnknownLevel(
            framework=self.code, level=reference, levels=", ".join(lv.key for lv in self.levels_by_label)
        )

    def by_rank(self, rank: int) -> Level:
        return self.levels[rank - 1]

    @property
    def levels_by_label(self) -> tuple[Level, ...]:
        """Levels in the framework's own reading order (descending frameworks start at their level 1)."""
        return self.levels if self.order is Order.ASCENDING else tuple(reversed(self.levels))


def parse_level_reference(reference: str) -> tuple[str, str]:
    """Split 'HKQF:4' into framework and level.

    Only the colon form is accepted: a dash is ambiguous because codes contain dashes (CN-PLLQF-3).
    """
    if ":" in reference:
        code, _, level = reference.partition(":")
        if code.strip() and level.strip():
            return code.strip().upper(), level.strip()
    raise InvalidLevelReference(reference=reference)


def parse_framework(doc: Mapping[str, Any]) -> Framework:
    """Validate a framework document (the shipped YAML shape) and build the Framework.

    All problems are collected and reported together, so an operator fixes a file in one pass.
    """
    problems: list[str] = []
    if not isinstance(doc, Mapping):
        raise InvalidFrameworkDocument(problems="the document must be a mapping")
    code = str(doc.get("code") or "").strip().upper()
    if not FRAMEWORK_CODE.match(code):
        problems.append("code: use capital letters, digits and dashes, e.g. HKQF or CN-PLLQF")
    edition = str(doc.get("edition") or "").strip()
    if not edition:
        problems.append("edition: required, e.g. 2026-11")
    name = Text.parse(doc.get("name"), "name", problems, required=True)
    short_name = Text.parse(doc.get("short_name"), "short_name", problems) or name
    jurisdiction = Text.parse(doc.get("jurisdiction"), "jurisdiction", problems, required=True)
    kind = str(doc.get("kind") or "")
    if kind not in KINDS:
        problems.append(f"kind: one of {', '.join(KINDS)}")
    status = str(doc.get("status") or "")
    if status not in STATUSES:
        problems.append(f"status: one of {', '.join(STATUSES)}")
    try:
        order = Order(str(doc.get("order")))
    except ValueError:
        problems.append("order: ascending or descending")
        order = Order.ASCENDING
    domains = _parse_domains(doc.get("domains") or [], problems)
    levels = _parse_levels(code, order, doc.get("levels"), problems)
    order_confidence = _confidence(doc.get("order_confidence"), "order_confidence", problems, Confidence.HIGH)
    summary_confidence = (
        None
        if doc.get("summary_confidence") is None
        else _confidence(doc.get("summary_confidence"), "summary_confidence", problems, None)
    )
    confidence = _confidence(doc.get("confidence"), "confidence", problems, None)
    notes = Text.parse(doc.get("notes"), "notes", problems)
    sources = doc.get("sources") or []
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        problems.append("sources: a list of URLs or document names")
        sources = []
    credit_system = doc.get("credit_system")
    if credit_system is not None and not isinstance(credit_system, str):
        problems.append("credit_system: a credit system code or null")
    if problems:
        raise InvalidFrameworkDocument(problems="; ".join(problems))
    assert name is not None
    assert jurisdiction is not None
    assert short_name is not None
    return Framework(
        code=code,
        edition=edition,
        name=name,
        short_name=short_name,
        jurisdiction=jurisdiction,
        region=str(doc.get("region") or ""),
        kind=kind,
        meta_framework=bool(doc.get("meta_framework")),
        status=status,
        order=order,
        order_confidence=order_confidence,
        domains=domains,
        levels=levels,
        credit_system=credit_system,
        summary_confidence=summary_confidence,
        notes=notes,
        sources=tuple(sources),
        confidence=confidence,
    )


def _confidence(raw: Any, where: str, problems: list[str], default: Confidence | None) -> Confidence:
    try:
        return Confidence.parse(raw, default=default)
    except ValueError as exc:
        problems.append(f"{where}: {exc}")
        return Confidence.LOW


def _parse_domains(raw: Iterable[Any], problems: list[str]) -> tuple[Domain, ...]:
    domains = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping) or not str(item.get("key") or "").strip():
            problems.append(f"domains[{i}]: needs a key and a name")
            continue
        name = Text.parse(item.get("name"), f"domains[{i}].name", problems)
        if name is not None:
            domains.append(Domain(key=str(item["key"]), name=name))
    return tuple(domains)


def _parse_levels(code: str, order: Order, raw: Any, problems: list[str]) -> tuple[Level, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append("levels: a non-empty list")
        return ()
    levels: list[Level] = []
    for i, item in enumerate(raw):
        where = f"levels[{i}]"
        if not isinstance(item, Mapping):
            problems.append(f"{where}: must be a mapping")
            continue
        key = str(item.get("key") or "").strip()
        level_id = str(item.get("id") or f"{code}-{key}")
        if not key or level_id != f"{code}-{key}":
            problems.append(f"{where}: id must be {code}-<key>")
        rank = item.get("rank")
        if not isinstance(rank, int) or isinstance(rank, bool) or rank < 1:
            problems.append(f"{where}: rank must be a whole number from 1 (the lowest level)")
            continue
        number = item.get("number")
        if number is not None and (not isinstance(number, int) or isinstance(number, bool)):
            problems.append(f"{where}: number must be a whole number or null")
            number = None
        label = Text.parse(item.get("label"), f"{where}.label", problems, required=True)
        summary = Text.parse(item.get("summary"), f"{where}.summary", problems)
        typical = tuple(
            t
            for j, raw_t in enumerate(item.get("typical_qualifications") or [])
            if (t := Text.parse(raw_t, f"{where}.typical_qualifications[{j}]", problems)) is not None
        )
        if label is not None:
            levels.append(Level(level_id, key, number, rank, label, summary, typical))
    levels.sort(key=lambda lv: lv.rank)
    ranks = [lv.rank for lv in levels]
    if ranks != list(range(1, len(levels) + 1)):
        problems.append(
            f"levels: ranks must be exactly 1..{len(levels)} with no gaps or repeats, got {ranks}"
        )
    keys = [lv.key for lv in levels]
    if len(set(keys)) != len(keys):
        problems.append("levels: keys must be unique")
    numbered = [lv for lv in levels if lv.number is not None]
    if len(numbered) > 1:
        increasing = all(a.number < b.number for a, b in itertools.pairwise(numbered))  # type: ignore[operator]
        decreasing = all(a.number > b.number for a, b in itertools.pairwise(numbered))  # type: ignore[operator]
        if order is Order.ASCENDING and not increasing:
            problems.append("levels: an ascending framework's level numbers must rise with rank")
        if order is Order.DESCENDING and not decreasing:
            problems.append("levels: a descending framework's level numbers must fall as rank rises")
    return tuple(levels)
