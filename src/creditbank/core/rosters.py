"""Collective registration (集体开户): an institution or enterprise lists its students or staff in a
file; each row names a person by their identity document. Every problem is reported per line, and
two lines for the same person are one problem, not two accounts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from creditbank.core.deposits import RowProblem
from creditbank.core.errors import DomainError, gettext_noop
from creditbank.core.identity import Identity, parse_identity

COLUMNS = ("full_name", "id_scheme", "id_number", "id_country", "region", "member_ref")
REQUIRED_COLUMNS = ("full_name", "id_scheme", "id_number", "region")
MAX_NAME = 200
MAX_REF = 64


@dataclass(frozen=True)
class RosterRow:
    line: int
    full_name: str
    identity: Identity
    region: str
    member_ref: str  # the person's number at the institution (student or staff number), if given


def missing_roster_columns(header: Iterable[str]) -> list[str]:
    present = set(header)
    return [c for c in REQUIRED_COLUMNS if c not in present]


def parse_roster_row(
    raw: Mapping[str, object], line: int, *, regions: Iterable[str], today: date
) -> RosterRow | RowProblem:
    value = {k: " ".join(str(v if v is not None else "").split()) for k, v in raw.items()}
    problems: list[str] = []
    name = value.get("full_name", "")
    if not name:
        problems.append(gettext_noop("full_name is empty"))
    elif len(name) > MAX_NAME:
        problems.append(gettext_noop("full_name is longer than 200 characters"))
    region = value.get("region", "").upper()
    if region not in set(regions):
        problems.append(gettext_noop("region must be GD, HK, MO, CN or XX"))
    member_ref = value.get("member_ref", "")
    if len(member_ref) > MAX_REF:
        problems.append(gettext_noop("member_ref is longer than 64 characters"))
    identity = None
    try:
        identity = parse_identity(
            value.get("id_scheme", ""),
            value.get("id_number", ""),
            country=value.get("id_country", ""),
            today=today,
        )
    except DomainError as exc:  # a bad number, or an unknown document type
        problems.append(exc.message)
    if problems or identity is None:
        return RowProblem(line, tuple(problems))
    return RosterRow(line, name, identity, region, member_ref)


def parse_roster(
    rows: Iterable[Mapping[str, object]], *, regions: Iterable[str], today: date, first_line: int = 2
) -> tuple[list[RosterRow], list[RowProblem]]:
    """The good rows and every problem; a person listed twice is a problem on the later line."""
    good: list[RosterRow] = []
    bad: list[RowProblem] = []
    seen: dict[bytes, int] = {}
    allowed = tuple(regions)
    for offset, raw in enumerate(rows):
        parsed = parse_roster_row(raw, first_line + offset, regions=allowed, today=today)
        if isinstance(parsed, RowProblem):
            bad.append(parsed)
            continue
        key = parsed.identity.canonical()
        if key in seen:
            # Like the deposits' "repeats line N": the line number is the point, so it stays literal.
            bad.append(RowProblem(parsed.line, (f"the same person as line {seen[key]}",)))
            continue
        seen[key] = parsed.line
        good.append(parsed)
    return good, bad
