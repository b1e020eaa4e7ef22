"""Issuing, verifying, revoking and key rotation of Open Badges 3.0 credentials, on a real database."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from tests.helpers import login

from creditbank.apps.accounts.models import Institution, User
from creditbank.apps.credentials.keys import key_mark_compromised, key_rotate
from creditbank.apps.credentials.models import Credential, IssuerKey, StatusList
from creditbank.apps.credentials.services import (
    credential_issue,
    credential_reinstate,
    credential_revoke,
    credential_suspend,
)
from creditbank.apps.credentials.verify import credential_verify
from creditbank.apps.deposits.models import LearningOutcome
from creditbank.apps.deposits.services import outcome_revoke
from creditbank.apps.ledger.models import LedgerEntry
from creditbank.core.errors import Conflict, InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db


def wong(bank: dict[str, Any]) -> User:
    return bank["wong"].user


def failed(document: Any) -> str | None:
    check = credential_verify(document).verification.failed
    return check.name.value if check else None


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_learner_picks_up_a_credential_that_verifies(
    bank: dict, wong_u101: LearningOutcome, suite: str
) -> None:
    credential = credential_issue(actor=wong(bank), outcome_id=wong_u101.pk, suite=suite, language="en")
    report = credential_verify(credential.document)
    assert report.verification.verified, [c for c in report.verification.checks if not c.passed]
    doc = credential.document
    assert doc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert doc["proof"]["cryptosuite"] == suite
    assert report.summary.achievement_code == "U-101"
    assert report.summary.learner_name == "Wong Ka Ho"
    assert report.summary.level_code == wong_u101.level_id
    assert report.summary.credits == "4"
    assert report.summary.credit_system == "GD-CREDIT"
    # The learner number is only in the credential as a salted hash.
    assert bank["wong"].public_id not in json.dumps(doc)
    assert report.standing.issued_here == credential
    assert report.standing.same_as_issued


def test_asking_again_returns_the_same_credential(bank: dict, wong_u101: LearningOutcome) -> None:
    first = credential_issue(actor=wong(bank), outcome_id=wong_u101.pk)
    again = credential_issue(actor=wong(bank), outcome_id=wong_u101.pk)
    assert again.pk == first.pk
    assert Credential.objects.count() == 1
    assert LedgerEntry.objects.filter(kind="credential.issued").count() == 1


def test_only_the_learner_their_institution_and_the_bank_may_issue(
    bank: dict, people: dict, wong_u101: LearningOutcome
) -> None:
    for role in ("learner", "assessor", "employer"):  # another learner, and roles without the right
        with pytest.raises(PermissionDenied):
            credential_issue(actor=people[role], outcome_id=wong_u101.pk)
    outsider = User.objects.create_user(
        "hk-staff", role="institution", institution=Institution.objects.get(code="hk-ips")
    )
    with pytest.raises(PermissionDenied):
        credential_issue(actor=outsider, outcome_id=wong_u101.pk)
    assert (
        credential_issue(actor=people["institution"], outcome_id=wong_u101.pk).institution.code == "sz-poly"
    )
    assert Credential.objects.count() == 1


def test_unknown_suite_is_refused_and_nothing_is_stored(bank: dict, wong_u101: LearningOutcome) -> None:
    with pytest.raises(InvalidInput, match="ecdsa-rdfc-2019"):
        credential_issue(actor=wong(bank), outcome_id=wong_u101.pk, suite="ecdsa-rdfc-2019")
    assert not Credential.objects.exists()
    assert not IssuerKey.objects.exists()


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("credentialSubject", "achievement", "name"), "Forged course"),
        (("credentialSubject", "creditsEarned"), 40),
        (("issuer", "name"), "Another College"),
        (("awardedDate",), "2020-01-01T00:00:00Z"),
    ],
)
def test_any_change_to_a_credential_fails_its_signature(
    bank: dict, wong_u101: LearningOutcome, path: tuple[str, ...], value: Any
) -> None:
    document = copy.deepcopy(credential_issue(actor=wong(bank), outcome_id=wong_u101.pk).document)
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert failed(document) == "proof"


def test_a_credential_edited_in_the_database_no_longer_verifies(
    bank: dict, wong_u101: LearningOutcome
) -> None:
    credential = credential_issue(actor=wong(bank), outcome_id=wong_u101.pk)
    document = credential.document
    document["credentialSubject"]["result"][0]["value"] = "A+"
    Credential.objects.filter(pk=credential.pk).update(document=document)
    stored = Credential.objects.get(pk=credential.pk).document
    assert failed(stored) == "proof"


def test_a_status_list_edited_in_the_database_fails_even_after_it_was_checked(
    bank: dict, wong_u101: LearningOutcome
) -> None:
    """The verifier checks a status list's proof once per exact document; an edited list is new."""
    credential = credential_issue(actor=wong(bank), outcome_id=wong_u101.pk)
    assert failed(credential.document) is None  # the lists are checked and remembered
    status_list = StatusList.objects.filter(document__isnull=False).order_by("pk").first()
    kept = copy.deepcopy(status_list.document)
    edited = copy.deepcopy(kept)
    edited["validFrom"] = "2020-01-01T00:00:00Z"
    StatusList.objects.filter(pk=status_list.pk).update(document=edited)
    assert failed(credential.document) == "status"
    StatusList.objects.filter(pk=status_list.pk).update(document=kept)
    assert failed(credential.document) is None


