"""Writing to the ledger: appending entries (inside the caller's transaction), integrating them into
the RFC 9162 tree, and issuing signed checkpoints.

Appending is a plain INSERT, so deposits of millions of outcomes never queue behind one another on
the ledger. ``ledger_integrate`` takes the pending entries in the order they were written, under
one lock on the head row, and hashes a whole batch into the tree with one read of its right edge
and one bulk write of the new nodes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from creditbank.apps.accounts import crypto
from creditbank.apps.accounts.models import Learner
from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.bulk import bulk_insert_rows
from creditbank.apps.ledger.models import (
    Checkpoint,
    LearnerSalt,
    LedgerEntry,
    LedgerHead,
    LedgerNode,
    SigningKey,
)
from creditbank.apps.lookups import chunked
from creditbank.config.checks import option
from creditbank.core.ledger import checkpoints, merkle
from creditbank.core.ledger.entries import entry_bytes, entry_leaf, learner_commitment

KEY_FIELD = "ledger.signing_key"
INTEGRATE_BATCH = 20_000


@dataclass(frozen=True)
class Event:
    kind: str  # "outcome.deposited", "outcome.revoked", …
    subject: str  # what it is about, for finding its history: "outcome:17"
    data: Mapping[str, Any]


def _timestamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def ledger_append(events: Sequence[Event]) -> None:
    """Record events in the ledger, inside the transaction that made the change they describe, so
    that the change and its entry are stored together or not at all."""
    if not events:
        return
    if not connection.in_atomic_block:
        raise RuntimeError("ledger_append must run inside the transaction of the change it records")
    at = _timestamp(timezone.now())
    rows = [
        {"seq": None, "kind": e.kind, "subject": e.subject, "body": entry_bytes(e.kind, at, e.data).decode()}
        for e in events
    ]
    bulk_insert_rows(LedgerEntry, rows, keys=False)  # numbered by the database in this order


def learner_refs(learners: Iterable[Learner], *, create: bool = True) -> dict[int, str]:
    """Each learner's commitment (salted hash of the learner number), making salts where missing
    (unless ``create`` is False: then a learner without a salt, one who was erased, is left out)."""
    return learner_refs_by_number({learner.pk: learner.public_id for learner in learners}, create=create)


def learner_refs_by_number(numbers: Mapping[int, str], *, create: bool = True) -> dict[int, str]:
    """``learner_refs`` for learners given as learner id → learner number (no model objects)."""
    salts: dict[int, bytes] = {}
    for chunk in chunked(numbers):
        rows = LearnerSalt.objects.filter(learner_id__in=chunk).values_list("learner_id", "salt")
        salts.update((pk, bytes(salt)) for pk, salt in rows)  # PostgreSQL returns memoryview
    missing = [pk for pk in numbers if pk not in salts]
    if missing and not create:
        return {pk: learner_commitment(salts[pk], numbers[pk]) for pk in salts}
    if missing:
        made = {pk: os.urandom(32) for pk in missing}
        with transaction.atomic():
            bulk_insert_rows(LearnerSalt, [{"learner_id": pk, "salt": salt} for pk, salt in made.items()])
        salts.update(made)
    return {pk: learner_commitment(salts[pk], numbers[pk]) for pk in numbers}


class _StoredNodes:
    def read_nodes(self, ids: Sequence[merkle.NodeId]) -> Mapping[merkle.NodeId, bytes]:
        if not ids:
            return {}
        query = Q()
        for level, index in ids:
            query |= Q(level=level, index=index)
        found = {(n.level, n.index): bytes(n.hash) for n in LedgerNode.objects.filter(query)}
        missing = [i for i in ids if i not in found]
        if missing:
            raise LedgerCorrupt(f"the tree's stored nodes {missing} are missing")
        return found


class LedgerCorrupt(RuntimeError):
    """The stored tree is not whole: only tampering or a lost table does this."""


STORED = _StoredNodes()


def _head() -> LedgerHead:
    head = LedgerHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        LedgerHead.objects.get_or_create(pk=1, defaults={"size": 0, "root": merkle.EMPTY_ROOT})
        head = LedgerHead.objects.select_for_update().get(pk=1)
    return head


def ledger_integrate(batch: int = INTEGRATE_BATCH) -> int:
    """Give pending entries their places in the tree, oldest first; returns how many were added."""
    added = 0
    while True:
        with transaction.atomic():
            head = _head()
            pending = list(LedgerEntry.objects.filter(seq__isnull=True).order_by("pk")[:batch])
            if not pending:
                return added
            done = merkle.append(head.size, [entry_leaf(e.body.encode()) for e in pending], STORED)
            bulk_insert_rows(
                LedgerNode, [{"level": lv, "index": ix, "hash": h} for (lv, ix), h in done.nodes.items()]
            )
            _number(pending, head.size)
            head.size, head.root = done.size, done.root
            head.save(update_fields=["size", "root", "updated_at"])
            added += len(pending)


def _number(pending: list[LedgerEntry], first: int) -> None:
    """Give the entries seq first, first+1, … in their order, with one UPDATE per chunk (Django's
    bulk_update writes a CASE per row, which is what made large integrations slow)."""
    table = connection.ops.quote_name(LedgerEntry._meta.db_table)
    with connection.cursor() as cursor:
        for ids in chunked(e.pk for e in pending):
            marks = ", ".join(["%s"] * len(ids))
            cursor.execute(
                f"UPDATE {table} SET seq = numbered.n + %s FROM ("  # noqa: S608 (table name from the model)
                f" SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS n FROM {table} WHERE id IN ({marks})"
                f") AS numbered WHERE {table}.id = numbered.id",
                [first, *ids],
            )
            first += len(ids)


def origin() -> str:
    return str(option("LEDGER_ORIGIN"))


def signing_key() -> tuple[SigningKey, bytes]:
    """The bank's current checkpoint key and its private half; made on first use."""
    key = SigningKey.objects.filter(retired_at__isnull=True, name=origin()).first()
    if key is None:
        private = Ed25519PrivateKey.generate()
        seed = private.private_bytes_raw()
        key = SigningKey.objects.create(
            name=origin(),
            public_key=private.public_key().public_bytes_raw(),
            private_key_encrypted=crypto.encrypt(seed.hex(), field=KEY_FIELD),
        )
        return key, seed
    return key, bytes.fromhex(crypto.decrypt(key.private_key_encrypted, field=KEY_FIELD))


def checkpoint_issue(*, actor: Any = None) -> Checkpoint:
    """Integrate what is pending and sign the tree's head. ``actor`` is None for the bank's own
    schedule (the worker, the demo); people need the operator's right to run the ledger."""
    if actor is not None:
        require(actor, Action.RUN_LEDGER)
    ledger_integrate()
    with transaction.atomic():
        head = _head()
        latest = Checkpoint.objects.first()
        if latest is not None and latest.size == head.size:
            return latest  # nothing new to sign
        key, seed = signing_key()
        note = checkpoints.sign(checkpoints.Checkpoint(key.name, head.size, bytes(head.root)), key.name, seed)
        return Checkpoint.objects.create(size=head.size, root=bytes(head.root), note=note, key=key)


def verifier_key(key: SigningKey) -> str:
    return checkpoints.verifier_key(key.name, bytes(key.public_key))
