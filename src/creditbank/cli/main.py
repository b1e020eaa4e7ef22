"""The `creditbank` command: set-up, the demo, and the questions operators and scripts ask."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from creditbank.cli.awards import awards_app, fees_app, windows_app
from creditbank.cli.common import (
    JsonOption,
    OperatorOption,
    command,
    err,
    out,
    settings,
)
from creditbank.cli.common import operator_user as _operator
from creditbank.cli.common import print_json as _print_json
from creditbank.cli.credentials import credential_app, keys_app
from creditbank.cli.feeds import feeds_app
from creditbank.cli.matching import match_app
from creditbank.cli.network import catalogue_app, reviews_app, units_app
from creditbank.cli.recognition import (
    agreements_app,
    audit,
    audit_cohort,
    policy_app,
    rules_app,
    standards_app,
    transfer_app,
)
from creditbank.cli.scale import synth
from creditbank.cli.stats import stats_app

app = typer.Typer(
    help="creditbank: a lifelong-learning credit bank.", no_args_is_help=True, add_completion=False
)
frameworks_app = typer.Typer(help="Qualifications frameworks.", no_args_is_help=True)
levels_app = typer.Typer(help="Level referencing between frameworks.", no_args_is_help=True)
credits_app = typer.Typer(help="Credit arithmetic.", no_args_is_help=True)
apikey_app = typer.Typer(help="Institution API keys.", no_args_is_help=True)
learners_app = typer.Typer(help="Lifelong learning accounts.", no_args_is_help=True)
register_app = typer.Typer(help="The qualifications register.", no_args_is_help=True)
accreditation_app = typer.Typer(help="Accreditation cases.", no_args_is_help=True)
deposit_app = typer.Typer(help="Deposits of learning outcomes.", no_args_is_help=True)
institutions_app = typer.Typer(help="Institutions of the alliance.", no_args_is_help=True)
assessors_app = typer.Typer(help="Assessors and their expertise.", no_args_is_help=True)
ledger_app = typer.Typer(help="The tamper-evident ledger (RFC 9162).", no_args_is_help=True)
app.add_typer(frameworks_app, name="frameworks")
app.add_typer(levels_app, name="levels")
app.add_typer(credits_app, name="credits")
app.add_typer(apikey_app, name="apikey")
app.add_typer(learners_app, name="learners")
app.add_typer(register_app, name="register")
app.add_typer(accreditation_app, name="accreditation")
app.add_typer(deposit_app, name="deposit")
app.add_typer(institutions_app, name="institutions")
app.add_typer(assessors_app, name="assessors")
app.add_typer(ledger_app, name="ledger")
app.add_typer(transfer_app, name="transfer")
app.add_typer(rules_app, name="rules")
app.add_typer(policy_app, name="policy")
app.add_typer(agreements_app, name="agreements")
app.add_typer(standards_app, name="standards")
app.add_typer(credential_app, name="credential")
app.add_typer(keys_app, name="keys")
app.add_typer(feeds_app, name="feeds")
app.add_typer(awards_app, name="awards")
app.add_typer(fees_app, name="fees")
app.add_typer(windows_app, name="windows")
app.add_typer(units_app, name="units")
app.add_typer(reviews_app, name="reviews")
app.add_typer(catalogue_app, name="catalogue")
app.add_typer(match_app, name="match")
app.add_typer(stats_app, name="stats")
app.command()(synth)
app.command()(audit)
app.command("audit-cohort")(audit_cohort)


@app.callback()
def main_options(
    lang: Annotated[str, typer.Option("--lang", help="Language of output: en, zh-hans or zh-hant.")] = "en",
) -> None:
    if lang not in {"en", "zh-hans", "zh-hant"}:
        raise typer.BadParameter("use en, zh-hans or zh-hant", param_hint="--lang")
    settings.lang = lang


@app.command()
@command
def setup() -> None:
    """Create or upgrade the database and load the shipped reference data."""
    from django.core.management import call_command

    from creditbank.apps.frameworks.services import reference_data_load

    call_command("migrate", interactive=False, verbosity=0)
    summary = reference_data_load()
    out.print(
        f"Database ready. Reference data: {summary.frameworks_created} new framework versions, "
        f"{summary.credit_systems} credit systems, {summary.correspondences} correspondences, "
        f"{summary.studies} unverified studies."
    )


@app.command()
@command
def demo(
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
    serve: Annotated[bool, typer.Option(help="Start the web server after loading.")] = True,
) -> None:
    """Set up a demo bank, print a login for every role, and serve it."""
    from django.core.management import call_command

    from creditbank.apps.frameworks.services import reference_data_load
    from creditbank.demo import demo_activation_line, demo_bank_load, demo_credential_links

    call_command("migrate", interactive=False, verbosity=0)
    _public_url_for_demo(host, port)
    reference_data_load()
    logins = demo_bank_load()
    url = f"http://{host}:{port}/"
    table = Table(title=f"creditbank demo at {url}")
    for column in ("role", "username", "password", "name"):
        table.add_column(column)
    for login in logins:
        table.add_row(login.role, login.username, login.password, login.name)
    out.print(table)
    # Plain lines too, so scripts (and the smoke test) can read the logins.
    for login in logins:
        print(f"LOGIN role={login.role} username={login.username} password={login.password}", flush=True)
    for line in demo_credential_links():
        print(line, flush=True)
    print(demo_activation_line(), flush=True)
    if serve:
        with _background_worker():
            print(f"Open {url} and sign in. Stop with Ctrl+C.", flush=True)
            call_command("runserver", f"{host}:{port}", use_reloader=False, skip_checks=False)
    else:
        print(f"Loaded. Serve it with `creditbank serve --port {port}`.", flush=True)


def _public_url_for_demo(host: str, port: int) -> None:
    """The demo's credentials and QR codes link to where it serves, unless the bank's public
    address is set (CREDITBANK_PUBLIC_URL); the worker it starts inherits the same."""
    from django.conf import settings

    if "CREDITBANK_PUBLIC_URL" not in os.environ:
        os.environ["CREDITBANK_PUBLIC_URL"] = f"http://{host}:{port}"
        settings.CREDITBANK["PUBLIC_URL"] = os.environ["CREDITBANK_PUBLIC_URL"]


@contextmanager
def _background_worker() -> Iterator[None]:
    """A background worker beside the development server, stopped with it, so that large uploads
    run in the demo as in production (where `creditbank worker` runs as its own service)."""
    import signal
    import subprocess

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(0)  # so that `finally` stops the worker when we are terminated

    signal.signal(signal.SIGTERM, stop)
    child = subprocess.Popen([sys.executable, "-m", "creditbank", "worker"])
    print(f"Background worker started (pid {child.pid}).", flush=True)
    try:
        yield
    finally:
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()


@app.command()
@command
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    worker: Annotated[bool, typer.Option(help="Run a background worker beside the server.")] = True,
) -> None:
    """Serve the portal and API (development server; use a WSGI server in production)."""
    from django.core.management import call_command

    if not worker:
        call_command("runserver", f"{host}:{port}", use_reloader=False)
        return
    with _background_worker():
        call_command("runserver", f"{host}:{port}", use_reloader=False)


@frameworks_app.command("list")
@command
def frameworks_list(as_json: JsonOption = False) -> None:
    """List the current frameworks."""
    from creditbank.apps.frameworks.api import summary_out
    from creditbank.apps.frameworks.selectors import registry

    frameworks = registry().ordered_frameworks()
    if as_json:
        _print_json([summary_out(f) for f in frameworks])
        return
    table = Table()
    for column in ("code", "name", "levels", "order", "credit", "edition"):
        table.add_column(column)
    for f in frameworks:
        table.add_row(
            f.code,
            f.name.get(settings.lang),
            str(len(f.levels)),
            f.order.value,
            f.credit_system or "-",
            f.edition,
        )
    out.print(table)


@frameworks_app.command("show")
@command
def frameworks_show(
    code: str,
    edition: Annotated[str | None, typer.Option(help="An older edition.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Show one framework with its levels (highest first)."""
    from creditbank.apps.frameworks.api import framework_out
    from creditbank.apps.frameworks.selectors import framework_at_edition

    f = framework_at_edition(code, edition)
    if as_json:
        _print_json(framework_out(f))
        return
    out.print(
        f"[bold]{f.code}[/] {f.name.get(settings.lang)} (edition {f.edition}, {f.order.value})",
        highlight=False,
    )
    table = Table()
    for column in ("level", "rank", "summary"):
        table.add_column(column)
    for level in reversed(f.levels):
        table.add_row(
            level.label.get(settings.lang),
            str(level.rank),
            level.summary.get(settings.lang) if level.summary else "-",
        )
    out.print(table)


