"""A learner shares chosen outcomes through a link with expiry; every opening is logged for them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from tests.helpers import login

from creditbank.apps.credentials.models import Credential, ShareAccess, ShareLink
from creditbank.apps.credentials.sharing import share_create, share_open, share_revoke
from creditbank.apps.deposits.models import LearningOutcome
from creditbank.core.errors import InvalidInput, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


def tomorrow_plus(days: int = 30) -> Any:
    return timezone.localdate() + timedelta(days=days)


def test_an_employer_sees_only_the_chosen_outcomes_each_verified(
    bank: dict, wong_u101: LearningOutcome, client: Any
) -> None:
    link, token = share_create(
        actor=bank["wong"].user,
        outcome_ids=[wong_u101.pk],
        label="Acme, data analyst",
        expires_on=tomorrow_plus(),
        language="en",
    )
    page = client.get(f"/shared/{token}/", HTTP_ACCEPT_LANGUAGE="en", HTTP_USER_AGENT="EmployerBrowser/1.0")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Course U-101" in text
    assert "Verified" in text
    assert "Wong Ka Ho" in text
    access = ShareAccess.objects.get(link=link)
    assert access.user_agent == "EmployerBrowser/1.0"
    assert access.network == "127.0.0.0/24"  # the network, not the address
    assert access.refused == ""


def test_the_api_serves_the_shared_record_with_verifications(
    bank: dict, wong_u101: LearningOutcome, client: Any
) -> None:
    login(client, bank["wong"].user)
    made = client.post(
        "/api/v1/shares",
        {"outcome_ids": [wong_u101.pk], "label": "HK bank", "expires_on": tomorrow_plus().isoformat()},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    url = made.json()["url"]
    client.logout()
    shared = client.get("/api/v1/shared/" + url.rstrip("/").rsplit("/", 1)[1]).json()
    assert [c["verification"]["verified"] for c in shared["credentials"]] == [True]
    login(client, bank["wong"].user)
    detail = client.get(f"/api/v1/shares/{made.json()['id']}").json()
    assert len(detail["accesses"]) == 1
    assert detail["opened"] == 1


def test_a_withdrawn_or_expired_link_is_refused_and_the_attempt_logged(
    bank: dict, wong_u101: LearningOutcome, client: Any
) -> None:
    link, token = share_create(
        actor=bank["wong"].user, outcome_ids=[wong_u101.pk], label="Acme", expires_on=tomorrow_plus(1)
    )
    share_revoke(actor=bank["wong"].user, link_id=link.pk)
    withdrawn = client.get(f"/shared/{token}/", HTTP_ACCEPT_LANGUAGE="en")
    assert withdrawn.status_code == 410
    assert "withdrawn" in withdrawn.content.decode()

    other, other_token = share_create(
        actor=bank["wong"].user, outcome_ids=[wong_u101.pk], label="Beta", expires_on=tomorrow_plus(1)
    )
    ShareLink.objects.filter(pk=other.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = client.get(f"/api/v1/shared/{other_token}", HTTP_ACCEPT_LANGUAGE="en")
    assert expired.status_code == 410
    assert "expired on" in expired.json()["message"]
    assert list(ShareAccess.objects.order_by("pk").values_list("refused", flat=True)) == [
        "revoked",
        "expired",
    ]
    with pytest.raises(NotFound):
        share_open("not-a-token")


def test_bad_requests_change_nothing(bank: dict, wong_u101: LearningOutcome, people: dict) -> None:
    wong = bank["wong"].user
    cases = [
        ({"outcome_ids": [], "label": "x", "expires_on": tomorrow_plus()}, "at least one outcome"),
        (
            {"outcome_ids": [wong_u101.pk], "label": " ", "expires_on": tomorrow_plus()},
            "whom the link is for",
        ),
        ({"outcome_ids": [wong_u101.pk], "label": "x", "expires_on": timezone.localdate()}, "after today"),
        ({"outcome_ids": [wong_u101.pk], "label": "x", "expires_on": tomorrow_plus(400)}, "at most a year"),
        ({"outcome_ids": [wong_u101.pk, 999_999], "label": "x", "expires_on": tomorrow_plus()}, "999999"),
    ]
    for kwargs, says in cases:
        with pytest.raises(InvalidInput, match=says):
            share_create(actor=wong, **kwargs)
    assert not ShareLink.objects.exists()
    assert not Credential.objects.exists()
    with pytest.raises((PermissionDenied, NotFound)):  # another learner cannot share Wong's outcome
        share_create(
            actor=people["learner"], outcome_ids=[wong_u101.pk], label="x", expires_on=tomorrow_plus()
        )
    with pytest.raises(PermissionDenied):
        share_create(
            actor=people["operator"], outcome_ids=[wong_u101.pk], label="x", expires_on=tomorrow_plus()
        )


def test_only_the_learner_sees_their_links(
    bank: dict, wong_u101: LearningOutcome, people: dict, client: Any
) -> None:
    link, _token = share_create(
        actor=bank["wong"].user, outcome_ids=[wong_u101.pk], label="Acme", expires_on=tomorrow_plus()
    )
    for role in ("learner", "institution", "operator", "employer"):
        login(client, people[role])
        assert client.get(f"/api/v1/shares/{link.pk}").status_code in (403, 404)
        assert client.get(f"/credentials/shares/{link.pk}/").status_code in (403, 404)
    login(client, bank["wong"].user)
    page = client.get(f"/credentials/shares/{link.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Nobody has opened this link yet." in page
    assert "/shared/" in page
