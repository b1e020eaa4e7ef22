"""A witness's one step: given the bank's newest signed checkpoint, the last one this witness saw and
a consistency proof between them, co-sign only if the log has grown append-only. Alliance members run
this (``creditbank ledger witness``) so that the bank cannot show different histories to different
parties without being caught."""

from __future__ import annotations

from collections.abc import Sequence

from creditbank.core.errors import gettext_noop
from creditbank.core.ledger import checkpoints
from creditbank.core.ledger.merkle import verify_consistency


def witness_checkpoint(
    *,
    note: str,
    bank_key: str,
    seen: tuple[int, bytes] | None,
    proof: Sequence[bytes],
    name: str,
    private_key: bytes,
    now: int,
) -> tuple[str, checkpoints.Checkpoint]:
    """The cosignature line for the checkpoint in ``note``, and the checkpoint (the witness's new
    state). ``seen`` is the (size, root) this witness last co-signed, None on first use."""
    bank_name, bank_public = checkpoints.parse_verifier_key(bank_key)
    checkpoint = checkpoints.verify(note, bank_name, bank_public)
    if seen is not None:
        size, root = seen
        if checkpoint.size < size:
            raise checkpoints.BadCheckpoint(
                reason=gettext_noop("the log is smaller than the witness saw before")
            )
        if checkpoint.size == size and checkpoint.root != root:
            raise checkpoints.BadCheckpoint(
                reason=gettext_noop("the log shows two different trees of the same size")
            )
        if checkpoint.size > size and not verify_consistency(
            size, checkpoint.size, root, checkpoint.root, proof
        ):
            raise checkpoints.BadCheckpoint(
                reason=gettext_noop("the log rewrote entries the witness had seen")
            )
    return checkpoints.cosign(checkpoint, name, private_key, now), checkpoint
