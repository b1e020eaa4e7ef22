"""The actor behind an API key, for the API and for work done later on its behalf (background jobs)."""

from __future__ import annotations

from dataclasses import dataclass

from creditbank.apps.accounts.models import ApiKey


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
