"""Cohort audits on Dask: a LocalCluster of worker processes, each reading its range of learners
from the bank's database itself, gives the serial audit's CSV row for row and in learner order, from
the CLI and from the background job when BATCH_SCHEDULER names a cluster."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from tests.helpers import CLI

from creditbank.apps.batch import id_ranges
from creditbank.core import synth

LEARNERS, OUTCOMES, SEED = 1_200, 6_000, 3
# The synthetic bank's first diploma: its rules count credit from other institutions.
QUALIFICATION = synth.programmes(synth.bank(SEED, LEARNERS))[1][0]["code"]
JOB = """
import json, django
django.setup()
from datetime import date
from creditbank.apps.accounts.models import User
from creditbank.apps.recognition.cohorts import cohort_run, cohort_submit
from creditbank.apps.recognition.models import CohortAudit
job = cohort_submit(actor=User.objects.get(username="operator"), qualification="%s", region="GD",
                    on=date(2026, 6, 1))
cohort_run(job.pk)
job = CohortAudit.objects.get(pk=job.pk)
print(json.dumps({"state": job.state, "csv": job.result_csv, "counts": job.counts}))
"""


def test_ranges_cover_every_id_once_in_order() -> None:
    ids = [3, 4, 9, 10, 11, 20, 21]
    assert id_ranges(ids, 3) == [(3, 9, 3), (10, 20, 3), (21, 21, 1)]
    assert id_ranges([], 3) == []


def audit(env: dict[str, str], out: Path, *extra: str) -> list[list[str]]:
    subprocess.run(
        [str(CLI), "audit-cohort", "--qualification", QUALIFICATION, "--region", "GD", "--on", "2026-06-01",
         "--operator", "operator", "--out", str(out), *extra],
        env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    with out.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_a_cohort_audited_on_dask_is_the_serial_audit(own_database: dict[str, str], tmp_path: Path) -> None:
    subprocess.run(
        [str(CLI), "synth", "--learners", str(LEARNERS), "--outcomes", str(OUTCOMES), "--seed", str(SEED),
         "--operator", "operator"],
        env=own_database, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    serial = audit(own_database, tmp_path / "serial.csv")
    # Small tasks, so that parts arrive out of order and must be put back in learner order.
    parallel = audit(own_database, tmp_path / "dask.csv", "--dask", "local", "--partition", "61")
    assert parallel == serial
    statuses = Counter(row[1] for row in serial[1:])
    assert len(serial) - 1 > 10 * 61  # many parts
    assert {"in_progress", "missing"} <= set(statuses)  # credit found for some, not for others

    # The background job runs on the cluster the deployment names, with the same result.
    env = {**own_database, "CREDITBANK_BATCH_SCHEDULER": "local"}
    done = subprocess.run(
        [sys.executable, "-c", JOB % QUALIFICATION], env=env, check=True, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    job = json.loads(done.stdout.strip().splitlines()[-1])
    assert job["state"] == "done"
    assert list(csv.reader(job["csv"].splitlines())) == serial
    assert {k: v for k, v in job["counts"].items() if v} == dict(statuses)