def test_revocation_is_published_in_the_status_list(
    bank: dict, people: dict, wong_u101: LearningOutcome
) -> None:
    credential = credential_issue(actor=wong(bank), outcome_id=wong_u101.pk)
    with pytest.raises(PermissionDenied):
        credential_revoke(actor=wong(bank), credential_id=credential.id, reason="mine")
    with pytest.raises(InvalidInput):
        credential_revoke(actor=people["institution"], credential_id=credential.id, reason=" ")
    credential_revoke(actor=people["institution"], credential_id=credential.id, reason="issued in error")
    report = credential_verify(credential.document)
    assert report.verification.failed.name.value == "status"
    assert report.verification.revoked
    assert not report.verification.suspended
    with pytest.raises(Conflict):
        credential_revoke(actor=people["institution"], credential_id=credential.id, reason="again")
    assert LedgerEntry.objects.filter(kind="credential.revoked").count() == 1


def test_suspension_can_be_lifted(bank: dict, people: dict, wong_u101: LearningOutcome) -> None:
    credential = credential_issue(actor=wong(bank), outcome_id=wong_u101.pk)
    credential_suspend(actor=people["operator"], credential_id=credential.id, reason="under review")
    assert credential_verify(credential.document).verification.suspended
    credential_reinstate(actor=people["operator"], credential_id=credential.id, reason="review closed")
    assert credential_verify(credential.document).verification.verified


def test_revoking_the_outcome_revokes_its_credentials(
    bank: dict, people: dict, wong_u101: LearningOutcome
) -> None:
    credential = credential_issue(actor=wong(bank), outcome_id=wong_u101.pk)
    outcome_revoke(actor=people["institution"], outcome_id=wong_u101.pk, reason="wrong learner")
    assert credential_verify(credential.document).verification.revoked
    with pytest.raises(Conflict):
        credential_issue(actor=wong(bank), outcome_id=wong_u101.pk, suite="eddsa-jcs-2022")


def test_credentials_signed_with_a_retired_key_still_verify(
    bank: dict, people: dict, wong_u101: LearningOutcome
) -> None:
    old = credential_issue(actor=wong(bank), outcome_id=wong_u101.pk)
    sz_poly = Institution.objects.get(code="sz-poly")
    new_key = key_rotate(actor=people["institution"], institution=sz_poly, note="yearly rotation")
    assert credential_verify(old.document).verification.verified
    fresh = credential_issue(actor=wong(bank), outcome_id=wong_u101.pk)
    assert fresh.pk != old.pk
    assert fresh.key == new_key
    # Key events are in the ledger: sz-poly's first key, its retirement, the new key.
    assert LedgerEntry.objects.filter(kind="key.retired").count() == 1
    assert LedgerEntry.objects.filter(kind="key.created").count() == 2


