"""Template helpers: text in the reader's language, and error messages in it."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language, gettext

from creditbank.core.texts import Text

register = template.Library()


@register.filter
def tr(text: Text | None) -> str:
    """A three-language Text in the page's language."""
    if text is None:
        return ""
    return text.get(get_language() or "en")


@register.filter
def t(message: str) -> str:
    """Translate a message id chosen by the core (e.g. an explanation)."""
    return gettext(message) if message else ""


@register.filter
def get_item(mapping: dict[str, object], key: str | None) -> object:
    return mapping.get(key or "")


@register.filter
def outcome(value: str) -> str:
    """An accreditation outcome code as words in the page's language."""
    from creditbank.core.accreditation import Outcome

    try:
        return gettext(Outcome(value).label)
    except ValueError:
        return value


@register.filter
def outcome_type(value: str) -> str:
    """A learning outcome's type code as words in the page's language."""
    from creditbank.core.deposits import OutcomeType

    try:
        return gettext(OutcomeType(value).label)
    except ValueError:
        return value
