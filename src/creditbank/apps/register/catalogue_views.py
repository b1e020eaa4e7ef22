"""Pages of the published catalogue: the editions, one edition's items, and what changed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from creditbank.apps.accounts.permissions import Action, allowed
from creditbank.apps.register import catalogue
from creditbank.apps.register.models import CatalogueEdition
from creditbank.core.errors import DomainError, NotFound
from creditbank.web.errors import error_message


@require_http_methods(["GET", "POST"])
def editions(request: HttpRequest) -> HttpResponse:
    """Anyone reads the catalogue; the bank publishes a year's edition."""
    if request.method == "POST":
        try:
            made = catalogue.catalogue_publish(
                actor=request.user,
                year=int(request.POST.get("year", "0") or 0),
                note=request.POST.get("note", ""),
            )
            messages.success(request, _("The %(year)s catalogue is published.") % {"year": made.year})
            return redirect("register:catalogue_edition", made.year)
        except DomainError as exc:
            messages.error(request, error_message(exc))
        return redirect("register:catalogue")
    context: dict[str, Any] = {
        "editions": CatalogueEdition.objects.all(),
        "publishes": allowed(request.user, Action.PUBLISH_CATALOGUE),
    }
    return render(request, "register/catalogue.html", context)


def edition(request: HttpRequest, year: int) -> HttpResponse:
    try:
        found = catalogue.catalogue_get(year)
        earlier, diff = catalogue.catalogue_compare(year)
    except NotFound:
        raise Http404 from None
    return render(
        request, "register/catalogue_edition.html", {"edition": found, "earlier": earlier, "diff": diff}
    )
