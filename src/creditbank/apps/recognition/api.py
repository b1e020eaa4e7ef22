"""API for recognition: rules and credit policies (institutions), pathways and transfer proposals."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Body, Router, Schema
from ninja.responses import Status

from creditbank.api.auth import AUTHENTICATED, actor_of
from creditbank.api.errors import ErrorOut
from creditbank.apps.accounts.institutions import institution_code_of
from creditbank.apps.accounts.permissions import Action, allowed, require
from creditbank.apps.recognition import selectors
from creditbank.apps.recognition.agreements import (
    agreement_conflicts,
    agreement_create,
    agreement_get,
    agreement_sign,
    agreement_terminate,
    agreements_listed,
    conflicts_in_use,
)
from creditbank.apps.recognition.cohorts import cohort_get, cohort_submit
from creditbank.apps.recognition.models import (
    Agreement,
    AgreementStatus,
    CohortAudit,
    QualificationPolicy,
    RecognitionRule,
    RecognitionStandard,
    RuleStatus,
)
from creditbank.apps.recognition.presenters import application_out, pathway_out
from creditbank.apps.recognition.services import policy_set, presets, rule_get, rule_publish, rule_retire
from creditbank.apps.recognition.standards import (
    standard_get,
    standard_import,
    standard_publish,
    standards_harmonise,
    standards_latest,
)
from creditbank.apps.recognition.transfers import (
    transfer_answer,
    transfer_appeal,
    transfer_apply,
    transfer_decide,
    transfer_get,
    transfer_view,
    transfer_withdraw,
    transfers_for,
)
from creditbank.core.caps import policy_document
from creditbank.core.errors import Conflict, NotFound, gettext_noop

router = Router(tags=["recognition"])
ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class RuleIn(Schema):
    code: str
    title: str = ""
    source: dict[str, Any]
    target: dict[str, Any]
    conditions: dict[str, Any] | None = None
    factor: str = "1"
    qualification: str | None = None
    valid_from: str
    valid_to: str | None = None
    owner: str | None = None
    agreement: str | None = None


class RuleOut(Schema):
    code: str
    version: int
    owner: str
    qualification: str | None
    agreement: str | None
    title: str
    status: str
    status_note: str
    valid_from: str
    valid_to: str | None
    rule: dict[str, Any]


class RetireIn(Schema):
    reason: str


class PolicyIn(Schema):
    preset: str = ""
    document: dict[str, Any] | None = None


class PolicyOut(Schema):
    qualification: str | None
    preset: str | None
    policy: dict[str, Any]


def rule_out(r: RecognitionRule) -> dict[str, Any]:
    return {
        "code": r.code,
        "version": r.version,
        "owner": r.owner.code,
        "qualification": r.qualification or None,
        "agreement": r.agreement.code if r.agreement else None,
        "title": r.title,
        "status": r.status,
        "status_note": r.status_note,
        "valid_from": r.valid_from.isoformat(),
        "valid_to": r.valid_to.isoformat() if r.valid_to else None,
        "rule": r.document,
    }


def policy_out(p: QualificationPolicy) -> dict[str, Any]:
    return {"qualification": p.qualification, "preset": p.preset or None, "policy": p.document}


@router.get("/recognition/rules", response={200: list[RuleOut], **ERRORS}, summary="Recognition rules")
def list_rules(
    request: HttpRequest, owner: str = "", qualification: str = "", all: bool = False
) -> list[dict[str, Any]]:
    """Rules in use (public: anyone may read how credit is recognised); `all` adds superseded and retired versions."""
    return [
        rule_out(r)
        for r in selectors.rules_listed(owner=owner, qualification=qualification, include_inactive=all)
    ]


@router.post(
    "/recognition/rules",
    response={201: RuleOut, **ERRORS},
    auth=AUTHENTICATED,
    summary="Publish a rule or a new version",
)
def publish_rule(request: HttpRequest, payload: RuleIn) -> Status[dict[str, Any]]:
    doc = {k: v for k, v in payload.dict().items() if v is not None}
    return Status(201, rule_out(rule_publish(actor=actor_of(request), doc=doc)))


@router.get(
    "/recognition/rules/{code}", response={200: RuleOut, **ERRORS}, summary="One rule (latest or a version)"
)
def get_rule(request: HttpRequest, code: str, version: int | None = None) -> dict[str, Any]:
    return rule_out(rule_get(code, version))


@router.post(
    "/recognition/rules/{code}/retire",
    response={200: RuleOut, **ERRORS},
    auth=AUTHENTICATED,
    summary="Retire a rule",
)
def retire_rule(request: HttpRequest, code: str, payload: RetireIn) -> dict[str, Any]:
    return rule_out(rule_retire(actor=actor_of(request), code=code, reason=payload.reason))


@router.get(
    "/recognition/policy-presets", response={200: list[PolicyOut], **ERRORS}, summary="Shipped policy presets"
)
def list_presets(request: HttpRequest) -> list[dict[str, Any]]:
    """Reference scenarios (Korean ACBS, Guangdong 2025, Hong Kong examples) to adopt or adapt."""
    return [
        {"qualification": None, "preset": code, "policy": policy_document(p)} for code, p in presets().items()
    ]


@router.get(
    "/recognition/policies/{qualification}",
    response={200: PolicyOut, **ERRORS},
    summary="A qualification's caps",
)
def get_policy(request: HttpRequest, qualification: str) -> dict[str, Any]:
    entry = selectors.qualification_get(qualification)
    policy, preset = selectors.policy_of(entry.code)
    return {"qualification": entry.code, "preset": preset or None, "policy": policy_document(policy)}


@router.put(
    "/recognition/policies/{qualification}",
    response={200: PolicyOut, **ERRORS},
    auth=AUTHENTICATED,
    summary="Set a qualification's caps",
)
def put_policy(request: HttpRequest, qualification: str, payload: PolicyIn) -> dict[str, Any]:
    record = policy_set(
        actor=actor_of(request), qualification=qualification, preset=payload.preset, document=payload.document
    )
    return policy_out(record)


def _on(on: date | None) -> date:
    return on or timezone.localdate()


@router.get(
    "/learners/{number}/pathway",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Pathway audit and what-if",
)
def get_pathway(
    request: HttpRequest, number: str, qualification: str, on: date | None = None
) -> dict[str, Any]:
    """What the learner's bank is worth for a qualification (`number` may be `me`): each requirement
    met, in progress or missing, with the optimal transfer proposal behind it. Nothing is applied."""
    actor = actor_of(request)
    learner = selectors.learner_for(actor, number)
    return pathway_out(
        selectors.pathway(actor=actor, learner=learner, qualification=qualification, on=_on(on)), gettext
    )


@router.get(
    "/learners/{number}/transfer-proposal",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Optimal transfer proposal",
)
def get_transfer_proposal(
    request: HttpRequest, number: str, qualification: str, on: date | None = None
) -> dict[str, Any]:
    """Which outcomes to count for which rule, the most credit the caps allow, each use explained."""
    actor = actor_of(request)
    learner = selectors.learner_for(actor, number)
    out = pathway_out(
        selectors.pathway(actor=actor, learner=learner, qualification=qualification, on=_on(on)), gettext
    )
    return {k: out[k] for k in ("learner", "on", "qualification", "policy", "rules_in_force", "transfer")}


class ApplyIn(Schema):
    qualification: str


class DecisionIn(Schema):
    decision: str
    reason: str = ""


class AnswerIn(Schema):
    note: str


class AppealIn(Schema):
    reason: str


@router.post(
    "/transfers",
    response={201: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Apply to transfer credit",
)
def apply_transfer(request: HttpRequest, payload: ApplyIn) -> Status[dict[str, Any]]:
    """The learner applies for today's optimal proposal into a qualification; each use becomes an item."""
    from creditbank.apps.accounts.learners import learner_of

    actor = actor_of(request)
    require(
        actor, Action.APPLY_TRANSFER, learner_user_id=getattr(actor, "pk", None)
    )  # the role, before any lookup
    application = transfer_apply(actor=actor, learner=learner_of(actor), qualification=payload.qualification)
    return Status(201, application_out(application, gettext))


