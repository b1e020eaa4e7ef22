"""`creditbank credential` and `creditbank keys`: issue, verify, revoke; rotate and retire keys."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from creditbank.cli.common import JsonOption, OperatorOption, command, err, operator_user, out, print_json

credential_app = typer.Typer(help="Verifiable credentials (Open Badges 3.0).", no_args_is_help=True)
keys_app = typer.Typer(help="Institutions' signing keys.", no_args_is_help=True)

ReasonOption = Annotated[
    str, typer.Option("--reason", help="Why: kept with the credential and in the ledger.")
]


@credential_app.command("issue")
@command
def credential_issue_command(
    outcome_id: Annotated[int, typer.Argument(help="The learning outcome to certify.")],
    operator: OperatorOption,
    suite: Annotated[
        str, typer.Option(help="eddsa-rdfc-2022 (interoperable) or eddsa-jcs-2022 (fast).")
    ] = "eddsa-rdfc-2022",
    language: Annotated[str, typer.Option(help="zh-hans, zh-hant or en.")] = "zh-hans",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the credential to this file.")
    ] = None,
) -> None:
    """Issue an outcome as an Open Badges 3.0 credential signed by its institution's key."""
    from creditbank.apps.credentials.presenters import verify_url
    from creditbank.apps.credentials.services import credential_issue

    credential = credential_issue(
        actor=operator_user(operator), outcome_id=outcome_id, suite=suite, language=language
    )
    text = json.dumps(credential.document, ensure_ascii=False, indent=2)
    if output is None:
        out.print(text, markup=False, highlight=False)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        err.print(
            f"Credential {credential.id} written to {output}; verify at {verify_url(credential)}",
            markup=False,
        )


@credential_app.command("issue-batch")
@command
def credential_issue_batch_command(
    institution: Annotated[str, typer.Option("--institution", help="The issuing institution's code.")],
    operator: OperatorOption,
    entry: Annotated[str, typer.Option("--entry", help="Only outcomes of this unit or qualification.")] = "",
    suite: Annotated[
        str, typer.Option(help="eddsa-rdfc-2022 or eddsa-jcs-2022 (about 25 times faster).")
    ] = "eddsa-rdfc-2022",
    language: Annotated[str, typer.Option(help="zh-hans, zh-hant or en.")] = "zh-hans",
) -> None:
    """Issue credentials for every outcome of an institution that has none yet (a graduating cohort);
    run again after an interruption, it goes on where it stopped."""
    from rich.progress import Progress

    from creditbank.apps.accounts.institutions import institution_get
    from creditbank.apps.credentials.services import credentials_issue_batch

    found = institution_get(institution)
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("issuing", total=None)
        issued = credentials_issue_batch(
            actor=operator_user(operator), institution=found, entry_code=entry, suite=suite, language=language,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )  # fmt: skip
    out.print(f"Issued {issued} credentials for {institution}.", markup=False)


@credential_app.command("record")
@command
def credential_record_command(
    learner: Annotated[str, typer.Option("--learner", help="The learner number.")],
    operator: OperatorOption,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the record to this file.")
    ] = None,
    language: Annotated[str, typer.Option(help="zh-hans, zh-hant or en.")] = "zh-hans",
) -> None:
    """Issue a learner's whole record as a CLR 2.0 credential signed by the bank."""
    from creditbank.apps.credentials.services import record_issue
    from creditbank.apps.deposits.history import learner_named

    actor = operator_user(operator)
    credential = record_issue(actor=actor, learner=learner_named(actor, learner), language=language)
    text = json.dumps(credential.document, ensure_ascii=False, indent=2)
    if output is None:
        out.print(text, markup=False, highlight=False)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        err.print(f"Record {credential.id} written to {output}", markup=False)


@credential_app.command("verify")
@command
def credential_verify_command(
    file: Annotated[str, typer.Argument(help="The credential's JSON file, or - for standard input.")],
    as_json: JsonOption = False,
) -> None:
    """Verify a credential: exit 0 when every check passes, 1 with the failed check's reason."""
    from django.utils.translation import gettext

    from creditbank.apps.credentials.presenters import report_out
    from creditbank.apps.credentials.verify import credential_verify, parse
    from creditbank.core.errors import InvalidInput

    try:
        raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as exc:
        raise InvalidInput(
            "%(file)s cannot be read: %(why)s", file=file, why=exc.strerror or str(exc)
        ) from None
    report = report_out(credential_verify(parse(raw)), gettext)
    if as_json:
        print_json(report)
    else:
        for check in report["checks"]:
            mark = {True: "[green]✔[/]", False: "[red]✘[/]", None: "[dim]–[/]"}[check["passed"]]
            out.print(f"{mark} {check['label']}: ", end="")
            out.print("; ".join(check["messages"]) or "not checked", markup=False, highlight=False)
        for inner in report["embedded"]:  # a learner record: each credential it holds
            mark = "[green]✔[/]" if inner["verified"] else "[red]✘[/]"
            out.print(f"  {mark} ", end="")
            detail = inner["credential"]["name"] + " · " + (inner["credential"]["issuer_name"] or "")
            out.print(
                detail + ("" if inner["verified"] else " — " + "; ".join(inner["failed_because"])),
                markup=False,
                highlight=False,
            )
        summary = report["credential"]
        parts = [summary["name"], summary["achievement_code"], summary["level_name"], summary["issuer_name"]]
        if summary["credits"]:
            parts.insert(3, f"{summary['credits']} {summary['credit_system'] or ''}".strip())
        out.print(" · ".join(p for p in parts if p), markup=False, highlight=False)
    if not report["verified"]:
        err.print(f"not verified ({report['failed']}): " + "; ".join(report["failed_because"]), markup=False)
        raise typer.Exit(1)


