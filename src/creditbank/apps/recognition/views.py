"""Pages: a learner's pathways (what-if), and an institution's recognition rules and caps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import yaml
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from creditbank.apps.accounts.learners import learner_of
from creditbank.apps.accounts.models import Institution, Region
from creditbank.apps.accounts.permissions import Action, allowed
from creditbank.apps.deposits.models import JobState
from creditbank.apps.recognition import selectors
from creditbank.apps.recognition.agreements import (
    agreement_conflicts,
    agreement_create,
    agreement_get,
    agreement_sign,
    agreement_terminate,
    agreements_listed,
    conflicts_in_use,
)
from creditbank.apps.recognition.cohorts import cohort_get, cohort_submit
from creditbank.apps.recognition.models import (
    Agreement,
    AgreementStatus,
    ApplicationStatus,
    CohortAudit,
    ItemDecision,
    RecognitionRule,
    RecognitionStandard,
    RuleStatus,
    TransferApplication,
)
from creditbank.apps.recognition.presenters import application_out, pathway_out
from creditbank.apps.recognition.services import policy_set, presets, rule_publish, rule_retire
from creditbank.apps.recognition.standards import (
    standard_get,
    standard_import,
    standard_publish,
    standards_harmonise,
    standards_latest,
)
from creditbank.apps.recognition.transfers import (
    transfer_answer,
    transfer_appeal,
    transfer_apply,
    transfer_decide,
    transfer_view,
    transfer_withdraw,
    transfers_for,
)
from creditbank.apps.register.models import EntryType, RegisterEntry, Status
from creditbank.core.errors import DomainError, InvalidInput, NotFound
from creditbank.web.errors import error_message
from creditbank.web.institutions import institution_choice

MAX_DOCUMENT_CHARS = 20_000


def _qualifications() -> list[RegisterEntry]:
    """Accredited qualifications, newest version of each, for choosing a what-if target."""
    today = timezone.localdate()
    entries = RegisterEntry.objects.select_related("owner").filter(
        entry_type=EntryType.QUALIFICATION, status=Status.ACCREDITED, valid_from__lte=today
    )
    latest: dict[str, RegisterEntry] = {}
    for e in entries.order_by("code", "-version"):
        latest.setdefault(e.code, e)
    return sorted(latest.values(), key=lambda e: (e.owner.region, e.owner.code, e.code))


@login_required
def pathways(request: HttpRequest) -> HttpResponse:
    """What-if: what the learner's outcomes are worth for any qualification, applied to nothing."""
    user: Any = request.user
    staff = user.role == "operator"  # the bank looks at any learner's pathway; a learner at their own
    number = request.GET.get("learner", "").strip() or ("" if staff else "me")
    code = request.GET.get("qualification", "").strip()
    context: dict[str, Any] = {
        "qualifications": _qualifications(),
        "code": code,
        "number": number,
        "staff": staff,
    }
    status = 200
    try:
        if not number:
            if not allowed(user, Action.AUDIT_PATHWAY, learner_user_id=user.pk):
                raise DjangoPermissionDenied
            return render(request, "recognition/pathways.html", context)
        learner = selectors.learner_for(user, number)
        context["learner"] = learner
        if code:
            found = selectors.pathway(
                actor=user, learner=learner, qualification=code, on=timezone.localdate()
            )
            context["result"] = pathway_out(found, gettext)
            context["may_apply"] = allowed(user, Action.APPLY_TRANSFER, learner_user_id=learner.user_id)
    except DomainError as exc:
        if not allowed(user, Action.AUDIT_PATHWAY, learner_user_id=getattr(user, "pk", None)):
            raise DjangoPermissionDenied from None
        context["error"] = error_message(exc)
        status = exc.status
    # An HTMX answer also updates the language switcher's return address (out of band), so that
    # switching language keeps the question on screen.
    context["hx"] = bool(request.headers.get("HX-Request"))
    template = "recognition/_pathway.html" if context["hx"] else "recognition/pathways.html"
    return render(request, template, context, status=status)


