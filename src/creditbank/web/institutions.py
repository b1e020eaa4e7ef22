"""Which institution a page acts for: staff act for their own, operators choose any."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from creditbank.apps.accounts.models import Institution, Role


def institution_choice(user: Any, code: str | None) -> tuple[list[Institution], Institution]:
    """The institutions the user may choose from, and the chosen one (the named one, else the first).
    A code that names no institution is a 404, never a silent switch to another institution."""
    if user.role != Role.OPERATOR:
        return [user.institution], user.institution
    institutions = list(Institution.objects.order_by("code"))
    if not institutions:
        raise Http404
    if not code:
        return institutions, institutions[0]
    chosen = next((i for i in institutions if i.code == code), None)
    if chosen is None:
        raise Http404
    return institutions, chosen
