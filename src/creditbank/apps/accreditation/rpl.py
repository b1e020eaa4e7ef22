"""Recognition of prior learning (RPL): a learner's claim that informal or non-formal learning meets
an accredited unit's outcomes, judged by an external panel; one appeal, to a different panel.
An approved claim becomes an informal outcome in the learner's account, deposited through the same
service as every other outcome."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from creditbank.apps.accounts.account_reviews import require_official
from creditbank.apps.accounts.learners import learner_of
from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.accreditation.models import AccreditationCase, CaseEvent, CaseEvidence
from creditbank.apps.accreditation.services import earlier_panel, new_case_ref
from creditbank.apps.register.models import Status
from creditbank.apps.register.services import entry_get
from creditbank.apps.scans import MAX_FILE_BYTES, SUFFIXES, sniff
from creditbank.core import accreditation as qa
from creditbank.core.errors import Conflict, InvalidInput, NotFound, gettext_noop

DOMAIN = "outcomes"  # an RPL claim is judged against the unit's learning outcomes as a whole
MAX_FILES = 5


@dataclass(frozen=True)
class Evidence:
    name: str
    content: bytes


def _check_evidence(files: Sequence[Evidence]) -> list[tuple[Evidence, str]]:
    if not files:
        raise InvalidInput(gettext_noop("Attach at least one evidence file (PDF, PNG or JPEG)."))
    if len(files) > MAX_FILES:
        raise InvalidInput(gettext_noop("Attach at most %(n)s evidence files."), n=MAX_FILES)
    checked = []
    for f in files:
        if len(f.content) > MAX_FILE_BYTES:
            raise InvalidInput(gettext_noop("%(name)s is larger than 10 MiB."), name=f.name)
        kind = sniff(f.content)
        if kind is None:
            raise InvalidInput(gettext_noop("%(name)s is not a PDF, PNG or JPEG file."), name=f.name)
        checked.append((f, kind))
    return checked


def _store_evidence(case: AccreditationCase, checked: list[tuple[Evidence, str]]) -> None:
    for f, kind in checked:
        record = CaseEvidence(
            case=case,
            original_name=f.name[:200],
            content_type=kind,
            size=len(f.content),
            sha256=hashlib.sha256(f.content).hexdigest(),
        )
        suffix = SUFFIXES[kind]
        record.file.save(f"{case.ref}-{record.sha256[:12]}{suffix}", ContentFile(f.content), save=False)
        record.save()


def _open_claim(
    actor: Any, unit_code: str, statement: str, files: Sequence[Evidence], appeal_of: AccreditationCase | None
) -> AccreditationCase:
    learner = learner_of(actor)
    require(actor, Action.CLAIM_RPL, learner_user_id=learner.user_id)
    require_official(learner)
    entry = entry_get(unit_code)
    if entry.status != Status.ACCREDITED:
        raise Conflict(
            gettext_noop("%(code)s is not accredited, so prior learning cannot be recognised against it."),
            code=entry.code,
        )
    if not statement.strip():
        raise InvalidInput(gettext_noop("Describe the learning and how it meets the unit's outcomes."))
    checked = _check_evidence(files)
    excluded = earlier_panel(appeal_of)
    core = qa.submit_self_assessment(
        qa.new_case(qa.Kind.RPL_CLAIM, (DOMAIN,), frozenset(), excluded), {DOMAIN: statement}
    )
    with transaction.atomic():
        case = AccreditationCase.objects.create(
            ref=new_case_ref(),
            kind=qa.Kind.RPL_CLAIM.value,
            entry=entry,
            learner=learner,
            appeal_of=appeal_of,
            framework=entry.framework,
            domains=[DOMAIN],
            stage=core.stage.value,
            self_assessment=dict(core.self_assessment),
        )
        _store_evidence(case, checked)
        CaseEvent.objects.create(
            case=case, actor=actor, action="appealed" if appeal_of else "claimed", detail={"unit": entry.code}
        )
        from creditbank.apps.awards.services import charge_create  # fees are the awards app's
        from creditbank.core.awards import FeeCode

        charge_create(
            learner=learner, institution=None,
            code=FeeCode.APPEAL if appeal_of else FeeCode.RPL_ASSESSMENT,
            description=f"{'Appeal' if appeal_of else 'Assessment'} of prior learning ({case.ref})",
            subject=f"rpl:{case.ref}",
        )  # fmt: skip
    return case


def rpl_claim(*, actor: Any, unit_code: str, statement: str, files: Sequence[Evidence]) -> AccreditationCase:
    """A learner claims that their prior learning meets an accredited unit's outcomes."""
    return _open_claim(actor, unit_code, statement, files, None)


def rpl_appeal(*, actor: Any, ref: str, statement: str, files: Sequence[Evidence]) -> AccreditationCase:
    """Appeal a decided claim once; a panel without the original reviewers hears it."""
    original = (
        AccreditationCase.objects.select_related("entry", "learner").filter(ref=ref.strip().upper()).first()
    )
    if original is None or original.learner is None or original.learner.user_id != getattr(actor, "pk", None):
        raise NotFound(gettext_noop("There is no accreditation case %(ref)s."), ref=ref)
    if original.stage != qa.Stage.DECIDED:
        raise Conflict(gettext_noop("A claim can be appealed once it is decided."))
    if original.appeal_of_id is not None or hasattr(original, "appeal"):
        raise Conflict(gettext_noop("This claim has already been appealed; an appeal is heard once."))
    from creditbank.apps.awards.service_times import appeal_window_check  # the bank's clocks
    from creditbank.core.service_times import Clock

    appeal_window_check(Clock.RPL_APPEAL, original.decided_at)
    return _open_claim(actor, original.entry.code, statement, files, original)  # type: ignore[union-attr]


def deposit_recognised(case: AccreditationCase, actor: Any) -> None:
    """An approved claim becomes an informal outcome of the unit in the learner's account; an
    approved appeal was upheld, so its fee is refunded."""
    from creditbank.apps.awards.services import charge_refund
    from creditbank.apps.deposits.services import deposit_batch

    if case.appeal_of_id is not None:
        charge_refund(f"rpl:{case.ref}", "appeal upheld")

    if case.entry is None or case.learner is None:
        raise Conflict(gettext_noop("Case %(ref)s has no unit or no learner to credit."), ref=case.ref)
    deposit_batch(
        actor=actor,
        rows=[
            {
                "learner_number": case.learner.public_id,
                "unit_code": case.entry.code,
                "achieved_on": timezone.localdate().isoformat(),
                "result": "recognised prior learning",
                "outcome_type": "informal",
                "evidence": f"RPL {case.ref}",
            }
        ],
        idempotency_key=f"rpl-{case.ref}",
        institution_code=case.entry.owner.code,
    )
