"""Reads for recognition: rules in force, a qualification's policy, and a learner's pathway.

``pathway`` is the what-if (资历审核): it loads the learner's bank and the receiving side, asks the
core for the optimal transfer proposal and audits the requirement tree with it, applying nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from creditbank.apps.accounts.models import Learner
from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.deposits.models import LearningOutcome, OutcomeStatus
from creditbank.apps.frameworks.selectors import registry
from creditbank.apps.recognition.models import (
    AgreementStatus,
    ItemDecision,
    QualificationPolicy,
    RecognitionRule,
    RuleStatus,
    TransferItem,
)
from creditbank.apps.recognition.services import rule_of
from creditbank.apps.register.models import EntryType, RegisterEntry, Status
from creditbank.apps.register.selectors import accredited_on
from creditbank.core.caps import NO_CAPS, Policy, parse_policy
from creditbank.core.errors import InvalidInput, NotFound, gettext_noop
from creditbank.core.pathways import Audit, audit
from creditbank.core.requirements import Achievement, CreditRequirement, Requirement, parse_requirements
from creditbank.core.rules import Award, Holding, Match, Rule, UnitFacts
from creditbank.core.transfer import Proposal, matches_for, propose


def rules_listed(
    *, owner: str = "", qualification: str = "", include_inactive: bool = False
) -> QuerySet[RecognitionRule]:
    """Published rules (public: anyone may read how credit is recognised), newest first per code."""
    rules = RecognitionRule.objects.select_related("owner").order_by("code", "-version")
    if not include_inactive:
        rules = rules.filter(status=RuleStatus.ACTIVE)
    if owner:
        rules = rules.filter(owner__code=owner)
    if qualification:
        entry = RegisterEntry.objects.filter(code=qualification.strip().upper()).order_by("-version").first()
        if entry is None:
            return rules.none()
        rules = rules.filter(owner_id=entry.owner_id).filter(
            Q(qualification="") | Q(qualification=entry.code)
        )
    return rules


def rules_in_force(entry: RegisterEntry, on: date) -> list[Rule]:
    """The receiving institution's active rules that apply to this qualification on this date."""
    records = (
        RecognitionRule.objects.select_related("owner")
        .filter(owner_id=entry.owner_id, status=RuleStatus.ACTIVE, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .filter(Q(qualification="") | Q(qualification=entry.code))
        .filter(
            Q(agreement__isnull=True)
            | Q(agreement__status=AgreementStatus.IN_FORCE, agreement__valid_from__lte=on)
            & (Q(agreement__valid_to__isnull=True) | Q(agreement__valid_to__gte=on))
        )
    )
    return [rule_of(r) for r in records]


def policy_of(code: str) -> tuple[Policy, str]:
    """The qualification's policy and the preset it was adopted from ('' when its own or none)."""
    record = QualificationPolicy.objects.filter(qualification=code).first()
    if record is None:
        return NO_CAPS, ""
    return parse_policy(record.document), record.preset


def qualification_get(code: str) -> RegisterEntry:
    entry = (
        RegisterEntry.objects.select_related("owner")
        .filter(code=code.strip().upper(), entry_type=EntryType.QUALIFICATION)
        .order_by("-version")
        .first()
    )
    if entry is None:
        raise NotFound(gettext_noop("There is no qualification %(code)s."), code=code)
    if entry.status != Status.ACCREDITED:
        raise InvalidInput(
            gettext_noop("Qualification %(code)s is not accredited, so no pathway leads to it yet."),
            code=entry.code,
        )
    return entry


def tree_of(entry: RegisterEntry) -> Requirement:
    """The stored requirement tree, or, when the register gives none, the qualification's credits."""
    if entry.requirements:
        return parse_requirements(entry.requirements, registry().frameworks)
    return CreditRequirement(entry.credits, entry.credit_system)


def accepted_items(learner_ids: list[int], qualification: str) -> dict[int, list[TransferItem]]:
    """Items accepted earlier for this qualification, by learner: one query for many learners."""
    items = TransferItem.objects.select_related("rule", "rule__owner").filter(
        learner_id__in=learner_ids, application__qualification=qualification, decision=ItemDecision.ACCEPTED
    )
    by_learner: dict[int, list[TransferItem]] = {}
    for item in items.order_by("pk"):
        by_learner.setdefault(item.learner_id, []).append(item)
    return by_learner


def accepted_matches(
    learner: Learner,
    qualification: str,
    holdings: dict[str, Holding],
    items: list[TransferItem] | None = None,
) -> list[Match]:
    """Transfers decided earlier for this qualification, as the core counts them (they are final:
    the rule version and credit decided are kept, not re-evaluated). An outcome revoked since then
    no longer counts. ``items``: the learner's accepted items when the caller read them in bulk."""
    if items is None:
        items = accepted_items([learner.pk], qualification).get(learner.pk, [])
    return [
        Match(
            rule_of(i.rule),
            holdings[str(i.outcome_id)],
            (),
            Award(i.credits, i.credit_system, i.exempts or None),
        )
        for i in items
        if str(i.outcome_id) in holdings
    ]


HOLDING_FIELDS = (
    "learner_id", "pk", "entry__code", "entry__kind", "outcome_type", "institution__code", "framework",
    "level_id", "level_rank", "entry__sector", "credits", "credit_system", "achieved_on", "result",
)  # fmt: skip


def holdings_by_learner(learner_ids: list[int]) -> dict[int, list[Holding]]:
    """Recorded outcomes as rules see them, by learner, oldest first: one query for many learners,
    read as plain values (a cohort reads millions; model objects cost three times as much)."""
    by_learner: dict[int, list[Holding]] = {}
    rows = (
        LearningOutcome.objects.filter(learner_id__in=learner_ids, status=OutcomeStatus.RECORDED)
        .order_by("achieved_on", "pk")
        .values_list(*HOLDING_FIELDS)
    )
    for (
        learner_id,
        pk,
        unit,
        kind,
        otype,
        institution,
        framework,
        level_id,
        rank,
        sector,
        credits,
        system,
        on,
        result,
    ) in rows:
        by_learner.setdefault(learner_id, []).append(
            Holding(id=str(pk), unit=unit, kind=kind, outcome_type=otype, institution=institution, framework=framework,
                    level=level_id.rsplit("-", 1)[-1], level_rank=rank, sector=sector, credits=credits,
                    credit_system=system, achieved_on=on, result=result)
        )  # fmt: skip
    return by_learner


def holdings_of(learner: Learner) -> list[Holding]:
    return holdings_by_learner([learner.pk]).get(learner.pk, [])


def receiving_units(entry: RegisterEntry, on: date) -> list[RegisterEntry]:
    """The receiving institution's accredited units valid on the date (exemptions, suggestions)."""
    units = accredited_on(on).filter(owner_id=entry.owner_id, entry_type=EntryType.UNIT)
    return list(units.order_by("code", "-version"))


@dataclass(frozen=True)
class Pathway:
    learner: Learner
    qualification: RegisterEntry
    on: date
    policy: Policy
    preset: str
    rules: list[Rule]
    proposal: Proposal
    audit: Audit
    outcomes: dict[str, LearningOutcome]  # by holding id, to show what each counted outcome is
    units: dict[str, RegisterEntry]  # the receiving side's units and every unit named, by code


@dataclass(frozen=True)
class Receiving:
    """Everything about the receiving side that does not depend on the learner: loaded once for a
    what-if, and once for a whole cohort."""

    qualification: RegisterEntry
    on: date
    tree: Requirement
    rules: list[Rule]
    policy: Policy
    preset: str
    facts: dict[str, UnitFacts]
    catalogue: list[Achievement]
    units: dict[str, RegisterEntry]


def receiving(qualification: str, on: date) -> Receiving:
    entry = qualification_get(qualification)
    unit_rows = receiving_units(entry, on)
    policy, preset = policy_of(entry.code)
    return Receiving(
        qualification=entry,
        on=on,
        tree=tree_of(entry),
        rules=rules_in_force(entry, on),
        policy=policy,
        preset=preset,
        facts={
            u.code: UnitFacts(u.code, u.credits, u.credit_system, u.framework, u.level_rank, u.sector)
            for u in unit_rows
        },
        catalogue=[
            Achievement(u.code, u.code, u.credits, u.credit_system, u.framework, u.level_rank, u.sector)
            for u in unit_rows
        ],
        units={u.code: u for u in unit_rows},
    )


def proposal_for(
    side: Receiving, learner: Learner, holdings: list[Holding], accepted: list[TransferItem] | None = None
) -> Proposal:
    """The optimal transfer proposal for one learner's holdings (``accepted``: the learner's
    accepted transfer items, when a cohort read them in bulk)."""
    entry = side.qualification
    # Outcomes of the awarding institution itself count as they are; only the others transfer.
    incoming = [h for h in holdings if h.institution != entry.owner.code]
    matches = matches_for(side.rules, incoming, region=learner.region, units=side.facts, on=side.on)
    decided = accepted_matches(learner, entry.code, {h.id: h for h in holdings}, accepted)
    return propose(matches, side.policy, qualification_credits=entry.credits, on=side.on, accepted=decided)


def evaluate(
    side: Receiving, learner: Learner, holdings: list[Holding], accepted: list[TransferItem] | None = None
) -> tuple[Proposal, Audit]:
    """The optimal proposal and the audit for one learner's holdings."""
    proposal = proposal_for(side, learner, holdings, accepted)
    details = {a.id: a for a in side.catalogue}
    return proposal, audit(side.tree, holdings, proposal, side.catalogue, exempt_details=details)


def pathway(*, actor: Any, learner: Learner, qualification: str, on: date) -> Pathway:
    """What the learner's bank is worth for a qualification today: proposal and audit, applied to nothing."""
    require(actor, Action.AUDIT_PATHWAY, learner_user_id=learner.user_id)
    side = receiving(qualification, on)
    holdings = holdings_of(learner)
    proposal, result = evaluate(side, learner, holdings)
    outcomes = {
        str(o.pk): o
        for o in LearningOutcome.objects.select_related("entry", "institution").filter(
            pk__in=[int(h.id) for h in holdings]
        )
    }
    named = {o.entry.code: o.entry for o in outcomes.values()}
    return Pathway(
        learner, side.qualification, on, side.policy, side.preset, side.rules, proposal, result, outcomes,
        {**named, **side.units},
    )  # fmt: skip


def learner_for(actor: Any, number: str) -> Learner:
    """The learner a pathway is asked for: ``me``, or a learner number. The role is checked before
    the lookup, so that a refused caller does not learn which numbers exist."""
    from creditbank.apps.accounts.learners import learner_of

    require(actor, Action.AUDIT_PATHWAY, learner_user_id=getattr(actor, "pk", None))
    if number.strip().lower() == "me":
        return learner_of(actor)
    learner = Learner.objects.filter(public_id=number.strip().upper()).first()
    if learner is None:
        raise NotFound(gettext_noop("There is no learner %(number)s."), number=number)
    return learner
