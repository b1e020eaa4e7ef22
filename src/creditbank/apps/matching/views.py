"""Pages: an employer matches job postings against the register; an institution decides what its
register entries teach."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from creditbank.apps.accounts.learners import learner_of
from creditbank.apps.accounts.models import Region
from creditbank.apps.accounts.permissions import Action, allowed
from creditbank.apps.matching import selectors
from creditbank.apps.matching.models import MatchingConsent
from creditbank.apps.matching.services import (
    curriculum_coverage,
    learner_prospects,
    matching_consent_set,
    posting_match,
    posting_result,
    postings_import,
    unit_skills_decide,
)
from creditbank.apps.matching.vocabulary import vocabulary
from creditbank.apps.register.models import Sector
from creditbank.apps.register.selectors import visible_entry
from creditbank.apps.register.services import entry_get
from creditbank.core.errors import DomainError
from creditbank.web.errors import error_message
from creditbank.web.institutions import institution_choice

POSTING_FIELDS = ("title", "employer", "region", "sector", "text")


@login_required
def postings(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not allowed(user, Action.MATCH_POSTINGS):
        raise DjangoPermissionDenied
    context: dict[str, Any] = {
        "regions": Region.choices,
        "sectors": Sector.choices,
        "values": {k: request.POST.get(k, "") for k in POSTING_FIELDS},
    }
    status = 200
    if request.method == "POST":
        try:
            public = request.POST.get("public") == "on"
            if upload := request.FILES.get("file"):
                found = postings_import(
                    actor=user, raw=upload.read(), file_name=upload.name or "", public=public
                )
                messages.success(request, _("Matched %(n)s postings.") % {"n": len(found)})
                return redirect("matching:postings")
            done = posting_match(actor=user, **context["values"], public=public)
            return redirect("matching:posting", posting_id=done.posting.pk)
        except DomainError as exc:
            context["error"] = error_message(exc)
            status = exc.status
    context["postings"] = selectors.postings_for(user)[:50]
    return render(request, "matching/postings.html", context, status=status)


@login_required
def posting(request: HttpRequest, posting_id: int) -> HttpResponse:
    user: Any = request.user
    if not allowed(user, Action.MATCH_POSTINGS):
        raise DjangoPermissionDenied
    found = selectors.postings_for(user).filter(pk=posting_id).first()
    if found is None:
        raise Http404
    result = posting_result(found, today=timezone.localdate())
    skills = vocabulary().skills
    units = [
        {
            "hit": u,
            "teaches": [skills[s] for s in u.match.matched],
            "lacks": [skills[s] for s in u.match.missing],
        }
        for u in result.units
    ]
    mentions = [(m, result.holders.get(m.skill.uri)) for m in result.mentions]
    return render(request, "matching/posting.html", {"result": result, "units": units, "mentions": mentions})


def entry_skills(request: HttpRequest, code: str) -> HttpResponse:
    try:
        entry = entry_get(code)
    except DomainError as exc:
        raise Http404(error_message(exc)) from None
    user: Any = request.user
    if not visible_entry(user, entry):
        raise Http404
    may_decide = allowed(user, Action.MANAGE_REGISTER, institution_id=entry.owner_id)
    skills = vocabulary().skills
    context: dict[str, Any] = {"entry": entry, "may_decide": may_decide}
    status = 200
    if request.method == "POST":
        if not may_decide:
            raise DjangoPermissionDenied
        decisions = {uri: request.POST.get(f"skill:{uri}", "") for uri in request.POST.getlist("skills")}
        added = request.POST.get("add", "").strip()
        try:
            unit_skills_decide(
                actor=user,
                code=entry.code,
                confirm=[u for u, d in decisions.items() if d == "confirm"] + ([added] if added else []),
                reject=[u for u, d in decisions.items() if d == "reject"],
            )
            messages.success(request, _("The skills of %(code)s are recorded.") % {"code": entry.code})
            return redirect("matching:entry_skills", code=entry.code)
        except DomainError as exc:
            context["error"] = error_message(exc)
            status = exc.status
    tags = selectors.entry_skills(entry)
    context["tags"] = [(t, skills.get(t.skill)) for t in tags]
    if may_decide:
        held = {t.skill for t in tags}
        context["choices"] = sorted(
            (s for s in skills.values() if s.uri not in held), key=lambda s: (s.sector, s.en)
        )
    return render(request, "matching/entry_skills.html", context, status=status)


@login_required
def jobs(request: HttpRequest) -> HttpResponse:
    """A learner's record against published job postings: what fits, what is missing, where to learn it."""
    user: Any = request.user
    try:
        learner = learner_of(user)
        if request.method == "POST":
            matching_consent_set(actor=user, learner=learner, given=request.POST.get("given") == "yes")
            messages.success(request, _("Your choice is recorded."))
            return redirect("matching:jobs")
        prospects = learner_prospects(actor=user, learner=learner)
    except DomainError as exc:
        raise Http404(error_message(exc)) from None
    consent = MatchingConsent.objects.filter(learner=learner).first()
    skills = vocabulary().skills

    def row(found: Any, helpful: tuple[str, ...] = ()) -> dict[str, Any]:
        """One fit as the page says it: the share, what is held and helps, what is missing and where to learn it."""
        match = found.match
        return {
            "fit": found, "percent": round(match.score * 100), "held": [skills[s] for s in match.matched],
            "helpful": [skills[s] for s in helpful],
            "missing": [(skills[s], prospects.fillers.get(s, [])) for s in match.missing],
        }  # fmt: skip

    rows = [row(f) for f in prospects.jobs]
    occupation_rows = [row(f, f.helpful) for f in prospects.occupations]
    return render(
        request,
        "matching/jobs.html",
        {"rows": rows, "occupations": occupation_rows, "consent": bool(consent and consent.given)},
    )


@login_required
def curriculum(request: HttpRequest) -> HttpResponse:
    """An institution's curriculum against the skills job postings demand."""
    user: Any = request.user
    if not allowed(user, Action.MANAGE_REGISTER):
        raise DjangoPermissionDenied
    institutions, institution = institution_choice(user, request.GET.get("institution"))
    result = curriculum_coverage(actor=user, institution_code=institution.code)
    skills = vocabulary().skills
    return render(
        request,
        "matching/curriculum.html",
        {
            "institutions": institutions,
            "result": result,
            "covered": [(skills[s], n, result.units.get(s, [])) for s, n in result.coverage.covered],
            "uncovered": [(skills[s], n) for s, n in result.coverage.uncovered],
        },
    )
