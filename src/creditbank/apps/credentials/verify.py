"""Verifying a presented credential for anyone, without an account and without the network.

Keys are resolved from did:key itself or from the bank's own institutions; status lists are ours
(their own proof and issuer checked first). Beside the checks, the verifier is told what the bank
knows of the issuer and the achievement: whether the institution was an alliance member and the
entry accredited on the award date, the level's equivalents in other frameworks, and whether the
credential is one the bank issued (and is still the document it issued).
"""

from __future__ import annotations

import functools
import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from creditbank.apps.accounts.models import Institution
from creditbank.apps.credentials import keys, status
from creditbank.apps.credentials.contexts import shipped
from creditbank.apps.credentials.models import Credential, KeyState
from creditbank.apps.frameworks.selectors import registry
from creditbank.apps.ledger.models import LedgerEntry
from creditbank.apps.register.models import RegisterEntry
from creditbank.core.credentials.badges import BadgeSummary, read_badge
from creditbank.core.credentials.data_integrity import ProofCheck, canonical, verify_proof
from creditbank.core.credentials.dids import did_web_domain
from creditbank.core.credentials.records import embedded_credentials
from creditbank.core.credentials.verification import KeyFacts, Verification, issuer_of, verify_credential
from creditbank.core.errors import DomainError, InvalidInput, gettext_noop
from creditbank.core.ledger import standing as ledger_standing
from creditbank.core.reasons import Reason, reason

MAX_BYTES = 1024 * 1024


class NotACredential(InvalidInput):
    code = "not_a_credential"
    template = gettext_noop("This is not a credential: %(why)s")


def parse(text: str | bytes) -> Any:
    """The JSON of a pasted or uploaded credential, with the place of the first syntax error."""
    if len(text) > MAX_BYTES:
        raise NotACredential(why=gettext_noop("it is larger than 1 MiB"))
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise NotACredential(why=gettext_noop("it is not UTF-8 text")) from None
    if not text.strip():
        raise NotACredential(why=gettext_noop("nothing was pasted or uploaded"))
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotACredential(
            why=gettext_noop("it is not valid JSON (line %(line)s, column %(column)s: %(error)s)"),
            line=exc.lineno,
            column=exc.colno,
            error=exc.msg,
        ) from None


def _key_facts(method: str) -> KeyFacts:
    resolved = keys.resolve(method)
    compromised = None
    if resolved.key is not None and resolved.key.state == KeyState.COMPROMISED:
        compromised = resolved.key.compromised_at
    return KeyFacts(resolved.public_key, resolved.controller, compromised)


def _status_fetcher(issuer: str | None) -> Callable[[str], dict[str, Any]]:
    """Our status lists, each accepted only with a good proof by the credential's own issuer."""

    def fetch(url: str) -> dict[str, Any]:
        list_id = status.list_id_of(url)
        if list_id is None:
            raise DomainError(
                gettext_noop("the status list %(url)s is not published by this bank, and nothing is fetched"),
                url=url,
            )
        document = status.published(list_id)

        def issuer_key(method: str) -> bytes:
            resolved = keys.resolve(method)
            if resolved.controller != issuer or issuer_of(document) != issuer:
                raise DomainError(gettext_noop("the status list is not signed by the credential's issuer"))
            return resolved.public_key

        proof = document.get("proof")
        method = proof.get("verificationMethod") if isinstance(proof, dict) else None
        check = None
        if isinstance(method, str):
            try:
                key = issuer_key(method)
            except DomainError:
                pass  # checked again below, where the failure is reported as the proof's
            else:
                check = _list_proof(json.dumps(document, sort_keys=True), method, key)
        if check is None:
            check = verify_proof(document, issuer_key, contexts=shipped())
        if not check.verified:
            raise DomainError(
                gettext_noop("the status list's own proof fails: %(why)s"), why=check.problems[0].render()
            )
        return document

    return fetch


@functools.lru_cache(maxsize=64)
def _list_proof(document_json: str, method: str, public_key: bytes) -> ProofCheck:
    """A status list's proof, checked once per exact document and key: every credential of an issuer
    points to the same few lists, which change only when a status does, and checking an RDFC proof
    costs milliseconds. Any change to the document or the key is a new check."""

    def only(asked: str) -> bytes:
        if asked != method:
            raise DomainError(gettext_noop("the status list is not signed by the credential's issuer"))
        return public_key

    return verify_proof(json.loads(document_json), only, contexts=shipped())


@dataclass(frozen=True)
class Standing:
    """What the bank's records say about the issuer and the achievement (not from the credential)."""

    institution: Institution | None
    member_on_award: bool | None
    entry: RegisterEntry | None
    accredited_on_award: bool | None
    equivalents: list[tuple[str, str]] = field(default_factory=list)  # (framework, level label)
    issued_here: Credential | None = None
    same_as_issued: bool | None = None


@dataclass(frozen=True)
class Report:
    verification: Verification
    summary: BadgeSummary
    standing: Standing
    facts: tuple[Reason, ...]
    embedded: tuple[Report, ...] = ()  # a CLR's credentials, each verified on its own


