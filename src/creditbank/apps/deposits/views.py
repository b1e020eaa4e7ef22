"""Pages: an institution's deposits (one outcome, a file, batches, corrections) and the learner statement."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from creditbank.apps.accounts.learners import learner_of
from creditbank.apps.accounts.permissions import Action, allowed, role_of
from creditbank.apps.deposits import files, selectors
from creditbank.apps.deposits.jobs import job_get, job_submit, runs_in_background
from creditbank.apps.deposits.models import DepositJob, ImportBatch, LearningOutcome
from creditbank.apps.deposits.services import (
    BatchRejected,
    deposit_batch,
    deposit_one,
    file_batch_key,
    outcome_amend,
    outcome_revoke,
)
from creditbank.config.checks import option
from creditbank.core.deposits import COLUMNS, OutcomeType
from creditbank.core.errors import DomainError, NotFound, gettext_noop
from creditbank.web.errors import error_message
from creditbank.web.institutions import institution_choice


@login_required
def deposits(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not allowed(user, Action.DEPOSIT_OUTCOMES):
        raise DjangoPermissionDenied
    institutions, institution = institution_choice(
        user, request.POST.get("institution") or request.GET.get("institution")
    )
    context: dict[str, Any] = {
        "institution": institution,
        "institutions": institutions,
        "types": list(OutcomeType),
        "values": {k: request.POST.get(k, "") for k in COLUMNS},
        "columns": COLUMNS,
        "background_bytes": option("BACKGROUND_UPLOAD_BYTES"),
    }
    status = 200
    if request.method == "POST":
        try:
            if upload := request.FILES.get("file"):
                if runs_in_background(upload.size or 0):
                    job = job_submit(
                        actor=user,
                        raw=upload.read(),
                        file_name=upload.name or "",
                        institution_code=institution.code,
                        good_rows_only=bool(request.POST.get("good_rows_only")),
                    )
                    return redirect("deposits:job", job_id=job.pk)
                rows = files.read_rows(upload.read(), upload.name or "")
                done = deposit_batch(
                    actor=user,
                    rows=rows,
                    institution_code=institution.code,
                    idempotency_key=request.POST.get("key") or file_batch_key(rows),
                    good_rows_only=bool(request.POST.get("good_rows_only")),
                    file_name=upload.name or "",
                )
                if done.replayed:
                    messages.info(request, _("This file was deposited before; nothing new was stored."))
                return redirect("deposits:batch", batch_id=done.batch.pk)
            row = {k: v for k, v in context["values"].items() if v}
            outcome = deposit_one(actor=user, row=row, institution_code=institution.code)
            messages.success(
                request,
                _("Deposited outcome %(id)s for %(learner)s.")
                % {"id": outcome.pk, "learner": outcome.learner.public_id},
            )
            return redirect(f"{request.path}?institution={institution.code}")
        except BatchRejected as exc:
            context["error"] = error_message(exc)
            context["report"] = exc.details.get("report", [])
            status = exc.status
        except DomainError as exc:
            context["error"] = error_message(exc)
            status = exc.status
    context["batches"] = ImportBatch.objects.filter(institution=institution)[:20]
    context["jobs"] = DepositJob.objects.filter(institution=institution)[:10]
    context["outcomes"] = selectors.institution_outcomes(institution.pk, 50)
    return render(request, "deposits/deposits.html", context, status=status)


@login_required
def batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    found = get_object_or_404(ImportBatch.objects.select_related("institution"), pk=batch_id)
    if not allowed(request.user, Action.DEPOSIT_OUTCOMES, institution_id=found.institution_id):
        raise Http404
    return render(request, "deposits/batch.html", {"batch": found})


@login_required
def batch_problems_csv(request: HttpRequest, batch_id: int) -> HttpResponse:
    found = get_object_or_404(ImportBatch, pk=batch_id)
    if not allowed(request.user, Action.DEPOSIT_OUTCOMES, institution_id=found.institution_id):
        raise Http404
    return _problems_csv(found.problems, f"batch-{found.pk}-problems.csv")


def _problems_csv(report: list[dict[str, Any]], file_name: str) -> HttpResponse:
    """The problem report as a spreadsheet: one line per problem, with the file's line number."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["line", "problem"])
    for issue in report:
        for problem in issue["problems"]:
            writer.writerow([issue["line"], problem])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def _own_job(request: HttpRequest, job_id: int) -> DepositJob:
    if not allowed(request.user, Action.DEPOSIT_OUTCOMES):
        raise DjangoPermissionDenied
    try:
        return job_get(actor=request.user, job_id=job_id)
    except NotFound:
        raise Http404 from None


