"""`creditbank units` and `creditbank reviews`: the service network and two-level deposit review."""

from __future__ import annotations

from typing import Annotated

import typer

from creditbank.cli.common import JsonOption, OperatorOption, command, operator_user, out, print_json

units_app = typer.Typer(help="The bank's service network (centre, sub-centres, sites).", no_args_is_help=True)
reviews_app = typer.Typer(
    help="Review of new accounts and deposits by sites and sub-centres.", no_args_is_help=True
)


@units_app.command("list")
@command
def units_list(as_json: JsonOption = False) -> None:
    """The network as a tree."""
    from creditbank.apps.accounts.network import units_tree

    rows = [(u, d) for u, d in units_tree()]
    if as_json:
        print_json(
            [
                {"code": u.code, "level": u.level, "parent": u.parent.code if u.parent else None}
                for u, _d in rows
            ]
        )
        return
    for unit, depth in rows:
        out.print(f"{'  ' * depth}{unit.code:<16} {unit.level:<11} {unit.name_en}", markup=False)


@units_app.command("add")
@command
def units_add(
    code: Annotated[str, typer.Argument()],
    level: Annotated[str, typer.Option("--level", help="centre, sub_centre or site")],
    name_en: Annotated[str, typer.Option("--name-en")],
    name_zh: Annotated[str, typer.Option("--name-zh")],
    operator: OperatorOption,
    parent: Annotated[str, typer.Option("--parent")] = "",
    territory: Annotated[str, typer.Option("--territory")] = "",
) -> None:
    """Add a unit under its parent."""
    from creditbank.apps.accounts.network import unit_create

    unit = unit_create(
        actor=operator_user(operator),
        code=code,
        name_en=name_en,
        name_zh=name_zh,
        level=level,
        parent=parent,
        territory=territory,
    )
    out.print(f"Added {unit.code} ({unit.level})", markup=False)


@units_app.command("serve")
@command
def units_serve(
    code: Annotated[str, typer.Argument(help="The site.")],
    institution: Annotated[str, typer.Option("--institution")],
    operator: OperatorOption,
) -> None:
    """A site reviews an institution's deposits."""
    from creditbank.apps.accounts.network import unit_assign_institution

    unit_assign_institution(actor=operator_user(operator), code=code, institution=institution)
    out.print(f"{institution} is served by {code}", markup=False)


@units_app.command("staff")
@command
def units_staff(
    code: Annotated[str, typer.Argument(help="The unit.")],
    username: Annotated[str, typer.Option("--username")],
    operator: OperatorOption,
) -> None:
    """Put a member of the bank's staff at a unit."""
    from creditbank.apps.accounts.network import unit_assign_staff

    unit_assign_staff(actor=operator_user(operator), code=code, username=username)
    out.print(f"{username} works at {code}", markup=False)


@reviews_app.command("list")
@command
def reviews_list(operator: OperatorOption, as_json: JsonOption = False) -> None:
    """What waits for this reviewer, oldest first."""
    from creditbank.apps.deposits.reviews import review_queue

    queue = review_queue(operator_user(operator))
    if as_json:
        print_json(
            [
                {"outcome": w.outcome.pk, "level": w.outcome.awaiting_level, "since": w.since.isoformat()}
                for w in queue
            ]
        )
        return
    for w in queue:
        o = w.outcome
        out.print(
            f"{o.pk:>6} level {o.awaiting_level} {o.institution.code:<12} {o.entry.code:<14} since {w.since:%Y-%m-%d}",
            markup=False,
        )


@reviews_app.command("decide")
@command
def reviews_decide(
    outcomes: Annotated[list[int], typer.Argument(help="Outcome numbers.")],
    decision: Annotated[str, typer.Option("--decision", help="approved or rejected")],
    operator: OperatorOption,
    reason: Annotated[str, typer.Option("--reason")] = "",
) -> None:
    """Approve or reject deposits waiting for this reviewer."""
    from creditbank.apps.deposits.reviews import outcomes_review

    done = outcomes_review(
        actor=operator_user(operator), outcome_ids=outcomes, decision=decision, reason=reason
    )
    for o in done:
        out.print(
            f"{o.pk}: {o.status}" + (f" (now at level {o.awaiting_level})" if o.awaiting_level else ""),
            markup=False,
        )


