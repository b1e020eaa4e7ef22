"""Fixtures for integration tests that deposit learning outcomes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.helpers import CLI, PASSWORD

from creditbank.apps.accounts.learners import SignIn, learner_open
from creditbank.apps.accounts.models import User
from creditbank.apps.accounts.network import unit_assign_institution, unit_assign_staff, unit_create
from creditbank.apps.deposits.reviews import review_policy_set
from creditbank.apps.deposits.services import deposit_batch
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


EXEMPT = {
    "code": "HK-R-EX",
    "title": "U-102 exempts HK-202",
    "qualification": "HK-DIP",
    "source": {"units": ["U-102"]},
    "conditions": {"grades": ["A", "B"]},
    "target": {"exempt": "HK-202"},
    "valid_from": "2024-01-01",
}
BLOCK = {
    "code": "HK-R-GD",
    "title": "Guangdong ICT courses count as HKQF 3 credit",
    "source": {
        "kinds": ["course"],
        "min_level": "GDLEQF:4",
        "system": "GD-CREDIT",
        "institutions": ["sz-poly"],
    },
    "target": {"system": "HKQF-CREDIT", "level": "HKQF:3"},
    "factor": "2",
    "valid_from": "2024-01-01",
}


@pytest.fixture
def gba(bank: dict[str, Any], people: dict[str, Any]) -> dict[str, Any]:
    """hk-ips offers HK-DIP (HK-201 plus 20 HKQF credits at level 3+); Wong holds two Guangdong courses and HK-201."""
    operator = people["operator"]
    qualification = unit(
        "HK-DIP",
        kind="diploma",
        framework="HKQF",
        credits="30",
        credit_system="HKQF-CREDIT",
        requirements={
            "all_of": [{"unit": "HK-201"}, {"credits": 20, "system": "HKQF-CREDIT", "min_level": "HKQF:3"}]
        },
    )
    hk_unit = unit("HK-202", framework="HKQF", credits="15", credit_system="HKQF-CREDIT")
    entries_import(actor=operator, docs=[hk_unit, qualification], owner_code="hk-ips")
    for code in ("HK-202", "HK-DIP"):
        entry_record_accreditation(
            actor=operator, code=code, accredited_on=date(2020, 6, 1), next_review_on=None, note="QA"
        )
    number = bank["wong"].public_id
    for institution, code, result in (
        ("sz-poly", "U-101", "A"),
        ("sz-poly", "U-102", "B"),
        ("hk-ips", "HK-201", "pass"),
    ):
        deposit_batch(
            actor=operator,
            rows=[
                {"learner_number": number, "unit_code": code, "achieved_on": "2024-01-10", "result": result}
            ],
            idempotency_key=f"gba-{code}",
            institution_code=institution,
        )
    return {**bank, "operator": operator}


@pytest.fixture
def wong_u101(bank: dict[str, Any], people: dict[str, Any]) -> Any:
    """Wong's U-101 of sz-poly (grade A), standing in the bank."""
    from creditbank.apps.deposits.models import LearningOutcome

    deposit_batch(
        actor=people["operator"],
        rows=[
            {
                "learner_number": bank["wong"].public_id,
                "unit_code": "U-101",
                "achieved_on": "2024-01-10",
                "result": "A",
            }
        ],
        idempotency_key="cred-U-101",
        institution_code="sz-poly",
    )
    return LearningOutcome.objects.get(entry__code="U-101", learner=bank["wong"])


@pytest.fixture
def network(bank: dict, people: dict) -> dict[str, Any]:
    """centre → gd-sub (Guangdong) → sz-site (serves sz-poly); hk-sub → hk-site (serves hk-ips);
    staff site-sz, sub-gd and site-hk; certificates reviewed at two levels."""
    op = people["operator"]
    unit_create(actor=op, code="centre", name_en="Bank centre", name_zh="总中心", level="centre")
    unit_create(
        actor=op,
        code="gd-sub",
        name_en="Guangdong sub-centre",
        name_zh="广东分中心",
        level="sub_centre",
        parent="centre",
        territory="GD",
    )
    unit_create(
        actor=op, code="sz-site", name_en="Shenzhen site", name_zh="深圳认证点", level="site", parent="gd-sub"
    )
    unit_create(
        actor=op,
        code="hk-sub",
        name_en="Hong Kong sub-centre",
        name_zh="香港分中心",
        level="sub_centre",
        parent="centre",
        territory="HK",
    )
    unit_create(
        actor=op,
        code="hk-site",
        name_en="Hong Kong site",
        name_zh="香港認證點",
        level="site",
        parent="hk-sub",
    )
    unit_assign_institution(actor=op, code="sz-site", institution="sz-poly")
    unit_assign_institution(actor=op, code="hk-site", institution="hk-ips")
    staff = {}
    for name, unit in (("site-sz", "sz-site"), ("sub-gd", "gd-sub"), ("site-hk", "hk-site")):
        User.objects.create_user(name, role="operator")
        staff[name] = unit_assign_staff(actor=op, code=unit, username=name)
    review_policy_set(actor=op, outcome_type="certificate", levels=2)
    return staff


OPERATOR = """
import django
django.setup()
from creditbank.apps.accounts.models import User
User.objects.create_user("operator", role="operator")
"""


@pytest.fixture
def own_database(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """A bank of its own, set up by the real command, for tests whose work runs in other processes
    (a SQLite file, or a PostgreSQL database named after the test module when the suite runs there):
    the environment to run ``creditbank`` in, with an operator called ``operator``."""
    env = {
        **os.environ,
        "CREDITBANK_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "creditbank.config.settings.dev",
    }
    url = os.environ.get("CREDITBANK_TEST_DATABASE_URL", "")
    name = "creditbank_" + request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    server = url.rsplit("/", 1)[0]
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
        env["CREDITBANK_DATABASE_URL"] = f"{server}/{name}"
    else:
        env["CREDITBANK_DATABASE_URL"] = f"sqlite:///{tmp_path}/{name}.sqlite3"
    subprocess.run([str(CLI), "setup"], env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-c", OPERATOR], env=env, check=True, capture_output=True)
    yield env
    if url.startswith("postgres"):
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
