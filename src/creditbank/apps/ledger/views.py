"""The ledger's page: anyone sees the latest signed checkpoint and how to check it; the bank's
operators also see recent entries, issue a checkpoint and run a full verification."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from creditbank.apps.accounts.permissions import Action, allowed
from creditbank.apps.ledger import selectors
from creditbank.apps.ledger.models import Checkpoint, LedgerEntry
from creditbank.apps.ledger.services import checkpoint_issue
from creditbank.apps.ledger.verify import ledger_verify


def ledger(request: HttpRequest) -> HttpResponse:
    operator = allowed(request.user, Action.RUN_LEDGER)
    context: dict[str, Any] = {"operator": operator, "size": selectors.tree_size()}
    if request.method == "POST":
        if not operator:
            raise PermissionDenied
        if request.POST.get("action") == "checkpoint":
            made = checkpoint_issue(actor=request.user)
            messages.success(request, _("Checkpoint signed at %(size)s entries.") % {"size": made.size})
            return redirect("ledger:ledger")
        context["verification"] = ledger_verify(actor=request.user)
    latest = Checkpoint.objects.select_related("key").first()
    context["checkpoint"] = selectors.checkpoint_out(latest) if latest else None
    context["pending"] = LedgerEntry.objects.filter(seq__isnull=True).count()
    if operator:
        context["entries"] = selectors.entries(actor=request.user, limit=20)
    return render(request, "ledger/ledger.html", context)
