"""`creditbank synth`: a synthetic bank generated straight into the database through the same
services and rules as real data — institutions and their register through the register service,
learner accounts in bulk (identity encrypted and indexed as any account), outcomes through
``deposit_batch`` one institution and block at a time, each batch idempotent.

Resumable: a block whose accounts exist is not opened again and a batch already stored is a replay,
so a run that was stopped (even killed) and started again ends with every row stored once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from creditbank.apps.accounts import crypto
from creditbank.apps.accounts.institutions import institution_alliance, institution_register
from creditbank.apps.accounts.learners import ID_FIELD, identity_index
from creditbank.apps.accounts.models import AccountStatus, Institution, Learner
from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.bulk import bulk_insert_rows
from creditbank.apps.deposits.services import deposit_batch
from creditbank.apps.lookups import chunked
from creditbank.apps.recognition.services import policy_set, rule_publish
from creditbank.apps.register.models import RegisterEntry
from creditbank.apps.register.services import entries_import, entry_record_accreditation
from creditbank.core import synth
from creditbank.core.errors import InvalidInput, gettext_noop
from creditbank.core.identity import parse_identity

PROGRAMME_POLICY = "GD-2025-HE"  # Guangdong's caps on transferred credit
Progress = Callable[[int, int], None]  # blocks done, blocks in all


@dataclass
class Synthesised:
    institutions: int = 0
    units: int = 0
    learners_opened: int = 0
    learners_found: int = 0
    outcomes_stored: int = 0
    rows_refused: int = 0
    rows_already_present: int = 0
    batches_replayed: int = 0
    blocks: list[int] = field(default_factory=list)


def synth_run(
    *, actor: Any, learners: int, outcomes: int, seed: int = 1, progress: Progress | None = None,
    max_blocks: int | None = None,
) -> Synthesised:  # fmt: skip
    """Generate (or complete) the synthetic bank for these sizes and seed."""
    require(actor, Action.MANAGE_INSTITUTIONS)
    if learners < 1 or outcomes < 0:
        raise InvalidInput(gettext_noop("Give at least one learner and zero or more outcomes."))
    report = Synthesised()
    catalogue = synth.bank(seed, learners)
    _register(actor, catalogue, report)
    _programmes(actor, catalogue)
    total = synth.blocks(learners)
    for block in range(total if max_blocks is None else min(total, max_blocks)):
        numbers = _open_learners(actor, synth.people(seed, block, learners), report)
        by_institution: dict[str, list[dict[str, str]]] = {}
        for row in synth.outcomes(seed, block, learners, outcomes, catalogue):
            by_institution.setdefault(row.institution, []).append(
                {"learner_number": numbers.get(row.learner_number, row.learner_number), "unit_code": row.unit_code,
                 "achieved_on": row.achieved_on, "result": row.result, "outcome_type": row.outcome_type}
            )  # fmt: skip
        for code, rows in by_institution.items():
            done = deposit_batch(
                actor=actor, rows=rows, idempotency_key=f"synth:{seed}:{block}:{code}", institution_code=code,
                good_rows_only=True, file_name=f"synth block {block}",
            )  # fmt: skip
            report.batches_replayed += done.replayed
            if not done.replayed:
                report.outcomes_stored += done.batch.created
                report.rows_refused += done.batch.rejected
                report.rows_already_present += done.batch.already_present
        report.blocks.append(block)
        if progress is not None:
            progress(block + 1, total)
    return report


def _register(actor: Any, catalogue: synth.Bank, report: Synthesised) -> None:
    """Institutions and their accredited units, made once; later runs find them."""
    existing = set(Institution.objects.filter(code__startswith="syn-").values_list("code", flat=True))
    for i in catalogue.institutions:
        if i.code in existing:
            continue
        with transaction.atomic():  # admitted to the alliance as any member is: a ledger entry says when
            institution_register(
                actor=actor,
                code=i.code,
                name_en=i.name_en,
                name_zh=i.name_zh,
                kind=i.kind,
                region=i.region,
                city=i.city,
                uscc=i.uscc,
            )
            institution_alliance(actor=actor, code=i.code, joined=synth.FIRST_DAY, left=None)
    report.institutions = len(catalogue.institutions)
    registered = set(RegisterEntry.objects.filter(code__startswith="SYN").values_list("code", flat=True))
    by_owner: dict[str, list[synth.Unit]] = {}
    for unit in catalogue.units:
        if unit.code not in registered:
            by_owner.setdefault(unit.owner, []).append(unit)
    for owner, units in by_owner.items():
        with transaction.atomic():  # an owner's units are registered and accredited together
            entries_import(actor=actor, docs=[u.as_register_doc() for u in units], owner_code=owner)
            for unit in units:
                entry_record_accreditation(
                    actor=actor, code=unit.code, accredited_on=synth.FIRST_DAY, next_review_on=None,
                    note="Synthetic bank (creditbank synth).",
                )  # fmt: skip
    report.units = len(catalogue.units)


def _programmes(actor: Any, catalogue: synth.Bank) -> None:
    """The diplomas that cohort audits and transfer proposals measure, with their rules and caps;
    made once, with the register, before any learner."""
    owner, qualifications, rules = synth.programmes(catalogue)
    if RegisterEntry.objects.filter(code=qualifications[0]["code"]).exists():
        return
    with transaction.atomic():
        entries_import(actor=actor, docs=qualifications, owner_code=owner)
        for doc in qualifications:
            entry_record_accreditation(
                actor=actor, code=doc["code"], accredited_on=synth.FIRST_DAY, next_review_on=None,
                note="Synthetic bank (creditbank synth).",
            )  # fmt: skip
            policy_set(actor=actor, qualification=doc["code"], preset=PROGRAMME_POLICY)
        for rule in rules:
            rule_publish(actor=actor, doc=rule, owner_code=owner)


def _open_learners(actor: Any, people: list[synth.Person], report: Synthesised) -> dict[str, str]:
    """Open the block's accounts that do not exist yet; a person who already has an account (found
    by identity, as at any counter) keeps it. Returns synthetic number → the account's number."""
    indexed = [(p, identity_index(parse_identity(p.id_scheme, p.id_number))) for p in people]
    found: dict[str, str] = {}
    for chunk in chunked([index for _p, index in indexed]):
        found.update(Learner.objects.filter(id_index__in=chunk).values_list("id_index", "public_id"))
    fresh = [(p, index) for p, index in indexed if index not in found]
    now = timezone.now()
    rows = [
        {"public_id": p.number, "user_id": None, "full_name": p.full_name, "id_scheme": p.id_scheme,
         "id_country": "", "id_number_encrypted": crypto.encrypt(p.id_number, field=ID_FIELD), "id_index": index,
         "region": p.region, "opened_by_id": getattr(actor, "pk", None), "opened_at_institution_id": None,
         "created_at": now, "status": AccountStatus.OFFICIAL, "awaiting_level": None, "status_reason": "",
         "review_unit_id": None}
        for p, index in fresh
    ]  # fmt: skip
    with transaction.atomic():
        bulk_insert_rows(Learner, rows)
    report.learners_opened += len(rows)
    report.learners_found += len(people) - len(rows)
    return {p.number: found[index] for p, index in indexed if index in found}