@frameworks_app.command("import")
@command
def frameworks_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    operator: OperatorOption,
    note: Annotated[str, typer.Option(help="Note for the version history.")] = "",
) -> None:
    """Publish a framework document (YAML or JSON) as a framework or a new version of one."""
    from creditbank.apps.frameworks.services import framework_publish, read_framework_document

    result = framework_publish(
        actor=_operator(operator),
        document=read_framework_document(file.read_text(encoding="utf-8-sig")),
        note=note,
    )
    f = result.framework
    out.print(
        f"{'Published' if result.created else 'Already published, unchanged:'} {f.code} edition {f.edition}"
    )


@levels_app.command("map")
@command
def levels_map(
    level: Annotated[str, typer.Argument(help="FRAMEWORK:LEVEL, e.g. HKQF:4 or NVQC:1")],
    to: Annotated[str, typer.Option("--to", help="Target framework code")],
    as_json: JsonOption = False,
) -> None:
    """What is this level in another framework, and which published referencing says so?"""
    from django.utils.translation import gettext

    from creditbank.apps.frameworks.api import mapping_out
    from creditbank.apps.frameworks.selectors import registry
    from creditbank.core.frameworks import parse_level_reference

    reg = registry()
    code, key = parse_level_reference(level)
    mapping = reg.graph.map_level(reg.framework(code).level(key), to)
    if as_json:
        _print_json(mapping_out(mapping))
        return
    out.print(
        f"{mapping.source.id} in {mapping.target.code}: {gettext(mapping.explanation)}", highlight=False
    )
    for m in mapping.matches:
        path = (
            " → ".join([m.best.steps[0].source, *(s.target for s in m.best.steps)])
            if m.best.steps
            else m.level.id
        )
        ids = ", ".join(s.correspondence.id for s in m.best.steps)
        kind = "indirect" if m.indirect else "direct"
        confidence = m.confidence.name.lower()
        line = f"  {m.level.id:<14} {m.relation.code:<19} confidence={confidence:<6} {kind:<8} {path} [{ids}]"
        out.print(line, highlight=False)
    for note in mapping_out(mapping)["notes"]:
        out.print(f"  note: {note['message']}", highlight=False)