@router.get(
    "/transfers",
    response={200: list[dict[str, Any]], **ERRORS},
    auth=AUTHENTICATED,
    summary="Transfer applications",
)
def list_transfers(request: HttpRequest, status: str = "", institution: str = "") -> list[dict[str, Any]]:
    """A learner's own, an institution's incoming, or (for the bank) all, newest first; 200 at most."""
    found = transfers_for(actor_of(request), institution=institution, status=status)[:200]
    return [application_out(a, gettext) for a in found]


@router.get(
    "/transfers/{ref}",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="One application",
)
def get_transfer(request: HttpRequest, ref: str) -> dict[str, Any]:
    return application_out(transfer_view(actor=actor_of(request), ref=ref), gettext)


@router.post(
    "/transfers/{ref}/items/{item_id}/decision",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Decide one item",
)
def decide_item(request: HttpRequest, ref: str, item_id: int, payload: DecisionIn) -> dict[str, Any]:
    """`accepted`, `rejected` (with the reason) or `evidence` (saying what to give)."""
    transfer_decide(
        actor=actor_of(request), ref=ref, item_id=item_id, decision=payload.decision, reason=payload.reason
    )
    return application_out(transfer_get(ref), gettext)


@router.post(
    "/transfers/{ref}/items/{item_id}/answer",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Answer a request for evidence",
)
def answer_item(request: HttpRequest, ref: str, item_id: int, payload: AnswerIn) -> dict[str, Any]:
    transfer_answer(actor=actor_of(request), ref=ref, item_id=item_id, note=payload.note)
    return application_out(transfer_get(ref), gettext)


