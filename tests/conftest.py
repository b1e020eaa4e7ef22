"""Fixtures shared by integration, API and browser tests: a real database with the shipped data."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import PASSWORD, ROLES


@pytest.fixture
def reference_data(db: Any) -> Any:
    from creditbank.apps.frameworks.services import reference_data_load

    return reference_data_load()


@pytest.fixture
def institutions(db: Any) -> dict[str, Any]:
    from creditbank.apps.accounts.models import Institution

    return {
        "own": Institution.objects.create(
            code="sz-poly",
            name_en="Shenzhen Polytechnic",
            name_zh="深圳职院",
            kind="vocational_college",
            region="GD",
        ),
        "other": Institution.objects.create(
            code="hk-ips", name_en="HK Institute", name_zh="香港學院", kind="vocational_college", region="HK"
        ),
    }


@pytest.fixture
def people(db: Any, institutions: dict[str, Any]) -> dict[str, Any]:
    """One user per role; institution staff and the assessor belong to the 'own' institution."""
    from creditbank.apps.accounts.models import User

    users = {}
    for role in ROLES:
        users[role] = User.objects.create_user(
            username=role,
            password=PASSWORD,
            role=role,
            display_name=f"Demo {role}",
            institution=institutions["own"] if role in ("institution", "assessor") else None,
        )
    return users
