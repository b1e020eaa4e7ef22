"""Deposits of learning outcomes (学习成果存入): one row's meaning, checked without any lookup.

A deposit row names a learner (by learner number, or by identity document), a register entry,
the date it was achieved, the result, the kind of learning, evidence and, for one assessment that
grants several certificates (一考多证), the assessment's reference. Rows come from a form, the API
or a CSV/XLSX file; all of them go through ``parse_row``, which returns either a row or every
problem with it. Lookups (does the learner exist, is the unit accredited) happen in the service.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from creditbank.core.errors import DomainError, gettext_noop
from creditbank.core.identity import Identity, parse_identity

COLUMNS = (
    "learner_number",
    "id_scheme",
    "id_number",
    "id_country",
    "unit_code",
    "achieved_on",
    "result",
    "outcome_type",
    "evidence",
    "assessment_ref",
)
REQUIRED_COLUMNS = ("unit_code", "achieved_on", "result")
_LEARNER_NUMBER = re.compile(r"^L[A-Z0-9]{10}$")
MAX_TEXT = 500


class OutcomeType(enum.StrEnum):
    FORMAL = "formal"  # a course or qualification of a formal programme
    NON_FORMAL = "non_formal"  # training completed outside a formal programme
    CERTIFICATE = "certificate"  # a vocational, 1+X or skill-level certificate
    INFORMAL = "informal"  # learning recognised through RPL

    @property
    def label(self) -> str:
        return TYPE_LABELS[self]


TYPE_LABELS = {
    OutcomeType.FORMAL: gettext_noop("formal learning"),
    OutcomeType.NON_FORMAL: gettext_noop("non-formal learning"),
    OutcomeType.CERTIFICATE: gettext_noop("certificate"),
    OutcomeType.INFORMAL: gettext_noop("informal learning (RPL)"),
}


@dataclass(frozen=True, slots=True)
class LearnerRef:
    """Either a learner number or an identity document; exactly one."""

    number: str | None = None
    identity: Identity | None = None


@dataclass(frozen=True, slots=True)
class DepositRow:
    line: int
    learner: LearnerRef
    unit_code: str
    achieved_on: date
    result: str
    outcome_type: OutcomeType
    evidence: str = ""
    assessment_ref: str = ""

    @property
    def learner_key(self) -> str:
        ref = self.learner
        return ref.number if ref.number else ref.identity.canonical().decode()  # type: ignore[union-attr]


@dataclass(frozen=True, slots=True)
class RowProblem:
    line: int
    problems: tuple[str, ...]


def missing_columns(header: tuple[str, ...]) -> list[str]:
    """Columns a file must have: the required ones, and a way to name the learner."""
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if "learner_number" not in header and not {"id_scheme", "id_number"} <= set(header):
        missing.append("learner_number (or id_scheme and id_number)")
    return missing


def parse_row(raw: Mapping[str, object], line: int, *, today: date) -> DepositRow | RowProblem:
    """Every problem of one row, in words a clerk can act on; or the row."""
    value = {k: " ".join(str(v if v is not None else "").split()) for k, v in raw.items()}
    problems: list[str] = []
    learner = _learner(value, problems)
    unit = value.get("unit_code", "").upper()
    if not unit:
        problems.append(gettext_noop("unit_code is empty"))
    achieved = None
    raw_date = value.get("achieved_on", "")
    try:
        achieved = date.fromisoformat(raw_date.replace("/", "-"))
    except ValueError:
        problems.append(gettext_noop("achieved_on is not a date (YYYY-MM-DD)"))
    else:
        if achieved > today:
            problems.append(gettext_noop("achieved_on is in the future"))
    result = value.get("result", "")
    if not result:
        problems.append(gettext_noop("result is empty (a grade, a mark, or 'pass')"))
    raw_type = value.get("outcome_type", "") or OutcomeType.FORMAL.value
    try:
        kind = OutcomeType(raw_type.lower())
    except ValueError:
        problems.append(gettext_noop("outcome_type must be formal, non_formal, certificate or informal"))
        kind = OutcomeType.FORMAL
    for field in ("result", "evidence", "assessment_ref"):
        if len(value.get(field, "")) > MAX_TEXT:
            problems.append(gettext_noop("a text field is longer than 500 characters"))
            break
    if problems or learner is None or achieved is None:
        return RowProblem(line, tuple(problems))
    return DepositRow(
        line,
        learner,
        unit,
        achieved,
        result,
        kind,
        value.get("evidence", ""),
        value.get("assessment_ref", ""),
    )


def _learner(value: Mapping[str, str], problems: list[str]) -> LearnerRef | None:
    number = value.get("learner_number", "").upper()
    scheme, id_number = value.get("id_scheme", ""), value.get("id_number", "")
    if number and (scheme or id_number):
        problems.append(gettext_noop("give either learner_number or an identity document, not both"))
        return None
    if number:
        if not _LEARNER_NUMBER.match(number):
            problems.append(gettext_noop("learner_number looks wrong (an L and ten letters or digits)"))
            return None
        return LearnerRef(number=number)
    if not (scheme and id_number):
        problems.append(gettext_noop("the learner is not named (learner_number, or id_scheme and id_number)"))
        return None
    try:
        return LearnerRef(identity=parse_identity(scheme, id_number, country=value.get("id_country", "")))
    except DomainError as exc:  # a bad number, or an unknown document type
        problems.append(exc.message)
    return None


def repeated_in_batch(rows: list[DepositRow]) -> dict[int, int]:
    """Rows that repeat an earlier row of the same batch (same learner, unit and date): line -> first line."""
    first: dict[tuple[str, str, date], int] = {}
    repeats = {}
    for row in rows:
        key = (row.learner_key, row.unit_code, row.achieved_on)
        if key in first:
            repeats[row.line] = first[key]
        else:
            first[key] = row.line
    return repeats
