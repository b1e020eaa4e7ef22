"""Batch work over all learners on Dask distributed: cohort audits, split into ranges of learner ids.

Each range is one task. The worker that runs it reads its learners from the bank's database itself
and audits them with the same code as the serial audit (``cohort_rows``), so the result is the serial
run's, row for row and in learner order; the client only splits the cohort, sends the audit's
description (no personal data travels through the scheduler) and joins the parts.

Where it runs: ``local`` starts a LocalCluster of one process per core on this machine (tests,
``make bench``, a single server); an address such as ``tcp://scheduler:8786`` uses a running
cluster whose workers have creditbank installed and the bank's settings in their environment
(docs/operations.md). Workers set Django up on their first task.
"""

from __future__ import annotations

import csv
import io
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from distributed import Client

    from creditbank.apps.recognition.models import CohortAudit

PARTITION = 20_000  # most learners per task: a part's rows are held in memory until they are written
MIN_PARTITION = 1_000  # fewest: each task reads the receiving side (rules, caps, units) once
TASKS_PER_WORKER = 4  # so that workers finish together
LOCAL = "local"


@dataclass(frozen=True)
class Part:
    """One range of learners audited: its CSV rows (no header) and how many learners had each status."""

    first: int
    last: int
    csv: str
    counts: dict[str, int]
    learners: int


def id_ranges(ids: Iterable[int], size: int = PARTITION) -> list[tuple[int, int, int]]:
    """Consecutive ranges of at most ``size`` of the given ids (in ascending order): (first, last, count)."""
    ranges: list[tuple[int, int, int]] = []
    first = last = count = 0
    for pk in ids:
        if count == 0:
            first = pk
        last, count = pk, count + 1
        if count == size:
            ranges.append((first, last, count))
            count = 0
    if count:
        ranges.append((first, last, count))
    return ranges


def _django_ready() -> None:
    """A worker process sets Django up once, from its environment (the client's, in a LocalCluster)."""
    from django.apps import apps

    if not apps.ready:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creditbank.config.settings.prod")
        django.setup()


def audit_part(spec: dict[str, Any], first: int, last: int) -> Part:
    """The task: audit the cohort's learners whose ids lie from ``first`` to ``last``."""
    _django_ready()
    from creditbank.apps.recognition.cohorts import cohort_rows
    from creditbank.apps.recognition.models import CohortAudit

    job = CohortAudit(
        qualification=spec["qualification"],
        institution_id=spec["institution_id"],
        region=spec["region"],
        on=date.fromisoformat(spec["on"]),
    )
    out = io.StringIO()
    writer = csv.writer(out)
    counts: Counter[str] = Counter()
    for row in cohort_rows(job, ids=(first, last)):
        writer.writerow(row)
        counts[row[1]] += 1
    return Part(first, last, out.getvalue(), dict(counts), sum(counts.values()))


@contextmanager
def dask_client(scheduler: str) -> Iterator[Client]:
    """A client of the named cluster, or of a LocalCluster of this machine's cores for ``local``."""
    from distributed import Client, LocalCluster

    if scheduler == LOCAL:
        # Loopback only, and its status page on a free port (None still takes 8787 in this version).
        logging.getLogger("distributed").setLevel(logging.WARNING)
        with (
            LocalCluster(
                n_workers=os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address="127.0.0.1:0",
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
    else:
        with Client(scheduler, timeout="30s") as client:
            yield client


def cohort_parts(
    job: CohortAudit,
    scheduler: str,
    progress: Callable[[int, int], None] | None = None,
    partition: int = PARTITION,
) -> Iterator[Part]:
    """The cohort audited on Dask, at most ``partition`` learners a task (fewer when that gives every
    worker several tasks, so none waits on a last large one), part by part in learner order;
    ``progress(done, total)`` is told as parts arrive."""
    from distributed import as_completed

    from creditbank.apps.recognition.cohorts import cohort_learners

    ids = list(cohort_learners(job).values_list("pk", flat=True).iterator(chunk_size=10_000))
    total = len(ids)
    spec = {
        "qualification": job.qualification,
        "institution_id": job.institution_id,
        "region": job.region,
        "on": job.on.isoformat(),
    }
    if progress:
        progress(0, total)
    if not ids:
        return
    with dask_client(scheduler) as client:
        workers = max(1, len(client.scheduler_info()["workers"]))
        size = min(partition, max(MIN_PARTITION, -(-total // (TASKS_PER_WORKER * workers))))
        ranges = id_ranges(ids, size)
        futures = [client.submit(audit_part, spec, first, last, pure=False) for first, last, _n in ranges]
        done, following = 0, 0  # learners audited; the next part to give, in learner order
        arrived: dict[int, Part] = {}
        for future in as_completed(futures):
            part = future.result()
            arrived[part.first] = part
            done += part.learners
            if progress:
                progress(done, total)
            while following < len(ranges) and ranges[following][0] in arrived:
                yield arrived.pop(ranges[following][0])
                following += 1
