"""The bulk insert path (COPY on PostgreSQL, executemany on SQLite) stores exactly what the ORM
would, numbers rows after every earlier one, and refuses what the database refuses. Small inserts
go through Django's bulk_create; these tests insert enough rows to take the bulk path."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from creditbank.apps.awards.models import Holiday
from creditbank.apps.bulk import SMALL, bulk_insert, bulk_insert_rows
from creditbank.apps.deposits.models import ImportBatch, LearningOutcome
from creditbank.apps.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db
MANY = SMALL + 6


def holidays(count: int, first: date = date(2030, 1, 1)) -> list[dict[str, Any]]:
    return [{"day": first + timedelta(days=i), "name": f"假日 {i}"} for i in range(count)]


def test_rows_read_back_as_stored_and_numbers_follow_earlier_ones() -> None:
    Holiday.objects.create(day=date(2026, 1, 1), name="New Year")
    top = Holiday.objects.create(day=date(2026, 2, 17), name="Spring Festival").pk
    Holiday.objects.filter(pk=top).delete()  # a number once used is never given again
    with transaction.atomic():
        ids = bulk_insert_rows(Holiday, holidays(MANY))
    assert ids == list(range(top + 1, top + 1 + MANY))
    stored = list(Holiday.objects.filter(pk__in=ids).order_by("pk").values("day", "name"))
    assert stored == holidays(MANY)
    after = Holiday.objects.create(day=date(2026, 12, 25), name="Christmas")
    assert after.pk == ids[-1] + 1  # the ORM goes on after them


def test_json_and_automatic_times_round_trip(institutions: dict[str, Any]) -> None:
    before = timezone.now()
    batches = [
        ImportBatch(institution=institutions["own"], idempotency_key=f"k{i}", content_hash="h",
                    problems=[{"line": i, "problems": ["unit «X» unknown"]}])
        for i in range(MANY)
    ]  # fmt: skip
    with transaction.atomic():
        bulk_insert(batches)
    stored = ImportBatch.objects.get(pk=batches[-1].pk)
    assert stored.problems == [{"line": MANY - 1, "problems": ["unit «X» unknown"]}]
    assert before <= stored.created_at <= timezone.now()


def test_the_database_still_refuses_duplicates_and_nothing_is_kept() -> None:
    Holiday.objects.create(day=date(2030, 1, 5), name="taken")
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert_rows(Holiday, holidays(MANY))
    assert Holiday.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_only_inside_a_transaction() -> None:
    with pytest.raises(RuntimeError, match="inside the transaction"):
        bulk_insert_rows(LedgerEntry, [{"seq": None, "kind": "k", "subject": "", "body": "{}"}])


def test_decimals_keep_their_cents(bank: dict[str, Any], people: dict[str, Any]) -> None:
    from creditbank.apps.deposits.services import deposit_batch

    rows = [
        {"learner_number": bank["wong"].public_id, "unit_code": "U-101",
         "achieved_on": (date(2021, 1, 4) + timedelta(days=i)).isoformat(), "result": "A"}
        for i in range(MANY)
    ]  # fmt: skip
    deposit_batch(actor=people["operator"], rows=rows, idempotency_key="many", institution_code="sz-poly")
    credits = set(LearningOutcome.objects.values_list("credits", flat=True))
    assert credits == {Decimal("4.00")}  # U-101 carries 4 GD credits
    assert LedgerEntry.objects.filter(kind="outcome.deposited").count() == MANY
    # Their entries integrate into the tree (its nodes written in bulk too) and verify from scratch.
    from creditbank.apps.ledger.services import ledger_integrate
    from creditbank.apps.ledger.verify import ledger_verify

    assert ledger_integrate() >= MANY
    assert ledger_verify(actor=people["operator"]).ok


def test_a_large_mixed_batch_is_linked_and_stored_by_the_staged_path(
    bank: dict[str, Any], people: dict[str, Any]
) -> None:
    """Every decision of the staged path in one batch: learners by number and by identity document,
    refused rows, an outcome already held, a possible duplicate, a shared assessment and a type the
    bank reviews; the ledger says exactly what was stored, in the order it was stored."""
    from creditbank.apps.deposits.models import OutcomeStatus, ReviewPolicy
    from creditbank.apps.deposits.services import deposit_batch, deposit_one
    from creditbank.apps.ledger.services import ledger_integrate
    from creditbank.apps.ledger.verify import ledger_verify

    ReviewPolicy.objects.create(outcome_type="certificate", levels=1)
    wong, li = bank["wong"].public_id, bank["li"].public_id
    held = deposit_one(actor=people["institution"], row={
        "learner_number": wong, "unit_code": "U-102", "achieved_on": "2023-05-05", "result": "B"})  # fmt: skip
    by_identity = {"id_scheme": "passport", "id_number": "k1234567", "id_country": "gbr"}
    days = [(date(2021, 1, 4) + timedelta(days=i)).isoformat() for i in range(MANY)]
    rows: list[dict[str, Any]] = [
        {"learner_number": wong, "unit_code": "U-101", "achieved_on": d, "result": "A"} for d in days
    ]
    rows += [
        {**by_identity, "unit_code": "U-101", "achieved_on": "2022-02-02", "result": "pass",
         "outcome_type": "certificate", "assessment_ref": "EX-1"},
        {**by_identity, "unit_code": "U-102", "achieved_on": "2022-02-02", "result": "pass",
         "assessment_ref": "EX-1"},
        {"learner_number": wong, "unit_code": "U-102", "achieved_on": "2023-05-05", "result": "B"},
        {"learner_number": wong, "unit_code": "U-102", "achieved_on": "2023-06-06", "result": "A"},
        {"learner_number": wong, "unit_code": "U-DRAFT", "achieved_on": "2022-01-01", "result": "A"},
        {"learner_number": "LAAAAAAAAAA", "unit_code": "NOPE", "achieved_on": "2022-01-01", "result": "A"},
    ]  # fmt: skip
    done = deposit_batch(
        actor=people["institution"], rows=rows, idempotency_key="mixed", good_rows_only=True
    ).batch
    assert (done.created, done.already_present, done.rejected) == (MANY + 3, 1, 2)
    last = len(rows) + 1
    report = {p["line"]: p["problems"] for p in done.problems}
    assert report[last - 1] == ["U-DRAFT is not accredited, so it carries no credit"]
    assert report[last] == [
        "no lifelong learning account exists for this learner",
        "NOPE is not in the register",
    ]
    stored = LearningOutcome.objects.filter(batch=done)
    certificate = stored.get(outcome_type="certificate")
    assert (certificate.learner, certificate.status, certificate.awaiting_level) == (
        bank["li"], OutcomeStatus.PENDING, 1)  # fmt: skip
    assert certificate.assessment is not None
    assert certificate.assessment == stored.get(learner=bank["li"], entry__code="U-102").assessment
    assert certificate.assessment.held_on == date(2022, 2, 2)
    assert stored.get(entry__code="U-102", learner=bank["wong"]).possible_duplicate_of == held
    assert stored.filter(status=OutcomeStatus.RECORDED).count() == MANY + 2
    # One entry per stored outcome, numbered in the order the outcomes were stored.
    subjects = list(
        LedgerEntry.objects.filter(kind="outcome.deposited", subject__in=[f"outcome:{o.pk}" for o in stored])
        .order_by("pk")
        .values_list("subject", flat=True)
    )
    assert subjects == [f"outcome:{pk}" for pk in stored.order_by("pk").values_list("pk", flat=True)]
    assert ledger_integrate() >= MANY + 4
    assert ledger_verify(actor=people["operator"]).ok  # every outcome matches what its entry says
    assert li in {o.learner.public_id for o in stored}
