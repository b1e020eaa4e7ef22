"""Ledger entries: what one state change says, as RFC 8785 canonical JSON, so that anyone can
recompute its leaf hash from the published bytes with any JSON library that follows the RFC."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import rfc8785

from creditbank.core.ledger.merkle import leaf_hash


def entry_bytes(kind: str, at: str, data: Mapping[str, Any]) -> bytes:
    """The canonical bytes of an entry: its kind (``outcome.deposited``…), when (ISO 8601, UTC) and
    the event's data (strings, whole numbers, booleans, nulls, lists and objects; no floats)."""
    doc: dict[str, Any] = {"kind": kind, "at": at, "data": dict(data)}
    if _plain(doc):
        # For such values RFC 8785 is exactly sorted keys, no whitespace and JSON's minimal string
        # escapes, which the C json encoder writes ten times faster than a pure-Python canonicaliser.
        try:
            return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        except UnicodeEncodeError:  # a lone surrogate: RFC 8785's own rules apply
            pass
    return rfc8785.dumps(doc)


_SAFE_INTEGER = 2**53 - 1  # beyond it, RFC 8785 (I-JSON) numbers lose precision


def _plain(value: Any) -> bool:
    """Only strings, safe integers, booleans, null, lists and objects with ASCII keys (whose UTF-16
    order, RFC 8785's, is the code point order json.dumps sorts by)."""
    kind = type(value)
    if value is None or kind is bool or isinstance(value, str):  # str enums write their value
        return True
    if kind is int:
        return bool(-_SAFE_INTEGER <= value <= _SAFE_INTEGER)
    if kind is dict:
        # A loop, not all() over a generator: this runs for every entry of a bulk deposit.
        for key, item in value.items():
            if type(key) is not str or not key.isascii():
                return False
            if item is not None and type(item) is not str and not _plain(item):
                return False
        return True
    if kind is list or kind is tuple:
        return all(_plain(v) for v in value)
    return False


def entry_leaf(body: bytes) -> bytes:
    return leaf_hash(body)


def learner_commitment(salt: bytes, learner_number: str) -> str:
    """Stands for a learner in the ledger: a salted hash of their learner number. Whoever holds the
    salt can show an entry is about this learner; erasing the salt erases the link for good, and
    the tree stays intact."""
    return "sha256:" + hashlib.sha256(salt + learner_number.encode()).hexdigest()