def rules(request: HttpRequest) -> HttpResponse:
    """Rules in use are public; institutions (and operators) publish, retire and set caps here."""
    user: Any = request.user
    manages = allowed(user, Action.MANAGE_RECOGNITION)
    context: dict[str, Any] = {
        "manages": manages,
        "presets": presets(),
        "owner_filter": request.GET.get("owner", ""),
    }
    status = 200
    if manages:
        institutions, institution = institution_choice(
            user, request.POST.get("owner") or request.GET.get("owner")
        )
        context.update(institutions=institutions, institution=institution)
        if request.method == "POST":
            try:
                _act(request, user, institution.code)
                return redirect(f"{request.path}?owner={institution.code}")
            except DomainError as exc:
                context["error"] = error_message(exc)
                context["document"] = request.POST.get("document", "")
                status = exc.status
        context["own_rules"] = _with_yaml(
            selectors.rules_listed(owner=institution.code, include_inactive=True)
        )
        context["conflicts"] = [
            c.reason.render(gettext)
            for c in conflicts_in_use(owner="" if user.role == "operator" else institution.code)
        ]
        context["own_qualifications"] = [
            (q, selectors.policy_of(q.code)) for q in _qualifications() if q.owner_id == institution.pk
        ]
    elif request.method == "POST":
        raise DjangoPermissionDenied
    context["rules"] = _with_yaml(selectors.rules_listed(owner=context["owner_filter"]))
    return render(request, "recognition/rules.html", context, status=status)


def _with_yaml(rules: Iterable[RecognitionRule]) -> list[tuple[RecognitionRule, str]]:
    """Each rule with its document as YAML, so that anyone can read exactly what it says."""
    return [(r, yaml.safe_dump(r.document, allow_unicode=True, sort_keys=False)) for r in rules]


def _rule_document(raw: str) -> dict[str, Any]:
    """A rule typed as YAML or JSON in a form."""
    if len(raw) > MAX_DOCUMENT_CHARS:
        raise InvalidInput(_("The rule document is longer than 20,000 characters."))
    try:
        doc = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise InvalidInput(_("The rule is not valid YAML or JSON: %(error)s") % {"error": exc}) from None
    if not isinstance(doc, dict):
        raise InvalidInput(_("Write the rule as a mapping with code, source, target and valid_from."))
    return doc


