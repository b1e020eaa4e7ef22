"""The set-based half of a deposit: parsed rows go into a staging table (``COPY`` on PostgreSQL, one
``executemany`` on SQLite) and a few statements link them to learners and register entries, decide
which rows the bank cannot take, find those it already holds, and store the rest with their
assessments, all inside the deposit's transaction. The same statements run on both databases, so
every deposit (one outcome from a form or a million from a feed) is decided by this one path.

Why SQL and not Python for this half: linking rows to learners and checking for outcomes already
held are joins, which the database does over the whole batch at once; done row by row in Python they
made model objects for every learner and outcome and were most of a deposit's time.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, models

from creditbank.apps.accounts.learners import identity_index
from creditbank.apps.accounts.models import Institution, Learner
from creditbank.apps.bulk import copy_rows
from creditbank.apps.deposits.models import STANDING, Assessment, LearningOutcome, OutcomeStatus
from creditbank.apps.register.models import RegisterEntry, Status
from creditbank.core import deposits as core

ROWS = "deposit_rows"  # the parsed rows as they came
STAGE = "deposit_stage"  # the same rows linked, with what stops the bank from taking each
# The staged columns and their types, in the order ``_staged`` writes them.
_STAGED = {
    "line": "integer PRIMARY KEY",
    "learner_number": "varchar(16)",
    "id_index": "varchar(64)",
    "unit_code": "varchar(40)",
    "achieved_on": "date",
    "result": "varchar(500)",
    "outcome_type": "varchar(16)",
    "evidence": "varchar(500)",
    "assessment_ref": "varchar(80)",
}


class Problem(enum.StrEnum):
    """Why the bank cannot take a row, once it is linked (the words are the service's)."""

    UNREGISTERED = "unregistered"
    NOT_OWN = "not_own"
    UNACCREDITED = "unaccredited"
    NOT_VALID_ON = "not_valid_on"


@dataclass(frozen=True)
class Refused:
    line: int
    no_learner: bool
    problem: Problem | None
    unit_code: str
    achieved_on: date | str
    owner_code: str


@dataclass(frozen=True)
class Counts:
    takeable: int  # rows with a learner and an entry the depositor may use
    present: int  # of those, outcomes the bank already holds


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _standing() -> str:
    return ", ".join(f"'{s}'" for s in STANDING)


def _takeable(alias: str) -> str:
    """Rows the bank can take: a learner found and nothing wrong with the unit."""
    return f"{alias}.problem = '' AND {alias}.learner_id IS NOT NULL"


def stage(rows: Sequence[core.DepositRow]) -> None:
    """Create the table of parsed rows (dropped with the transaction's work) and load them into it."""
    drop()
    with connection.cursor() as cursor:
        columns = ", ".join(f"{name} {kind}" for name, kind in _STAGED.items())
        cursor.execute(f"CREATE TEMPORARY TABLE {ROWS} ({columns})")
    day = (lambda d: d) if connection.vendor == "postgresql" else date.isoformat
    copy_rows(ROWS, list(_STAGED), (_staged(row, day) for row in rows))
    _analyse(ROWS)


def _analyse(table: str) -> None:
    # Nothing vacuums or analyses PostgreSQL's temporary tables: without row counts its planner
    # would take a batch of a million rows for a handful and probe the outcomes row by row.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")


def _staged(row: core.DepositRow, day: Any) -> tuple[Any, ...]:
    identity = row.learner.identity
    return (
        row.line,
        row.learner.number,
        identity_index(identity) if identity is not None else None,
        row.unit_code,
        day(row.achieved_on),
        row.result,
        row.outcome_type.value,
        row.evidence,
        row.assessment_ref,
    )


def link(institution: Institution) -> None:
    """In one statement: find each row's learner (by number or identity document) and the newest
    version of its unit, name what stops the bank from taking it, mark the outcomes the bank
    already holds and, for the others, the latest outcome of the same learner and unit (a possible
    duplicate)."""
    learners, entries, outcomes = _table(Learner), _table(RegisterEntry), _table(LearningOutcome)
    standing = f"IN ({_standing()})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGE} AS WITH linked AS ("  # noqa: S608 (names from the models)
            " SELECT r.*, COALESCE(n.id, d.id) AS learner_id, e.id AS entry_id, CASE"
            f"  WHEN e.id IS NULL THEN '{Problem.UNREGISTERED}'"
            f"  WHEN e.owner_id <> %s THEN '{Problem.NOT_OWN}'"
            f"  WHEN e.status <> %s THEN '{Problem.UNACCREDITED}'"
            "  WHEN r.achieved_on < e.valid_from OR r.achieved_on > e.valid_to"
            f"  THEN '{Problem.NOT_VALID_ON}' ELSE '' END AS problem"
            f" FROM {ROWS} r"
            f" LEFT JOIN {learners} n ON n.public_id = r.learner_number"
            f" LEFT JOIN {learners} d ON d.id_index = r.id_index"
            f" LEFT JOIN {entries} e ON e.code = r.unit_code"
            f"  AND e.version = (SELECT MAX(v.version) FROM {entries} v WHERE v.code = r.unit_code))"
            # Correlated subqueries, not joins: each row looks up its own learner's outcomes by
            # index (SQLite joined the other way round, scanning the batch for every outcome).
            # A scalar subquery with LIMIT, not EXISTS: PostgreSQL may run an EXISTS as one hashed
            # scan of every standing outcome (1.7 s a batch at 1.75 M outcomes, against 18 ms).
            f" SELECT x.*, CASE WHEN (SELECT 1 FROM {outcomes} p WHERE p.learner_id = x.learner_id"
            f"  AND p.entry_id = x.entry_id AND p.achieved_on = x.achieved_on AND p.status {standing}"
            "  LIMIT 1) IS NULL THEN 0 ELSE 1 END AS present,"
            # The unary + keeps SQLite from reading by unit (thousands of outcomes) over learner.
            f" (SELECT MAX(o.id) FROM {outcomes} o WHERE o.learner_id = x.learner_id"
            f"  AND +o.entry_id = x.entry_id AND o.status {standing}) AS duplicate_of"
            " FROM linked x",
            [institution.pk, Status.ACCREDITED],
        )
    _analyse(STAGE)