@login_required
def job(request: HttpRequest, job_id: int) -> HttpResponse:
    """A background deposit: its progress while it runs (the page polls itself), then its result."""
    found = _own_job(request, job_id)
    error = DomainError.from_record(found.error) if found.error else None
    return render(
        request,
        "deposits/job.html",
        {"job": found, "error": error_message(error) if error else ""},
    )


@login_required
def job_problems_csv(request: HttpRequest, job_id: int) -> HttpResponse:
    found = _own_job(request, job_id)
    return _problems_csv(found.problems, f"job-{found.pk}-problems.csv")


def template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("\ufeff" + files.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="creditbank-deposit-template.csv"'
    return response


@login_required
def outcome(request: HttpRequest, outcome_id: int) -> HttpResponse:
    found = get_object_or_404(
        LearningOutcome.objects.select_related("learner", "entry", "institution"), pk=outcome_id
    )
    if not allowed(request.user, Action.DEPOSIT_OUTCOMES, institution_id=found.institution_id):
        raise Http404
    context: dict[str, Any] = {"outcome": found}
    if request.method == "POST":
        try:
            if request.POST.get("action") == "revoke":
                outcome_revoke(actor=request.user, outcome_id=found.pk, reason=request.POST.get("reason", ""))
                return redirect("deposits:outcome", outcome_id=found.pk)
            from datetime import date

            raw_date = request.POST.get("achieved_on") or ""
            new = outcome_amend(
                actor=request.user,
                outcome_id=found.pk,
                reason=request.POST.get("reason", ""),
                result=request.POST.get("result") or None,
                achieved_on=date.fromisoformat(raw_date) if raw_date else None,
            )
            return redirect("deposits:outcome", outcome_id=new.pk)
        except ValueError:
            context["error"] = _("The date is written YYYY-MM-DD.")
        except DomainError as exc:
            context["error"] = error_message(exc)
    return render(request, "deposits/outcome.html", context, status=422 if context.get("error") else 200)


def _as_of(request: HttpRequest, learner: Any) -> dict[str, Any] | None:
    """The record as the ledger shows it at the end of ?as_of=YYYY-MM-DD, or why it cannot be shown."""
    from creditbank.apps.deposits.history import record_as_of

    raw = request.GET.get("as_of", "")
    if not raw:
        return None
    try:
        on = date.fromisoformat(raw)
    except ValueError:
        return {"on": raw, "error": _("The date is written YYYY-MM-DD.")}
    try:
        return {"on": on, "items": record_as_of(actor=request.user, learner=learner, on=on)}
    except DomainError as exc:
        return {"on": on, "error": error_message(exc)}


def _record_form(request: HttpRequest) -> dict[str, str]:
    fields = ("kind", "title", "organisation", "started_on", "ended_on", "hours", "points", "description")
    return {k: request.POST.get(k, "") for k in fields}


def _statement_post(request: HttpRequest, learner: Any) -> str:
    """The statement's forms: add learning that earns no credit, or withdraw a self-declared record.
    Returns the problem to show, or '' when done."""
    from creditbank.apps.deposits.records import record_add, record_withdraw

    try:
        if request.POST.get("action") == "withdraw_record":
            record_withdraw(
                actor=request.user,
                record_id=int(request.POST.get("record", "0") or 0),
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("The record is withdrawn; it stays on file, marked."))
        else:
            record_add(actor=request.user, learner=learner, data=_record_form(request))
            messages.success(request, _("Added to your lifelong record (no credit)."))
    except DomainError as exc:
        return error_message(exc)
    return ""


@login_required
def my_statement(request: HttpRequest) -> HttpResponse:
    try:
        learner = learner_of(request.user)
        found = selectors.statement(
            actor=request.user,
            learner=learner,
            outcome_type=request.GET.get("type", ""),
            framework=request.GET.get("framework", ""),
        )
    except DomainError as exc:
        return render(request, "frameworks/problem.html", {"error": error_message(exc)}, status=exc.status)
    if request.GET.get("format") == "pdf":
        from creditbank.apps.deposits.pdf import statement_pdf

        try:
            from creditbank.apps.credentials.presenters import verify_url
            from creditbank.apps.credentials.services import record_current
            from creditbank.apps.recognition.transfers import accepted_items

            try:  # a record credential to verify the paper by; none while nothing stands in the bank
                record = record_current(
                    actor=request.user, learner=learner, language=get_language() or "zh-hans"
                )
                link = verify_url(record)
            except DomainError:
                link = ""
            document = statement_pdf(found, accepted_items(learner), link)
        except DomainError as exc:
            return render(
                request, "frameworks/problem.html", {"error": error_message(exc)}, status=exc.status
            )
        response = HttpResponse(document, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="statement-{learner.public_id}.pdf"'
        return response
    if request.GET.get("format") == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            [
                "achieved_on",
                "unit_code",
                "title_en",
                "title_zh",
                "institution",
                "type",
                "result",
                "level",
                "credits",
                "credit_system",
            ]
        )
        for o in found.outcomes:
            writer.writerow(
                [
                    o.achieved_on,
                    o.entry.code,
                    o.entry.title_en,
                    o.entry.title_zh,
                    o.institution.code,
                    o.outcome_type,
                    o.result,
                    o.level_id,
                    o.credits,
                    o.credit_system,
                ]
            )
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="statement-{learner.public_id}.csv"'
        return response
    from creditbank.apps.deposits.records import records_of
    from creditbank.apps.recognition.transfers import accepted_items
    from creditbank.core.records import KIND_LABELS, RecordKind

    record_error = ""
    if request.method == "POST":
        record_error = _statement_post(request, learner)
        if not record_error:
            return redirect(reverse("deposits:statement") + "#records")
    return render(
        request,
        "deposits/statement.html",
        {
            "records": records_of(actor=request.user, learner=learner),
            "record_kinds": [(k.value, KIND_LABELS[k]) for k in RecordKind],
            "record_error": record_error,
            "record_values": _record_form(request) if record_error else {},
            "as_of": _as_of(request, learner),
            "statement": found,
            "types": list(OutcomeType),
            "params": request.GET,
            "transferred": accepted_items(learner),
        },
        status=422 if record_error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def records(request: HttpRequest) -> HttpResponse:
    """Institutions attest learning that earns no credit (work placements, community service,
    learning points) for a learner, and withdraw what they attested."""
    from creditbank.apps.accounts.models import Learner
    from creditbank.apps.deposits.models import LearningRecord
    from creditbank.apps.deposits.records import record_add, record_withdraw
    from creditbank.core.records import KIND_LABELS, RecordKind

    own = getattr(request.user, "institution_id", None)
    # Institutions attest here (and the bank); learners add their own on the statement page.
    if role_of(request.user) not in ("institution", "operator"):
        raise DjangoPermissionDenied
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "withdraw_record":
                record_withdraw(
                    actor=request.user,
                    record_id=int(request.POST.get("record", "0") or 0),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("The record is withdrawn; it stays on file, marked."))
            else:
                number = request.POST.get("learner_number", "").strip().upper()
                learner = Learner.objects.filter(public_id=number).first()
                if learner is None:
                    raise NotFound(gettext_noop("There is no learner %(number)s."), number=number or "—")
                record_add(actor=request.user, learner=learner, data=_record_form(request))
                messages.success(
                    request, _("Recorded for %(learner)s (no credit).") % {"learner": learner.public_id}
                )
            return redirect("deposits:records")
        except DomainError as exc:
            error = error_message(exc)
    attested = LearningRecord.objects.select_related("learner", "institution").order_by("-created_at")
    attested = attested.filter(institution_id=own) if own else attested.filter(institution__isnull=False)
    context = {
        "records": attested[:200],
        "record_kinds": [(k.value, KIND_LABELS[k]) for k in RecordKind],
        "values": {**_record_form(request), "learner_number": request.POST.get("learner_number", "")}
        if error
        else {},
        "error": error,
    }
    return render(request, "deposits/records.html", context, status=422 if error else 200)
