"""Explanations the core gives for a decision, rendered later in the reader's language.

A reason is a message id marked with ``gettext_noop`` and its parameters, like a ``DomainError``
without the failure: the core decides *what* to say, the adapters translate it once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from creditbank.core.errors import Message, _fill


@dataclass(frozen=True, slots=True)
class Reason:
    template: str
    params: Mapping[str, Any] = field(default_factory=dict)
    held: bool = True  # a condition that held (or a fact) rather than one that failed

    def render(self, gettext: Callable[[str], str] = lambda s: s) -> str:
        params = {
            k: _fill(gettext(v), self.params) if isinstance(v, Message) else v for k, v in self.params.items()
        }
        return _fill(gettext(self.template), params)

    def as_record(self) -> dict[str, Any]:
        """Plain data to store (a decision's explanation) and render later in any language."""
        return {
            "template": str(self.template),
            "params": {k: str(v) for k, v in self.params.items()},
            "messages": sorted(k for k, v in self.params.items() if isinstance(v, Message)),
            "held": self.held,
        }

    @staticmethod
    def from_record(record: Mapping[str, Any]) -> Reason:
        messages = set(record.get("messages", ()))
        params = {k: Message(v) if k in messages else v for k, v in record.get("params", {}).items()}
        return Reason(Message(record["template"]), params, bool(record.get("held", True)))


def reason(template: str, /, held: bool = True, **params: Any) -> Reason:
    return Reason(Message(template), params, held)


def number(value: Decimal) -> str:
    """A credit amount as people write it: 30, 7.5 (never 3E+1 or 30.00)."""
    return f"{value.normalize():f}"
