"""Benchmark: the tamper-evident ledger (RFC 9162 Merkle tree).

What it measures, on a fresh database:
  1. appends: ``ledger_append`` of outcome-like events in one transaction (canonical JSON, one row
     per entry) — against SHA-256 of the same bytes, the physical limit of hashing them at all;
  2. integration: ``ledger_integrate`` (leaf and node hashes, nodes stored, entries numbered) —
     against computing the same tree in memory with no database (the hashing alone);
  3. proofs: inclusion and consistency proof generation (``selectors.inclusion``/``consistency``,
     what the API serves) at growing tree sizes, p50 and p99 over random entries: the cost should
     grow with log2(size), not with size.

Run:   .venv/bin/python bench/ledger.py [--entries 100000] [--database-url postgres://…/x_bench] [--record]
"""

from __future__ import annotations

import hashlib
import random
import sys
import time
from typing import Any

from _common import arguments, database, empty_schema, ms, record, title


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument(
        "--entries", type=int, default=100_000, help="entries in the largest tree (default 100000)"
    )
    args = parser.parse_args()
    with database(args.database_url):
        lines = run(args.entries)
    record(lines, args.record)


def _events(start: int, count: int) -> list[Any]:
    from creditbank.apps.ledger.services import Event

    return [
        Event("outcome.deposited", f"outcome:{i}", {
            "outcome": i, "learner": "sha256:" + hashlib.sha256(str(i // 20).encode()).hexdigest(),
            "unit": f"SYN0001-{i % 16:02d}", "unit_version": 1, "institution": "syn-0001", "type": "formal",
            "achieved_on": "2024-01-10", "result": "B+", "evidence": "", "framework": "GDLEQF", "level": "GDLEQF-4",
            "credits": "4.00", "credit_system": "GD-CREDIT", "status": "recorded", "status_reason": "",
            "supersedes": None,
        })
        for i in range(start, start + count)
    ]  # fmt: skip


def run(largest: int) -> list[str]:
    import django

    django.setup()
    from django.db import connection, transaction

    from creditbank.apps.ledger import selectors
    from creditbank.apps.ledger.models import LedgerEntry, LedgerHead
    from creditbank.apps.ledger.services import ledger_append, ledger_integrate
    from creditbank.core.ledger import merkle
    from creditbank.core.ledger.entries import entry_leaf

    empty_schema()
    sizes = [s for s in (1_000, 10_000, 100_000, 1_000_000) if s < largest] + [largest]
    lines = title("ledger", f"{connection.vendor} · {largest} entries")
    appended = integrated = 0.0
    done = 0
    proofs: list[str] = []
    for size in sizes:
        events = _events(done, size - done)
        start = time.perf_counter()
        with transaction.atomic():
            ledger_append(events)
        appended += time.perf_counter() - start
        start = time.perf_counter()
        ledger_integrate()
        integrated += time.perf_counter() - start
        done = size
        print(f"… tree of {size} entries", file=sys.stderr, flush=True)
        proofs.append(_proof_times(selectors, size))
    bodies = [e.encode() for e in LedgerEntry.objects.order_by("seq").values_list("body", flat=True)]
    start = time.perf_counter()
    for body in bodies:
        hashlib.sha256(body).digest()
    raw_hash = time.perf_counter() - start
    start = time.perf_counter()
    memory: dict[Any, bytes] = {}

    class Memory:
        def read_nodes(self, ids: Any) -> dict[Any, bytes]:
            return {i: memory[i] for i in ids}

    tree = merkle.append(0, [entry_leaf(b) for b in bodies], Memory())
    in_memory = time.perf_counter() - start
    assert tree.root == bytes(LedgerHead.objects.get(pk=1).root), (
        "the stored tree differs from the computed one"
    )
    lines += [
        f"- append (canonical JSON, stored in the deposit's transaction): {largest / appended:,.0f} entries/s",
        f"- limit: SHA-256 of the same bytes: {largest / raw_hash:,.0f} entries/s · ratio {raw_hash / appended:.3f}",
        f"- integrate into the tree (hash, store nodes, number entries): {largest / integrated:,.0f} entries/s",
        f"- limit: the same tree computed in memory: {largest / in_memory:,.0f} entries/s · ratio {in_memory / integrated:.2f}",
        "- proofs by tree size (p50 / p99 over 200 random entries or size pairs, as the API computes them):",
        *proofs,
    ]
    return lines


def _proof_times(selectors: Any, size: int) -> str:
    rng = random.Random(size)  # noqa: S311 (which entries to prove)
    inclusion, consistency = [], []
    for _ in range(200):
        seq = rng.randrange(size)
        start = time.perf_counter()
        selectors.inclusion(seq, size)
        inclusion.append(time.perf_counter() - start)
        first = rng.randrange(1, size + 1)
        start = time.perf_counter()
        selectors.consistency(first, size)
        consistency.append(time.perf_counter() - start)
    return (
        f"  - {size:>9,} entries: inclusion {ms(inclusion, 50):.2f} / {ms(inclusion, 99):.2f} ms,"
        f" consistency {ms(consistency, 50):.2f} / {ms(consistency, 99):.2f} ms"
    )


if __name__ == "__main__":
    main()
