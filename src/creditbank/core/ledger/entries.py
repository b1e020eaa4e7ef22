"""Ledger entries: what one state change says, as RFC 8785 canonical JSON, so that anyone can
recompute its leaf hash from the published bytes with any JSON library that follows the RFC."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import rfc8785

from creditbank.core.ledger.merkle import leaf_hash


def entry_bytes(kind: str, at: str, data: Mapping[str, Any]) -> bytes:
    """The canonical bytes of an entry: its kind (``outcome.deposited``…), when (ISO 8601, UTC) and
    the event's data (strings, whole numbers, booleans, nulls, lists and objects; no floats)."""
    return rfc8785.dumps({"kind": kind, "at": at, "data": dict(data)})


def entry_leaf(body: bytes) -> bytes:
    return leaf_hash(body)


def learner_commitment(salt: bytes, learner_number: str) -> str:
    """Stands for a learner in the ledger: a salted hash of their learner number. Whoever holds the
    salt can show an entry is about this learner; erasing the salt erases the link for good, and
    the tree stays intact."""
    return "sha256:" + hashlib.sha256(salt + learner_number.encode()).hexdigest()
