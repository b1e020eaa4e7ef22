"""`creditbank feeds`: certificate bodies' feeds into learners' accounts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from creditbank.cli.common import JsonOption, OperatorOption, command, err, operator_user, out, print_json

feeds_app = typer.Typer(help="Certificate bodies' feeds of issued certificates.", no_args_is_help=True)


@feeds_app.command("list")
@command
def feeds_list(operator: OperatorOption, as_json: JsonOption = False) -> None:
    """Every feed with its deliveries and refused rows."""
    from creditbank.apps.deposits.feeds import feeds_for
    from creditbank.apps.deposits.feeds_api import feed_out

    rows = [feed_out(f) for f in feeds_for(operator_user(operator))]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        out.print(
            f"{row['code']:<20} {row['institution']:<12} {row['deliveries']:>4} deliveries "
            f"{row['stored']:>6} stored {row['refused']:>4} refused  {row['name']}",
            markup=False,
        )


@feeds_app.command("add")
@command
def feeds_add(
    code: Annotated[str, typer.Argument(help="The feed's code, e.g. gba-skills-1x")],
    institution: Annotated[str, typer.Option("--institution", help="The certificate body's code.")],
    name: Annotated[str, typer.Option("--name", help="What the feed delivers.")],
    operator: OperatorOption,
) -> None:
    """Set up a feed for a certificate body."""
    from creditbank.apps.accounts.institutions import institution_get
    from creditbank.apps.deposits.feeds import feed_create

    found = institution_get(institution)
    feed = feed_create(actor=operator_user(operator), institution=found, code=code, name=name)
    out.print(
        f"Feed {feed.code} of {institution} is ready: POST /api/v1/feeds/{feed.code}/deliveries", markup=False
    )


@feeds_app.command("deliver")
@command
def feeds_deliver(
    code: Annotated[str, typer.Argument(help="The feed's code.")],
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="JSON list of certificates, or CSV/XLSX.")
    ],
    delivery_id: Annotated[
        str, typer.Option("--delivery-id", help="The delivery's id (the same id stores nothing twice).")
    ],
    operator: OperatorOption,
) -> None:
    """Deliver a file of certificates on a feed, as the certificate body's system would."""
    from creditbank.apps.deposits import files
    from creditbank.apps.deposits.feeds import feed_deliver

    if file.suffix.lower() == ".json":
        certificates = json.loads(file.read_text(encoding="utf-8"))
    else:
        certificates = files.read_rows(file.read_bytes(), file.name)
    done = feed_deliver(
        actor=operator_user(operator), code=code, delivery_id=delivery_id, certificates=certificates
    )
    batch = done.batch
    for issue in batch.problems[:50]:
        err.print(f"line {issue['line']}: {'; '.join(issue['problems'])}", markup=False, highlight=False)
    out.print(
        f"{'Already delivered' if done.replayed else 'Delivered'}: {batch.created} stored, "
        f"{batch.already_present} already in the bank, {batch.rejected} refused.",
        markup=False,
    )
