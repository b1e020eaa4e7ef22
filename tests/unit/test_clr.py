"""CLR 2.0: our CLR context reproduces 1EdTech's test vector, and a bundle of signed badges
canonicalises and verifies as one credential while keeping each badge's own proof."""

from __future__ import annotations

import json
from pathlib import Path

from tests.unit.test_credential_verification import PUBLIC, SEED, signed

import creditbank
from creditbank.core.credentials.badges import OB_CONTEXT, VC_CONTEXT, Issuer
from creditbank.core.credentials.data_integrity import RDFC_SUITE, add_proof, canonical_rdf, verify_proof
from creditbank.core.credentials.multikey import did_key, did_key_method, did_key_public_key
from creditbank.core.credentials.records import (
    CLR_CONTEXT,
    OB_EXTENSIONS_CONTEXT,
    clr_credential,
    embedded_credentials,
)

FOLDER = Path(creditbank.__file__).parent / "data" / "contexts"
VECTOR = Path(__file__).parent / "vectors" / "clr-v2p0"
CONTEXTS = {
    VC_CONTEXT: json.loads((FOLDER / "credentials-v2.jsonld").read_text()),
    OB_CONTEXT: json.loads((FOLDER / "ob-v3p0-context-3.0.3.json").read_text()),
    CLR_CONTEXT: json.loads((FOLDER / "clr-v2p0-context-2.0.1.json").read_text()),
    OB_EXTENSIONS_CONTEXT: json.loads((FOLDER / "ob-v3p0-extensions.json").read_text()),
}


def test_the_shipped_clr_context_reproduces_1edtechs_test_vector() -> None:
    document = json.loads((VECTOR / "credential.json").read_text(encoding="utf-8"))
    expected = (VECTOR / "document-canon.txt").read_text(encoding="utf-8")
    assert canonical_rdf(document, CONTEXTS).decode() == expected


def bundle() -> dict:
    badges = [signed(), signed(credential_id="urn:uuid:6b0d4c7e-0000-4000-8000-000000000002", achievement_code="SZP-102",
                                achievement_id="https://bank.example/register/SZP-102/?version=1")]  # fmt: skip
    unsigned = clr_credential(
        credential_id="urn:uuid:11111111-0000-4000-8000-000000000000",
        issuer=Issuer(did_key(PUBLIC), "Lifelong Learning Credit Bank"),
        name="Lifelong learning record",
        issued_at="2026-12-01T00:00:00Z",
        learner_identities=[
            {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": "陈小明"}
        ],
        credentials=badges,
    )
    return add_proof(unsigned, seed=SEED, verification_method=did_key_method(PUBLIC), created="2026-12-01T00:00:00Z",
                     suite=RDFC_SUITE, contexts=CONTEXTS)  # fmt: skip


def test_a_bundle_keeps_each_badge_and_lists_each_achievement_once() -> None:
    clr = bundle()
    assert clr["type"] == ["VerifiableCredential", "ClrCredential"]
    inner = embedded_credentials(clr)
    assert [c["proof"]["cryptosuite"] for c in inner] == [RDFC_SUITE, RDFC_SUITE]
    assert len(clr["credentialSubject"]["achievement"]) == 2
    assert verify_proof(clr, did_key_public_key, contexts=CONTEXTS).verified
    for badge in inner:
        assert verify_proof(badge, did_key_public_key, contexts=CONTEXTS).verified


def test_changing_a_bundled_badge_breaks_the_bundles_signature() -> None:
    clr = bundle()
    clr["credentialSubject"]["verifiableCredential"][1]["credentialSubject"]["creditsEarned"] = 99
    assert not verify_proof(clr, did_key_public_key, contexts=CONTEXTS).verified


def test_anything_else_has_no_embedded_credentials() -> None:
    assert embedded_credentials(signed()) == []
