"""Navigation for the signed-in role: each role sees the pages of its own job."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from creditbank.apps.accounts.permissions import Action, allowed, role_of


@dataclass(frozen=True)
class NavItem:
    label: Any
    url: str
    name: str


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items = [
        NavItem(_("Frameworks"), reverse("frameworks:list"), "frameworks"),
        NavItem(_("Compare"), reverse("frameworks:compare"), "compare"),
        NavItem(_("Level question"), reverse("frameworks:level_map"), "level_map"),
        NavItem(_("Credit question"), reverse("frameworks:credit_convert"), "credit_convert"),
        NavItem(_("Register"), reverse("register:search"), "search"),
    ]
    if role_of(user) == "learner":
        items.insert(0, NavItem(_("My account"), reverse("accounts:my_account"), "my_account"))
    if allowed(user, Action.FIND_LEARNER):
        items.append(NavItem(_("Learner accounts"), reverse("accounts:learners"), "learners"))
    if allowed(user, Action.MANAGE_REGISTER):
        items.append(NavItem(_("Our register entries"), reverse("register:manage"), "manage"))
    if allowed(user, Action.PUBLISH_FRAMEWORK):
        items.append(NavItem(_("Publish framework"), reverse("frameworks:publish"), "publish"))
    if allowed(user, Action.MANAGE_API_KEYS):
        items.append(NavItem(_("API keys"), reverse("accounts:api_keys"), "api_keys"))
    items.append(NavItem(_("API"), reverse("api:openapi-view"), "api"))
    current = getattr(getattr(request, "resolver_match", None), "url_name", "")
    return {"nav_items": items, "nav_current": current}