def _act(request: HttpRequest, user: Any, owner: str) -> None:
    action = request.POST.get("action")
    if action == "publish":
        record = rule_publish(
            actor=user, doc=_rule_document(request.POST.get("document", "")), owner_code=owner
        )
        messages.success(
            request,
            _("Published %(code)s version %(version)s.") % {"code": record.code, "version": record.version},
        )
    elif action == "retire":
        record = rule_retire(
            actor=user, code=request.POST.get("code", ""), reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Retired %(code)s.") % {"code": record.code})
    elif action == "policy":
        policy = policy_set(
            actor=user,
            qualification=request.POST.get("qualification", ""),
            preset=request.POST.get("preset", ""),
        )
        messages.success(
            request,
            _("%(code)s now applies %(preset)s.") % {"code": policy.qualification, "preset": policy.preset},
        )
    else:
        raise InvalidInput(_("Unknown action."))


@login_required
def transfers(request: HttpRequest) -> HttpResponse:
    """A learner's applications, an institution's incoming queue, or all of them for the bank."""
    user: Any = request.user
    status = request.GET.get("status", "")
    try:
        found = list(transfers_for(user, status=status)[:200])
    except DomainError:
        raise DjangoPermissionDenied from None
    return render(
        request,
        "recognition/transfers.html",
        {"applications": found, "status": status, "statuses": ApplicationStatus.choices},
    )


@login_required
def transfer_apply_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if request.method != "POST":
        return redirect("recognition:pathways")
    code = request.POST.get("qualification", "")
    if not allowed(user, Action.APPLY_TRANSFER, learner_user_id=user.pk):
        raise DjangoPermissionDenied
    try:
        application = transfer_apply(actor=user, learner=learner_of(user), qualification=code)
    except DomainError as exc:
        messages.error(request, error_message(exc))
        return redirect(f"{reverse('recognition:pathways')}?qualification={code}")
    messages.success(
        request,
        _("Application %(ref)s sent to %(institution)s.")
        % {"ref": application.ref, "institution": application.institution.code},
    )
    return redirect("recognition:transfer", ref=application.ref)


@login_required
def transfer(request: HttpRequest, ref: str) -> HttpResponse:
    """One application: items with their reasons, and the forms the viewer may use now."""
    user: Any = request.user
    try:
        application = transfer_view(actor=user, ref=ref)
    except NotFound:
        raise Http404 from None
    except DomainError:
        raise DjangoPermissionDenied from None
    status = 200
    context: dict[str, Any] = {}
    if request.method == "POST":
        try:
            _transfer_act(request, user, application)
            return redirect("recognition:transfer", ref=application.ref)
        except DomainError as exc:
            context["error"] = error_message(exc)
            status = exc.status
    application.refresh_from_db()
    own = allowed(user, Action.APPLY_TRANSFER, learner_user_id=application.learner.user_id)
    context.update(
        application=application,
        data=application_out(application, gettext),
        is_learner=own,
        decides=allowed(user, Action.DECIDE_TRANSFER, institution_id=application.institution_id),
        decides_appeals=allowed(user, Action.DECIDE_APPEAL),
        open=application.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.APPEALED),
        may_appeal=own
        and application.status == ApplicationStatus.DECIDED
        and not application.appeal_reason
        and application.items.filter(decision=ItemDecision.REJECTED).exists(),
        may_withdraw=own and application.status == ApplicationStatus.SUBMITTED,
    )
    return render(request, "recognition/transfer.html", context, status=status)


def _transfer_act(request: HttpRequest, user: Any, application: TransferApplication) -> None:
    action = request.POST.get("action")
    item = int(request.POST.get("item") or 0)
    if action == "decide":
        decided = transfer_decide(
            actor=user,
            ref=application.ref,
            item_id=item,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
        )
        messages.success(
            request,
            _("Item %(item)s: %(decision)s.")
            % {"item": decided.pk, "decision": decided.get_decision_display()},
        )
    elif action == "answer":
        transfer_answer(actor=user, ref=application.ref, item_id=item, note=request.POST.get("note", ""))
        messages.success(
            request,
            _("Your answer was sent to %(institution)s.") % {"institution": application.institution.code},
        )
    elif action == "appeal":
        transfer_appeal(actor=user, ref=application.ref, reason=request.POST.get("reason", ""))
        messages.success(request, _("Your appeal was sent to the credit bank."))
    elif action == "withdraw":
        transfer_withdraw(actor=user, ref=application.ref)
        messages.success(request, _("Application %(ref)s withdrawn.") % {"ref": application.ref})
    else:
        raise InvalidInput(_("Unknown action."))


def agreements(request: HttpRequest) -> HttpResponse:
    """Agreements in force are public; operators also see drafts and draft new ones here."""
    user: Any = request.user
    manages = allowed(user, Action.MANAGE_AGREEMENTS)
    context: dict[str, Any] = {"manages": manages, "values": {}}
    status = 200
    if request.method == "POST":
        if not manages:
            raise DjangoPermissionDenied
        values = {
            k: request.POST.get(k, "")
            for k in (
                "code",
                "title_en",
                "title_zh",
                "parties",
                "sectors",
                "qualifications",
                "valid_from",
                "valid_to",
            )
        }
        doc = {
            **{k: values[k] for k in ("code", "title_en", "title_zh", "valid_from", "valid_to")},
            "parties": values["parties"].replace(",", " ").split(),
            "scope": {
                "sectors": values["sectors"].replace(",", " ").split(),
                "qualifications": values["qualifications"].replace(",", " ").split(),
            },
        }
        try:
            created = agreement_create(actor=user, doc=doc)
            messages.success(
                request, _("Drafted %(code)s; add its rules, then the parties sign.") % {"code": created.code}
            )
            return redirect("recognition:agreement", code=created.code)
        except DomainError as exc:
            context.update(error=error_message(exc), values=values)
            status = exc.status
    own = int(getattr(user, "institution_id", 0) or 0)
    listed = list(agreements_listed(include_drafts=manages))
    if not manages and allowed(user, Action.SIGN_AGREEMENT, institution_id=own):  # drafts waiting for us
        listed += list(
            agreements_listed(institution=getattr(user.institution, "code", ""), include_drafts=True).filter(
                status=AgreementStatus.DRAFT
            )
        )
    context["agreements"] = listed
    return render(request, "recognition/agreements.html", context, status=status)