@router.post(
    "/transfers/{ref}/appeal",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Appeal once",
)
def appeal_transfer(request: HttpRequest, ref: str, payload: AppealIn) -> dict[str, Any]:
    return application_out(transfer_appeal(actor=actor_of(request), ref=ref, reason=payload.reason), gettext)


@router.post(
    "/transfers/{ref}/withdraw",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Withdraw",
)
def withdraw_transfer(request: HttpRequest, ref: str) -> dict[str, Any]:
    return application_out(transfer_withdraw(actor=actor_of(request), ref=ref), gettext)


class AgreementIn(Schema):
    code: str
    title_en: str
    title_zh: str
    parties: list[str]
    scope: dict[str, Any] | None = None
    valid_from: str
    valid_to: str | None = None


class TerminateIn(Schema):
    reason: str


def agreement_out(a: Agreement, *, with_conflicts: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": a.code,
        "title_en": a.title_en,
        "title_zh": a.title_zh,
        "status": a.status,
        "standing": a.standing,
        "status_note": a.status_note,
        "scope": a.scope,
        "valid_from": a.valid_from.isoformat(),
        "valid_to": a.valid_to.isoformat() if a.valid_to else None,
        "parties": [
            {
                "institution": p.institution.code,
                "signed_at": p.signed_at.isoformat() if p.signed_at else None,
                "signed_by": p.signed_by or None,
            }
            for p in a.parties.select_related("institution").order_by("institution__code")
        ],
        "rules": [rule_out(r) for r in a.rules.select_related("owner").filter(status=RuleStatus.ACTIVE)],
    }
    if with_conflicts:
        out["conflicts"] = [
            {"rules": [c.a.ref, c.b.ref], "reason": c.reason.render(gettext)} for c in agreement_conflicts(a)
        ]
    return out


@router.get(
    "/agreements", response={200: list[dict[str, Any]], **ERRORS}, summary="Mutual-recognition agreements"
)
def list_agreements(
    request: HttpRequest, institution: str = "", drafts: bool = False
) -> list[dict[str, Any]]:
    """Agreements signed or in force are public; drafts (`drafts=true`) are for operators."""
    if drafts:
        require(actor_of(request), Action.MANAGE_AGREEMENTS)
    return [agreement_out(a) for a in agreements_listed(institution=institution, include_drafts=drafts)]


