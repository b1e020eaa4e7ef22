"""RFC 9162 (Certificate Transparency 2.0) Merkle trees: hashing, inclusion and consistency proofs.

The tree is stored as its complete subtrees: node (level, index) is the root of the perfect subtree
over leaves [index·2^level, (index+1)·2^level). Appending leaf n stores one node per level that n
completes, so the store holds about 2n hashes, and any root or proof needs at most O(log n) of
them: every range the RFC's recursive definitions ask for splits into such aligned subtrees.
Storage is behind ``NodeReader``; this module only computes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()  # MTH({}) = HASH()

NodeId = tuple[int, int]  # (level, index)


class NodeReader(Protocol):
    def read_nodes(self, ids: Sequence[NodeId]) -> Mapping[NodeId, bytes]:
        """The stored hashes of these complete subtrees (every one of them must exist)."""


class ProofError(ValueError):
    """A proof was asked for sizes or indexes the tree does not have."""


def leaf_hash(data: bytes) -> bytes:
    """MTH({d(0)}) = HASH(0x00 || d(0))."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """HASH(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1): where the RFC splits a tree of n leaves."""
    return 1 << ((n - 1).bit_length() - 1)


def _range_nodes(start: int, end: int) -> list[NodeId]:
    """The aligned complete subtrees that make up leaves [start, end), left to right."""
    ids: list[NodeId] = []
    while start < end:
        # The largest aligned power-of-two block that starts here and fits.
        level = (start & -start).bit_length() - 1 if start else (end - start).bit_length() - 1
        while (1 << level) > end - start:
            level -= 1
        ids.append((level, start >> level))
        start += 1 << level
    return ids


def _fold(hashes: Sequence[bytes]) -> bytes:
    """MTH of a range from its complete subtrees: they nest to the right, as the RFC's splits do."""
    root = hashes[-1]
    for left in reversed(hashes[:-1]):
        root = node_hash(left, root)
    return root


class CompactRange:
    """The right edge of a tree: the roots of its complete subtrees, largest first. Pushing a leaf
    completes at most one subtree per level; the nodes completed are what a store must keep."""

    def __init__(self, size: int = 0, edge: Sequence[bytes] = ()) -> None:
        levels = [level for level, _ in _range_nodes(0, size)]
        if len(levels) != len(edge):
            raise ValueError(f"a tree of {size} leaves has {len(levels)} edge nodes, not {len(edge)}")
        self.size = size
        self._stack = list(zip(levels, edge, strict=True))

    def push(self, leaf: bytes) -> dict[NodeId, bytes]:
        n = self.size
        completed = {(0, n): leaf}
        level, current = 0, leaf
        # Merge while the subtree just completed has a left sibling of the same height.
        while self._stack and self._stack[-1][0] == level:
            _, left = self._stack.pop()
            current = node_hash(left, current)
            level += 1
            completed[(level, ((n + 1) >> level) - 1)] = current
        self._stack.append((level, current))
        self.size = n + 1
        return completed

    def root(self) -> bytes:
        return _fold([h for _, h in self._stack]) if self._stack else EMPTY_ROOT


def edge_nodes(size: int) -> list[NodeId]:
    """The stored nodes that make up a tree's right edge (what ``CompactRange`` starts from)."""
    return _range_nodes(0, size)


@dataclass(frozen=True)
class Appended:
    """What appending leaves produced: the nodes to store, and the new size and root."""

    nodes: dict[NodeId, bytes]
    size: int
    root: bytes


def append(size: int, leaves: Iterable[bytes], reader: NodeReader) -> Appended:
    """Append leaf hashes to a tree of ``size`` leaves. Reads at most log2(size) stored nodes (the
    tree's right edge) however many leaves are appended, so a batch costs one read and one write."""
    ids = edge_nodes(size)
    stored = reader.read_nodes(ids) if ids else {}
    tree = CompactRange(size, [stored[i] for i in ids])
    new: dict[NodeId, bytes] = {}
    for leaf in leaves:
        new.update(tree.push(leaf))
    return Appended(new, tree.size, tree.root())


def root_hash(size: int, reader: NodeReader) -> bytes:
    if size == 0:
        return EMPTY_ROOT
    ids = _range_nodes(0, size)
    stored = reader.read_nodes(ids)
    return _fold([stored[i] for i in ids])


def _path_ranges(m: int, start: int, n: int) -> list[tuple[int, int]]:
    """RFC 9162 2.1.3.1 PATH(m, D[start:start+n]) as the leaf ranges whose hashes it lists."""
    ranges: list[tuple[int, int]] = []
    while n > 1:
        k = _split(n)
        if m < k:
            ranges.append((start + k, start + n))
            n = k
        else:
            ranges.append((start, start + k))
            m, start, n = m - k, start + k, n - k
    return ranges[::-1]  # the recursion lists the deepest sibling first


def _subproof_ranges(m: int, start: int, n: int) -> list[tuple[int, int]]:
    """RFC 9162 2.1.4.1 SUBPROOF(m, D[start:start+n], true) as leaf ranges."""
    ranges: list[tuple[int, int]] = []
    complete = True  # b: whether the subtree so far is the whole of the old tree
    while m != n:
        k = _split(n)
        if m <= k:
            ranges.append((start + k, start + n))
            n = k
        else:
            ranges.append((start, start + k))
            m, start, n, complete = m - k, start + k, n - k, False
    if not complete:
        ranges.append((start, start + n))
    return ranges[::-1]


def _hashes_of(ranges: list[tuple[int, int]], reader: NodeReader) -> list[bytes]:
    per_range = [_range_nodes(s, e) for s, e in ranges]
    stored = reader.read_nodes(sorted({i for ids in per_range for i in ids}))
    return [_fold([stored[i] for i in ids]) for ids in per_range]


def inclusion_proof(index: int, size: int, reader: NodeReader) -> list[bytes]:
    """The audit path for leaf ``index`` in the tree of ``size`` leaves."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size} leaves")
    return _hashes_of(_path_ranges(index, 0, size), reader)


def consistency_proof(first: int, second: int, reader: NodeReader) -> list[bytes]:
    """The proof that the tree of ``first`` leaves is a prefix of the tree of ``second`` leaves.
    From the empty tree there is nothing to prove (a first checkpoint is trusted on first use)."""
    if not 0 < first <= second:
        raise ProofError(f"no consistency proof from size {first} to size {second}")
    if first == second:
        return []
    return _hashes_of(_subproof_ranges(first, 0, second), reader)


def _hashes(*values: bytes) -> bool:
    return all(len(v) == HASH_SIZE for v in values)


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 2.1.3.2, step by step."""
    if index >= size or index < 0 or not _hashes(leaf, *proof):
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 2.1.4.2, with the edge cases the RFC leaves to the caller, as transparency-dev's
    verifier decides them: equal sizes need an empty proof and equal roots; a proof from the empty
    tree is meaningless and fails."""
    if not 0 < first <= second or not _hashes(*proof):
        return False
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # first is an exact power of two
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0