def test_a_compromised_key_flags_what_it_signed(bank: dict, people: dict, wong_u101: LearningOutcome) -> None:
    credential = credential_issue(actor=wong(bank), outcome_id=wong_u101.pk)
    with pytest.raises(PermissionDenied):
        key_mark_compromised(actor=wong(bank), key_id=credential.key_id, note="lost laptop")
    key_mark_compromised(actor=people["institution"], key_id=credential.key_id, note="lost laptop")
    assert failed(credential.document) == "key"
    # The institution goes on issuing with a new key at once.
    assert IssuerKey.objects.filter(institution__code="sz-poly", state="active").count() == 1


def test_institution_with_a_domain_issues_as_did_web(
    bank: dict, wong_u101: LearningOutcome, client: Any
) -> None:
    Institution.objects.filter(code="sz-poly").update(web_domain="szpt.example.edu.cn")
    credential = credential_issue(actor=wong(bank), outcome_id=wong_u101.pk)
    assert credential.document["issuer"]["id"] == "did:web:szpt.example.edu.cn"
    assert credential_verify(credential.document).verification.verified
    document = client.get("/credentials/issuers/sz-poly/did.json").json()
    assert document["id"] == "did:web:szpt.example.edu.cn"
    assert credential.document["proof"]["verificationMethod"] in document["assertionMethod"]