@router.post(
    "/agreements", response={201: dict[str, Any], **ERRORS}, auth=AUTHENTICATED, summary="Draft an agreement"
)
def create_agreement(request: HttpRequest, payload: AgreementIn) -> Status[dict[str, Any]]:
    return Status(201, agreement_out(agreement_create(actor=actor_of(request), doc=payload.dict())))


@router.get(
    "/agreements/{code}",
    response={200: dict[str, Any], **ERRORS},
    summary="One agreement, with its conflicts",
)
def get_agreement(request: HttpRequest, code: str) -> dict[str, Any]:
    agreement = agreement_get(code)
    if agreement.status == AgreementStatus.DRAFT and not _may_see_draft(actor_of(request), agreement):
        raise NotFound(gettext_noop("There is no agreement %(code)s."), code=code)
    return agreement_out(agreement, with_conflicts=True)


def _may_see_draft(actor: Any, agreement: Agreement) -> bool:
    """Drafts are seen by the bank and by the parties asked to sign them."""
    if allowed(actor, Action.MANAGE_AGREEMENTS):
        return True
    own = int(getattr(actor, "institution_id", 0) or 0)
    return (
        allowed(actor, Action.SIGN_AGREEMENT, institution_id=own)
        and agreement.parties.filter(institution_id=own).exists()
    )


@router.post(
    "/agreements/{code}/signatures",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Sign for your institution",
)
def sign_agreement(request: HttpRequest, code: str) -> dict[str, Any]:
    return agreement_out(agreement_sign(actor=actor_of(request), code=code), with_conflicts=True)


@router.post(
    "/agreements/{code}/terminate",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Terminate",
)
def terminate_agreement(request: HttpRequest, code: str, payload: TerminateIn) -> dict[str, Any]:
    return agreement_out(agreement_terminate(actor=actor_of(request), code=code, reason=payload.reason))


class HarmoniseIn(Schema):
    standards: list[dict[str, Any]]
    choices: dict[str, Any] | None = None
    code: str = "GBA-UNIFIED"
    version: str = "1"
    title: str = "Unified recognition standard"


@router.post(
    "/standards/harmonisation",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Harmonise regional recognition standards",
)
def harmonise_standards(request: HttpRequest, payload: HarmoniseIn) -> dict[str, Any]:
    """Align the regions' standards, classify each item (identical, compatible, conflicting, unique),
    apply the choices (retain, remove, supplement, adjust, each with a reason) and answer the unified
    standard with its decisions, a diff against each region, and the items still `unresolved`."""
    return standards_harmonise(
        actor=actor_of(request),
        docs=[(f"standards[{i}]", d) for i, d in enumerate(payload.standards)],
        choices=payload.choices,
        code=payload.code,
        version=payload.version,
        title=payload.title,
    )


class CohortIn(Schema):
    qualification: str
    institution: str = ""
    region: str = ""
    on: date | None = None


def cohort_out(job: CohortAudit) -> dict[str, Any]:
    return {
        "id": job.pk,
        "qualification": job.qualification,
        "institution": job.institution.code if job.institution else None,
        "region": job.region or None,
        "on": job.on.isoformat(),
        "state": job.state,
        "learners_total": job.learners_total,
        "learners_done": job.learners_done,
        "counts": job.counts,
        "results": f"/api/v1/cohort-audits/{job.pk}/results.csv" if job.state == "done" else None,
        "error": job.error,
    }


@router.post(
    "/cohort-audits", response={202: dict[str, Any], **ERRORS}, auth=AUTHENTICATED, summary="Audit a cohort"
)
def start_cohort_audit(
    request: HttpRequest, response: HttpResponse, payload: CohortIn
) -> Status[dict[str, Any]]:
    """Answers 202 at once; follow `Location` until `state` is `done`, then read `results` (CSV: one
    row per learner with status, credits counted, transferable credits and the units still needed)."""
    job = cohort_submit(
        actor=actor_of(request),
        qualification=payload.qualification,
        institution=payload.institution,
        region=payload.region,
        on=_on(payload.on),
    )
    response["Location"] = f"/api/v1/cohort-audits/{job.pk}"
    return Status(202, cohort_out(job))


