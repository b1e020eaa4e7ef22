"""Pages: each role's list of cases, and a case page with the forms the viewer may use now."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from creditbank.apps.accounts.models import Role, User
from creditbank.apps.accreditation import rpl, services
from creditbank.apps.accreditation.models import CaseEvidence
from creditbank.apps.frameworks.selectors import registry
from creditbank.apps.register.models import RegisterEntry, Status
from creditbank.core.accreditation import Outcome, Stage
from creditbank.core.errors import DomainError, InvalidInput
from creditbank.web.errors import error_message


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    try:
        cases = services.cases_for(user).distinct()
    except DomainError:
        raise DjangoPermissionDenied from None
    context: dict[str, Any] = {"stages": [(s.value, s.label) for s in Stage], "error": None}
    if request.method == "POST":
        try:
            case = services.case_open(
                actor=user,
                entry_code=request.POST.get("entry", ""),
                kind=request.POST.get("kind", "new_entry"),
                target_framework=request.POST.get("target_framework", ""),
                target_level=request.POST.get("target_level", ""),
            )
            messages.success(request, _("Opened case %(ref)s.") % {"ref": case.ref})
            return redirect("accreditation:detail", ref=case.ref)
        except DomainError as exc:
            context["error"] = error_message(exc)
    drafts = RegisterEntry.objects.filter(status__in=[Status.DRAFT, Status.REJECTED])
    if user.role == Role.INSTITUTION:
        drafts = drafts.filter(owner_id=user.institution_id)
    elif user.role != Role.OPERATOR:
        drafts = drafts.none()
    context["cases"] = cases.order_by("stage", "updated_at")
    context["drafts"] = drafts.order_by("code")
    programmes = RegisterEntry.objects.filter(status=Status.ACCREDITED, entry_type="qualification")
    if user.role == Role.INSTITUTION:
        programmes = programmes.filter(owner_id=user.institution_id)
    elif user.role != Role.OPERATOR:
        programmes = programmes.none()
    context["programmes"] = programmes.order_by("code")
    context["frameworks"] = registry().ordered_frameworks()
    return render(request, "accreditation/list.html", context, status=422 if context["error"] else 200)


@login_required
def case_detail(request: HttpRequest, ref: str) -> HttpResponse:
    user: Any = request.user
    try:
        case = services.case_get(ref)
    except DomainError:
        raise Http404 from None
    if not services.case_visible(user, case):
        raise Http404
    error = None
    if request.method == "POST":
        try:
            _act(user, case.ref, request.POST, _evidence_files(request))
            if request.POST.get("action") == "appeal":
                return redirect("accreditation:detail", ref=services.case_get(ref).appeal.ref)
            return redirect("accreditation:detail", ref=case.ref)
        except DomainError as exc:
            error = error_message(exc)
        case = services.case_get(ref)
    framework = registry().framework(case.framework)
    domain_names = {d.key: d.name for d in framework.domains}
    core = services.to_core(case)
    context = {
        "case": case,
        "stage": Stage(case.stage),
        "framework": framework,
        "domains": [(d, domain_names.get(d)) for d in case.domains],
        "panel": case.panel.select_related("reviewer", "home_institution"),
        "reviews": case.reviews.select_related("reviewer"),
        "signoffs": case.signoffs.all(),
        "events": case.events.select_related("actor"),
        "waiting_for": core.waiting_for,
        "error": error,
        "outcomes": list(Outcome),
        "can_self_assess": case.stage == Stage.SELF_ASSESSMENT
        and user.role in (Role.INSTITUTION, Role.OPERATOR),
        "can_run": user.role == Role.OPERATOR,
        "can_review": user.role == Role.ASSESSOR
        and user.username in core.waiting_for
        and case.stage == Stage.EXTERNAL_REVIEW,
        "assessors": User.objects.filter(role=Role.ASSESSOR)
        .select_related("institution")
        .order_by("username"),
        "submitters": core.submitters,
        "levels": framework.levels_by_label,
        "evidence": case.evidence.all(),
        "is_rpl": case.kind == "rpl_claim",
        "can_appeal": user.role == Role.LEARNER
        and case.stage == Stage.DECIDED
        and case.appeal_of_id is None
        and not hasattr(case, "appeal"),
    }
    return render(request, "accreditation/detail.html", context, status=422 if error else 200)


def _evidence_files(request: HttpRequest) -> list[rpl.Evidence]:
    return [rpl.Evidence(f.name or "evidence", f.read()) for f in request.FILES.getlist("files")]


@login_required
def rpl_new(request: HttpRequest) -> HttpResponse:
    """A learner's claim for recognition of prior learning against an accredited unit."""
    user: Any = request.user
    if user.role != Role.LEARNER:
        raise DjangoPermissionDenied
    context: dict[str, Any] = {
        "units": RegisterEntry.objects.filter(status=Status.ACCREDITED).order_by("code"),
        "values": request.POST,
    }
    if request.method == "POST":
        try:
            case = rpl.rpl_claim(
                actor=user, unit_code=request.POST.get("unit", ""), statement=request.POST.get("statement", ""),
                files=_evidence_files(request),
            )  # fmt: skip
            messages.success(request, _("Your claim %(ref)s is with the bank.") % {"ref": case.ref})
            return redirect("accreditation:detail", ref=case.ref)
        except DomainError as exc:
            context["error"] = error_message(exc)
    return render(request, "accreditation/rpl_new.html", context, status=422 if context.get("error") else 200)


@login_required
def evidence(request: HttpRequest, ref: str, evidence_id: int) -> FileResponse:
    """Evidence files are private: only people who may see the case get them."""
    try:
        case = services.case_get(ref)
    except DomainError:
        raise Http404 from None
    if not services.case_visible(request.user, case):
        raise Http404
    found = CaseEvidence.objects.filter(case=case, pk=evidence_id).first()
    if found is None:
        raise Http404
    return FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.original_name,
        content_type=found.content_type,
    )


def _act(user: Any, ref: str, data: Any, files: list[rpl.Evidence] | None = None) -> None:
    action = data.get("action")
    if action == "appeal":
        rpl.rpl_appeal(actor=user, ref=ref, statement=data.get("statement", ""), files=files or [])
    elif action == "self_assess":
        findings = {k[len("finding-") :]: v for k, v in data.items() if k.startswith("finding-")}
        services.case_self_assess(actor=user, ref=ref, findings=findings)
    elif action == "assign":
        services.case_assign(actor=user, ref=ref, reviewers=data.getlist("reviewer"))
    elif action == "review":
        scores = {k[len("score-") :]: v for k, v in data.items() if k.startswith("score-")}
        services.case_review(
            actor=user,
            ref=ref,
            scores=scores,
            findings=data.get("findings", ""),
            recommendation=data.get("recommendation", ""),
        )
    elif action == "signoff":
        services.case_sign_off(
            actor=user,
            ref=ref,
            name=data.get("name", ""),
            organisation=data.get("organisation", ""),
            statement=data.get("statement", ""),
        )
    elif action == "decide":
        review_on = data.get("re_review_on") or ""
        try:
            re_review = date.fromisoformat(review_on) if review_on else None
        except ValueError:
            raise InvalidInput(_("The re-review date is written YYYY-MM-DD.")) from None
        services.case_decide(
            actor=user,
            ref=ref,
            outcome=data.get("outcome", ""),
            reasons=data.get("reasons", ""),
            level=data.get("level", ""),
            credits=data.get("credits", ""),
            conditions=data.get("conditions", ""),
            re_review_on=re_review,
        )
    else:
        raise InvalidInput(_("Unknown action."))
