"""Issuing credentials for learning outcomes, and revoking, suspending and reinstating them.

Every write checks permission first, runs in one transaction and records a ledger entry; the signed
document is stored exactly as it was handed out.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from creditbank.apps.accounts.models import Institution, Learner
from creditbank.apps.accounts.permissions import ACTION_NAMES, Action, require, role_of
from creditbank.apps.accounts.principals import person_of
from creditbank.apps.credentials import keys, status
from creditbank.apps.credentials.contexts import shipped
from creditbank.apps.credentials.models import Credential, StatusList
from creditbank.apps.deposits.models import LearningOutcome, OutcomeStatus
from creditbank.apps.frameworks.selectors import registry
from creditbank.apps.ledger.services import Event, learner_refs, ledger_append
from creditbank.core.credentials import badges, records
from creditbank.core.credentials.data_integrity import SUITES, add_proof, canonical
from creditbank.core.credentials.multikey import public_multikey
from creditbank.core.credentials.status_list import status_entry
from creditbank.core.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    gettext_noop,
)
from creditbank.core.texts import language_key

LANGUAGES = {"en": "en", "zh_hans": "zh-Hans", "zh_hant": "zh-Hant"}


class OutcomeNotCertifiable(Conflict):
    code = "outcome_not_certifiable"
    template = gettext_noop(
        "Outcome %(outcome)s is %(status)s: only outcomes standing in the bank can be issued as credentials."
    )


class CredentialNotFound(NotFound):
    code = "credential_not_found"
    template = gettext_noop("There is no credential %(credential)s.")


class CredentialRevoked(Conflict):
    code = "credential_revoked"
    template = gettext_noop("Credential %(credential)s is revoked; a revoked credential stays revoked.")


def _outcome(outcome_id: int) -> LearningOutcome:
    outcome = (
        LearningOutcome.objects.select_related("learner", "entry", "institution")
        .filter(pk=outcome_id)
        .first()
    )
    if outcome is None:
        raise NotFound(gettext_noop("There is no outcome %(outcome)s."), outcome=outcome_id)
    return outcome


def _alignments(outcome: LearningOutcome, language: str) -> list[badges.Alignment]:
    reg = registry()
    framework = reg.framework(outcome.framework)
    level = framework.level(outcome.level_id)
    framework_url = status.public_url(reverse("frameworks:detail", args=[framework.code]))
    items = [
        badges.Alignment(
            target_name=f"{framework.short_name.get(language)} {level.label.get(language)}",
            target_url=f"{framework_url}#{level.id}",
            target_framework=framework.name.get(language),
            target_code=level.id,
            target_type="ext:QualificationsFrameworkLevel",
        )
    ]
    try:
        system_name = reg.credit_system(outcome.credit_system).name.get(language)
    except DomainError:
        system_name = outcome.credit_system
    items.append(
        badges.Alignment(
            target_name=f"{outcome.credits.normalize():f} × {system_name}",
            target_url=status.public_url(reverse("frameworks:credit_convert"))
            + f"?from={outcome.credit_system}",
            target_framework=system_name,
            target_code=outcome.credit_system,
            target_type="ext:CreditSystem",
        )
    )
    return items


def _award(
    credential: Credential,
    outcome: LearningOutcome,
    issuer: badges.Issuer,
    language: str,
    now: str,
    statuses: list[dict[str, Any]],
) -> badges.Award:
    entry = outcome.entry
    english = language == "en"
    salt = secrets.token_hex(8)
    evidence = outcome.evidence if outcome.evidence.startswith(("https://", "http://")) else None
    return badges.Award(
        credential_id=f"urn:uuid:{credential.id}",
        issuer=issuer,
        achievement_id=status.public_url(reverse("register:detail", args=[entry.code]))
        + f"?version={entry.version}",
        achievement_code=entry.code,
        name=entry.title_en if english else entry.title_zh,
        description=entry.outcomes_en if english else entry.outcomes_zh,
        criteria=entry.outcomes_en if english else entry.outcomes_zh,
        achievement_type=badges.achievement_type(entry.kind),
        alignments=_alignments(outcome, language),
        credits=outcome.credits,
        result=outcome.result,
        awarded_on=outcome.achieved_on,
        issued_at=now,
        learner_name=outcome.learner.full_name,
        learner_number_hash=badges.identity_hash(outcome.learner.public_id, salt),
        learner_number_salt=salt,
        language=LANGUAGES[language],
        evidence_url=evidence,
        status=statuses,
    )


def _event(kind: str, credential: Credential, **extra: Any) -> Event:
    ref = learner_refs([credential.learner])[credential.learner_id]
    return Event(
        kind,
        f"credential:{credential.id}",
        {
            "credential": str(credential.id),
            "learner": ref,
            "outcome": credential.outcome_id,
            "institution": credential.institution.code if credential.institution else None,
            "key": public_multikey(bytes(credential.key.public_key)),
            "sha256": hashlib.sha256(canonical(credential.document)).hexdigest(),
            **extra,
        },
    )


def credential_issue(
    *, actor: Any, outcome_id: int, suite: str = "eddsa-rdfc-2022", language: str = "zh-hans"
) -> Credential:
    """An Open Badges 3.0 credential for an outcome, signed with its institution's key. Asking again
    for the same outcome, suite and language gives back the credential already issued."""
    outcome = _outcome(outcome_id)
    require(
        actor,
        Action.ISSUE_CREDENTIAL,
        institution_id=outcome.institution_id,
        learner_user_id=outcome.learner.user_id,
    )
    if suite not in SUITES:
        raise InvalidInput(
            gettext_noop("%(suite)s is not a cryptosuite creditbank signs with; choose %(suites)s."),
            suite=suite,
            suites=", ".join(SUITES),
        )
    lang = language_key(language)
    if outcome.status != OutcomeStatus.RECORDED:
        raise OutcomeNotCertifiable(outcome=outcome.pk, status=outcome.get_status_display())
    with transaction.atomic():
        existing = (
            Credential.objects.select_for_update(of=("self",))
            .filter(outcome=outcome, suite=suite, language=lang, revoked_at__isnull=True, key__state="active")
            .first()
        )
        if existing is not None:
            return existing
        key, seed = keys.signing_key(outcome.institution)
        institution = outcome.institution
        issuer = badges.Issuer(
            keys.issuer_id(institution, key), institution.name_en if lang == "en" else institution.name_zh
        )
        revocation, r_index = status.allocate(key, "revocation")
        suspension, s_index = status.allocate(key, "suspension")
        credential = Credential(
            id=uuid.uuid4(),
            learner=outcome.learner,
            outcome=outcome,
            institution=institution,
            key=key,
            suite=suite,
            language=lang,
            revocation_list=revocation,
            revocation_index=r_index,
            suspension_list=suspension,
            suspension_index=s_index,
            issued_by=person_of(actor),
        )
        now = status.timestamp(timezone.now())
        statuses = [
            _status_entry(revocation, r_index, "revocation"),
            _status_entry(suspension, s_index, "suspension"),
        ]
        document = badges.open_badge_credential(_award(credential, outcome, issuer, lang, now, statuses))
        credential.document = add_proof(
            document,
            seed=seed,
            verification_method=keys.verification_method(institution, key),
            created=now,
            suite=suite,
            contexts=shipped(),
        )
        credential.save(force_insert=True)
        ledger_append([_event("credential.issued", credential, suite=suite)])
    return credential


def _status_entry(status_list: StatusList, index: int, purpose: str) -> dict[str, str]:
    return status_entry(status.list_url(status_list), index, purpose, status_list.size)


def _locked(credential_id: str | uuid.UUID) -> Credential:
    try:
        wanted = uuid.UUID(str(credential_id).removeprefix("urn:uuid:"))
    except ValueError:
        raise CredentialNotFound(credential=credential_id) from None
    found = (
        Credential.objects.select_for_update(of=("self",))
        .select_related("learner", "institution", "key", "revocation_list", "suspension_list")
        .filter(pk=wanted)
        .first()
    )
    if found is None:
        raise CredentialNotFound(credential=credential_id)
    return found


def _change(
    actor: Any, credential_id: str | uuid.UUID, reason: str, apply: Callable[[Credential], str]
) -> Credential:
    if not reason.strip():
        raise InvalidInput(gettext_noop("Give the reason: it is kept with the credential and in the ledger."))
    with transaction.atomic():
        credential = _locked(credential_id)
        require(actor, Action.REVOKE_CREDENTIAL, institution_id=credential.institution_id)
        kind = apply(credential)
        credential.status_reason = reason.strip()
        credential.save(update_fields=["revoked_at", "suspended_at", "status_reason"])
        ledger_append([_event(kind, credential, reason=credential.status_reason)])
    return credential


def _revoke(credential: Credential) -> str:
    if credential.revoked_at is not None:
        raise CredentialRevoked(credential=credential.id)
    credential.revoked_at = timezone.now()
    status.set_bit(credential.revocation_list, credential.revocation_index, True)
    return "credential.revoked"


def _suspend(credential: Credential) -> str:
    if credential.revoked_at is not None:
        raise CredentialRevoked(credential=credential.id)
    if credential.suspended_at is not None:
        raise Conflict(
            gettext_noop("Credential %(credential)s is already suspended."), credential=credential.id
        )
    credential.suspended_at = timezone.now()
    status.set_bit(credential.suspension_list, credential.suspension_index, True)
    return "credential.suspended"


def _reinstate(credential: Credential) -> str:
    if credential.revoked_at is not None:
        raise CredentialRevoked(credential=credential.id)
    if credential.suspended_at is None:
        raise Conflict(gettext_noop("Credential %(credential)s is not suspended."), credential=credential.id)
    credential.suspended_at = None
    status.set_bit(credential.suspension_list, credential.suspension_index, False)
    return "credential.reinstated"


def credential_revoke(*, actor: Any, credential_id: str | uuid.UUID, reason: str) -> Credential:
    """Revoke for good: the bit is set in the published revocation list."""
    return _change(actor, credential_id, reason, _revoke)


def credential_suspend(*, actor: Any, credential_id: str | uuid.UUID, reason: str) -> Credential:
    """Suspend while something is looked into; ``credential_reinstate`` lifts it."""
    return _change(actor, credential_id, reason, _suspend)


def credential_reinstate(*, actor: Any, credential_id: str | uuid.UUID, reason: str) -> Credential:
    return _change(actor, credential_id, reason, _reinstate)


def credentials_revoke_for_outcome(outcome: LearningOutcome, reason: str) -> int:
    """Revoke every credential of an outcome the bank has revoked or amended, inside that change's
    transaction; returns how many were revoked."""
    revoked = 0
    for credential in (
        Credential.objects.select_for_update(of=("self",))
        .select_related("learner", "institution", "key", "revocation_list")
        .filter(outcome=outcome, revoked_at__isnull=True)
    ):
        _revoke(credential)
        credential.status_reason = reason
        credential.save(update_fields=["revoked_at", "status_reason"])
        ledger_append([_event("credential.revoked", credential, reason=reason)])
        revoked += 1
    return revoked


def credential_get(*, actor: Any, credential_id: str | uuid.UUID) -> Credential:
    """One issued credential, for the learner it is about, its institution and the bank."""
    try:
        wanted = uuid.UUID(str(credential_id).removeprefix("urn:uuid:"))
    except ValueError:
        raise CredentialNotFound(credential=credential_id) from None
    credential = (
        Credential.objects.select_related("learner", "institution", "key", "outcome__entry")
        .filter(pk=wanted)
        .first()
    )
    if credential is None:
        raise CredentialNotFound(credential=credential_id)
    require(
        actor,
        Action.ISSUE_CREDENTIAL,
        institution_id=credential.institution_id,
        learner_user_id=credential.learner.user_id,
    )
    return credential


def record_issue(
    *, actor: Any, learner: Learner, suite: str = "eddsa-rdfc-2022", language: str = "zh-hans"
) -> Credential:
    """The learner's whole record as a CLR 2.0 credential signed by the bank: every outcome standing
    in the bank as its institution's Open Badges credential (issued now where missing), bundled."""
    if role_of(actor) not in ("learner", "operator"):
        raise PermissionDenied(action=ACTION_NAMES[Action.ISSUE_CREDENTIAL])
    require(actor, Action.ISSUE_CREDENTIAL, learner_user_id=learner.user_id)
    if suite not in SUITES:
        raise InvalidInput(
            gettext_noop("%(suite)s is not a cryptosuite creditbank signs with; choose %(suites)s."),
            suite=suite,
            suites=", ".join(SUITES),
        )
    lang = language_key(language)
    standing = LearningOutcome.objects.filter(learner=learner, status=OutcomeStatus.RECORDED).order_by(
        "achieved_on", "pk"
    )
    if not standing.exists():
        raise InvalidInput(gettext_noop("There is nothing in the record to certify yet."))
    with transaction.atomic():
        badges_issued = [
            credential_issue(actor=actor, outcome_id=o.pk, suite=suite, language=language) for o in standing
        ]
        key, seed = keys.signing_key(None)
        revocation, r_index = status.allocate(key, "revocation")
        suspension, s_index = status.allocate(key, "suspension")
        credential = Credential(
            id=uuid.uuid4(), learner=learner, outcome=None, institution=None, key=key, kind=records.CLR_TYPE,
            suite=suite, language=lang, revocation_list=revocation, revocation_index=r_index,
            suspension_list=suspension, suspension_index=s_index, issued_by=person_of(actor),
        )  # fmt: skip
        now = status.timestamp(timezone.now())
        salt = secrets.token_hex(8)
        unsigned = records.clr_credential(
            credential_id=f"urn:uuid:{credential.id}",
            issuer=badges.Issuer(keys.issuer_id(None, key), BANK_NAMES[lang], status.public_url("/")),
            name=RECORD_NAMES[lang] % {"name": learner.full_name},
            issued_at=now,
            learner_identities=[
                {"type": "IdentityObject", "identityType": "identifier", "hashed": True,
                 "identityHash": badges.identity_hash(learner.public_id, salt), "salt": salt},
                {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": learner.full_name},
            ],
            credentials=[c.document for c in badges_issued],
            status=[
                _status_entry(revocation, r_index, "revocation"),
                _status_entry(suspension, s_index, "suspension"),
            ],
        )  # fmt: skip
        credential.document = add_proof(
            unsigned,
            seed=seed,
            verification_method=keys.verification_method(None, key),
            created=now,
            suite=suite,
            contexts=shipped(),
        )
        credential.save(force_insert=True)
        ledger_append(
            [
                _event(
                    "credential.issued",
                    credential,
                    suite=suite,
                    credential_type=records.CLR_TYPE,
                    contains=len(badges_issued),
                )
            ]
        )
    return credential


BANK_NAMES = {
    "en": "Lifelong Learning Credit Bank",
    "zh_hans": "终身学习学分银行",
    "zh_hant": "終身學習學分銀行",
}
RECORD_NAMES = {
    "en": "Lifelong learning record of %(name)s",
    "zh_hans": "%(name)s的终身学习档案",
    "zh_hant": "%(name)s的終身學習紀錄",
}


def record_current(*, actor: Any, learner: Learner, language: str = "zh-hans") -> Credential:
    """The learner's latest record credential if it still holds exactly the outcomes standing in the
    bank (none revoked since), else a new one: what a printed transcript's QR code leads to."""
    latest = (
        Credential.objects.filter(learner=learner, kind=records.CLR_TYPE, revoked_at__isnull=True)
        .order_by("-issued_at")
        .first()
    )
    if latest is not None:
        held = [
            str(c.get("id", "")).removeprefix("urn:uuid:")
            for c in records.embedded_credentials(latest.document)
        ]
        inner = Credential.objects.filter(pk__in=held)
        standing = set(
            LearningOutcome.objects.filter(learner=learner, status=OutcomeStatus.RECORDED).values_list(
                "pk", flat=True
            )
        )
        if (
            len(held) == inner.count()
            and not inner.filter(revoked_at__isnull=False).exists()
            and set(inner.values_list("outcome_id", flat=True)) == standing
        ):
            require(actor, Action.ISSUE_CREDENTIAL, learner_user_id=learner.user_id)
            return latest
    return record_issue(actor=actor, learner=learner, language=language)


def credentials_issue_batch(
    *,
    actor: Any,
    institution: Institution,
    entry_code: str = "",
    suite: str = "eddsa-rdfc-2022",
    language: str = "zh-hans",
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Issue the institution's credentials for every outcome standing in the bank that has none yet
    (in this suite and language), e.g. a graduating cohort; returns how many were issued. Each is its
    own transaction, so an interrupted run resumes where it stopped when started again."""
    require(actor, Action.ISSUE_CREDENTIAL, institution_id=institution.pk)
    if role_of(actor) == "learner":
        raise PermissionDenied(action=ACTION_NAMES[Action.ISSUE_CREDENTIAL])
    lang = language_key(language)
    has_one = Credential.objects.filter(
        suite=suite, language=lang, revoked_at__isnull=True, outcome__isnull=False
    ).values("outcome_id")  # one subquery: the same credential must match all three
    pending = LearningOutcome.objects.filter(institution=institution, status=OutcomeStatus.RECORDED).exclude(
        pk__in=has_one
    )
    if entry_code:
        pending = pending.filter(entry__code=entry_code.strip().upper())
    ids = list(pending.order_by("pk").values_list("pk", flat=True))
    for done, outcome_id in enumerate(ids, start=1):
        credential_issue(actor=actor, outcome_id=outcome_id, suite=suite, language=language)
        if progress is not None:
            progress(done, len(ids))
    return len(ids)
