"""Assessors (评审专家): their home institution (for conflicts of interest) and expertise sectors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from creditbank.apps.accounts.models import Role, User
from creditbank.apps.accounts.permissions import Action, require
from creditbank.core.errors import InvalidInput, NotFound, gettext_noop


def assessor_set_sectors(*, actor: Any, username: str, sectors: Sequence[str]) -> User:
    from creditbank.apps.register.models import Sector  # the register owns the sector vocabulary

    require(actor, Action.MANAGE_ASSESSORS)
    assessor = User.objects.filter(username=username, role=Role.ASSESSOR).first()
    if assessor is None:
        raise NotFound(gettext_noop("There is no assessor %(name)s."), name=username)
    unknown = sorted(set(sectors) - set(Sector.values))
    if unknown:
        raise InvalidInput(
            gettext_noop("Unknown sectors %(unknown)s; use %(known)s."),
            unknown=", ".join(unknown),
            known=", ".join(Sector.values),
        )
    assessor.expertise_sectors = sorted(set(sectors))
    assessor.save(update_fields=["expertise_sectors"])
    return assessor
