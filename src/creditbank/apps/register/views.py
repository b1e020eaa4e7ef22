"""Pages: the public register (search and entries) and an institution's own register."""

from __future__ import annotations

import json
from typing import Any

import yaml
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from creditbank.apps.accounts.permissions import Action, allowed
from creditbank.apps.frameworks.selectors import registry
from creditbank.apps.register import selectors
from creditbank.apps.register.models import Kind, Sector
from creditbank.apps.register.services import entries_import, entry_create, entry_get
from creditbank.core.errors import DomainError, InvalidInput
from creditbank.web.errors import error_message
from creditbank.web.institutions import institution_choice

MAX_FILE_BYTES = 2 * 1024 * 1024
ENTRY_FIELDS = (
    "code", "kind", "title_en", "title_zh", "framework", "level", "credits", "credit_system",
    "sector", "outcomes_en", "outcomes_zh", "valid_from", "valid_to",
)  # fmt: skip


def search(request: HttpRequest) -> HttpResponse:
    reg = registry()
    params = request.GET
    context: dict[str, Any] = {
        "frameworks": reg.ordered_frameworks(),
        "kinds": Kind.choices,
        "sectors": Sector.choices,
        "params": params,
    }
    status = 200
    try:
        found = selectors.public_register(
            selectors.Search(
                params.get("q", "").strip(),
                params.get("framework", ""),
                params.get("min_level", ""),
                params.get("kind", ""),
                params.get("sector", ""),
                params.get("owner", ""),
            ),
            today=timezone.localdate(),
        )
        context["entries"] = found[: selectors.PAGE_SIZE]
        context["total"] = found.count()
    except DomainError as exc:
        context["error"] = error_message(exc)
        status = exc.status
    return render(request, "register/search.html", context, status=status)


def detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        entry = entry_get(code)
    except DomainError as exc:
        raise Http404(error_message(exc)) from None
    if not selectors.visible_entry(request.user, entry):
        raise Http404
    reg = registry()
    framework = reg.frameworks.get(entry.framework)
    return render(
        request,
        "register/detail.html",
        {
            "entry": entry,
            "level": framework.level(entry.level_id) if framework else None,
            "framework": framework,
            "perms_lifecycle": allowed(request.user, Action.RECORD_ACCREDITATION),
            "requirements": json.dumps(entry.requirements, ensure_ascii=False, indent=2)
            if entry.requirements
            else "",
        },
    )


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not allowed(user, Action.MANAGE_REGISTER):
        raise DjangoPermissionDenied
    institutions, institution = institution_choice(
        user, request.POST.get("owner") or request.GET.get("owner")
    )
    reg = registry()
    context: dict[str, Any] = {
        "institutions": institutions,
        "institution": institution,
        "frameworks": reg.ordered_frameworks(),
        "credit_systems": sorted(reg.credit_systems),
        "kinds": Kind.choices,
        "sectors": Sector.choices,
        "values": {k: request.POST.get(k, "") for k in ENTRY_FIELDS},
    }
    status = 200
    if request.method == "POST":
        try:
            if upload := request.FILES.get("file"):
                if upload.size is None or upload.size > MAX_FILE_BYTES:
                    raise InvalidInput(_("The file is larger than 2 MiB."))
                docs = _read_entries(upload.read())
                created = entries_import(actor=user, docs=docs, owner_code=institution.code)
                messages.success(request, _("Registered %(n)s entries as drafts.") % {"n": len(created)})
            else:
                entry = entry_create(actor=user, doc=dict(context["values"]), owner_code=institution.code)
                messages.success(request, _("Registered %(code)s as a draft.") % {"code": entry.code})
            return redirect(f"{request.path}?owner={institution.code}")
        except DomainError as exc:
            context["error"] = error_message(exc)
            status = exc.status
    context["entries"] = selectors.own_register(user, institution.pk)
    return render(request, "register/manage.html", context, status=status)


def _read_entries(raw: bytes) -> list[dict[str, Any]]:
    """A YAML or JSON list of entry documents (the same fields as the form and the API)."""
    try:
        docs = yaml.safe_load(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, yaml.YAMLError):
        raise InvalidInput(_("The file is not UTF-8 YAML or JSON.")) from None
    if not isinstance(docs, list) or not all(isinstance(d, dict) for d in docs):
        raise InvalidInput(_("The file must hold a list of entries."))
    return docs
