"""RFC 9162 Merkle trees: our stored-subtree implementation against the RFC's recursive definitions
written out directly, against transparency-dev's published vectors, and against tampering."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditbank.core.ledger.merkle import (
    EMPTY_ROOT,
    NodeId,
    ProofError,
    append,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)

VECTORS = Path(__file__).with_name("vectors") / "merkle"
# transparency-dev/merkle testonly: leaf inputs, and the roots of the trees of their first n leaves.
LEAF_INPUTS = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


class MemoryNodes:
    """A node store in a dict, standing in for the database in these pure tests."""

    def __init__(self) -> None:
        self.nodes: dict[NodeId, bytes] = {}
        self.size = 0

    def read_nodes(self, ids: Sequence[NodeId]) -> Mapping[NodeId, bytes]:
        return {i: self.nodes[i] for i in ids}

    def add(self, leaves: list[bytes]) -> bytes:
        done = append(self.size, leaves, self)
        self.nodes.update(done.nodes)
        self.size = done.size
        return done.root


# The RFC's definitions, transcribed as directly as possible (2.1.1, 2.1.3.1, 2.1.4.1).
def mth(d: list[bytes]) -> bytes:
    n = len(d)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return d[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(mth(d[:k]), mth(d[k:]))


def path(m: int, d: list[bytes]) -> list[bytes]:
    n = len(d)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return [*path(m, d[:k]), mth(d[k:])]
    return [*path(m - k, d[k:]), mth(d[:k])]


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [mth(d)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return [*subproof(m, d[:k], b), mth(d[k:])]
    return [*subproof(m - k, d[k:], False), mth(d[:k])]


def leaves(n: int) -> list[bytes]:
    return [leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


def tree(n: int) -> MemoryNodes:
    store = MemoryNodes()
    store.add(leaves(n))
    return store


def test_roots_match_the_published_vectors() -> None:
    store = MemoryNodes()
    assert root_hash(0, store).hex() == ROOTS[0]
    for n, data in enumerate(LEAF_INPUTS, start=1):
        assert store.add([leaf_hash(bytes.fromhex(data))]).hex() == ROOTS[n]
        assert root_hash(n, store).hex() == ROOTS[n]


@given(st.integers(min_value=0, max_value=300))
def test_the_root_is_the_rfc_root(n: int) -> None:
    assert root_hash(n, tree(n)) == mth(leaves(n))


@given(st.lists(st.integers(min_value=0, max_value=40), max_size=8))
def test_appending_in_batches_stores_the_same_tree_as_one_by_one(chunks: list[int]) -> None:
    batched, single = MemoryNodes(), MemoryNodes()
    total = sum(chunks)
    start = 0
    for size in chunks:
        batched.add(leaves(total)[start : start + size])
        start += size
    for leaf in leaves(total):
        single.add([leaf])
    assert batched.nodes == single.nodes
    assert len(batched.nodes) < 2 * total + 1  # about two hashes a leaf


@given(st.integers(min_value=1, max_value=200), st.data())
def test_inclusion_proofs_are_the_rfc_paths_and_verify(n: int, data: st.DataObject) -> None:
    m = data.draw(st.integers(min_value=0, max_value=n - 1))
    store, d = tree(n), leaves(n)
    proof = inclusion_proof(m, n, store)
    assert proof == path(m, d)
    assert verify_inclusion(m, n, d[m], proof, mth(d))


@given(st.integers(min_value=1, max_value=200), st.data())
def test_consistency_proofs_are_the_rfc_proofs_and_verify(n: int, data: st.DataObject) -> None:
    m = data.draw(st.integers(min_value=1, max_value=n))
    store, d = tree(n), leaves(n)
    proof = consistency_proof(m, n, store)
    assert proof == subproof(m, d, True)
    assert verify_consistency(m, n, mth(d[:m]), mth(d), proof)


@given(st.integers(min_value=2, max_value=100), st.data())
def test_a_tampered_inclusion_proof_or_leaf_fails(n: int, data: st.DataObject) -> None:
    m = data.draw(st.integers(min_value=0, max_value=n - 1))
    d = leaves(n)
    proof = path(m, d)
    i = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
    bit = data.draw(st.integers(min_value=0, max_value=255))
    bad = [*proof]
    bad[i] = bytes([bad[i][0] ^ (1 << bit % 8)]) + bad[i][1:] if bit < 8 else bad[i][:-1] + b"\xff"
    if bad[i] != proof[i]:
        assert not verify_inclusion(m, n, d[m], bad, mth(d))
    assert not verify_inclusion(m, n, leaf_hash(b"forged"), proof, mth(d))
    assert not verify_inclusion(m, n, d[m], proof[:-1], mth(d))
    assert not verify_inclusion(m, n, d[m], [*proof, proof[0]], mth(d))


@given(st.integers(min_value=3, max_value=100), st.data())
def test_a_rewritten_history_fails_consistency(n: int, data: st.DataObject) -> None:
    m = data.draw(st.integers(min_value=1, max_value=n - 1))
    d = leaves(n)
    changed = data.draw(st.integers(min_value=0, max_value=m - 1))
    rewritten = [*d]
    rewritten[changed] = leaf_hash(b"rewritten")
    # The log shows the old tree to one party and a rewritten one to another: no proof joins them.
    proof = subproof(m, rewritten, True)
    assert not verify_consistency(m, n, mth(d[:m]), mth(rewritten), proof)


def test_proofs_outside_the_tree_are_refused() -> None:
    store = tree(5)
    with pytest.raises(ProofError):
        inclusion_proof(5, 5, store)
    with pytest.raises(ProofError):
        consistency_proof(6, 5, store)
    with pytest.raises(ProofError):
        consistency_proof(0, 5, store)


def b64(value: str | None) -> bytes:
    return base64.b64decode(value or "")


@pytest.mark.parametrize("name", sorted(p.name for p in VECTORS.glob("inclusion_*.json")))
def test_transparency_dev_inclusion_vectors(name: str) -> None:
    v = json.loads((VECTORS / name).read_text())
    ok = verify_inclusion(
        v["leafIdx"], v["treeSize"], b64(v["leafHash"]), [b64(p) for p in v["proof"] or []], b64(v["root"])
    )
    assert ok is not v["wantErr"], v["desc"]


@pytest.mark.parametrize("name", sorted(p.name for p in VECTORS.glob("consistency_*.json")))
def test_transparency_dev_consistency_vectors(name: str) -> None:
    v = json.loads((VECTORS / name).read_text())
    ok = verify_consistency(
        v["size1"], v["size2"], b64(v["root1"]), b64(v["root2"]), [b64(p) for p in v["proof"] or []]
    )
    assert ok is not v["wantErr"], v["desc"]
