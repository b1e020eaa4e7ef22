"""Security defaults: Argon2, login throttling, CSRF on writes, CSP and framing headers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from tests.helpers import PASSWORD, login

pytestmark = pytest.mark.django_db


def test_passwords_are_stored_as_argon2_hashes(people: Any) -> None:
    assert people["learner"].password.startswith("argon2$")


def test_correct_password_signs_in(client: Client, people: Any) -> None:
    response = client.post("/login/", {"username": "learner", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"].username == "learner"


def test_repeated_wrong_passwords_lock_the_account_even_for_the_right_one(
    client: Client, people: Any
) -> None:
    for _ in range(5):
        client.post("/login/", {"username": "learner", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    response = client.post("/login/", {"username": "learner", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_writes_without_csrf_token_are_refused(reference_data: Any, people: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    login(client, people["operator"])
    page = client.post("/frameworks/publish/", {"source": "code: X"})
    assert page.status_code == 403
    api = client.post("/api/v1/frameworks", data={"code": "X"}, content_type="application/json")
    assert api.status_code in (401, 403)


def test_pages_send_content_security_policy_and_refuse_framing(client: Client, reference_data: Any) -> None:
    response = client.get("/frameworks/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
