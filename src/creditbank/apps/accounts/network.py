"""The bank's service network: centre → sub-centres (by region or sector) → accreditation sites,
with their staff and the institutions each site serves."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.db import transaction

from creditbank.apps.accounts.institutions import institution_get
from creditbank.apps.accounts.models import Institution, ServiceUnit, UnitLevel, User
from creditbank.apps.accounts.permissions import Action, require
from creditbank.core.errors import Conflict, InvalidInput, NotFound, gettext_noop

_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,31}$")
PARENT_LEVEL = {
    UnitLevel.CENTRE: None,
    UnitLevel.SUB_CENTRE: UnitLevel.CENTRE,
    UnitLevel.SITE: UnitLevel.SUB_CENTRE,
}


def unit_get(code: str) -> ServiceUnit:
    unit = ServiceUnit.objects.select_related("parent").filter(code=code.strip().lower()).first()
    if unit is None:
        raise NotFound(gettext_noop("There is no service unit %(code)s."), code=code)
    return unit


def unit_create(
    *, actor: Any, code: str, name_en: str, name_zh: str, level: str, parent: str = "", territory: str = "",
    opened_on: date | None = None,
) -> ServiceUnit:  # fmt: skip
    """A unit of the network; a sub-centre hangs under the centre, a site under a sub-centre."""
    require(actor, Action.MANAGE_NETWORK)
    code = code.strip().lower()
    if not _CODE.match(code):
        raise InvalidInput(gettext_noop("A unit code is 2 to 32 lower-case letters, digits or hyphens."))
    if ServiceUnit.objects.filter(code=code).exists():
        raise Conflict(gettext_noop("There is already a service unit %(code)s."), code=code)
    try:
        kind = UnitLevel(level)
    except ValueError:
        raise InvalidInput(gettext_noop("A unit is a centre, a sub_centre or a site.")) from None
    if not name_en.strip() or not name_zh.strip():
        raise InvalidInput(gettext_noop("Give the unit's name in English and in Chinese."))
    above = unit_get(parent) if parent else None
    wanted = PARENT_LEVEL[kind]
    if (above.level if above else None) != (wanted.value if wanted else None):
        raise InvalidInput(
            gettext_noop("A %(level)s belongs under a %(parent)s."),
            level=kind.value,
            parent=wanted.value if wanted else "—",
        )
    return ServiceUnit.objects.create(
        code=code, name_en=name_en.strip(), name_zh=name_zh.strip(), level=kind.value, parent=above,
        territory=territory.strip()[:100], opened_on=opened_on,
    )  # fmt: skip


def unit_assign_staff(*, actor: Any, code: str, username: str) -> User:
    """Put a member of the bank's staff at a unit (where they open accounts and review)."""
    require(actor, Action.MANAGE_NETWORK)
    unit = unit_get(code)
    user = User.objects.filter(username=username).first()
    if user is None or user.role != "operator":
        raise InvalidInput(
            gettext_noop("%(username)s is not a member of the bank's staff."), username=username
        )
    user.service_unit = unit
    user.save(update_fields=["service_unit"])
    return user


def unit_assign_institution(*, actor: Any, code: str, institution: str) -> Institution:
    """The site that reviews an institution's deposits."""
    require(actor, Action.MANAGE_NETWORK)
    unit = unit_get(code)
    if unit.level != UnitLevel.SITE:
        raise InvalidInput(
            gettext_noop("Institutions are served by an accreditation site, not by %(code)s."), code=unit.code
        )
    found = institution_get(institution)
    with transaction.atomic():
        found.service_unit = unit
        found.save(update_fields=["service_unit"])
    return found


def units_tree() -> list[tuple[ServiceUnit, int]]:
    """Every unit with its depth, centre first, each followed by the units under it."""
    units = list(ServiceUnit.objects.select_related("parent").order_by("code"))
    children: dict[int | None, list[ServiceUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    out: list[tuple[ServiceUnit, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in children.get(parent, []):
            out.append((unit, depth))
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return out
