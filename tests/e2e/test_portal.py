"""A person signs in, switches language, asks a level question, and the pages stay accessible."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from tests.helpers import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SERIOUS = {"serious", "critical"}


def serious_violations(page: Any) -> list[str]:
    result = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in result.response["violations"]
        if v["impact"] in SERIOUS
    ]


def sign_in(page: Any, base_url: str, username: str) -> None:
    """Sign in through the login form, as a person does."""
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")


def switch_language(page: Any, code: str) -> None:
    """Use the header's language switcher as a person would, and wait for the page it leads to."""
    page.select_option("#language-select", code)
    with page.expect_navigation():
        page.click("form.lang button")


def test_sign_in_switch_language_and_ask_a_level_question(
    browser: Any, live_server: Any, reference_data: Any, people: Any, artifacts: Path
) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{live_server.url}/login/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.fill("#id_username", "operator")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "欢迎" in page.inner_text("h1")
    page.screenshot(path=str(artifacts / "home-zh-hans.png"), full_page=True)

    switch_language(page, "zh-hant")
    assert page.locator("html").get_attribute("lang") == "zh-Hant"
    assert "歡迎" in page.inner_text("h1")
    page.screenshot(path=str(artifacts / "home-zh-hant.png"), full_page=True)

    switch_language(page, "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.inner_text("h1").startswith("Welcome")
    assert serious_violations(page) == []

    page.goto(f"{live_server.url}/frameworks/levels/map/")
    page.select_option("#level", "HKQF:4")
    page.select_option("#to", "NZQF")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#answer table")
    answer = page.inner_text("#answer")
    assert "HKQF-4 → NZQF-5" in answer
    assert "HKQF-4 → NZQF-6" in answer
    assert "level=HKQF%3A4" in page.url  # HTMX pushed the question into the address bar
    page.screenshot(path=str(artifacts / "level-question-en.png"), full_page=True)
    assert serious_violations(page) == []

    for path in (
        "/frameworks/",
        "/frameworks/NVQC/",
        "/frameworks/compare/?left=HKQF&right=NZQF",
        "/frameworks/credits/convert/?amount=30&from=HKQF-CREDIT&to=ECTS",
        "/frameworks/publish/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert serious_violations(page) == [], path
    page.screenshot(path=str(artifacts / "publish-en.png"), full_page=True)

    assert [e for e in console_errors if "Content Security Policy" in e] == []
    context.close()


def test_a_person_opens_their_own_account_and_sees_it(
    browser: Any, live_server: Any, people: Any, artifacts: Path
) -> None:
    from stdnum.cn import ric

    body = "11010519900307002"
    number = body + ric.calc_check_digit(body + "0")
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    page.click("text=Open an account")
    assert serious_violations(page) == []
    page.fill("#full_name", "Li Na")
    page.select_option("#id_scheme", "cn_ric")
    page.fill("#id_number", number[:-1] + ("0" if number[-1] != "0" else "1"))  # a mistyped check digit
    page.select_option("#region", "GD")
    page.fill("#username", "lina")
    page.fill("#password", PASSWORD)
    page.fill("#password2", PASSWORD)
    page.click("main button[type=submit]")
    assert "check digit does not match" in page.inner_text("[role=alert]")
    assert page.input_value("#full_name") == "Li Na"  # what was typed is kept
    page.fill("#id_number", number)
    page.fill("#password", PASSWORD)
    page.fill("#password2", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/account/me/")
    text = page.inner_text("main")
    assert "Li Na" in text
    assert number not in text
    page.screenshot(path=str(artifacts / "my-account-en.png"), full_page=True)
    assert serious_violations(page) == []

    staff_context = browser.new_context(locale="en-GB")
    staff = staff_context.new_page()
    sign_in(staff, live_server.url, "institution")
    staff.goto(f"{live_server.url}/account/learners/")
    staff.select_option("#find-id_scheme", "cn_ric")
    staff.fill("#find-id_number", number)
    staff.click("form:has(input[name=action][value=find]) button[type=submit]")
    staff.wait_for_selector("[role=status]")
    assert "Found account" in staff.inner_text("main")
    assert number not in staff.url
    assert serious_violations(staff) == []
    staff.screenshot(path=str(artifacts / "learners-staff-en.png"), full_page=True)
    staff_context.close()
    context.close()


def test_an_institution_registers_a_unit_and_the_public_finds_it_once_accredited(
    browser: Any, live_server: Any, reference_data: Any, people: Any, artifacts: Path
) -> None:
    from datetime import date

    from creditbank.apps.register.services import entry_record_accreditation

    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server.url, "institution")
    page.goto(f"{live_server.url}/register/manage/")
    assert serious_violations(page) == []
    page.fill("#code", "SZP-SE-101")
    page.select_option("#kind-new", "course")
    page.fill("#title_en", "Programming Fundamentals")
    page.fill("#title_zh", "程序设计基础")
    page.select_option("#framework-new", "GDLEQF")
    page.fill("#level", "4")
    page.fill("#credits", "4")
    page.select_option("#credit_system", "GD-CREDIT")
    page.select_option("#sector-new", "ict")
    page.fill("#outcomes_en", "Write and test structured programs.")
    page.fill("#outcomes_zh", "编写并测试结构化程序。")
    page.fill("#valid_from", "2024-09-01")
    page.click("text=Register as draft")
    page.wait_for_selector("text=Registered SZP-SE-101 as a draft.")
    assert "Draft" in page.inner_text("table")

    entry_record_accreditation(
        actor=people["operator"],
        code="SZP-SE-101",
        accredited_on=date(2024, 6, 1),
        next_review_on=None,
        note="QA panel",
    )
    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{live_server.url}/register/?q=程序设计")
    assert "SZP-SE-101" in public.inner_text("table")
    assert serious_violations(public) == []
    public.screenshot(path=str(artifacts / "register-search-zh-hans.png"), full_page=True)
    public.context.close()
    context.close()


def test_an_assessor_reviews_a_case_on_its_page(
    browser: Any, live_server: Any, reference_data: Any, people: Any, institutions: Any, artifacts: Path
) -> None:
    from creditbank.apps.accounts.models import User
    from creditbank.apps.accreditation.services import case_assign, case_open, case_self_assess
    from creditbank.apps.register.services import entry_create

    User.objects.create_user("expert", password=PASSWORD, role="assessor", institution=institutions["other"])
    User.objects.create_user("expert2", password=PASSWORD, role="assessor")
    entry_create(
        actor=people["institution"],
        doc={"code": "SZP-SE-301", "kind": "course", "title_en": "Cloud Computing", "title_zh": "云计算基础",
             "framework": "GDLEQF", "level": "5", "credits": "4", "credit_system": "GD-CREDIT", "sector": "ict",
             "outcomes_en": "Deploy a containerised application.", "outcomes_zh": "部署容器化应用。", "valid_from": "2025-09-01"},
    )  # fmt: skip
    ref = case_open(actor=people["institution"], entry_code="SZP-SE-301").ref
    findings = {"knowledge": "Theory at level 5.", "skills": "Labs.", "competency": "Projects."}
    case_self_assess(actor=people["institution"], ref=ref, findings=findings)
    case_assign(actor=people["operator"], ref=ref, reviewers=["expert", "expert2"])

    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server.url, "expert")
    page.goto(f"{live_server.url}/accreditation/")
    page.click(f"text={ref}")
    assert serious_violations(page) == []
    for domain in ("knowledge", "skills", "competency"):
        page.fill(f"#score-{domain}", "4")
    page.fill("#findings", "The outcomes match level 5 descriptors.")
    page.click("text=Submit review")
    page.wait_for_selector("text=The outcomes match level 5 descriptors.")
    assert "waiting for expert2" in page.inner_text("main")
    page.screenshot(path=str(artifacts / "accreditation-review-en.png"), full_page=True)
    assert serious_violations(page) == []
    context.close()


def deposit_setup(people: Any) -> Any:
    """sz-poly's accredited unit U-101 and draft U-DRAFT, and one learner; returns the learner."""
    from datetime import date

    from creditbank.apps.accounts.learners import learner_open
    from creditbank.apps.register.services import entries_import, entry_record_accreditation

    base = {"kind": "course", "title_zh": "课程", "framework": "GDLEQF", "level": "4", "credits": "4",
            "credit_system": "GD-CREDIT", "sector": "ict", "outcomes_en": "x", "outcomes_zh": "x", "valid_from": "2020-01-01"}  # fmt: skip
    entries_import(
        actor=people["operator"],
        docs=[
            {**base, "code": "U-101", "title_en": "Programming"},
            {**base, "code": "U-DRAFT", "title_en": "Draft"},
        ],
        owner_code="sz-poly",
    )
    entry_record_accreditation(
        actor=people["operator"], code="U-101", accredited_on=date(2020, 1, 1), next_review_on=None, note="QA"
    )
    return learner_open(
        actor=people["operator"],
        full_name="Wong Ka Ho",
        id_scheme="hk_id",
        id_number="A123456(3)",
        region="HK",
    )


def test_an_institution_uploads_a_file_with_a_bad_row(
    browser: Any, live_server: Any, reference_data: Any, people: Any, artifacts: Path, tmp_path: Path
) -> None:
    from creditbank.apps.deposits.models import LearningOutcome

    learner = deposit_setup(people)
    csv_file = tmp_path / "outcomes.csv"
    csv_file.write_text(
        f"learner_number,unit_code,achieved_on,result\n{learner.public_id},U-101,2024-06-30,A\n{learner.public_id},U-DRAFT,2024-06-30,A\n",
        encoding="utf-8",
    )

    context = browser.new_context(
        locale="en-GB", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    sign_in(page, live_server.url, "institution")
    page.goto(f"{live_server.url}/deposits/")
    assert serious_violations(page) == []
    page.set_input_files("#file", str(csv_file))
    page.click("form:has(#file) button[type=submit]")
    page.wait_for_selector("[role=alert]")
    assert "Nothing was stored" in page.inner_text("[role=alert]")
    assert "U-DRAFT is not accredited" in page.inner_text("main")
    assert LearningOutcome.objects.count() == 0
    page.screenshot(path=str(artifacts / "deposit-rejected-en.png"), full_page=True)

    page.set_input_files("#file", str(csv_file))
    page.check("#good_rows_only")
    page.click("form:has(#file) button[type=submit]")
    page.wait_for_url("**/deposits/batches/**")
    facts = page.inner_text("dl")
    assert "New outcomes\n1" in facts or "New outcomes\t1" in facts
    with page.expect_download() as download:
        page.click("text=download the problem report (CSV)")
    assert "U-DRAFT is not accredited" in Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert serious_violations(page) == []
    page.screenshot(path=str(artifacts / "deposit-batch-en.png"), full_page=True)
    assert LearningOutcome.objects.count() == 1
    context.close()


def test_a_large_file_runs_in_the_background_and_its_page_follows_it(
    browser: Any, live_server: Any, reference_data: Any, people: Any, artifacts: Path, tmp_path: Path
) -> None:
    from django.core.management import call_command
    from django.test import override_settings

    from creditbank.apps.deposits.models import LearningOutcome

    learner = deposit_setup(people)
    csv_file = tmp_path / "large.csv"
    csv_file.write_text(
        f"learner_number,unit_code,achieved_on,result\n{learner.public_id},U-101,2024-06-30,A\n",
        encoding="utf-8",
    )
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    with override_settings(CREDITBANK={"BACKGROUND_UPLOAD_BYTES": 10}):  # this file counts as large
        sign_in(page, live_server.url, "institution")
        page.goto(f"{live_server.url}/deposits/")
        page.set_input_files("#file", str(csv_file))
        page.click("form:has(#file) button[type=submit]")
        page.wait_for_url("**/deposits/jobs/**")
        assert page.inner_text("#job-state") == "Waiting for a worker"
        assert serious_violations(page) == []
        assert LearningOutcome.objects.count() == 0
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
        # The page polls by itself (htmx); nobody reloads it.
        page.locator("#job-state", has_text="Done").wait_for(timeout=15_000)
        assert "1 new, 0 already present, 0 rejected" in page.inner_text("#job")
        assert serious_violations(page) == []
        page.screenshot(path=str(artifacts / "deposit-job-done-en.png"), full_page=True)
        page.click("#job a:has-text('See the batch')")
        page.wait_for_url("**/deposits/batches/**")
    assert LearningOutcome.objects.count() == 1
    context.close()


def test_a_learner_claims_rpl_sees_the_decision_and_finds_it_in_the_statement(
    browser: Any, live_server: Any, reference_data: Any, people: Any, artifacts: Path, tmp_path: Path
) -> None:
    from datetime import date

    from creditbank.apps.accounts.learners import SignIn, learner_open
    from creditbank.apps.accounts.models import User
    from creditbank.apps.accreditation.models import AccreditationCase
    from creditbank.apps.accreditation.services import case_assign, case_decide, case_review
    from creditbank.apps.register.services import entries_import, entry_record_accreditation

    doc = {"code": "U-WEB", "kind": "course", "title_en": "Web Front-end", "title_zh": "Web前端", "framework": "GDLEQF",
           "level": "4", "credits": "4", "credit_system": "GD-CREDIT", "sector": "ict", "outcomes_en": "Build pages.",
           "outcomes_zh": "构建网页。", "valid_from": "2020-01-01"}  # fmt: skip
    entries_import(actor=people["operator"], docs=[doc], owner_code="sz-poly")
    entry_record_accreditation(
        actor=people["operator"], code="U-WEB", accredited_on=date(2020, 1, 1), next_review_on=None, note="QA"
    )
    learner_open(
        actor=None,
        full_name="Wong Ka Ho",
        id_scheme="hk_id",
        id_number="A123456(3)",
        region="HK",
        sign_in=SignIn("wong", PASSWORD),
    )
    for name in ("p1", "p2"):
        User.objects.create_user(name, password=PASSWORD, role="assessor")
    portfolio = tmp_path / "portfolio.pdf"
    portfolio.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server.url, "wong")
    page.click("nav >> text=My RPL claims")
    page.click("text=Claim recognition of prior learning")
    assert serious_violations(page) == []
    page.select_option("#unit", "U-WEB")
    page.fill("#statement", "Five years building and maintaining our company's responsive website.")
    page.set_input_files("#files", str(portfolio))
    page.click("text=Submit claim")
    page.wait_for_selector("text=is with the bank")
    ref = AccreditationCase.objects.get().ref
    assert "portfolio.pdf" in page.inner_text("main")
    page.screenshot(path=str(artifacts / "rpl-claimed-en.png"), full_page=True)

    case_assign(actor=people["operator"], ref=ref, reviewers=["p1", "p2"])
    for name in ("p1", "p2"):
        case_review(
            actor=User.objects.get(username=name),
            ref=ref,
            scores={"outcomes": 4},
            findings="Portfolio shows it.",
            recommendation="approved",
        )
    case_decide(
        actor=people["operator"],
        ref=ref,
        outcome="approved",
        reasons="The portfolio shows every outcome of U-WEB.",
    )

    page.reload()
    assert "The portfolio shows every outcome of U-WEB." in page.inner_text("main")
    assert serious_violations(page) == []
    page.click("nav >> text=My outcomes")
    statement = page.inner_text("main")
    assert "U-WEB" in statement
    assert "informal learning (RPL)" in statement
    assert "4.00 GD-CREDIT" in statement
    assert serious_violations(page) == []
    page.screenshot(path=str(artifacts / "rpl-statement-en.png"), full_page=True)
    context.close()


def test_an_operator_signs_a_checkpoint_and_verifies_the_ledger(
    browser: Any, live_server: Any, reference_data: Any, people: Any, artifacts: Path
) -> None:
    from creditbank.apps.deposits.services import deposit_one

    learner = deposit_setup(people)
    deposit_one(
        actor=people["institution"],
        row={
            "learner_number": learner.public_id,
            "unit_code": "U-101",
            "achieved_on": "2024-06-30",
            "result": "A",
        },
    )
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/ledger/")  # the public sees the checkpoint, not the entries
    assert "No checkpoint has been signed yet." in page.inner_text("main")
    assert page.locator("text=Recent entries").count() == 0
    sign_in(page, live_server.url, "operator")
    page.goto(f"{live_server.url}/ledger/")
    page.click("button[value=checkpoint]")
    page.wait_for_selector("#checkpoint-note")
    from creditbank.apps.ledger.models import LedgerEntry

    logged = LedgerEntry.objects.count()  # the frameworks, the unit's accreditation and the deposit
    assert page.inner_text("#checkpoint-size") == str(logged)
    assert page.inner_text("#verifier-key").startswith("creditbank.localhost/ledger+")
    page.click("button[value=verify]")
    page.wait_for_selector("#verification")
    assert f"Verified: {logged} entries" in page.inner_text("#verification")
    assert serious_violations(page) == []
    page.screenshot(path=str(artifacts / "ledger-operator-en.png"), full_page=True)
    context.close()
