"""Exporting the log for parties who trust neither the bank nor its code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.ledger.models import LedgerEntry
from creditbank.apps.ledger.selectors import latest_checkpoint
from creditbank.apps.ledger.services import checkpoint_issue, verifier_key

README = """creditbank ledger export

entries.jsonl     one entry per line: RFC 8785 canonical JSON, exactly the bytes that were hashed
checkpoint.txt    a C2SP tlog-checkpoint in a signed note (origin, size, base64 root hash), Ed25519
verifier-key.txt  the signed-note verifier key of the bank (name+keyhash+base64(0x01||public key))

To verify without creditbank: check the note's signature with the verifier key, then build the RFC 9162
Merkle tree of the first <size> lines (leaf hash = SHA-256(0x00 || line bytes without the newline),
interior node = SHA-256(0x01 || left || right)) and compare its root with the checkpoint's.
With creditbank: creditbank ledger verify --from <this folder>
"""


def export_log(*, actor: Any, folder: Path) -> int:
    """Write entries 0..size-1 of a fresh checkpoint, the checkpoint and the verifier key."""
    require(actor, Action.RUN_LEDGER)
    checkpoint_issue(actor=actor)
    checkpoint = latest_checkpoint()
    folder.mkdir(parents=True, exist_ok=True)
    rows = LedgerEntry.objects.filter(seq__lt=checkpoint.size).order_by("seq").values_list("body", flat=True)
    with (folder / "entries.jsonl").open("wb") as out:
        for body in rows.iterator(chunk_size=5000):
            out.write(body.encode() + b"\n")
    (folder / "checkpoint.txt").write_text(checkpoint.note, encoding="utf-8")
    (folder / "verifier-key.txt").write_text(verifier_key(checkpoint.key) + "\n", encoding="utf-8")
    (folder / "README.txt").write_text(README, encoding="utf-8")
    return checkpoint.size
