"""API for accreditation cases: open, self-assess, assign a panel, review, sign off, decide."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from creditbank.api.auth import AUTHENTICATED, PersonSession, actor_of
from creditbank.api.errors import ErrorOut
from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.accreditation import rpl, services
from creditbank.apps.accreditation.models import AccreditationCase
from creditbank.core.errors import NotFound

router = Router(tags=["accreditation"])
ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class OpenIn(Schema):
    entry: str
    kind: str = "new_entry"
    partners: list[str] = []
    target_framework: str = ""
    target_level: str = ""


class SelfAssessIn(Schema):
    findings: dict[str, str]


class AssignIn(Schema):
    reviewers: list[str]


class ReviewIn(Schema):
    scores: dict[str, int]
    findings: str
    recommendation: str


class SignOffIn(Schema):
    name: str
    organisation: str
    statement: str


class DecideIn(Schema):
    outcome: str
    reasons: str
    level: str = ""
    credits: str = ""
    conditions: str = ""
    re_review_on: date | None = None


class CaseOut(Schema):
    ref: str
    kind: str
    entry: str | None
    submitters: list[str]
    learner: str | None
    appeal_of: str | None
    target: str | None
    stage: str
    domains: list[str]
    self_assessment: dict[str, str]
    panel: list[str]
    waiting_for: list[str]
    reviews: list[dict[str, Any]]
    signoffs: list[dict[str, str]]
    outcome: str
    decided_level: str
    decided_credits: str | None
    conditions: str
    reasons: str
    re_review_on: str | None


def case_out(case: AccreditationCase) -> dict[str, Any]:
    core = services.to_core(case)
    return {
        "ref": case.ref,
        "kind": case.kind,
        "entry": case.entry.code if case.entry else None,
        "submitters": sorted(core.submitters),
        "learner": case.learner.public_id if case.learner else None,
        "target": case.target_level_id or None,
        "appeal_of": case.appeal_of.ref if case.appeal_of else None,
        "stage": case.stage,
        "domains": list(case.domains),
        "self_assessment": dict(case.self_assessment),
        "panel": sorted(core.reviewers),
        "waiting_for": list(core.waiting_for),
        "reviews": [
            {
                "reviewer": r.reviewer,
                "scores": dict(r.scores),
                "findings": r.findings,
                "recommendation": r.recommendation.value,
            }
            for r in core.reviews.values()
        ],
        "signoffs": [
            {"name": s.name, "organisation": s.organisation, "statement": s.statement} for s in core.signoffs
        ],
        "outcome": case.outcome,
        "decided_level": case.decided_level_id,
        "decided_credits": None if case.decided_credits is None else str(case.decided_credits),
        "conditions": case.conditions,
        "reasons": case.reasons,
        "re_review_on": case.re_review_on.isoformat() if case.re_review_on else None,
    }


def _visible(request: HttpRequest, ref: str) -> AccreditationCase:
    require(actor_of(request), Action.VIEW_CASE)
    case = services.case_get(ref)
    if not services.case_visible(actor_of(request), case):
        raise NotFound("There is no accreditation case %(ref)s.", ref=ref)
    return case


@router.get(
    "/accreditation/cases", response={200: list[CaseOut], **ERRORS}, auth=AUTHENTICATED, summary="My cases"
)
def list_cases(request: HttpRequest, stage: str = "") -> list[dict[str, Any]]:
    cases = services.cases_for(actor_of(request)).distinct()
    if stage:
        cases = cases.filter(stage=stage)
    return [case_out(c) for c in cases.order_by("stage", "updated_at")]


@router.post(
    "/accreditation/cases",
    response={201: CaseOut, **ERRORS},
    auth=AUTHENTICATED,
    summary="Open a case for a draft entry",
)
def open_case(request: HttpRequest, payload: OpenIn) -> Status[dict[str, Any]]:
    case = services.case_open(
        actor=actor_of(request),
        entry_code=payload.entry,
        kind=payload.kind,
        partners=payload.partners,
        target_framework=payload.target_framework,
        target_level=payload.target_level,
    )
    return Status(201, case_out(case))


@router.get(
    "/accreditation/cases/{ref}", response={200: CaseOut, **ERRORS}, auth=AUTHENTICATED, summary="One case"
)
def get_case(request: HttpRequest, ref: str) -> dict[str, Any]:
    return case_out(_visible(request, ref))


@router.post(
    "/accreditation/cases/{ref}/self-assessment", response={200: CaseOut, **ERRORS}, auth=AUTHENTICATED
)
def self_assess(request: HttpRequest, ref: str, payload: SelfAssessIn) -> dict[str, Any]:
    return case_out(services.case_self_assess(actor=actor_of(request), ref=ref, findings=payload.findings))


@router.post("/accreditation/cases/{ref}/panel", response={200: CaseOut, **ERRORS}, auth=PersonSession())
def assign(request: HttpRequest, ref: str, payload: AssignIn) -> dict[str, Any]:
    return case_out(services.case_assign(actor=request.user, ref=ref, reviewers=payload.reviewers))


@router.post("/accreditation/cases/{ref}/reviews", response={200: CaseOut, **ERRORS}, auth=PersonSession())
def review(request: HttpRequest, ref: str, payload: ReviewIn) -> dict[str, Any]:
    return case_out(
        services.case_review(
            actor=request.user,
            ref=ref,
            scores=payload.scores,
            findings=payload.findings,
            recommendation=payload.recommendation,
        )
    )


@router.post("/accreditation/cases/{ref}/signoffs", response={200: CaseOut, **ERRORS}, auth=PersonSession())
def signoff(request: HttpRequest, ref: str, payload: SignOffIn) -> dict[str, Any]:
    return case_out(services.case_sign_off(actor=request.user, ref=ref, **payload.dict()))


@router.post("/accreditation/cases/{ref}/decision", response={200: CaseOut, **ERRORS}, auth=PersonSession())
def decide(request: HttpRequest, ref: str, payload: DecideIn) -> dict[str, Any]:
    return case_out(services.case_decide(actor=request.user, ref=ref, **payload.dict()))


def _evidence(files: list[UploadedFile]) -> list[rpl.Evidence]:
    return [rpl.Evidence(f.name or "evidence", f.read()) for f in files]


@router.post(
    "/rpl/claims",
    response={201: CaseOut, **ERRORS},
    auth=PersonSession(),
    summary="Claim recognition of prior learning (learners; multipart with evidence files)",
)
def claim_rpl(
    request: HttpRequest, unit: Form[str], statement: Form[str], files: File[list[UploadedFile]]
) -> Status[dict[str, Any]]:
    case = rpl.rpl_claim(actor=request.user, unit_code=unit, statement=statement, files=_evidence(files))
    return Status(201, case_out(case))


@router.post(
    "/rpl/claims/{ref}/appeal",
    response={201: CaseOut, **ERRORS},
    auth=PersonSession(),
    summary="Appeal a decided claim once, to a different panel",
)
def appeal_rpl(
    request: HttpRequest, ref: str, statement: Form[str], files: File[list[UploadedFile]]
) -> Status[dict[str, Any]]:
    case = rpl.rpl_appeal(actor=request.user, ref=ref, statement=statement, files=_evidence(files))
    return Status(201, case_out(case))