@credits_app.command("convert", context_settings={"ignore_unknown_options": True})
@command
def credits_convert(
    amount: Annotated[str, typer.Argument(help="Credits, e.g. 30 or 7.5")],
    source: Annotated[str, typer.Option("--from", help="Credit system code, e.g. HKQF-CREDIT")],
    target: Annotated[str, typer.Option("--to", help="Credit system code, e.g. ECTS")],
    as_json: JsonOption = False,
) -> None:
    """Convert credits between systems through learning hours, keeping ranges."""
    from creditbank.apps.frameworks.selectors import registry, rounding_policy
    from creditbank.core.credits import CreditValue, convert, parse_amount

    reg = registry()
    value = parse_amount(amount)
    src, dst = reg.credit_system(source), reg.credit_system(target)
    c = convert(CreditValue(value, src.code), src, dst, rounding_policy())
    if as_json:
        _print_json(c.as_dict())
        return
    result = f"{c.low}" if not c.is_range else f"{c.low}-{c.high}"
    out.print(f"{value} {src.code} = {result} {dst.code}", highlight=False)


@apikey_app.command("create")
@command
def apikey_create(
    institution: Annotated[str, typer.Argument(help="Institution code")],
    name: Annotated[str, typer.Option(help="What the key is for")],
    operator: OperatorOption,
) -> None:
    """Create an API key for an institution; the secret is printed once."""
    from creditbank.apps.accounts.models import Institution
    from creditbank.apps.accounts.services import api_key_create
    from creditbank.core.errors import NotFound

    inst = Institution.objects.filter(code=institution).first()
    if inst is None:
        raise NotFound("There is no institution %(code)s.", code=institution)
    issued = api_key_create(actor=_operator(operator), institution=inst, name=name)
    out.print(f"Key {issued.key.prefix} for {inst.code}. Secret (shown once):")
    print(issued.secret)


@apikey_app.command("revoke")
@command
def apikey_revoke(prefix: str, operator: OperatorOption) -> None:
    """Revoke an API key by its prefix."""
    from creditbank.apps.accounts.services import api_key_revoke

    key = api_key_revoke(actor=_operator(operator), prefix=prefix)
    out.print(f"Key {key.prefix} of {key.institution.code} revoked.")


@learners_app.command("open")
@command
def learners_open(
    name: Annotated[str, typer.Option("--name", help="Full name as on the identity document")],
    id_scheme: Annotated[
        str, typer.Option("--id-scheme", help="cn_ric, hk_id, mo_id, travel_permit or passport")
    ],
    id_number: Annotated[str, typer.Option("--id-number")],
    region: Annotated[str, typer.Option("--region", help="GD, HK, MO, CN or XX")],
    operator: OperatorOption,
    country: Annotated[str, typer.Option("--country", help="Issuing state of a passport, e.g. GBR")] = "",
) -> None:
    """Open a lifelong learning account; refused if the person already has one."""
    from creditbank.apps.accounts.learners import learner_open

    learner = learner_open(
        actor=_operator(operator),
        full_name=name,
        id_scheme=id_scheme,
        id_number=id_number,
        id_country=country,
        region=region,
    )
    out.print(f"Opened account {learner.public_id} for {learner.full_name}", highlight=False)


@learners_app.command("find")
@command
def learners_find(
    id_scheme: Annotated[str, typer.Option("--id-scheme")],
    id_number: Annotated[str, typer.Option("--id-number")],
    operator: OperatorOption,
    country: Annotated[str, typer.Option("--country")] = "",
) -> None:
    """Find a learner's account by identity document (exit 1 if there is none)."""
    from creditbank.apps.accounts.learners import learner_find

    learner = learner_find(
        actor=_operator(operator), id_scheme=id_scheme, id_number=id_number, id_country=country
    )
    out.print(f"{learner.public_id} {learner.full_name} ({learner.region})", highlight=False)


