"""Pages for issuer feeds: the certificate body sees each feed's deliveries and their error reports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from creditbank.apps.accounts.models import Institution
from creditbank.apps.accounts.permissions import Action, allowed, role_of
from creditbank.apps.deposits import feeds
from creditbank.core.errors import DomainError, InvalidInput, NotFound, gettext_noop
from creditbank.web.errors import error_message


@login_required
@require_http_methods(["GET", "POST"])
def feed_list(request: HttpRequest) -> HttpResponse:
    if not allowed(request.user, Action.MANAGE_FEEDS):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        wanted = request.POST.get("institution") or getattr(request.user, "institution_id", None)
        institution = Institution.objects.filter(pk=int(wanted)).first() if wanted else None
        try:
            if institution is None:
                raise InvalidInput(gettext_noop("Choose the certificate body."))
            made = feeds.feed_create(
                actor=request.user,
                institution=institution,
                code=request.POST.get("code", ""),
                name=request.POST.get("name", ""),
            )
            messages.success(request, _("Feed %(code)s is ready for deliveries.") % {"code": made.code})
            return redirect("deposits:feed", made.code)
        except DomainError as exc:
            error = error_message(exc)
    context: dict[str, Any] = {
        "statuses": [feeds.feed_status(f, recent=1) for f in feeds.feeds_for(request.user)],
        "institutions": Institution.objects.all() if role_of(request.user) == "operator" else [],
        "error": error,
    }
    return render(request, "deposits/feeds.html", context, status=422 if error else 200)


@login_required
def feed_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        feed = feeds.feed_get(actor=request.user, code=code)
    except NotFound:
        raise Http404 from None
    except DomainError:
        raise PermissionDenied from None
    return render(request, "deposits/feed.html", {"status": feeds.feed_status(feed, recent=50)})
