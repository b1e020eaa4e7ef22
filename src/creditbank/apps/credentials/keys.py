"""Institutions' signing keys: made on first use, rotated, marked compromised, and resolved back
from a verification method when a credential is checked.

An institution with a web domain is identified as ``did:web:<domain>``, whose DID document
creditbank serves with every key the institution has had (retired ones too, so that what they
signed still verifies); otherwise it signs as ``did:key`` of its current key. Either way a
verification method ends in the key's Multikey, so a key is found by its public half.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import transaction
from django.utils import timezone

from creditbank.apps.accounts import crypto
from creditbank.apps.accounts.models import Institution
from creditbank.apps.accounts.permissions import ACTION_NAMES, Action, require, role_of
from creditbank.apps.credentials.models import IssuerKey, KeyState
from creditbank.apps.ledger.services import Event, ledger_append
from creditbank.core.credentials import dids
from creditbank.core.credentials.multikey import (
    InvalidKey,
    did_key,
    did_key_public_key,
    parse_public_multikey,
    public_multikey,
)
from creditbank.core.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    gettext_noop,
)

KEY_FIELD = "credentials.issuer_key"


class KeyNotFound(NotFound):
    code = "key_not_found"
    template = gettext_noop("No signing key %(key)s is known to this bank.")


class KeyUnresolvable(DomainError):
    code = "key_unresolvable"
    status = 422
    template = gettext_noop(
        "%(method)s cannot be resolved here: only did:key and the did:web identifiers of this bank's "
        "institutions are resolved, without the network."
    )


class KeyAlreadyCompromised(Conflict):
    code = "key_already_compromised"
    template = gettext_noop("Key %(key)s is already marked compromised.")


def _create(institution: Institution | None) -> tuple[IssuerKey, bytes]:
    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes_raw()
    key = IssuerKey.objects.create(
        institution=institution,
        public_key=private.public_key().public_bytes_raw(),
        private_key_encrypted=crypto.encrypt(seed.hex(), field=KEY_FIELD),
    )
    ledger_append([_key_event("key.created", key)])
    return key, seed


def _key_event(kind: str, key: IssuerKey) -> Event:
    return Event(
        kind,
        f"key:{public_multikey(bytes(key.public_key))}",
        {
            "key": public_multikey(bytes(key.public_key)),
            "institution": key.institution.code if key.institution else None,
            "state": key.state,
            "note": key.note,
        },
    )


def signing_key(institution: Institution | None) -> tuple[IssuerKey, bytes]:
    """The institution's (or, for None, the bank's) active key and its seed; made on first use.
    Call inside a transaction: a new key's ledger entry is written with it."""
    found = IssuerKey.objects.filter(state=KeyState.ACTIVE)
    key = (
        found.filter(institution=institution) if institution else found.filter(institution__isnull=True)
    ).first()
    if key is None:
        return _create(institution)
    return key, seed_of(key)


def seed_of(key: IssuerKey) -> bytes:
    return bytes.fromhex(crypto.decrypt(key.private_key_encrypted, field=KEY_FIELD))


def issuer_id(institution: Institution | None, key: IssuerKey) -> str:
    """did:web for an institution with a domain (stable across keys), else the key's did:key."""
    if institution is not None and institution.web_domain:
        return dids.did_web(institution.web_domain)
    return did_key(bytes(key.public_key))


def verification_method(institution: Institution | None, key: IssuerKey) -> str:
    return f"{issuer_id(institution, key)}#{public_multikey(bytes(key.public_key))}"


def key_rotate(*, actor: Any, institution: Institution, note: str = "") -> IssuerKey:
    """Retire the institution's active key and make a new one; what the old key signed still verifies."""
    require(actor, Action.MANAGE_ISSUER_KEYS, institution_id=institution.pk)
    with transaction.atomic():
        current = (
            IssuerKey.objects.select_for_update(of=("self",))
            .filter(institution=institution, state=KeyState.ACTIVE)
            .first()
        )
        if current is not None:
            current.state = KeyState.RETIRED
            current.retired_at = timezone.now()
            current.note = note.strip()
            current.save(update_fields=["state", "retired_at", "note"])
            ledger_append([_key_event("key.retired", current)])
        key, _seed = _create(institution)
    return key


def key_mark_compromised(*, actor: Any, key_id: int, note: str) -> IssuerKey:
    """Mark a key compromised: credentials it signed are flagged by every verification from now on.
    An active key is replaced at once so that the institution can go on issuing."""
    if not note.strip():
        raise InvalidInput(gettext_noop("Say what happened to the key: the note is shown to verifiers."))
    with transaction.atomic():
        key = (
            IssuerKey.objects.select_for_update(of=("self",))
            .select_related("institution")
            .filter(pk=key_id)
            .first()
        )
        if key is None:
            raise KeyNotFound(key=key_id)
        require(actor, Action.MANAGE_ISSUER_KEYS, institution_id=key.institution_id)
        if key.institution_id is None and role_of(actor) != "operator":
            raise PermissionDenied(action=ACTION_NAMES[Action.MANAGE_ISSUER_KEYS])  # the bank's own key
        if key.state == KeyState.COMPROMISED:
            raise KeyAlreadyCompromised(key=key_id)
        was_active = key.state == KeyState.ACTIVE
        key.state = KeyState.COMPROMISED
        key.compromised_at = timezone.now()
        key.retired_at = key.retired_at or key.compromised_at
        key.note = note.strip()
        key.save(update_fields=["state", "compromised_at", "retired_at", "note"])
        ledger_append([_key_event("key.compromised", key)])
        if was_active:
            _create(key.institution)
    return key


@dataclass(frozen=True)
class ResolvedKey:
    public_key: bytes
    controller: str  # the DID the method belongs to: a credential's issuer must be this
    key: IssuerKey | None  # None: a did:key this bank did not make (still verifiable)


def resolve(method: str) -> ResolvedKey:
    """The key a verification method names, without the network."""
    did, _, fragment = method.partition("#")
    if did.startswith("did:key:"):
        public = did_key_public_key(method)
        return ResolvedKey(
            public, did, IssuerKey.objects.filter(public_key=public).select_related("institution").first()
        )
    if did.startswith("did:web:"):
        domain = dids.did_web_domain(did)
        institution = Institution.objects.filter(web_domain=domain).first()
        if institution is None or not fragment:
            raise KeyUnresolvable(method=method)
        try:
            public = parse_public_multikey(fragment)
        except InvalidKey:
            raise KeyUnresolvable(method=method) from None
        key = (
            IssuerKey.objects.filter(institution=institution, public_key=public)
            .select_related("institution")
            .first()
        )
        if key is None:
            raise KeyUnresolvable(method=method)
        return ResolvedKey(public, did, key)
    raise KeyUnresolvable(method=method)


def did_document(institution: Institution) -> dict[str, Any]:
    """The institution's did:web document: every key it has had, so old credentials still verify;
    compromised keys are left out, so that independent verifiers refuse what they signed."""
    if not institution.web_domain:
        raise NotFound(
            gettext_noop("%(institution)s has no web domain, so it has no did:web document."),
            institution=institution.code,
        )
    keys = (
        IssuerKey.objects.filter(institution=institution)
        .exclude(state=KeyState.COMPROMISED)
        .order_by("created_at", "pk")
    )
    return dids.did_document(dids.did_web(institution.web_domain), [bytes(k.public_key) for k in keys])
