"""Pages: each role's home, the framework pages in three languages, questions and their errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from tests.helpers import ROLES, login

from creditbank.apps.frameworks.models import FrameworkVersion
from creditbank.apps.frameworks.services import SHIPPED_DIR

pytestmark = pytest.mark.django_db


def page(client: Client, url: str, language: str = "en", **params: str) -> Any:
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_its_home_page(client: Client, people: Any, role: str) -> None:
    login(client, people[role])
    html = page(client, "/").content.decode()
    assert f"Demo {role}" in html
    has_publish = "/frameworks/publish/" in html
    assert has_publish == (role == "operator")


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Qualifications frameworks"), ("zh-hans", "资历框架"), ("zh-hant", "資歷架構")],
)
def test_framework_list_in_three_languages(
    client: Client, reference_data: Any, language: str, heading: str
) -> None:
    response = page(client, "/frameworks/", language)
    html = response.content.decode()
    assert heading in html
    assert "HKQF" in html
    assert "NVQC" in html
    assert '<meta charset="utf-8">' in html


def test_framework_detail_shows_descending_levels_and_credit(client: Client, reference_data: Any) -> None:
    html = page(client, "/frameworks/NVQC/").content.decode()
    assert "level 1 is the highest" in html
    hk = page(client, "/frameworks/HKQF/").content.decode()
    assert "1 credit = 10 learning hours" in hk


def test_unknown_framework_page_is_a_404_that_names_it(client: Client, reference_data: Any) -> None:
    response = page(client, "/frameworks/NOPE/")
    assert response.status_code == 404
    assert "NOPE" in response.content.decode()


def test_compare_page_lists_levels_with_published_correspondences(
    client: Client, reference_data: Any
) -> None:
    html = page(client, "/frameworks/compare/", left="HKQF", right="NZQF").content.decode()
    assert "HKQF-NZQF-4" not in html  # ids live on the level page; compare shows levels and tags
    assert html.count("broadly comparable") >= 7


def test_level_question_page_answers_with_path(client: Client, reference_data: Any) -> None:
    html = page(client, "/frameworks/levels/map/", level="HKQF:4", to="NZQF").content.decode()
    assert "HKQF-4 → NZQF-5" in html
    assert "NZQF-6" in html
    assert "official referencing report" in html


def test_level_question_page_explains_an_unknown_level(client: Client, reference_data: Any) -> None:
    response = page(client, "/frameworks/levels/map/", level="HKQF:9", to="NZQF")
    assert response.status_code == 404
    assert "has no level 9" in response.content.decode()


def test_credit_question_page_answers_and_refuses_negative_credits(
    client: Client, reference_data: Any
) -> None:
    ok = page(client, "/frameworks/credits/convert/", amount="30", **{"from": "HKQF-CREDIT", "to": "ECTS"})
    assert "10.00–12.00" in ok.content.decode()
    bad = page(client, "/frameworks/credits/convert/", amount="-3", **{"from": "HKQF-CREDIT", "to": "ECTS"})
    assert bad.status_code == 422
    assert "cannot be negative" in bad.content.decode()


def test_operator_publishes_by_upload_and_a_broken_file_changes_nothing(
    client: Client, reference_data: Any, people: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, people["operator"])
    text = (
        (SHIPPED_DIR / "SCQF.yaml")
        .read_text(encoding="utf-8")
        .replace('edition: "2026-11"', 'edition: "2030-01"')
    )
    assert "2030-01" in text
    count = FrameworkVersion.objects.count()
    broken = client.post(
        "/frameworks/publish/", {"file": SimpleUploadedFile("x.yaml", b"code: [", "text/yaml")}
    )
    assert broken.status_code == 422
    assert FrameworkVersion.objects.count() == count
    done = client.post(
        "/frameworks/publish/", {"file": SimpleUploadedFile("scqf.yaml", text.encode(), "text/yaml")}
    )
    assert done.status_code == 302
    assert FrameworkVersion.objects.get(code="SCQF", is_current=True).edition == "2030-01"


def test_older_edition_page_says_it_is_not_current(client: Client, reference_data: Any, people: Any) -> None:
    import yaml

    from creditbank.apps.frameworks.services import framework_publish

    doc = yaml.safe_load((SHIPPED_DIR / "AQF.yaml").read_text(encoding="utf-8"))
    doc["edition"] = "2031-01"
    framework_publish(actor=people["operator"], document=doc)
    html = page(client, "/frameworks/AQF/", edition="2026-11").content.decode()
    assert "older edition 2026-11" in html


def test_missing_page_uses_the_site_404(client: Client) -> None:
    response = page(client, "/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_institution_staff_create_and_revoke_their_keys_on_the_page(client: Client, people: Any) -> None:
    login(client, people["institution"])
    created = client.post("/account/api-keys/", {"name": "student records"}, HTTP_ACCEPT_LANGUAGE="en")
    html = created.content.decode()
    assert "cbk_" in html
    assert "will not be shown again" in html
    prefix = people["institution"].institution.api_keys.get().prefix
    client.post("/account/api-keys/", {"revoke": prefix})
    assert people["institution"].institution.api_keys.get().revoked_at is not None
