"""Writes for recognition: publishing and retiring rules, setting a qualification's credit policy.

Each write checks permission first, validates everything (all problems at once), stores, and
appends its ledger entry in the same transaction: a rule version is part of what decisions cite.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db import IntegrityError, transaction

import creditbank
from creditbank.apps.accounts.institutions import acting_institution
from creditbank.apps.accounts.models import Institution
from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.accounts.principals import person_of, via_key_of
from creditbank.apps.frameworks.selectors import registry
from creditbank.apps.ledger.services import Event, ledger_append
from creditbank.apps.recognition.models import (
    AgreementStatus,
    QualificationPolicy,
    RecognitionRule,
    RuleStatus,
)
from creditbank.apps.register.models import EntryType, RegisterEntry
from creditbank.core.caps import Policy, parse_policy, policy_document
from creditbank.core.errors import Conflict, InvalidInput, NotFound, gettext_noop
from creditbank.core.rules import InvalidRule, Rule, TargetKind, parse_rule, rule_document

PRESETS_DIR = Path(creditbank.__file__).parent / "data" / "policies"


@cache
def presets() -> dict[str, Policy]:
    """The shipped reference policies (Korean ACBS, Guangdong 2025, Hong Kong examples), by code."""
    found = (
        parse_policy(yaml.safe_load(p.read_text(encoding="utf-8")))
        for p in sorted(PRESETS_DIR.glob("*.yaml"))
    )
    return {policy.code: policy for policy in found}


def rule_get(code: str, version: int | None = None) -> RecognitionRule:
    rules = RecognitionRule.objects.select_related("owner").filter(code=code.strip().upper())
    rule = rules.filter(version=version).first() if version else rules.order_by("-version").first()
    if rule is None:
        raise NotFound(gettext_noop("There is no recognition rule %(code)s."), code=code)
    return rule


def rule_of(record: RecognitionRule) -> Rule:
    """The core rule a stored version holds."""
    return parse_rule(record.document, registry().frameworks, version=record.version, owner=record.owner.code)


def _check_against_register(rule: Rule, owner: Institution) -> list[str]:
    """What the register must hold for the rule to make sense: every problem, by path."""
    problems: list[str] = []
    reg = registry()
    if rule.qualification:
        qual = RegisterEntry.objects.filter(code=rule.qualification).order_by("-version").first()
        if qual is None or qual.entry_type != EntryType.QUALIFICATION:
            problems.append(f"qualification: {rule.qualification} is not a qualification in the register")
        elif qual.owner_id != owner.pk:
            problems.append(
                f"qualification: {rule.qualification} belongs to {qual.owner.code}, not {owner.code}"
            )
        elif rule.target.kind is TargetKind.BLOCK and rule.target.system != qual.credit_system:
            problems.append(
                f"target.system: {rule.qualification} counts {qual.credit_system} credits, not {rule.target.system}"
            )
    if rule.target.kind is TargetKind.EXEMPTION:
        unit = RegisterEntry.objects.filter(code=rule.target.unit).order_by("-version").first()
        if unit is None or unit.owner_id != owner.pk:
            problems.append(f"target.exempt: {rule.target.unit} is not a unit of {owner.code}")
    elif rule.target.system not in reg.credit_systems:
        problems.append(f"target.system: one of {', '.join(sorted(reg.credit_systems))}")
    if rule.source.system and rule.source.system not in reg.credit_systems:
        problems.append(f"source.system: {rule.source.system} is not a credit system")
    if rule.source.units:
        known = set(RegisterEntry.objects.filter(code__in=rule.source.units).values_list("code", flat=True))
        missing = sorted(set(rule.source.units) - known)
        if missing:
            problems.append(f"source.units: not in the register: {', '.join(missing)}")
    if rule.source.institutions:
        known = set(
            Institution.objects.filter(code__in=rule.source.institutions).values_list("code", flat=True)
        )
        missing = sorted(set(rule.source.institutions) - known)
        if missing:
            problems.append(f"source.institutions: no such institution: {', '.join(missing)}")
    return problems


def rule_event(kind: str, record: RecognitionRule) -> Event:
    return Event(
        kind,
        f"rule:{record.code}:{record.version}",
        {
            "code": record.code,
            "version": record.version,
            "owner": record.owner.code,
            "status": record.status,
            "agreement": record.agreement.code if record.agreement else None,
            "rule": record.document,
        },
    )


def rule_publish(*, actor: Any, doc: Mapping[str, Any], owner_code: str | None = None) -> RecognitionRule:
    """Publish a rule, or a new version of one: the previous version is kept, marked superseded."""
    from creditbank.apps.recognition.agreements import (
        agreement_check_rule,
        agreement_get,
        agreement_rule_added,
    )

    owner = acting_institution(actor, owner_code or doc.get("owner"), Action.MANAGE_RECOGNITION)
    body = {k: v for k, v in doc.items() if k not in ("owner", "agreement")}
    agreement = None
    if doc.get("agreement"):  # a rule of a mutual-recognition agreement: the bank drafts those
        require(actor, Action.MANAGE_AGREEMENTS)
        agreement = agreement_get(str(doc["agreement"]))
        body = agreement_check_rule(agreement, body, owner)
    code = str(body.get("code") or "").strip().upper()
    previous = RecognitionRule.objects.filter(code=code).order_by("-version").first() if code else None
    if previous is not None and previous.owner_id != owner.pk:
        raise Conflict(
            gettext_noop("Rule code %(code)s belongs to %(owner)s; choose another code."),
            code=code,
            owner=previous.owner.code,
        )
    rule = parse_rule(
        body, registry().frameworks, version=(previous.version + 1) if previous else 1, owner=owner.code
    )
    problems = _check_against_register(rule, owner)
    if problems:
        raise InvalidRule(problems="; ".join(problems))
    try:
        with transaction.atomic():
            if previous is not None:
                RecognitionRule.objects.filter(code=rule.code, status=RuleStatus.ACTIVE).update(
                    status=RuleStatus.SUPERSEDED, status_note=f"superseded by version {rule.version}"
                )
            record = RecognitionRule.objects.create(
                code=rule.code,
                version=rule.version,
                owner=owner,
                qualification=rule.qualification or "",
                agreement=agreement,
                title=rule.title[:200],
                document=rule_document(rule),
                valid_from=rule.valid_from,
                valid_to=rule.valid_to,
                created_by=person_of(actor),
                created_via_key=via_key_of(actor),
            )
            if agreement is not None:
                agreement_rule_added(agreement)
            ledger_append([rule_event("rule.published", record)])
    except IntegrityError:  # another version was published at the same moment
        raise Conflict(
            gettext_noop("Rule %(code)s changed while you were publishing; try again."), code=rule.code
        ) from None
    return record


def rule_retire(*, actor: Any, code: str, reason: str) -> RecognitionRule:
    """Stop using a rule for new proposals; decisions that cited it keep citing it."""
    record = rule_get(code)
    require(actor, Action.MANAGE_RECOGNITION, institution_id=record.owner_id)
    if record.agreement is not None:
        require(actor, Action.MANAGE_AGREEMENTS)
        if record.agreement.status == AgreementStatus.IN_FORCE:
            raise Conflict(
                gettext_noop(
                    "Rule %(code)s is part of agreement %(agreement)s, which is in force; the parties "
                    "change it by a new agreement."
                ),
                code=record.code,
                agreement=record.agreement.code,
            )
    if not reason.strip():
        raise InvalidInput(gettext_noop("Give a reason for retiring the rule."))
    if record.status != RuleStatus.ACTIVE:
        raise Conflict(
            gettext_noop("Rule %(code)s is not in use, so it cannot be retired."), code=record.code
        )
    record.status = RuleStatus.RETIRED
    record.status_note = reason.strip()
    with transaction.atomic():
        record.save(update_fields=["status", "status_note"])
        ledger_append([rule_event("rule.retired", record)])
    return record


def policy_set(
    *, actor: Any, qualification: str, preset: str = "", document: Mapping[str, Any] | None = None
) -> QualificationPolicy:
    """Choose the caps a qualification applies to incoming credit: a shipped preset or a document."""
    entry = RegisterEntry.objects.filter(code=qualification.strip().upper()).order_by("-version").first()
    if entry is None or entry.entry_type != EntryType.QUALIFICATION:
        raise NotFound(gettext_noop("There is no qualification %(code)s."), code=qualification)
    require(actor, Action.MANAGE_RECOGNITION, institution_id=entry.owner_id)
    if bool(preset) == bool(document):
        raise InvalidInput(gettext_noop("Give either a preset or a policy document, not both or neither."))
    if preset:
        policy = presets().get(preset.strip().upper())
        if policy is None:
            raise NotFound(
                gettext_noop("There is no policy preset %(code)s; the presets are %(presets)s."),
                code=preset,
                presets=", ".join(sorted(presets())),
            )
    else:
        policy = parse_policy(document)
    with transaction.atomic():
        record, _ = QualificationPolicy.objects.update_or_create(
            qualification=entry.code,
            defaults={
                "preset": policy.code if preset else "",
                "document": policy_document(policy),
                "set_by": person_of(actor),
            },
        )
        ledger_append(
            [
                Event(
                    "policy.set",
                    f"policy:{entry.code}",
                    {"qualification": entry.code, "owner": entry.owner.code, "policy": record.document},
                )
            ]
        )
    return record
