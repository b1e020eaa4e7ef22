"""Harmonising regional recognition standards: the use case shared by the page, the API and the CLI.

The bank's operators bring each region's standard (documented YAML shape, see docs/standards.md), the
core aligns and classifies the rules, applies the operator's choices, and the result is the unified
standard with every decision and a diff against each region's original.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.accounts.principals import person_of
from creditbank.apps.frameworks.selectors import registry
from creditbank.apps.ledger.services import Event, ledger_append
from creditbank.apps.recognition.agreements import unit_profiles
from creditbank.apps.recognition.models import RecognitionStandard, StandardKind
from creditbank.core.errors import Conflict, DomainError, InvalidInput, NotFound, gettext_noop
from creditbank.core.harmonise import align, parse_choices, parse_standard, unified_document, unify

MAX_STANDARDS = 40


def standards_harmonise(
    *,
    actor: Any,
    docs: Sequence[tuple[str, Any]],
    choices: Any = None,
    code: str = "GBA-UNIFIED",
    version: str = "1",
    title: str = "Unified recognition standard",
) -> dict[str, Any]:
    """``docs`` are (name, document) pairs, one per region; the answer is the unified standard's
    document, with ``items`` (classification and options) and ``unresolved`` (items still to choose)."""
    require(actor, Action.HARMONISE_STANDARDS)
    if not 2 <= len(docs) <= MAX_STANDARDS:
        raise InvalidInput(gettext_noop("Give between 2 and %(max)s regional standards."), max=MAX_STANDARDS)
    frameworks = registry().frameworks
    standards, problems = [], []
    for name, doc in docs:
        try:
            standards.append(parse_standard(doc, frameworks))
        except DomainError as exc:
            problems.append(f"{name}: {exc.message}")
    if problems:
        raise InvalidInput(
            gettext_noop("The standards are not valid: %(problems)s"), problems=" | ".join(problems)
        )
    items = align(standards, unit_profiles([r for s in standards for r in s.rules]))
    unified = unify(standards, items, parse_choices(choices, frameworks))
    document = unified_document(
        unified, standards, code=code.strip() or "GBA-UNIFIED", version=version, title=title
    )
    decided = {d["item"]: d for d in unified.decisions}
    document["items"] = [
        {
            "item": i.id,
            "kind": i.kind.value,
            "rules": [m.key for m in i.members],
            "options": list(i.options),
            "default": i.default,
            "decision": decided.get(i.id),
        }
        for i in items
    ]
    return document


def diff_summary(document: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    return {region: {k: len(v) for k, v in diff.items()} for region, diff in document["diffs"].items()}


def _next_version(code: str) -> int:
    latest = RecognitionStandard.objects.filter(code=code).order_by("-version").first()
    return latest.version + 1 if latest else 1


def _event(kind: str, record: RecognitionStandard) -> Event:
    return Event(
        kind,
        f"standard:{record.code}:{record.version}",
        {
            "code": record.code,
            "version": record.version,
            "kind": record.kind,
            "region": record.region,
            "standard": record.document,
        },
    )


def standard_import(*, actor: Any, doc: Any) -> RecognitionStandard:
    """Keep a region's standard as a new version of its code (every problem named, nothing stored if any)."""
    require(actor, Action.HARMONISE_STANDARDS)
    standard = parse_standard(doc, registry().frameworks)
    with transaction.atomic():
        record = RecognitionStandard.objects.create(
            code=standard.code,
            version=_next_version(standard.code),
            kind=StandardKind.REGIONAL,
            region=standard.region,
            title=standard.title[:200],
            document=dict(doc),
            created_by=person_of(actor),
        )
        ledger_append([_event("standard.imported", record)])
    return record


def standard_get(code: str, version: int | None = None) -> RecognitionStandard:
    found = RecognitionStandard.objects.filter(code=code.strip().upper())
    record = found.filter(version=version).first() if version else found.order_by("-version").first()
    if record is None:
        raise NotFound(gettext_noop("There is no recognition standard %(code)s."), code=code)
    return record


def standards_latest() -> list[RecognitionStandard]:
    """The newest version of every standard, regional first."""
    latest: dict[str, RecognitionStandard] = {}
    for record in RecognitionStandard.objects.order_by("code", "-version"):
        latest.setdefault(record.code, record)
    return sorted(latest.values(), key=lambda r: (r.kind != StandardKind.REGIONAL, r.code))


def standard_publish(
    *, actor: Any, regional: Sequence[str], choices: Any, code: str, title: str
) -> RecognitionStandard:
    """Harmonise the newest versions of the named regional standards and keep the result as the next
    version of the unified standard. Refused while a conflict still needs a choice."""
    require(actor, Action.HARMONISE_STANDARDS)
    records = [standard_get(c) for c in regional]
    if any(r.kind != StandardKind.REGIONAL for r in records):
        raise InvalidInput(gettext_noop("Harmonise regional standards, not unified ones."))
    code = code.strip().upper() or "GBA-UNIFIED"
    version = _next_version(code)
    document = standards_harmonise(
        actor=actor,
        docs=[(f"{r.code} v{r.version}", r.document) for r in records],
        choices=choices,
        code=code,
        version=str(version),
        title=title,
    )
    if document["unresolved"]:
        raise Conflict(
            gettext_noop("Choose for every conflict before publishing: %(items)s"),
            items=", ".join(document["unresolved"]),
        )
    for source, record in zip(document["derived_from"], records, strict=True):
        source["version"] = record.version  # the stored version that was harmonised
    with transaction.atomic():
        record = RecognitionStandard.objects.create(
            code=code,
            version=version,
            kind=StandardKind.UNIFIED,
            title=title[:200],
            document=document,
            created_by=person_of(actor),
        )
        ledger_append([_event("standard.published", record)])
    return record
