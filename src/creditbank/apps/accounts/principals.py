"""The actor behind an API key, for the API and for work done later on its behalf (background jobs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from creditbank.apps.accounts.models import ApiKey, User


@dataclass(frozen=True)
class InstitutionPrincipal:
    """The institution itself, acting through one of its keys, with institution-staff rights."""

    institution_id: int
    institution_code: str
    key_prefix: str
    role: str = "institution"
    is_authenticated: bool = True
    username: str = ""

    def __str__(self) -> str:
        return f"{self.institution_code} (API key {self.key_prefix})"

    @classmethod
    def of(cls, key: ApiKey) -> InstitutionPrincipal:
        return cls(key.institution_id, key.institution.code, key.prefix)


def person_of(actor: Any) -> User | None:
    """The person acting, to record as who did it; None when an institution acts through an API key."""
    return actor if isinstance(actor, User) else None


def via_key_of(actor: Any) -> str:
    """The prefix of the API key an institution acts through ('' when a person acts)."""
    return "" if person_of(actor) else str(getattr(actor, "key_prefix", ""))
