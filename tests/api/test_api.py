"""The REST API: OpenAPI, one error shape, the framework questions, API-key authentication."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from tests.helpers import login

from creditbank.apps.accounts.services import api_key_create, api_key_revoke

pytestmark = pytest.mark.django_db
ERROR_KEYS = {"type", "title", "status", "code", "message", "details"}


def test_openapi_document_is_published_with_every_path(client: Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/frameworks", "/api/v1/levels/map", "/api/v1/credits/convert", "/api/v1/me"):
        assert path in spec["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_level_question_returns_targets_with_relation_confidence_and_path(
    client: Client, reference_data: Any
) -> None:
    body = client.get("/api/v1/levels/map", {"level": "HKQF:4", "to": "NZQF"}).json()
    assert [m["level"]["id"] for m in body["matches"]] == ["NZQF-5", "NZQF-6"]
    first = body["matches"][0]
    assert (first["relation"], first["confidence"], first["indirect"]) == (
        "broadly_comparable",
        "high",
        False,
    )
    assert first["path"]["steps"][0]["correspondence"] == "HKQF-NZQF-4"
    assert first["path"]["steps"][0]["sources"]


def test_level_question_without_published_referencing_says_so(client: Client, reference_data: Any) -> None:
    body = client.get(
        "/api/v1/levels/map", {"level": "HKQF:4", "to": "GDLEQF"}, HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert body["matches"] == []
    assert "does not infer" in body["explanation"]


def test_programme_alignments_are_notes_not_answers(client: Client, reference_data: Any) -> None:
    body = client.get("/api/v1/levels/map", {"level": "HKQF:6", "to": "GDLEQF"}).json()
    assert body["matches"] == []
    kinds = {n["kind"] for n in body["notes"]}
    assert "programme_alignment" in kinds
    note = next(n for n in body["notes"] if n["kind"] == "programme_alignment")
    assert note["scope"]["en"]


def test_descending_framework_levels_keep_their_rank(client: Client, reference_data: Any) -> None:
    levels = client.get("/api/v1/frameworks/NVQC").json()["level_list"]
    by_number = {lv["number"]: lv["rank"] for lv in levels}
    assert by_number == {1: 5, 2: 4, 3: 3, 4: 2, 5: 1}


def test_credit_conversion_keeps_ranges(client: Client, reference_data: Any) -> None:
    body = client.get(
        "/api/v1/credits/convert", {"amount": "30", "source": "HKQF-CREDIT", "target": "ECTS"}
    ).json()
    assert (body["low"], body["high"], body["hours_low"], body["hours_high"]) == (
        "10.00",
        "12.00",
        "300",
        "300",
    )


@pytest.mark.parametrize(
    ("url", "params", "status", "code"),
    [
        ("/api/v1/levels/map", {"level": "HKQF:9", "to": "NZQF"}, 404, "unknown_level"),
        ("/api/v1/levels/map", {"level": "NOPE:1", "to": "NZQF"}, 404, "unknown_framework"),
        ("/api/v1/levels/map", {"level": "HKQF4", "to": "NZQF"}, 422, "invalid_level_reference"),
        ("/api/v1/levels/map", {"level": "HKQF:4"}, 422, "invalid_input"),
        (
            "/api/v1/credits/convert",
            {"amount": "-3", "source": "ECTS", "target": "HKQF-CREDIT"},
            422,
            "invalid_credit_amount",
        ),
        (
            "/api/v1/credits/convert",
            {"amount": "3", "source": "GD-CREDIT", "target": "ECTS"},
            409,
            "conversion_impossible",
        ),
        (
            "/api/v1/credits/convert",
            {"amount": "3", "source": "XX", "target": "ECTS"},
            404,
            "unknown_credit_system",
        ),
        ("/api/v1/frameworks/NOPE", {}, 404, "unknown_framework"),
        ("/api/v1/me", {}, 401, "not_authenticated"),
    ],
)
def test_every_failure_has_the_same_problem_shape(
    client: Client, reference_data: Any, url: str, params: dict, status: int, code: str
) -> None:
    response = client.get(url, params)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert (body["status"], body["code"]) == (status, code)
    assert body["message"]


def test_errors_are_translated_for_the_requested_language(client: Client, reference_data: Any) -> None:
    body = client.get(
        "/api/v1/levels/map", {"level": "HKQF:9", "to": "NZQF"}, HTTP_ACCEPT_LANGUAGE="zh-hant"
    ).json()
    assert body["code"] == "unknown_level"
    assert "HKQF" in body["message"]
    assert (
        body["message"]
        != client.get(
            "/api/v1/levels/map", {"level": "HKQF:9", "to": "NZQF"}, HTTP_ACCEPT_LANGUAGE="en"
        ).json()["message"]
    )


def test_api_key_authenticates_an_institution_by_bearer_or_header(
    client: Client, institutions: Any, people: Any
) -> None:
    issued = api_key_create(actor=people["institution"], institution=institutions["own"], name="SIS")
    assert issued.key.key_hash != issued.secret
    assert issued.secret not in issued.key.key_hash
    bearer = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {issued.secret}").json()
    header = client.get("/api/v1/me", HTTP_X_API_KEY=issued.secret).json()
    assert bearer == header
    assert (bearer["kind"], bearer["role"], bearer["institution"]) == ("api_key", "institution", "sz-poly")


def test_revoked_or_wrong_api_key_is_refused(client: Client, institutions: Any, people: Any) -> None:
    issued = api_key_create(actor=people["institution"], institution=institutions["own"], name="SIS")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer cbk_wrong_key").status_code == 401
    api_key_revoke(actor=people["institution"], prefix=issued.key.prefix)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {issued.secret}").status_code == 401


def test_an_api_key_cannot_mint_more_keys(client: Client, institutions: Any, people: Any) -> None:
    issued = api_key_create(actor=people["institution"], institution=institutions["own"], name="SIS")
    response = client.post(
        "/api/v1/institutions/sz-poly/api-keys",
        data={"name": "more"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issued.secret}",
    )
    assert response.status_code == 401


def test_operator_publishes_a_new_version_through_the_api(
    client: Client, reference_data: Any, people: Any
) -> None:
    login(client, people["operator"])
    doc = client.get("/api/v1/frameworks/NZQF").json()
    document = {
        "code": "NZQF",
        "edition": "2099-01",
        "name": doc["name"],
        "jurisdiction": doc["jurisdiction"],
        "kind": doc["kind"],
        "status": doc["status"],
        "order": doc["order"],
        "confidence": doc["confidence"],
        "credit_system": doc["credit_system"],
        "levels": [
            {k: lv[k] for k in ("key", "number", "rank", "label", "summary")} for lv in doc["level_list"]
        ],
    }
    created = client.post("/api/v1/frameworks", data=document, content_type="application/json")
    assert created.status_code == 201
    again = client.post("/api/v1/frameworks", data=document, content_type="application/json")
    assert again.status_code == 200
    versions = client.get("/api/v1/frameworks/NZQF/versions").json()
    assert [v["edition"] for v in versions] == ["2099-01", "2026-11"]
    broken = {**document, "edition": "2099-02", "order": "sideways"}
    refused = client.post("/api/v1/frameworks", data=broken, content_type="application/json")
    assert (refused.status_code, refused.json()["code"]) == (422, "invalid_framework_document")
    assert len(client.get("/api/v1/frameworks/NZQF/versions").json()) == 2
