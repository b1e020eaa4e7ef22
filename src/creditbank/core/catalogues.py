"""The published catalogue of recognised learning outcomes (学习成果目录): a yearly edition lists
every accredited unit and qualification with its level, credits and the recognition rules that use
it; editions are compared item by item, field by field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

FIELDS = (
    "title_en", "title_zh", "kind", "owner", "framework", "level", "credits", "credit_system", "sector",
    "valid_from", "valid_to", "rules",
)  # fmt: skip


@dataclass(frozen=True)
class Change:
    code: str
    fields: tuple[tuple[str, Any, Any], ...]  # (field, before, after)


@dataclass(frozen=True)
class CatalogueDiff:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[Change, ...]

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _by_code(items: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {str(item["code"]): item for item in items}


def catalogue_diff(before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]]) -> CatalogueDiff:
    """What the later edition added, removed and changed (by code; fields compared as published)."""
    old, new = _by_code(before), _by_code(after)
    changed = []
    for code in sorted(old.keys() & new.keys()):
        fields = tuple(
            (f, old[code].get(f), new[code].get(f)) for f in FIELDS if old[code].get(f) != new[code].get(f)
        )
        if fields:
            changed.append(Change(code, fields))
    return CatalogueDiff(
        tuple(sorted(new.keys() - old.keys())), tuple(sorted(old.keys() - new.keys())), tuple(changed)
    )
