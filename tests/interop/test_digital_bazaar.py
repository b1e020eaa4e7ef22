"""creditbank's Verifiable Credentials against Digital Bazaar's implementation (JavaScript, from npm).

An Open Badges 3.0 credential (VC 2.0) signed by creditbank with eddsa-rdfc-2022 or eddsa-jcs-2022 must
verify in @digitalbazaar/vc, one signed there must verify in creditbank, a change after signing must
fail in both, and both must read the credential as the same RDF, byte for byte. Each kind of call to
Node.js is one batch, made once for the module. Nothing is fetched: both sides read the contexts that
creditbank ships.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from tests.interop.digital_bazaar import DigitalBazaar

import creditbank
from creditbank.core.credentials.data_integrity import (
    JCS_SUITE,
    RDFC_SUITE,
    SUITES,
    add_proof,
    canonical_rdf,
    proof_config,
    verify_proof,
)
from creditbank.core.credentials.multikey import did_key, did_key_method, did_key_public_key

SHIPPED = Path(creditbank.__file__).parent / "data" / "contexts"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTEXTS = {
    VC_V2: json.loads((SHIPPED / "credentials-v2.jsonld").read_text(encoding="utf-8")),
    OB_V3: json.loads((SHIPPED / "ob-v3p0-context-3.0.3.json").read_text(encoding="utf-8")),
}

SEED = hashlib.sha256(b"creditbank interoperability test issuer").digest()
PUBLIC = Ed25519PrivateKey.from_private_bytes(SEED).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
ISSUER = did_key(PUBLIC)
METHOD = did_key_method(PUBLIC)
CREATED = "2026-01-15T09:30:00Z"

CREDENTIAL: dict[str, Any] = {
    "@context": [VC_V2, OB_V3],
    "id": "urn:uuid:6f1d8a52-3c4e-4b7a-9e21-0d5c8b7f4a13",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": ISSUER, "type": ["Profile"], "name": "深圳职业技术大学 Shenzhen Polytechnic University"},
    "validFrom": "2026-01-15T09:00:00Z",
    "name": "数据分析基础 Foundations of Data Analysis",
    "credentialSubject": {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": "sha256$" + hashlib.sha256(b"li.hua@example.edu.cn" + b"3f9a").hexdigest(),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": "3f9a",
            }
        ],
        "achievement": {
            "id": "https://bank.example.edu.cn/achievements/DA101",
            "type": ["Achievement"],
            "name": "数据分析基础",
            "description": "掌握描述统计、数据清洗与可视化。Descriptive statistics, data cleaning and visualisation.",
            "criteria": {"narrative": '通过期末考试（60 分及以上）。\n提交“课程项目”报告 "Project report"。'},
            "achievementType": "Course",
            "creditsAvailable": 4.5,
            "alignment": [
                {
                    "type": ["Alignment"],
                    "targetName": "国家资历框架 第五级 · 数据分析",
                    "targetUrl": "https://bank.example.edu.cn/frameworks/cnqf/levels/5",
                    "targetFramework": "中国国家资历框架 CNQF",
                    "targetCode": "CNQF-5-DA",
                }
            ],
        },
        "result": [{"type": ["Result"], "value": "87", "status": "Completed"}],
        "creditsEarned": 4.5,
    },
}


def changed(credential: dict[str, Any]) -> dict[str, Any]:
    """The credential with one field changed after signing."""
    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["achievement"]["name"] = "数据分析进阶"
    return tampered


def ours_verify(credential: dict[str, Any]) -> Any:
    return verify_proof(credential, did_key_public_key, contexts=CONTEXTS)


@pytest.fixture(scope="module")
def signed_by_creditbank() -> dict[str, dict[str, Any]]:
    return {
        suite: add_proof(
            CREDENTIAL, seed=SEED, verification_method=METHOD, created=CREATED, suite=suite, contexts=CONTEXTS
        )
        for suite in SUITES
    }


@pytest.fixture(scope="module")
def signed_by_digital_bazaar(digital_bazaar: DigitalBazaar) -> dict[str, dict[str, Any]]:
    requests = [
        {"credential": CREDENTIAL, "seed_hex": SEED.hex(), "suite": suite, "created": CREATED}
        for suite in SUITES
    ]
    return dict(zip(SUITES, digital_bazaar.issue(requests), strict=True))


UNKNOWN_CONTEXT = "https://bank.example.edu.cn/contexts/programme/v1"


@pytest.fixture(scope="module")
def digital_bazaar_verdicts(
    digital_bazaar: DigitalBazaar,
    signed_by_creditbank: dict[str, dict[str, Any]],
    signed_by_digital_bazaar: dict[str, dict[str, Any]],
) -> dict[tuple[str, ...], dict[str, Any]]:
    """Digital Bazaar's verdict on every credential the tests ask about, from one process."""
    cases: dict[tuple[str, ...], dict[str, Any]] = {}
    for suite in SUITES:
        cases["creditbank", suite] = signed_by_creditbank[suite]
        cases["creditbank", suite, "changed"] = changed(signed_by_creditbank[suite])
        cases["digital bazaar", suite, "changed"] = changed(signed_by_digital_bazaar[suite])
    # signed by creditbank, which was given the extra context; Digital Bazaar was not
    unknown = copy.deepcopy(CREDENTIAL)
    unknown["@context"] = [*CREDENTIAL["@context"], UNKNOWN_CONTEXT]
    cases["unknown context",] = add_proof(
        unknown,
        seed=SEED,
        verification_method=METHOD,
        created=CREATED,
        suite=RDFC_SUITE,
        contexts={
            **CONTEXTS,
            UNKNOWN_CONTEXT: {"@context": {"programme": "https://bank.example.edu.cn/vocab#programme"}},
        },
    )
    return dict(zip(cases, digital_bazaar.verify(list(cases.values())), strict=True))


