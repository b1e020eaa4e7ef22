"""Open Badges 3.0 ``OpenBadgeCredential`` documents for accredited learning outcomes.

An outcome becomes an achievement credential: the achievement (the register entry, with its
framework level as an ``Alignment`` and its credit system as a second one, since OB 3.0 has a
number ``creditsAvailable`` but no field for the system it counts in), the subject (the learner's
name as disclosed, and the learner number only as a salted SHA-256 ``IdentityObject`` so a
verifier who is told the number can check it while nobody can read it off the credential), the
result, the credits earned and the status list entries. The document is unsigned: proofs are
added by ``data_integrity.add_proof``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTEXTS = (VC_CONTEXT, OB_CONTEXT)
CREDENTIAL_TYPE = "OpenBadgeCredential"

# OB 3.0 AchievementType values for the register's kinds of entry.
ACHIEVEMENT_TYPES = {
    "degree": "Degree",
    "diploma": "Diploma",
    "certificate": "Certificate",
    "skill_level": "Certificate",
    "x_certificate": "Certification",
    "professional_title": "License",
    "course": "Course",
    "competency": "Competency",
    "module": "Course",
}


@dataclass(frozen=True, slots=True)
class Issuer:
    id: str  # a DID: did:key for self-certifying keys, did:web for institutions with a domain
    name: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Alignment:
    target_name: str
    target_url: str
    target_framework: str
    target_code: str
    target_type: str | None = None  # OB 3.0 AlignmentTargetType, or an ``ext:`` value


@dataclass(frozen=True, slots=True)
class Award:
    """What the bank certifies about one outcome, already in the words it will be issued in."""

    credential_id: str  # urn:uuid:…
    issuer: Issuer
    achievement_id: str  # the register entry's public URL
    achievement_code: str
    name: str
    description: str
    criteria: str
    achievement_type: str
    alignments: Sequence[Alignment]
    credits: Decimal
    result: str
    awarded_on: date
    issued_at: str  # XML Schema dateTime, UTC
    learner_name: str | None  # None: the learner chose not to disclose it
    learner_number_hash: str  # identity_hash(learner number, salt)
    learner_number_salt: str
    language: str = "zh-Hans"
    evidence_url: str | None = None
    status: Sequence[Mapping[str, Any]] = field(default_factory=tuple)


def identity_hash(identifier: str, salt: str) -> str:
    """OB 3.0's hashed identity: ``sha256$`` and the hex digest of the identifier followed by the salt."""
    return "sha256$" + hashlib.sha256((identifier + salt).encode("utf-8")).hexdigest()


def achievement_type(kind: str) -> str:
    """The OB 3.0 achievement type for a register kind; unknown kinds are extensions (``ext:``)."""
    return ACHIEVEMENT_TYPES.get(kind, "ext:" + "".join(part.title() for part in kind.split("_")))


def _number(value: Decimal) -> int | float:
    # OB 3.0 types credits as xsd:float; whole numbers stay integers so JCS and RDF agree on them.
    return int(value) if value == value.to_integral_value() else float(value)


def _alignment(item: Alignment) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": ["Alignment"],
        "targetName": item.target_name,
        "targetUrl": item.target_url,
        "targetFramework": item.target_framework,
        "targetCode": item.target_code,
    }
    if item.target_type:
        out["targetType"] = item.target_type
    return out


def _identities(award: Award) -> list[dict[str, Any]]:
    identities: list[dict[str, Any]] = [
        {
            "type": "IdentityObject",
            "identityType": "identifier",
            "hashed": True,
            "identityHash": award.learner_number_hash,
            "salt": award.learner_number_salt,
        }
    ]
    if award.learner_name:
        identities.append(
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": False,
                "identityHash": award.learner_name,
            }
        )
    return identities


