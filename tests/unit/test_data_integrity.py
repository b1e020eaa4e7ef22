"""eddsa-jcs-2022 Data Integrity proofs: the W3C vc-di-eddsa test vectors, round trips and tamper detection."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import given, settings
from hypothesis import strategies as st

import creditbank
from creditbank.core.credentials.data_integrity import (
    add_proof,
    canonical,
    canonical_rdf,
    hash_data,
    proof_config,
    verify_proof,
)
from creditbank.core.credentials.multikey import (
    InvalidKey,
    did_key_method,
    did_key_public_key,
    parse_private_multikey,
    parse_public_multikey,
    private_multikey,
    public_multikey,
)

VECTORS = Path(__file__).parent / "vectors" / "vc-di-eddsa"
JCS = VECTORS / "eddsa-jcs-2022"


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def text(name: str) -> str:
    return (JCS / name).read_text(encoding="utf-8").strip()


KEYS = load(VECTORS / "keyPair.json")
SEED = parse_private_multikey(KEYS["privateKeyMultibase"])
PUBLIC = parse_public_multikey(KEYS["publicKeyMultibase"])


def test_the_vector_key_pair_is_one_ed25519_key_in_multikey_form() -> None:
    derived = (
        Ed25519PrivateKey.from_private_bytes(SEED).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    )
    assert derived == PUBLIC
    assert public_multikey(PUBLIC) == KEYS["publicKeyMultibase"]
    assert private_multikey(SEED) == KEYS["privateKeyMultibase"]
    assert did_key_public_key(load(JCS / "proofConfigJCS.json")["verificationMethod"]) == PUBLIC


def test_each_step_matches_the_specification_vectors() -> None:
    unsigned = load(VECTORS / "unsigned.json")
    config = load(JCS / "proofConfigJCS.json")
    assert canonical(unsigned).decode() == text("canonDocJCS.txt")
    assert canonical(config).decode() == text("proofCanonJCS.txt")
    assert hashlib.sha256(canonical(unsigned)).hexdigest() == text("docHashJCS.txt")
    assert hashlib.sha256(canonical(config)).hexdigest() == text("proofHashJCS.txt")
    assert hash_data(config, unsigned).hex() == text("combinedHashJCS.txt")
    assert (
        proof_config(unsigned, verification_method=config["verificationMethod"], created=config["created"])
        == config
    )


def test_signing_the_vector_document_gives_the_vector_proof_and_it_verifies() -> None:
    unsigned = load(VECTORS / "unsigned.json")
    expected = load(JCS / "signedJCS.json")
    config = expected["proof"]
    signed = add_proof(
        unsigned, seed=SEED, verification_method=config["verificationMethod"], created=config["created"]
    )
    assert signed == expected  # Ed25519 is deterministic: the same bytes as the specification's
    assert signed["proof"]["proofValue"] == text("sigBTC58JCS.txt")
    assert verify_proof(expected, did_key_public_key).verified


@pytest.mark.parametrize(
    ("change", "cause"),
    [
        (lambda d: d["credentialSubject"].update(alumniOf="Another School"), "the signature does not match"),
        (lambda d: d["proof"].update(created="2024-01-01T00:00:00Z"), "the signature does not match"),
        (
            lambda d: d.update({"@context": ["https://www.w3.org/ns/credentials/v2"]}),
            "@context does not match",
        ),
        (lambda d: d["proof"].update(proofPurpose="authentication"), "purpose is not assertionMethod"),
        (
            lambda d: d["proof"].update(cryptosuite="ecdsa-rdfc-2019"),
            "is not a eddsa-jcs-2022 or eddsa-rdfc-2022",
        ),
        (lambda d: d["proof"].update(proofValue="not-multibase"), "not multibase base58btc"),
        (
            lambda d: d["proof"].update(verificationMethod="did:web:example.org#key-1"),
            "signing key cannot be found",
        ),
        (lambda d: d.pop("proof"), "has no proof"),
    ],
)
def test_any_change_to_a_signed_credential_fails_and_says_why(change: Any, cause: str) -> None:
    document = copy.deepcopy(load(JCS / "signedJCS.json"))
    change(document)
    check = verify_proof(document, did_key_public_key)
    assert not check.verified
    assert cause in check.problems[0].render()


def test_malformed_keys_are_refused_with_the_reason() -> None:
    with pytest.raises(InvalidKey, match="multicodec prefix ed01"):
        parse_public_multikey(KEYS["privateKeyMultibase"])
    with pytest.raises(InvalidKey, match="base58btc"):
        parse_public_multikey("u" + KEYS["publicKeyMultibase"][1:])


json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-(2**53) + 1, 2**53 - 1), st.text(max_size=20))
json_values = st.recursive(
    json_leaf,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(st.text(min_size=1, max_size=10).filter(lambda k: k != "proof"), json_values, max_size=6),
    st.binary(min_size=32, max_size=32),
)
def test_whatever_is_signed_verifies_with_its_own_key_only(body: dict[str, Any], seed: bytes) -> None:
    public = (
        Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    )
    signed = add_proof(
        body, seed=seed, verification_method=did_key_method(public), created="2026-12-01T00:00:00Z"
    )
    assert verify_proof(signed, did_key_public_key).verified
    assert not verify_proof(signed, lambda _m: PUBLIC).verified or public == PUBLIC


RDFC = VECTORS / "eddsa-rdfc-2022"
SHIPPED = Path(creditbank.__file__).parent / "data" / "contexts"
CONTEXTS = {
    "https://www.w3.org/ns/credentials/v2": load(SHIPPED / "credentials-v2.jsonld"),
    "https://www.w3.org/ns/credentials/examples/v2": load(VECTORS / "credentials-examples-v2.jsonld"),
}


def test_the_shipped_credentials_context_is_the_published_one() -> None:
    digest = hashlib.sha256((SHIPPED / "credentials-v2.jsonld").read_bytes()).hexdigest()
    assert (
        digest == "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"
    )  # VC DM 2.0, appendix B


def test_rdfc_steps_and_signature_match_the_specification_vectors() -> None:
    unsigned = load(VECTORS / "unsigned.json")
    config = load(RDFC / "proofConfigDataInt.json")
    rdf = (RDFC / "canonDocDataInt.txt").read_text(encoding="utf-8")
    assert canonical_rdf(unsigned, CONTEXTS).decode() == rdf
    assert canonical_rdf(config, CONTEXTS).decode() == (RDFC / "proofCanonDataInt.txt").read_text(
        encoding="utf-8"
    )
    assert (
        hash_data(config, unsigned, CONTEXTS).hex() == (RDFC / "combinedHashDataInt.txt").read_text().strip()
    )
    expected = load(RDFC / "signedDataInt.json")
    signed = add_proof(
        unsigned,
        seed=SEED,
        verification_method=config["verificationMethod"],
        created=config["created"],
        suite="eddsa-rdfc-2022",
        contexts=CONTEXTS,
    )
    assert signed == expected
    assert verify_proof(expected, did_key_public_key, contexts=CONTEXTS).verified
    tampered = copy.deepcopy(expected)
    tampered["credentialSubject"]["alumniOf"] = "Another School"
    assert not verify_proof(tampered, did_key_public_key, contexts=CONTEXTS).verified


def test_rdfc_sees_meaning_not_bytes_and_never_fetches_a_context() -> None:
    expected = load(RDFC / "signedDataInt.json")
    reordered = json.loads(json.dumps(expected, indent=4, sort_keys=True))  # same meaning, other bytes
    assert verify_proof(reordered, did_key_public_key, contexts=CONTEXTS).verified
    unknown = {k: v for k, v in CONTEXTS.items() if "examples" not in k}
    check = verify_proof(expected, did_key_public_key, contexts=unknown)
    assert not check.verified
    assert (
        "https://www.w3.org/ns/credentials/examples/v2 is not one creditbank ships"
        in check.problems[0].render()
    )
