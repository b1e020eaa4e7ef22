"""Pages for learner accounts: sign up, my account and export, and staff finding or opening accounts."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from creditbank.apps.accounts.account_reviews import account_reviews_of
from creditbank.apps.accounts.collective import counter_code, counter_open, roster_code
from creditbank.apps.accounts.collective_views import activation_url
from creditbank.apps.accounts.documents import document_file, document_get, documents_of
from creditbank.apps.accounts.learners import (
    SignIn,
    learner_export,
    learner_find,
    learner_identity,
    learner_of,
    learner_open,
)
from creditbank.apps.accounts.models import Learner, Region
from creditbank.apps.accounts.permissions import Action, allowed
from creditbank.core.errors import DomainError
from creditbank.core.identity import IdScheme
from creditbank.web.errors import error_message

FIELDS = ("full_name", "id_scheme", "id_number", "id_country", "region")


def _account_fields(data: Any) -> dict[str, str]:
    return {k: str(data.get(k, "")) for k in FIELDS}


def _form_context(data: Any) -> dict[str, Any]:
    return {
        "schemes": list(IdScheme),
        "regions": Region.choices,
        "values": {k: data.get(k, "") for k in (*FIELDS, "username")},
    }


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    context = _form_context(request.POST)
    if request.method == "POST":
        if request.POST.get("password") != request.POST.get("password2"):
            context["error"] = _("The two passwords differ.")
            return render(request, "accounts/signup.html", context, status=422)
        try:
            fields = _account_fields(request.POST)
            learner = learner_open(
                actor=None,
                full_name=fields["full_name"],
                id_scheme=fields["id_scheme"],
                id_number=fields["id_number"],
                id_country=fields["id_country"],
                region=fields["region"],
                sign_in=SignIn(request.POST.get("username", ""), request.POST.get("password", "")),
            )
        except DomainError as exc:
            context["error"] = error_message(exc)
            return render(request, "accounts/signup.html", context, status=exc.status)
        assert learner.user is not None
        login(request, learner.user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("accounts:my_account")
    return render(request, "accounts/signup.html", context)


@login_required
def my_account(request: HttpRequest) -> HttpResponse:
    try:
        learner = learner_of(request.user)
    except DomainError as exc:
        return render(request, "frameworks/problem.html", {"error": error_message(exc)}, status=exc.status)
    context = {
        "learner": learner,
        "identity": learner_identity(learner),
        "documents": documents_of(actor=request.user, learner=learner),
        "reviews": account_reviews_of(learner),
    }
    return render(request, "accounts/my_account.html", context)


@login_required
def my_export(request: HttpRequest) -> HttpResponse:
    try:
        data = learner_export(actor=request.user, learner=learner_of(request.user))
    except DomainError as exc:
        return render(request, "frameworks/problem.html", {"error": error_message(exc)}, status=exc.status)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="creditbank-{data["account"]["learner_number"]}.json"'
    )
    return response


@login_required
def learners(request: HttpRequest) -> HttpResponse:
    """Staff: find a person's account by identity document, or open one for a learner who is present."""
    if not allowed(request.user, Action.FIND_LEARNER):
        raise DjangoPermissionDenied
    # Both forms POST: identity numbers never appear in URLs, server logs or browser history.
    data = request.POST
    context = _form_context(data)
    status = 200
    try:
        if request.method == "POST" and data.get("action") == "find":
            context["found"] = learner_find(
                actor=request.user,
                id_scheme=data.get("id_scheme", ""),
                id_number=data.get("id_number", ""),
                id_country=data.get("id_country", ""),
            )
        elif request.method == "POST":
            fields = _account_fields(data)
            opened, _code = counter_open(
                actor=request.user,
                full_name=fields["full_name"],
                id_scheme=fields["id_scheme"],
                id_number=fields["id_number"],
                id_country=fields["id_country"],
                region=fields["region"],
            )
            return redirect("accounts:receipt", opened.public_id)
    except DomainError as exc:
        context["error"] = error_message(exc)
        context["existing"] = exc.details.get("learner")
        status = exc.status
    return render(request, "accounts/learners.html", context, status=status)


@login_required
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    """The learner at the counter: the receipt they take home (their number, how the account was
    opened, the one-time code that lets them set their own sign-in while it is unused) and the paper
    documents they brought, scanned and filed here."""
    if not allowed(request.user, Action.FIND_LEARNER):
        raise DjangoPermissionDenied
    learner = (
        Learner.objects.select_related("opened_by__service_unit", "opened_at_institution")
        .filter(public_id=number)
        .first()
    )
    if learner is None:
        raise Http404
    error, status = "", 200
    if request.method == "POST":
        scan = request.FILES.get("file")
        try:
            document = document_file(
                actor=request.user,
                learner=learner,
                title=request.POST.get("title", ""),
                name=(scan.name or "") if scan else "",
                content=scan.read() if scan else b"",
            )
            messages.success(request, _("%(title)s is filed on the account.") % {"title": document.title})
            return redirect("accounts:receipt", learner.public_id)
        except DomainError as exc:
            error, status = error_message(exc), exc.status
    entry = counter_code(learner)
    context = {
        "error": error,
        "title": request.POST.get("title", ""),
        "documents": documents_of(actor=request.user, learner=learner),
        "reviews": account_reviews_of(learner),
        "learner": learner,
        "identity": learner_identity(learner),
        "code": roster_code(entry) if entry else "",
        "expires": entry.code_expires_at if entry else None,
        "activate_at": activation_url(),
        "unit": getattr(learner.opened_by, "service_unit", None),
    }
    return render(request, "accounts/receipt.html", context, status=status)


@login_required
def document(request: HttpRequest, document_id: int) -> FileResponse:
    """A filed document, for the learner, the bank and the institution whose staff filed it."""
    try:
        found = document_get(actor=request.user, document_id=document_id)
    except DomainError:
        raise Http404 from None
    return FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.original_name,
        content_type=found.content_type,
    )
