"""A learner's whole record as a CLR 2.0 ``ClrCredential``: the bank bundles the Open Badges
credentials each institution signed, with their achievements, under its own signature.

The embedded credentials keep their own proofs, so a verifier checks the bundle (who assembled it,
and that nothing was added or removed) and each credential (who awarded it) separately."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from creditbank.core.credentials.badges import OB_CONTEXT, VC_CONTEXT, Issuer

CLR_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
OB_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
CLR_TYPE = "ClrCredential"


def _achievement(credential: Mapping[str, Any]) -> Mapping[str, Any] | None:
    subject = credential.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else None
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    return achievement if isinstance(achievement, Mapping) else None


def clr_credential(
    *,
    credential_id: str,
    issuer: Issuer,
    name: str,
    issued_at: str,
    learner_identities: Sequence[Mapping[str, Any]],
    credentials: Sequence[Mapping[str, Any]],
    status: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The unsigned CLR: every signed credential as it is, and each distinct achievement once."""
    achievements: dict[str, Mapping[str, Any]] = {}
    for credential in credentials:
        achievement = _achievement(credential)
        if achievement is not None and isinstance(achievement.get("id"), str):
            achievements.setdefault(achievement["id"], achievement)
    issuer_doc: dict[str, Any] = {"id": issuer.id, "type": ["Profile"], "name": issuer.name}
    if issuer.url:
        issuer_doc["url"] = issuer.url
    document: dict[str, Any] = {
        "@context": [VC_CONTEXT, CLR_CONTEXT, OB_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", CLR_TYPE],
        "issuer": issuer_doc,
        "validFrom": issued_at,
        "name": name,
        "credentialSubject": {
            "type": ["ClrSubject"],
            "identifier": [dict(i) for i in learner_identities],
            "verifiableCredential": [dict(c) for c in credentials],
            "achievement": [dict(a) for a in achievements.values()],
        },
    }
    if status:
        statuses = [dict(s) for s in status]
        document["credentialStatus"] = statuses[0] if len(statuses) == 1 else statuses
    return document


def embedded_credentials(document: Mapping[str, Any]) -> list[Any]:
    """The credentials a CLR carries ([] for anything else)."""
    types = document.get("type")
    if not isinstance(types, list) or CLR_TYPE not in types:
        return []
    subject = document.get("credentialSubject")
    embedded = subject.get("verifiableCredential") if isinstance(subject, Mapping) else None
    return list(embedded) if isinstance(embedded, list) else []
