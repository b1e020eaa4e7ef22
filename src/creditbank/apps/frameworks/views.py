"""Pages: browse frameworks, compare two, ask level and credit questions, publish (operators)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from creditbank.apps.accounts.permissions import Action, allowed
from creditbank.apps.frameworks import selectors
from creditbank.apps.frameworks.services import framework_publish, read_framework_document
from creditbank.core.credits import CreditValue, convert, parse_amount
from creditbank.core.errors import DomainError, InvalidInput
from creditbank.core.frameworks import parse_level_reference
from creditbank.web.errors import error_message

MAX_UPLOAD_BYTES = 512 * 1024


def framework_list(request: HttpRequest) -> HttpResponse:
    registry = selectors.registry()
    return render(
        request, "frameworks/list.html", {"frameworks": registry.ordered_frameworks(), "registry": registry}
    )


def framework_detail(request: HttpRequest, code: str) -> HttpResponse:
    edition = request.GET.get("edition") or None
    try:
        framework = selectors.framework_at_edition(code, edition)
        versions = selectors.framework_versions(code)
    except DomainError as exc:
        return render(request, "frameworks/problem.html", {"error": error_message(exc)}, status=exc.status)
    registry = selectors.registry()
    current = next(v for v in versions if v.is_current)
    linked = sorted(
        {
            c.target.framework if c.source.framework == framework.code else c.source.framework
            for c in registry.graph.correspondences
            if framework.code in (c.source.framework, c.target.framework)
        }
    )
    context = {
        "framework": framework,
        "versions": versions,
        "is_current": framework.edition == current.edition,
        "credit_system": registry.credit_systems.get(framework.credit_system or ""),
        "linked": linked,
        "studies": [s for s in registry.graph.studies if framework.code in s.frameworks],
    }
    return render(request, "frameworks/detail.html", context)


def compare(request: HttpRequest) -> HttpResponse:
    registry = selectors.registry()
    left = request.GET.get("left", "HKQF")
    right = request.GET.get("right", "NZQF")
    context: dict[str, Any] = {"frameworks": registry.ordered_frameworks(), "left": left, "right": right}
    status = 200
    try:
        context["rows"] = list(reversed(registry.graph.compare(left, right)))
        context["left_fw"] = registry.framework(left)
        context["right_fw"] = registry.framework(right)
    except DomainError as exc:
        context["error"] = error_message(exc)
        status = exc.status
    return render(request, "frameworks/compare.html", context, status=status)


def level_map(request: HttpRequest) -> HttpResponse:
    registry = selectors.registry()
    level_ref = request.GET.get("level", "")
    target = request.GET.get("to", "")
    context: dict[str, Any] = {
        "frameworks": registry.ordered_frameworks(),
        "level_ref": level_ref,
        "to": target,
    }
    status = 200
    if level_ref and target:
        try:
            code, key = parse_level_reference(level_ref)
            level = registry.framework(code).level(key)
            context["mapping"] = registry.graph.map_level(level, target)
        except DomainError as exc:
            context["error"] = error_message(exc)
            status = exc.status
    return render(request, "frameworks/level_map.html", context, status=status)


def credit_convert(request: HttpRequest) -> HttpResponse:
    registry = selectors.registry()
    amount = request.GET.get("amount", "")
    source = request.GET.get("from", "")
    target = request.GET.get("to", "")
    context: dict[str, Any] = {
        "systems": sorted(registry.credit_systems.values(), key=lambda s: s.code),
        "amount": amount,
        "source": source,
        "target": target,
    }
    status = 200
    if amount or (source and target):
        try:
            value = parse_amount(amount)
            src, dst = registry.credit_system(source), registry.credit_system(target)
            context["conversion"] = convert(
                CreditValue(value, src.code), src, dst, selectors.rounding_policy()
            )
            context["source_system"], context["target_system"] = src, dst
        except DomainError as exc:
            context["error"] = error_message(exc)
            status = exc.status
    return render(request, "frameworks/credit_convert.html", context, status=status)


def publish(request: HttpRequest) -> HttpResponse:
    if not allowed(request.user, Action.PUBLISH_FRAMEWORK):
        if not request.user.is_authenticated:
            return redirect(f"{_login_url()}?next={request.path}")
        raise DjangoPermissionDenied
    context: dict[str, Any] = {"source": ""}
    if request.method == "POST":
        upload = request.FILES.get("file")
        source = request.POST.get("source", "")
        try:
            if upload is not None:
                if upload.size is None or upload.size > MAX_UPLOAD_BYTES:
                    raise InvalidInput(
                        _("The file is larger than 512 KiB; a framework document is much smaller.")
                    )
                source = upload.read().decode("utf-8-sig")
            context["source"] = source
            result = framework_publish(
                actor=request.user,  # type: ignore[arg-type]
                document=read_framework_document(source),
                note=request.POST.get("note", ""),
            )
        except UnicodeDecodeError:
            context["error"] = _("The file is not UTF-8 text.")
            return render(request, "frameworks/publish.html", context, status=422)
        except DomainError as exc:
            context["error"] = error_message(exc)
            return render(request, "frameworks/publish.html", context, status=exc.status)
        fw = result.framework
        if result.created:
            messages.success(
                request,
                _("Published %(code)s edition %(edition)s.") % {"code": fw.code, "edition": fw.edition},
            )
        else:
            messages.info(
                request,
                _("%(code)s edition %(edition)s was already published; nothing changed.")
                % {"code": fw.code, "edition": fw.edition},
            )
        return redirect("frameworks:detail", code=fw.code)
    return render(request, "frameworks/publish.html", context)


def _login_url() -> str:
    from django.urls import reverse

    return reverse("login")
