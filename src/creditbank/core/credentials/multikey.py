"""Ed25519 keys as Multikey (multibase base58btc of a multicodec-prefixed key) and did:key.

A public key is written ``z`` + base58btc(0xed 0x01 ‖ 32 key bytes), a private key (its 32-byte
seed) ``z`` + base58btc(0x80 0x26 ‖ seed), as the W3C Controlled Identifiers and did:key specifications
say; ``did:key:<public multikey>`` names the key, and ``#<public multikey>`` its verification method.
"""

from __future__ import annotations

import base58

from creditbank.core.errors import InvalidInput, gettext_noop

ED25519_PUB = b"\xed\x01"
ED25519_PRIV = b"\x80\x26"
KEY_BYTES = 32


class InvalidKey(InvalidInput):
    code = "invalid_key"
    template = gettext_noop("%(key)s is not an Ed25519 %(kind)s key in Multikey form: %(reason)s")


def multibase_encode(data: bytes) -> str:
    """Multibase base58btc (prefix ``z``)."""
    return "z" + base58.b58encode(data).decode("ascii")


def multibase_decode(text: str) -> bytes:
    if not text.startswith("z"):
        raise ValueError("only base58btc multibase (prefix z) is supported")
    return base58.b58decode(text[1:])


def _decode(text: str, prefix: bytes, kind: str) -> bytes:
    try:
        raw = multibase_decode(text)
    except ValueError as exc:
        raise InvalidKey(key=text[:16], kind=kind, reason=str(exc)) from None
    if not raw.startswith(prefix) or len(raw) != len(prefix) + KEY_BYTES:
        raise InvalidKey(
            key=text[:16], kind=kind, reason=f"expected the multicodec prefix {prefix.hex()} and 32 bytes"
        )
    return raw[len(prefix) :]


def public_multikey(public_key: bytes) -> str:
    return multibase_encode(ED25519_PUB + public_key)


def private_multikey(seed: bytes) -> str:
    return multibase_encode(ED25519_PRIV + seed)


def parse_public_multikey(text: str) -> bytes:
    return _decode(text, ED25519_PUB, "public")


def parse_private_multikey(text: str) -> bytes:
    return _decode(text, ED25519_PRIV, "private")


def did_key(public_key: bytes) -> str:
    return "did:key:" + public_multikey(public_key)


def did_key_method(public_key: bytes) -> str:
    """The verification method of a did:key: the DID, then the key as the fragment."""
    key = public_multikey(public_key)
    return f"did:key:{key}#{key}"


def did_key_public_key(verification_method: str) -> bytes:
    """The public key a did:key verification method names (with or without the fragment)."""
    if not verification_method.startswith("did:key:"):
        raise InvalidKey(key=verification_method[:24], kind="public", reason="not a did:key")
    key = verification_method.removeprefix("did:key:").split("#", 1)[0]
    return parse_public_multikey(key)
