"""The ledger's tables: entries (the canonical bytes of each state change), the tree's stored
subtree hashes, its head, signed checkpoints, the bank's signing key, and learners' salts.

Entries are written by the service that makes the change, inside its transaction, without a place
in the tree; ``ledger_integrate`` later gives pending entries their sequence numbers and hashes
them in, under one lock. Writers therefore never wait for each other on the ledger.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from creditbank.apps.accounts.models import Learner


class LedgerEntry(models.Model):
    seq = models.BigIntegerField(_("sequence number"), null=True, blank=True, unique=True)
    kind = models.CharField(_("kind"), max_length=48)
    subject = models.CharField(max_length=64, blank=True)  # what it is about: "outcome:17"
    body = models.TextField()  # RFC 8785 canonical JSON: exactly the bytes that were hashed
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["subject"], name="ledger_entry_subject"),
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="ledger_entry_pending"),
        ]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")

    def __str__(self) -> str:
        return f"{self.seq if self.seq is not None else 'pending'} {self.kind}"


class LedgerNode(models.Model):
    """The hash of the complete subtree (level, index) of the RFC 9162 tree."""

    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "index"], name="ledger_node_unique")]

    def __str__(self) -> str:
        return f"node ({self.level}, {self.index})"


class LedgerHead(models.Model):
    """The one row that says how far the tree has grown; the integrator locks it."""

    size = models.BigIntegerField(default=0)
    root = models.BinaryField(max_length=32)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"tree of {self.size} entries"


class SigningKey(models.Model):
    """The bank's Ed25519 key for checkpoints; the private half encrypted with the data key."""

    name = models.CharField(max_length=200)  # the key name in signed notes: the log's origin
    public_key = models.BinaryField(max_length=32)
    private_key_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class Checkpoint(models.Model):
    size = models.BigIntegerField()
    root = models.BinaryField(max_length=32)
    note = models.TextField()  # the C2SP signed note, exactly as published
    key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="checkpoints")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-size", "-pk"]

    def __str__(self) -> str:
        return f"checkpoint {self.size}"


class LearnerSalt(models.Model):
    """The salt behind a learner's commitment in the ledger. Erasing it (the right to be forgotten)
    leaves every entry and the tree intact, but nobody can link them to the person any more."""

    learner = models.OneToOneField(Learner, on_delete=models.CASCADE, related_name="ledger_salt")
    salt = models.BinaryField(max_length=32)

    def __str__(self) -> str:
        return f"salt of learner {self.learner_id}"


class Witness(models.Model):
    """An alliance member's cosigner key: its cosignatures say it saw the log grow append-only."""

    name = models.CharField(max_length=200, unique=True)
    public_key = models.BinaryField(max_length=32)
    institution = models.ForeignKey(
        "accounts.Institution", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Cosignature(models.Model):
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="cosignatures")
    witness = models.ForeignKey(Witness, on_delete=models.PROTECT, related_name="cosignatures")
    signed_at = models.BigIntegerField()  # POSIX seconds, as the witness signed it
    line = models.TextField()  # the signed-note signature line, exactly as received

    class Meta:
        constraints = [models.UniqueConstraint(fields=["checkpoint", "witness"], name="cosignature_once")]

    def __str__(self) -> str:
        return f"{self.witness.name} on {self.checkpoint}"
