"""The demo bank: institutions of the Greater Bay Area and one login for every role.

Names are fictional. Running it again resets the demo passwords and changes nothing else.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth.models import Permission
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from creditbank.apps.accounts.learners import identity_index, learner_open
from creditbank.apps.accounts.models import Institution, InstitutionKind, Learner, Region, Role, User
from creditbank.apps.ledger.models import Checkpoint, Witness
from creditbank.apps.ledger.services import checkpoint_issue, verifier_key
from creditbank.apps.ledger.witness_keys import witness_key_create, witness_key_read
from creditbank.apps.ledger.witnesses import cosignature_add, witness_add
from creditbank.core.identity import parse_identity
from creditbank.core.ledger.witness import witness_checkpoint
from creditbank.demo_bank import load_demo_learners

# A synthetic but valid mainland resident ID (Guangzhou, born 1998-03-15): for the demo only.
DEMO_LEARNER_ID = "44010619980315123"

INSTITUTIONS = [
    (
        "gz-open",
        "Guangzhou Open College",
        "广州开放学院",
        InstitutionKind.OPEN_UNIVERSITY,
        Region.GUANGDONG,
        "Guangzhou",
    ),
    (
        "sz-poly",
        "Shenzhen Polytechnic of Applied Technology",
        "深圳应用技术职业学院",
        InstitutionKind.VOCATIONAL_COLLEGE,
        Region.GUANGDONG,
        "Shenzhen",
    ),
    (
        "hk-ips",
        "Hong Kong Institute of Professional Studies",
        "香港專業進修學院",
        InstitutionKind.VOCATIONAL_COLLEGE,
        Region.HONG_KONG,
        "Hong Kong",
    ),
    (
        "mo-cpu",
        "Macao City Polytechnic University",
        "澳門城市理工大學",
        InstitutionKind.UNIVERSITY,
        Region.MACAO,
        "Macao",
    ),
    (
        "gba-skills",
        "GBA Vocational Skills Assessment Centre",
        "粤港澳职业技能评价中心",
        InstitutionKind.CERTIFICATE_BODY,
        Region.GUANGDONG,
        "Foshan",
    ),
    (
        "qh-digital",
        "Qianhai Digital Services Co.",
        "前海数字服务有限公司",
        InstitutionKind.ENTERPRISE,
        Region.GUANGDONG,
        "Shenzhen",
    ),
]

# Invented but valid unified social credit codes for the mainland demo institutions.
DEMO_USCC = {
    "gz-open": "12440000MB2C39181X",
    "sz-poly": "12440300MB2C47753U",
    "gba-skills": "52440600MJL176424P",
}

# username, display name, role, institution code
PEOPLE = [
    # Listed before `learner`, so that scripts reading one login per role find the main demo learner.
    ("graduate", "林嘉怡 Lin Jiayi (a Shenzhen Polytechnic graduate-to-be)", Role.LEARNER, None),
    ("learner", "陈晓明 Chen Xiaoming", Role.LEARNER, None),
    ("institution", "李慧 Li Hui (Shenzhen Polytechnic)", Role.INSTITUTION, "sz-poly"),
    ("hkstaff", "陳志強 Chan Chi-keung (HK Institute of Professional Studies)", Role.INSTITUTION, "hk-ips"),
    ("assessor", "黃家豪 Wong Ka-ho (QA reviewer)", Role.ASSESSOR, "hk-ips"),
    ("assessor2", "林美玲 Lam Mei-ling (independent QA reviewer)", Role.ASSESSOR, None),
    # Site and sub-centre staff before `operator`, so that scripts reading one login per role find the centre's.
    ("site", "郑伟 Zheng Wei (Shenzhen accreditation site)", Role.OPERATOR, None),
    ("subcentre", "梁雪 Liang Xue (Guangdong sub-centre)", Role.OPERATOR, None),
    ("operator", "周敏 Zhou Min (credit bank centre)", Role.OPERATOR, None),
    ("employer", "何嘉欣 Ho Ka-yan (employer)", Role.EMPLOYER, None),
    ("enterprise", "吴婷 Wu Ting (HR, Qianhai Digital)", Role.INSTITUTION, "qh-digital"),
]


@dataclass(frozen=True)
class Login:
    role: str
    username: str
    password: str
    name: str


def demo_bank_load() -> list[Login]:
    with transaction.atomic():
        institutions = {}
        for code, en, zh, kind, region, city in INSTITUTIONS:
            institutions[code], _ = Institution.objects.update_or_create(
                code=code,
                defaults={
                    "name_en": en, "name_zh": zh, "kind": kind, "region": region, "city": city,
                    "uscc": DEMO_USCC.get(code),
                },
            )  # fmt: skip
        logins = []
        for username, name, role, inst in PEOPLE:
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "display_name": name,
                    "role": role,
                    "institution": institutions.get(inst or ""),
                    # Operators manage reference data in the admin too.
                    "is_staff": role == Role.OPERATOR,
                },
            )
            password = f"demo-{secrets.token_urlsafe(9)}"
            user.set_password(password)
            user.save()
            if role == Role.OPERATOR:
                user.user_permissions.set(
                    Permission.objects.filter(content_type__app_label__in=["frameworks", "accounts"])
                )
            logins.append(Login(str(role), username, password, name))
        _demo_alliance(User.objects.get(username="operator"))
        _demo_learner_account(User.objects.get(username="learner"))
        _demo_register(User.objects.get(username="operator"))
        _demo_case(User.objects.get(username="institution"), User.objects.get(username="operator"))
        operator = User.objects.get(username="operator")
        User.objects.filter(username="assessor").update(expertise_sectors=["education", "ict"])
        User.objects.filter(username="assessor2").update(expertise_sectors=["ict", "manufacturing"])
        load_demo_learners(operator)
        _demo_learner_outcomes(User.objects.get(username="learner"), operator)
        _demo_recognition(operator)
        _demo_transfer(User.objects.get(username="learner"))
        _demo_standards(operator)
        _demo_credentials(User.objects.get(username="learner"))
        _demo_collective(User.objects.get(username="enterprise"))
        _demo_records(User.objects.get(username="learner"), User.objects.get(username="institution"))
        _demo_network(operator)
        _demo_counter_document(User.objects.get(username="site"), User.objects.get(username="learner"))
        _demo_feed(operator)
        _demo_award_cycle(operator, User.objects.get(username="graduate"))
        _demo_catalogue(operator)
        _demo_account_review(operator, User.objects.get(username="site"))
        _demo_postings(User.objects.get(username="employer"))
        from creditbank.apps.stats.services import stats_refresh

        stats_refresh(actor=operator)  # the dashboards' figures, as the worker counts them
    # The demo's history so far, signed and co-signed by a witness run for hk-ips: an employer or
    # another bank can check it at /ledger/.
    _demo_witness(checkpoint_issue())
    return logins


def _demo_alliance(operator: User) -> None:
    """Every demo institution joined the alliance in September 2021, recorded through the service so
    that the ledger holds it (verifiers read membership on an award date from the ledger)."""
    from creditbank.apps.accounts.institutions import institution_alliance

    for institution in Institution.objects.filter(alliance_joined__isnull=True):
        institution_alliance(actor=operator, code=institution.code, joined=date(2021, 9, 1), left=None)


def _demo_witness(checkpoint: Checkpoint) -> None:
    """hk-ips runs a witness; its key stays in var/ (never in the bank's database)."""
    from django.conf import settings

    key_file = Path(settings.VAR_DIR) / "demo-witness.key"
    if key_file.exists():
        key = witness_key_read(key_file)
    else:
        key = witness_key_create(key_file, "hk-ips.demo/witness")
    if not Witness.objects.filter(name=key.name).exists():
        witness_add(
            actor=User.objects.get(username="operator"),
            verifier_key=key.verifier_key,
            institution_code="hk-ips",
        )
    line, _ = witness_checkpoint(
        note=checkpoint.note,
        bank_key=verifier_key(checkpoint.key),
        seen=None,
        proof=[],
        name=key.name,
        private_key=key.seed,
        now=int(time.time()),
    )
    cosignature_add(size=checkpoint.size, line=line)


def _demo_learner_outcomes(user: User, operator: User) -> None:
    """The demo learner's own record: a Shenzhen course, a certificate and a Hong Kong module."""
    from creditbank.apps.deposits.services import deposit_batch

    number = user.learner.public_id
    for institution, unit, achieved, result, kind in [
        ("sz-poly", "SZP-SE-101", "2023-01-12", "A", "formal"),
        ("sz-poly", "SZP-GE-101", "2023-06-28", "B+", "formal"),
        ("gba-skills", "GBAX-WEB-M", "2023-11-04", "pass", "certificate"),
        ("hk-ips", "HKIPS-SE4001", "2024-12-20", "A-", "formal"),
    ]:
        deposit_batch(
            actor=operator,
            rows=[
                {
                    "learner_number": number,
                    "unit_code": unit,
                    "achieved_on": achieved,
                    "result": result,
                    "outcome_type": kind,
                }
            ],
            idempotency_key=f"demo-learner-{unit}",
            institution_code=institution,
        )


def _demo_credentials(user: User) -> None:
    """The demo learner picks up two credentials: a Shenzhen course signed as did:key, and a Hong
    Kong module from hk-ips, which has a web domain and so signs as did:web."""
    from creditbank.apps.credentials.services import credential_issue
    from creditbank.apps.deposits.models import LearningOutcome, OutcomeStatus

    Institution.objects.filter(code="hk-ips").update(web_domain="hk-ips.demo.example")
    for unit, language in (("SZP-SE-101", "zh-hans"), ("HKIPS-SE4001", "en")):
        outcome = LearningOutcome.objects.get(
            learner=user.learner, entry__code=unit, status=OutcomeStatus.RECORDED
        )
        credential_issue(actor=user, outcome_id=outcome.pk, language=language)
    # …and shares the Shenzhen course with an employer, as a link that works for a month.
    from creditbank.apps.credentials.models import ShareLink
    from creditbank.apps.credentials.sharing import share_create

    if not ShareLink.objects.filter(learner=user.learner).exists():
        course = LearningOutcome.objects.get(
            learner=user.learner, entry__code="SZP-SE-101", status=OutcomeStatus.RECORDED
        )
        share_create(
            actor=user,
            outcome_ids=[course.pk],
            label="Qianhai Digital (demo employer)",
            expires_on=timezone.localdate() + timedelta(days=30),
            language="en",
        )


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁"
GIVEN = "伟芳娜敏静丽强磊洋艳勇军杰娟涛明超秀霞平刚桂英华玲"


def _demo_records(user: User, staff: User) -> None:
    """Learning without credit in the demo learner's record: a placement Shenzhen Polytechnic attests
    and volunteering the learner declares (once)."""
    from creditbank.apps.deposits.models import LearningRecord
    from creditbank.apps.deposits.records import record_add

    if LearningRecord.objects.filter(learner=user.learner).exists():
        return
    record_add(
        actor=staff,
        learner=user.learner,
        data={"kind": "work_experience", "title": "Software testing placement", "organisation": "Qianhai Digital",
              "started_on": "2024-07-01", "ended_on": "2024-08-31", "hours": "320"},
    )  # fmt: skip
    record_add(
        actor=user,
        learner=user.learner,
        data={"kind": "community_activity", "title": "Coding club volunteer tutor", "organisation": "Nanshan library",
              "started_on": "2023-09-01", "hours": "60"},
    )  # fmt: skip


def _demo_network(operator: User) -> None:
    """The service network: the centre, a Guangdong and a Hong Kong–Macao sub-centre and their
    sites; 1+X and other certificates are reviewed by the site, then the sub-centre (once)."""
    from creditbank.apps.accounts.models import ServiceUnit
    from creditbank.apps.accounts.network import unit_assign_institution, unit_assign_staff, unit_create
    from creditbank.apps.deposits.reviews import review_policy_set

    if not ServiceUnit.objects.exists():
        for code, en, zh, level, parent, territory in [
            ("gba-centre", "GBA Credit Bank Centre", "大湾区学分银行总中心", "centre", "", ""),
            ("gd-sub", "Guangdong sub-centre", "广东分中心", "sub_centre", "gba-centre", "GD"),
            (
                "hkmo-sub",
                "Hong Kong and Macao sub-centre",
                "港澳分中心",
                "sub_centre",
                "gba-centre",
                "HK, MO",
            ),
            ("sz-site", "Shenzhen accreditation site", "深圳认证点", "site", "gd-sub", "Shenzhen"),
            ("fs-site", "Foshan accreditation site", "佛山认证点", "site", "gd-sub", "Foshan"),
            ("hk-site", "Hong Kong accreditation site", "香港認證點", "site", "hkmo-sub", "Hong Kong"),
        ]:
            unit_create(
                actor=operator,
                code=code,
                name_en=en,
                name_zh=zh,
                level=level,
                parent=parent,
                territory=territory,
            )
        for site, institution in [
            ("sz-site", "sz-poly"),
            ("fs-site", "gba-skills"),
            ("hk-site", "hk-ips"),
            ("sz-site", "qh-digital"),
        ]:
            unit_assign_institution(actor=operator, code=site, institution=institution)
        unit_assign_staff(actor=operator, code="fs-site", username="site")
        unit_assign_staff(actor=operator, code="gd-sub", username="subcentre")
        unit_assign_staff(actor=operator, code="gba-centre", username="operator")
    review_policy_set(actor=operator, outcome_type="certificate", levels=2)


def _demo_account_review(operator: User, site: User) -> None:
    """From now on new accounts are reviewed by their site, then the sub-centre. A walk-in learner
    had an account opened at the Foshan site's counter (the site's check), now with `subcentre`."""
    from stdnum.cn import ric

    from creditbank.apps.accounts.account_reviews import account_review_policy_set

    account_review_policy_set(actor=operator, levels=2)
    body = "44010619990312002"
    number = body + ric.calc_check_digit(body + "0")
    if not Learner.objects.filter(id_index=identity_index(parse_identity("cn_ric", number))).exists():
        learner_open(
            actor=site, full_name="林嘉欣", id_scheme="cn_ric", id_number=number, region=Region.GUANGDONG
        )


def _demo_counter_document(site: User, learner_user: User) -> None:
    """The demo learner once brought a paper diploma to the Foshan site; staff scanned and filed it."""
    from weasyprint import HTML

    from creditbank.apps.accounts.documents import document_file

    learner = Learner.objects.get(user=learner_user)
    if learner.documents.exists():
        return
    scan = HTML(string="<h1>佛山市高级中学 毕业证书</h1><p>陈晓明 · 2015 (demo scan)</p>").write_pdf()
    document_file(actor=site, learner=learner, title="高中毕业证书 Secondary school diploma",
                  name="diploma-scan.pdf", content=scan)  # fmt: skip


def _demo_feed(operator: User) -> None:
    """gba-skills delivers 1+X certificates through its feed: five for demo learners, and one for a
    learner number that does not exist, which the feed's error report names."""
    from creditbank.apps.deposits.feeds import feed_create, feed_deliver
    from creditbank.apps.deposits.models import IssuerFeed

    if not IssuerFeed.objects.filter(code="gba-skills-1x").exists():
        feed_create(
            actor=operator,
            institution=Institution.objects.get(code="gba-skills"),
            code="gba-skills-1x",
            name="1+X web front-end development certificates",
        )
    numbers = list(
        Learner.objects.filter(user__isnull=True, opened_at_institution__isnull=True)
        .order_by("public_id")
        .values_list("public_id", flat=True)[:5]
    )
    rows = [
        {"learner_number": n, "unit_code": "GBAX-WEB-M", "achieved_on": "2025-06-28", "result": "pass", "evidence": f"1X-WEB-2025-{i:05d}"}
        for i, n in enumerate([*numbers, "LAAAAAAAAAA"])
    ]  # fmt: skip
    feed_deliver(actor=operator, code="gba-skills-1x", delivery_id="2025-06-30", certificates=rows)


def _demo_catalogue(operator: User) -> None:
    """This year's edition of the catalogue of recognised learning outcomes (once)."""
    from creditbank.apps.register.catalogue import catalogue_publish
    from creditbank.apps.register.models import CatalogueEdition

    year = timezone.localdate().year
    if not CatalogueEdition.objects.filter(year=year).exists():
        catalogue_publish(actor=operator, year=year, note="Demo edition")


def _demo_award_cycle(operator: User, graduate: User) -> None:
    """Shenzhen Polytechnic's award window is open and its application fee set; the `graduate` login
    has completed every course of the software diploma and can apply for the award (once)."""
    from decimal import Decimal

    from creditbank.apps.awards.models import Waiver, Window
    from creditbank.apps.awards.services import fee_set, term_calendar_set, window_add
    from creditbank.apps.deposits.services import deposit_batch

    sz_poly = Institution.objects.get(code="sz-poly")
    today = timezone.localdate()
    if not Window.objects.filter(institution=sz_poly).exists():
        window_add(
            actor=operator, institution=sz_poly, kind="award", opens=today - timedelta(days=14),
            closes=today + timedelta(days=60), confers_on=today + timedelta(days=75), note="Winter conferment",
        )  # fmt: skip
        window_add(
            actor=operator, institution=sz_poly, kind="award", opens=today + timedelta(days=180),
            closes=today + timedelta(days=240), confers_on=today + timedelta(days=255), note="Summer conferment",
        )  # fmt: skip
    # Hong Kong's semesters start in September and January; the bank keeps the mainland's default.
    term_calendar_set(
        actor=operator, institution=Institution.objects.get(code="hk-ips"), starts=["09-01", "01-15"]
    )
    fee_set(actor=operator, institution=None, code="award_application", amount=Decimal("100"))
    fee_set(actor=operator, institution=sz_poly, code="award_application", amount=Decimal("120"))
    Waiver.objects.get_or_create(
        code="low-income", defaults={"name": "Low-income household (低收入家庭)", "percent": 100}
    )
    _demo_learner_account(graduate, "44030520020614123", "林嘉怡")
    number = Learner.objects.get(user=graduate).public_id
    deposit_batch(
        actor=operator,
        rows=[
            {"learner_number": number, "unit_code": code, "achieved_on": on, "result": grade}
            for code, on, grade in [("SZP-SE-101", "2024-01-10", "A"), ("SZP-GE-101", "2024-01-12", "B+"),
                                    ("SZP-SE-102", "2024-06-20", "A-"), ("SZP-SE-201", "2025-01-08", "B"),
                                    ("SZP-SE-202", "2025-06-25", "A")]
        ],
        idempotency_key="demo-graduate",
        institution_code="sz-poly",
    )  # fmt: skip


def demo_roster(count: int = 200) -> list[dict[str, str]]:
    """Qianhai Digital's staff list: made-up people with valid mainland identity numbers."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    rows = []
    for n in range(count):
        body = f"440305{1991 + n % 15}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"  # Nanshan exists since 1990
        number = body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
        name = SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)] + GIVEN[(n * 3 + 1) % len(GIVEN)]
        rows.append(
            {"full_name": name, "id_scheme": "cn_ric", "id_number": number, "id_country": "", "region": "GD", "member_ref": f"QH{n + 1:04d}"}
        )  # fmt: skip
    return rows


def _demo_collective(hr: User) -> None:
    """The enterprise registers its 200 staff by file (once; the same file again registers nothing)."""
    from creditbank.apps.accounts.collective import collective_register

    enterprise = Institution.objects.get(code="qh-digital")
    collective_register(actor=hr, institution=enterprise, rows=demo_roster(), file_name="qianhai-staff.csv")


def demo_activation_line() -> str:
    """One registered person's details, so that whoever runs the demo can activate as them."""
    from creditbank.apps.accounts.collective import roster_code
    from creditbank.apps.accounts.models import RosterEntry

    entry = (
        RosterEntry.objects.filter(learner__user__isnull=True, registration__institution__code="qh-digital")
        .exclude(code_encrypted="")
        .select_related("learner")
        .order_by("pk")
        .first()
    )
    if entry is None:
        return "ACTIVATE (every demo staff member has activated)"
    number = {r["member_ref"]: r["id_number"] for r in demo_roster()}[entry.member_ref]
    return (
        f"ACTIVATE at /account/activate/: learner number {entry.learner.public_id}, code {roster_code(entry)}, "
        f"identity number {number} ({entry.learner.full_name}, registered by Qianhai Digital)"
    )


def demo_credential_links() -> list[str]:
    """Lines to print: where an employer verifies the demo learner's credentials (what their QR
    codes open), and the record the learner shares."""
    from creditbank.apps.credentials.models import Credential, ShareLink
    from creditbank.apps.credentials.presenters import verify_url
    from creditbank.apps.credentials.sharing import share_token
    from creditbank.apps.credentials.status import public_url

    found = Credential.objects.filter(learner__user__username="learner").order_by("issued_at")
    lines = [
        f"VERIFY {verify_url(c)}  (a credential of the demo learner, as its QR code opens it)" for c in found
    ]
    for share in ShareLink.objects.filter(learner__user__username="learner", revoked_at__isnull=True):
        url = public_url(reverse("shared", args=[share_token(share)]))
        lines.append(f"SHARED {url}  (what the demo learner shares with {share.label})")
    return lines


def _demo_recognition(operator: User) -> None:
    """Rules and caps of two receiving institutions, published through the services (once)."""
    from creditbank.apps.recognition.models import RecognitionRule
    from creditbank.apps.recognition.services import policy_set, rule_publish

    data = yaml.safe_load(
        (Path(__file__).parent / "data" / "demo" / "recognition.yaml").read_text(encoding="utf-8")
    )
    for agreement in data.pop("agreements"):
        _demo_agreement(operator, agreement)
    for owner, setup in data.items():
        for doc in setup["rules"]:
            if not RecognitionRule.objects.filter(code=doc["code"]).exists():
                rule_publish(actor=operator, doc=doc, owner_code=owner)
        for qualification, preset in setup["policies"].items():
            policy_set(actor=operator, qualification=qualification, preset=preset)


def _demo_agreement(operator: User, doc: dict[str, Any]) -> None:
    """The bank drafts a GBA agreement with its rules; each party signs for itself (once)."""
    from creditbank.apps.accounts.principals import InstitutionPrincipal
    from creditbank.apps.recognition.agreements import agreement_create, agreement_sign
    from creditbank.apps.recognition.models import Agreement
    from creditbank.apps.recognition.services import rule_publish

    if Agreement.objects.filter(code=doc["code"]).exists():
        return
    rules = doc.pop("rules")
    agreement_create(actor=operator, doc=doc)
    for rule in rules:
        owner = rule.pop("owner")
        rule_publish(actor=operator, doc={**rule, "agreement": doc["code"]}, owner_code=owner)
    for code in doc["parties"]:
        institution = Institution.objects.get(code=code)
        # Each party signs as itself, as its staff (or its system, through an API key) would.
        agreement_sign(actor=InstitutionPrincipal(institution.pk, code, "demo"), code=doc["code"])


def _demo_standards(operator: User) -> None:
    """Guangdong, Hong Kong and Macao standards, one conflict between them resolved by the operator's
    recorded choices, published as the unified standard's first version (once)."""
    from creditbank.apps.recognition.models import RecognitionStandard
    from creditbank.apps.recognition.standards import standard_import, standard_publish

    if RecognitionStandard.objects.exists():
        return
    folder = Path(__file__).parent / "data" / "demo" / "standards"
    codes = []
    for region in ("GD", "HK", "MO"):
        doc = yaml.safe_load((folder / f"{region}.yaml").read_text(encoding="utf-8"))
        codes.append(standard_import(actor=operator, doc=doc).code)
    choices = yaml.safe_load((folder / "choices.yaml").read_text(encoding="utf-8"))
    standard_publish(
        actor=operator,
        regional=codes,
        choices=choices,
        code="GBA-UNIFIED",
        title="Greater Bay Area recognition standard",
    )


def _demo_transfer(user: User) -> None:
    """The demo learner has asked Shenzhen Polytechnic to count their 1+X certificate (once), so that
    the sz-poly login has an application to decide; the Hong Kong diploma is left for them to apply to."""
    from creditbank.apps.recognition.models import TransferApplication
    from creditbank.apps.recognition.transfers import transfer_apply

    if not TransferApplication.objects.filter(learner=user.learner, qualification="SZP-SE-DIP").exists():
        transfer_apply(actor=user, learner=user.learner, qualification="SZP-SE-DIP")


def _demo_case(staff: User, operator: User) -> None:
    """A new unit of Shenzhen Polytechnic in external review, waiting for the demo assessors."""
    from creditbank.apps.accreditation.services import case_assign, case_open, case_self_assess
    from creditbank.apps.register.models import RegisterEntry
    from creditbank.apps.register.services import entry_create

    if RegisterEntry.objects.filter(code="SZP-SE-301").exists():
        return
    entry_create(
        actor=staff,
        doc={
            "code": "SZP-SE-301",
            "kind": "course",
            "title_en": "Cloud Computing Fundamentals",
            "title_zh": "云计算基础",
            "framework": "GDLEQF",
            "level": "5",
            "credits": "4",
            "credit_system": "GD-CREDIT",
            "sector": "ict",
            "outcomes_en": "Deploy and operate a containerised application on a public cloud, with monitoring and backups.",
            "outcomes_zh": "在公有云上部署并运维容器化应用，配置监控与备份。",
            "valid_from": "2025-09-01",
        },
    )
    case = case_open(actor=staff, entry_code="SZP-SE-301")
    case_self_assess(
        actor=staff,
        ref=case.ref,
        findings={
            "knowledge": "Covers cloud service models, containers and networking at the depth of level 5.",
            "skills": "Learners deploy, monitor and restore a real application in graded labs.",
            "competency": "Team projects with on-call rotation assess responsibility for a running service.",
        },
    )
    case_assign(actor=operator, ref=case.ref, reviewers=["assessor", "assessor2"])


DEMO_POSTINGS = [
    ("Web前端开发工程师", "前海数码", "GD", "ict",
     "岗位职责：使用HTML、CSS和JavaScript开发响应式网页，调用REST API；能编写SQL查询者优先。"),
    ("Junior database developer", "Qianhai Digital", "GD", "ict",
     "Design relational schemas and write SQL queries; object-oriented programming in Java is a plus."),
    ("酒店前台接待員", "澳門濠江酒店", "MO", "tourism",
     "負責賓客入住及退房手續，處理客人投訴；須能以英語及葡語溝通。"),
    ("倉務主任", "港灣物流", "HK", "logistics", "負責倉庫管理及存貨控制，安排出貨配送。"),
    ("养老护理员", "佛山颐年养老院", "GD", "health", "为老年人提供日常照护，掌握急救技能，做好感染预防工作。"),
]  # fmt: skip


def _demo_postings(employer: User) -> None:
    """Job postings an employer published to learners (once): demand for the dashboards, jobs for learners."""
    from creditbank.apps.matching.models import JobPosting
    from creditbank.apps.matching.services import posting_match

    if JobPosting.objects.filter(posted_by=employer).exists():
        return
    for title, company, region, sector, text in DEMO_POSTINGS:
        posting_match(actor=employer, title=title, employer=company, region=region, sector=sector, text=text,
                      public=True)  # fmt: skip


def _demo_register(operator: User) -> None:
    """Register the demo programmes and record their accreditation (once)."""
    from datetime import date
    from pathlib import Path

    import yaml

    from creditbank.apps.register.models import RegisterEntry
    from creditbank.apps.register.services import entries_import, entry_record_accreditation

    data = yaml.safe_load(
        (Path(__file__).parent / "data" / "demo" / "register.yaml").read_text(encoding="utf-8")
    )
    for owner, docs in data.items():
        fresh = [d for d in docs if not RegisterEntry.objects.filter(code=d["code"]).exists()]
        if not fresh:
            continue
        for entry in entries_import(actor=operator, docs=fresh, owner_code=owner):
            entry_record_accreditation(
                actor=operator,
                code=entry.code,
                accredited_on=date(2024, 6, 30),
                next_review_on=date(2029, 6, 30),
                note="Accredited before the register moved to creditbank (demo data).",
            )
    from creditbank.apps.matching.services import unit_skills_backfill

    unit_skills_backfill(actor=operator)  # entries a demo made before skills shipped


def _demo_learner_account(user: User, id_body: str = DEMO_LEARNER_ID, name: str = "陈晓明") -> None:
    """Open a demo learner's account through the service, as an operator at the counter would."""
    from stdnum.cn import ric

    number = id_body + ric.calc_check_digit(id_body + "0")  # wants a placeholder check digit
    learner = Learner.objects.filter(id_index=identity_index(parse_identity("cn_ric", number))).first()
    if learner is None:
        learner = learner_open(
            actor=User.objects.get(username="operator"),
            full_name=name,
            id_scheme="cn_ric",
            id_number=number,
            region=Region.GUANGDONG,
        )
    if learner.user_id != user.pk:
        learner.user = user
        learner.save(update_fields=["user"])