@learners_app.command("record")
@command
def learners_record(
    learner: Annotated[str, typer.Option("--learner", help="The learner number.")],
    kind: Annotated[
        str,
        typer.Option("--kind", help="work_experience, community_activity, learning_points or other_learning"),
    ],
    title: Annotated[str, typer.Option("--title", help="What was done or learnt.")],
    started_on: Annotated[str, typer.Option("--from", help="YYYY-MM-DD")],
    operator: OperatorOption,
    ended_on: Annotated[str, typer.Option("--until", help="YYYY-MM-DD")] = "",
    organisation: Annotated[str, typer.Option("--organisation")] = "",
    hours: Annotated[str, typer.Option("--hours")] = "",
    points: Annotated[str, typer.Option("--points")] = "",
) -> None:
    """Record learning that earns no credit in a learner's lifelong record (e.g. imported points)."""
    from creditbank.apps.deposits.history import learner_named
    from creditbank.apps.deposits.records import record_add

    actor = _operator(operator)
    record = record_add(
        actor=actor,
        learner=learner_named(actor, learner),
        data={"kind": kind, "title": title, "started_on": started_on, "ended_on": ended_on,
              "organisation": organisation, "hours": hours, "points": points},
    )  # fmt: skip
    out.print(f"Recorded {record.kind} {record.pk} for {learner} (no credit).", markup=False)


@learners_app.command("file-document")
@command
def learners_file_document(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="PDF, PNG or JPEG")
    ],
    learner: Annotated[str, typer.Option("--learner", help="The learner number.")],
    title: Annotated[str, typer.Option("--title", help="What the document is.")],
    operator: OperatorOption,
) -> None:
    """File a scanned paper document on a learner's account (its hash enters the ledger)."""
    from creditbank.apps.accounts.documents import document_file
    from creditbank.apps.deposits.history import learner_named

    actor = _operator(operator)
    document = document_file(
        actor=actor,
        learner=learner_named(actor, learner),
        title=title,
        name=file.name,
        content=file.read_bytes(),
    )
    out.print(f"Filed document {document.pk} ({document.title}, SHA-256 {document.sha256}).", markup=False)


@learners_app.command("documents")
@command
def learners_documents(
    learner: Annotated[str, typer.Option("--learner", help="The learner number.")],
    operator: OperatorOption,
    as_json: JsonOption = False,
) -> None:
    """The documents filed on a learner's account."""
    from creditbank.apps.accounts.documents import documents_of
    from creditbank.apps.accounts.documents_api import document_out
    from creditbank.apps.deposits.history import learner_named

    actor = _operator(operator)
    rows = [document_out(d) for d in documents_of(actor=actor, learner=learner_named(actor, learner))]
    if as_json:
        _print_json(rows)
        return
    for row in rows:
        out.print(f"{row['id']:>6}  {row['filed_at'][:10]}  {row['title']}  {row['file_name']}", markup=False)


@learners_app.command("register")
@command
def learners_register(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV or XLSX roster")
    ],
    institution: Annotated[str, typer.Option("--institution", help="Code of the school or enterprise")],
    operator: OperatorOption,
    good_rows_only: Annotated[
        bool, typer.Option("--good-rows-only", help="Register the good rows, report the rest.")
    ] = False,
    codes: Annotated[
        Path | None, typer.Option("--codes", help="Write the activation codes to this CSV file.")
    ] = None,
) -> None:
    """Register a school's or enterprise's people from a file (集体开户); each activates with a code."""
    from creditbank.apps.accounts import collective
    from creditbank.apps.accounts.collective_views import activation_url, read_roster
    from creditbank.apps.accounts.models import Institution
    from creditbank.core.errors import DomainError, NotFound

    found = Institution.objects.filter(code=institution).first()
    if found is None:
        raise NotFound("There is no institution %(code)s.", code=institution)
    try:
        done = collective.collective_register(
            actor=_operator(operator),
            institution=found,
            rows=read_roster(file.read_bytes(), file.name),
            file_name=file.name,
            good_rows_only=good_rows_only,
        )
    except DomainError as exc:
        for issue in exc.details.get("report", [])[:50]:
            err.print(f"line {issue['line']}: {'; '.join(issue['problems'])}", markup=False, highlight=False)
        raise
    registration = done.registration
    out.print(
        f"{'Already registered' if done.replayed else 'Registered'} {file.name} for {institution}: "
        f"{registration.created} new accounts, {registration.existing} existing, {registration.rejected} rows refused.",
        markup=False,
    )
    if codes is not None:
        codes.write_text(collective.codes_csv(registration, activation_url()), encoding="utf-8")
        out.print(f"Activation codes written to {codes}", markup=False)


@register_app.command("validity")
@command
def register_validity(
    code: Annotated[str, typer.Argument()],
    reason: Annotated[str, typer.Option("--reason")],
    operator: OperatorOption,
    until: Annotated[str, typer.Option("--until", help="YYYY-MM-DD; empty: open-ended")] = "",
    apply: Annotated[bool, typer.Option("--apply", help="Apply; without it, only show the effect.")] = False,
) -> None:
    """Extend or shorten an entry's validity, showing the deposited outcomes it leaves outside."""
    from creditbank.apps.register.lifecycle import validity_change
    from creditbank.core.errors import InvalidInput

    try:
        end = date.fromisoformat(until) if until else None
    except ValueError:
        raise InvalidInput("--until: %(value)s is not a date (YYYY-MM-DD).", value=until) from None
    entry, effect = validity_change(
        actor=_operator(operator), code=code, valid_to=end, reason=reason, apply=apply
    )
    _print_effect(entry.code, effect, apply, "achieved after the new end date (they stay on record)")


