"""Pages for collective accounts: institutions register a file of people and hand out codes; each
person activates their own account."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from creditbank.apps.accounts import collective
from creditbank.apps.accounts.models import Institution
from creditbank.apps.accounts.permissions import Action, allowed
from creditbank.apps.tables import read_table
from creditbank.config.checks import option
from creditbank.core.errors import DomainError, InvalidInput, NotFound, gettext_noop
from creditbank.core.rosters import COLUMNS, missing_roster_columns
from creditbank.web.errors import error_message


def activation_url() -> str:
    return str(option("PUBLIC_URL")) + reverse("accounts:activate")


def read_roster(raw: bytes, file_name: str) -> list[dict[str, Any]]:
    return read_table(raw, file_name, columns=COLUMNS, missing=missing_roster_columns)


def _institution(request: HttpRequest) -> Institution | None:
    wanted = request.POST.get("institution") or getattr(request.user, "institution_id", None)
    return Institution.objects.filter(pk=int(wanted)).first() if wanted else None


@login_required
@require_http_methods(["GET", "POST"])
def registrations(request: HttpRequest) -> HttpResponse:
    if not allowed(request.user, Action.REGISTER_COLLECTIVE):
        raise PermissionDenied
    context: dict[str, Any] = {"columns": COLUMNS}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        institution = _institution(request)
        try:
            if upload is None:
                raise InvalidInput(gettext_noop("Choose the file to register."))
            if institution is None:
                raise InvalidInput(gettext_noop("Choose the institution whose people these are."))
            done = collective.collective_register(
                actor=request.user,
                institution=institution,
                rows=read_roster(upload.read(), upload.name or ""),
                file_name=upload.name or "",
                good_rows_only=request.POST.get("good_rows_only") == "on",
            )
            if done.replayed:
                messages.info(request, _("This file was registered before; nothing new was made."))
            else:
                messages.success(request, _("Registered. Hand each person their activation code."))
            return redirect("accounts:registration", done.registration.pk)
        except DomainError as exc:
            context["error"] = error_message(exc)
            context["report"] = exc.details.get("report", [])
            status = exc.status
    context["registrations"] = collective.registrations_for(request.user)
    context["institutions"] = (
        Institution.objects.all() if getattr(request.user, "role", "") == "operator" else []
    )
    return render(request, "accounts/registrations.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def registration(request: HttpRequest, registration_id: int) -> HttpResponse:
    try:
        found = collective.registration_get(actor=request.user, registration_id=registration_id)
    except NotFound:
        raise Http404 from None
    except DomainError:
        raise PermissionDenied from None
    if request.method == "POST":
        try:
            entry = collective.roster_code_reissue(
                actor=request.user, entry_id=int(request.POST.get("entry", "0") or 0)
            )
            messages.success(
                request,
                _("New code for %(learner)s: %(code)s")
                % {"learner": entry.learner.public_id, "code": collective.roster_code(entry)},
            )
        except DomainError as exc:
            messages.error(request, error_message(exc))
        return redirect("accounts:registration", found.pk)
    if request.GET.get("format") == "csv":
        response = HttpResponse(
            collective.codes_csv(found, activation_url()), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="activation-codes-{found.pk}.csv"'
        return response
    entries = [(e, collective.entry_state(e)) for e in found.entries.select_related("learner").order_by("pk")]
    return render(
        request,
        "accounts/registration.html",
        {
            "registration": found,
            "entries": entries,
            "activated": sum(1 for _e, s in entries if s == "activated"),
        },
    )


@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest) -> HttpResponse:
    """A person registered by their institution sets their own username and password."""
    if request.user.is_authenticated:
        return redirect("home")
    context: dict[str, Any] = {"values": {k: request.POST.get(k, "") for k in ("learner_number", "username")}}
    if request.method == "POST":
        if request.POST.get("password") != request.POST.get("password2"):
            context["error"] = _("The two passwords differ.")
            return render(request, "accounts/activate.html", context, status=422)
        try:
            learner = collective.learner_activate(
                learner_number=request.POST.get("learner_number", ""),
                code=request.POST.get("code", ""),
                id_number=request.POST.get("id_number", ""),
                username=request.POST.get("username", ""),
                password=request.POST.get("password", ""),
            )
        except DomainError as exc:
            context["error"] = error_message(exc)
            return render(request, "accounts/activate.html", context, status=exc.status)
        assert learner.user is not None
        login(request, learner.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your lifelong learning account is active."))
        return redirect("accounts:my_account")
    return render(request, "accounts/activate.html", context)
