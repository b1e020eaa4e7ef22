"""Fixtures for integration tests that deposit learning outcomes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from tests.helpers import PASSWORD

from creditbank.apps.accounts.learners import SignIn, learner_open
from creditbank.apps.register.services import entries_import, entry_record_accreditation

HKID = "A123456(3)"


def unit(code: str, **changes: Any) -> dict[str, Any]:
    return {
        "code": code, "kind": "course", "title_en": f"Course {code}", "title_zh": f"课程 {code}", "framework": "GDLEQF",
        "level": "4", "credits": "4", "credit_system": "GD-CREDIT", "sector": "ict", "outcomes_en": "Outcomes.",
        "outcomes_zh": "成果。", "valid_from": "2020-09-01", **changes,
    }  # fmt: skip


@pytest.fixture
def bank(reference_data: Any, people: Any) -> dict[str, Any]:
    """Two accredited units and a draft of sz-poly, one accredited unit of hk-ips, and two learners."""
    entries_import(
        actor=people["operator"], docs=[unit("U-101"), unit("U-102"), unit("U-DRAFT")], owner_code="sz-poly"
    )
    entries_import(
        actor=people["operator"],
        docs=[unit("HK-201", framework="HKQF", credit_system="HKQF-CREDIT")],
        owner_code="hk-ips",
    )
    for code in ("U-101", "U-102", "HK-201"):
        entry_record_accreditation(
            actor=people["operator"],
            code=code,
            accredited_on=date(2020, 6, 1),
            next_review_on=None,
            note="QA",
        )
    wong = learner_open(
        actor=None,
        full_name="Wong Ka Ho",
        id_scheme="hk_id",
        id_number=HKID,
        region="HK",
        sign_in=SignIn("wong", PASSWORD),
    )
    li = learner_open(
        actor=people["operator"],
        full_name="Li Na",
        id_scheme="passport",
        id_number="K1234567",
        id_country="GBR",
        region="XX",
    )
    return {"wong": wong, "li": li}
