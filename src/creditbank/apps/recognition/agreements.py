"""Mutual-recognition agreements (互认协议): drafted by the bank, signed by every member, then in force.

An agreement names its parties (two or more alliance members), its scope (sectors, receiving
qualifications), validity and rules. Its rules count outcomes of the other parties only, and only
while the agreement is in force. Before a party signs, the agreement's rules are checked against each
other, against the parties' own rules and against other agreements in force: a conflict (the same
learning worth two different things) blocks signing and is listed for operators. Adding a rule to a
draft asks every party to sign again. Every step is a ledger entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from creditbank.apps.accounts.models import Institution
from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.accounts.principals import person_of
from creditbank.apps.ledger.services import Event, ledger_append
from creditbank.apps.recognition.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    RecognitionRule,
    RuleStatus,
)
from creditbank.apps.recognition.services import rule_of
from creditbank.apps.register.models import RegisterEntry
from creditbank.core.conflicts import RuleConflict, UnitProfile, conflicts
from creditbank.core.errors import Conflict, InvalidInput, NotFound, gettext_noop
from creditbank.core.rules import Rule, parse_date

MAX_PARTIES = 50


def agreement_get(code: str) -> Agreement:
    found = Agreement.objects.filter(code=code.strip().upper()).first()
    if found is None:
        raise NotFound(gettext_noop("There is no agreement %(code)s."), code=code)
    return found


def agreements_listed(*, institution: str = "", include_drafts: bool = False) -> QuerySet[Agreement]:
    found = Agreement.objects.prefetch_related("parties__institution").order_by("code")
    if not include_drafts:
        found = found.exclude(status=AgreementStatus.DRAFT)
    if institution:
        found = found.filter(parties__institution__code=institution).distinct()
    return found


def _event(kind: str, agreement: Agreement, extra: Mapping[str, Any] | None = None) -> Event:
    return Event(
        kind,
        f"agreement:{agreement.code}",
        {
            "code": agreement.code,
            "status": agreement.status,
            "parties": sorted(p.institution.code for p in agreement.parties.select_related("institution")),
            "scope": agreement.scope,
            "valid_from": agreement.valid_from.isoformat(),
            "valid_to": agreement.valid_to.isoformat() if agreement.valid_to else None,
            **(extra or {}),
        },
    )


def _codes(raw: Any, where: str, problems: list[str]) -> list[str]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or not all(isinstance(v, str) and v.strip() for v in raw):
        problems.append(f"{where}: a list of codes")
        return []
    return [v.strip() for v in raw]


def agreement_create(*, actor: Any, doc: Mapping[str, Any]) -> Agreement:
    """Draft an agreement; every problem is named, nothing is stored unless all is well."""
    require(actor, Action.MANAGE_AGREEMENTS)
    problems: list[str] = []
    code = str(doc.get("code") or "").strip().upper()
    if not code or len(code) > 40:
        problems.append("code: up to 40 characters")
    titles = {k: str(doc.get(k) or "").strip() for k in ("title_en", "title_zh")}
    problems += [f"{k}: required" for k, v in titles.items() if not v]
    party_codes = _codes(doc.get("parties"), "parties", problems)
    institutions = {i.code: i for i in Institution.objects.filter(code__in=party_codes)}
    unknown = sorted(set(party_codes) - set(institutions))
    if unknown:
        problems.append(f"parties: no such institution: {', '.join(unknown)}")
    outside = sorted(
        c for c, i in institutions.items() if i.alliance_joined is None or i.alliance_left is not None
    )
    if outside:
        problems.append(f"parties: not members of the alliance: {', '.join(outside)}")
    members = set(institutions) - set(outside)
    if not 2 <= len(members) <= MAX_PARTIES:
        problems.append(f"parties: between 2 and {MAX_PARTIES} alliance members (named: {len(members)})")
    raw_scope = doc.get("scope") or {}
    if not isinstance(raw_scope, Mapping):
        problems.append("scope: a mapping with sectors and qualifications")
        raw_scope = {}
    scope = {
        "sectors": _codes(raw_scope.get("sectors"), "scope.sectors", problems),
        "qualifications": [
            q.upper() for q in _codes(raw_scope.get("qualifications"), "scope.qualifications", problems)
        ],
    }
    valid_from = parse_date(doc.get("valid_from"), "valid_from", problems, required=True)
    valid_to = parse_date(doc.get("valid_to"), "valid_to", problems)
    if valid_from and valid_to and valid_to < valid_from:
        problems.append("valid_to: must not be before valid_from")
    if problems or valid_from is None:
        raise InvalidInput(
            gettext_noop("The agreement is not valid: %(problems)s"), problems="; ".join(problems)
        )
    try:
        with transaction.atomic():
            agreement = Agreement.objects.create(
                code=code,
                scope=scope,
                valid_from=valid_from,
                valid_to=valid_to,
                created_by=person_of(actor),
                **titles,
            )
            AgreementParty.objects.bulk_create(
                [
                    AgreementParty(agreement=agreement, institution=institutions[c])
                    for c in sorted(set(party_codes))
                ]
            )
            ledger_append([_event("agreement.drafted", agreement)])
    except IntegrityError:
        raise Conflict(gettext_noop("Agreement %(code)s exists already."), code=code) from None
    return agreement


def agreement_rules(agreement: Agreement) -> list[Rule]:
    records = RecognitionRule.objects.select_related("owner").filter(
        agreement=agreement, status=RuleStatus.ACTIVE
    )
    return [rule_of(r) for r in records]


def agreement_conflicts(agreement: Agreement) -> list[RuleConflict]:
    """The agreement's rules against each other, the parties' own rules and other agreements in force."""
    parties = list(agreement.parties.values_list("institution_id", flat=True))
    others = (
        RecognitionRule.objects.select_related("owner")
        .filter(owner_id__in=parties, status=RuleStatus.ACTIVE)
        .exclude(agreement=agreement)
        .filter(Q(agreement__isnull=True) | Q(agreement__status=AgreementStatus.IN_FORCE))
    )
    mine, theirs = agreement_rules(agreement), [rule_of(r) for r in others]
    return conflicts(mine, against=theirs, units=unit_profiles([*mine, *theirs]))


def unit_profiles(rules: list[Rule]) -> dict[str, UnitProfile]:
    """The register's facts about every unit the rules name (latest version of each)."""
    codes = {u for r in rules for u in r.source.units}
    profiles: dict[str, UnitProfile] = {}
    for e in (
        RegisterEntry.objects.select_related("owner").filter(code__in=codes).order_by("code", "-version")
    ):
        profiles.setdefault(
            e.code,
            UnitProfile(e.code, e.kind, e.owner.code, e.sector, e.credit_system, e.framework, e.level_rank),
        )
    return profiles


