"""Helpers shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROLES = ("learner", "institution", "assessor", "operator", "employer")
PASSWORD = "correct horse battery 42"
CLI = Path(sys.executable).with_name("creditbank")  # the installed command, for tests that run it


def login(client: Any, user: Any) -> Any:
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client
