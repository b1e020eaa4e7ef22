"""Open Badges 3.0 credentials from the core: building, reading back and every verification check,
with keys, status lists and the clock given by the test (no database, no network)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

import creditbank
from creditbank.core.credentials import badges, dids
from creditbank.core.credentials.data_integrity import JCS_SUITE, RDFC_SUITE, add_proof
from creditbank.core.credentials.multikey import did_key, did_key_method, did_key_public_key
from creditbank.core.credentials.status_list import StatusList, status_entry, status_list_credential
from creditbank.core.credentials.verification import KeyFacts, verify_credential
from creditbank.core.errors import DomainError

FOLDER = Path(creditbank.__file__).parent / "data" / "contexts"
CONTEXTS = {
    badges.VC_CONTEXT: json.loads((FOLDER / "credentials-v2.jsonld").read_text()),
    badges.OB_CONTEXT: json.loads((FOLDER / "ob-v3p0-context-3.0.3.json").read_text()),
}
SEED = bytes(range(32))
PUBLIC = Ed25519PrivateKey.from_private_bytes(SEED).public_key().public_bytes_raw()
ISSUER = did_key(PUBLIC)
LIST_URL = "https://bank.example/credentials/status/1/"
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def award(**changes: Any) -> badges.Award:
    fields: dict[str, Any] = {
        "credential_id": "urn:uuid:6b0d4c7e-0000-4000-8000-000000000001",
        "issuer": badges.Issuer(ISSUER, "深圳职业技术大学"),
        "achievement_id": "https://bank.example/register/SZP-101/?version=1",
        "achievement_code": "SZP-101",
        "name": "软件工程导论",
        "description": "能够设计和测试小型软件系统。",
        "criteria": "课程考核合格。",
        "achievement_type": badges.achievement_type("course"),
        "alignments": [
            badges.Alignment("GDLEQF 四级", "https://bank.example/frameworks/GDLEQF/#GDLEQF-4", "广东终身教育资历框架", "GDLEQF-4", "ext:QualificationsFrameworkLevel"),
            badges.Alignment("4 × 广东学分", "https://bank.example/frameworks/credits/convert/", "广东学分", "GD-CREDIT", "ext:CreditSystem"),
        ],
        "credits": Decimal("4"),
        "result": "A",
        "awarded_on": date(2024, 6, 30),
        "issued_at": "2026-11-30T08:00:00Z",
        "learner_name": "陈小明",
        "learner_number_hash": badges.identity_hash("LEEM5Q3BHPY", "5a1t"),
        "learner_number_salt": "5a1t",
        "status": [status_entry(LIST_URL, 42, "revocation")],
    }  # fmt: skip
    return badges.Award(**{**fields, **changes})


def signed(suite: str = RDFC_SUITE, **changes: Any) -> dict[str, Any]:
    return add_proof(
        badges.open_badge_credential(award(**changes)),
        seed=SEED,
        verification_method=did_key_method(PUBLIC),
        created="2026-11-30T08:00:00Z",
        suite=suite,
        contexts=CONTEXTS,
    )


def status_list(revoked: set[int]) -> dict[str, Any]:
    return status_list_credential(
        LIST_URL,
        StatusList.from_indexes(revoked),
        issuer=ISSUER,
        purpose="revocation",
        valid_from="2026-01-01T00:00:00Z",
    )


def verify(
    document: Any,
    *,
    revoked: frozenset[int] = frozenset(),
    compromised: datetime | None = None,
    now: datetime = NOW,
) -> Any:
    def resolve(method: str) -> KeyFacts:
        return KeyFacts(did_key_public_key(method), method.split("#")[0], compromised)

    def fetch(url: str) -> dict[str, Any]:
        if url != LIST_URL:
            raise DomainError("no such list")
        return status_list(set(revoked))

    return verify_credential(document, resolve=resolve, fetch_status=fetch, contexts=CONTEXTS, now=now)


@pytest.mark.parametrize("suite", [RDFC_SUITE, JCS_SUITE])
def test_a_fresh_badge_passes_every_check(suite: str) -> None:
    result = verify(signed(suite))
    assert result.verified, [(c.name, [r.render() for r in c.reasons]) for c in result.checks]
    assert [c.name.value for c in result.checks] == ["format", "proof", "issuer", "key", "validity", "status"]


def test_badge_reads_back_what_was_awarded() -> None:
    summary = badges.read_badge(signed())
    assert (summary.achievement_code, summary.level_code, summary.credit_system) == (
        "SZP-101",
        "GDLEQF-4",
        "GD-CREDIT",
    )
    assert (summary.credits, summary.result, summary.learner_name) == ("4", "A", "陈小明")
    assert summary.awarded == "2024-06-30T00:00:00Z"
    assert summary.issuer_id == ISSUER


def test_learner_number_is_hashed_with_its_salt_and_can_be_checked() -> None:
    subject = signed()["credentialSubject"]
    hashed = next(i for i in subject["identifier"] if i["hashed"])
    assert "LEEM5Q3BHPY" not in json.dumps(subject)
    assert badges.identity_hash("LEEM5Q3BHPY", hashed["salt"]) == hashed["identityHash"]
    assert badges.identity_hash("LEEM5Q3BHPZ", hashed["salt"]) != hashed["identityHash"]


def test_undisclosed_name_is_left_out() -> None:
    assert badges.read_badge(signed(learner_name=None)).learner_name is None


def test_fractional_credits_stay_exact_numbers() -> None:
    assert signed(credits=Decimal("2.5"))["credentialSubject"]["creditsEarned"] == 2.5


@pytest.mark.parametrize(
    ("document", "says"),
    [
        ([1, 2], "not a JSON object"),
        ({"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"]}, "Verifiable Credential 2.0"),
        ({"@context": [badges.VC_CONTEXT], "type": ["OpenBadgeCredential"]}, "VerifiableCredential"),
        ({"@context": [badges.VC_CONTEXT], "type": ["VerifiableCredential"], "credentialSubject": {}}, "no issuer"),
        ({"@context": [badges.VC_CONTEXT], "type": ["VerifiableCredential"], "issuer": "did:x:y"}, "credentialSubject"),
        ({"@context": [badges.VC_CONTEXT], "type": ["VerifiableCredential"], "issuer": "did:x:y", "credentialSubject": {}, "validFrom": "yesterday"}, "validFrom"),
    ],
)  # fmt: skip
def test_what_is_not_a_credential_fails_the_format_check_and_says_why(document: Any, says: str) -> None:
    result = verify(document)
    assert result.failed is not None
    assert result.failed.name.value == "format"
    assert says in result.failed.reasons[0].render()
    assert all(c.passed is None for c in result.checks[1:])


def test_a_changed_field_fails_the_signature() -> None:
    document = signed()
    document["credentialSubject"]["creditsEarned"] = 40
    assert verify(document).failed.name.value == "proof"


def test_a_key_that_is_not_the_issuers_fails_the_issuer_check() -> None:
    other_seed = bytes(32)
    other = Ed25519PrivateKey.from_private_bytes(other_seed).public_key().public_bytes_raw()
    document = add_proof(
        badges.open_badge_credential(award()),
        seed=other_seed,
        verification_method=did_key_method(other),
        created="2026-11-30T08:00:00Z",
        suite=JCS_SUITE,
    )
    result = verify(document)
    assert result.failed.name.value == "issuer"
    assert did_key(other) in result.failed.reasons[0].render()


def test_a_compromised_key_fails_the_key_check() -> None:
    result = verify(signed(JCS_SUITE), compromised=NOW - timedelta(days=3))
    assert result.failed.name.value == "key"
    assert "2026-11-28" in result.failed.reasons[0].render()


def test_validity_period_is_checked_against_the_given_time() -> None:
    document = signed(JCS_SUITE)
    assert verify(document, now=datetime(2026, 11, 1, tzinfo=UTC)).failed.name.value == "validity"


def test_revoked_bit_fails_the_status_check() -> None:
    result = verify(signed(JCS_SUITE), revoked=frozenset({42}))
    assert result.failed.name.value == "status"
    assert result.revoked
    assert verify(signed(JCS_SUITE), revoked=frozenset({41, 43})).verified


def test_a_status_list_that_cannot_be_had_is_not_taken_as_not_revoked() -> None:
    document = signed(JCS_SUITE, status=[status_entry("https://elsewhere.example/list", 1, "revocation")])
    result = verify(document)
    assert result.failed.name.value == "status"
    assert not result.revoked


@given(
    host=st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z]{2,6}){1,2}", fullmatch=True),
    port=st.none() | st.integers(1, 65535),
    path=st.lists(st.from_regex(r"[a-z0-9-]{1,10}", fullmatch=True), max_size=3),
)
def test_did_web_round_trips_hosts_ports_and_paths(host: str, port: int | None, path: list[str]) -> None:
    domain = "/".join([host + (f":{port}" if port else ""), *path])
    did = dids.did_web(domain)
    assert ":" not in did.removeprefix("did:web:").split(":")[0] or port is None
    assert dids.did_web_domain(did) == domain


def test_did_document_lists_each_key_for_assertions() -> None:
    did = dids.did_web("szpt.example.edu.cn")
    document = dids.did_document(did, [PUBLIC])
    method = document["verificationMethod"][0]
    assert method["controller"] == did
    assert method["id"] in document["assertionMethod"]
    assert method["id"].endswith(method["publicKeyMultibase"])
