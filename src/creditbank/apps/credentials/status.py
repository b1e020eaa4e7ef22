"""Status lists: a random free bit for each new credential, bits set on revocation or suspension,
and each list published as a BitstringStatusListCredential signed by the credentials' issuer."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from creditbank.apps.credentials import keys
from creditbank.apps.credentials.contexts import shipped
from creditbank.apps.credentials.models import Credential, IssuerKey, KeyState, StatusList
from creditbank.config.checks import option
from creditbank.core.credentials import status_list as core
from creditbank.core.credentials.data_integrity import RDFC_SUITE, add_proof
from creditbank.core.errors import NotFound, gettext_noop


def public_url(path: str) -> str:
    return str(option("PUBLIC_URL")) + path


def timestamp(at: datetime) -> str:
    return at.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def list_url(status_list: StatusList) -> str:
    return public_url(reverse("credentials:status-list", args=[status_list.pk]))


def allocate(key: IssuerKey, purpose: str) -> tuple[StatusList, int]:
    """A random unused bit of one of the key's lists with room (a new list when all are full).
    Call in a transaction."""
    found = (
        StatusList.objects.select_for_update(of=("self",))
        .filter(key=key, purpose=purpose, used__lt=F("size"))
        .order_by("pk")
        .first()
    )
    if found is None:
        found = StatusList.objects.create(
            key=key, purpose=purpose, bits=core.StatusList.empty().data, size=core.MIN_BITS
        )
    used = Credential.objects.filter(**{f"{purpose}_list": found}).values_list(f"{purpose}_index", flat=True)
    index = core.pick_free_index(secrets.randbelow, set(used), found.size)
    StatusList.objects.filter(pk=found.pk).update(used=F("used") + 1)
    return found, index


def set_bit(status_list: StatusList, index: int, value: bool) -> None:
    """Set or clear one credential's bit and publish the list again. Call in a transaction."""
    locked = (
        StatusList.objects.select_for_update(of=("self",))
        .select_related("key__institution")
        .get(pk=status_list.pk)
    )
    bits = core.StatusList(bytes(locked.bits)).with_bit(index, value)
    locked.bits = bits.data
    locked.document = _signed(locked, bits)
    locked.save(update_fields=["bits", "document", "updated_at"])


def _signed(status_list: StatusList, bits: core.StatusList) -> dict[str, Any]:
    """Signed by the key of the list's credentials, so the list's issuer is theirs; once that key is
    compromised, by the institution's active key (the same issuer for did:web institutions; for
    did:key ones the credentials are flagged by the key check anyway)."""
    key = status_list.key
    institution = key.institution
    if key.state == KeyState.COMPROMISED:
        key, seed = keys.signing_key(institution)
    else:
        seed = keys.seed_of(key)
    issuer = keys.issuer_id(institution, key)
    now = timestamp(timezone.now())
    unsigned = core.status_list_credential(
        list_url(status_list), bits, issuer=issuer, purpose=status_list.purpose, valid_from=now
    )
    return add_proof(
        unsigned,
        seed=seed,
        verification_method=keys.verification_method(institution, key),
        created=now,
        suite=RDFC_SUITE,
        contexts=shipped(),
    )


def published(list_id: int) -> dict[str, Any]:
    """The signed status list credential, signed now if the list has not been published yet."""
    status_list = StatusList.objects.select_related("key__institution").filter(pk=list_id).first()
    if status_list is None:
        raise NotFound(gettext_noop("There is no status list %(list)s."), list=list_id)
    if status_list.document is None:
        status_list.document = _signed(status_list, core.StatusList(bytes(status_list.bits)))
        StatusList.objects.filter(pk=list_id, document__isnull=True).update(document=status_list.document)
    return dict(status_list.document)


def list_id_of(url: str) -> int | None:
    """The id of one of our lists from its URL, or None for a list published elsewhere."""
    prefix = public_url(reverse("credentials:status-list", args=[0]))[: -len("0/")]
    tail = url.removeprefix(prefix).rstrip("/") if url.startswith(prefix) else ""
    return int(tail) if tail.isdigit() else None