def _proof_options(suite: str) -> dict[str, Any]:
    """The proof configuration an eddsa-rdfc-2022 or eddsa-jcs-2022 signature covers, with its @context."""
    return proof_config(CREDENTIAL, verification_method=METHOD, created=CREATED, suite=suite)


# Text the canonical N-Quads must escape, each as the name of an otherwise minimal VC 2.0 document.
ESCAPED_TEXT = {
    "tab": "学分\t4.5",
    "newline": "第一行\n第二行",
    "carriage return": "line\r\nbreak",
    "quotes and backslash": 'C:\\课程\\"DA101"',
    "line separator": "a\u2028b",
    "emoji outside the BMP": "毕业 🎓",
}
# RDFC-1.0 (canonical N-Quads): BS and FF as \b and \f, the other C0 controls and DEL as \u00XX.
CONTROL_CHARACTERS = "".join(chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def _text_document(text: str) -> dict[str, Any]:
    return {"@context": [VC_V2], "id": "urn:uuid:0b6c7d1e-5f4a-4c3b-8a29-1e7d6f5c4b3a", "name": text}


DIRECTED = {
    "@context": [VC_V2],
    "id": "urn:uuid:9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
    "name": {"@value": "شهادة تحليل البيانات", "@language": "ar", "@direction": "rtl"},
}


@pytest.fixture(scope="module")
def canonical_by_digital_bazaar(digital_bazaar: DigitalBazaar) -> dict[str, dict[str, str]]:
    documents: dict[str, dict[str, Any]] = {
        "credential": CREDENTIAL,
        **{f"proof options {suite}": _proof_options(suite) for suite in SUITES},
        **{name: _text_document(text) for name, text in ESCAPED_TEXT.items()},
        "control characters": _text_document(f"a{CONTROL_CHARACTERS}b"),
        "base direction": DIRECTED,
    }
    return dict(zip(documents, digital_bazaar.canonize(list(documents.values())), strict=True))


@pytest.mark.parametrize("suite", SUITES)
def test_digital_bazaar_verifies_an_open_badge_creditbank_signed(
    suite: str, digital_bazaar_verdicts: dict[tuple[str, ...], dict[str, Any]]
) -> None:
    assert digital_bazaar_verdicts["creditbank", suite] == {"verified": True, "errors": []}


@pytest.mark.parametrize("suite", SUITES)
def test_creditbank_verifies_an_open_badge_digital_bazaar_signed(
    suite: str, signed_by_digital_bazaar: dict[str, dict[str, Any]]
) -> None:
    theirs = signed_by_digital_bazaar[suite]
    proof = theirs["proof"]
    assert (proof["type"], proof["cryptosuite"], proof["proofPurpose"]) == (
        "DataIntegrityProof",
        suite,
        "assertionMethod",
    )
    assert proof["verificationMethod"] == METHOD
    assert {k: v for k, v in theirs.items() if k != "proof"} == CREDENTIAL
    check = ours_verify(theirs)
    assert check.verified, [p.render() for p in check.problems]
    assert check.verification_method == METHOD


@pytest.mark.parametrize("suite", SUITES)
def test_both_make_the_same_proof_from_the_same_key_time_and_credential(
    suite: str,
    signed_by_creditbank: dict[str, dict[str, Any]],
    signed_by_digital_bazaar: dict[str, dict[str, Any]],
) -> None:
    # Ed25519 is deterministic: one proofValue means both hashed the very same canonical bytes.
    assert signed_by_digital_bazaar[suite]["proof"] == signed_by_creditbank[suite]["proof"]
    assert ("@context" in signed_by_creditbank[suite]["proof"]) == (suite == JCS_SUITE)


@pytest.mark.parametrize("signer", ["creditbank", "digital bazaar"])
@pytest.mark.parametrize("suite", SUITES)
def test_a_credential_changed_after_signing_fails_in_both(
    suite: str,
    signer: str,
    signed_by_creditbank: dict[str, dict[str, Any]],
    signed_by_digital_bazaar: dict[str, dict[str, Any]],
    digital_bazaar_verdicts: dict[tuple[str, ...], dict[str, Any]],
) -> None:
    signed = (signed_by_creditbank if signer == "creditbank" else signed_by_digital_bazaar)[suite]
    assert ours_verify(signed).verified
    check = ours_verify(changed(signed))
    assert not check.verified
    assert "the signature does not match" in check.problems[0].render()
    assert digital_bazaar_verdicts[signer, suite, "changed"] == {
        "verified": False,
        "errors": ["Invalid signature."],
    }


def test_digital_bazaar_fetches_no_context_it_was_not_given(
    digital_bazaar_verdicts: dict[tuple[str, ...], dict[str, Any]],
) -> None:
    # (an eddsa-jcs-2022 proof reads no context at all, so only an RDF one can show this)
    verdict = digital_bazaar_verdicts["unknown context",]
    assert not verdict["verified"]
    assert f'The document loader refuses "{UNKNOWN_CONTEXT}": nothing is fetched.' in verdict["errors"]


@pytest.mark.parametrize("name", ["credential", *(f"proof options {suite}" for suite in SUITES)])
def test_both_canonicalise_the_open_badge_to_the_same_n_quads(
    name: str, canonical_by_digital_bazaar: dict[str, dict[str, str]]
) -> None:
    document = CREDENTIAL if name == "credential" else _proof_options(name.rsplit(" ", 1)[1])
    ours = canonical_rdf(document, CONTEXTS).decode("utf-8")
    theirs = canonical_by_digital_bazaar[name]
    assert theirs["nquads"] == ours
    assert theirs["signed_nquads"] == ours
    if name == "credential":  # the claims deep inside became quads: none was dropped for want of a term
        for text in ("#AchievementSubject>", "#IdentityObject>", '"CNQF-5-DA"', '"4.5E0"^^', '"Completed"'):
            assert text in ours


@pytest.mark.parametrize("name", ESCAPED_TEXT)
def test_both_escape_text_in_n_quads_alike(
    name: str, canonical_by_digital_bazaar: dict[str, dict[str, str]]
) -> None:
    ours = canonical_rdf(_text_document(ESCAPED_TEXT[name]), CONTEXTS).decode("utf-8")
    assert canonical_by_digital_bazaar[name]["signed_nquads"] == ours


def test_both_escape_control_characters_as_rdfc_1_0_requires(
    canonical_by_digital_bazaar: dict[str, dict[str, str]],
) -> None:
    ours = canonical_rdf(_text_document(f"a{CONTROL_CHARACTERS}b"), CONTEXTS).decode("utf-8")
    assert canonical_by_digital_bazaar["control characters"]["signed_nquads"] == ours


def test_both_sign_a_value_s_base_direction(canonical_by_digital_bazaar: dict[str, dict[str, str]]) -> None:
    ours = canonical_rdf(DIRECTED, CONTEXTS).decode("utf-8")
    assert canonical_by_digital_bazaar["base direction"]["signed_nquads"] == ours


def test_digital_bazaar_verify_rate_can_be_measured(
    digital_bazaar: DigitalBazaar, signed_by_creditbank: dict[str, dict[str, Any]]
) -> None:
    bench = digital_bazaar.bench_verify(signed_by_creditbank[RDFC_SUITE], count=3)
    assert bench["count"] == 3
    assert bench["seconds"] > 0
    assert bench["per_second"] > 0


def test_the_badges_creditbank_builds_verify_in_digital_bazaar(digital_bazaar: DigitalBazaar) -> None:
    """The OB 3.0 builder's own output (status entries, alignments, hashed identity), not a hand-made one."""
    from datetime import date
    from decimal import Decimal

    from creditbank.core.credentials import badges
    from creditbank.core.credentials.status_list import StatusList, status_entry, status_list_credential

    award = badges.Award(
        credential_id="urn:uuid:0f0e0d0c-0000-4000-8000-000000000002",
        issuer=badges.Issuer(ISSUER, "香港專業學院", "https://ips.example.edu.hk"),
        achievement_id="https://bank.example/register/HKIPS-101/?version=2",
        achievement_code="HKIPS-101",
        name="資料庫系統",
        description="設計及查詢關聯式資料庫。",
        criteria="考核及格。",
        achievement_type=badges.achievement_type("competency"),
        alignments=[
            badges.Alignment("HKQF 4", "https://bank.example/frameworks/HKQF/#HKQF-4", "HKQF", "HKQF-4", "ext:QualificationsFrameworkLevel"),
            badges.Alignment("3 × QF credit", "https://bank.example/frameworks/credits/convert/", "QF credit", "HKQF-CREDIT", "ext:CreditSystem"),
        ],
        credits=Decimal("2.5"),
        result="Distinction",
        awarded_on=date(2025, 7, 1),
        issued_at="2026-01-15T09:00:00Z",
        learner_name="陳大文",
        learner_number_hash=badges.identity_hash("LHK0001", "pepper"),
        learner_number_salt="pepper",
        language="zh-Hant",
        evidence_url="https://ips.example.edu.hk/evidence/1",
        status=[
            status_entry("https://bank.example/credentials/status/1/", 7, "revocation"),
            status_entry("https://bank.example/credentials/status/2/", 9, "suspension"),
        ],
    )  # fmt: skip
    unsigned = badges.open_badge_credential(award)
    signed = [
        add_proof(
            unsigned, seed=SEED, verification_method=METHOD, created=CREATED, suite=suite, contexts=CONTEXTS
        )
        for suite in SUITES
    ]

    def lists(revoked: set[int]) -> dict[str, dict[str, Any]]:
        made = {
            f"https://bank.example/credentials/status/{n}/": status_list_credential(
                f"https://bank.example/credentials/status/{n}/",
                StatusList.from_indexes(revoked if purpose == "revocation" else set()),
                issuer=ISSUER,
                purpose=purpose,
                valid_from="2026-01-01T00:00:00Z",
            )
            for n, purpose in ((1, "revocation"), (2, "suspension"))
        }
        return {
            url: add_proof(
                doc,
                seed=SEED,
                verification_method=METHOD,
                created=CREATED,
                suite=RDFC_SUITE,
                contexts=CONTEXTS,
            )
            for url, doc in made.items()
        }

    results = digital_bazaar.verify(signed, status_lists=lists({3, 8}))
    assert [r["verified"] for r in results] == [True, True], results
    assert all(not s["set"] for r in results for s in r["statuses"])
    # Digital Bazaar reads our status list: bit 7 set means revoked there too.
    results = digital_bazaar.verify(signed, status_lists=lists({7}))
    assert [r["verified"] for r in results] == [True, True], results  # the list itself checks out
    assert [[s for s in r["statuses"] if s["set"]] for r in results] == [
        [{"purpose": "revocation", "set": True}]
    ] * 2
