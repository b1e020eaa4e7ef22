"""A witness's key file: its name and Ed25519 seed, kept by the witness (never in the bank's
database). Used by `creditbank ledger witness-key|witness` and by the demo's witness."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from creditbank.core.ledger.checkpoints import cosigner_verifier_key


@dataclass(frozen=True)
class WitnessKey:
    name: str
    seed: bytes

    @property
    def verifier_key(self) -> str:
        """What the bank's operators register (type 0x04, name+hash+key)."""
        public = Ed25519PrivateKey.from_private_bytes(self.seed).public_key().public_bytes_raw()
        return cosigner_verifier_key(self.name, public)


def witness_key_create(path: Path, name: str) -> WitnessKey:
    """A new key, written readable by its owner only."""
    key = WitnessKey(name, Ed25519PrivateKey.generate().private_bytes_raw())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{key.name}\n{key.seed.hex()}\n", encoding="utf-8")
    path.chmod(0o600)
    return key


def witness_key_read(path: Path) -> WitnessKey:
    name, seed = path.read_text(encoding="utf-8").split()
    return WitnessKey(name, bytes.fromhex(seed))
