"""Reading the ledger: the latest checkpoint, entries, and proofs against any size the tree had."""

from __future__ import annotations

import base64
from typing import Any

from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.ledger.models import Checkpoint, LedgerEntry, LedgerHead
from creditbank.apps.ledger.services import STORED, verifier_key
from creditbank.core.errors import Conflict, InvalidInput, NotFound, gettext_noop
from creditbank.core.ledger import merkle
from creditbank.core.ledger.entries import entry_leaf


def b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def tree_size() -> int:
    head = LedgerHead.objects.filter(pk=1).first()
    return head.size if head else 0


def latest_checkpoint() -> Checkpoint:
    checkpoint = Checkpoint.objects.select_related("key").first()
    if checkpoint is None:
        raise NotFound(gettext_noop("The ledger has no checkpoint yet."))
    return checkpoint


def checkpoint_out(checkpoint: Checkpoint) -> dict[str, Any]:
    from creditbank.apps.ledger.witnesses import witnessing

    seen = witnessing(checkpoint)
    return {
        "cosigned_note": seen.note,
        "witnesses": seen.witnesses,
        "witnessed": seen.witnessed,
        "origin": checkpoint.key.name,
        "size": checkpoint.size,
        "root": b64(bytes(checkpoint.root)),
        "note": checkpoint.note,
        "verifier_key": verifier_key(checkpoint.key),
        "issued_at": checkpoint.created_at.isoformat(),
    }


def _sizes_known(*sizes: int) -> None:
    size = tree_size()
    for s in sizes:
        if not 0 < s <= size:
            raise InvalidInput(
                gettext_noop("The tree has sizes 1 to %(size)s; %(asked)s is not one of them."),
                size=size,
                asked=s,
            )


def inclusion(seq: int, size: int) -> dict[str, Any]:
    """The audit path proving entry ``seq`` is in the tree of ``size`` entries (RFC 9162 2.1.3)."""
    _sizes_known(size)
    entry = LedgerEntry.objects.filter(seq=seq).first()
    if entry is None or seq >= size:
        if LedgerEntry.objects.filter(seq__isnull=True).exists() and seq >= tree_size():
            raise Conflict(
                gettext_noop("Entry %(seq)s is not in the tree yet; the next checkpoint adds it."), seq=seq
            )
        raise NotFound(gettext_noop("The tree of %(size)s entries has no entry %(seq)s."), size=size, seq=seq)
    proof = merkle.inclusion_proof(seq, size, STORED)
    return {
        "seq": seq,
        "size": size,
        "leaf_hash": b64(entry_leaf(entry.body.encode())),
        "proof": [b64(p) for p in proof],
        "root": b64(merkle.root_hash(size, STORED)),
    }


def consistency(first: int, second: int) -> dict[str, Any]:
    """The proof that the tree of ``first`` entries is a prefix of the tree of ``second`` (2.1.4)."""
    _sizes_known(first, second)
    if first > second:
        raise InvalidInput(gettext_noop("The first size must not be larger than the second."))
    return {
        "first": first,
        "second": second,
        "proof": [b64(p) for p in merkle.consistency_proof(first, second, STORED)],
        "first_root": b64(merkle.root_hash(first, STORED)),
        "second_root": b64(merkle.root_hash(second, STORED)),
    }


def entry_out(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "kind": entry.kind,
        "subject": entry.subject,
        "body": entry.body,
        "leaf_hash": b64(entry_leaf(entry.body.encode())),
        "logged_at": entry.created_at.isoformat(),
    }


def entries(*, actor: Any, subject: str = "", after: int = -1, limit: int = 100) -> list[LedgerEntry]:
    """Entries for the bank's operators (they carry results, though no names or numbers)."""
    require(actor, Action.RUN_LEDGER)
    found = LedgerEntry.objects.all()
    if subject:
        found = found.filter(subject=subject)
    if after >= 0:
        found = found.filter(seq__gt=after)
    return list(found.order_by("-pk")[: max(1, min(limit, 1000))])
