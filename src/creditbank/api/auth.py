"""API authentication: people by session (with CSRF), machines by a per-institution API key."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from creditbank.apps.accounts.principals import InstitutionPrincipal
from creditbank.apps.accounts.services import api_key_authenticate


def _principal(secret: str) -> InstitutionPrincipal | None:
    key = api_key_authenticate(secret)
    if key is None:
        return None
    return InstitutionPrincipal.of(key)


class BearerKey(HttpBearer):
    """Authorization: Bearer cbk_…"""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return _principal(token)


class HeaderKey(APIKeyHeader):
    """X-API-Key: cbk_…"""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return _principal(key) if key else None


class PersonSession(SessionAuth):
    """A signed-in person; unsafe methods need the CSRF token as on the web pages."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_authenticated else None


AUTHENTICATED = [PersonSession(), BearerKey(), HeaderKey()]


def actor_of(request: HttpRequest) -> Any:
    """Who is acting: the API-key principal, the signed-in person, or None for the public."""
    auth = getattr(request, "auth", None)
    if auth is not None:
        return auth
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None
