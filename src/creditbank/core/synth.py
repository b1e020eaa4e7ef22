"""A synthetic credit bank, deterministic for a seed: institutions across Guangdong's cities, Hong
Kong and Macao, a register of units on their real frameworks, learners with valid (invented)
identity documents, and outcomes with realistic mixes of type, level, grade and date over twenty
years — plus a few repeated and bad rows, so that duplicate detection and row checks have work.

Learners come in blocks; each block is generated from (seed, block number) alone, so a run that
stopped can resume at any block and produce exactly the same rows."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from stdnum.cn import ric, uscc

from creditbank.core.identity import hkid_check_digit

BLOCK = 5_000  # learners per block, at least: one deposit per institution per block
MAX_BLOCK = 100_000  # and at most (a block's rows are held in memory, under 100 000 per deposit)
FIRST_DAY, DAYS = date(2005, 9, 1), 20 * 365
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # learner numbers, as the bank's own

CITIES = [  # (city, region code for identity numbers, English, Chinese)
    ("Shenzhen", "440305", "Shenzhen", "深圳"), ("Guangzhou", "440106", "Guangzhou", "广州"),
    ("Foshan", "440602", "Foshan", "佛山"), ("Dongguan", "441900", "Dongguan", "东莞"),
    ("Huizhou", "441302", "Huizhou", "惠州"), ("Zhongshan", "442000", "Zhongshan", "中山"),
    ("Zhuhai", "440402", "Zhuhai", "珠海"), ("Jiangmen", "440700", "Jiangmen", "江门"),
    ("Zhaoqing", "441202", "Zhaoqing", "肇庆"),
]  # fmt: skip
KINDS = [  # (institution kind, English, Chinese, share)
    ("vocational_college", "Polytechnic", "职业技术学院", 0.35), ("university", "University", "大学", 0.15),
    ("open_university", "Open University", "开放大学", 0.10), ("training_body", "Training Centre", "培训中心", 0.20),
    ("certificate_body", "Skills Assessment Centre", "技能评价中心", 0.20),
]  # fmt: skip
SECTORS = [("ict", "Software", "软件"), ("manufacturing", "Mechatronics", "机电"), ("finance", "Accounting", "会计"),
           ("health", "Nursing", "护理"), ("logistics", "Logistics", "物流"), ("tourism", "Hospitality", "酒店管理")]  # fmt: skip
SURNAMES = ["陈", "李", "黄", "张", "刘", "林", "何", "梁", "吴", "郑", "周", "罗", "谢", "冯", "王", "杨"]
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "嘉欣", "子轩",
         "梓涵", "浩然", "思远", "雨桐", "俊杰", "诗琪"]  # fmt: skip
TOPICS = {  # per sector: what a unit teaches, in English and Chinese (skills of the shipped vocabulary)
    "ict": [("web programming", "Web开发"), ("computer programming", "计算机编程"), ("write SQL queries", "编写SQL查询"),
            ("database design", "数据库设计"), ("software testing", "软件测试"), ("JavaScript", "JavaScript编程")],
    "manufacturing": [("programmable logic controller", "可编程逻辑控制器"), ("operate machine tools", "数控机床操作"),
                      ("maintain electrical equipment", "电气设备维护"), ("robotics", "机器人技术"),
                      ("inspect quality of products", "产品质量检验"), ("electrical wiring diagrams", "电气接线图")],
    "finance": [("accounting", "会计"), ("prepare financial statements", "编制财务报表"), ("financial analysis", "财务分析"),
                ("internal auditing", "内部审计"), ("prepare tax returns forms", "纳税申报"), ("manage budgets", "预算管理")],
    "health": [("implement fundamentals of nursing", "基础护理"), ("provide first aid", "急救"),
               ("tend to elderly people", "老年照护"), ("infection control", "感染控制"), ("rehabilitation", "康复"),
               ("administer prescribed medication", "给药")],
    "logistics": [("manage warehouse operations", "仓储管理"), ("manage inventory", "库存管理"),
                  ("handle shipment documentation", "货运单证处理"), ("ensure customs compliance", "海关合规"),
                  ("supply chain management", "供应链管理"), ("international trade", "国际贸易")],
    "tourism": [("hotel operations", "酒店运营管理"), ("deal with arrivals in accommodation", "入住接待"),
                ("process reservations", "预订处理"), ("service rooms", "客房服务"),
                ("manage tourist groups", "旅游团队管理"), ("serve beverages", "酒水服务")],
}  # fmt: skip
TYPES = [("formal", 0.55), ("non_formal", 0.20), ("certificate", 0.20), ("informal", 0.05)]
GRADES = ["A", "A-", "B+", "B", "B-", "C+", "C", "pass"]
DEGREE_KINDS = ("vocational_college", "university", "open_university")
REPEAT_SHARE, BAD_SHARE = 0.01, 0.002  # rows sent twice in a file; rows with a problem


@dataclass(frozen=True, slots=True)
class Institution:
    code: str
    name_en: str
    name_zh: str
    kind: str
    region: str  # GD, HK, MO
    city: str
    uscc: str  # mainland institutions' unified social credit code (GB 32100); "" elsewhere


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    owner: str
    kind: str  # course, module or x_certificate
    title_en: str
    title_zh: str
    framework: str
    level: str
    credits: str
    credit_system: str
    sector: str

    def as_register_doc(self) -> dict[str, str]:
        first, second = self._topics()
        return {
            "code": self.code, "kind": self.kind, "title_en": self.title_en, "title_zh": self.title_zh,
            "framework": self.framework, "level": self.level, "credits": self.credits,
            "credit_system": self.credit_system, "sector": self.sector, "valid_from": FIRST_DAY.isoformat(),
            "outcomes_en": f"Apply {self.title_en.lower()} in practice: {first[0]}; {second[0]}.",
            "outcomes_zh": f"在实践中运用{self.title_zh}：{first[1]}；{second[1]}。",
        }  # fmt: skip

    def _topics(self) -> tuple[tuple[str, str], tuple[str, str]]:
        """Two of the sector's topics, chosen by the unit's place (so job matching has something to
        find in a synthetic register, as in a real one)."""
        topics = TOPICS[self.sector]
        institution, unit = int(self.code[3:7]), int(self.code[8:10])
        return topics[(institution + unit) % len(topics)], topics[(institution + 2 * unit + 1) % len(topics)]


@dataclass(frozen=True, slots=True)
class Person:
    number: str  # learner number
    full_name: str
    id_scheme: str
    id_number: str
    region: str


@dataclass(frozen=True, slots=True)
class Row:
    institution: str
    learner_number: str
    unit_code: str
    achieved_on: str
    result: str
    outcome_type: str


@dataclass(frozen=True, slots=True)
class Bank:
    institutions: tuple[Institution, ...]
    units: tuple[Unit, ...]


def bank(seed: int, learners: int) -> Bank:
    """Institutions (about one per 5 000 learners, at least 12) and 16 units each."""
    rng = random.Random(f"{seed}:bank")  # noqa: S311 (invented data, not security)
    count = max(12, min(2_000, learners // 5_000))
    institutions, units = [], []
    for i in range(count):
        kind, kind_en, kind_zh = _pick(rng, [(k, e, z) for k, e, z, _s in KINDS], [s for *_x, s in KINDS])
        region = "GD" if i % 10 < 8 else ("HK" if i % 10 == 8 else "MO")
        city, area, city_en, city_zh = CITIES[i % len(CITIES)] if region == "GD" else (
            ("Hong Kong", "", "Hong Kong", "香港") if region == "HK" else ("Macao", "", "Macao", "澳门"))  # fmt: skip
        code = f"syn-{i:04d}"
        credit_code = ""
        if region == "GD":  # registered with the market regulator (91) in its city, numbered by index
            body = f"91{area}{i:08d}0"
            credit_code = body + uscc.calc_check_digit(body)
        institutions.append(
            Institution(
                code, f"{city_en} {kind_en} {i}", f"{city_zh}{kind_zh}{i}", kind, region, city, credit_code
            )
        )
        framework, credit_system, levels = {
            "GD": ("GDLEQF", "GD-CREDIT", ["2", "3", "4", "5", "6"]),
            "HK": ("HKQF", "HKQF-CREDIT", ["2", "3", "4", "5", "6"]),
            "MO": ("QF-EHEA", "ECTS", ["short", "first", "second"]),
        }[region]
        for j in range(16):
            sector, sector_en, sector_zh = SECTORS[(i + j) % len(SECTORS)]
            unit_kind = (
                "x_certificate" if kind == "certificate_body" else ("module" if j % 4 == 3 else "course")
            )
            units.append(
                Unit(f"SYN{i:04d}-{j:02d}", code, unit_kind, f"{sector_en} {j + 1}", f"{sector_zh}{j + 1}", framework,
                     levels[j % len(levels)], str(rng.choice([2, 3, 4, 5, 6])), credit_system, sector)
            )  # fmt: skip
    return Bank(tuple(institutions), tuple(units))


def programmes(catalogue: Bank) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
    """Diplomas for cohort audits and transfer proposals: the first Guangdong college offers one per
    sector (its own unit of the sector and 12 more credits of it), and counts credit from elsewhere by
    two rules per diploma: Guangdong credit one for one, Hong Kong credit at half. Returns the owner,
    the qualifications' register documents and the rules' documents."""
    owner = next(i for i in catalogue.institutions if i.region == "GD" and i.kind in DEGREE_KINDS)
    own = [u for u in catalogue.units if u.owner == owner.code and u.kind != "x_certificate"]
    qualifications, rules = [], []
    for sector, sector_en, sector_zh in SECTORS:
        first = next((u for u in own if u.sector == sector), None)
        if first is None:
            continue
        code = f"{first.code[:7]}-DIP-{sector.upper()[:3]}"
        qualifications.append({
            "code": code, "kind": "diploma", "title_en": f"Diploma in {sector_en}", "title_zh": f"{sector_zh}专业（专科）",
            "framework": "GDLEQF", "level": "5", "credits": "20", "credit_system": "GD-CREDIT", "sector": sector,
            "valid_from": FIRST_DAY.isoformat(), "outcomes_en": f"Practise {sector_en.lower()} at diploma level.",
            "outcomes_zh": f"达到专科层次的{sector_zh}专业能力。",
            "requirements": {"all_of": [{"unit": first.code}, {"credits": 12, "system": "GD-CREDIT", "sector": sector}]},
        })  # fmt: skip
        target = {"system": "GD-CREDIT", "level": "GDLEQF:4", "sector": sector}
        for region, system, level, factor in (
            ("GD", "GD-CREDIT", "GDLEQF:3", "1"),
            ("HK", "HKQF-CREDIT", "HKQF:3", "0.5"),
        ):
            rules.append({
                "code": f"{code}-{region}", "title": f"{sector_en} credit from {region} institutions",
                "qualification": code, "source": {"sector": sector, "system": system, "min_level": level},
                "target": target, "factor": factor, "valid_from": FIRST_DAY.isoformat(),
            })  # fmt: skip
    return owner.code, qualifications, rules


def block_size(learners: int) -> int:
    """Learners per block. Institutions grow with the bank (one per 5 000 learners), so a fixed block
    would split into ever smaller deposits (80 rows each at 1.25 M learners) whose fixed cost then
    dominates; growing the block keeps each institution's deposit at about 800 rows."""
    return max(BLOCK, min(MAX_BLOCK, learners // 25))


def blocks(learners: int) -> int:
    return -(-learners // block_size(learners))


def block_range(block: int, learners: int) -> range:
    """The indexes of the learners of one block."""
    size = block_size(learners)
    return range(block * size, min((block + 1) * size, learners))


def people(seed: int, block: int, learners: int) -> list[Person]:
    """The learners of one block; identity numbers are unique by construction (the learner's index)."""
    rng = random.Random(f"{seed}:people:{block}")  # noqa: S311
    return [_person(seed, index, rng) for index in block_range(block, learners)]


def outcomes(seed: int, block: int, learners: int, total: int, catalogue: Bank) -> Iterator[Row]:
    """The block's outcome rows: on average ``total / learners`` per learner, each learner studying
    at two or three institutions; a few rows repeated or broken on purpose."""
    rng = random.Random(f"{seed}:outcomes:{block}")  # noqa: S311
    by_owner: dict[str, list[Unit]] = {}
    for unit in catalogue.units:
        by_owner.setdefault(unit.owner, []).append(unit)
    owners = list(by_owner)
    mean = total / max(learners, 1)
    kinds, weights = [k for k, _w in TYPES], [w for _k, w in TYPES]
    for person in people(seed, block, learners):
        count = max(0, round(rng.gauss(mean, mean / 3)))
        studied = rng.sample(owners, k=min(len(owners), rng.choice([1, 2, 2, 3])))
        for n in range(count):
            owner = studied[n % len(studied)]
            unit = by_owner[owner][rng.randrange(len(by_owner[owner]))]
            achieved = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
            kind = "certificate" if unit.kind == "x_certificate" else rng.choices(kinds, weights)[0]
            row = Row(owner, person.number, unit.code, achieved.isoformat(), rng.choice(GRADES), kind)
            roll = rng.random()
            if roll < BAD_SHARE:  # a date in the future or an unknown unit: refused and reported
                row = Row(owner, person.number, unit.code + "X" if roll < BAD_SHARE / 2 else unit.code,
                          "2099-01-01" if roll >= BAD_SHARE / 2 else row.achieved_on, row.result, kind)  # fmt: skip
            yield row
            if rng.random() < REPEAT_SHARE:
                yield row  # the same row twice in one file


def learner_number(seed: int, index: int) -> str:
    """Unique for (seed, index): the index in the bank's alphabet after a seed-dependent offset."""
    value, digits = (seed % 1_000) * 10**9 + index, []
    for _ in range(10):
        value, digit = divmod(value, len(ALPHABET))
        digits.append(ALPHABET[digit])
    return "L" + "".join(reversed(digits))


def _person(seed: int, index: int, rng: random.Random) -> Person:
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    roll = rng.random()
    if roll < 0.8:
        _city, area, *_names = CITIES[index % len(CITIES)]
        # Born 1990–2007 (the region codes used are valid from 1990), one sequence number each.
        born = date(1990, 1, 1) + timedelta(days=(index // (len(CITIES) * 1000)) % 6_500)
        body = f"{area}{born:%Y%m%d}{(index // len(CITIES)) % 1000:03d}"
        scheme, number, region = "cn_ric", body + ric.calc_check_digit(body + "0"), "GD"
    elif roll < 0.95:
        prefix, digits = "ACDEGHKPRVYZ"[index % 12], f"{(index // 12) % 10**6:06d}"
        scheme, number, region = "hk_id", f"{prefix}{digits}({hkid_check_digit(prefix, digits)})", "HK"
    else:
        scheme, number, region = "mo_id", f"{'157'[index % 3]}{(index // 3) % 10**6:06d}({index % 10})", "MO"
    return Person(learner_number(seed, index), name, scheme, number, region)


def _pick(
    rng: random.Random, items: list[tuple[str, str, str]], weights: list[float]
) -> tuple[str, str, str]:
    return rng.choices(items, weights)[0]
