"""Verifiable credentials the bank has issued, the keys institutions sign them with, and the
status lists that say which are revoked or suspended."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creditbank.apps.accounts.models import Institution, Learner
from creditbank.apps.deposits.models import LearningOutcome


class KeyState(models.TextChoices):
    ACTIVE = "active", _("active")
    RETIRED = "retired", _("retired")  # no longer signs; what it signed still verifies
    COMPROMISED = "compromised", _("compromised")  # what it signed is flagged


class IssuerKey(models.Model):
    """An institution's Ed25519 signing key, or the bank's own (no institution: it signs the learner
    records it assembles); the private half is encrypted with the data key."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="issuer_keys"
    )
    public_key = models.BinaryField(max_length=32, unique=True)
    private_key_encrypted = models.TextField()
    state = models.CharField(_("state"), max_length=16, choices=KeyState.choices, default=KeyState.ACTIVE)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)
    compromised_at = models.DateTimeField(_("compromised since"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One signing key at a time per institution (the bank's own key is kept to one in code).
            models.UniqueConstraint(
                fields=["institution"],
                condition=models.Q(state="active"),
                name="one_active_key_per_institution",
            ),
        ]

    def __str__(self) -> str:
        return f"key {self.pk} of {self.institution or 'the bank'} ({self.state})"


class StatusList(models.Model):
    """One W3C Bitstring Status List: a bit per credential, set when revoked (or suspended).

    A list belongs to the key that signed its credentials and is published by the same issuer, as
    verifiers expect (Digital Bazaar's checker refuses a list from another issuer)."""

    key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="status_lists")
    purpose = models.CharField(max_length=16)  # "revocation" or "suspension"
    bits = models.BinaryField()  # the raw bitstring; encoded and signed when published
    size = models.PositiveIntegerField()
    used = models.PositiveIntegerField(default=0)
    document = models.JSONField(null=True, blank=True)  # the signed status list credential
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.purpose} list {self.pk}"


class Credential(models.Model):
    """A credential as issued: the signed document is kept exactly, with what it is about."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="credentials")
    outcome = models.ForeignKey(
        LearningOutcome, on_delete=models.PROTECT, null=True, blank=True, related_name="credentials"
    )
    institution = models.ForeignKey(  # the issuer; empty for a record the bank assembled (CLR)
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="credentials"
    )
    key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="credentials")
    kind = models.CharField(max_length=32, default="OpenBadgeCredential")
    suite = models.CharField(max_length=32)
    language = models.CharField(max_length=16)
    document = models.JSONField()
    revocation_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="+")
    revocation_index = models.PositiveIntegerField()
    suspension_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="+")
    suspension_index = models.PositiveIntegerField()
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    suspended_at = models.DateTimeField(_("suspended"), null=True, blank=True)
    status_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["learner", "-issued_at"], name="credential_learner_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["revocation_list", "revocation_index"], name="one_credential_per_revocation_bit"
            ),
            models.UniqueConstraint(
                fields=["suspension_list", "suspension_index"], name="one_credential_per_suspension_bit"
            ),
        ]

    def __str__(self) -> str:
        return f"credential {self.id}"


class ShareLink(models.Model):
    """A learner's consent to show chosen credentials to someone holding the link, until it expires
    or is revoked. The token is looked up by its hash; it is kept encrypted so that the learner can
    copy the link again."""

    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="share_links")
    label = models.CharField(_("shared with"), max_length=200)
    token_hash = models.CharField(max_length=64, unique=True)
    token_encrypted = models.TextField()
    credentials = models.ManyToManyField(Credential, related_name="share_links")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"share {self.pk} of {self.learner_id} with {self.label}"


class ShareAccess(models.Model):
    """One opening of a share link: when, and from where as far as the request tells."""

    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="accesses")
    at = models.DateTimeField(_("opened at"), auto_now_add=True)
    network = models.CharField(_("network"), max_length=64, blank=True)  # the address, its host part cut off
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    refused = models.CharField(_("refused because"), max_length=16, blank=True)  # "expired", "revoked"

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"access to share {self.link_id} at {self.at}"
