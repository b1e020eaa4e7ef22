"""Verifying a presented credential: every check a verifier must make, each with its own verdict.

The checks run in the order a person would ask about them: is this a VC 2.0 credential at all; is
its proof good; was it signed by the issuer it names; was that key still trusted; is it within its
validity period; has the issuer revoked or suspended it. Key lookup, status list retrieval and the
time are given by the caller, so the same checks run on the public page, the API, the CLI and in
batch, and nothing here touches the network.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from creditbank.core.credentials.badges import VC_CONTEXT
from creditbank.core.credentials.data_integrity import Contexts, verify_proof
from creditbank.core.credentials.status_list import Outcome, StatusCheck, check_status
from creditbank.core.errors import DomainError, gettext_noop
from creditbank.core.reasons import Reason, reason


class CheckName(enum.StrEnum):
    FORMAT = "format"
    PROOF = "proof"
    ISSUER = "issuer"
    KEY = "key"
    VALIDITY = "validity"
    STATUS = "status"


CHECK_LABELS = {
    CheckName.FORMAT: gettext_noop("Credential format"),
    CheckName.PROOF: gettext_noop("Signature"),
    CheckName.ISSUER: gettext_noop("Issuer"),
    CheckName.KEY: gettext_noop("Signing key"),
    CheckName.VALIDITY: gettext_noop("Validity period"),
    CheckName.STATUS: gettext_noop("Revocation and suspension"),
}


@dataclass(frozen=True)
class KeyFacts:
    """What the caller knows of a verification method's key."""

    public_key: bytes
    controller: str  # the DID the key belongs to
    compromised_since: datetime | None = None


@dataclass(frozen=True)
class Check:
    name: CheckName
    passed: bool | None  # None: not run, because an earlier check failed
    reasons: tuple[Reason, ...]

    @property
    def label(self) -> str:
        return CHECK_LABELS[self.name]


