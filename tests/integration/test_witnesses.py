"""Witnesses: an alliance member co-signs the bank's checkpoints only while the log grows
append-only, over HTTP with its own key, and the checkpoint counts as witnessed at the quorum."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from typer.testing import CliRunner

from creditbank.apps.ledger.models import Checkpoint, Cosignature, LedgerEntry
from creditbank.apps.ledger.selectors import checkpoint_out
from creditbank.apps.ledger.services import Event, checkpoint_issue, ledger_append
from creditbank.cli.main import app
from creditbank.core.ledger import checkpoints

pytestmark = pytest.mark.django_db(transaction=True)
runner = CliRunner()


def grow(n: int = 3) -> Checkpoint:
    with transaction.atomic():
        ledger_append([Event("test.event", "x", {"n": i}) for i in range(n)])
    return checkpoint_issue()


def witness(tmp_path: Path, people: Any, name: str = "hk-ips.example/witness") -> tuple[Path, Path]:
    key = tmp_path / f"{name.replace('/', '_')}.key"
    made = runner.invoke(app, ["ledger", "witness-key", name, "--out", str(key)])
    assert made.exit_code == 0, made.output
    added = runner.invoke(
        app,
        ["ledger", "witness-add", made.stdout.strip(), "--institution", "hk-ips", "--operator", "operator"],
    )
    assert added.exit_code == 0, added.output
    return key, tmp_path / f"{name.replace('/', '_')}.state"


def step(live_server: Any, key: Path, state: Path) -> Any:
    bank_key = checkpoint_out(Checkpoint.objects.first())["verifier_key"]  # pinned out of band
    args = ["ledger", "witness", "--url", live_server.url, "--key", str(key), "--bank-key", bank_key]
    return runner.invoke(app, [*args, "--state", str(state)])


def test_a_witness_co_signs_as_the_log_grows_and_the_checkpoint_is_witnessed(
    live_server: Any, people: Any, institutions: Any, tmp_path: Path
) -> None:
    first = grow()
    key, state = witness(tmp_path, people)
    assert not checkpoint_out(first)["witnessed"]
    done = step(live_server, key, state)
    assert done.exit_code == 0, done.output
    assert f"co-signed checkpoint {first.size} (witnessed)" in done.stdout
    second = grow()
    assert step(live_server, key, state).exit_code == 0  # checked with a consistency proof from first
    shown = Client().get("/api/v1/ledger/checkpoint").json()
    assert (shown["size"], shown["witnessed"], shown["witnesses"]) == (
        second.size,
        True,
        ["hk-ips.example/witness"],
    )
    lines = shown["cosigned_note"].split("\n\n", 1)[1].strip().split("\n")
    assert len(lines) == 2  # the bank's signature and the witness's cosignature
    assert json.loads(state.read_text())["size"] == second.size


def test_a_witness_refuses_a_rewritten_history_and_nothing_is_cosigned(
    live_server: Any, people: Any, institutions: Any, tmp_path: Path
) -> None:
    grow()
    key, state = witness(tmp_path, people)
    assert step(live_server, key, state).exit_code == 0
    # The bank rewrites an entry the witness has seen, rebuilds its tree and signs the new head.
    seen = json.loads(state.read_text())
    LedgerEntry.objects.filter(seq=0).update(body='{"forged":true}')
    from creditbank.apps.ledger.models import LedgerHead, LedgerNode

    LedgerNode.objects.all().delete()
    LedgerEntry.objects.update(seq=None)
    LedgerHead.objects.update(size=0)
    grown = grow()
    assert grown.size > seen["size"]
    refused = step(live_server, key, state)
    assert refused.exit_code == 1
    assert "refused to co-sign: The checkpoint does not verify: the log rewrote entries" in refused.stderr
    assert not Cosignature.objects.filter(checkpoint=grown).exists()


def test_only_a_registered_witness_cosignature_is_kept(
    people: Any, institutions: Any, tmp_path: Path
) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    made = grow()
    stranger = Ed25519PrivateKey.generate()
    signed = checkpoints.Checkpoint(made.key.name, made.size, bytes(made.root))
    line = checkpoints.cosign(signed, "stranger.example/w", stranger.private_bytes_raw(), 1_700_000_000)
    client = Client()
    refused = client.post(
        "/api/v1/ledger/cosignatures",
        {"size": made.size, "cosignature": line},
        content_type="application/json",
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "bad_checkpoint")
    missing = client.post(
        "/api/v1/ledger/cosignatures",
        {"size": made.size + 5, "cosignature": line},
        content_type="application/json",
    )
    assert missing.status_code == 404
    assert not Cosignature.objects.exists()


def test_registering_witnesses_is_for_operators(client: Client, people: Any, institutions: Any) -> None:
    from creditbank.apps.ledger.witnesses import witness_add
    from creditbank.core.errors import PermissionDenied

    vkey = checkpoints.cosigner_verifier_key("w.example", b"\x01" * 32)
    with pytest.raises(PermissionDenied):
        witness_add(actor=people["institution"], verifier_key=vkey)
    bad = runner.invoke(app, ["ledger", "witness-add", "not-a-key", "--operator", "operator"])
    assert bad.exit_code == 1
    assert "verifier key is not name+hash+key" in bad.stderr
