"""Data Integrity proofs with the EdDSA cryptosuites of W3C vc-di-eddsa v1.0.

Creating: the proof configuration (type, cryptosuite, created, verificationMethod, proofPurpose, and
the document's ``@context``) and the unsecured document are each canonicalised, with JCS (RFC 8785)
for ``eddsa-jcs-2022`` (fast, JSON only) or RDF Dataset Canonicalization (RDFC-1.0 N-Quads, through
pyld) for ``eddsa-rdfc-2022`` (what most verifiers expect), and hashed with SHA-256; the signature is
Ed25519 over ``hash(config) ‖ hash(document)``, written as a multibase base58btc ``proofValue``.
Verifying repeats this with the proof minus its value, after checking that the proof's ``@context``
is a prefix of the document's. The caller gives the JSON-LD contexts (``contexts``: URL → document,
shipped with the product) and the key lookup (``resolve``): the core fetches nothing.
"""

from __future__ import annotations

import hashlib
import re
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
RDFC_SUITE = "eddsa-rdfc-2022"
SUITES = (JCS_SUITE, RDFC_SUITE)
PROOF_TYPE = "DataIntegrityProof"
Contexts = Mapping[str, Any]


class ContextUnavailable(DomainError):
    code = "context_unavailable"
    status = 422
    template = gettext_noop(
        "The JSON-LD context %(url)s is not one creditbank ships; nothing is fetched from the network."
    )


def canonical(document: Mapping[str, Any]) -> bytes:
    return rfc8785.dumps(document)


def _loader(contexts: Contexts) -> Callable[..., dict[str, Any]]:
    def load(url: str, options: Any = None) -> dict[str, Any]:
        if url not in contexts:
            raise ContextUnavailable(url=url)
        return {"contextUrl": None, "documentUrl": url, "document": contexts[url]}

    return load


def _context_cause(exc: BaseException) -> ContextUnavailable | None:
    """pyld wraps the loader's error; find ours to report it as it is."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ContextUnavailable):
            return seen
        seen = getattr(seen, "cause", None) or seen.__cause__ or seen.__context__
    return None


_CONTROL = re.compile(r'[\x00-\x1f\x7f"\\]')
_NAMED_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def rdfc_escape(value: str) -> str:
    """A literal's text as RDFC-1.0's canonical N-Quads write it: the named escapes, then ``\\u00XX``
    (upper-case hex) for the other control characters, everything else as it is."""
    return _CONTROL.sub(lambda m: _NAMED_ESCAPES.get(m.group(), f"\\u{ord(m.group()):04X}"), value)


def _use_rdfc_escaping() -> None:
    """pyld (3.3) writes control characters other than tab, CR and LF raw, where RDFC-1.0 escapes
    them; it serialises (and hashes, for blank-node labels) through ``pyld.nquads.escape``, so that
    one function is replaced. Checked against Digital Bazaar's rdf-canonize in tests/interop."""
    from pyld import nquads

    if nquads.escape is not rdfc_escape:
        nquads.escape = rdfc_escape