@dataclass(frozen=True)
class Verification:
    checks: tuple[Check, ...]
    statuses: tuple[StatusCheck, ...] = ()
    method: str | None = None

    @property
    def verified(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def failed(self) -> Check | None:
        """The first check that failed: what the verifier is told first."""
        return next((c for c in self.checks if c.passed is False), None)

    @property
    def revoked(self) -> bool:
        return any(s.outcome is Outcome.REVOKED for s in self.statuses)

    @property
    def suspended(self) -> bool:
        return any(s.outcome is Outcome.SUSPENDED for s in self.statuses)


def _fail(name: CheckName, template: str, **params: Any) -> Check:
    return Check(name, False, (reason(template, False, **params),))


def _pass(name: CheckName, template: str, **params: Any) -> Check:
    return Check(name, True, (reason(template, True, **params),))


def issuer_of(document: Mapping[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) and issuer else None


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _format(document: Any) -> Check:
    if not isinstance(document, Mapping):
        return _fail(CheckName.FORMAT, gettext_noop("this is not a JSON object, so it is not a credential"))
    contexts = document.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    if first != VC_CONTEXT:
        return _fail(
            CheckName.FORMAT,
            gettext_noop("the first @context is not %(context)s: this is not a Verifiable Credential 2.0"),
            context=VC_CONTEXT,
        )
    types = document.get("type")
    if not isinstance(types, list) or "VerifiableCredential" not in types:
        return _fail(CheckName.FORMAT, gettext_noop("its type does not include VerifiableCredential"))
    if issuer_of(document) is None:
        return _fail(CheckName.FORMAT, gettext_noop("it names no issuer"))
    if not isinstance(document.get("credentialSubject"), Mapping | list):
        return _fail(CheckName.FORMAT, gettext_noop("it has no credentialSubject"))
    for field in ("validFrom", "validUntil"):
        if field in document and _when(document[field]) is None:
            return _fail(
                CheckName.FORMAT,
                gettext_noop("%(field)s is not a date and time with a time zone"),
                field=field,
            )
    return _pass(
        CheckName.FORMAT,
        gettext_noop("a W3C Verifiable Credential 2.0 (%(types)s)"),
        types=", ".join(str(t) for t in types if t != "VerifiableCredential") or "VerifiableCredential",
    )


def _validity(document: Mapping[str, Any], now: datetime) -> Check:
    valid_from, valid_until = _when(document.get("validFrom")), _when(document.get("validUntil"))
    if valid_from is not None and now < valid_from:
        return _fail(
            CheckName.VALIDITY, gettext_noop("it is valid only from %(when)s"), when=document["validFrom"]
        )
    if valid_until is not None and now >= valid_until:
        return _fail(CheckName.VALIDITY, gettext_noop("it expired on %(when)s"), when=document["validUntil"])
    if valid_until is not None:
        return _pass(CheckName.VALIDITY, gettext_noop("valid until %(when)s"), when=document["validUntil"])
    return _pass(CheckName.VALIDITY, gettext_noop("valid with no end date"))


def _status(statuses: tuple[StatusCheck, ...]) -> Check:
    if not statuses:
        return _pass(
            CheckName.STATUS, gettext_noop("the credential has no status entry: its issuer cannot revoke it")
        )
    bad = [s for s in statuses if s.outcome in (Outcome.REVOKED, Outcome.SUSPENDED, Outcome.UNKNOWN)]
    return Check(CheckName.STATUS, not bad, tuple(s.describe() for s in (bad or statuses)))


def verify_credential(
    document: Any,
    *,
    resolve: Callable[[str], KeyFacts],
    fetch_status: Callable[[str], Mapping[str, Any]],
    contexts: Contexts,
    now: datetime,
) -> Verification:
    """Run every check on a presented credential. ``resolve`` maps a verification method to its key
    (raising ``DomainError`` when it cannot); ``fetch_status`` returns a verified status list
    credential for a URL (raising ``DomainError`` when it cannot)."""
    checks = [_format(document)]
    if not checks[0].passed:
        return Verification(tuple(checks) + tuple(Check(n, None, ()) for n in list(CheckName)[1:]))
    facts: dict[str, KeyFacts] = {}

    def public_key(method: str) -> bytes:
        facts[method] = resolve(method)
        return facts[method].public_key

    proof = verify_proof(document, public_key, contexts=contexts)
    method = proof.verification_method
    if not proof.verified:
        checks.append(Check(CheckName.PROOF, False, proof.problems))
    else:
        checks.append(_pass(CheckName.PROOF, gettext_noop("signed by %(method)s"), method=method))
    key = facts.get(method or "")
    issuer = issuer_of(document)
    if key is None or not proof.verified:
        checks.append(Check(CheckName.ISSUER, None, ()))
        checks.append(Check(CheckName.KEY, None, ()))
    else:
        if key.controller != issuer:
            checks.append(
                _fail(
                    CheckName.ISSUER,
                    gettext_noop("it was signed with a key of %(signer)s, not of its issuer %(issuer)s"),
                    signer=key.controller,
                    issuer=issuer,
                )
            )
        else:
            checks.append(
                _pass(CheckName.ISSUER, gettext_noop("signed by its issuer %(issuer)s"), issuer=issuer)
            )
        if key.compromised_since is not None:
            checks.append(
                _fail(
                    CheckName.KEY,
                    gettext_noop(
                        "the issuer reported this key compromised on %(when)s: what it signed cannot be trusted"
                    ),
                    when=key.compromised_since.date().isoformat(),
                )
            )
        else:
            checks.append(_pass(CheckName.KEY, gettext_noop("the key has not been reported compromised")))
    checks.append(_validity(document, now))
    try:
        statuses = check_status(document.get("credentialStatus"), fetch_status)
    except DomainError as exc:  # the status entries are malformed as a whole
        checks.append(
            _fail(CheckName.STATUS, gettext_noop("its status cannot be checked: %(why)s"), why=exc.message)
        )
        return Verification(tuple(checks), (), method)
    checks.append(_status(statuses))
    return Verification(tuple(checks), statuses, method)
