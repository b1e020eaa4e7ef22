"""Helpers shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

from typing import Any

ROLES = ("learner", "institution", "assessor", "operator", "employer")
PASSWORD = "correct horse battery 42"


def login(client: Any, user: Any) -> Any:
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client