def agreement_check_rule(agreement: Agreement, doc: dict[str, Any], owner: Institution) -> dict[str, Any]:
    """A rule proposed for the agreement: the owner must be a party, the sources other parties, the
    qualification in scope. Returns the document with its source limited to the other parties."""
    if agreement.status != AgreementStatus.DRAFT:
        raise Conflict(
            gettext_noop("Agreement %(code)s is %(status)s; rules are added to drafts only."),
            code=agreement.code,
            status=agreement.get_status_display(),
        )
    parties = set(agreement.parties.values_list("institution__code", flat=True))
    problems = []
    if owner.code not in parties:
        problems.append(f"owner: {owner.code} is not a party to {agreement.code}")
    source = dict(doc.get("source") or {})
    given = source.get("institutions") or []
    if isinstance(given, list) and set(given) - parties:
        problems.append(f"source.institutions: not parties: {', '.join(sorted(set(given) - parties))}")
    source["institutions"] = given or sorted(parties - {owner.code})
    in_scope = agreement.scope.get("qualifications") or []
    qualification = str(doc.get("qualification") or "").strip().upper()
    if in_scope and qualification not in in_scope:
        problems.append(f"qualification: {agreement.code} covers {', '.join(in_scope)}")
    if problems:
        raise InvalidInput(
            gettext_noop("The rule does not fit the agreement: %(problems)s"), problems="; ".join(problems)
        )
    return {**doc, "source": source}


