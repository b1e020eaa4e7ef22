"""One error hierarchy for every door.

Each error carries a stable ``code``, an English message template marked for translation
with ``gettext_noop`` (the core cannot call Django's gettext), the parameters to fill it,
and structured ``details``. The API maps errors to HTTP once, the CLI to an exit code once,
and pages to a message once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar


def _fill(template: str, params: Mapping[str, Any]) -> str:
    try:
        return template % params if "%(" in template else template
    except (KeyError, ValueError, TypeError):
        return template


class Message(str):
    """A message id chosen by the core: the only kind of parameter that is translated and filled."""

    __slots__ = ()


def gettext_noop(message: str) -> str:
    """Mark a string for extraction by makemessages without translating it here."""
    return Message(message)


class DomainError(Exception):
    code: ClassVar[str] = "domain_error"
    status: ClassVar[int] = 400  # the HTTP status the API maps this error to
    # A class default that one raise may override with a more specific message.
    template: str = gettext_noop("The request could not be carried out.")

    def __init__(self, template: str | None = None, /, **params: Any) -> None:
        if template is not None:
            self.template = template
        self.params: dict[str, Any] = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The English message; adapters pass a translating ``gettext`` to ``render`` instead."""
        return self.render(lambda s: s)

    def render(self, gettext: Callable[[str], str]) -> str:
        """Translate the template and any message-valued parameters (e.g. a reason), then fill them."""
        # Only core message ids are translated and filled; text a user typed is shown as it is.
        params = {
            k: _fill(gettext(v), self.params) if isinstance(v, Message) else v for k, v in self.params.items()
        }
        return _fill(gettext(self.template), params)

    @property
    def details(self) -> Mapping[str, Any]:
        return dict(self.params)

    def as_record(self) -> dict[str, Any]:
        """The error as plain data, to keep (a background job's result) and render later in the
        reader's language with ``from_record``."""
        return {
            "code": self.code,
            "template": str(self.template),
            "params": dict(self.params),
            "messages": sorted(k for k, v in self.params.items() if isinstance(v, Message)),
        }

    @staticmethod
    def from_record(record: Mapping[str, Any]) -> DomainError:
        messages = set(record.get("messages", ()))
        params = {k: Message(v) if k in messages else v for k, v in record.get("params", {}).items()}
        return DomainError(Message(record["template"]), **params)


class NotFound(DomainError):
    code = "not_found"
    status = 404
    template = gettext_noop("Not found.")


class UnknownFramework(NotFound):
    code = "unknown_framework"
    template = gettext_noop("There is no framework with code %(code)s.")


class UnknownLevel(NotFound):
    code = "unknown_level"
    template = gettext_noop("Framework %(framework)s has no level %(level)s; its levels are %(levels)s.")


class UnknownCreditSystem(NotFound):
    code = "unknown_credit_system"
    template = gettext_noop("There is no credit system with code %(code)s.")


class InvalidInput(DomainError):
    code = "invalid_input"
    status = 422
    template = gettext_noop("The input is not valid.")


class InvalidFrameworkDocument(InvalidInput):
    code = "invalid_framework_document"
    template = gettext_noop("The framework document is not valid: %(problems)s")


class InvalidCreditAmount(InvalidInput):
    code = "invalid_credit_amount"
    template = gettext_noop("%(amount)s is not a valid credit amount: %(reason)s")


class InvalidLevelReference(InvalidInput):
    code = "invalid_level_reference"
    template = gettext_noop(
        "%(reference)s is not a level reference; write FRAMEWORK:LEVEL, for example HKQF:4."
    )


class ConversionImpossible(DomainError):
    code = "conversion_impossible"
    status = 409
    template = gettext_noop("Credits of %(source)s cannot be converted to %(target)s: %(reason)s")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    template = gettext_noop("This conflicts with what is already stored.")


class VersionExists(Conflict):
    code = "version_exists"
    template = gettext_noop(
        "Framework %(code)s already has edition %(edition)s with different content; "
        "give the new version its own edition."
    )


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    template = gettext_noop("You may not %(action)s.")
