"""`creditbank stats`: count the dashboards' figures, and export recorded outcomes grouped."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer

from creditbank.cli.common import JsonOption, OperatorOption, command, operator_user, out, print_json

stats_app = typer.Typer(help="Statistics: the dashboards' figures and grouped exports.", no_args_is_help=True)


@stats_app.command("refresh")
@command
def stats_refresh_command(operator: OperatorOption, as_json: JsonOption = False) -> None:
    """Count every dashboard figure again (the pages read only these counts)."""
    from creditbank.apps.stats.services import stats_refresh

    done = stats_refresh(actor=operator_user(operator))
    if as_json:
        print_json(
            {"counted_at": done.finished_at.isoformat(), "seconds": done.seconds, "figures": done.figures}
        )
        return
    out.print(f"{done.figures:,} figures counted in {done.seconds:.1f} s.", markup=False)


@stats_app.command("export")
@command
def stats_export(
    by: Annotated[
        str,
        typer.Option(
            "--by", help="Dimensions, comma-separated: region, level, type, sector, institution, year."
        ),
    ],
    output: Annotated[Path, typer.Option("--out", help="The CSV file to write.")],
    operator: OperatorOption,
    institution: Annotated[str, typer.Option("--institution", help="Only this institution's outcomes.")] = "",
) -> None:
    """Recorded outcomes counted by the dimensions asked for, as CSV."""
    from creditbank.apps.stats.services import outcomes_export

    dims = [d.strip() for d in by.split(",") if d.strip()]
    rows = outcomes_export(actor=operator_user(operator), by=dims, institution_code=institution or None)
    with output.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*dims, "count"])
        for row in rows:
            writer.writerow([*(row[d] for d in dims), row["count"]])
    out.print(f"{len(rows):,} rows written to {output}.", markup=False)
