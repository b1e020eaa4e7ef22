"""`creditbank synth`: generate a synthetic bank (deterministic for a seed, resumable)."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from creditbank.cli.common import JsonOption, OperatorOption, command, err, operator_user, out, print_json


@command
def synth(
    operator: OperatorOption,
    learners: Annotated[int, typer.Option("--learners", help="Learner accounts in the bank.")] = 10_000,
    outcomes: Annotated[int, typer.Option("--outcomes", help="Learning outcomes in all (about).")] = 200_000,
    seed: Annotated[int, typer.Option("--seed", help="The same seed gives the same bank.")] = 1,
    as_json: JsonOption = False,
) -> None:
    """Generate a synthetic bank through the bank's own services; run it again to resume."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from creditbank.apps.synth import synth_run

    started = time.perf_counter()
    with Progress(TextColumn("blocks of learners"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err, transient=True) as bar:  # fmt: skip
        task = bar.add_task("synth", total=None)
        report = synth_run(
            actor=operator_user(operator), learners=learners, outcomes=outcomes, seed=seed,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )  # fmt: skip
    seconds = time.perf_counter() - started
    summary = {
        "seed": seed, "institutions": report.institutions, "units": report.units,
        "learners_opened": report.learners_opened, "learners_found": report.learners_found,
        "outcomes_stored": report.outcomes_stored, "rows_refused": report.rows_refused,
        "rows_already_present": report.rows_already_present, "batches_replayed": report.batches_replayed,
        "seconds": round(seconds, 1),
    }  # fmt: skip
    if as_json:
        print_json(summary)
        return
    out.print(
        f"{report.learners_opened:,} accounts opened ({report.learners_found:,} there before), "
        f"{report.outcomes_stored:,} outcomes stored, {report.rows_refused:,} bad or repeated rows refused "
        f"and reported, {report.rows_already_present:,} already in the bank, {report.batches_replayed} batches "
        f"done before "
        f"· {seconds:.0f} s",
        markup=False,
    )
