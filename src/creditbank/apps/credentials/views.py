"""Pages: a learner's credentials (issue, download, share by QR), an institution's issued
credentials (revoke, suspend, reinstate) and signing keys, and the public verifier."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from creditbank.apps.accounts.institutions import institution_get
from creditbank.apps.accounts.learners import learner_of
from creditbank.apps.accounts.models import Institution
from creditbank.apps.accounts.permissions import Action, allowed
from creditbank.apps.credentials import keys, sharing, status
from creditbank.apps.credentials.models import Credential
from creditbank.apps.credentials.presenters import credential_state, report_out, verify_url
from creditbank.apps.credentials.qr import qr_svg
from creditbank.apps.credentials.selectors import certifiable_outcomes, credentials_for, issuer_keys
from creditbank.apps.credentials.services import (
    credential_get,
    credential_issue,
    credential_reinstate,
    credential_revoke,
    credential_suspend,
    record_issue,
)
from creditbank.apps.credentials.status import public_url
from creditbank.apps.credentials.verify import credential_verify, parse
from creditbank.core.credentials.badges import read_badge
from creditbank.core.credentials.data_integrity import SUITES
from creditbank.core.credentials.multikey import public_multikey
from creditbank.core.credentials.records import embedded_credentials
from creditbank.core.errors import DomainError, InvalidInput, NotFound, gettext_noop
from creditbank.web.errors import error_message


@login_required
@require_http_methods(["GET", "POST"])
def credentials(request: HttpRequest) -> HttpResponse:
    # The learner's own page, an institution's own credentials, or the bank's.
    if not allowed(request.user, Action.ISSUE_CREDENTIAL, learner_user_id=request.user.pk):
        raise PermissionDenied
    error = ""
    if request.method == "POST" and request.POST.get("action") == "record":
        try:
            made = record_issue(
                actor=request.user, learner=learner_of(request.user), language=get_language() or "zh-hans"
            )
            messages.success(request, _("Your whole record is issued as one credential."))
            return redirect("credentials:detail", made.id)
        except DomainError as exc:
            error = error_message(exc)
    elif request.method == "POST":
        try:
            made = credential_issue(
                actor=request.user,
                outcome_id=int(request.POST.get("outcome", "0") or 0),
                suite=request.POST.get("suite", SUITES[1]),
                language=request.POST.get("language") or get_language() or "zh-hans",
            )
            messages.success(request, _("Credential issued."))
            return redirect("credentials:detail", made.id)
        except DomainError as exc:
            error = error_message(exc)
    context: dict[str, Any] = {
        "credentials": [(c, credential_state(c)) for c in credentials_for(request.user)],
        "outcomes": certifiable_outcomes(request.user),
        "suites": SUITES,
        "error": error,
        "can_keys": allowed(request.user, Action.MANAGE_ISSUER_KEYS),
    }
    return render(request, "credentials/credentials.html", context, status=422 if error else 200)


def _readable(request: HttpRequest, credential_id: UUID) -> Credential:
    try:
        return credential_get(actor=request.user, credential_id=credential_id)
    except NotFound:
        raise Http404 from None
    except DomainError:
        raise PermissionDenied from None


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, credential_id: UUID) -> HttpResponse:
    credential = _readable(request, credential_id)
    can_revoke = allowed(request.user, Action.REVOKE_CREDENTIAL, institution_id=credential.institution_id)
    error = ""
    if request.method == "POST":
        if not can_revoke:
            raise PermissionDenied
        change = {
            "revoke": credential_revoke,
            "suspend": credential_suspend,
            "reinstate": credential_reinstate,
        }.get(request.POST.get("action", ""))
        if change is None:
            error = _("Choose revoke, suspend or reinstate.")
        else:
            try:
                change(actor=request.user, credential_id=credential.id, reason=request.POST.get("reason", ""))
                messages.success(request, _("The credential's status is changed and published."))
                return redirect("credentials:detail", credential.id)
            except DomainError as exc:
                error = error_message(exc)
    link = verify_url(credential)
    context = {
        "credential": credential,
        "state": credential_state(credential),
        "summary": read_badge(credential.document),
        "contains": len(embedded_credentials(credential.document)),
        "document": json.dumps(credential.document, ensure_ascii=False, indent=2),
        "verify_link": link,
        "qr": mark_safe(qr_svg(link)),  # noqa: S308 (segno's own SVG of our URL)
        "can_revoke": can_revoke,
        "error": error,
    }
    return render(request, "credentials/detail.html", context, status=422 if error else 200)


@login_required
def download(request: HttpRequest, credential_id: UUID) -> HttpResponse:
    credential = _readable(request, credential_id)
    response = HttpResponse(
        json.dumps(credential.document, ensure_ascii=False, indent=2), content_type="application/ld+json"
    )
    response["Content-Disposition"] = f'attachment; filename="credential-{credential.id}.json"'
    return response


@login_required
def certificate(request: HttpRequest, credential_id: UUID) -> HttpResponse:
    """The printable certificate (PDF, in the credential's language) whose QR code verifies it."""
    from creditbank.apps.credentials.certificates import certificate_pdf

    credential = _readable(request, credential_id)
    try:
        document = certificate_pdf(credential)
    except DomainError as exc:
        return render(request, "frameworks/problem.html", {"error": error_message(exc)}, status=exc.status)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{credential.id}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def issuer_key_list(request: HttpRequest) -> HttpResponse:
    if not allowed(request.user, Action.MANAGE_ISSUER_KEYS):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "rotate":
                wanted = request.POST.get("institution") or getattr(request.user, "institution_id", None)
                institution = Institution.objects.filter(pk=int(wanted)).first() if wanted else None
                if institution is None:
                    error = _("Choose the institution whose key to rotate.")
                else:
                    keys.key_rotate(
                        actor=request.user, institution=institution, note=request.POST.get("note", "")
                    )
                    messages.success(request, _("A new signing key is in use; the old one is retired."))
                    return redirect("credentials:keys")
            elif request.POST.get("action") == "compromised":
                keys.key_mark_compromised(
                    actor=request.user,
                    key_id=int(request.POST.get("key", "0") or 0),
                    note=request.POST.get("note", ""),
                )
                messages.success(request, _("The key is marked compromised; what it signed is flagged."))
                return redirect("credentials:keys")
        except DomainError as exc:
            error = error_message(exc)
    rows = [
        (k, public_multikey(bytes(k.public_key)), keys.verification_method(k.institution, k))
        for k in issuer_keys(request.user)
    ]
    context = {
        "rows": rows,
        "error": error,
        "institutions": Institution.objects.all() if request.user.role == "operator" else [],  # type: ignore[union-attr]
    }
    return render(request, "credentials/keys.html", context, status=422 if error else 200)


def _report_context(report: Any) -> dict[str, Any]:
    return {"report": report_out(report, gettext)}


@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    """The public verifier: paste the JSON or upload the file; no account needed."""
    context: dict[str, Any] = {"pasted": ""}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        raw: str | bytes = upload.read(1024 * 1024 + 1) if upload else request.POST.get("credential", "")
        context["pasted"] = raw if isinstance(raw, str) else ""
        try:
            context.update(_report_context(credential_verify(parse(raw), language=get_language() or "en")))
        except DomainError as exc:
            context["error"] = error_message(exc)
            status = exc.status
    return render(request, "credentials/verify.html", context, status=status)


def verify_stored(request: HttpRequest, credential_id: UUID) -> HttpResponse:
    """What a certificate's QR code opens: the credential the bank issued, verified now."""
    credential = Credential.objects.filter(pk=credential_id).first()
    context: dict[str, Any] = {"pasted": "", "stored": True}
    if credential is None:
        context["error"] = _("This bank has issued no credential with this link.")
        return render(request, "credentials/verify.html", context, status=404)
    context.update(_report_context(credential_verify(credential.document, language=get_language() or "en")))
    return render(request, "credentials/verify.html", context)


def status_list(request: HttpRequest, list_id: int) -> HttpResponse:
    """A published status list credential: verifiers fetch it to see whether a credential is revoked."""
    try:
        document = status.published(list_id)
    except DomainError as exc:
        return HttpResponse(error_message(exc), status=exc.status, content_type="text/plain; charset=utf-8")
    return HttpResponse(json.dumps(document), content_type="application/vc+ld+json")


def did_document(request: HttpRequest, code: str) -> HttpResponse:
    """An institution's did:web document, for it to publish at https://<its domain>/.well-known/did.json."""
    try:
        document = keys.did_document(institution_get(code))
    except DomainError as exc:
        return HttpResponse(error_message(exc), status=exc.status, content_type="text/plain; charset=utf-8")
    return HttpResponse(json.dumps(document), content_type="application/did+json")


@login_required
@require_http_methods(["GET", "POST"])
def shares(request: HttpRequest) -> HttpResponse:
    """The learner's links: make one for chosen outcomes, see who opened each, withdraw one."""
    if not allowed(request.user, Action.SHARE_RECORD, learner_user_id=request.user.pk):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "revoke":
                sharing.share_revoke(actor=request.user, link_id=int(request.POST.get("link", "0") or 0))
                messages.success(request, _("The link is withdrawn: it no longer opens."))
                return redirect("credentials:shares")
            link, _token = sharing.share_create(
                actor=request.user,
                outcome_ids=[int(v) for v in request.POST.getlist("outcome") if v.isdigit()],
                label=request.POST.get("label", ""),
                expires_on=_date(request.POST.get("expires_on", "")),
                language=get_language() or "zh-hans",
            )
            messages.success(request, _("Link made. Copy it and send it to whom it is for."))
            return redirect("credentials:share", link.pk)
        except DomainError as exc:
            error = error_message(exc)
    context = {
        "links": sharing.shares_of(request.user),
        "outcomes": certifiable_outcomes(request.user),
        "default_expiry": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "error": error,
        "now": timezone.now(),
    }
    return render(request, "credentials/shares.html", context, status=422 if error else 200)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(gettext_noop("Give the expiry as a date (YYYY-MM-DD).")) from None


@login_required
def share(request: HttpRequest, link_id: int) -> HttpResponse:
    try:
        link = sharing.share_get(actor=request.user, link_id=link_id)
    except NotFound:
        raise Http404 from None
    except DomainError:
        raise PermissionDenied from None
    url = public_url(reverse("shared", args=[sharing.share_token(link)]))
    context = {
        "link": link,
        "url": url,
        "qr": mark_safe(qr_svg(url)),  # noqa: S308 (segno's own SVG of our URL)
        "credentials": link.credentials.select_related("outcome__entry"),
        "accesses": link.accesses.all()[:200],
        "now": timezone.now(),
    }
    return render(request, "credentials/share.html", context)


def shared(request: HttpRequest, token: str) -> HttpResponse:
    """What an employer sees through a learner's link: each shared credential, verified now."""
    try:
        link, found = sharing.share_open(
            token,
            address=request.META.get("REMOTE_ADDR", ""),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
    except DomainError as exc:
        return render(request, "credentials/shared.html", {"error": error_message(exc)}, status=exc.status)
    language = get_language() or "en"
    items = [(c, report_out(credential_verify(c.document, language=language), gettext)) for c in found]
    return render(request, "credentials/shared.html", {"link": link, "items": items})