def canonical_rdf(document: Mapping[str, Any], contexts: Contexts) -> bytes:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document, with only the given contexts. A value's
    base direction (``@direction``) is kept as an i18n datatype, as vc-di-eddsa implementations do,
    so that the signature covers it."""
    from pyld import jsonld  # imported here: only RDF canonicalisation needs it

    _use_rdfc_escaping()
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": _loader(contexts),
        "rdfDirection": "i18n-datatype",
    }
    try:
        nquads = jsonld.normalize(dict(document), options)
    except jsonld.JsonLdError as exc:
        cause = _context_cause(exc)
        if cause is not None:
            raise cause from None
        raise
    return str(nquads).encode("utf-8")


def _canonical_for(suite: str, document: Mapping[str, Any], contexts: Contexts) -> bytes:
    return canonical(document) if suite == JCS_SUITE else canonical_rdf(document, contexts)


def hash_data(
    proof_config: Mapping[str, Any], document: Mapping[str, Any], contexts: Contexts | None = None
) -> bytes:
    """SHA-256 of the canonical proof configuration, then of the canonical document (spec 3.2.4, 3.3.4)."""
    suite = str(proof_config.get("cryptosuite", JCS_SUITE))
    config_bytes = _canonical_for(suite, proof_config, contexts or {})
    document_bytes = _canonical_for(suite, document, contexts or {})
    return hashlib.sha256(config_bytes).digest() + hashlib.sha256(document_bytes).digest()


def proof_config(
    document: Mapping[str, Any],
    *,
    verification_method: str,
    created: str,
    proof_purpose: str = "assertionMethod",
    suite: str = JCS_SUITE,
) -> dict[str, Any]:
    config: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": suite,
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
    suite: str = JCS_SUITE,
    contexts: Contexts | None = None,
) -> dict[str, Any]:
    """The document with an EdDSA Data Integrity proof (``suite``) made with the Ed25519 key ``seed``."""
    if suite not in SUITES:
        raise ValueError(f"unknown cryptosuite {suite}")
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = proof_config(
        unsecured,
        verification_method=verification_method,
        created=created,
        proof_purpose=proof_purpose,
        suite=suite,
    )
    signature = Ed25519PrivateKey.from_private_bytes(seed).sign(hash_data(config, unsecured, contexts))
    # The RDF proof is read in the document's context, so it does not repeat it (as the spec's vectors).
    attached = {k: v for k, v in config.items() if not (suite == RDFC_SUITE and k == "@context")}
    return {**unsecured, "proof": {**attached, "proofValue": multibase_encode(signature)}}


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
    contexts: Contexts | None = None,
) -> ProofCheck:
    """Check the document's EdDSA Data Integrity proof; ``resolve`` maps a verification method to its
    Ed25519 public key (raising ``DomainError`` when it cannot). Every failure names its cause."""
    proof = document.get("proof")
    if not isinstance(proof, Mapping):
        return _fail(None, gettext_noop("the document has no proof"))
    method = proof.get("verificationMethod")
    method = method if isinstance(method, str) else None
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") not in SUITES:
        return _fail(
            method,
            gettext_noop("the proof is not a %(suite)s Data Integrity proof"),
            suite=" or ".join(SUITES),
        )
    if proof.get("proofPurpose") != expected_purpose:
        return _fail(method, gettext_noop("the proof's purpose is not %(purpose)s"), purpose=expected_purpose)
    value = proof.get("proofValue")
    if not isinstance(value, str) or method is None:
        return _fail(method, gettext_noop("the proof has no proofValue or no verificationMethod"))
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in options:
        contexts_given = unsecured.get("@context")
        theirs = contexts_given if isinstance(contexts_given, list) else [contexts_given]
        ours = options["@context"] if isinstance(options["@context"], list) else [options["@context"]]
        if theirs[: len(ours)] != ours:
            return _fail(method, gettext_noop("the proof's @context does not match the document's"))
        unsecured["@context"] = options["@context"]
    elif "@context" in unsecured:  # a proof without its own @context is read in the document's
        options["@context"] = unsecured["@context"]
    try:
        signature = multibase_decode(value)
    except ValueError:
        return _fail(method, gettext_noop("the proofValue is not multibase base58btc"))
    try:
        public_key = resolve(method)
    except DomainError as exc:
        return _fail(method, gettext_noop("the signing key cannot be found: %(why)s"), why=exc.message)
    try:
        hashed = hash_data(options, unsecured, contexts)
    except ContextUnavailable as exc:
        return _fail(method, gettext_noop("the credential cannot be read: %(why)s"), why=exc.message)
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, hashed)
    except (InvalidSignature, ValueError):
        return _fail(
            method,
            gettext_noop(
                "the signature does not match the credential: it was changed after signing, or signed with another key"
            ),
        )
    return ProofCheck(True, method)
