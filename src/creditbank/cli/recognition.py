"""`creditbank audit`, `transfer`, `rules` and `policy`: recognition from the command line."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from creditbank.apps.batch import PARTITION
from creditbank.cli.common import JsonOption, OperatorOption, command, err, operator_user, out, print_json

transfer_app = typer.Typer(help="Credit transfer between institutions and regions.", no_args_is_help=True)
rules_app = typer.Typer(help="Recognition rules of receiving institutions.", no_args_is_help=True)
policy_app = typer.Typer(help="Caps on transferred credit, per qualification.", no_args_is_help=True)

LearnerOption = Annotated[str, typer.Option("--learner", help="The learner number.")]
QualificationOption = Annotated[str, typer.Option("--qualification", help="Code of the qualification.")]
OnOption = Annotated[str, typer.Option("--on", help="Evaluate as on this date (YYYY-MM-DD); default today.")]

MARKS = {"met": "[green]✔ met[/]", "in_progress": "[yellow]◐ in progress[/]", "missing": "[red]✘ missing[/]"}


def _on_date(on: str) -> date:
    """The --on option: a date, or today."""
    from django.utils import timezone

    from creditbank.core.errors import InvalidInput

    try:
        return date.fromisoformat(on) if on else timezone.localdate()
    except ValueError:
        raise InvalidInput("--on: %(value)s is not a date (YYYY-MM-DD).", value=on) from None


def _pathway(learner: str, qualification: str, on: str, operator: str) -> dict[str, Any]:
    from django.utils.translation import gettext

    from creditbank.apps.recognition.presenters import pathway_out
    from creditbank.apps.recognition.selectors import learner_for, pathway

    actor = operator_user(operator)
    found = pathway(
        actor=actor, learner=learner_for(actor, learner), qualification=qualification, on=_on_date(on)
    )
    return pathway_out(found, gettext)


def _print_node(node: dict[str, Any], depth: int) -> None:
    pad = "  " * depth
    mark = MARKS[node["status"]]
    if node["kind"] == "unit":
        line = f"{node['unit']} {node['unit_title']}"
    elif node["kind"] == "credits":
        level = f" at {node['min_level']} or above" if node["min_level"] else ""
        line = f"{node['credits_counted']} of {node['credits_needed']} {node['credit_system']} credits{level}"
    elif node["kind"] == "all_of":
        line = "all of"
    else:
        line = f"{node['n']} of"
    out.print(f"{pad}{mark} {line}", highlight=False)
    for c in node["counted"]:
        via = " (transferred)" if c["transferred"] else ""
        out.print(f"{pad}    counts: {c['unit']} {c['title']}{via}", highlight=False)
    if node["suggestions"]:
        names = ", ".join(f"{s['code']} {s['title']}" for s in node["suggestions"])
        out.print(f"{pad}    would satisfy it: {names}", highlight=False)
    for child in node["children"]:
        _print_node(child, depth + 1)


def _print_transfer(t: dict[str, Any]) -> None:
    out.print(
        f"[bold]Transfer proposal[/]: {t['credits']} credits (certificates used: {t['certificates']})",
        highlight=False,
    )
    for u in t["uses"]:
        out.print(f"  ✔ {u['unit']} {u['title']} ({u['institution']}, {u['achieved_on']}): {u['counts_as']}")
    for lft in t["left_out"]:
        out.print(f"  ✘ {lft['unit']} {lft['title']}: {'; '.join(r['text'] for r in lft['reasons'])}")
    for n in t["not_eligible"]:
        out.print(
            f"  ✘ {n['unit']} {n['title']} under {n['rule']}: {'; '.join(r['text'] for r in n['reasons'])}"
        )
    for cap in t["caps"]:
        out.print(f"  cap: {cap['cap']} ({cap['group']}): {cap['used']} of {cap['limit']}", highlight=False)


@command
def audit(
    learner: LearnerOption,
    qualification: QualificationOption,
    operator: OperatorOption,
    on: OnOption = "",
    as_json: JsonOption = False,
) -> None:
    """Pathway audit: how far a learner's bank goes towards a qualification (exit 0 if met, 3 if not)."""
    result = _pathway(learner, qualification, on, operator)
    if as_json:
        print_json(result)
    else:
        q = result["qualification"]
        out.print(f"[bold]{q['code']}[/] {q['title']} ({q['owner']}, {q['credits']} {q['credit_system']})")
        _print_node(result["requirements"], 0)
        _print_transfer(result["transfer"])
    if not result["met"]:
        raise typer.Exit(3)


