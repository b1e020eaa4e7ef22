"""Signed checkpoints: the C2SP signed-note format, checked against Go's sumdb/note example."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from creditbank.core.ledger.checkpoints import (
    BadCheckpoint,
    Checkpoint,
    parse,
    sign,
    sign_note,
    verifier_key,
    verify,
)
from creditbank.core.ledger.merkle import EMPTY_ROOT

# golang.org/x/mod/sumdb/note: the package documentation's example key and note.
GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
)
GO_NOTE = GO_TEXT + (
    "\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
SEED = base64.b64decode(GO_SIGNER.split("+", 4)[4])[1:]
PUBLIC = Ed25519PrivateKey.from_private_bytes(SEED).public_key().public_bytes_raw()


def test_we_write_the_same_signed_note_and_verifier_key_as_go() -> None:
    assert sign_note(GO_TEXT, "PeterNeumann", SEED) == GO_NOTE
    assert verifier_key("PeterNeumann", PUBLIC) == GO_VERIFIER


def test_a_signed_checkpoint_verifies_and_reads_back() -> None:
    checkpoint = Checkpoint("creditbank.example/ledger", 8, EMPTY_ROOT)
    note = sign(checkpoint, "creditbank.example/ledger", SEED)
    assert note.startswith("creditbank.example/ledger\n8\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n")
    assert verify(note, "creditbank.example/ledger", PUBLIC) == checkpoint
    assert parse(note)[0] == checkpoint


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda n: n.replace("\n8\n", "\n9\n"), "the signature does not match"),
        (lambda n: n.replace("47DEQ", "57DEQ"), "the signature does not match"),
        (
            lambda n: n.replace("creditbank.example/ledger ", "someone.else "),
            "no signature by the bank's key",
        ),
        (lambda n: n.replace("\n\n", "\n"), "not a signed note"),
        (lambda n: n.replace("\n8\n", "\neight\n"), "origin, size and root hash"),
    ],
)
def test_a_changed_checkpoint_is_refused_with_the_reason(change, reason: str) -> None:  # type: ignore[no-untyped-def]
    note = sign(Checkpoint("creditbank.example/ledger", 8, EMPTY_ROOT), "creditbank.example/ledger", SEED)
    with pytest.raises(BadCheckpoint, match=reason):
        verify(change(note), "creditbank.example/ledger", PUBLIC)


def test_another_key_with_the_same_name_is_refused() -> None:
    note = sign(Checkpoint("o", 1, EMPTY_ROOT), "o", SEED)
    other = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    with pytest.raises(BadCheckpoint, match="no signature by the bank's key"):
        verify(note, "o", other)


def test_a_witness_cosignature_verifies_and_names_its_time() -> None:
    from creditbank.core.ledger.checkpoints import (
        cosign,
        cosigner_verifier_key,
        parse_cosigner_key,
        verify_cosignature,
    )

    checkpoint = Checkpoint("creditbank.example/ledger", 20852163, EMPTY_ROOT)
    witness = Ed25519PrivateKey.generate()
    public = witness.public_key().public_bytes_raw()
    line = cosign(checkpoint, "hk-ips.example/witness", witness.private_bytes_raw(), 1679315147)
    name, key = parse_cosigner_key(cosigner_verifier_key("hk-ips.example/witness", public))
    assert verify_cosignature(checkpoint, line, name, key, now=1679315200) == 1679315147
    with pytest.raises(BadCheckpoint, match="does not match"):
        verify_cosignature(
            Checkpoint(checkpoint.origin, 20852164, EMPTY_ROOT), line, name, key, now=1679315200
        )
    with pytest.raises(BadCheckpoint, match="in the future"):
        verify_cosignature(checkpoint, line, name, key, now=1679300000)
    with pytest.raises(BadCheckpoint, match="not a cosignature by this witness"):
        verify_cosignature(checkpoint, line, "someone.else", key, now=1679315200)
    with pytest.raises(BadCheckpoint, match="not a valid Ed25519 cosigner key"):
        parse_cosigner_key(verifier_key("hk-ips.example/witness", public))  # a type 0x01 key
