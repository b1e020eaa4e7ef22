"""`creditbank match`: job postings matched against the register, and skill suggestions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from creditbank.cli.common import (
    JsonOption,
    OperatorOption,
    command,
    operator_user,
    out,
    print_json,
    settings,
)

match_app = typer.Typer(help="Job postings matched against the register's skills.", no_args_is_help=True)
TABLES = (".csv", ".xlsx")


@match_app.command("posting")
@command
def match_posting(
    file: Annotated[
        Path, typer.Argument(help="A posting as a text file, or many as CSV/XLSX (title, text, …).")
    ],
    operator: OperatorOption,
    top: Annotated[int, typer.Option("--top", help="Units to show for each posting.")] = 5,
    as_json: JsonOption = False,
) -> None:
    """The skills a job posting asks for and the accredited units that teach them, with reasons."""
    from creditbank.apps.matching.api import match_out
    from creditbank.apps.matching.services import posting_match, postings_import
    from creditbank.core.errors import InvalidInput

    if not file.is_file():
        raise InvalidInput("There is no file %(file)s.", file=str(file))
    actor = operator_user(operator)
    if file.suffix.lower() in TABLES:
        found = postings_import(actor=actor, raw=file.read_bytes(), file_name=file.name)
    else:
        try:
            text = file.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput("The file %(file)s is not UTF-8 text.", file=str(file)) from None
        found = [posting_match(actor=actor, text=text, source="file")]
    results = [match_out(f) for f in found]
    if as_json:
        print_json(results if len(results) > 1 else results[0])
        return
    for result in results:
        _print(result, top)


def _print(result: dict[str, Any], top: int) -> None:
    zh = settings.lang.startswith("zh")
    out.print(f"# {result['title']} (posting {result['id']})", markup=False)
    if not result["skills"]:
        out.print("  no skill of the vocabulary found", markup=False)
    for s in result["skills"]:
        out.print(
            f"  skill  {s['label_zh'] if zh else s['label_en']}  ← “{s['evidence']}” ×{s['count']}",
            markup=False,
        )
    for u in result["units"][:top]:
        teaches = ", ".join(t["label_zh"] if zh else t["label_en"] for t in u["teaches"])
        title = u["title_zh"] if zh else u["title_en"]
        out.print(f"  {u['score']:.2f}  {u['code']} {title} ({u['owner']}, {u['framework']} {u['level']}) "
                  f"teaches: {teaches}", markup=False)  # fmt: skip


@match_app.command("suggest")
@command
def match_suggest(operator: OperatorOption, as_json: JsonOption = False) -> None:
    """Suggest skills for register entries that have none yet (entries registered before skills
    were shipped); entries already suggested or decided are left as they are."""
    from creditbank.apps.matching.services import unit_skills_backfill

    made = unit_skills_backfill(actor=operator_user(operator))
    if as_json:
        print_json({"suggestions": made})
        return
    out.print(f"{made:,} skill suggestions made.", markup=False)


@match_app.command("coverage")
@command
def match_coverage(
    institution: Annotated[
        str, typer.Option("--institution", help="The institution whose curriculum to read.")
    ],
    operator: OperatorOption,
    as_json: JsonOption = False,
) -> None:
    """An institution's curriculum against the skills job postings ask for (published ones)."""
    from creditbank.apps.matching.api import coverage_out
    from creditbank.apps.matching.services import curriculum_coverage

    result = coverage_out(curriculum_coverage(actor=operator_user(operator), institution_code=institution))
    if as_json:
        print_json(result)
        return
    zh = settings.lang.startswith("zh")
    out.print(f"{result['institution']}: {result['postings']} postings", markup=False)
    for kind in ("uncovered", "covered"):
        for d in result[kind]:
            label = d["label_zh"] if zh else d["label_en"]
            units = f" ({', '.join(d['units'])})" if d["units"] else ""
            out.print(f"  {kind:<9} {d['postings']:>4}  {label}{units}", markup=False)
