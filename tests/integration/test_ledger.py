"""The ledger: every deposit and correction is logged in its own transaction, integrated into the
RFC 9162 tree, signed, provable to anyone, and any edit to a table is found and named."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from tests.helpers import login
from typer.testing import CliRunner

from creditbank.apps.deposits.models import LearningOutcome
from creditbank.apps.deposits.services import deposit_batch, outcome_amend, outcome_revoke
from creditbank.apps.ledger.models import Checkpoint, LearnerSalt, LedgerEntry, LedgerNode
from creditbank.apps.ledger.services import Event, checkpoint_issue, ledger_append, ledger_integrate
from creditbank.apps.ledger.verify import ledger_verify
from creditbank.cli.main import app
from creditbank.core.ledger import checkpoints, merkle
from creditbank.core.ledger.entries import entry_leaf

pytestmark = pytest.mark.django_db


def deposit(people: Any, bank: Any, key: str = "k1") -> list[LearningOutcome]:
    rows = [
        {"learner_number": bank["wong"].public_id, "unit_code": "U-101", "achieved_on": "2024-06-30", "result": "A"},
        {"learner_number": bank["li"].public_id, "unit_code": "U-102", "achieved_on": "2024-07-01", "result": "B"},
    ]  # fmt: skip
    batch = deposit_batch(actor=people["institution"], rows=rows, idempotency_key=key).batch
    return list(batch.outcomes.order_by("pk"))


def b64(text: str) -> bytes:
    return base64.b64decode(text)


def test_each_deposit_is_logged_without_names_or_numbers(people: Any, bank: Any) -> None:
    outcomes = deposit(people, bank)
    entries = list(LedgerEntry.objects.filter(kind__startswith="outcome.").order_by("pk"))
    assert [(e.kind, e.subject) for e in entries] == [
        ("outcome.deposited", f"outcome:{o.pk}") for o in outcomes
    ]
    data = json.loads(entries[0].body)["data"]
    assert (data["unit"], data["result"], data["credits"], data["status"]) == (
        "U-101",
        "A",
        "4.00",
        "recorded",
    )
    assert data["learner"].startswith("sha256:")
    everything = " ".join(e.body for e in entries)
    for personal in (bank["wong"].public_id, "Wong Ka Ho", "A123456", bank["li"].public_id, "K1234567"):
        assert personal not in everything


def test_corrections_are_logged_and_history_kept(people: Any, bank: Any) -> None:
    first, second = deposit(people, bank)
    outcome_revoke(actor=people["institution"], outcome_id=first.pk, reason="wrong learner")
    new = outcome_amend(actor=people["institution"], outcome_id=second.pk, reason="typo", result="B+")
    kinds = list(
        LedgerEntry.objects.filter(kind__startswith="outcome.").order_by("pk").values_list("kind", "subject")
    )
    assert kinds[2:] == [
        ("outcome.revoked", f"outcome:{first.pk}"),
        ("outcome.amended", f"outcome:{second.pk}"),
        ("outcome.deposited", f"outcome:{new.pk}"),
    ]
    assert ledger_verify().ok


def test_a_refused_batch_logs_nothing(people: Any, bank: Any) -> None:
    from creditbank.apps.deposits.services import BatchRejected

    bad = [
        {
            "learner_number": bank["wong"].public_id,
            "unit_code": "U-DRAFT",
            "achieved_on": "2024-06-30",
            "result": "A",
        }
    ]
    before = LedgerEntry.objects.count()
    with pytest.raises(BatchRejected):
        deposit_batch(actor=people["institution"], rows=bad, idempotency_key="bad")
    assert LedgerEntry.objects.count() == before


def test_published_frameworks_and_accredited_units_are_logged(people: Any, bank: Any) -> None:
    published = LedgerEntry.objects.filter(kind="framework.published")
    assert {json.loads(e.body)["data"]["code"] for e in published} >= {"HKQF", "GDLEQF", "EQF"}
    accredited = json.loads(LedgerEntry.objects.get(kind="register.accredited", subject="entry:U-101:1").body)
    assert (accredited["data"]["owner"], accredited["data"]["level"], accredited["data"]["status"]) == (
        "sz-poly",
        "GDLEQF-4",
        "accredited",
    )


@pytest.mark.django_db(transaction=True)  # no test-wide transaction around this one
def test_appending_outside_the_changes_transaction_is_a_programming_error() -> None:
    with pytest.raises(RuntimeError, match="inside the transaction"):
        ledger_append([Event("test.event", "x", {})])


def test_integration_numbers_entries_and_the_tree_is_the_rfc_tree(people: Any, bank: Any) -> None:
    setup = ledger_integrate()  # the frameworks and units the fixtures published
    deposit(people, bank)
    assert ledger_integrate() == 2
    deposit(people, bank, "k2")  # the same outcomes again: stored nothing, logged nothing
    with transaction.atomic():
        ledger_append([Event("test.event", "x", {"n": i}) for i in range(5)])
    assert ledger_integrate() == 5
    bodies = list(LedgerEntry.objects.order_by("seq").values_list("seq", "body"))
    assert [s for s, _ in bodies] == list(range(setup + 7))
    leaves = [entry_leaf(b.encode()) for _, b in bodies]
    expected = merkle.CompactRange()
    for leaf in leaves:
        expected.push(leaf)
    checkpoint = checkpoint_issue()
    assert (checkpoint.size, bytes(checkpoint.root)) == (setup + 7, expected.root())
    assert checkpoint_issue().pk == checkpoint.pk  # nothing new: the same checkpoint


def test_anyone_can_check_a_checkpoint_an_inclusion_and_a_consistency_proof(
    client: Client, people: Any, bank: Any
) -> None:
    deposit(people, bank)
    checkpoint_issue()
    first = client.get("/api/v1/ledger/checkpoint").json()
    n = first["size"]
    with transaction.atomic():
        ledger_append([Event("test.event", "x", {"n": i}) for i in range(3)])
    checkpoint_issue()
    second = client.get("/api/v1/ledger/checkpoint").json()
    name, key = checkpoints.parse_verifier_key(second["verifier_key"])
    signed = checkpoints.verify(second["note"], name, key)
    assert (signed.size, base64.b64encode(signed.root).decode()) == (n + 3, second["root"])

    seq = n - 1  # the second deposited outcome
    proof = client.get("/api/v1/ledger/proofs/inclusion", {"seq": seq, "size": n + 3}).json()
    path = [b64(p) for p in proof["proof"]]
    assert merkle.verify_inclusion(seq, n + 3, b64(proof["leaf_hash"]), path, signed.root)
    body = LedgerEntry.objects.get(seq=seq).body.encode()
    assert entry_leaf(body) == b64(proof["leaf_hash"])

    grown = client.get("/api/v1/ledger/proofs/consistency", {"first": n, "second": n + 3}).json()
    assert merkle.verify_consistency(
        n, n + 3, b64(first["root"]), signed.root, [b64(p) for p in grown["proof"]]
    )
    outside = client.get("/api/v1/ledger/proofs/inclusion", {"seq": n + 9, "size": n + 9})
    assert (outside.status_code, outside.json()["code"]) == (422, "invalid_input")


def test_entries_checkpoints_on_demand_and_verification_are_for_operators(
    client: Client, people: Any, bank: Any
) -> None:
    deposit(people, bank)
    for role in ("institution", "learner", "assessor", "employer"):
        login(client, people[role])
        assert client.get("/api/v1/ledger/entries").status_code == 403
        assert client.post("/api/v1/ledger/checkpoints").status_code == 403
        assert client.post("/ledger/", {"action": "verify"}).status_code == 403
    login(client, people["operator"])
    total = LedgerEntry.objects.count()
    recent = client.get("/api/v1/ledger/entries", {"limit": 2}).json()
    assert [e["kind"] for e in recent] == ["outcome.deposited"] * 2
    assert client.post("/api/v1/ledger/checkpoints").json()["size"] == total
    assert client.post("/api/v1/ledger/verification").json()["ok"] is True
    page = client.post("/ledger/", {"action": "verify"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Verified: {total} entries" in page


def tampered(people: Any, bank: Any) -> list[LearningOutcome]:
    outcomes = deposit(people, bank)
    checkpoint_issue()
    assert ledger_verify().ok
    return outcomes


def test_an_edited_outcome_is_named(people: Any, bank: Any) -> None:
    first, _ = tampered(people, bank)
    LearningOutcome.objects.filter(pk=first.pk).update(result="A+")
    report = ledger_verify()
    assert report.problems == [f"outcome {first.pk}: result differ from its ledger entry"]


def test_an_outcome_stored_behind_the_services_back_is_named(people: Any, bank: Any) -> None:
    first, _ = tampered(people, bank)
    first.pk, first.achieved_on = None, first.achieved_on.replace(year=2023)
    first.save()
    assert ledger_verify().problems == [
        f"outcome {first.pk} has no ledger entry (stored without its service)"
    ]


def test_an_edited_entry_is_named_and_breaks_the_signed_root(people: Any, bank: Any) -> None:
    _, second = tampered(people, bank)
    entry = LedgerEntry.objects.get(subject=f"outcome:{second.pk}")
    LedgerEntry.objects.filter(pk=entry.pk).update(body=entry.body.replace('"B"', '"A"'))
    problems = ledger_verify().problems
    assert (
        problems[0]
        == f"entry {entry.seq}: its bytes do not match the leaf the tree holds (changed after logging)"
    )
    size = Checkpoint.objects.get().size
    assert f"checkpoint {size}: the entries no longer hash to the root it signed" in problems


def test_an_edited_tree_node_or_checkpoint_is_named(people: Any, bank: Any) -> None:
    tampered(people, bank)
    LedgerNode.objects.filter(level=1, index=0).update(hash=b"\x00" * 32)
    # Named first; the nodes above it no longer match their children either.
    assert ledger_verify().problems[0] == "node (1, 0) of the tree was changed"
    LedgerNode.objects.filter(level=1, index=0).update(hash=merkle.node_hash(*[
        bytes(h) for h in LedgerNode.objects.filter(level=0, index__lt=2).order_by("index").values_list("hash", flat=True)
    ]))  # fmt: skip
    assert ledger_verify().ok
    signed = Checkpoint.objects.get()
    Checkpoint.objects.update(note=signed.note.replace(f"\n{signed.size}\n", f"\n{signed.size + 1}\n"))
    assert ledger_verify().problems == [
        f"checkpoint {signed.size}: The checkpoint does not verify: the signature does not match the checkpoint"
    ]


def test_a_deleted_entry_is_named(people: Any, bank: Any) -> None:
    tampered(people, bank)
    LedgerEntry.objects.filter(seq=0).delete()
    assert ledger_verify().problems[0] == "entry 0 is missing: the next entry stored is 1"


def test_erasing_a_learners_salt_unlinks_them_and_the_ledger_still_verifies(people: Any, bank: Any) -> None:
    tampered(people, bank)
    LearnerSalt.objects.filter(learner=bank["wong"]).delete()
    assert ledger_verify().ok


@pytest.mark.django_db(transaction=True)
def test_the_cli_verifies_exports_and_names_a_tampered_line(people: Any, bank: Any, tmp_path: Path) -> None:
    deposit(people, bank)
    runner = CliRunner()
    signed = runner.invoke(app, ["ledger", "checkpoint", "--operator", "operator"])
    assert signed.exit_code == 0, signed.stderr
    assert "verifier key: creditbank.localhost/ledger+" in signed.stdout
    assert runner.invoke(app, ["ledger", "verify", "--operator", "operator"]).exit_code == 0
    total = LedgerEntry.objects.count()
    exported = runner.invoke(app, ["ledger", "export", str(tmp_path / "log"), "--operator", "operator"])
    assert f"wrote {total} entries" in exported.stdout
    audit = runner.invoke(app, ["ledger", "verify", "--from", str(tmp_path / "log")])
    assert (audit.exit_code, f"verified: {total} entries" in audit.stdout) == (0, True)
    lines = (tmp_path / "log" / "entries.jsonl").read_text(encoding="utf-8")
    (tmp_path / "log" / "entries.jsonl").write_text(
        lines.replace('"result":"B"', '"result":"A"'), encoding="utf-8"
    )
    forged = runner.invoke(app, ["ledger", "verify", "--from", str(tmp_path / "log")])
    assert forged.exit_code == 1
    assert "do not hash to the signed root" in forged.stderr
    LearningOutcome.objects.update(result="C")
    broken = runner.invoke(app, ["ledger", "verify", "--operator", "operator"])
    assert broken.exit_code == 1
    assert "result differ from its ledger entry" in broken.stderr