def agreement(request: HttpRequest, code: str) -> HttpResponse:
    user: Any = request.user
    try:
        found = agreement_get(code)
    except NotFound:
        raise Http404 from None
    manages = allowed(user, Action.MANAGE_AGREEMENTS)
    own = int(getattr(user, "institution_id", 0) or 0)
    party = (
        found.parties.filter(institution_id=own).first()
        if allowed(user, Action.SIGN_AGREEMENT, institution_id=own)
        else None
    )
    if found.status == AgreementStatus.DRAFT and not (manages or party):
        raise Http404
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        try:
            _agreement_act(request, user, found)
            return redirect("recognition:agreement", code=found.code)
        except DomainError as exc:
            context.update(error=error_message(exc), document=request.POST.get("document", ""))
            status = exc.status
    found.refresh_from_db()
    context.update(
        agreement=found,
        parties=found.parties.select_related("institution").order_by("institution__code"),
        rules=_with_yaml(found.rules.select_related("owner").filter(status=RuleStatus.ACTIVE)),
        conflicts=[(c, c.reason.render(gettext)) for c in agreement_conflicts(found)]
        if (manages or party)
        else [],
        manages=manages,
        party=party,
        may_sign=party is not None and party.signed_at is None and found.status == AgreementStatus.DRAFT,
    )
    return render(request, "recognition/agreement.html", context, status=status)


def _agreement_act(request: HttpRequest, user: Any, found: Agreement) -> None:
    action = request.POST.get("action")
    if action == "sign":
        agreement_sign(actor=user, code=found.code)
        messages.success(request, _("Signed %(code)s.") % {"code": found.code})
    elif action == "rule":
        if not allowed(user, Action.MANAGE_AGREEMENTS):
            raise DjangoPermissionDenied
        doc = _rule_document(request.POST.get("document", ""))
        owner = str(doc.pop("owner", "") or "")
        record = rule_publish(actor=user, doc={**doc, "agreement": found.code}, owner_code=owner or None)
        messages.success(
            request,
            _("Published %(code)s version %(version)s.") % {"code": record.code, "version": record.version},
        )
    elif action == "terminate":
        agreement_terminate(actor=user, code=found.code, reason=request.POST.get("reason", ""))
        messages.success(request, _("Terminated %(code)s.") % {"code": found.code})
    else:
        raise InvalidInput(_("Unknown action."))


MAX_STANDARD_BYTES = 2 * 1024 * 1024


def standards(request: HttpRequest) -> HttpResponse:
    """Operators import each region's standard, harmonise the stored ones (preview, download, or
    publish the next version of the unified standard) and read every version kept."""
    user: Any = request.user
    if not allowed(user, Action.HARMONISE_STANDARDS):
        raise DjangoPermissionDenied
    keys = ("code", "title", "choices")
    context: dict[str, Any] = {
        "values": {k: request.POST.get(k, "") for k in keys},
        "selected": request.POST.getlist("regional"),
    }
    status = 200
    if request.method == "POST":
        try:
            response = _standards_act(request, user, context)
            if response is not None:
                return response
        except DomainError as exc:
            context["error"] = error_message(exc)
            status = exc.status
    context["standards"] = standards_latest()
    return render(request, "recognition/standards.html", context, status=status)