def refused() -> Iterator[Refused]:
    """The rows the bank cannot take, in line order, with what the words about them need."""
    entries, institutions = _table(RegisterEntry), _table(Institution)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.line, s.learner_id IS NULL, s.problem, s.unit_code, s.achieved_on, i.code"  # noqa: S608
            f" FROM {STAGE} s LEFT JOIN {entries} e ON e.id = s.entry_id"
            f" LEFT JOIN {institutions} i ON i.id = e.owner_id"
            " WHERE s.learner_id IS NULL OR s.problem <> '' ORDER BY s.line"
        )
        for line, no_learner, problem, unit, achieved_on, owner in cursor.fetchall():
            yield Refused(
                line, bool(no_learner), Problem(problem) if problem else None, unit, achieved_on, owner or ""
            )


def counts() -> Counts:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), COALESCE(SUM(s.present), 0) FROM {STAGE} s WHERE {_takeable('s')}"  # noqa: S608
        )
        takeable, present = cursor.fetchone()
    return Counts(int(takeable), int(present))


def store(
    *, institution: Institution, batch_id: int, person_id: int | None, reviewed: Sequence[str], at: Any
) -> int:
    """Store the new outcomes (and the assessments they name) from the staged rows; returns how many.
    ``reviewed``: the outcome types that wait for review before they count."""
    fresh = f"{_takeable('s')} AND s.present = 0"
    assessments, outcomes, entries = _table(Assessment), _table(LearningOutcome), _table(RegisterEntry)
    # The assessment is held on the date of its first row, as when rows are deposited one by one.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {assessments} (institution_id, learner_id, reference, held_on)"  # noqa: S608
            f" SELECT %s, s.learner_id, s.assessment_ref, s.achieved_on FROM {STAGE} s"
            f" WHERE {fresh} AND s.assessment_ref <> '' AND s.line = ("
            f"  SELECT MIN(f.line) FROM {STAGE} f WHERE f.learner_id = s.learner_id"
            f"   AND f.assessment_ref = s.assessment_ref AND {_takeable('f')} AND f.present = 0)"
            f" AND NOT EXISTS (SELECT 1 FROM {assessments} a WHERE a.institution_id = %s"
            "  AND a.learner_id = s.learner_id AND a.reference = s.assessment_ref)",
            [institution.pk, institution.pk],
        )
        kinds = ", ".join(["%s"] * len(reviewed)) or "NULL"
        waiting = f"s.outcome_type IN ({kinds})"
        cursor.execute(
            f"INSERT INTO {outcomes} (learner_id, entry_id, institution_id, outcome_type, achieved_on,"  # noqa: S608
            " result, evidence, assessment_id, framework, level_id, level_rank, credits, credit_system,"
            " status, status_reason, supersedes_id, possible_duplicate_of_id, batch_id, deposited_by_id,"
            " deposited_at, awaiting_level)"
            " SELECT s.learner_id, s.entry_id, %s, s.outcome_type, s.achieved_on, s.result, s.evidence,"
            " a.id, e.framework, e.level_id, e.level_rank, e.credits, e.credit_system,"
            f" CASE WHEN {waiting} THEN %s ELSE %s END, '', NULL, s.duplicate_of, %s, %s, %s,"
            f" CASE WHEN {waiting} THEN 1 ELSE NULL END"
            f" FROM {STAGE} s JOIN {entries} e ON e.id = s.entry_id"
            f" LEFT JOIN {assessments} a ON a.institution_id = %s AND a.learner_id = s.learner_id"
            "  AND a.reference = s.assessment_ref"
            f" WHERE {fresh} ORDER BY s.line",
            [
                institution.pk,
                *reviewed,
                OutcomeStatus.PENDING,
                OutcomeStatus.RECORDED,
                batch_id,
                person_id,
                connection.ops.adapt_datetimefield_value(at),
                *reviewed,
                institution.pk,
            ],
        )
        return int(cursor.rowcount)


def drop() -> None:
    """Drop the staging tables with the transaction's work (a temporary table lives as long as its
    connection; a rolled-back deposit leaves none, but a test's open transaction would)."""
    with connection.cursor() as cursor:
        for table in (ROWS, STAGE):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
