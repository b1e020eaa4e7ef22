"""Encryption at rest for personal identifiers, and the key for blind indexes.

One master data key (32 random bytes, base64 in ``CREDITBANK_DATA_KEY``; dev and demo generate one
under var/) is expanded with HKDF into an AES-256-GCM key for field encryption and an HMAC key for
blind indexes, so neither is ever used for the other purpose. Ciphertexts are self-describing
("v1:<nonce>:<ciphertext>", base64url) and bound to their field by associated data, so a value
copied into another column does not decrypt.
"""

from __future__ import annotations

import base64
import functools
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = "v1"


class DecryptionError(Exception):
    """A stored value does not decrypt: wrong key, wrong field, or altered bytes."""


@functools.cache
def _master_key() -> bytes:
    raw = getattr(settings, "CREDITBANK_DATA_KEY", "")
    try:
        key = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except ValueError:
        key = b""
    if len(key) != 32:
        raise ImproperlyConfigured("CREDITBANK_DATA_KEY must be 32 random bytes, base64url-encoded.")
    return key


def _derive(purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"creditbank " + purpose).derive(
        _master_key()
    )


@functools.cache
def _cipher() -> AESGCM:
    return AESGCM(_derive(b"field encryption"))


@functools.cache
def blind_index_key() -> bytes:
    return _derive(b"blind index")


def encrypt(plaintext: str, *, field: str) -> str:
    nonce = os.urandom(12)
    sealed = _cipher().encrypt(nonce, plaintext.encode(), field.encode())
    b64 = base64.urlsafe_b64encode
    return f"{VERSION}:{b64(nonce).decode()}:{b64(sealed).decode()}"


def decrypt(token: str, *, field: str) -> str:
    try:
        version, nonce, sealed = token.split(":")
        if version != VERSION:
            raise ValueError(version)
        plain = _cipher().decrypt(
            base64.urlsafe_b64decode(nonce), base64.urlsafe_b64decode(sealed), field.encode()
        )
    except (ValueError, InvalidTag) as exc:
        raise DecryptionError(f"stored {field} does not decrypt") from exc
    return plain.decode()


def reset_keys() -> None:
    """Forget derived keys (tests that change CREDITBANK_DATA_KEY)."""
    for cached in (_master_key, _cipher, blind_index_key):
        cached.cache_clear()
