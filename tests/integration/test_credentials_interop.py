"""Credentials the bank issues, with the status lists it publishes, checked by Digital Bazaar's
independent implementation (tests/interop): issuer, proof and revocation bit must all agree."""

from __future__ import annotations

from typing import Any

import pytest
from tests.integration.test_credentials import wong
from tests.interop.digital_bazaar import DigitalBazaar, Unavailable, locate

from creditbank.apps.credentials.services import credential_issue, credential_revoke
from creditbank.apps.deposits.models import LearningOutcome

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def digital_bazaar() -> DigitalBazaar:
    try:
        return locate()
    except Unavailable as exc:
        pytest.fail(str(exc), pytrace=False)


def published_lists(client: Any, document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    urls = {entry["statusListCredential"] for entry in document["credentialStatus"]}
    return {url: client.get(url.removeprefix("http://127.0.0.1:8000")).json() for url in urls}


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_issued_credentials_and_their_revocation_read_the_same_in_digital_bazaar(
    bank: dict,
    people: dict,
    wong_u101: LearningOutcome,
    client: Any,
    digital_bazaar: DigitalBazaar,
    suite: str,
) -> None:
    credential = credential_issue(actor=wong(bank), outcome_id=wong_u101.pk, suite=suite)
    [verdict] = digital_bazaar.verify(
        [credential.document], status_lists=published_lists(client, credential.document)
    )
    assert verdict["verified"], verdict["errors"]
    assert not any(s["set"] for s in verdict["statuses"])

    credential_revoke(actor=people["institution"], credential_id=credential.id, reason="issued in error")
    [verdict] = digital_bazaar.verify(
        [credential.document], status_lists=published_lists(client, credential.document)
    )
    assert [s for s in verdict["statuses"] if s["set"]] == [{"purpose": "revocation", "set": True}]


def test_a_learners_record_verifies_in_digital_bazaar(
    bank: dict, wong_u101: LearningOutcome, client: Any, digital_bazaar: DigitalBazaar
) -> None:
    """The CLR 2.0 bundle, read with the same shipped CLR context, and each badge inside it."""
    from creditbank.apps.credentials.services import record_issue

    record = record_issue(actor=wong(bank), learner=bank["wong"])
    documents = [record.document, *record.document["credentialSubject"]["verifiableCredential"]]
    lists: dict[str, Any] = {}
    for document in documents:
        lists.update(published_lists(client, document))
    verdicts = digital_bazaar.verify(documents, status_lists=lists)
    assert [v["verified"] for v in verdicts] == [True, True], verdicts