def open_badge_credential(award: Award) -> dict[str, Any]:
    """The unsigned OB 3.0 credential (VC Data Model 2.0) for an award."""
    issuer: dict[str, Any] = {"id": award.issuer.id, "type": ["Profile"], "name": award.issuer.name}
    if award.issuer.url:
        issuer["url"] = award.issuer.url
    achievement: dict[str, Any] = {
        "id": award.achievement_id,
        "type": ["Achievement"],
        "name": award.name,
        "description": award.description,
        "criteria": {"narrative": award.criteria},
        "achievementType": award.achievement_type,
        "humanCode": award.achievement_code,
        "creditsAvailable": _number(award.credits),
        "inLanguage": award.language,
        "creator": issuer,
    }
    if award.alignments:
        achievement["alignment"] = [_alignment(a) for a in award.alignments]
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": _identities(award),
        "achievement": achievement,
        "creditsEarned": _number(award.credits),
        "activityEndDate": f"{award.awarded_on.isoformat()}T00:00:00Z",
    }
    if award.result:
        subject["result"] = [{"type": ["Result"], "value": award.result}]
    credential: dict[str, Any] = {
        "@context": list(CONTEXTS),
        "id": award.credential_id,
        "type": ["VerifiableCredential", CREDENTIAL_TYPE],
        "issuer": issuer,
        "validFrom": award.issued_at,
        "awardedDate": f"{award.awarded_on.isoformat()}T00:00:00Z",
        "name": award.name,
        "credentialSubject": subject,
    }
    if award.evidence_url:
        credential["evidence"] = [{"id": award.evidence_url, "type": ["Evidence"]}]
    if award.status:
        statuses = [dict(s) for s in award.status]
        credential["credentialStatus"] = statuses[0] if len(statuses) == 1 else statuses
    return credential


@dataclass(frozen=True)
class BadgeSummary:
    """What a verifier is shown of a presented credential, read without trusting it (each field may
    be missing); whether it can be trusted is the verification's answer, shown beside it."""

    credential_id: str | None
    issuer_id: str | None
    issuer_name: str | None
    name: str | None
    achievement_id: str | None
    achievement_code: str | None
    achievement_type: str | None
    level_code: str | None
    level_name: str | None
    credit_system: str | None
    credits: str | None
    result: str | None
    awarded: str | None
    learner_name: str | None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _first(value: Any) -> Mapping[str, Any]:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, Mapping) else {}


def _alignment_of(achievement: Mapping[str, Any], target_type: str) -> Mapping[str, Any]:
    items = achievement.get("alignment")
    for item in items if isinstance(items, list) else []:
        if isinstance(item, Mapping) and item.get("targetType") == target_type:
            return item
    return {}


def read_badge(document: Mapping[str, Any]) -> BadgeSummary:
    issuer = document.get("issuer")
    issuer_map = issuer if isinstance(issuer, Mapping) else {}
    subject = _first(document.get("credentialSubject"))
    types = document.get("type")
    # A learner record (CLR) lists many achievements: its summary is the record's, not its first item's.
    is_record = isinstance(types, list) and "ClrCredential" in types
    achievement = {} if is_record else _first(subject.get("achievement"))
    level = _alignment_of(achievement, "ext:QualificationsFrameworkLevel")
    system = _alignment_of(achievement, "ext:CreditSystem")
    identities = subject.get("identifier")
    name = next(
        (
            _text(i.get("identityHash"))
            for i in (identities if isinstance(identities, list) else [])
            if isinstance(i, Mapping) and i.get("identityType") == "name" and i.get("hashed") is False
        ),
        None,
    )
    credits = subject.get("creditsEarned", achievement.get("creditsAvailable"))
    return BadgeSummary(
        credential_id=_text(document.get("id")),
        issuer_id=_text(issuer) or _text(issuer_map.get("id")),
        issuer_name=_text(issuer_map.get("name")),
        name=_text(document.get("name")) or _text(achievement.get("name")),
        achievement_id=_text(achievement.get("id")),
        achievement_code=_text(achievement.get("humanCode")),
        achievement_type=_text(achievement.get("achievementType")),
        level_code=_text(level.get("targetCode")),
        level_name=_text(level.get("targetName")),
        credit_system=_text(system.get("targetCode")),
        credits=str(credits) if isinstance(credits, int | float) and not isinstance(credits, bool) else None,
        result=_text(_first(subject.get("result")).get("value")),
        awarded=_text(document.get("awardedDate")) or _text(subject.get("activityEndDate")),
        learner_name=name,
    )