def _award_date(summary: BadgeSummary) -> date | None:
    try:
        return datetime.fromisoformat(summary.awarded).date() if summary.awarded else None
    except ValueError:
        return None


def _equivalents(level_code: str | None, language: str, most: int = 4) -> list[tuple[str, str]]:
    """The level's equivalents that published referencing supports (never inferred from numbers),
    Greater Bay Area frameworks first."""
    reg = registry()
    try:
        level = reg.graph.level(level_code or "")
    except KeyError:
        return []
    out: list[tuple[str, str]] = []
    for framework in reg.ordered_frameworks():
        if framework.code == level.framework_code:
            continue
        matches = reg.graph.map_level(level, framework.code).matches
        out += [(framework.short_name.get(language), m.level.label.get(language)) for m in matches[:2]]
        if len(out) >= most:
            break
    return out[:most]


def _issued_here(document: Any) -> Credential | None:
    raw = document.get("id") if isinstance(document, dict) else None
    if not isinstance(raw, str) or not raw.startswith("urn:uuid:"):
        return None
    try:
        wanted = uuid.UUID(raw.removeprefix("urn:uuid:"))
    except ValueError:
        return None
    return Credential.objects.select_related("institution", "outcome").filter(pk=wanted).first()


def _bodies(**subject: str) -> list[str]:
    return list(LedgerEntry.objects.filter(**subject).order_by("pk").values_list("body", flat=True))


def _standing(document: Any, summary: BadgeSummary, language: str) -> Standing:
    issued = _issued_here(document)
    institution = None
    if summary.issuer_id and summary.issuer_id.startswith("did:web:"):
        institution = Institution.objects.filter(web_domain=did_web_domain(summary.issuer_id)).first()
    elif summary.issuer_id and summary.issuer_id.startswith("did:key:"):
        try:
            resolved = keys.resolve(summary.issuer_id)
        except DomainError:
            resolved = None
        institution = resolved.key.institution if resolved and resolved.key else None
    awarded = _award_date(summary)
    member = None
    if institution is not None and awarded is not None:
        # The ledger's word first (what was recorded, tamper-evident); the register's when it is silent.
        member = ledger_standing.member_on(_bodies(subject=f"institution:{institution.code}"), awarded)
        if member is None:
            member = institution.in_alliance(awarded)
    entry = None
    accredited = None
    if institution is not None and summary.achievement_code:
        entry = (
            RegisterEntry.objects.filter(code=summary.achievement_code, owner=institution)
            .order_by("-version")
            .first()
        )
        if entry is not None and awarded is not None:
            accredited = ledger_standing.accredited_on(
                _bodies(subject__startswith=f"entry:{entry.code}:"), awarded
            )
            if accredited is None:
                accredited = bool(
                    entry.accredited_on
                    and entry.accredited_on <= awarded
                    and (entry.valid_to is None or awarded <= entry.valid_to)
                )
    same = None
    if issued is not None and isinstance(document, dict):
        same = (
            hashlib.sha256(canonical(document)).digest()
            == hashlib.sha256(canonical(issued.document)).digest()
        )
    return Standing(
        institution, member, entry, accredited, _equivalents(summary.level_code, language), issued, same
    )


def credential_verify(document: Any, *, language: str = "en") -> Report:
    """Every check on a presented credential, and what the bank's records add; never raises for a
    bad credential (the report says what failed)."""
    verification = verify_credential(
        document,
        resolve=_key_facts,
        fetch_status=_status_fetcher(issuer_of(document) if isinstance(document, dict) else None),
        contexts=shipped(),
        now=timezone.now(),
    )
    summary = read_badge(document) if isinstance(document, dict) else read_badge({})
    standing = _standing(document, summary, language)
    # A learner record (CLR) carries credentials signed by their institutions: each is checked too.
    embedded = (
        tuple(credential_verify(c, language=language) for c in embedded_credentials(document))
        if isinstance(document, dict)
        else ()
    )
    return Report(verification, summary, standing, tuple(_facts(standing, summary)), embedded)


def _facts(standing: Standing, summary: BadgeSummary) -> list[Reason]:
    facts: list[Reason] = []
    if standing.institution is not None and standing.member_on_award is not None:
        template = (
            gettext_noop("%(issuer)s was a member of the alliance on the award date")
            if standing.member_on_award
            else gettext_noop("%(issuer)s was not a member of the alliance on the award date")
        )
        facts.append(reason(template, standing.member_on_award, issuer=standing.institution.code))
    if standing.accredited_on_award is not None:
        template = (
            gettext_noop("%(code)s was accredited on the award date")
            if standing.accredited_on_award
            else gettext_noop("%(code)s was not accredited on the award date")
        )
        facts.append(reason(template, standing.accredited_on_award, code=summary.achievement_code))
    if standing.issued_here is not None:
        template = (
            gettext_noop("this bank issued this credential and keeps it unchanged")
            if standing.same_as_issued
            else gettext_noop(
                "this bank issued a credential with this id, but its document differs from this one"
            )
        )
        facts.append(reason(template, bool(standing.same_as_issued)))
    return facts