@register_app.command("remove")
@command
def register_remove(
    code: Annotated[str, typer.Argument()],
    cause: Annotated[str, typer.Option("--cause", help="error or fraud")],
    reason: Annotated[str, typer.Option("--reason")],
    operator: OperatorOption,
    apply: Annotated[bool, typer.Option("--apply", help="Apply; without it, only show the effect.")] = False,
) -> None:
    """Remove an entry from the register; for fraud, its deposited outcomes are revoked."""
    from creditbank.apps.register.lifecycle import entry_remove

    entry, effect = entry_remove(
        actor=_operator(operator), code=code, cause=cause, reason=reason, apply=apply
    )
    _print_effect(
        entry.code,
        effect,
        apply,
        "revoked with their credentials" if effect.revokes else "kept, for their institutions to correct",
    )


def _print_effect(code: str, effect: Any, applied: bool, what: str) -> None:
    for o in effect.outcomes[:50]:
        out.print(f"  {o.pk:>6} {o.learner.public_id} {o.institution.code:<12} {o.achieved_on}", markup=False)
    verb = "Applied" if applied else "Preview (use --apply)"
    out.print(
        f"{verb}: {code}: {len(effect.outcomes)} outcomes of {effect.learners} learners {what}.", markup=False
    )


@register_app.command("import")
@command
def register_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    institution: Annotated[str, typer.Option("--institution", help="Code of the owning institution")],
    operator: OperatorOption,
) -> None:
    """Register qualifications and units from a YAML or JSON list, as drafts; all or nothing."""
    import yaml

    from creditbank.apps.register.services import entries_import
    from creditbank.core.errors import InvalidInput

    docs = yaml.safe_load(file.read_text(encoding="utf-8-sig"))
    if not isinstance(docs, list):
        raise InvalidInput("The file must hold a list of register entries.")
    created = entries_import(actor=_operator(operator), docs=docs, owner_code=institution)
    out.print(f"Registered {len(created)} entries for {institution} as drafts.")


@register_app.command("record-accreditation")
@command
def register_record_accreditation(
    code: str,
    on: Annotated[str, typer.Option("--on", help="Date of the decision, YYYY-MM-DD")],
    note: Annotated[str, typer.Option("--note", help="Who decided it, and where")],
    operator: OperatorOption,
    next_review: Annotated[str | None, typer.Option("--next-review", help="YYYY-MM-DD")] = None,
) -> None:
    """Record an accreditation decided before the bank used creditbank."""
    from datetime import date

    from creditbank.apps.register.services import entry_record_accreditation
    from creditbank.core.errors import InvalidInput

    try:
        decided, review = date.fromisoformat(on), date.fromisoformat(next_review) if next_review else None
    except ValueError:
        raise InvalidInput("Dates are written YYYY-MM-DD.") from None
    entry = entry_record_accreditation(
        actor=_operator(operator), code=code, accredited_on=decided, next_review_on=review, note=note
    )
    out.print(f"{entry.code} is accredited from {entry.accredited_on}.")


@accreditation_app.command("list")
@command
def accreditation_list(
    operator: OperatorOption,
    stage: Annotated[str, typer.Option(help="Only cases at this stage")] = "",
    as_json: JsonOption = False,
) -> None:
    """Cases by stage, oldest change first: the operators' queue."""
    from creditbank.apps.accreditation.api import case_out
    from creditbank.apps.accreditation.services import cases_for

    cases = cases_for(_operator(operator))
    if stage:
        cases = cases.filter(stage=stage)
    cases = cases.order_by("stage", "updated_at")
    if as_json:
        _print_json([case_out(c) for c in cases])
        return
    for c in cases:
        out.print(
            f"{c.ref}  {c.stage:<20} {c.entry.code if c.entry else '-':<16} since {c.updated_at:%Y-%m-%d}",
            highlight=False,
        )


@accreditation_app.command("assign")
@command
def accreditation_assign(
    ref: str,
    reviewer: Annotated[list[str], typer.Option("--reviewer", help="Assessor username; repeat for each")],
    operator: OperatorOption,
) -> None:
    """Assign the external review panel (at least two assessors, none from a submitter)."""
    from creditbank.apps.accreditation.services import case_assign

    case = case_assign(actor=_operator(operator), ref=ref, reviewers=reviewer)
    out.print(f"{case.ref}: panel {', '.join(sorted(m.reviewer.username for m in case.panel.all()))}")


@accreditation_app.command("decide")
@command
def accreditation_decide(
    ref: str,
    outcome: Annotated[str, typer.Option(help="approved, approved_with_conditions or rejected")],
    reasons: Annotated[str, typer.Option(help="Why; shown to the institution")],
    operator: OperatorOption,
    level: Annotated[str, typer.Option(help="Level key in the case's framework")] = "",
    credits: Annotated[str, typer.Option(help="Credits decided")] = "",
    conditions: Annotated[str, typer.Option()] = "",
) -> None:
    """Decide a case that has passed review and stakeholder assurance."""
    from creditbank.apps.accreditation.services import case_decide

    case = case_decide(
        actor=_operator(operator),
        ref=ref,
        outcome=outcome,
        reasons=reasons,
        level=level,
        credits=credits,
        conditions=conditions,
    )
    out.print(f"{case.ref}: {case.outcome} {case.decided_level_id} {case.decided_credits or ''}".rstrip())


