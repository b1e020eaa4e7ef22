"""`creditbank awards`, `fees` and `windows`: award applications, fee settlement, application windows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import typer

from creditbank.cli.common import JsonOption, OperatorOption, command, operator_user, out, print_json

awards_app = typer.Typer(help="Award applications.", no_args_is_help=True)
fees_app = typer.Typer(help="The fee schedule and learners' charges.", no_args_is_help=True)
windows_app = typer.Typer(help="Intake and award-application windows.", no_args_is_help=True)
InstitutionOption = Annotated[
    str, typer.Option("--institution", help="Institution code (empty: the bank's own).")
]


def _institution(code: str) -> Any:
    """The institution named, or None for the bank's own windows and fees."""
    from creditbank.apps.accounts.institutions import institution_get

    return institution_get(code) if code else None


def _day(text: str, option: str) -> date:
    from creditbank.core.errors import InvalidInput

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            "%(option)s: %(value)s is not a date (YYYY-MM-DD).", option=option, value=text
        ) from None


def _amount(text: str) -> Decimal:
    from creditbank.core.errors import InvalidInput

    try:
        return Decimal(text)
    except InvalidOperation:
        raise InvalidInput("%(value)s is not an amount.", value=text) from None


@awards_app.command("list")
@command
def awards_list(operator: OperatorOption, as_json: JsonOption = False) -> None:
    """Award applications, newest first."""
    from creditbank.apps.awards.api import application_out
    from creditbank.apps.awards.services import awards_for

    rows = [application_out(a) for a in awards_for(operator_user(operator))]
    if as_json:
        print_json([{k: v for k, v in r.items() if k != "audit"} for r in rows])
        return
    for r in rows:
        fee = r["fee"]
        out.print(
            f"{r['ref']}  {r['learner']}  {r['qualification']:<14} {r['status']:<10} "
            f"fee {fee['due'] + ' ' + fee['currency'] + ' ' + fee['status'] if fee else '—'}",
            markup=False,
        )


@awards_app.command("decide")
@command
def awards_decide(
    ref: Annotated[str, typer.Argument(help="The application's reference (AW-…).")],
    decision: Annotated[str, typer.Option("--decision", help="awarded or refused")],
    operator: OperatorOption,
    reason: Annotated[str, typer.Option("--reason")] = "",
) -> None:
    """Confer an award (fee settled, requirements still met) or refuse it with a reason."""
    from creditbank.apps.awards.services import award_decide

    application = award_decide(actor=operator_user(operator), ref=ref, decision=decision, reason=reason)
    out.print(f"{application.ref}: {application.status}", markup=False)


@fees_app.command("set")
@command
def fees_set(
    code: Annotated[
        str, typer.Argument(help="registration, per_credit, rpl_assessment, appeal or award_application")
    ],
    amount: Annotated[str, typer.Argument(help="e.g. 120.00")],
    operator: OperatorOption,
    institution: InstitutionOption = "",
    currency: Annotated[str, typer.Option("--currency")] = "CNY",
) -> None:
    """Set a fee of the schedule (an institution's own, or the bank's default)."""
    from creditbank.apps.awards.services import fee_set

    item = fee_set(
        actor=operator_user(operator),
        institution=_institution(institution),
        code=code,
        amount=_amount(amount),
        currency=currency,
    )
    out.print(f"{item.code}: {item.amount} {item.currency} ({institution or 'the bank'})", markup=False)


@fees_app.command("pay")
@command
def fees_pay(
    charge: Annotated[int, typer.Argument(help="The charge's number.")],
    amount: Annotated[str, typer.Option("--amount")],
    method: Annotated[str, typer.Option("--method", help="cash, card, bank transfer, provider…")],
    operator: OperatorOption,
    reference: Annotated[str, typer.Option("--reference")] = "",
) -> None:
    """Record a payment and print the receipt number."""
    from creditbank.apps.awards.services import charge_pay

    paid = charge_pay(
        actor=operator_user(operator),
        charge_id=charge,
        amount=_amount(amount),
        method=method,
        reference=reference,
    )
    out.print(f"Receipt {paid.receipt_number}: {paid.paid_amount} {paid.currency}", markup=False)


@windows_app.command("add")
@command
def windows_add(
    kind: Annotated[str, typer.Option("--kind", help="award or intake")],
    opens: Annotated[str, typer.Option("--opens", help="YYYY-MM-DD")],
    closes: Annotated[str, typer.Option("--closes", help="YYYY-MM-DD")],
    operator: OperatorOption,
    institution: InstitutionOption = "",
    confers_on: Annotated[str, typer.Option("--confers-on", help="YYYY-MM-DD")] = "",
) -> None:
    """Add an application window."""
    from creditbank.apps.awards.services import window_add

    window = window_add(
        actor=operator_user(operator), institution=_institution(institution), kind=kind,
        opens=_day(opens, "--opens"), closes=_day(closes, "--closes"),
        confers_on=_day(confers_on, "--confers-on") if confers_on else None,
    )  # fmt: skip
    out.print(
        f"{window.kind} window {window.opens} – {window.closes} ({institution or 'the bank'})", markup=False
    )


@windows_app.command("terms")
@command
def windows_terms(
    starts: Annotated[
        list[str], typer.Argument(help="Term starts as MM-DD, the academic year's first first")
    ],
    operator: OperatorOption,
    institution: InstitutionOption = "",
) -> None:
    """Set the days terms start: credit recognised in a transfer is entered into the outcome's term."""
    from creditbank.apps.awards.services import term_calendar_set

    calendar = term_calendar_set(
        actor=operator_user(operator), institution=_institution(institution), starts=starts
    )
    out.print(
        f"Terms of {institution or 'the bank'} start on {', '.join(calendar.term_starts)}", markup=False
    )


@awards_app.command("overdue")
@command
def awards_overdue(operator: OperatorOption, as_json: JsonOption = False) -> None:
    """Everything past its service time (transfer and award decisions, deposit reviews, RPL claims)."""
    from django.utils import timezone

    from creditbank.apps.awards.service_times import overdue

    today = timezone.localdate()
    items = overdue(operator_user(operator), today=today)
    if as_json:
        print_json([{"service": i.clock.value, "ref": i.ref, "due": i.deadline.due.isoformat(),
                     "days_late": i.deadline.days_late(today)} for i in items])  # fmt: skip
        return
    for i in items:
        out.print(
            f"{i.clock.value:<18} {i.ref:<14} {i.institution:<12} due {i.deadline.due} ({i.deadline.days_late(today)} days late)",
            markup=False,
        )
    if not items:
        out.print("Nothing is overdue.", markup=False)
