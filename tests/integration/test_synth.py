"""`creditbank synth` through the bank's services: a stopped run resumed ends with every row stored
once, bad rows are refused and reported, repeats are found, and the CLI reports what it did."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from creditbank.apps.accounts.models import Learner
from creditbank.apps.deposits.models import LearningOutcome
from creditbank.apps.synth import synth_run
from creditbank.cli.main import app
from creditbank.core import synth
from creditbank.core.errors import PermissionDenied

pytestmark = pytest.mark.django_db
LEARNERS, OUTCOMES, SEED = 150, 1_500, 5


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(synth, "BLOCK", 50)  # three blocks


def expected_outcomes() -> int:
    """Distinct good rows the generator makes for these sizes: what the bank must hold."""
    catalogue = synth.bank(SEED, LEARNERS)
    units = {u.code for u in catalogue.units}
    rows = {
        (r.learner_number, r.unit_code, r.achieved_on)
        for b in range(synth.blocks(LEARNERS))
        for r in synth.outcomes(SEED, b, LEARNERS, OUTCOMES, catalogue)
        if r.unit_code in units and r.achieved_on < "2098"
    }
    return len(rows)


def test_a_stopped_run_resumes_to_the_same_bank(
    reference_data: Any, people: dict, small_blocks: None
) -> None:
    first = synth_run(actor=people["operator"], learners=LEARNERS, outcomes=OUTCOMES, seed=SEED, max_blocks=1)
    assert (first.blocks, first.learners_opened) == ([0], 50)
    rest = synth_run(actor=people["operator"], learners=LEARNERS, outcomes=OUTCOMES, seed=SEED)
    assert (rest.learners_found, rest.learners_opened) == (50, 100)
    assert rest.batches_replayed > 0  # block 0's batches were done already
    assert Learner.objects.filter(public_id__startswith="L").count() == LEARNERS
    assert LearningOutcome.objects.count() == expected_outcomes()
    assert first.rows_refused + rest.rows_refused > 0  # the bad rows were refused, not stored
    again = synth_run(actor=people["operator"], learners=LEARNERS, outcomes=OUTCOMES, seed=SEED)
    assert (again.learners_opened, again.outcomes_stored) == (0, 0)
    assert LearningOutcome.objects.count() == expected_outcomes()


def test_only_operators_generate(reference_data: Any, people: dict) -> None:
    with pytest.raises(PermissionDenied):
        synth_run(actor=people["institution"], learners=10, outcomes=10)
    assert not Learner.objects.exists()


def test_the_cli_reports_what_it_did(reference_data: Any, people: dict, small_blocks: None) -> None:
    done = CliRunner().invoke(
        app, ["synth", "--learners", str(LEARNERS), "--outcomes", str(OUTCOMES), "--seed", str(SEED),
              "--operator", "operator", "--json"],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    summary = json.loads(done.output)
    assert summary["learners_opened"] == LEARNERS
    assert summary["outcomes_stored"] == expected_outcomes()
