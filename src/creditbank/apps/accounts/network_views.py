"""The service network page: units, their staff and the institutions each site serves."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from creditbank.apps.accounts import network
from creditbank.apps.accounts.models import Institution, UnitLevel, User
from creditbank.apps.accounts.permissions import Action, allowed
from creditbank.core.errors import DomainError
from creditbank.web.errors import error_message


@login_required
@require_http_methods(["GET", "POST"])
def network_page(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not allowed(user, Action.MANAGE_NETWORK):
        raise PermissionDenied
    if request.method == "POST":
        data = request.POST
        try:
            action = data.get("action")
            if action == "staff":
                network.unit_assign_staff(
                    actor=user, code=data.get("unit", ""), username=data.get("username", "")
                )
            elif action == "institution":
                network.unit_assign_institution(
                    actor=user, code=data.get("unit", ""), institution=data.get("institution", "")
                )
            else:
                network.unit_create(
                    actor=user, code=data.get("code", ""), name_en=data.get("name_en", ""), name_zh=data.get("name_zh", ""),
                    level=data.get("level", ""), parent=data.get("parent", ""), territory=data.get("territory", ""),
                )  # fmt: skip
            messages.success(request, _("The service network is updated."))
        except DomainError as exc:
            messages.error(request, error_message(exc))
        return redirect("accounts:network")
    tree = network.units_tree()
    context = {
        "tree": [
            (
                unit,
                depth,
                User.objects.filter(service_unit=unit),
                Institution.objects.filter(service_unit=unit),
            )
            for unit, depth in tree
        ],
        "units": [unit for unit, _depth in tree],
        "levels": UnitLevel.choices,
        "staff": User.objects.filter(role="operator"),
        "institutions": Institution.objects.all(),
    }
    return render(request, "accounts/network.html", context)
