"""Harmonising regional recognition standards: the use case shared by the page, the API and the CLI.

The bank's operators bring each region's standard (documented YAML shape, see docs/standards.md), the
core aligns and classifies the rules, applies the operator's choices, and the result is the unified
standard with every decision and a diff against each region's original.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.frameworks.selectors import registry
from creditbank.apps.recognition.agreements import unit_profiles
from creditbank.core.errors import DomainError, InvalidInput, gettext_noop
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