@deposit_app.command("import")
@command
def deposit_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    institution: Annotated[str, typer.Option("--institution", help="Code of the depositing institution")],
    operator: OperatorOption,
    good_rows_only: Annotated[
        bool, typer.Option("--good-rows-only", help="Store the good rows, report the others")
    ] = False,
) -> None:
    """Deposit a CSV/XLSX file of outcomes; exit 1 if any row was rejected."""
    from rich.progress import Progress

    from creditbank.apps.deposits import files
    from creditbank.apps.deposits.services import BatchRejected, deposit_batch, file_batch_key

    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("reading", total=None)
        rows = files.read_rows(file.read_bytes(), file.name)
        progress.update(task, total=len(rows))

        def report(phase: str, rows_done: int) -> None:
            progress.update(task, completed=rows_done, description=phase)

        try:
            done = deposit_batch(
                actor=_operator(operator),
                rows=rows,
                idempotency_key=file_batch_key(rows),
                institution_code=institution,
                good_rows_only=good_rows_only,
                file_name=file.name,
                progress=report,
            )
        except BatchRejected as exc:
            for issue in exc.details.get("report", []):
                err.print(f"  line {issue['line']}: {'; '.join(issue['problems'])}", highlight=False)
            raise
    batch = done.batch
    note = " (sent before: nothing new stored)" if done.replayed else ""
    out.print(
        f"{batch.created} new, {batch.already_present} already present, {batch.rejected} rejected{note}",
        highlight=False,
    )
    for issue in batch.problems:
        err.print(f"  line {issue['line']}: {'; '.join(issue['problems'])}", highlight=False)
    if batch.rejected:
        raise typer.Exit(1)


@deposit_app.command("jobs")
@command
def deposit_jobs(
    institution: Annotated[str, typer.Option("--institution", help="Only this institution's jobs")] = "",
    operator: OperatorOption = "",
    as_json: JsonOption = False,
) -> None:
    """Files deposited in the background (the newest first), with their state and progress."""
    from creditbank.apps.deposits.api import job_out
    from creditbank.apps.deposits.jobs import jobs_for

    rows = [job_out(j) for j in jobs_for(actor=_operator(operator), institution_code=institution)[:100]]
    if as_json:
        _print_json(rows)
        return
    for r in rows:
        outcome = ""
        if r["batch"]:
            outcome = f"batch {r['batch']['id']}: {r['batch']['created']} new"
        elif r["error"]:
            outcome = r["error"]["message"]
        out.print(
            f"{r['id']:>6} {r['created_at'][:19]} {r['state']:<9} {r['rows_done']:>7}/{r['rows_total']:<7}"
            f" {r['file_name']}  {outcome}",
            highlight=False,
        )
    if not rows:
        out.print("No background jobs.")


@app.command()
@command
def worker(
    batch: Annotated[bool, typer.Option("--batch", help="Run what is queued, then stop.")] = False,
) -> None:
    """Run background jobs (large deposit files, cohort audits, scheduled checkpoints and statistics) as they are
    queued. Keep one running beside the web server; more than one may run at once."""
    from django.core.management import call_command

    from creditbank.apps.ledger import tasks as ledger_tasks
    from creditbank.apps.stats import tasks as stats_tasks

    if not batch:  # a long-running worker also keeps the checkpoint and statistics schedules going
        ledger_tasks.schedule_ensure()
        stats_tasks.schedule_ensure()
    call_command("db_worker", batch=batch, reload=False, startup_delay=not batch, verbosity=1)


@ledger_app.command("checkpoint")
@command
def ledger_checkpoint(operator: OperatorOption, as_json: JsonOption = False) -> None:
    """Add pending entries to the tree and sign its head; prints the signed note."""
    from creditbank.apps.ledger.selectors import checkpoint_out
    from creditbank.apps.ledger.services import checkpoint_issue

    made = checkpoint_out(checkpoint_issue(actor=_operator(operator)))
    if as_json:
        _print_json(made)
        return
    print(made["note"], end="")
    out.print(f"verifier key: {made['verifier_key']}", highlight=False)


@ledger_app.command("verify")
@command
def ledger_verify_command(
    operator: OperatorOption = "",
    source: Annotated[
        Path | None, typer.Option("--from", help="Audit an exported log (a folder) instead of the database.")
    ] = None,
) -> None:
    """Recompute the tree, the checkpoints and every outcome; exit 1 naming the first mismatch."""
    if source is not None:
        from creditbank.core.ledger.audit import audit_log

        with (source / "entries.jsonl").open("rb") as lines:
            audit = audit_log(
                (line.rstrip(b"\n") for line in lines),
                (source / "checkpoint.txt").read_text(encoding="utf-8"),
                (source / "verifier-key.txt").read_text(encoding="utf-8"),
            )
        if audit.problem:
            err.print(f"[bold red]not verified[/]: {audit.problem}", highlight=False)
            raise typer.Exit(1)
        out.print(
            f"verified: {audit.entries} entries hash to the root signed at size {audit.checkpoint.size}"
        )
        return
    from creditbank.apps.ledger.verify import ledger_verify

    report = ledger_verify(actor=_operator(operator))
    summary = (
        f"{report.entries} entries, {report.nodes} tree nodes, {report.checkpoints} checkpoints, "
        f"{report.outcomes} outcomes"
    )
    if not report.ok:
        for problem in report.problems:
            err.print(f"  {problem}", highlight=False)
        err.print(f"[bold red]not verified[/]: {report.problems[0]} ({summary} read)", highlight=False)
        raise typer.Exit(1)
    out.print(f"verified: {summary}")


