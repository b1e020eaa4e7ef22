"""Collective accounts: an institution registers its people from a file, each activates with a code."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from tests.helpers import PASSWORD, login
from typer.testing import CliRunner

from creditbank.apps.accounts.collective import (
    MAX_TRIES,
    ActivationRefused,
    RosterRejected,
    collective_register,
    learner_activate,
    roster_code,
    roster_code_reissue,
)
from creditbank.apps.accounts.models import CollectiveRegistration, Institution, Learner, RosterEntry, User
from creditbank.cli.main import app
from creditbank.core.errors import InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db
HEADER = ["full_name", "id_scheme", "id_number", "id_country", "region", "member_ref"]


def cn_id(n: int) -> str:
    """A valid mainland resident identity number (GB 11643 check digit) for person ``n``."""
    body = f"44030519900101{n:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def staff(count: int, start: int = 0) -> list[dict[str, str]]:
    return [
        {"full_name": f"员工 {i}", "id_scheme": "cn_ric", "id_number": cn_id(i), "id_country": "", "region": "GD", "member_ref": f"E{i:04d}"}
        for i in range(start, start + count)
    ]  # fmt: skip


def as_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.fixture
def enterprise(db: Any) -> Institution:
    return Institution.objects.create(
        code="qh-digital", name_en="Qianhai Digital", name_zh="前海数字", kind="enterprise", region="GD"
    )


@pytest.fixture
def hr(enterprise: Institution) -> User:
    return User.objects.create_user("hr", password=PASSWORD, role="institution", institution=enterprise)


def test_a_file_of_200_staff_opens_200_accounts_waiting_for_activation(
    hr: User, enterprise: Institution
) -> None:
    done = collective_register(actor=hr, institution=enterprise, rows=staff(200), file_name="staff.csv")
    registration = done.registration
    assert (registration.created, registration.existing, registration.rejected) == (200, 0, 0)
    assert Learner.objects.filter(user__isnull=True, opened_at_institution=enterprise).count() == 200
    codes = {roster_code(e) for e in registration.entries.all()}
    assert len(codes) == 200  # one code each, all different
    again = collective_register(actor=hr, institution=enterprise, rows=staff(200), file_name="staff.csv")
    assert again.replayed
    assert Learner.objects.count() == 200


def test_people_who_already_have_an_account_are_joined_not_duplicated(
    hr: User, enterprise: Institution, people: dict
) -> None:
    from creditbank.apps.accounts.learners import SignIn, learner_open

    own = learner_open(
        actor=None,
        full_name="员工 1",
        id_scheme="cn_ric",
        id_number=cn_id(1),
        region="GD",
        sign_in=SignIn("e1", PASSWORD),
    )
    done = collective_register(actor=hr, institution=enterprise, rows=staff(3), file_name="staff.csv")
    assert (done.registration.created, done.registration.existing) == (2, 1)
    joined = RosterEntry.objects.get(learner=own)
    assert not joined.new_account
    assert roster_code(joined) == ""  # they sign in already: no code


def test_every_bad_row_is_named_and_nothing_is_registered(hr: User, enterprise: Institution) -> None:
    rows = staff(3)
    rows[1]["id_number"] = cn_id(1)[:-1] + ("0" if cn_id(1)[-1] != "0" else "1")  # wrong check digit
    rows[2]["region"] = "SH"
    rows.append(dict(rows[0]))  # the same person twice
    with pytest.raises(RosterRejected) as refused:
        collective_register(actor=hr, institution=enterprise, rows=rows)
    report = {r["line"]: r["problems"] for r in refused.value.details["report"]}
    assert set(report) == {3, 4, 5}
    assert report[5] == ["the same person as line 2"]
    assert "region must be GD, HK, MO, CN or XX" in report[4]
    assert not Learner.objects.exists()
    assert not CollectiveRegistration.objects.exists()
    done = collective_register(actor=hr, institution=enterprise, rows=rows, good_rows_only=True)
    assert (done.registration.created, done.registration.rejected) == (1, 3)


def test_only_the_institution_itself_and_the_bank_may_register(
    hr: User, enterprise: Institution, people: dict
) -> None:
    for role in ("learner", "institution", "assessor", "employer"):  # people["institution"] is sz-poly's
        with pytest.raises(PermissionDenied):
            collective_register(actor=people[role], institution=enterprise, rows=staff(1))
    assert (
        collective_register(
            actor=people["operator"], institution=enterprise, rows=staff(1)
        ).registration.created
        == 1
    )


def test_the_person_activates_with_code_and_identity_number(
    hr: User, enterprise: Institution, client: Any
) -> None:
    entry = collective_register(actor=hr, institution=enterprise, rows=staff(1)).registration.entries.get()
    number, code = entry.learner.public_id, roster_code(entry)
    page = client.post(
        "/account/activate/",
        {"learner_number": number.lower(), "code": code.replace("-", " ").lower(), "id_number": cn_id(0),
         "username": "zhang", "password": PASSWORD, "password2": PASSWORD},
    )  # fmt: skip
    assert page.status_code == 302
    assert page["Location"] == "/account/me/"
    learner = Learner.objects.get(public_id=number)
    assert learner.user is not None
    assert learner.user.username == "zhang"
    with pytest.raises(ActivationRefused):  # a code works once
        learner_activate(
            learner_number=number, code=code, id_number=cn_id(0), username="zhang2", password=PASSWORD
        )


def test_wrong_tries_lock_the_code_until_a_new_one_is_issued(hr: User, enterprise: Institution) -> None:
    entry = collective_register(actor=hr, institution=enterprise, rows=staff(1)).registration.entries.get()
    number, code = entry.learner.public_id, roster_code(entry)
    with pytest.raises(ActivationRefused):  # right code, someone else's identity number
        learner_activate(
            learner_number=number, code=code, id_number=cn_id(9), username="x1", password=PASSWORD
        )
    for i in range(MAX_TRIES - 1):
        with pytest.raises(ActivationRefused):
            learner_activate(
                learner_number=number,
                code="AAAAA-AAAAA",
                id_number=cn_id(0),
                username=f"x{i}",
                password=PASSWORD,
            )
    with pytest.raises(InvalidInput, match="locked"):
        learner_activate(
            learner_number=number, code=code, id_number=cn_id(0), username="x", password=PASSWORD
        )
    fresh = roster_code_reissue(actor=hr, entry_id=entry.pk)
    assert roster_code(fresh) != code
    learner_activate(
        learner_number=number, code=roster_code(fresh), id_number=cn_id(0), username="x", password=PASSWORD
    )
    assert User.objects.filter(username="x").exists()
    assert not User.objects.filter(username__startswith="x").exclude(username="x").exists()


def test_an_expired_code_is_refused(hr: User, enterprise: Institution) -> None:
    entry = collective_register(actor=hr, institution=enterprise, rows=staff(1)).registration.entries.get()
    RosterEntry.objects.filter(pk=entry.pk).update(code_expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ActivationRefused):
        learner_activate(
            learner_number=entry.learner.public_id,
            code=roster_code(entry),
            id_number=cn_id(0),
            username="y",
            password=PASSWORD,
        )


def test_the_page_api_and_cli_register_and_serve_the_codes(
    hr: User, enterprise: Institution, client: Any, tmp_path: Any, people: dict
) -> None:
    login(client, hr)
    upload = SimpleUploadedFile("staff.csv", as_csv(staff(5)), content_type="text/csv")
    page = client.post("/account/collective/", {"file": upload})
    assert page.status_code == 302
    registration = CollectiveRegistration.objects.get()
    letters = client.get(f"/account/collective/{registration.pk}/?format=csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(letters)))
    assert len(rows) == 5
    assert rows[0]["activate_at"].endswith("/account/activate/")
    body = client.get(f"/api/v1/collective-registrations/{registration.pk}").json()
    assert [e["state"] for e in body["entries"]] == ["waiting"] * 5
    bad = as_csv([{**staff(1, 10)[0], "region": "SH"}])
    refused = client.post("/api/v1/collective-registrations", {"file": SimpleUploadedFile("bad.csv", bad)})
    assert refused.status_code == 422
    assert refused.json()["details"]["report"][0]["line"] == 2
    login(client, people["institution"])  # another institution's staff
    assert client.get(f"/account/collective/{registration.pk}/").status_code == 403
    file = tmp_path / "more.csv"
    file.write_bytes(as_csv(staff(2, 20)))
    codes = tmp_path / "codes.csv"
    result = CliRunner().invoke(
        app,
        [
            "learners",
            "register",
            str(file),
            "--institution",
            "qh-digital",
            "--operator",
            "operator",
            "--codes",
            str(codes),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "2 new accounts" in result.output
    assert len(codes.read_text(encoding="utf-8-sig").splitlines()) == 3


def test_an_account_opened_at_the_counter_comes_with_a_receipt_and_a_code(
    people: dict, client: Any, db: Any
) -> None:
    login(client, people["operator"])
    opened = client.post(
        "/account/learners/",
        {"action": "open", "full_name": "张伟", "id_scheme": "cn_ric", "id_number": cn_id(7), "region": "GD"},
    )
    assert opened.status_code == 302
    learner = Learner.objects.get(full_name="张伟")
    assert opened["Location"] == f"/account/learners/{learner.public_id}/receipt/"
    receipt = client.get(opened["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    code = RosterEntry.objects.get(learner=learner)
    assert roster_code(code) in receipt
    assert cn_id(7) not in receipt  # the identity number is masked on paper
    client.logout()
    learner_activate(
        learner_number=learner.public_id,
        code=roster_code(code),
        id_number=cn_id(7),
        username="zhangwei",
        password=PASSWORD,
    )
    assert Learner.objects.get(pk=learner.pk).user.username == "zhangwei"
    login(client, people["learner"])
    assert client.get(f"/account/learners/{learner.public_id}/receipt/").status_code == 403
