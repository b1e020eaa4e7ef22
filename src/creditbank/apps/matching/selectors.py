"""Reads for matching: what the register teaches, an entry's skills, the postings one may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from creditbank.apps.accounts.permissions import role_of
from creditbank.apps.accounts.principals import person_of, via_key_of
from creditbank.apps.deposits.models import LearningOutcome, OutcomeStatus
from creditbank.apps.matching.models import JobPosting, TagStatus, UnitSkill
from creditbank.apps.register.models import RegisterEntry
from creditbank.apps.register.selectors import accredited_on
from creditbank.core.matching import Holder, rarity


@dataclass(frozen=True)
class Teaching:
    """What each accredited entry valid today teaches: its confirmed skills if its institution has
    decided, else the skills suggested from its text (rejected ones never)."""

    holders: list[Holder]  # key: the entry's id
    rarity: dict[str, float]
    confirmed: set[int]  # entries whose skills were decided


def teaching(today: date) -> Teaching:
    skills, confirmed = skills_of(accredited_on(today))
    holders = [Holder(str(e), frozenset(s)) for e, s in sorted(skills.items())]
    return Teaching(holders, rarity(holders), confirmed)


def effective_tags() -> QuerySet[UnitSkill]:
    """The skills entries teach, as matching counts them: an entry's confirmed skills once its
    institution has confirmed any, else those suggested from its text; rejected ones never."""
    decided = UnitSkill.objects.filter(entry_id=OuterRef("entry_id"), status=TagStatus.CONFIRMED)
    return UnitSkill.objects.filter(
        Q(status=TagStatus.CONFIRMED) | (Q(status=TagStatus.SUGGESTED) & ~Exists(decided))
    )


def skills_of(entries: QuerySet[RegisterEntry]) -> tuple[dict[int, set[str]], set[int]]:
    """What each of these entries teaches (``effective_tags``), and which entries were decided."""
    skills: dict[int, set[str]] = defaultdict(set)
    decided: set[int] = set()
    for entry_id, skill, status in (
        effective_tags().filter(entry__in=entries).values_list("entry_id", "skill", "status")
    ):
        skills[entry_id].add(skill)
        if status == TagStatus.CONFIRMED:
            decided.add(entry_id)
    return dict(skills), decided


def learner_skills(learner_id: int) -> dict[str, list[int]]:
    """The skills a learner's recorded outcomes show (pending ones wait for review and do not count),
    each with the outcomes that show it."""
    outcomes = LearningOutcome.objects.filter(learner_id=learner_id, status=OutcomeStatus.RECORDED)
    by_entry: dict[int, list[int]] = defaultdict(list)
    for outcome_id, entry_id in outcomes.values_list("pk", "entry_id"):
        by_entry[entry_id].append(outcome_id)
    skills, _decided = skills_of(RegisterEntry.objects.filter(pk__in=list(by_entry)))
    held: dict[str, list[int]] = defaultdict(list)
    for entry_id, taught in skills.items():
        for skill in taught:
            held[skill].extend(by_entry[entry_id])
    return dict(held)


def public_postings() -> QuerySet[JobPosting]:
    return JobPosting.objects.filter(public=True)


def entry_skills(entry: RegisterEntry) -> list[UnitSkill]:
    """An entry's skills, confirmed first, then suggested, then rejected."""
    order = {TagStatus.CONFIRMED: 0, TagStatus.SUGGESTED: 1, TagStatus.REJECTED: 2}
    return sorted(UnitSkill.objects.filter(entry=entry), key=lambda t: (order[TagStatus(t.status)], t.skill))


def postings_for(actor: Any) -> QuerySet[JobPosting]:
    """The postings one may see: the bank's operators all, everyone else those they posted."""
    if role_of(actor) == "operator":
        return JobPosting.objects.all()
    if key := via_key_of(actor):
        return JobPosting.objects.filter(posted_via_key=key)
    person = person_of(actor)
    return JobPosting.objects.filter(posted_by=person) if person else JobPosting.objects.none()
