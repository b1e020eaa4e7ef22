"""Pages show a DomainError once, translated, with the status the API would use."""

from __future__ import annotations

from django.utils.translation import gettext

from creditbank.core.errors import DomainError


def error_message(exc: DomainError) -> str:
    return exc.render(gettext)
