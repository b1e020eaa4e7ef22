"""Witnesses of the ledger: operators register alliance members' cosigner keys; anyone may hand in a
cosignature, since only the witness's key can have made it. A checkpoint is witnessed once a quorum
(``CREDITBANK["LEDGER_WITNESS_QUORUM"]``) of registered witnesses has co-signed it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from creditbank.apps.accounts.models import Institution
from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.ledger.models import Checkpoint, Cosignature, Witness
from creditbank.config.checks import option
from creditbank.core.errors import Conflict, NotFound, gettext_noop
from creditbank.core.ledger import checkpoints


def witness_add(*, actor: Any, verifier_key: str, institution_code: str = "") -> Witness:
    require(actor, Action.RUN_LEDGER)
    name, public_key = checkpoints.parse_cosigner_key(verifier_key)
    institution = None
    if institution_code:
        institution = Institution.objects.filter(code=institution_code).first()
        if institution is None:
            raise NotFound(gettext_noop("There is no institution %(code)s."), code=institution_code)
    try:
        with transaction.atomic():
            return Witness.objects.create(name=name, public_key=public_key, institution=institution)
    except IntegrityError:
        raise Conflict(gettext_noop("A witness named %(name)s is registered already."), name=name) from None


def cosignature_add(*, size: int, line: str) -> Cosignature:
    """Keep a witness's cosignature of the checkpoint of ``size`` entries, once it verifies."""
    checkpoint = Checkpoint.objects.filter(size=size).first()
    if checkpoint is None:
        raise NotFound(gettext_noop("The bank signed no checkpoint of %(size)s entries."), size=size)
    parts = line.strip().split(" ")
    witness = Witness.objects.filter(name=parts[1]).first() if len(parts) == 3 else None
    if witness is None:
        raise checkpoints.BadCheckpoint(
            reason=gettext_noop("it is not a cosignature by a registered witness")
        )
    signed = checkpoints.Checkpoint(checkpoint.key.name, checkpoint.size, bytes(checkpoint.root))
    at = checkpoints.verify_cosignature(
        signed, line, witness.name, bytes(witness.public_key), int(time.time())
    )
    found, _ = Cosignature.objects.get_or_create(
        checkpoint=checkpoint, witness=witness, defaults={"signed_at": at, "line": line.strip() + "\n"}
    )
    return found


@dataclass(frozen=True)
class Witnessing:
    note: str  # the bank's note with every cosignature appended: what a client checks a quorum against
    witnesses: list[str]
    witnessed: bool  # the quorum has co-signed


def witnessing(checkpoint: Checkpoint) -> Witnessing:
    cosigned = list(checkpoint.cosignatures.select_related("witness").order_by("witness__name"))
    return Witnessing(
        checkpoint.note + "".join(c.line for c in cosigned),
        [c.witness.name for c in cosigned],
        len(cosigned) >= int(option("LEDGER_WITNESS_QUORUM")),
    )
