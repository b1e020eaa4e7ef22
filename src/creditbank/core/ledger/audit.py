"""Auditing an exported log with nothing but its files: every entry's bytes, the signed checkpoint
and the bank's verifier key. This is what another region's bank runs; it needs none of our storage."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from creditbank.core.ledger import checkpoints
from creditbank.core.ledger.merkle import CompactRange, leaf_hash


@dataclass(frozen=True)
class Audit:
    entries: int
    checkpoint: checkpoints.Checkpoint
    problem: str  # empty when the log and its checkpoint agree


def audit_log(lines: Iterable[bytes], note: str, verifier_key: str) -> Audit:
    """Recompute the tree from the entries' bytes (one per line) and compare it with the checkpoint
    the bank signed. A changed, dropped, added or reordered entry changes the root."""
    name, public_key = checkpoints.parse_verifier_key(verifier_key)
    checkpoint = checkpoints.verify(note, name, public_key)
    tree = CompactRange()
    for line in lines:
        tree.push(leaf_hash(line))
        if tree.size == checkpoint.size:
            break
    if tree.size < checkpoint.size:
        return Audit(
            tree.size,
            checkpoint,
            f"the log holds {tree.size} entries; the checkpoint signs {checkpoint.size}",
        )
    if tree.root() != checkpoint.root:
        return Audit(tree.size, checkpoint, "the entries do not hash to the signed root")
    return Audit(tree.size, checkpoint, "")
