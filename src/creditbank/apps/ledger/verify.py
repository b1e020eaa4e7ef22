"""Verifying the ledger from the database, reading everything again and trusting nothing stored:
entries against the tree's leaves, every stored node against its children, the head and each signed
checkpoint against the recomputed roots, and every learning outcome against its latest entry.
It names the first thing that does not match. Read-only; streams, so it runs on a large bank."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.ledger.models import Checkpoint, LedgerEntry, LedgerHead, LedgerNode
from creditbank.core.errors import DomainError
from creditbank.core.ledger import checkpoints
from creditbank.core.ledger.entries import entry_leaf
from creditbank.core.ledger.merkle import EMPTY_ROOT, CompactRange, node_hash

CHUNK = 5000
MAX_PROBLEMS = 20


@dataclass
class Verification:
    entries: int = 0
    nodes: int = 0
    checkpoints: int = 0
    outcomes: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def fail(self, problem: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)


def ledger_verify(*, actor: Any = None) -> Verification:
    if actor is not None:
        require(actor, Action.RUN_LEDGER)
    report = Verification()
    head = LedgerHead.objects.filter(pk=1).first()
    size, root = (head.size, bytes(head.root)) if head else (0, EMPTY_ROOT)
    signed = {c.size: c for c in Checkpoint.objects.select_related("key").order_by("size")}
    _entries_and_roots(report, size, root, signed)
    _inner_nodes(report)
    _outcomes(report)
    return report


def _entries_and_roots(report: Verification, size: int, root: bytes, signed: dict[int, Checkpoint]) -> None:
    tree = CompactRange()
    entries = LedgerEntry.objects.filter(seq__isnull=False).order_by("seq").values_list("seq", "body")
    leaves = LedgerNode.objects.filter(level=0).order_by("index").values_list("index", "hash")
    stored_leaves = leaves.iterator(chunk_size=CHUNK)
    for seq, body in entries.iterator(chunk_size=CHUNK):
        if seq != tree.size:
            report.fail(f"entry {tree.size} is missing: the next entry stored is {seq}")
            return
        leaf = entry_leaf(body.encode())
        stored = next(stored_leaves, None)
        if stored is None or stored[0] != seq or bytes(stored[1]) != leaf:
            report.fail(
                f"entry {seq}: its bytes do not match the leaf the tree holds (changed after logging)"
            )
        tree.push(leaf)
        report.entries += 1
        if tree.size in signed:
            _checkpoint(report, signed[tree.size], tree.root())
    if tree.size != size:
        report.fail(f"the head says {size} entries, but {tree.size} are in the tree")
    elif tree.root() != root:
        report.fail("the head's root hash is not the root of the entries")
    for missing in sorted(s for s in signed if s > tree.size):
        report.fail(f"checkpoint {missing} signs more entries than the ledger holds ({tree.size})")


def _checkpoint(report: Verification, checkpoint: Checkpoint, recomputed: bytes) -> None:
    report.checkpoints += 1
    try:
        signed = checkpoints.verify(checkpoint.note, checkpoint.key.name, bytes(checkpoint.key.public_key))
    except DomainError as exc:
        report.fail(f"checkpoint {checkpoint.size}: {exc.message}")
        return
    if (signed.size, signed.root) != (checkpoint.size, bytes(checkpoint.root)):
        report.fail(f"checkpoint {checkpoint.size}: the stored size or root differs from the signed note")
    elif signed.root != recomputed:
        report.fail(f"checkpoint {checkpoint.size}: the entries no longer hash to the root it signed")


def _level(level: int) -> Iterator[tuple[int, bytes]]:
    rows = LedgerNode.objects.filter(level=level).order_by("index").values_list("index", "hash")
    for index, value in rows.iterator(chunk_size=CHUNK):
        yield index, bytes(value)


def _inner_nodes(report: Verification) -> None:
    """Every stored node above the leaves must be the hash of its two stored children."""
    levels = sorted(LedgerNode.objects.values_list("level", flat=True).distinct())
    for level in (lv for lv in levels if lv > 0):
        children = _level(level - 1)
        for index, value in _level(level):
            report.nodes += 1
            left, right = next(children, None), next(children, None)
            if left is None or right is None or (left[0], right[0]) != (2 * index, 2 * index + 1):
                report.fail(f"node ({level}, {index}): its children are missing")
                return
            if node_hash(left[1], right[1]) != value:
                report.fail(f"node ({level}, {index}) of the tree was changed")


def _outcomes(report: Verification) -> None:
    """Each learning outcome as stored must say what its latest ledger entry says."""
    from creditbank.apps.deposits.ledger import outcome_facts
    from creditbank.apps.deposits.models import LearningOutcome
    from creditbank.apps.ledger.services import learner_refs

    outcomes = LearningOutcome.objects.select_related("entry", "institution", "learner").order_by("pk")
    last = 0
    while chunk := list(outcomes.filter(pk__gt=last)[:CHUNK]):  # keyset pages: no list of every pk
        last = chunk[-1].pk
        refs = learner_refs((o.learner for o in chunk), create=False)
        latest = _latest_entries([f"outcome:{o.pk}" for o in chunk])
        for outcome in chunk:
            report.outcomes += 1
            logged = latest.get(f"outcome:{outcome.pk}")
            if logged is None:
                report.fail(f"outcome {outcome.pk} has no ledger entry (stored without its service)")
                continue
            facts = outcome_facts(outcome, refs.get(outcome.learner_id, logged.get("learner", "")))
            changed = sorted(k for k in facts.keys() | logged.keys() if facts.get(k) != logged.get(k))
            if changed:
                report.fail(f"outcome {outcome.pk}: {', '.join(changed)} differ from its ledger entry")


def _latest_entries(subjects: list[str]) -> dict[str, dict[str, Any]]:
    rows = (
        LedgerEntry.objects.filter(subject__in=subjects)
        .order_by("subject", "pk")
        .values_list("subject", "body")
    )
    latest: dict[str, dict[str, Any]] = {}
    for subject, group in groupby(rows, key=lambda r: r[0]):
        *_, last = group
        latest[subject] = dict(json.loads(last[1])["data"])
    return latest