@transfer_app.command("propose")
@command
def transfer_propose(
    learner: LearnerOption,
    qualification: QualificationOption,
    operator: OperatorOption,
    on: OnOption = "",
    as_json: JsonOption = False,
) -> None:
    """The optimal transfer proposal for a learner into a qualification, each use explained."""
    result = _pathway(learner, qualification, on, operator)
    if as_json:
        print_json(
            {k: result[k] for k in ("learner", "on", "qualification", "policy", "rules_in_force", "transfer")}
        )
    else:
        _print_transfer(result["transfer"])


@rules_app.command("list")
@command
def rules_list(
    owner: Annotated[str, typer.Option(help="Only this institution's rules.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Recognition rules in use."""
    from creditbank.apps.recognition.api import rule_out
    from creditbank.apps.recognition.selectors import rules_listed

    rules = [rule_out(r) for r in rules_listed(owner=owner)]
    if as_json:
        print_json(rules)
        return
    for r in rules:
        out.print(f"{r['code']} v{r['version']} [{r['owner']}] {r['title']}", markup=False)


@rules_app.command("publish")
@command
def rules_publish(
    file: Annotated[Path, typer.Argument(help="A YAML file with one rule, or a list of rules.")],
    owner: Annotated[str, typer.Option(help="The receiving institution.")],
    operator: OperatorOption,
) -> None:
    """Publish rules (each one a new version if its code exists)."""
    import yaml

    from creditbank.apps.recognition.services import rule_publish

    docs = yaml.safe_load(file.read_text(encoding="utf-8"))
    actor = operator_user(operator)
    for doc in docs if isinstance(docs, list) else [docs]:
        record = rule_publish(actor=actor, doc=doc, owner_code=owner)
        out.print(f"Published {record.code} v{record.version}", highlight=False)


@rules_app.command("retire")
@command
def rules_retire(
    code: str,
    reason: Annotated[str, typer.Option(help="Why the rule stops being used.")],
    operator: OperatorOption,
) -> None:
    """Retire a rule: no new proposal uses it; past decisions keep citing it."""
    from creditbank.apps.recognition.services import rule_retire

    record = rule_retire(actor=operator_user(operator), code=code, reason=reason)
    out.print(f"Retired {record.code} v{record.version}", highlight=False)


@policy_app.command("presets")
@command
def policy_presets(as_json: JsonOption = False) -> None:
    """The shipped reference policies."""
    from django.utils.translation import get_language, gettext

    from creditbank.apps.recognition.services import presets
    from creditbank.core.caps import policy_document

    if as_json:
        print_json([policy_document(p) for p in presets().values()])
        return
    for code, p in presets().items():
        out.print(f"[bold]{code}[/] {p.title.get(get_language() or 'en')}", highlight=False)
        for cap in p.caps:
            out.print(f"  {cap.describe().render(gettext)} ({cap.ref})")


@policy_app.command("set")
@command
def policy_set_command(
    qualification: str,
    operator: OperatorOption,
    preset: Annotated[str, typer.Option(help="Adopt a shipped preset.")] = "",
    file: Annotated[Path | None, typer.Option(help="Or a policy document (YAML).")] = None,
) -> None:
    """Set the caps a qualification applies to transferred credit."""
    import yaml

    from creditbank.apps.recognition.services import policy_set

    if bool(preset) == bool(file):
        err.print("[bold red]error[/]: give --preset or --file", highlight=False)
        raise typer.Exit(2)
    document = yaml.safe_load(file.read_text(encoding="utf-8")) if file else None
    record = policy_set(
        actor=operator_user(operator), qualification=qualification, preset=preset, document=document
    )
    out.print(f"{record.qualification}: {record.preset or record.document.get('code')}", highlight=False)


@transfer_app.command("list")
@command
def transfer_list(
    operator: OperatorOption,
    institution: Annotated[str, typer.Option(help="Only applications to this institution.")] = "",
    status: Annotated[str, typer.Option(help="submitted, decided, appealed or withdrawn.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Transfer applications, newest first."""
    from django.utils.translation import gettext

    from creditbank.apps.recognition.presenters import application_out
    from creditbank.apps.recognition.transfers import transfers_for

    found = [
        application_out(a, gettext)
        for a in transfers_for(operator_user(operator), institution=institution, status=status)[:200]
    ]
    if as_json:
        print_json(found)
        return
    for a in found:
        out.print(
            f"{a['ref']} {a['learner']} → {a['qualification']} ({a['institution']}): {a['status_label']}",
            highlight=False,
        )
        for i in a["items"]:
            out.print(f"  #{i['id']} {i['unit']} {i['counts_as']}: {i['decision_label']}", highlight=False)


@transfer_app.command("decide")
@command
def transfer_decide_command(
    ref: str,
    item: int,
    decision: Annotated[str, typer.Option(help="accepted, rejected or evidence.")],
    operator: OperatorOption,
    reason: Annotated[str, typer.Option(help="Why (needed to reject or to ask for evidence).")] = "",
) -> None:
    """Decide one item of an application (the bank decides appeals and may decide any item)."""
    from creditbank.apps.recognition.transfers import transfer_decide

    decided = transfer_decide(
        actor=operator_user(operator), ref=ref, item_id=item, decision=decision, reason=reason
    )
    out.print(f"{ref} #{decided.pk}: {decided.get_decision_display()}", highlight=False)


agreements_app = typer.Typer(help="Mutual-recognition agreements of the alliance.", no_args_is_help=True)


@agreements_app.command("list")
@command
def agreements_list(as_json: JsonOption = False) -> None:
    """Every agreement, drafts included, with its parties' signatures."""
    from creditbank.apps.recognition.agreements import agreements_listed
    from creditbank.apps.recognition.api import agreement_out

    found = [agreement_out(a) for a in agreements_listed(include_drafts=True)]
    if as_json:
        print_json(found)
        return
    for a in found:
        signed = ", ".join(f"{p['institution']}{' ✔' if p['signed_at'] else ''}" for p in a["parties"])
        out.print(
            f"{a['code']} [{a['status']}] {a['title_en']} ({signed}); {len(a['rules'])} rules",
            markup=False,
        )


@agreements_app.command("draft")
@command
def agreements_draft(
    file: Annotated[
        Path, typer.Argument(help="YAML: code, title_en, title_zh, parties, scope, valid_from, rules.")
    ],
    operator: OperatorOption,
) -> None:
    """Draft an agreement and its rules (each rule names its receiving party as owner); parties then sign."""
    import yaml

    from creditbank.apps.recognition.agreements import agreement_create
    from creditbank.apps.recognition.services import rule_publish

    doc = yaml.safe_load(file.read_text(encoding="utf-8"))
    actor = operator_user(operator)
    rules = doc.pop("rules", []) if isinstance(doc, dict) else []
    agreement = agreement_create(actor=actor, doc=doc)
    for rule in rules:
        owner = str(rule.pop("owner", ""))
        rule_publish(actor=actor, doc={**rule, "agreement": agreement.code}, owner_code=owner or None)
    out.print(f"Drafted {agreement.code} with {len(rules)} rules; the parties sign it next.", highlight=False)


@agreements_app.command("conflicts")
@command
def agreements_conflicts(code: str, operator: OperatorOption) -> None:
    """Conflicts of an agreement's rules with each other, the parties' rules and other agreements (exit 1 if any)."""
    from django.utils.translation import gettext

    from creditbank.apps.recognition.agreements import agreement_conflicts, agreement_get

    operator_user(operator)
    found = agreement_conflicts(agreement_get(code))
    for c in found:
        out.print(c.reason.render(gettext), highlight=False)
    if found:
        raise typer.Exit(1)
    out.print("No conflicts.")


@agreements_app.command("terminate")
@command
def agreements_terminate(
    code: str, reason: Annotated[str, typer.Option(help="Why it ends.")], operator: OperatorOption
) -> None:
    """End an agreement; transfers decided under it stay decided."""
    from creditbank.apps.recognition.agreements import agreement_terminate

    agreement = agreement_terminate(actor=operator_user(operator), code=code, reason=reason)
    out.print(f"Terminated {agreement.code}", highlight=False)


standards_app = typer.Typer(
    help="Regional recognition standards and their harmonisation.", no_args_is_help=True
)


@standards_app.command("harmonise")
@command
def standards_harmonise(
    files: Annotated[list[Path], typer.Argument(help="One standard per region (YAML).")],
    out_file: Annotated[Path, typer.Option("--out", help="Where to write the unified standard (YAML).")],
    operator: OperatorOption,
    choices: Annotated[Path | None, typer.Option(help="The operator's choices per item (YAML).")] = None,
    code: Annotated[str, typer.Option(help="Code of the unified standard.")] = "GBA-UNIFIED",
    version: Annotated[str, typer.Option(help="Its version.")] = "1",
    title: Annotated[str, typer.Option(help="Its title.")] = "Unified recognition standard",
) -> None:
    """Align regional standards, classify each item (identical, compatible, conflicting, unique), apply
    the choices (retain, remove, supplement, adjust) and write the unified standard with a diff against
    each region. Exit 3 when a conflict still needs a choice (the file lists it under unresolved)."""
    import yaml

    from creditbank.apps.recognition.standards import standards_harmonise

    docs = [(f.name, yaml.safe_load(f.read_text(encoding="utf-8"))) for f in files]
    document = standards_harmonise(
        actor=operator_user(operator),
        docs=docs,
        choices=yaml.safe_load(choices.read_text(encoding="utf-8")) if choices else None,
        code=code,
        version=version,
        title=title,
    )
    out_file.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for item in document["items"]:
        d = item["decision"]
        verdict = f"{d['option']} ({d['reason']})" if d else "NEEDS A CHOICE: " + ", ".join(item["options"])
        out.print(f"{item['kind']:12} {item['item']}: {verdict}", markup=False)
    for region, diff in document["diffs"].items():
        summary = ", ".join(f"{len(v)} {k}" for k, v in diff.items())
        out.print(f"{region} against the unified standard: {summary}", markup=False)
    out.print(f"Wrote {out_file} ({len(document['rules'])} rules).", markup=False)
    if document["unresolved"]:
        raise typer.Exit(3)


@command
def audit_cohort(
    qualification: QualificationOption,
    operator: OperatorOption,
    institution: Annotated[str, typer.Option(help="The learners of this institution.")] = "",
    region: Annotated[str, typer.Option(help="Or the learners in this region (GD, HK, MO, CN, XX).")] = "",
    on: OnOption = "",
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write the CSV here (default: standard output).")
    ] = None,
    dask: Annotated[
        str,
        typer.Option(
            "--dask",
            help="Run on Dask: 'local' (a cluster of this machine's cores) or a scheduler's address "
            "(tcp://host:8786). Default: here, in this process.",
        ),
    ] = "",
    partition: Annotated[int, typer.Option("--partition", min=1, help="Learners per Dask task.")] = PARTITION,
) -> None:
    """Audit a cohort against a qualification here and now, with a progress bar; one CSV row per learner."""
    import csv
    import sys

    from rich.progress import Progress

    from creditbank.apps.batch import cohort_parts
    from creditbank.apps.recognition.cohorts import COLUMNS, cohort_define, cohort_rows

    job = cohort_define(  # not stored: run here and now
        actor=operator_user(operator),
        qualification=qualification,
        institution=institution,
        region=region,
        on=_on_date(on),
    )
    stream = out_file.open("w", encoding="utf-8", newline="") if out_file else sys.stdout
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("Auditing learners", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        if dask:
            for part in cohort_parts(job, dask, progress, partition):
                stream.write(part.csv)
        else:
            for row in cohort_rows(job, progress):
                writer.writerow(row)
    if out_file:
        stream.close()
        out.print(f"Wrote {out_file}", markup=False)


@standards_app.command("import")
@command
def standards_import(
    file: Annotated[Path, typer.Argument(help="A region's standard (YAML).")], operator: OperatorOption
) -> None:
    """Keep a region's standard as the next version of its code."""
    import yaml

    from creditbank.apps.recognition.standards import standard_import

    record = standard_import(
        actor=operator_user(operator), doc=yaml.safe_load(file.read_text(encoding="utf-8"))
    )
    out.print(f"Kept {record.code} version {record.version}", markup=False)


@standards_app.command("publish")
@command
def standards_publish(
    regional: Annotated[list[str], typer.Argument(help="Codes of the kept regional standards.")],
    operator: OperatorOption,
    choices: Annotated[Path | None, typer.Option(help="The operator's choices per item (YAML).")] = None,
    code: Annotated[str, typer.Option(help="Code of the unified standard.")] = "GBA-UNIFIED",
    title: Annotated[str, typer.Option(help="Its title.")] = "Unified recognition standard",
) -> None:
    """Harmonise kept regional standards and publish the next version of the unified standard."""
    import yaml

    from creditbank.apps.recognition.standards import standard_publish

    record = standard_publish(
        actor=operator_user(operator),
        regional=regional,
        choices=yaml.safe_load(choices.read_text(encoding="utf-8")) if choices else None,
        code=code,
        title=title,
    )
    out.print(
        f"Published {record.code} version {record.version} ({len(record.document['rules'])} rules)",
        markup=False,
    )


@rules_app.command("conflicts")
@command
def rules_conflicts(
    owner: Annotated[str, typer.Option(help="Only conflicts this institution's rules are part of.")] = "",
) -> None:
    """Rules in use that give the same learning different value (exit 1 if there are any)."""
    from django.utils.translation import gettext

    from creditbank.apps.recognition.agreements import conflicts_in_use

    found = conflicts_in_use(owner=owner)
    for c in found:
        out.print(c.reason.render(gettext), markup=False)
    if found:
        raise typer.Exit(1)
    out.print("No conflicts among the rules in use.")
