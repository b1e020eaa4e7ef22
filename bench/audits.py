"""Benchmark: pathway audits and transfer proposals per second per core, serially and on Dask.

A synthetic bank (``creditbank synth``: N learners with a few outcomes each, and diplomas whose
rules count credit from other institutions under caps) is generated in a fresh database. Then, for
one diploma and the cohort of Guangdong learners (about 80 % of all):
  1. the pure core alone, holdings already in memory: transfer proposals (rule matching and the
     optimal proposal under caps) and whole audits (proposal and requirement tree), on one core;
  2. the cohort audit as the background worker runs it, serially, database reads included;
  3. the same cohort on Dask distributed: a LocalCluster of one worker process per core, each
     reading its ranges of learners itself (cluster start-up timed apart).
The goal (issue 7) is 1 000 audits/s per core; each rate is given with its ratio to it. Parallel
efficiency compares Dask's steady rate per worker with the serial rate.

Run:   .venv/bin/python bench/audits.py [--learners 50000] [--per-learner 4] [--database-url …_bench] [--record]
       [--serial-sample N]  audit only the cohort's first N learners serially (for very large cohorts)
       [--resume]  keep the bank in the database and complete it (synth resumes where it stopped);
                   the generation time is then that of the part done in this run
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from datetime import date

from _common import analyse, arguments, best_rate, database, existing_bank, fresh_bank, record, title

CORE_SAMPLE = 5_000  # learners audited by the pure core
ON = date(2026, 6, 1)
GOAL = 1_000  # audits per second per core


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--learners", type=int, default=50_000, help="learners in the bank (default 50000)")
    parser.add_argument("--per-learner", type=int, default=4, help="outcomes per learner, about (default 4)")
    parser.add_argument(
        "--serial-sample", type=int, default=0, help="learners audited serially (default: all)"
    )
    parser.add_argument("--resume", action="store_true", help="complete the bank already in the database")
    args = parser.parse_args()
    with database(args.database_url):
        lines = run(args.learners, args.per_learner, args.serial_sample, args.resume)
    record(lines, args.record)


def step(text: str) -> None:
    print(f"… {text}", file=sys.stderr, flush=True)


def run(learners: int, per_learner: int, serial_sample: int, resume: bool = False) -> list[str]:
    import django

    django.setup()
    from django.db import connection

    from creditbank.apps.accounts.models import Learner
    from creditbank.apps.batch import cohort_parts, dask_client
    from creditbank.apps.recognition.cohorts import cohort_define, cohort_learners, cohort_rows
    from creditbank.apps.recognition.selectors import evaluate, holdings_by_learner, proposal_for, receiving
    from creditbank.apps.synth import synth_run
    from creditbank.core import synth

    operator = existing_bank() if resume else fresh_bank()
    step(f"generating a bank of {learners:,} learners" + (" (resuming)" if resume else ""))
    start = time.perf_counter()
    made = synth_run(actor=operator, learners=learners, outcomes=learners * per_learner, seed=1)
    generated = time.perf_counter() - start
    analyse()
    qualification = synth.programmes(synth.bank(1, learners))[1][0]["code"]
    job = cohort_define(actor=operator, qualification=qualification, region="GD", on=ON)
    ids = list(cohort_learners(job).values_list("pk", flat=True))

    step("the pure core")
    sample = ids[:CORE_SAMPLE]
    side = receiving(qualification, ON)
    people = list(Learner.objects.filter(pk__in=sample).only("public_id", "region").order_by("pk"))
    holdings = holdings_by_learner(sample)
    proposals = best_rate(
        lambda: [proposal_for(side, p, holdings.get(p.pk, []), []) for p in people], len(people)
    )
    audits = best_rate(lambda: [evaluate(side, p, holdings.get(p.pk, []), []) for p in people], len(people))

    step("the cohort, serially")
    serial_ids = (ids[0], ids[min(len(ids), serial_sample or len(ids)) - 1])
    start = time.perf_counter()
    serial_rows = list(cohort_rows(job, ids=serial_ids))
    serial = len(serial_rows) / (time.perf_counter() - start)

    step("the cohort on Dask (LocalCluster)")
    start = time.perf_counter()
    with dask_client("local") as client:
        workers = len(client.scheduler_info()["workers"])
    startup = time.perf_counter() - start
    start = time.perf_counter()
    parts = list(cohort_parts(job, "local"))
    wall = time.perf_counter() - start
    audited = sum(p.learners for p in parts)
    statuses: Counter[str] = Counter()
    for p in parts:
        statuses.update(p.counts)
    if not serial_sample:  # the same rows, in the same order, as the serial run
        assert "".join(p.csv for p in parts).splitlines() == [",".join(r) for r in serial_rows]
    steady = audited / max(wall - startup, 1e-9)
    return [
        *title("audits", f"{connection.vendor} · {learners:,} learners"),
        f"- bank: {learners:,} learners; {made.outcomes_stored:,} outcomes generated in {generated:.0f} s"
        f" ({made.outcomes_stored / generated:,.0f} outcomes/s through deposit_batch)"
        + (f"{', resuming a bank begun earlier' if resume else ''}"),
        f"- cohort: {len(ids):,} Guangdong learners against {qualification} (GD-2025-HE caps) on {ON};"
        f" {', '.join(f'{k} {v:,}' for k, v in sorted(statuses.items()))}",
        f"- pure core, one core, {len(people):,} learners in memory: transfer proposals {proposals:,.0f}/s;"
        f" audits {audits:,.0f}/s = {audits / GOAL:.2f}× the goal of {GOAL:,}/s/core",
        f"- cohort audit, serial, database reads included ({len(serial_rows):,} learners):"
        f" {serial:,.0f}/s = {serial / GOAL:.2f}× the goal",
        f"- cohort audit on Dask, LocalCluster of {workers} worker processes ({audited:,} learners):"
        f" {audited / wall:,.0f}/s over {wall:.1f} s including {startup:.1f} s of cluster start-up;"
        f" steady {steady:,.0f}/s = {steady / workers:,.0f}/s per worker"
        f" = {steady / workers / GOAL:.2f}× the goal; parallel efficiency {steady / workers / serial:.2f}",
    ]


if __name__ == "__main__":
    main()