@ledger_app.command("export")
@command
def ledger_export(
    folder: Annotated[Path, typer.Argument(file_okay=False, help="Folder to write the log into.")],
    operator: OperatorOption,
) -> None:
    """Write the log up to the latest checkpoint so another party can check it without our code."""
    from creditbank.apps.ledger.export import export_log

    size = export_log(actor=_operator(operator), folder=folder)
    out.print(f"wrote {size} entries, the checkpoint and the verifier key to {folder}")


@ledger_app.command("as-of")
@command
def ledger_as_of(
    learner: Annotated[str, typer.Option("--learner", help="The learner number.")],
    on: Annotated[
        str, typer.Option("--on", help="The date (YYYY-MM-DD): the record at the end of that day.")
    ],
    operator: OperatorOption,
    as_json: JsonOption = False,
) -> None:
    """A learner's record as it stood on a past date, rebuilt from the ledger."""
    from creditbank.apps.deposits.history import learner_named, record_as_of, replayed_out
    from creditbank.core.errors import InvalidInput

    try:
        day = date.fromisoformat(on)
    except ValueError:
        raise InvalidInput("--on: %(value)s is not a date (YYYY-MM-DD).", value=on) from None
    actor = _operator(operator)
    rows = [replayed_out(r) for r in record_as_of(actor=actor, learner=learner_named(actor, learner), on=day)]
    if as_json:
        _print_json({"learner": learner, "on": on, "outcomes": rows})
        return
    for row in rows:
        out.print(
            f"{row['achieved_on']} {row['unit']:<14} {row['institution']:<12} {row['result']:<6} "
            f"{row['credits']} {row['credit_system']:<12} {row['status']:<9} entry {row['ledger_seq']}",
            markup=False,
        )
    if not rows:
        out.print(f"The ledger held no outcome of {learner} on {on}.", markup=False)


@ledger_app.command("witness-key")
def ledger_witness_key(
    name: Annotated[
        str, typer.Argument(help="The witness's name, a URL without scheme: hk-ips.example/witness")
    ],
    out_file: Annotated[Path, typer.Option("--out", help="Where to keep the private key (keep it secret).")],
) -> None:
    """Make a witness key; prints the verifier key to give the bank's operators."""
    from creditbank.apps.ledger.witness_keys import witness_key_create

    if out_file.exists():
        err.print(f"[bold red]error[/]: {out_file} exists; a witness keeps its key", highlight=False)
        raise typer.Exit(1)
    print(witness_key_create(out_file, name).verifier_key)


@ledger_app.command("witness-add")
@command
def ledger_witness_add(
    verifier_key: Annotated[str, typer.Argument(help="The witness's verifier key (name+hash+key)")],
    operator: OperatorOption,
    institution: Annotated[str, typer.Option("--institution", help="The alliance member running it")] = "",
) -> None:
    """Register an alliance member's witness, whose cosignatures then count."""
    from creditbank.apps.ledger.witnesses import witness_add

    added = witness_add(actor=_operator(operator), verifier_key=verifier_key, institution_code=institution)
    out.print(f"witness {added.name} registered", highlight=False)