@reviews_app.command("policy")
@command
def reviews_policy(
    outcome_type: Annotated[str, typer.Argument(help="formal, non_formal, certificate or informal")],
    levels: Annotated[int, typer.Argument(help="0 none, 1 the site, 2 the site then the sub-centre")],
    operator: OperatorOption,
) -> None:
    """Set which review an outcome type gets."""
    from creditbank.apps.deposits.reviews import review_policy_set

    policy = review_policy_set(actor=operator_user(operator), outcome_type=outcome_type, levels=levels)
    out.print(f"{policy.outcome_type}: {policy.levels} review level(s)", markup=False)


@reviews_app.command("accounts")
@command
def reviews_accounts(operator: OperatorOption, as_json: JsonOption = False) -> None:
    """New accounts waiting for this reviewer, oldest first."""
    from creditbank.apps.accounts.account_reviews import account_review_queue

    queue = account_review_queue(operator_user(operator))
    if as_json:
        print_json(
            [
                {
                    "learner": w.learner.public_id,
                    "level": w.learner.awaiting_level,
                    "since": w.since.isoformat(),
                }
                for w in queue
            ]
        )
        return
    for w in queue:
        a = w.learner
        site = a.review_unit.code if a.review_unit else "centre"
        out.print(f"{a.public_id} level {a.awaiting_level} {site:<12} since {w.since:%Y-%m-%d}", markup=False)


@reviews_app.command("decide-accounts")
@command
def reviews_decide_accounts(
    accounts: Annotated[list[str], typer.Argument(help="Learner numbers.")],
    decision: Annotated[str, typer.Option("--decision", help="approved or rejected")],
    operator: OperatorOption,
    reason: Annotated[str, typer.Option("--reason")] = "",
) -> None:
    """Approve or reject new accounts waiting for this reviewer."""
    from creditbank.apps.accounts.account_reviews import accounts_review

    done = accounts_review(actor=operator_user(operator), numbers=accounts, decision=decision, reason=reason)
    for a in done:
        out.print(
            f"{a.public_id}: {a.status}"
            + (f" (now at level {a.awaiting_level})" if a.awaiting_level else ""),
            markup=False,
        )


@reviews_app.command("account-policy")
@command
def reviews_account_policy(
    levels: Annotated[int, typer.Argument(help="0 none, 1 the site, 2 the site then the sub-centre")],
    operator: OperatorOption,
) -> None:
    """Set how many levels review a new account (applies to accounts opened from now on)."""
    from creditbank.apps.accounts.account_reviews import account_review_policy_set

    done = account_review_policy_set(actor=operator_user(operator), levels=levels)
    out.print(f"accounts: {done} review level(s)", markup=False)


catalogue_app = typer.Typer(
    help="The published catalogue of recognised learning outcomes.", no_args_is_help=True
)


@catalogue_app.command("publish")
@command
def catalogue_publish_command(
    year: Annotated[int, typer.Argument(help="The edition's year.")],
    operator: OperatorOption,
    note: Annotated[str, typer.Option("--note")] = "",
) -> None:
    """Publish the year's edition (never replaced once published)."""
    from creditbank.apps.register.catalogue import catalogue_publish

    edition = catalogue_publish(actor=operator_user(operator), year=year, note=note)
    out.print(f"Catalogue {edition.year}: {len(edition.items)} items published.", markup=False)


@catalogue_app.command("diff")
@command
def catalogue_diff_command(
    year: Annotated[int, typer.Argument(help="The edition's year.")],
    against: Annotated[
        int | None, typer.Option("--against", help="Another year (default: the edition before).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """What an edition added, removed and changed."""
    from creditbank.apps.register.api import _diff_out
    from creditbank.apps.register.catalogue import catalogue_compare

    earlier, diff = catalogue_compare(year, against)
    data = {"year": year, **_diff_out(earlier, diff)}
    if as_json:
        print_json(data)
        return
    out.print(f"{year} against {data['against'] or '(nothing: the first edition)'}", markup=False)
    for code in data["added"]:
        out.print(f"+ {code}", markup=False)
    for code in data["removed"]:
        out.print(f"- {code}", markup=False)
    for change in data["changed"]:
        fields = "; ".join(f"{f['field']} {f['before']} → {f['after']}" for f in change["fields"])
        out.print(f"~ {change['code']}: {fields}", markup=False)
