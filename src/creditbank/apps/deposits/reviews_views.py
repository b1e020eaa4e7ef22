"""The review queue: deposits waiting for this reviewer's site or sub-centre, oldest first; and,
for the bank centre, which outcome types are reviewed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from creditbank.apps.accounts.permissions import Action, allowed
from creditbank.apps.deposits import reviews
from creditbank.apps.deposits.models import ReviewPolicy
from creditbank.core.deposits import OutcomeType
from creditbank.core.errors import DomainError
from creditbank.web.errors import error_message


@login_required
@require_http_methods(["GET", "POST"])
def review_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not allowed(user, Action.REVIEW_DEPOSIT):
        raise PermissionDenied
    if request.method == "POST":
        try:
            if request.POST.get("action") == "policy":
                reviews.review_policy_set(
                    actor=user,
                    outcome_type=request.POST.get("outcome_type", ""),
                    levels=int(request.POST.get("levels", "0") or 0),
                )
                messages.success(request, _("Review policy saved."))
            else:
                done = reviews.outcomes_review(
                    actor=user,
                    outcome_ids=[int(v) for v in request.POST.getlist("outcome") if v.isdigit()],
                    decision=request.POST.get("decision", ""),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("%(n)s outcomes reviewed.") % {"n": len(done)})
        except DomainError as exc:
            messages.error(request, error_message(exc))
        return redirect("deposits:reviews")
    policies = dict(ReviewPolicy.objects.values_list("outcome_type", "levels"))
    context = {
        "queue": reviews.review_queue(user),
        "unit": user.service_unit,
        "policies": [(t.value, t.label, policies.get(t.value, 0)) for t in OutcomeType],
        "sets_policy": user.service_unit is None or user.service_unit.level == "centre",
    }
    return render(request, "deposits/reviews.html", context)