@router.get(
    "/cohort-audits/{job_id}",
    response={200: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="A cohort audit",
)
def get_cohort_audit(request: HttpRequest, job_id: int) -> dict[str, Any]:
    return cohort_out(cohort_get(actor=actor_of(request), job_id=job_id))


@router.get(
    "/cohort-audits/{job_id}/results.csv", auth=AUTHENTICATED, summary="A cohort audit's results (CSV)"
)
def cohort_audit_results(request: HttpRequest, job_id: int) -> HttpResponse:
    job = cohort_get(actor=actor_of(request), job_id=job_id)
    if job.state != "done":
        raise Conflict(
            gettext_noop("Cohort audit %(id)s is %(state)s; its results come when it is done."),
            id=job.pk,
            state=job.state,
        )
    response = HttpResponse(job.result_csv, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cohort-audit-{job.pk}.csv"'
    return response


class PublishIn(Schema):
    regional: list[str]
    choices: dict[str, Any] | None = None
    code: str = "GBA-UNIFIED"
    title: str = "Unified recognition standard"


def standard_out(r: RecognitionStandard) -> dict[str, Any]:
    return {
        "code": r.code,
        "version": r.version,
        "kind": r.kind,
        "region": r.region or None,
        "title": r.title,
        "created_at": r.created_at.isoformat(),
        "standard": r.document,
    }


@router.get(
    "/standards", response={200: list[dict[str, Any]], **ERRORS}, auth=AUTHENTICATED, summary="Standards kept"
)
def list_standards(request: HttpRequest) -> list[dict[str, Any]]:
    """The newest version of every regional and unified standard."""
    require(actor_of(request), Action.HARMONISE_STANDARDS)
    return [standard_out(r) for r in standards_latest()]


@router.post(
    "/standards",
    response={201: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Import a regional standard",
)
def import_standard(request: HttpRequest, payload: Body[dict[str, Any]]) -> Status[dict[str, Any]]:
    return Status(201, standard_out(standard_import(actor=actor_of(request), doc=payload)))


# Declared before /standards/{code} so that its path is not taken for a code.
@router.post(
    "/standards/unified",
    response={201: dict[str, Any], **ERRORS},
    auth=AUTHENTICATED,
    summary="Publish a unified standard",
)
def publish_unified(request: HttpRequest, payload: PublishIn) -> Status[dict[str, Any]]:
    """Harmonise the newest versions of the named regional standards with the choices and keep the
    result as the next version of the unified standard (409 while a conflict needs a choice)."""
    record = standard_publish(
        actor=actor_of(request),
        regional=payload.regional,
        choices=payload.choices,
        code=payload.code,
        title=payload.title,
    )
    return Status(201, standard_out(record))


@router.get(
    "/standards/{code}", response={200: dict[str, Any], **ERRORS}, auth=AUTHENTICATED, summary="One standard"
)
def get_standard(request: HttpRequest, code: str, version: int | None = None) -> dict[str, Any]:
    require(actor_of(request), Action.HARMONISE_STANDARDS)
    return standard_out(standard_get(code, version))


@router.get(
    "/recognition/conflicts",
    response={200: list[dict[str, Any]], **ERRORS},
    auth=AUTHENTICATED,
    summary="Conflicts among rules in use",
)
def list_conflicts(request: HttpRequest, owner: str = "") -> list[dict[str, Any]]:
    """Pairs of rules that count today and give the same learning different value (institutions see
    those their own rules are part of)."""
    actor = actor_of(request)
    require(actor, Action.MANAGE_RECOGNITION)
    if getattr(actor, "role", None) != "operator":
        owner = institution_code_of(actor) or ""
    return [
        {"rules": [c.a.ref, c.b.ref], "reason": c.reason.render(gettext)}
        for c in conflicts_in_use(owner=owner)
    ]
