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
        NavItem(_("Frameworks"), reverse("frameworks:list"), "frameworks:list"),
        NavItem(_("Compare"), reverse("frameworks:compare"), "frameworks:compare"),
        NavItem(_("Level question"), reverse("frameworks:level_map"), "frameworks:level_map"),
        NavItem(_("Credit question"), reverse("frameworks:credit_convert"), "frameworks:credit_convert"),
        NavItem(_("Register"), reverse("register:search"), "register:search"),
        NavItem(_("Catalogue"), reverse("register:catalogue"), "register:catalogue"),
    ]
    if role_of(user) == "learner":
        items[0:0] = [
            NavItem(_("My account"), reverse("accounts:my_account"), "accounts:my_account"),
            NavItem(_("My outcomes"), reverse("deposits:statement"), "deposits:statement"),
            NavItem(_("My RPL claims"), reverse("accreditation:list"), "accreditation:list"),
            NavItem(_("My pathways"), reverse("recognition:pathways"), "recognition:pathways"),
            NavItem(_("My transfers"), reverse("recognition:transfers"), "recognition:transfers"),
            NavItem(_("My credentials"), reverse("credentials:list"), "credentials:list"),
            NavItem(_("My awards and fees"), reverse("awards:list"), "awards:list"),
            NavItem(_("Jobs for me"), reverse("matching:jobs"), "matching:jobs"),
        ]
    if allowed(user, Action.DEPOSIT_OUTCOMES):
        items.append(NavItem(_("Deposits"), reverse("deposits:deposits"), "deposits:deposits"))
        items.append(NavItem(_("Other learning"), reverse("deposits:records"), "deposits:records"))
    if allowed(user, Action.DECIDE_AWARD):
        items.append(NavItem(_("Award applications"), reverse("awards:list"), "awards:list"))
    if role_of(user) in ("operator", "institution"):
        items.append(NavItem(_("Overdue"), reverse("overdue"), "overdue"))
    if allowed(user, Action.REVIEW_DEPOSIT):
        items.append(NavItem(_("Reviews"), reverse("deposits:reviews"), "deposits:reviews"))
        items.append(NavItem(_("Service network"), reverse("accounts:network"), "accounts:network"))
    if allowed(user, Action.REVIEW_ACCOUNT):
        items.append(
            NavItem(
                _("New accounts to review"), reverse("accounts:account_reviews"), "accounts:account_reviews"
            )
        )
    if allowed(user, Action.MANAGE_FEEDS):
        items.append(NavItem(_("Certificate feeds"), reverse("deposits:feeds"), "deposits:feeds"))
    if allowed(user, Action.FIND_LEARNER):
        items.append(NavItem(_("Learner accounts"), reverse("accounts:learners"), "accounts:learners"))
    if allowed(user, Action.REGISTER_COLLECTIVE):
        items.append(
            NavItem(_("Collective registration"), reverse("accounts:registrations"), "accounts:registrations")
        )
    if allowed(user, Action.MANAGE_REGISTER):
        items.append(NavItem(_("Our register entries"), reverse("register:manage"), "register:manage"))
    if allowed(user, Action.VIEW_STATS):
        items.append(NavItem(_("Statistics"), reverse("stats:dashboard"), "stats:dashboard"))
    if allowed(user, Action.MATCH_POSTINGS):
        items.append(NavItem(_("Job matching"), reverse("matching:postings"), "matching:postings"))
    if allowed(user, Action.MANAGE_REGISTER):
        items.append(NavItem(_("Curriculum and jobs"), reverse("matching:curriculum"), "matching:curriculum"))
    if allowed(user, Action.MANAGE_RECOGNITION):
        items.append(NavItem(_("Recognition rules"), reverse("recognition:rules"), "recognition:rules"))
    if allowed(user, Action.MANAGE_AGREEMENTS) or allowed(user, Action.SIGN_AGREEMENT):
        items.append(NavItem(_("Agreements"), reverse("recognition:agreements"), "recognition:agreements"))
    if allowed(user, Action.AUDIT_COHORT):
        items.append(NavItem(_("Cohort audits"), reverse("recognition:cohorts"), "recognition:cohorts"))
    if allowed(user, Action.HARMONISE_STANDARDS):
        items.append(NavItem(_("Standards"), reverse("recognition:standards"), "recognition:standards"))
    if allowed(user, Action.DECIDE_TRANSFER):
        items.append(
            NavItem(_("Transfer applications"), reverse("recognition:transfers"), "recognition:transfers")
        )
    if role_of(user) == "operator":
        items.append(NavItem(_("Pathways"), reverse("recognition:pathways"), "recognition:pathways"))
    if allowed(user, Action.VIEW_CASE):
        items.append(NavItem(_("Accreditation"), reverse("accreditation:list"), "accreditation:list"))
    if allowed(user, Action.MANAGE_INSTITUTIONS):
        items.append(NavItem(_("Institutions"), reverse("accounts:institutions"), "accounts:institutions"))
        items.append(NavItem(_("Assessors"), reverse("accounts:assessors"), "accounts:assessors"))
    if allowed(user, Action.PUBLISH_FRAMEWORK):
        items.append(NavItem(_("Publish framework"), reverse("frameworks:publish"), "frameworks:publish"))
    if allowed(user, Action.MANAGE_API_KEYS):
        items.append(NavItem(_("API keys"), reverse("accounts:api_keys"), "accounts:api_keys"))
    if allowed(user, Action.REVOKE_CREDENTIAL):
        items.append(NavItem(_("Credentials"), reverse("credentials:list"), "credentials:list"))
    items.append(NavItem(_("Verify a credential"), reverse("verify"), "verify"))
    items.append(NavItem(_("Ledger"), reverse("ledger:ledger"), "ledger:ledger"))
    items.append(NavItem(_("API"), reverse("api:openapi-view"), "api:openapi-view"))
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    return {"nav_items": items, "nav_current": current}
