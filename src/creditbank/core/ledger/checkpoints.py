"""Signed checkpoints in the C2SP formats: tlog-checkpoint (origin, size, root) inside a signed
note, signed with Ed25519. Anyone holding the verifier key can check a checkpoint without our code.

https://github.com/C2SP/C2SP/blob/main/tlog-checkpoint.md and signed-note.md
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from creditbank.core.errors import InvalidInput, gettext_noop

ED25519 = b"\x01"  # signed-note signature type of Ed25519
DASH = "\u2014"  # signature lines start with an em dash


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def body(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"


class BadCheckpoint(InvalidInput):
    code = "bad_checkpoint"
    template = gettext_noop("The checkpoint does not verify: %(reason)s")


def _key_id(name: str, kind: bytes, public_key: bytes) -> bytes:
    """The 4-byte key ID of signed-note: SHA-256(name || LF || type || key), first four bytes."""
    return hashlib.sha256(name.encode() + b"\n" + kind + public_key).digest()[:4]


def _vkey(name: str, kind: bytes, public_key: bytes) -> str:
    """A verifier key string, name+hash+base64(type || key), as parties configure it."""
    encoded = base64.b64encode(kind + public_key).decode()
    return f"{name}+{_key_id(name, kind, public_key).hex()}+{encoded}"


def _parse_vkey(text: str, kind: bytes, wrong_kind: str) -> tuple[str, bytes]:
    """The name and Ed25519 key of a verifier key string of this type; refuses a wrong hash."""
    parts = text.strip().split("+", 2)
    try:
        raw = base64.b64decode(parts[2], validate=True)
        claimed = bytes.fromhex(parts[1])
    except (IndexError, ValueError):
        raise BadCheckpoint(reason=gettext_noop("the verifier key is not name+hash+key")) from None
    if len(raw) != 33 or raw[:1] != kind or _key_id(parts[0], kind, raw[1:]) != claimed:
        raise BadCheckpoint(reason=wrong_kind)
    return parts[0], raw[1:]


def key_hash(name: str, public_key: bytes) -> bytes:
    return _key_id(name, ED25519, public_key)


def verifier_key(name: str, public_key: bytes) -> str:
    """The bank's verifier key string, which parties configure to check its checkpoints."""
    return _vkey(name, ED25519, public_key)


def parse_verifier_key(text: str) -> tuple[str, bytes]:
    return _parse_vkey(text, ED25519, gettext_noop("the verifier key is not a valid Ed25519 key"))


def sign_note(text: str, name: str, private_key: bytes) -> str:
    """A signed note: the text (ending in a newline), a blank line and one signature line."""
    key = Ed25519PrivateKey.from_private_bytes(private_key)
    public = key.public_key().public_bytes_raw()
    signature = key.sign(text.encode())
    line = base64.b64encode(key_hash(name, public) + signature).decode()
    return f"{text}\n{DASH} {name} {line}\n"


def sign(checkpoint: Checkpoint, name: str, private_key: bytes) -> str:
    """The checkpoint as a signed note, signed by the key called ``name``."""
    return sign_note(checkpoint.body(), name, private_key)


def parse(note: str) -> tuple[Checkpoint, list[tuple[str, bytes, bytes]]]:
    """The checkpoint and its signature lines (name, key hash, signature); nothing is verified."""
    text, sep, signatures = note.partition("\n\n")
    if not sep or not signatures.endswith("\n"):
        raise BadCheckpoint(reason=gettext_noop("it is not a signed note"))
    lines = text.split("\n")
    if len(lines) < 3 or not lines[1].isdigit() or not lines[0]:
        raise BadCheckpoint(reason=gettext_noop("its body is not origin, size and root hash"))
    try:
        root = base64.b64decode(lines[2], validate=True)
    except ValueError:
        root = b""
    if len(root) != 32:
        raise BadCheckpoint(reason=gettext_noop("its root hash is not 32 bytes of base64"))
    found = []
    for line in signatures[:-1].split("\n"):
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != DASH:
            raise BadCheckpoint(reason=gettext_noop("a signature line is malformed"))
        try:
            raw = base64.b64decode(parts[2], validate=True)
        except ValueError:
            raise BadCheckpoint(reason=gettext_noop("a signature line is malformed")) from None
        found.append((parts[1], raw[:4], raw[4:]))
    return Checkpoint(lines[0], int(lines[1]), root), found


def verify(note: str, name: str, public_key: bytes) -> Checkpoint:
    """The checkpoint, if the note carries a valid signature by ``name`` with this key."""
    checkpoint, signatures = parse(note)
    text = note.partition("\n\n")[0] + "\n"
    wanted = key_hash(name, public_key)
    for signer, hashed, signature in signatures:
        if signer == name and hashed == wanted:
            try:
                Ed25519PublicKey.from_public_bytes(public_key).verify(signature, text.encode())
            except InvalidSignature:
                raise BadCheckpoint(
                    reason=gettext_noop("the signature does not match the checkpoint")
                ) from None
            return checkpoint
    raise BadCheckpoint(reason=gettext_noop("it carries no signature by the bank's key"))


# Witnesses (C2SP tlog-cosignature v1): another party that checked the log only grew co-signs.
COSIGNATURE = b"\x04"


def cosigner_key_hash(name: str, public_key: bytes) -> bytes:
    return _key_id(name, COSIGNATURE, public_key)


def cosigner_verifier_key(name: str, public_key: bytes) -> str:
    """A witness's verifier key string (type 0x04), which the bank's operators register."""
    return _vkey(name, COSIGNATURE, public_key)


def parse_cosigner_key(text: str) -> tuple[str, bytes]:
    return _parse_vkey(
        text, COSIGNATURE, gettext_noop("the verifier key is not a valid Ed25519 cosigner key")
    )


def _cosigned_message(body: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{body}".encode()


def cosign(checkpoint: Checkpoint, name: str, private_key: bytes, timestamp: int) -> str:
    """A witness's signature line for the checkpoint, made at ``timestamp`` (POSIX seconds)."""
    key = Ed25519PrivateKey.from_private_bytes(private_key)
    public = key.public_key().public_bytes_raw()
    signature = key.sign(_cosigned_message(checkpoint.body(), timestamp))
    raw = cosigner_key_hash(name, public) + timestamp.to_bytes(8, "big") + signature
    return f"{DASH} {name} {base64.b64encode(raw).decode()}\n"


def verify_cosignature(checkpoint: Checkpoint, line: str, name: str, public_key: bytes, now: int) -> int:
    """The time a witness co-signed the checkpoint, if ``line`` is its valid cosignature."""
    parts = line.rstrip("\n").split(" ")
    try:
        raw = base64.b64decode(parts[2], validate=True) if len(parts) == 3 and parts[0] == DASH else b""
    except ValueError:
        raw = b""
    if len(raw) != 76 or parts[1] != name or raw[:4] != cosigner_key_hash(name, public_key):
        raise BadCheckpoint(reason=gettext_noop("it is not a cosignature by this witness"))
    timestamp = int.from_bytes(raw[4:12], "big")
    if timestamp >= 1 << 63 or timestamp > now + 300:
        raise BadCheckpoint(reason=gettext_noop("the cosignature's time is in the future"))
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            raw[12:], _cosigned_message(checkpoint.body(), timestamp)
        )
    except InvalidSignature:
        raise BadCheckpoint(reason=gettext_noop("the cosignature does not match the checkpoint")) from None
    return timestamp
