"""Large deposit files run as background jobs: queued at once, run by the real django-tasks database
worker, progress and outcome recorded, nothing half-stored, nothing stored twice."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django_tasks_db.models import DBTaskResult
from tests.helpers import login

from creditbank.apps.accounts.services import api_key_create, api_key_revoke
from creditbank.apps.deposits import services
from creditbank.apps.deposits.jobs import job_get, job_submit
from creditbank.apps.deposits.models import DepositJob, JobState, LearningOutcome
from creditbank.apps.deposits.services import deposit_batch
from creditbank.core.errors import InvalidInput, NotFound, PermissionDenied

# The worker commits as it goes, as it does in production: these tests use real transactions.
pytestmark = pytest.mark.django_db(transaction=True)
HEADER = "learner_number,unit_code,achieved_on,result\n"


def run_worker() -> None:
    """The real worker, as `creditbank worker` runs it, until the queue is empty."""
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


def good_file(bank: dict[str, Any]) -> bytes:
    return (
        HEADER
        + f"{bank['wong'].public_id},U-101,2024-06-30,A\n"
        + f"{bank['li'].public_id},U-102,2024-07-01,B\n"
    ).encode()


def mixed_file(bank: dict[str, Any]) -> bytes:
    return (
        HEADER
        + f"{bank['wong'].public_id},U-101,2024-06-30,A\n"
        + f"{bank['li'].public_id},U-DRAFT,2024-06-30,A\n"
    ).encode()


def submit(people: Any, raw: bytes, **options: Any) -> DepositJob:
    return job_submit(actor=people["institution"], raw=raw, file_name="outcomes.csv", **options)


@pytest.fixture
def hk_staff(institutions: Any) -> Any:
    from creditbank.apps.accounts.models import User

    return User.objects.create_user(
        username="hk-staff", role="institution", institution=institutions["other"]
    )


def fresh(job: DepositJob) -> DepositJob:
    return DepositJob.objects.get(pk=job.pk)


def test_a_job_waits_for_the_worker_then_stores_the_file_through_the_deposit_rules(
    people: Any, bank: Any
) -> None:
    job = submit(people, good_file(bank))
    assert (job.state, LearningOutcome.objects.count()) == (JobState.QUEUED, 0)
    run_worker()
    done = fresh(job)
    assert done.state == JobState.DONE
    assert (done.rows_total, done.rows_done, done.batch.created, done.replayed) == (2, 2, 2, False)
    assert done.started_at <= done.finished_at
    assert set(LearningOutcome.objects.values_list("batch_id", flat=True)) == {done.batch_id}
    assert DBTaskResult.objects.get(id=done.task_id).status == "SUCCESSFUL"
    with done.file.open("rb") as kept:
        assert kept.read() == good_file(bank)  # what was sent is kept as it was


def test_a_file_with_a_bad_row_is_rejected_whole_with_every_reason_kept(people: Any, bank: Any) -> None:
    job = submit(people, mixed_file(bank))
    run_worker()
    rejected = fresh(job)
    assert rejected.state == JobState.REJECTED
    assert rejected.problems == [
        {"line": 3, "problems": ["U-DRAFT is not accredited, so it carries no credit"]}
    ]
    assert rejected.error["code"] == "batch_rejected"
    assert not LearningOutcome.objects.exists()
    partial = submit(people, mixed_file(bank), good_rows_only=True)
    run_worker()
    assert (fresh(partial).state, fresh(partial).batch.created, fresh(partial).batch.rejected) == (
        "done",
        1,
        1,
    )


def test_the_same_file_twice_is_one_job_while_waiting_and_a_replay_after(people: Any, bank: Any) -> None:
    first = submit(people, good_file(bank))
    assert submit(people, good_file(bank)).pk == first.pk
    run_worker()
    again = submit(people, good_file(bank))
    assert again.pk != first.pk
    run_worker()
    replay = fresh(again)
    assert (replay.state, replay.replayed, replay.batch_id) == ("done", True, fresh(first).batch_id)
    assert LearningOutcome.objects.count() == 2


def test_a_synchronous_deposit_of_the_file_makes_the_later_job_a_replay(people: Any, bank: Any) -> None:
    from creditbank.apps.deposits import files
    from creditbank.apps.deposits.services import batch_hash

    rows = files.read_rows(good_file(bank), "outcomes.csv")
    deposit_batch(actor=people["institution"], rows=rows, idempotency_key=f"file-{batch_hash(rows)[:40]}")
    job = submit(people, good_file(bank))
    run_worker()
    assert (fresh(job).replayed, LearningOutcome.objects.count()) == (True, 2)


def test_bad_files_are_refused_before_anything_is_kept(people: Any, bank: Any) -> None:
    for raw, name, message in [
        (b"", "a.csv", "The file is empty."),
        (b"x" * (20 * 1024 * 1024 + 1), "a.csv", "larger than 20 MiB"),
        (good_file(bank), "a.pdf", "Send a .csv or .xlsx file"),
    ]:
        with pytest.raises(InvalidInput, match=message):
            job_submit(actor=people["institution"], raw=raw, file_name=name)
    assert not DepositJob.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_job_under_a_revoked_api_key_stores_nothing(people: Any, bank: Any) -> None:
    from creditbank.apps.accounts.principals import InstitutionPrincipal

    created = api_key_create(
        actor=people["institution"], institution=people["institution"].institution, name="sis"
    )
    principal = InstitutionPrincipal.of(created.key)
    job = job_submit(actor=principal, raw=good_file(bank), file_name="a.csv")
    api_key_revoke(actor=people["institution"], prefix=created.key.prefix)
    run_worker()
    assert fresh(job).state == JobState.REJECTED
    assert fresh(job).error["code"] == "permission_denied"
    assert not LearningOutcome.objects.exists()


def test_a_job_whose_file_was_lost_fails_visibly_and_stores_nothing(people: Any, bank: Any) -> None:
    job = submit(people, good_file(bank))
    job.file.storage.delete(job.file.name)
    run_worker()
    assert fresh(job).state == JobState.FAILED
    assert DBTaskResult.objects.get(id=job.task_id).status == "FAILED"
    assert not LearningOutcome.objects.exists()


def test_only_the_institutions_own_staff_and_operators_see_a_job(
    people: Any, bank: Any, hk_staff: Any
) -> None:
    job = submit(people, good_file(bank))
    assert job_get(actor=people["operator"], job_id=job.pk) == job
    with pytest.raises(NotFound):  # another institution's job: not even its existence is told
        job_get(actor=hk_staff, job_id=job.pk)
    for role in ("learner", "assessor", "employer"):
        with pytest.raises(PermissionDenied):
            job_get(actor=people[role], job_id=job.pk)


def test_progress_is_reported_while_checking_and_before_storing(
    people: Any, bank: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "PROGRESS_EVERY", 1)
    seen: list[tuple[str, int]] = []
    rows = [
        {"learner_number": bank["wong"].public_id, "unit_code": "U-101", "achieved_on": "2024-06-30", "result": "A"},
        {"learner_number": bank["li"].public_id, "unit_code": "U-101", "achieved_on": "2024-06-30", "result": "A"},
    ]  # fmt: skip
    deposit_batch(
        actor=people["institution"], rows=rows, idempotency_key="p", progress=lambda *p: seen.append(p)
    )
    assert seen == [("checking", 1), ("checking", 2), ("storing", 2)]


@override_settings(CREDITBANK={"BACKGROUND_UPLOAD_BYTES": 10})
def test_the_page_sends_a_large_file_to_the_worker_and_shows_its_progress(
    client: Client, people: Any, bank: Any, hk_staff: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, people["institution"])
    sent = client.post("/deposits/", {"file": SimpleUploadedFile("big.csv", mixed_file(bank))})
    job = DepositJob.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == f"/deposits/jobs/{job.pk}/"
    waiting = client.get(sent["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Waiting for a worker" in waiting
    assert 'hx-trigger="every 1s"' in waiting  # the page keeps itself up to date
    run_worker()
    page = client.get(sent["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Rejected: nothing stored" in page
    assert "U-DRAFT is not accredited" in page
    assert "hx-trigger" not in page  # finished: no more polling
    report = client.get(f"/deposits/jobs/{job.pk}/problems.csv").content.decode("utf-8-sig")
    assert report.splitlines()[1] == '3,"U-DRAFT is not accredited, so it carries no credit"'
    login(client, hk_staff)
    assert client.get(sent["Location"]).status_code == 404
    assert client.get(f"/deposits/jobs/{job.pk}/problems.csv").status_code == 404


@override_settings(CREDITBANK={"BACKGROUND_UPLOAD_BYTES": 10})
def test_the_api_answers_202_with_a_job_to_follow(
    client: Client, people: Any, bank: Any, hk_staff: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, people["institution"])
    sent = client.post("/api/v1/deposits/jobs", {"file": SimpleUploadedFile("a.csv", good_file(bank))})
    assert sent.status_code == 202
    body = sent.json()
    assert (body["state"], sent["Location"]) == ("queued", f"/api/v1/deposits/jobs/{body['id']}")
    run_worker()
    done = client.get(sent["Location"]).json()
    assert (done["state"], done["rows_total"], done["batch"]["created"]) == ("done", 2, 2)
    assert [j["id"] for j in client.get("/api/v1/deposits/jobs").json()] == [body["id"]]
    refused = client.post("/api/v1/deposits/jobs", {"file": SimpleUploadedFile("a.doc", b"x")})
    assert (refused.status_code, refused.json()["code"]) == (422, "invalid_input")
    login(client, hk_staff)
    assert client.get(sent["Location"]).status_code == 404
    assert client.get("/api/v1/deposits/jobs").json() == []
