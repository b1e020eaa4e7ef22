"""Writes for accreditation: each service loads the case, applies the core transition, stores the
result and a timeline event in one transaction (the case row locked), and returns the case."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from creditbank.apps.accounts.institutions import institution_code_of
from creditbank.apps.accounts.models import Institution, Role, User
from creditbank.apps.accounts.permissions import Action, allowed, require
from creditbank.apps.accreditation.models import (
    AccreditationCase,
    CaseEvent,
    CaseReview,
    CaseSignOff,
    PanelMember,
)
from creditbank.apps.frameworks.selectors import registry
from creditbank.apps.ledger.services import Event, ledger_append
from creditbank.apps.register.models import RegisterEntry, Status
from creditbank.apps.register.services import entry_get
from creditbank.core import accreditation as qa
from creditbank.core.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    gettext_noop,
)

OVERALL = ("overall",)  # for frameworks that publish no descriptor domains


def new_case_ref() -> str:
    return "AC-" + "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(8))


def _submitters(case: AccreditationCase) -> frozenset[str]:
    codes = {p.code for p in case.partners.all()}
    if case.submitter_id:
        codes.add(case.submitter.code)  # type: ignore[union-attr]
    return frozenset(codes)


def to_core(case: AccreditationCase) -> qa.Case:
    """The stored case as the core sees it."""
    return qa.Case(
        kind=qa.Kind(case.kind),
        domains=tuple(case.domains),
        submitters=_submitters(case),
        stage=qa.Stage(case.stage),
        self_assessment=dict(case.self_assessment),
        reviewers={
            m.reviewer.username: (m.home_institution.code if m.home_institution else None)
            for m in case.panel.all()
        },
        reviews={
            r.reviewer.username: qa.Review(
                r.reviewer.username, r.scores, r.findings, qa.Outcome(r.recommendation)
            )
            for r in case.reviews.all()
        },
        signoffs=tuple(qa.SignOff(s.name, s.organisation, s.statement) for s in case.signoffs.all()),
        excluded_reviewers=earlier_panel(case.appeal_of),
    )


def earlier_panel(original: AccreditationCase | None) -> frozenset[str]:
    """Who judged the case being appealed: none of them may hear the appeal."""
    if original is None:
        return frozenset()
    return frozenset(m.reviewer.username for m in original.panel.select_related("reviewer"))


def case_get(ref: str, *, for_update: bool = False) -> AccreditationCase:
    cases = AccreditationCase.objects.select_related("entry", "submitter", "learner", "appeal_of")
    # Lock the case row only: PostgreSQL cannot lock the nullable side of the joined rows.
    case = (
        (cases.select_for_update(of=("self",)) if for_update else cases)
        .filter(ref=ref.strip().upper())
        .first()
    )
    if case is None:
        raise NotFound(gettext_noop("There is no accreditation case %(ref)s."), ref=ref)
    return case


def case_visible(actor: Any, case: AccreditationCase) -> bool:
    role = getattr(actor, "role", None)
    if role == Role.OPERATOR:
        return True
    if role == Role.INSTITUTION:
        return institution_code_of(actor) in _submitters(case)
    if role == Role.ASSESSOR:
        return case.panel.filter(reviewer_id=actor.pk).exists()
    if role == Role.LEARNER:
        return case.learner is not None and case.learner.user_id == actor.pk
    return False


def _log(case: AccreditationCase, actor: Any, action: str, **detail: Any) -> None:
    CaseEvent.objects.create(
        case=case, actor=actor if isinstance(actor, User) else None, action=action, detail=detail
    )


def case_open(
    *,
    actor: Any,
    entry_code: str,
    kind: str = qa.Kind.NEW_ENTRY,
    partners: Sequence[str] = (),
    target_framework: str = "",
    target_level: str = "",
) -> AccreditationCase:
    """Open a case for a draft register entry (or one not accredited before); the entry goes into
    review. A programme alignment instead takes an accredited programme and a proposed level of
    another framework, and leaves the programme as it is."""
    entry = entry_get(entry_code)
    require(actor, Action.OPEN_CASE, institution_id=entry.owner_id)
    if kind == qa.Kind.PROGRAMME_ALIGNMENT:
        return _open_alignment(actor, entry, target_framework, target_level)
    if entry.status not in (Status.DRAFT, Status.REJECTED):
        raise Conflict(
            gettext_noop("Entry %(code)s is %(status)s; only drafts go to accreditation."),
            code=entry.code,
            status=entry.get_status_display(),  # translated when the message is rendered
        )
    try:
        case_kind = qa.Kind(kind)
    except ValueError:
        raise InvalidInput(gettext_noop("Unknown case kind %(kind)s."), kind=kind) from None
    partner_rows = list(Institution.objects.filter(code__in=partners))
    if len(partner_rows) != len(set(partners)):
        raise NotFound(
            gettext_noop("Unknown partner institution among %(codes)s."), codes=", ".join(partners)
        )
    if case_kind is qa.Kind.COOPERATION_PROGRAMME and not partner_rows:
        raise InvalidInput(gettext_noop("A cooperation programme names its partner institutions."))
    framework = registry().framework(entry.framework)
    domains = tuple(d.key for d in framework.domains) or OVERALL
    qa.new_case(case_kind, domains, frozenset({entry.owner.code, *(p.code for p in partner_rows)}))
    with transaction.atomic():
        case = AccreditationCase.objects.create(
            ref=new_case_ref(),
            kind=case_kind.value,
            entry=entry,
            submitter=entry.owner,
            framework=framework.code,
            domains=list(domains),
            stage=qa.Stage.SELF_ASSESSMENT.value,
        )
        case.partners.set(partner_rows)
        RegisterEntry.objects.filter(pk=entry.pk).update(status=Status.IN_REVIEW)
        _log(case, actor, "opened", entry=entry.code, kind=case_kind.value)
    return case


def _open_alignment(
    actor: Any, entry: RegisterEntry, target_framework: str, target_level: str
) -> AccreditationCase:
    if entry.status != Status.ACCREDITED:
        raise Conflict(gettext_noop("Only an accredited programme can be aligned with another framework."))
    reg = registry()
    target = reg.framework(target_framework)
    if target.code == entry.framework:
        raise InvalidInput(gettext_noop("Choose a framework other than the programme's own."))
    level = target.level(target_level)
    domains = tuple(d.key for d in target.domains) or OVERALL
    qa.new_case(qa.Kind.PROGRAMME_ALIGNMENT, domains, frozenset({entry.owner.code}))
    with transaction.atomic():
        case = AccreditationCase.objects.create(
            ref=new_case_ref(),
            kind=qa.Kind.PROGRAMME_ALIGNMENT.value,
            entry=entry,
            submitter=entry.owner,
            framework=target.code,  # judged against the target framework's descriptors
            target_framework=target.code,
            target_level_id=level.id,
            domains=list(domains),
            stage=qa.Stage.SELF_ASSESSMENT.value,
        )
        _log(case, actor, "opened", entry=entry.code, kind=qa.Kind.PROGRAMME_ALIGNMENT.value, target=level.id)
    return case


def _record_alignment(case: AccreditationCase, level_id: str) -> None:
    """An approved alignment joins the referencing graph as a programme-scoped edge."""
    from creditbank.apps.frameworks.services import correspondence_store

    entry = case.entry
    assert entry is not None  # alignment cases always have their programme
    owner = entry.owner
    scope = {
        "en": f"Only the programme {entry.code} {entry.title_en} of {owner.name_en}, as decided in case {case.ref}.",
        "zh_hans": f"仅适用于{owner.name_zh}的课程 {entry.code}「{entry.title_zh}」（认证个案 {case.ref}）。",
        "zh_hant": f"僅適用於{owner.name_zh}的課程 {entry.code}「{entry.title_zh}」（評審個案 {case.ref}）。",
    }
    document = {
        "id": f"PA-{case.ref}",
        "kind": "programme_alignment",
        "from": {"framework": entry.framework, "levels": [entry.level_id]},
        "to": {"framework": case.target_framework, "levels": [level_id]},
        "relation": "equivalent",
        "basis": "accreditation_decision",
        "decided": timezone.localdate().isoformat(),
        "symmetric": False,
        "scope": scope,
        "sources": [f"creditbank accreditation case {case.ref}"],
        "confidence": "high",
    }
    correspondence_store(document, "programme_alignment", entry.framework, case.target_framework)


def _transition(actor: Any, ref: str, action: Action, step: Any) -> AccreditationCase:
    require(actor, action)  # the role first: 403 for roles that never may
    with transaction.atomic():
        case = case_get(ref, for_update=True)
        if not case_visible(actor, case):  # 404 for a case this person may not know of
            raise NotFound(gettext_noop("There is no accreditation case %(ref)s."), ref=ref)
        require(actor, action, institution_id=case.submitter_id if action is Action.SELF_ASSESS else None)
        step(case, to_core(case))
        case.save()
    return case


def case_self_assess(*, actor: Any, ref: str, findings: Mapping[str, str]) -> AccreditationCase:
    def step(case: AccreditationCase, core: qa.Case) -> None:
        done = qa.submit_self_assessment(core, findings)
        case.self_assessment = dict(done.self_assessment)
        case.stage = done.stage.value
        _log(case, actor, "self_assessed")

    return _transition(actor, ref, Action.SELF_ASSESS, step)


def case_assign(*, actor: Any, ref: str, reviewers: Sequence[str]) -> AccreditationCase:
    """Assign assessors (by username) to the external panel."""
    people = list(
        User.objects.select_related("institution").filter(username__in=reviewers, role=Role.ASSESSOR)
    )
    unknown = sorted(set(reviewers) - {p.username for p in people})
    if unknown:
        raise NotFound(gettext_noop("These are not assessors: %(names)s."), names=", ".join(unknown))

    def step(case: AccreditationCase, core: qa.Case) -> None:
        new = {p.username: (p.institution.code if p.institution else None) for p in people}
        qa.assign_reviewers(core, new)
        for p in people:
            PanelMember.objects.get_or_create(
                case=case, reviewer=p, defaults={"home_institution": p.institution}
            )
        _log(case, actor, "panel_assigned", reviewers=sorted(new))

    return _transition(actor, ref, Action.RUN_CASE, step)


def case_review(
    *, actor: Any, ref: str, scores: Mapping[str, Any], findings: str, recommendation: str
) -> AccreditationCase:
    try:
        parsed = {d: int(v) for d, v in scores.items()}
        advice = qa.Outcome(recommendation)
    except (TypeError, ValueError):
        raise InvalidInput(
            gettext_noop("Scores are whole numbers 1 to 5 and the recommendation one of %(outcomes)s."),
            outcomes=", ".join(o.value for o in qa.Outcome),
        ) from None

    def step(case: AccreditationCase, core: qa.Case) -> None:
        done = qa.submit_review(core, qa.Review(actor.username, parsed, findings.strip(), advice))
        CaseReview.objects.create(
            case=case, reviewer=actor, scores=parsed, findings=findings.strip(), recommendation=advice.value
        )
        case.stage = done.stage.value
        _log(case, actor, "reviewed", recommendation=advice.value)

    return _transition(actor, ref, Action.REVIEW_CASE, step)


def case_sign_off(*, actor: Any, ref: str, name: str, organisation: str, statement: str) -> AccreditationCase:
    def step(case: AccreditationCase, core: qa.Case) -> None:
        done = qa.sign_off(core, qa.SignOff(name.strip(), organisation.strip(), statement.strip()))
        CaseSignOff.objects.create(
            case=case,
            name=name.strip(),
            organisation=organisation.strip(),
            statement=statement.strip(),
            recorded_by=actor,
        )
        case.stage = done.stage.value
        _log(case, actor, "signed_off", organisation=organisation.strip())

    return _transition(actor, ref, Action.RUN_CASE, step)


def decision_event(case: AccreditationCase) -> Event:
    """An accreditation decision as the ledger records it."""
    return Event(
        "accreditation.decided",
        f"case:{case.ref}",
        {
            "case": case.ref,
            "kind": case.kind,
            "entry": case.entry.code if case.entry is not None else "",
            "framework": case.framework,
            "outcome": case.outcome,
            "level": case.decided_level_id,
            "credits": str(case.decided_credits or ""),
            "conditions": case.conditions,
            "reasons": case.reasons,
            "re_review_on": case.re_review_on.isoformat() if case.re_review_on else None,
        },
    )


def case_decide(
    *,
    actor: Any,
    ref: str,
    outcome: str,
    reasons: str,
    level: str = "",
    credits: str = "",
    conditions: str = "",
    re_review_on: date | None = None,
) -> AccreditationCase:
    """Decide with reasons. Approving a new entry places it on the decided level with the decided
    credits and accredits it; rejecting marks it not accredited. The reasons reach the submitter."""
    try:
        result = qa.Outcome(outcome)
    except ValueError:
        raise InvalidInput(
            gettext_noop("The outcome is one of %(outcomes)s."),
            outcomes=", ".join(o.value for o in qa.Outcome),
        ) from None
    amount = None
    if credits:
        try:
            amount = Decimal(credits)
        except InvalidOperation:
            raise InvalidInput(gettext_noop("Credits must be a number.")) from None

    def step(case: AccreditationCase, core: qa.Case) -> None:
        framework = registry().framework(case.framework)
        rank = None
        if level:
            try:
                rank = framework.level(level).rank
            except DomainError as exc:
                raise InvalidInput(gettext_noop("Level: %(problem)s"), problem=exc.message) from None
        done = qa.decide(
            core,
            qa.Decision(result, reasons.strip(), rank, amount, conditions.strip()),
            top_rank=framework.top_rank,
        )
        now = timezone.now()
        case.stage = done.stage.value
        case.outcome = result.value
        case.reasons = reasons.strip()
        case.conditions = conditions.strip()
        case.decided_at = now
        case.re_review_on = re_review_on if result.approves else None
        if rank is not None:
            case.decided_level_id = framework.by_rank(rank).id
        case.decided_credits = amount
        if case.kind == qa.Kind.PROGRAMME_ALIGNMENT and result.approves:
            if not case.decided_level_id:
                raise InvalidInput(
                    gettext_noop("Say at which level of %(framework)s the programme is aligned."),
                    framework=case.framework,
                )
            _record_alignment(case, case.decided_level_id)
        if case.kind == qa.Kind.RPL_CLAIM and result.approves:
            from creditbank.apps.accreditation.rpl import deposit_recognised

            deposit_recognised(case, actor)
        if case.entry_id and case.kind == qa.Kind.NEW_ENTRY:
            entry = RegisterEntry.objects.select_for_update().get(pk=case.entry_id)
            if result.approves:
                entry.status = Status.ACCREDITED
                entry.level_id, entry.level_rank = case.decided_level_id, rank or entry.level_rank
                entry.credits = amount or entry.credits
                entry.accredited_on = timezone.localdate(now)
                entry.next_review_on = re_review_on
            else:
                entry.status = Status.REJECTED
            entry.status_note = f"{case.ref}: {reasons.strip()}"
            entry.save()
        _log(
            case,
            actor,
            "decided",
            outcome=result.value,
            level=case.decided_level_id,
            credits=str(amount or ""),
        )
        if case.kind != qa.Kind.RPL_CLAIM:  # a learner's claim is logged as the outcome it deposits
            ledger_append([decision_event(case)])

    return _transition(actor, ref, Action.RUN_CASE, step)


def cases_for(actor: Any) -> Any:
    """The cases an actor works on: all for operators, own for institutions, assigned for assessors."""
    cases = AccreditationCase.objects.select_related("entry", "submitter").prefetch_related("panel__reviewer")
    role = getattr(actor, "role", None)
    if role == Role.OPERATOR:
        return cases
    if role == Role.INSTITUTION and allowed(actor, Action.VIEW_CASE):
        return cases.filter(submitter_id=actor.institution_id) | cases.filter(
            partners__id=actor.institution_id
        )
    if role == Role.ASSESSOR:
        return cases.filter(panel__reviewer_id=actor.pk)
    if role == Role.LEARNER:
        return cases.filter(learner__user_id=actor.pk)
    raise PermissionDenied(action=gettext_noop("see accreditation cases"))