def agreement_sign(*, actor: Any, code: str) -> Agreement:
    """Sign for the actor's institution; the last signature puts the agreement in force."""
    agreement = agreement_get(code)
    party = (
        agreement.parties.select_related("institution")
        .filter(institution_id=int(getattr(actor, "institution_id", 0) or 0))
        .first()
    )
    require(actor, Action.SIGN_AGREEMENT, institution_id=party.institution_id if party else -1)
    assert party is not None
    if agreement.status != AgreementStatus.DRAFT:
        raise Conflict(
            gettext_noop("Agreement %(code)s is not a draft; it cannot be signed."), code=agreement.code
        )
    if party.signed_at is not None:
        raise Conflict(
            gettext_noop("%(institution)s has signed %(code)s already."),
            institution=party.institution.code,
            code=agreement.code,
        )
    if not agreement.rules.filter(status=RuleStatus.ACTIVE).exists():
        raise InvalidInput(
            gettext_noop("Agreement %(code)s has no rules yet; there is nothing to sign."),
            code=agreement.code,
        )
    found = agreement_conflicts(agreement)
    if found:
        raise InvalidInput(
            gettext_noop("Agreement %(code)s cannot be signed while its rules conflict: %(conflicts)s"),
            code=agreement.code,
            conflicts="; ".join(c.reason.render() for c in found),
        )
    with transaction.atomic():
        party.signed_at = timezone.now()
        party.signed_by = str(getattr(actor, "username", "") or actor)
        party.save(update_fields=["signed_at", "signed_by"])
        events = [_event("agreement.signed", agreement, {"party": party.institution.code})]
        if not agreement.parties.filter(signed_at__isnull=True).exists():
            agreement.status = AgreementStatus.IN_FORCE
            agreement.save(update_fields=["status"])
            events.append(
                _event(
                    "agreement.in_force", agreement, {"rules": [r.ref for r in agreement_rules(agreement)]}
                )
            )
        ledger_append(events)
    return agreement


def agreement_rule_added(agreement: Agreement) -> None:
    """A new rule changes what was signed: every party signs again."""
    agreement.parties.update(signed_at=None, signed_by="")


def agreement_terminate(*, actor: Any, code: str, reason: str) -> Agreement:
    """End an agreement; transfers decided under it stay decided."""
    require(actor, Action.MANAGE_AGREEMENTS)
    agreement = agreement_get(code)
    if agreement.status == AgreementStatus.TERMINATED:
        raise Conflict(gettext_noop("Agreement %(code)s is terminated already."), code=agreement.code)
    if not reason.strip():
        raise InvalidInput(gettext_noop("Give a reason for terminating the agreement."))
    with transaction.atomic():
        agreement.status = AgreementStatus.TERMINATED
        agreement.status_note = reason.strip()
        agreement.save(update_fields=["status", "status_note"])
        ledger_append([_event("agreement.terminated", agreement)])
    return agreement


def conflicts_in_use(owner: str = "") -> list[RuleConflict]:
    """Conflicts among the rules that count today: institutions' own and those of agreements in force
    (an institution's view: the conflicts its own rules are part of)."""
    records = (
        RecognitionRule.objects.select_related("owner")
        .filter(status=RuleStatus.ACTIVE)
        .filter(Q(agreement__isnull=True) | Q(agreement__status=AgreementStatus.IN_FORCE))
    )
    rules = [rule_of(r) for r in records]
    found = conflicts(rules, units=unit_profiles(rules))
    return [c for c in found if not owner or owner in (c.a.owner, c.b.owner)]