def _standards_act(request: HttpRequest, user: Any, context: dict[str, Any]) -> HttpResponse | None:
    action = request.POST.get("action")
    if action == "import":
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput(_("Choose the file of a regional standard."))
        if upload.size is None or upload.size > MAX_STANDARD_BYTES:
            raise InvalidInput(_("%(name)s is larger than 2 MiB.") % {"name": upload.name})
        record = standard_import(actor=user, doc=_yaml(upload.read().decode("utf-8-sig"), upload.name or "?"))
        messages.success(
            request,
            _("Kept %(code)s version %(version)s.") % {"code": record.code, "version": record.version},
        )
        return redirect("recognition:standards")
    values = context["values"]
    choices = _yaml(values["choices"], _("choices")) if values["choices"].strip() else None
    code, title = values["code"] or "GBA-UNIFIED", values["title"] or "Unified recognition standard"
    if action == "publish":
        record = standard_publish(
            actor=user, regional=context["selected"], choices=choices, code=code, title=title
        )
        messages.success(
            request,
            _("Published %(code)s version %(version)s.") % {"code": record.code, "version": record.version},
        )
        return redirect("recognition:standard", code=record.code)
    records = [standard_get(c) for c in context["selected"]]
    document = standards_harmonise(
        actor=user,
        docs=[(f"{r.code} v{r.version}", r.document) for r in records],
        choices=choices,
        code=code,
        title=title,
    )
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    if action == "download":
        response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{document["code"]}.yaml"'
        return response
    context.update(result=document, text=text)
    return None


def standard(request: HttpRequest, code: str) -> HttpResponse:
    """One standard: its versions, and the chosen one's rules (and decisions and diffs, if unified)."""
    if not allowed(request.user, Action.HARMONISE_STANDARDS):
        raise DjangoPermissionDenied
    try:
        version = int(request.GET.get("version") or 0) or None
        record = standard_get(code, version)
    except (NotFound, ValueError):
        raise Http404 from None
    versions = RecognitionStandard.objects.filter(code=record.code).order_by("-version")
    text = yaml.safe_dump(record.document, allow_unicode=True, sort_keys=False)
    return render(
        request,
        "recognition/standard.html",
        {"record": record, "versions": versions, "result": record.document, "text": text},
    )


def _yaml(raw: str, name: str) -> Any:
    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise InvalidInput(
            _("%(name)s is not valid YAML: %(error)s") % {"name": name, "error": exc}
        ) from None


def cohorts(request: HttpRequest) -> HttpResponse:
    """Operators start a cohort audit (the learners of an institution or a region) and see past ones."""
    user: Any = request.user
    if not allowed(user, Action.AUDIT_COHORT):
        raise DjangoPermissionDenied
    values = {k: request.POST.get(k, "") for k in ("qualification", "institution", "region")}
    context: dict[str, Any] = {
        "values": values,
        "qualifications": _qualifications(),
        "institutions": Institution.objects.order_by("code"),
        "regions": Region.choices,
        "audits": CohortAudit.objects.select_related("institution")[:50],
    }
    if request.method == "POST":
        try:
            job = cohort_submit(actor=user, on=timezone.localdate(), **values)
            return redirect("recognition:cohort", job_id=job.pk)
        except DomainError as exc:
            context["error"] = error_message(exc)
            return render(request, "recognition/cohorts.html", context, status=exc.status)
    return render(request, "recognition/cohorts.html", context)


def cohort(request: HttpRequest, job_id: int) -> HttpResponse:
    """A cohort audit's progress (the page polls itself), then its counts and the CSV."""
    try:
        job = cohort_get(actor=request.user, job_id=job_id)
    except NotFound:
        raise Http404 from None
    except DomainError:
        raise DjangoPermissionDenied from None
    if request.GET.get("format") == "csv" and job.state == JobState.DONE:
        response = HttpResponse("\ufeff" + job.result_csv, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="cohort-audit-{job.pk}-{job.qualification}.csv"'
        )
        return response
    error = DomainError.from_record(job.error) if job.error else None
    return render(
        request, "recognition/cohort.html", {"job": job, "error": error_message(error) if error else ""}
    )
