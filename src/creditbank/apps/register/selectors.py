"""Reads of the register: the public search (accredited entries only) and an institution's own list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from creditbank.apps.accounts.permissions import Action, allowed
from creditbank.apps.frameworks.selectors import registry
from creditbank.apps.register.models import RegisterEntry, Status

PAGE_SIZE = 50


@dataclass(frozen=True)
class Search:
    q: str = ""
    framework: str = ""
    min_level: str = ""  # a level of ``framework`` as it numbers them; entries at or above it
    kind: str = ""
    sector: str = ""
    owner: str = ""
    entry_type: str = ""

    @property
    def min_rank(self) -> int | None:
        """The level as a rank, so descending frameworks compare correctly; raises for an unknown level."""
        if not (self.framework and self.min_level):
            return None
        return registry().framework(self.framework).level(self.min_level).rank


def accredited_on(day: date) -> QuerySet[RegisterEntry]:
    """Entries accredited and valid on the day: the ones that carry credit then."""
    return RegisterEntry.objects.filter(status=Status.ACCREDITED, valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def public_register(search: Search, *, today: date) -> QuerySet[RegisterEntry]:
    """Accredited entries valid today, matching the search; newest version of each code."""
    entries = accredited_on(today).select_related("owner")
    if search.q:
        words = search.q.split()
        for word in words:
            entries = entries.filter(
                Q(code__icontains=word)
                | Q(title_en__icontains=word)
                | Q(title_zh__icontains=word)
                | Q(outcomes_en__icontains=word)
                | Q(outcomes_zh__icontains=word)
            )
    if search.framework:
        entries = entries.filter(framework=search.framework.upper())
        if (min_rank := search.min_rank) is not None:
            entries = entries.filter(level_rank__gte=min_rank)
    for field in ("kind", "sector", "entry_type"):
        if value := getattr(search, field):
            entries = entries.filter(**{field: value})
    if search.owner:
        entries = entries.filter(owner__code=search.owner)
    return entries.order_by("framework", "-level_rank", "code")


def own_register(actor: Any, institution_id: int) -> QuerySet[RegisterEntry]:
    """Every entry of one institution, in every status, for its staff (and operators)."""
    if not allowed(actor, Action.MANAGE_REGISTER, institution_id=institution_id):
        return RegisterEntry.objects.none()
    return RegisterEntry.objects.filter(owner_id=institution_id).order_by("status", "code", "-version")


def visible_entry(actor: Any, entry: RegisterEntry) -> bool:
    """Accredited entries are public; drafts and decisions in progress only for their owner."""
    return entry.status in (Status.ACCREDITED, Status.WITHDRAWN) or allowed(
        actor, Action.MANAGE_REGISTER, institution_id=entry.owner_id
    )
