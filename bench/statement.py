"""Benchmark: a learner's statement as the bank grows (1×, 10×, 100× data).

For each size a synthetic bank is generated (``creditbank synth``, 20 outcomes per learner as in
Shanghai's 77 M achievements for 3.85 M accounts) in a fresh database; then the statement of 300
random learners is built as the API builds it (``selectors.statement`` + ``outcome_out``), each
timed, and p50/p99 reported. The stated limit is the database's own point lookup: fetching the same
learner's outcome rows with one raw indexed query. A statement's cost should depend on the learner's
own outcomes, not on the size of the bank; the table shows whether it does.

Run:   .venv/bin/python bench/statement.py [--learners 1000] [--scales 1,10,100] [--database-url …_bench] [--record]
"""

from __future__ import annotations

import random
import subprocess
import sys
import time

from _common import analyse, arguments, database, fresh_bank, ms, record, title

PER_LEARNER = 20


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--learners", type=int, default=1_000, help="learners at 1× (default 1000)")
    parser.add_argument("--scales", default="1,10,100", help="multiples of --learners (default 1,10,100)")
    args = parser.parse_args()
    rows = []
    for scale in (int(s) for s in args.scales.split(",")):
        # Each size in its own process and database: nothing cached from the size before.
        command = [
            sys.executable,
            __file__,
            "--one",
            str(args.learners * scale),
            "--database-url",
            args.database_url,
        ]
        done = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603 (our own script)
        rows.append(f"| {scale}× | {done.stdout.strip()} |")
    vendor = "postgresql" if args.database_url.startswith("postgres") else "sqlite"
    lines = [
        *title("statement", f"{vendor} · {args.learners} learners at 1×"),
        "",
        "| size | learners | outcomes | generated in | statement p50 | p99 | limit: raw lookup p50 | ratio p50 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *rows,
    ]
    record(lines, args.record)


def one(learners: int, url: str) -> str:
    with database(url):
        import django

        django.setup()
        from django.db import connection

        from creditbank.apps.accounts.models import Learner
        from creditbank.apps.deposits import selectors
        from creditbank.apps.deposits.api import outcome_out
        from creditbank.apps.synth import synth_run

        operator = fresh_bank()
        start = time.perf_counter()
        report = synth_run(actor=operator, learners=learners, outcomes=learners * PER_LEARNER, seed=1)
        generated = time.perf_counter() - start
        analyse()
        ids = list(Learner.objects.values_list("pk", flat=True))
        chosen = random.Random(learners).sample(ids, k=min(300, len(ids)))  # noqa: S311 (which learners)
        statement, lookup = [], []
        for pk in chosen:
            learner = Learner.objects.get(pk=pk)
            begin = time.perf_counter()
            found = selectors.statement(actor=operator, learner=learner)
            [outcome_out(o) for o in found.outcomes]
            statement.append(time.perf_counter() - begin)
            with connection.cursor() as cursor:
                begin = time.perf_counter()
                cursor.execute("SELECT * FROM deposits_learningoutcome WHERE learner_id = %s", [pk])
                cursor.fetchall()
                lookup.append(time.perf_counter() - begin)
        p50, p99, raw = ms(statement, 50), ms(statement, 99), ms(lookup, 50)
        stored = report.outcomes_stored
        return f"{learners:,} | {stored:,} | {generated:.0f} s | {p50:.2f} ms | {p99:.2f} ms | {raw:.2f} ms | {raw / p50:.2f}"


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        url = sys.argv[4] if len(sys.argv) > 4 else ""
        print(one(int(sys.argv[2]), url))
    else:
        main()
