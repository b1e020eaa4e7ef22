"""Synthetic learners and their outcomes for the demo: deterministic, and deposited through the same
service and rules as any institution's batch. Names and identity numbers are invented; the numbers
are valid for their scheme so that they pass the checks a real clerk's entries would."""

from __future__ import annotations

import random
from datetime import date, timedelta

from stdnum.cn import ric

from creditbank.apps.accounts.learners import learner_open
from creditbank.apps.accounts.models import Learner, Region, User
from creditbank.apps.deposits.services import deposit_batch
from creditbank.core.errors import DomainError
from creditbank.core.identity import hkid_check_digit

SURNAMES = [("陈", "Chan"), ("李", "Li"), ("黄", "Wong"), ("张", "Zhang"), ("刘", "Lau"), ("林", "Lam"), ("何", "Ho"),
            ("梁", "Leung"), ("吴", "Ng"), ("郑", "Cheng"), ("周", "Chow"), ("罗", "Law"), ("谢", "Tse"), ("冯", "Fung")]  # fmt: skip
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "嘉欣", "子轩", "梓涵", "浩然", "思远", "雨桐"]  # fmt: skip
GD_REGIONS = [
    "440305",
    "440306",
    "440307",
    "440106",
    "440104",
    "440604",
    "441302",
    "442000",
]  # Shenzhen, Guangzhou, Foshan, Huizhou, Zhongshan

# (institution, unit, share of learners, results)
PROGRAMMES = [
    (
        "sz-poly",
        ["SZP-SE-101", "SZP-GE-101", "SZP-SE-102", "SZP-SE-201", "SZP-SE-202"],
        0.55,
        ["A", "B+", "B", "C", "pass"],
    ),
    ("hk-ips", ["HKIPS-SE3003", "HKIPS-SE4001", "HKIPS-SE4002"], 0.25, ["A", "A-", "B+", "B", "C+"]),
    ("gba-skills", ["GBAX-WEB-M", "GBA-ELEC-4"], 0.30, ["pass"]),
    ("mo-cpu", ["MOCPU-BSC-COMP"], 0.05, ["Second Class Honours (Upper Division)", "First Class Honours"]),
]


def _resident_id(rng: random.Random) -> str:
    while True:
        born = date(1985, 1, 1) + timedelta(days=rng.randrange(0, 365 * 20))
        body = f"{rng.choice(GD_REGIONS)}{born:%Y%m%d}{rng.randrange(0, 999):03d}"
        number = body + ric.calc_check_digit(body + "0")
        if ric.is_valid(number):
            return number


def _identity(rng: random.Random) -> tuple[str, str, str]:
    roll = rng.random()
    if roll < 0.7:
        return "cn_ric", _resident_id(rng), Region.GUANGDONG
    if roll < 0.9:
        prefix, digits = rng.choice("ACDEGHKPRVYZ"), f"{rng.randrange(0, 10**6):06d}"
        return "hk_id", f"{prefix}{digits}({hkid_check_digit(prefix, digits)})", Region.HONG_KONG
    return "mo_id", f"{rng.choice('157')}{rng.randrange(0, 10**6):06d}({rng.randrange(10)})", Region.MACAO


def load_demo_learners(operator: User, count: int = 300, seed: int = 2026) -> int:
    """Open ``count`` learner accounts and deposit their outcomes; returns the number of new learners.
    Safe to run again: existing people are found by identity, and batches are idempotent."""
    if Learner.objects.filter(opened_by=operator).count() >= count:
        return 0  # loaded before
    rng = random.Random(seed)  # noqa: S311  (demo data, not security)
    people: list[Learner] = []
    created = 0
    for _ in range(count):
        surname, romanised = rng.choice(SURNAMES)
        name = f"{surname}{rng.choice(GIVEN)}"
        scheme, number, region = _identity(rng)
        try:
            learner = learner_open(
                actor=operator,
                full_name=f"{name} {romanised}",
                id_scheme=scheme,
                id_number=number,
                region=region,
            )
        except DomainError:  # an invented number that collides with an earlier one: skip it
            continue
        created += 1
        people.append(learner)
    for institution, units, share, results in PROGRAMMES:
        rows = []
        for learner in people:
            if rng.random() > share:
                continue
            for unit in rng.sample(units, k=rng.randint(1, len(units))):
                achieved = date(2022, 1, 10) + timedelta(
                    days=rng.randrange(0, 1380)
                )  # within every unit's validity
                rows.append(
                    {
                        "learner_number": learner.public_id,
                        "unit_code": unit,
                        "achieved_on": achieved.isoformat(),
                        "result": rng.choice(results),
                        "outcome_type": "certificate" if institution == "gba-skills" else "formal",
                    }
                )
        if rows:
            deposit_batch(
                actor=operator,
                rows=rows,
                idempotency_key=f"demo-{institution}-{seed}",
                institution_code=institution,
            )
    return created
