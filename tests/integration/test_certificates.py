"""The printable certificate of a credential: what it shows, in which language and font, and that a
revoked one cannot pass for valid."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext

from creditbank.apps.credentials.certificates import certificate_pdf
from creditbank.apps.credentials.models import Credential
from creditbank.apps.credentials.presenters import verify_url
from creditbank.apps.credentials.services import credential_issue, credential_revoke, credential_suspend
from creditbank.apps.credentials.status import public_url
from creditbank.apps.deposits.models import LearningOutcome
from creditbank.core.credentials.badges import read_badge

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (shutil.which("pdftotext") and shutil.which("pdffonts")),
        reason="needs poppler-utils (installed by .ci/run)",
    ),
]


def issue(bank: dict[str, Any], outcome: LearningOutcome, language: str) -> Credential:
    return credential_issue(actor=bank["wong"].user, outcome_id=outcome.pk, language=language)


def pdf_text(pdf: bytes, path: Path) -> str:
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_fonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def pdf_pages(path: Path) -> int:
    return int(pdf_info(path)["Pages"])


def test_an_english_certificate_shows_the_award_and_how_to_verify_it(
    bank: dict[str, Any], wong_u101: LearningOutcome, tmp_path: Path
) -> None:
    credential = issue(bank, wong_u101, "en")
    pdf = certificate_pdf(credential)
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / "certificate-en.pdf"
    text = pdf_text(pdf, path)
    for shown in (
        "Lifelong Learning Credit Bank",
        "Certificate of achievement",
        "Wong Ka Ho",
        "Course U-101",  # the achievement, in the credential's language
        "U-101 · Course",  # its code and kind
        wong_u101.institution.name_en,
        "Framework level",
        read_badge(credential.document).level_name,
        wong_u101.level_id,
        "4 GD-CREDIT",
        "Result",
        "Awarded on",
        "Jan. 10, 2024",
        str(credential.id),
        verify_url(credential),  # printed in full, on one line, under the QR code
        "How to verify this certificate",
        public_url("/verify/"),  # where the credential file can be uploaded
    ):
        assert shown in text, shown
    assert "Revoked" not in text
    assert "Suspended" not in text
    # The learner number is no more on the certificate than in the credential.
    assert bank["wong"].public_id not in text
    assert pdf_pages(path) == 1
    assert pdf_info(path)["Page size"] == "595.276 x 841.89 pts (A4)"  # A4 portrait


def test_a_traditional_chinese_certificate_prints_in_the_tc_font(
    bank: dict[str, Any], wong_u101: LearningOutcome, tmp_path: Path
) -> None:
    credential = issue(bank, wong_u101, "zh-hant")
    assert credential.language == "zh_hant"
    path = tmp_path / "certificate-zh-hant.pdf"
    text = pdf_text(certificate_pdf(credential), path)
    for shown in (
        "课程 U-101",  # the register's Chinese title, as issued
        wong_u101.institution.name_zh,
        "Wong Ka Ho",
        read_badge(credential.document).level_name,  # the level's Traditional Chinese name
        "4 GD-CREDIT",
        "2024年1月10日",  # the award date in the Chinese date format
        verify_url(credential),
        str(credential.id),
    ):
        assert shown in text, shown
    with translation.override("zh-hant"):  # the labels speak Traditional Chinese once translated
        labels = [gettext(label) for label in ("Lifelong Learning Credit Bank", "Credits", "Awarded on")]
    assert labels[0] == "終身學習學分銀行"
    for label in labels:
        assert label in text, label
    fonts = pdf_fonts(path)
    names = [row[0] for row in fonts]
    assert any("NotoSansCJKTC" in name.replace("-", "") for name in names), names
    assert not any("Serif" in name for name in names), names  # no fallback font
    assert all(row[-5] == "yes" for row in fonts), fonts  # every font embedded


def test_a_simplified_chinese_certificate_prints_in_the_sc_font(
    bank: dict[str, Any], wong_u101: LearningOutcome, tmp_path: Path
) -> None:
    path = tmp_path / "certificate-zh-hans.pdf"
    text = pdf_text(certificate_pdf(issue(bank, wong_u101, "zh-hans")), path)
    assert "课程 U-101" in text
    assert "终身学习学分银行" in text  # a label the catalog already translates
    names = [row[0] for row in pdf_fonts(path)]
    assert any("NotoSansCJKSC" in name.replace("-", "") for name in names), names


def test_a_revoked_certificate_says_so_and_cannot_pass_for_valid(
    bank: dict[str, Any], people: dict[str, Any], wong_u101: LearningOutcome, tmp_path: Path
) -> None:
    credential = issue(bank, wong_u101, "en")
    revoked = credential_revoke(
        actor=people["institution"], credential_id=credential.id, reason="issued in error"
    )
    path = tmp_path / "revoked.pdf"
    text = pdf_text(certificate_pdf(revoked), path)
    assert pdf_pages(path) == 1  # the warning takes room, but the certificate still fits one page
    assert "Revoked" in text
    assert "This credential has been revoked by its issuer and is no longer valid." in " ".join(text.split())
    assert "Revoked on" in text
    assert "issued in error" not in text  # the reason is the issuer's, not the reader's
    # Still traceable to its live status.
    assert "Wong Ka Ho" in text
    assert verify_url(revoked) in text


def test_a_suspended_certificate_says_so(
    bank: dict[str, Any], people: dict[str, Any], wong_u101: LearningOutcome, tmp_path: Path
) -> None:
    credential = issue(bank, wong_u101, "en")
    suspended = credential_suspend(
        actor=people["institution"], credential_id=credential.id, reason="under review"
    )
    text = " ".join(pdf_text(certificate_pdf(suspended), tmp_path / "suspended.pdf").split())
    assert "Suspended on" in text
    assert "This credential is suspended by its issuer and is not valid while it is suspended." in text


def test_long_names_are_set_tighter_to_keep_the_certificate_on_one_page(
    bank: dict[str, Any], people: dict[str, Any], wong_u101: LearningOutcome, tmp_path: Path
) -> None:
    credential = issue(bank, wong_u101, "en")
    credential = credential_revoke(actor=people["institution"], credential_id=credential.id, reason="test")
    document = credential.document  # changed in memory only: the certificate prints what it is given
    document["name"] = (
        "Higher Diploma in Computer Science, Information Technology and Applied AI for Industry"
    )
    document["credentialSubject"]["identifier"][1]["identityHash"] = "Chan Tai Man Christopher Alexander Wong"
    credential.institution.name_en = (
        "The Hong Kong Institute of Professional and Continuing Education (Kowloon)"
    )
    path = tmp_path / "long.pdf"
    text = " ".join(pdf_text(certificate_pdf(credential), path).split())
    assert pdf_pages(path) == 1
    assert verify_url(credential) in text
    assert "Revoked" in text
