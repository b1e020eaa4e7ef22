"""Pages for institution staff and operators: API keys of an institution."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from creditbank.apps.accounts.models import Institution
from creditbank.apps.accounts.permissions import Action, allowed
from creditbank.apps.accounts.services import api_key_create, api_key_revoke
from creditbank.core.errors import DomainError
from creditbank.web.errors import error_message
from creditbank.web.institutions import institution_choice


@login_required
def api_keys(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not allowed(user, Action.MANAGE_API_KEYS):
        raise DjangoPermissionDenied
    institutions, institution = institution_choice(
        user, request.GET.get("institution") or request.POST.get("institution")
    )
    context: dict[str, Any] = {"institutions": institutions, "institution": institution, "secret": None}
    if request.method == "POST":
        try:
            if request.POST.get("revoke"):
                key = api_key_revoke(actor=user, prefix=request.POST["revoke"])
                messages.success(request, _("Key %(prefix)s revoked.") % {"prefix": key.prefix})
                return redirect(f"{request.path}?institution={institution.code}")
            issued = api_key_create(actor=user, institution=institution, name=request.POST.get("name", ""))
            context["secret"] = issued.secret
        except DomainError as exc:
            context["error"] = error_message(exc)
    if allowed(user, Action.MANAGE_API_KEYS, institution_id=institution.pk):
        context["keys"] = list(institution.api_keys.all())
    return render(request, "accounts/api_keys.html", context)


@login_required
def institutions(request: HttpRequest) -> HttpResponse:
    """Operators: the alliance's institutions, their identity and membership dates."""
    from datetime import date

    from creditbank.apps.accounts.institutions import institution_alliance, institution_register
    from creditbank.apps.accounts.models import InstitutionKind, Region

    user: Any = request.user
    if not allowed(user, Action.MANAGE_INSTITUTIONS):
        raise DjangoPermissionDenied
    fields = ("code", "name_en", "name_zh", "kind", "region", "city", "uscc")
    context: dict[str, Any] = {
        "kinds": InstitutionKind.choices,
        "regions": Region.choices,
        "values": {k: request.POST.get(k, "") for k in fields},
    }
    if request.method == "POST":
        try:
            if request.POST.get("action") == "alliance":
                joined, left = request.POST.get("joined") or None, request.POST.get("left") or None
                institution_alliance(
                    actor=user,
                    code=request.POST.get("code", ""),
                    joined=date.fromisoformat(joined) if joined else None,
                    left=date.fromisoformat(left) if left else None,
                )
            else:
                institution_register(actor=user, **context["values"])
            return redirect("accounts:institutions")
        except ValueError:
            context["error"] = _("Dates are written YYYY-MM-DD.")
        except DomainError as exc:
            context["error"] = error_message(exc)
    context["institutions"] = Institution.objects.order_by("region", "code")
    return render(request, "accounts/institutions.html", context, status=422 if context.get("error") else 200)


@login_required
def assessors(request: HttpRequest) -> HttpResponse:
    """Operators: assessors, their home institution and the sectors they can judge."""
    from creditbank.apps.accounts.assessors import assessor_set_sectors
    from creditbank.apps.accounts.models import Role, User
    from creditbank.apps.register.models import Sector

    user: Any = request.user
    if not allowed(user, Action.MANAGE_ASSESSORS):
        raise DjangoPermissionDenied
    error = None
    if request.method == "POST":
        try:
            assessor_set_sectors(
                actor=user, username=request.POST.get("username", ""), sectors=request.POST.getlist("sector")
            )
            return redirect("accounts:assessors")
        except DomainError as exc:
            error = error_message(exc)
    people = User.objects.filter(role=Role.ASSESSOR).select_related("institution").order_by("username")
    return render(
        request,
        "accounts/assessors.html",
        {"assessors": people, "sectors": Sector.choices, "error": error},
        status=422 if error else 200,
    )
