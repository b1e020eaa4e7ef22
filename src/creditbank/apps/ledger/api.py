"""API for the ledger: checkpoints and proofs for anyone; entries, checkpoints on demand and
verification for the bank's operators."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from creditbank.api.auth import AUTHENTICATED, actor_of
from creditbank.api.errors import ErrorOut
from creditbank.apps.ledger import selectors
from creditbank.apps.ledger.services import checkpoint_issue
from creditbank.apps.ledger.verify import ledger_verify
from creditbank.apps.ledger.witnesses import cosignature_add

router = Router(tags=["ledger"])
ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class CheckpointOut(Schema):
    cosigned_note: str
    witnesses: list[str]
    witnessed: bool
    origin: str
    size: int
    root: str
    note: str
    verifier_key: str
    issued_at: str


class CosignatureIn(Schema):
    size: int
    cosignature: str  # the signature line: "— <witness name> <base64>"


class InclusionOut(Schema):
    seq: int
    size: int
    leaf_hash: str
    proof: list[str]
    root: str


class ConsistencyOut(Schema):
    first: int
    second: int
    proof: list[str]
    first_root: str
    second_root: str


class EntryOut(Schema):
    seq: int | None
    kind: str
    subject: str
    body: str
    leaf_hash: str
    logged_at: str


class VerificationOut(Schema):
    ok: bool
    entries: int
    nodes: int
    checkpoints: int
    outcomes: int
    problems: list[str]


@router.get(
    "/ledger/checkpoint", response={200: CheckpointOut, **ERRORS}, summary="The latest signed checkpoint"
)
def checkpoint(request: HttpRequest) -> dict[str, Any]:
    """A C2SP signed note (origin, tree size, root hash) and the verifier key that checks it."""
    return selectors.checkpoint_out(selectors.latest_checkpoint())


@router.post(
    "/ledger/cosignatures", response={201: CheckpointOut, **ERRORS}, summary="Hand in a witness cosignature"
)
def cosign(request: HttpRequest, payload: CosignatureIn) -> Status[dict[str, Any]]:
    """C2SP tlog-cosignature v1 by a registered witness; no account is needed, the signature is the
    proof. Answers with the checkpoint, its cosignatures and whether the quorum is reached."""
    done = cosignature_add(size=payload.size, line=payload.cosignature)
    return Status(201, selectors.checkpoint_out(done.checkpoint))


@router.get("/ledger/proofs/inclusion", response={200: InclusionOut, **ERRORS}, summary="Inclusion proof")
def inclusion(request: HttpRequest, seq: int, size: int) -> dict[str, Any]:
    """RFC 9162 audit path for entry `seq` in the tree of `size` entries (base64 hashes)."""
    return selectors.inclusion(seq, size)


@router.get(
    "/ledger/proofs/consistency", response={200: ConsistencyOut, **ERRORS}, summary="Consistency proof"
)
def consistency(request: HttpRequest, first: int, second: int) -> dict[str, Any]:
    """RFC 9162 proof that the tree of `first` entries is a prefix of the tree of `second`."""
    return selectors.consistency(first, second)


@router.get(
    "/ledger/entries", response={200: list[EntryOut], **ERRORS}, auth=AUTHENTICATED, summary="Entries"
)
def entries(
    request: HttpRequest, subject: str = "", after: int = -1, limit: int = 100
) -> list[dict[str, Any]]:
    return [
        selectors.entry_out(e)
        for e in selectors.entries(actor=actor_of(request), subject=subject, after=after, limit=limit)
    ]


@router.post(
    "/ledger/checkpoints",
    response={201: CheckpointOut, **ERRORS},
    auth=AUTHENTICATED,
    summary="Issue a checkpoint",
)
def issue(request: HttpRequest) -> Status[dict[str, Any]]:
    return Status(201, selectors.checkpoint_out(checkpoint_issue(actor=actor_of(request))))


@router.post(
    "/ledger/verification", response={200: VerificationOut, **ERRORS}, auth=AUTHENTICATED, summary="Verify"
)
def verification(request: HttpRequest) -> dict[str, Any]:
    """Recompute the whole tree, every checkpoint and every outcome from the database."""
    report = ledger_verify(actor=actor_of(request))
    return {
        "ok": report.ok,
        "entries": report.entries,
        "nodes": report.nodes,
        "checkpoints": report.checkpoints,
        "outcomes": report.outcomes,
        "problems": report.problems,
    }