@ledger_app.command("witness")
def ledger_witness(
    url: Annotated[str, typer.Option("--url", help="The bank's address, e.g. https://bank.example")],
    key_file: Annotated[Path, typer.Option("--key", exists=True, dir_okay=False, help="From witness-key")],
    bank_key: Annotated[str, typer.Option("--bank-key", help="The bank's verifier key, pinned out of band")],
    state: Annotated[Path, typer.Option("--state", help="Where this witness remembers what it saw")],
) -> None:
    """Run one witness step against a bank over HTTP: check its newest checkpoint grew append-only
    from the last one seen, co-sign it and hand the cosignature in. Needs no database."""
    import base64
    import time
    import urllib.error
    import urllib.request

    from creditbank.apps.ledger.witness_keys import witness_key_read
    from creditbank.core.errors import DomainError
    from creditbank.core.ledger.witness import witness_checkpoint

    def call(path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{url.rstrip('/')}/api/v1{path}", data=data)  # noqa: S310
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (the operator's URL)
            return json.loads(response.read())

    if not url.startswith(("http://", "https://")):
        err.print("[bold red]error[/]: give the bank's http:// or https:// address", highlight=False)
        raise typer.Exit(1)
    key = witness_key_read(key_file)
    seen = json.loads(state.read_text(encoding="utf-8")) if state.exists() else None
    try:
        latest = call("/ledger/checkpoint")
        proof: list[bytes] = []
        if seen and 0 < seen["size"] < latest["size"]:
            answer = call(f"/ledger/proofs/consistency?first={seen['size']}&second={latest['size']}")
            proof = [base64.b64decode(p) for p in answer["proof"]]
        line, checkpoint = witness_checkpoint(
            note=latest["note"],
            bank_key=bank_key,
            seen=(seen["size"], base64.b64decode(seen["root"])) if seen else None,
            proof=proof,
            name=key.name,
            private_key=key.seed,
            now=int(time.time()),
        )
        answer = call("/ledger/cosignatures", {"size": checkpoint.size, "cosignature": line})
    except DomainError as exc:
        err.print(f"[bold red]refused to co-sign[/]: {exc.message}", highlight=False)
        raise typer.Exit(1) from None
    except urllib.error.HTTPError as exc:
        err.print(
            f"[bold red]error[/]: the bank answered {exc.code}: {exc.read().decode()[:300]}", highlight=False
        )
        raise typer.Exit(1) from None
    state.write_text(
        json.dumps({"size": checkpoint.size, "root": base64.b64encode(checkpoint.root).decode()}),
        encoding="utf-8",
    )
    quorum = "witnessed" if answer["witnessed"] else "not yet witnessed by a quorum"
    out.print(f"co-signed checkpoint {checkpoint.size} ({quorum})", highlight=False)


@institutions_app.command("list")
@command
def institutions_list(as_json: JsonOption = False) -> None:
    """Institutions with their region, credit code and alliance dates."""
    from creditbank.apps.accounts.api import institution_out
    from creditbank.apps.accounts.models import Institution

    rows = [institution_out(i) for i in Institution.objects.order_by("code")]
    if as_json:
        _print_json(rows)
        return
    for r in rows:
        member = f"{r['alliance_joined'] or '-'}..{r['alliance_left'] or ''}"
        out.print(
            f"{r['code']:<14} {r['region']:<3} {r['uscc'] or '-':<19} {member:<24} {r['name_en']}",
            highlight=False,
        )


@institutions_app.command("add")
@command
def institutions_add(
    code: str,
    name_en: Annotated[str, typer.Option("--name-en")],
    name_zh: Annotated[str, typer.Option("--name-zh")],
    kind: Annotated[
        str,
        typer.Option(
            help="university, vocational_college, open_university, training_body, enterprise, certificate_body"
        ),
    ],
    region: Annotated[str, typer.Option(help="GD, HK, MO, CN or XX")],
    operator: OperatorOption,
    city: Annotated[str, typer.Option()] = "",
    uscc: Annotated[str, typer.Option(help="Unified social credit code (mainland institutions)")] = "",
) -> None:
    """Register an institution."""
    from creditbank.apps.accounts.institutions import institution_register

    i = institution_register(
        actor=_operator(operator),
        code=code,
        name_en=name_en,
        name_zh=name_zh,
        kind=kind,
        region=region,
        city=city,
        uscc=uscc,
    )
    out.print(f"Registered {i.code}.")


@institutions_app.command("alliance")
@command
def institutions_alliance(
    code: str,
    operator: OperatorOption,
    joined: Annotated[str, typer.Option(help="YYYY-MM-DD")] = "",
    left: Annotated[str, typer.Option(help="YYYY-MM-DD")] = "",
) -> None:
    """Record when an institution joined or left the alliance."""
    from datetime import date

    from creditbank.apps.accounts.institutions import institution_alliance
    from creditbank.core.errors import InvalidInput

    try:
        j, lt = (date.fromisoformat(joined) if joined else None), (date.fromisoformat(left) if left else None)
    except ValueError:
        raise InvalidInput("Dates are written YYYY-MM-DD.") from None
    i = institution_alliance(actor=_operator(operator), code=code, joined=j, left=lt)
    out.print(f"{i.code}: member from {i.alliance_joined or '-'} to {i.alliance_left or 'now'}.")


@assessors_app.command("list")
@command
def assessors_list(operator: OperatorOption) -> None:
    """Assessors with their home institution and sectors."""
    from creditbank.apps.accounts.api import assessor_out
    from creditbank.apps.accounts.models import User
    from creditbank.apps.accounts.permissions import Action, require

    require(_operator(operator), Action.MANAGE_ASSESSORS)
    for a in User.objects.filter(role="assessor").select_related("institution").order_by("username"):
        row = assessor_out(a)
        out.print(
            f"{row['username']:<14} {row['institution'] or 'independent':<12} {', '.join(row['sectors']) or '-'}",
            highlight=False,
        )


@assessors_app.command("sectors")
@command
def assessors_sectors(
    username: str,
    operator: OperatorOption,
    sector: Annotated[
        list[str] | None, typer.Option("--sector", help="A register sector code; repeat")
    ] = None,
) -> None:
    """Set the sectors an assessor can judge (replaces the list)."""
    from creditbank.apps.accounts.assessors import assessor_set_sectors

    a = assessor_set_sectors(actor=_operator(operator), username=username, sectors=sector or [])
    out.print(f"{a.username}: {', '.join(a.expertise_sectors) or 'no sectors'}")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