@credential_app.command("certificate")
@command
def credential_certificate_command(
    credential_id: Annotated[str, typer.Argument(help="The credential's id (uuid).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the PDF.")],
    operator: OperatorOption,
) -> None:
    """Write the printable certificate (PDF, with the QR code that verifies it)."""
    from creditbank.apps.credentials.certificates import certificate_pdf
    from creditbank.apps.credentials.services import credential_get

    credential = credential_get(actor=operator_user(operator), credential_id=credential_id)
    output.write_bytes(certificate_pdf(credential))
    err.print(f"Certificate of {credential.id} written to {output}", markup=False)


def _status_command(action: str, credential_id: str, reason: str, operator: str) -> None:
    from creditbank.apps.credentials import services

    change = {
        "revoke": services.credential_revoke,
        "suspend": services.credential_suspend,
        "reinstate": services.credential_reinstate,
    }[action]
    credential = change(actor=operator_user(operator), credential_id=credential_id, reason=reason)
    out.print(f"Credential {credential.id}: {action} recorded and its status list published.", markup=False)


@credential_app.command("revoke")
@command
def credential_revoke_command(
    credential_id: Annotated[str, typer.Argument(help="The credential's id (uuid).")],
    reason: ReasonOption,
    operator: OperatorOption,
) -> None:
    """Revoke a credential for good."""
    _status_command("revoke", credential_id, reason, operator)


@credential_app.command("suspend")
@command
def credential_suspend_command(
    credential_id: Annotated[str, typer.Argument(help="The credential's id (uuid).")],
    reason: ReasonOption,
    operator: OperatorOption,
) -> None:
    """Suspend a credential while something is looked into."""
    _status_command("suspend", credential_id, reason, operator)


@credential_app.command("reinstate")
@command
def credential_reinstate_command(
    credential_id: Annotated[str, typer.Argument(help="The credential's id (uuid).")],
    reason: ReasonOption,
    operator: OperatorOption,
) -> None:
    """Lift a suspension."""
    _status_command("reinstate", credential_id, reason, operator)


@keys_app.command("list")
@command
def keys_list(operator: OperatorOption, as_json: JsonOption = False) -> None:
    """Every institution's signing keys and their state."""
    from creditbank.apps.credentials.api import key_out
    from creditbank.apps.credentials.selectors import issuer_keys

    rows = [key_out(k) for k in issuer_keys(operator_user(operator))]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        out.print(
            f"{row['id']:>4} {row['institution']:<12} {row['state']:<12} {row['verification_method']}",
            markup=False,
        )


@keys_app.command("rotate")
@command
def keys_rotate(
    institution: Annotated[str, typer.Argument(help="The institution's code.")],
    operator: OperatorOption,
    note: Annotated[str, typer.Option(help="Why the key is rotated.")] = "",
) -> None:
    """Retire the institution's key and start a new one; old credentials still verify."""
    from creditbank.apps.accounts.institutions import institution_get
    from creditbank.apps.credentials.keys import key_rotate, verification_method

    found = institution_get(institution)
    key = key_rotate(actor=operator_user(operator), institution=found, note=note)
    out.print(f"New key {key.pk} for {institution}: {verification_method(found, key)}", markup=False)


@keys_app.command("compromised")
@command
def keys_compromised(
    key_id: Annotated[int, typer.Argument(help="The key's number (see keys list).")],
    note: Annotated[str, typer.Option(help="What happened; shown to verifiers.")],
    operator: OperatorOption,
) -> None:
    """Mark a key compromised: everything it signed is flagged; a new key takes over."""
    from creditbank.apps.credentials.keys import key_mark_compromised

    key = key_mark_compromised(actor=operator_user(operator), key_id=key_id, note=note)
    out.print(
        f"Key {key.pk} of {key.institution.code if key.institution else 'the bank'} is marked compromised.",
        markup=False,
    )