def test_not_json_is_named_on_the_public_verifier(client: Any, db: Any) -> None:
    response = client.post("/verify/", {"credential": '{"@context": '}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert "not valid JSON (line 1" in response.content.decode()


def test_public_verifier_api_needs_no_account(bank: dict, wong_u101: LearningOutcome, client: Any) -> None:
    credential = credential_issue(actor=wong(bank), outcome_id=wong_u101.pk, language="en")
    response = client.post("/api/v1/verify", credential.document, content_type="application/json")
    body = response.json()
    assert response.status_code == 200
    assert body["verified"] is True
    assert body["credential"]["achievement_code"] == "U-101"
    forged = {**credential.document, "name": "Forged"}
    body = client.post("/api/v1/verify", forged, content_type="application/json").json()
    assert body["verified"] is False
    assert body["failed"] == "proof"
    assert body["failed_because"]


def test_qr_link_shows_the_stored_credential_verified(
    bank: dict, wong_u101: LearningOutcome, client: Any
) -> None:
    credential = credential_issue(actor=wong(bank), outcome_id=wong_u101.pk, language="en")
    page = client.get(f"/verify/{credential.id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Verified" in page
    assert "Wong Ka Ho" in page
    login(client, wong(bank))
    detail = client.get(f"/credentials/{credential.id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<svg" in detail
    assert f"/verify/{credential.id}/" in detail


def test_status_list_is_a_signed_bitstring_status_list_credential(
    bank: dict, wong_u101: LearningOutcome, client: Any
) -> None:
    credential = credential_issue(actor=wong(bank), outcome_id=wong_u101.pk)
    url = credential.document["credentialStatus"][0]["statusListCredential"]
    listed = client.get(url.removeprefix("http://127.0.0.1:8000")).json()
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert listed["credentialSubject"]["encodedList"].startswith("u")
    assert listed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"


def test_the_cli_issues_verifies_and_revokes(bank: dict, wong_u101: LearningOutcome, tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from creditbank.cli.main import app

    runner = CliRunner()
    file = tmp_path / "badge.json"
    issued = runner.invoke(
        app,
        [
            "credential",
            "issue",
            str(wong_u101.pk),
            "--operator",
            "operator",
            "--suite",
            "eddsa-jcs-2022",
            "-o",
            str(file),
        ],
    )
    assert issued.exit_code == 0, issued.output
    good = runner.invoke(app, ["credential", "verify", str(file), "--json"])
    assert good.exit_code == 0, good.output
    assert json.loads(good.stdout)["verified"] is True

    tampered = json.loads(file.read_text())
    tampered["credentialSubject"]["creditsEarned"] = 99
    file.write_text(json.dumps(tampered))
    bad = runner.invoke(app, ["credential", "verify", str(file)])
    assert bad.exit_code == 1
    assert "not verified (proof)" in bad.output

    credential_id = tampered["id"].removeprefix("urn:uuid:")
    revoked = runner.invoke(
        app, ["credential", "revoke", credential_id, "--reason", "error", "--operator", "operator"]
    )
    assert revoked.exit_code == 0, revoked.output
    stored = Credential.objects.get(pk=credential_id).document
    file.write_text(json.dumps(stored))
    gone = runner.invoke(app, ["credential", "verify", str(file)])
    assert gone.exit_code == 1
    assert "not verified (status)" in gone.output
    assert runner.invoke(app, ["credential", "verify", str(tmp_path / "missing.json")]).exit_code == 1
    keys = runner.invoke(app, ["keys", "list", "--operator", "operator", "--json"])
    assert [k["institution"] for k in json.loads(keys.stdout)] == ["sz-poly"]


def test_the_verifier_shows_the_levels_published_equivalents(bank: dict, people: dict) -> None:
    from creditbank.apps.deposits.services import deposit_batch

    deposit_batch(
        actor=people["operator"],
        rows=[{"learner_number": bank["wong"].public_id, "unit_code": "HK-201", "achieved_on": "2024-05-01", "result": "pass"}],
        idempotency_key="cred-HK-201",
        institution_code="hk-ips",
    )  # fmt: skip
    outcome = LearningOutcome.objects.get(entry__code="HK-201")
    report = credential_verify(credential_issue(actor=people["operator"], outcome_id=outcome.pk).document)
    # HKQF 4 is referenced to NZQF 5 and 6 through published correspondences, nothing inferred.
    assert ("NZQF", "Level 5") in report.standing.equivalents
    assert all(framework != "HKQF" for framework, _level in report.standing.equivalents)


def test_the_certificate_is_served_to_those_who_may_see_the_credential(
    bank: dict, people: dict, wong_u101: LearningOutcome, client: Any, tmp_path: Any
) -> None:
    from typer.testing import CliRunner

    from creditbank.cli.main import app

    credential = credential_issue(actor=wong(bank), outcome_id=wong_u101.pk, language="en")
    login(client, wong(bank))
    page = client.get(f"/credentials/{credential.id}/certificate.pdf")
    assert page.status_code == 200
    assert page["Content-Type"] == "application/pdf"
    assert page.content.startswith(b"%PDF")
    login(client, people["institution"])
    assert client.get(f"/api/v1/credentials/{credential.id}/certificate.pdf").content.startswith(b"%PDF")
    login(client, people["learner"])  # another learner
    assert client.get(f"/credentials/{credential.id}/certificate.pdf").status_code == 403
    out = tmp_path / "certificate.pdf"
    result = CliRunner().invoke(
        app, ["credential", "certificate", str(credential.id), "-o", str(out), "--operator", "operator"]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")


def test_a_learners_whole_record_is_one_clr_holding_each_institutions_badge(
    bank: dict, people: dict, wong_u101: LearningOutcome, client: Any
) -> None:
    from creditbank.apps.credentials.services import record_issue
    from creditbank.apps.deposits.services import deposit_batch

    deposit_batch(
        actor=people["operator"],
        rows=[{"learner_number": bank["wong"].public_id, "unit_code": "HK-201", "achieved_on": "2024-05-01", "result": "pass"}],
        idempotency_key="clr-HK-201",
        institution_code="hk-ips",
    )  # fmt: skip
    with pytest.raises(PermissionDenied):  # an institution certifies its own outcomes, not a whole record
        record_issue(actor=people["institution"], learner=bank["wong"])
    record = record_issue(actor=wong(bank), learner=bank["wong"], language="en")
    assert record.document["type"] == ["VerifiableCredential", "ClrCredential"]
    assert record.institution is None
    report = credential_verify(record.document)
    assert report.verification.verified
    assert [e.summary.achievement_code for e in report.embedded] == ["U-101", "HK-201"]
    assert all(e.verification.verified for e in report.embedded)
    # An institution revokes its badge: the record still verifies as assembled, the item does not.
    inner = Credential.objects.get(outcome=wong_u101, suite="eddsa-rdfc-2022", language="en")
    credential_revoke(actor=people["institution"], credential_id=inner.id, reason="issued in error")
    report = credential_verify(record.document)
    assert report.verification.verified
    assert [e.verification.revoked for e in report.embedded] == [True, False]
    page = client.post(
        "/api/v1/verify", record.document, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert [e["verified"] for e in page["embedded"]] == [False, True]
    # Changing any bundled badge breaks the bank's signature on the record.
    forged = copy.deepcopy(record.document)
    forged["credentialSubject"]["verifiableCredential"][1]["credentialSubject"]["creditsEarned"] = 99
    assert failed(forged) == "proof"


def test_the_record_doors(
    bank: dict, people: dict, wong_u101: LearningOutcome, client: Any, tmp_path: Any
) -> None:
    from typer.testing import CliRunner

    from creditbank.cli.main import app

    login(client, wong(bank))
    made = client.post("/credentials/", {"action": "record"})
    assert made.status_code == 302
    assert Credential.objects.filter(kind="ClrCredential").count() == 1
    api = client.post("/api/v1/credentials/record", {"learner": "me"}, content_type="application/json")
    assert api.status_code == 201
    login(client, people["learner"])  # another learner
    assert (
        client.post(
            "/api/v1/credentials/record", {"learner": bank["wong"].public_id}, content_type="application/json"
        ).status_code
        == 403
    )
    out = tmp_path / "record.json"
    result = CliRunner().invoke(
        app,
        [
            "credential",
            "record",
            "--learner",
            bank["wong"].public_id,
            "-o",
            str(out),
            "--language",
            "en",
            "--operator",
            "operator",
        ],
    )
    assert result.exit_code == 0, result.output
    verified = CliRunner().invoke(app, ["credential", "verify", str(out)])
    assert verified.exit_code == 0, verified.output
    assert "Course U-101" in verified.output


def test_a_cohort_is_issued_in_one_run_that_resumes(
    bank: dict, people: dict, wong_u101: LearningOutcome
) -> None:
    from typer.testing import CliRunner

    from creditbank.apps.credentials.services import credentials_issue_batch
    from creditbank.apps.deposits.services import deposit_batch
    from creditbank.cli.main import app

    deposit_batch(
        actor=people["operator"],
        rows=[{"learner_number": bank["li"].public_id, "unit_code": "U-101", "achieved_on": "2024-02-01", "result": "B"}],
        idempotency_key="cohort-li",
        institution_code="sz-poly",
    )  # fmt: skip
    credential_issue(actor=wong(bank), outcome_id=wong_u101.pk)  # one already has its credential
    with pytest.raises(PermissionDenied):
        credentials_issue_batch(actor=wong(bank), institution=wong_u101.institution)
    seen: list[tuple[int, int]] = []
    issued = credentials_issue_batch(
        actor=people["institution"],
        institution=wong_u101.institution,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert issued == 1
    assert seen == [(1, 1)]
    assert Credential.objects.filter(institution__code="sz-poly").count() == 2
    again = CliRunner().invoke(
        app, ["credential", "issue-batch", "--institution", "sz-poly", "--operator", "operator"]
    )
    assert again.exit_code == 0, again.output
    assert "Issued 0 credentials" in again.output  # nothing left to issue


def test_the_verifier_reads_membership_and_accreditation_from_the_ledger(
    bank: dict, people: dict, wong_u101: LearningOutcome
) -> None:
    from datetime import date

    from creditbank.apps.accounts.institutions import institution_alliance

    credential = credential_issue(actor=wong(bank), outcome_id=wong_u101.pk, language="en")
    institution_alliance(actor=people["operator"], code="sz-poly", joined=date(2021, 9, 1), left=None)
    facts = [f.render() for f in credential_verify(credential.document).facts]
    assert "sz-poly was a member of the alliance on the award date" in facts
    assert "U-101 was accredited on the award date" in facts  # the register's accreditation entry
    # Recorded later: it joined only after the award (2024-01-10). The ledger's last word counts.
    institution_alliance(actor=people["operator"], code="sz-poly", joined=date(2024, 6, 1), left=None)
    facts = [f.render() for f in credential_verify(credential.document).facts]
    assert "sz-poly was not a member of the alliance on the award date" in facts
    assert LedgerEntry.objects.filter(kind="institution.alliance").count() == 2
