"""Writes for accounts: the only way API keys are created or revoked."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from creditbank.apps.accounts.models import ApiKey, Institution, User
from creditbank.apps.accounts.permissions import Action, require
from creditbank.config.checks import option
from creditbank.core.errors import NotFound, gettext_noop

KEY_PREFIX = "cbk"


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    secret: str  # shown once, never stored


def hash_api_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_key_create(*, actor: User, institution: Institution, name: str) -> IssuedKey:
    require(actor, Action.MANAGE_API_KEYS, institution_id=institution.pk)
    length = int(option("API_KEY_PREFIX_LENGTH"))
    prefix = secrets.token_hex(length // 2 + 1)[:length]
    secret = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        key = ApiKey.objects.create(
            institution=institution,
            name=name.strip() or "API key",
            prefix=prefix,
            key_hash=hash_api_key(secret),
            created_by=actor,
        )
    return IssuedKey(key, secret)


def api_key_revoke(*, actor: User, prefix: str) -> ApiKey:
    key = ApiKey.objects.select_related("institution").filter(prefix=prefix).first()
    if key is None:
        raise NotFound(gettext_noop("There is no API key %(prefix)s."), prefix=prefix)
    require(actor, Action.MANAGE_API_KEYS, institution_id=key.institution_id)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def api_key_authenticate(secret: str) -> ApiKey | None:
    """The live key for a presented secret, or None; records when it was last used."""
    key = (
        ApiKey.objects.select_related("institution", "created_by")
        .filter(key_hash=hash_api_key(secret), revoked_at__isnull=True)
        .first()
    )
    if key is not None:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key
