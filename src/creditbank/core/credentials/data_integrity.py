"""Data Integrity proofs with the ``eddsa-jcs-2022`` cryptosuite (W3C vc-di-eddsa v1.0, section 3.3).

Creating: the proof configuration (type, cryptosuite, created, verificationMethod, proofPurpose, and
the document's ``@context``) and the unsecured document are each canonicalised with JCS (RFC 8785)
and hashed with SHA-256; the signature is Ed25519 over ``hash(config) ‖ hash(document)`` and is
written as a multibase base58btc ``proofValue``. Verifying repeats this with the proof minus its
value, after checking that the proof's ``@context`` is a prefix of the document's. Key lookup is the
caller's (``resolve``): the core holds no key registry and fetches nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from creditbank.core.credentials.multikey import multibase_decode, multibase_encode
from creditbank.core.errors import DomainError, gettext_noop
from creditbank.core.reasons import Reason, reason

JCS_SUITE = "eddsa-jcs-2022"
PROOF_TYPE = "DataIntegrityProof"


def canonical(document: Mapping[str, Any]) -> bytes:
    return rfc8785.dumps(document)


def hash_data(proof_config: Mapping[str, Any], document: Mapping[str, Any]) -> bytes:
    """SHA-256 of the canonical proof configuration, then of the canonical document (spec 3.3.4)."""
    return hashlib.sha256(canonical(proof_config)).digest() + hashlib.sha256(canonical(document)).digest()


def proof_config(
    document: Mapping[str, Any],
    *,
    verification_method: str,
    created: str,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    config: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": JCS_SUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if "@context" in document:
        config["@context"] = document["@context"]
    return config


def add_proof(
    document: Mapping[str, Any],
    *,
    seed: bytes,
    verification_method: str,
    created: str,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """The document with an ``eddsa-jcs-2022`` proof made with the Ed25519 key ``seed``."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = proof_config(
        unsecured, verification_method=verification_method, created=created, proof_purpose=proof_purpose
    )
    signature = Ed25519PrivateKey.from_private_bytes(seed).sign(hash_data(config, unsecured))
    return {**unsecured, "proof": {**config, "proofValue": multibase_encode(signature)}}


@dataclass(frozen=True)
class ProofCheck:
    verified: bool
    verification_method: str | None
    problems: tuple[Reason, ...] = ()


def _fail(method: str | None, template: str, **params: Any) -> ProofCheck:
    return ProofCheck(False, method, (reason(template, False, **params),))


def verify_proof(
    document: Mapping[str, Any],
    resolve: Callable[[str], bytes],
    *,
    expected_purpose: str = "assertionMethod",
) -> ProofCheck:
    """Check the document's ``eddsa-jcs-2022`` proof; ``resolve`` maps a verification method to its
    Ed25519 public key (raising ``DomainError`` when it cannot). Every failure names its cause."""
    proof = document.get("proof")
    if not isinstance(proof, Mapping):
        return _fail(None, gettext_noop("the document has no proof"))
    method = proof.get("verificationMethod")
    method = method if isinstance(method, str) else None
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != JCS_SUITE:
        return _fail(
            method, gettext_noop("the proof is not a %(suite)s Data Integrity proof"), suite=JCS_SUITE
        )
    if proof.get("proofPurpose") != expected_purpose:
        return _fail(method, gettext_noop("the proof's purpose is not %(purpose)s"), purpose=expected_purpose)
    value = proof.get("proofValue")
    if not isinstance(value, str) or method is None:
        return _fail(method, gettext_noop("the proof has no proofValue or no verificationMethod"))
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in options:
        contexts = unsecured.get("@context")
        theirs = contexts if isinstance(contexts, list) else [contexts]
        ours = options["@context"] if isinstance(options["@context"], list) else [options["@context"]]
        if theirs[: len(ours)] != ours:
            return _fail(method, gettext_noop("the proof's @context does not match the document's"))
        unsecured["@context"] = options["@context"]
    try:
        signature = multibase_decode(value)
    except ValueError:
        return _fail(method, gettext_noop("the proofValue is not multibase base58btc"))
    try:
        public_key = resolve(method)
    except DomainError as exc:
        return ProofCheck(
            False,
            method,
            (reason(gettext_noop("the signing key cannot be found: %(why)s"), False, why=exc.message),),
        )
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, hash_data(options, unsecured))
    except (InvalidSignature, ValueError):
        return _fail(
            method,
            gettext_noop(
                "the signature does not match the credential: it was changed after signing, or signed with another key"
            ),
        )
    return ProofCheck(True, method)
