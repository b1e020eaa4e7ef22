"""The bank's page for an entry's life after accreditation: change its validity, or remove it,
seeing first which deposited outcomes the change touches."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from creditbank.apps.accounts.permissions import Action, allowed
from creditbank.apps.register import lifecycle
from creditbank.apps.register.services import entry_get
from creditbank.core.errors import DomainError, InvalidInput, NotFound, gettext_noop
from creditbank.web.errors import error_message


def _date(text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(gettext_noop("Dates are written YYYY-MM-DD.")) from None


@login_required
@require_http_methods(["GET", "POST"])
def entry_lifecycle(request: HttpRequest, code: str) -> HttpResponse:
    user: Any = request.user
    if not allowed(user, Action.RECORD_ACCREDITATION):
        raise PermissionDenied
    try:
        entry = entry_get(code)
    except NotFound:
        raise Http404 from None
    context: dict[str, Any] = {"entry": entry, "values": request.POST}
    status = 200
    if request.method == "POST":
        apply = request.POST.get("apply") == "yes"
        try:
            if request.POST.get("action") == "remove":
                entry, effect = lifecycle.entry_remove(
                    actor=user, code=entry.code, cause=request.POST.get("cause", ""),
                    reason=request.POST.get("reason", ""), apply=apply,
                )  # fmt: skip
            else:
                entry, effect = lifecycle.validity_change(
                    actor=user, code=entry.code, valid_to=_date(request.POST.get("valid_to", "")),
                    reason=request.POST.get("reason", ""), apply=apply,
                )  # fmt: skip
            if apply:
                messages.success(
                    request, _("The register entry is changed; the outcomes listed were handled.")
                )
                return redirect("register:lifecycle", entry.code)
            context.update(effect=effect, preview_of=request.POST.get("action", "validity"))
        except DomainError as exc:
            context["error"] = error_message(exc)
            status = exc.status
    return render(request, "register/lifecycle.html", context, status=status)
