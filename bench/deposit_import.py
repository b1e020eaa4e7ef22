"""Benchmark: an institution deposits one large file of learning outcomes.

What it measures, on a fresh bank (the demo's institutions and register, plus N learners):
  1. reading the CSV file (decoding and splitting into rows);
  2. depositing every row through ``deposit_batch``, the same service the page, the API, the CLI
     and the background job use (parse, identity check, lookup, duplicate check, store, and one
     ledger entry per outcome in the same transaction);
  3. re-sending the same file (idempotent: nothing stored twice);
  4. integrating those ledger entries into the RFC 9162 tree and signing a checkpoint;
  5. a file of the same size as a background job run by the django-tasks database worker
     (upload to finished, including the checkpoint the job signs at its end).
The stated limit is the database itself: the same number of outcome rows into a bare table through
the raw driver, with no checks at all (PostgreSQL: ``COPY``; SQLite: one ``executemany``). The ratio
says how much of the store's raw speed the checked path keeps (issue 7's goal: 0.5).

Run:   .venv/bin/python bench/deposit_import.py [--rows 100000] [--database-url postgres://…]
       (``make bench`` runs every benchmark with its defaults and appends to bench/RESULTS.md)
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from _common import arguments, database, empty_schema, record, title

UNITS = ["SZP-SE-101", "SZP-GE-101", "SZP-SE-102", "SZP-SE-201", "SZP-SE-202"]  # sz-poly's own units


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the file (default 100000)")
    args = parser.parse_args()
    with database(args.database_url):
        lines = run(args.rows)
    record(lines, args.record)


def timed(label: str, fn: Callable[[], Any]) -> tuple[Any, float]:
    print(f"… {label}", file=sys.stderr, flush=True)
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def run(row_count: int) -> list[str]:
    import django

    django.setup()
    from django.db import connection

    from creditbank.apps.accounts.models import User
    from creditbank.apps.deposits import files
    from creditbank.apps.deposits.services import deposit_batch
    from creditbank.apps.frameworks.services import reference_data_load
    from creditbank.demo import demo_bank_load

    empty_schema()
    reference_data_load()
    demo_bank_load()
    operator = User.objects.get(username="operator")
    learners, opened = timed("opening learner accounts", lambda: _open_learners(operator, row_count))
    raw = _csv(learners, row_count).encode("utf-8")
    rows, read = timed("reading the file", lambda: files.read_rows(raw, "bench.csv"))

    def deposit() -> Any:
        return deposit_batch(
            actor=operator,
            rows=rows,
            idempotency_key="bench",
            institution_code="sz-poly",
            file_name="bench.csv",
        )

    done, stored = timed("depositing every row", deposit)
    assert done.batch.created == row_count, done.batch.created
    again, replayed = timed("re-sending the same file", deposit)
    assert again.replayed
    from creditbank.apps.ledger.services import checkpoint_issue

    signed, integrated = timed("integrating the ledger entries and signing a checkpoint", checkpoint_issue)
    job_seconds = _background_job(operator, _csv(learners, row_count, date(2021, 1, 10)).encode(), row_count)
    limit = _raw_insert(connection, row_count)
    return [
        *title("deposit_import", f"{connection.vendor} · {row_count} rows"),
        f"- setup: {len(learners)} learner accounts opened at {len(learners) / opened:,.0f}/s",
        f"- read CSV ({len(raw) / 2**20:.1f} MiB): {row_count / read:,.0f} rows/s",
        f"- deposit (checked, stored): {row_count / stored:,.0f} rows/s ({stored:.1f} s)",
        f"- re-send (idempotent replay): {replayed * 1000:.0f} ms",
        f"- ledger: {signed.size:,} entries integrated into the tree and signed at {signed.size / integrated:,.0f}/s",
        f"- background job (upload to finished, worker included): {row_count / job_seconds:,.0f} rows/s"
        f" ({job_seconds:.1f} s)",
        f"- limit: the same rows into a bare table, raw {'COPY' if connection.vendor == 'postgresql' else 'executemany'}:"
        f" {row_count / limit:,.0f} rows/s",
        f"- ratio deposit / limit: {limit / stored:.2f}",
    ]


def _open_learners(operator: Any, row_count: int) -> list[str]:
    from creditbank.apps.accounts.learners import learner_open
    from creditbank.core.errors import DomainError
    from creditbank.demo_bank import _resident_id

    rng = random.Random(7)  # noqa: S311 (invented people)
    numbers: list[str] = []
    need = -(-row_count // len(UNITS))
    while len(numbers) < need:
        try:
            learner = learner_open(
                actor=operator,
                full_name="测试 学员",
                id_scheme="cn_ric",
                id_number=_resident_id(rng),
                region="GD",
            )
        except DomainError:
            continue  # an invented number drawn twice
        numbers.append(learner.public_id)
    return numbers


def _csv(learners: list[str], row_count: int, first_day: date = date(2023, 1, 10)) -> str:
    lines = ["learner_number,unit_code,achieved_on,result,outcome_type"]
    for i in range(row_count):
        learner, unit = learners[i // len(UNITS)], UNITS[i % len(UNITS)]
        achieved = first_day + timedelta(days=i % 700)
        lines.append(f"{learner},{unit},{achieved.isoformat()},B+,formal")
    return "\n".join(lines) + "\n"


def _background_job(operator: Any, raw: bytes, row_count: int) -> float:
    """Submit a file of the same size (other dates: new outcomes) as a background job and time it
    from upload to finished, with the real database worker run in this process."""
    from django.core.management import call_command

    from creditbank.apps.deposits.jobs import job_submit
    from creditbank.apps.deposits.models import DepositJob, JobState

    def submit_and_run() -> DepositJob:
        job = job_submit(actor=operator, raw=raw, file_name="bench-2.csv", institution_code="sz-poly")
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
        return DepositJob.objects.get(pk=job.pk)

    job, seconds = timed("the same size of file as a background job", submit_and_run)
    assert job.state == JobState.DONE, (job.state, job.error)
    assert job.batch is not None
    assert job.batch.created == row_count, job.batch.created
    return seconds


def _raw_insert(connection: Any, row_count: int) -> float:
    """The store's own speed: the same number of rows and columns into a bare table, no checks
    (PostgreSQL: a raw COPY; SQLite: one executemany, its fastest)."""
    columns = "(learner_id, unit, institution, achieved_on, result, level, credits, batch)"
    values = [(i, i % 5, 1, "2024-01-01", "B+", "GDLEQF-5", "3.00", 1) for i in range(row_count)]
    from django.db import transaction

    with connection.cursor() as cursor:
        key = (
            "integer primary key"
            if connection.vendor == "sqlite"
            else "bigint generated by default as identity"
        )
        cursor.execute(
            f"CREATE TABLE bench_raw (id {key}, learner_id integer, unit integer, institution integer,"
            " achieved_on date, result varchar(500), level varchar(48), credits numeric(8,2), batch integer)"
        )
        start = time.perf_counter()
        with transaction.atomic():  # one transaction, as the deposit's store is
            if connection.vendor == "postgresql":  # COPY: PostgreSQL's fastest way in, as the bulk path uses
                with cursor.cursor.copy(f"COPY bench_raw {columns} FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO bench_raw {columns} VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",  # noqa: S608
                    values,
                )
        seconds = time.perf_counter() - start
        cursor.execute("DROP TABLE bench_raw")
    return seconds


if __name__ == "__main__":
    main()
