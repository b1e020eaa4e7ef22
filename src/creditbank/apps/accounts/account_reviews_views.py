"""The queue of new accounts waiting for this reviewer's site or sub-centre, oldest first; and, for
the bank centre, how many levels review a new account."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from creditbank.apps.accounts import account_reviews as reviews
from creditbank.apps.accounts.models import UnitLevel
from creditbank.apps.accounts.permissions import Action, allowed
from creditbank.core.errors import DomainError
from creditbank.web.errors import error_message


@login_required
@require_http_methods(["GET", "POST"])
def account_reviews(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not allowed(user, Action.REVIEW_ACCOUNT):
        raise PermissionDenied
    if request.method == "POST":
        try:
            if request.POST.get("action") == "policy":
                reviews.account_review_policy_set(
                    actor=user, levels=int(request.POST.get("levels", "0") or 0)
                )
                messages.success(request, _("Review policy saved."))
            else:
                done = reviews.accounts_review(
                    actor=user,
                    numbers=request.POST.getlist("account"),
                    decision=request.POST.get("decision", ""),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("%(n)s accounts reviewed.") % {"n": len(done)})
        except (DomainError, ValueError) as exc:
            text = error_message(exc) if isinstance(exc, DomainError) else _("Review levels are 0, 1 or 2.")
            messages.error(request, text)
        return redirect("accounts:account_reviews")
    unit = user.service_unit
    context = {
        "queue": reviews.account_review_queue(user),
        "unit": unit,
        "levels": reviews.account_review_levels(),
        "sets_policy": unit is None or unit.level == UnitLevel.CENTRE,
    }
    return render(request, "accounts/account_reviews.html", context)
