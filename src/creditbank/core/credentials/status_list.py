"""Revocation and suspension with W3C Bitstring Status List v1.0.

An issuer publishes a status list credential whose ``encodedList`` is a bitstring, GZIP-compressed and
written as multibase base64url without padding (prefix ``u``); each credential it issues carries a
``BitstringStatusListEntry`` naming that list and one index in it, and the bit at the index is 1 when
the credential is revoked (or suspended, for a suspension list). Index 0 is the left-most, most
significant, bit of the first byte. A list holds at least 131 072 bits (16 KiB), the spec's minimum,
so that one credential's status hides among many; for the same reason indexes are given out at random,
from a random source the caller passes in (the core draws nothing itself, nor fetches any list).
"""

from __future__ import annotations

import base64
import binascii
import enum
import gzip
import itertools
import re
import zlib
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from creditbank.core.errors import Conflict, DomainError, InvalidInput, gettext_noop
from creditbank.core.reasons import Reason, reason

MIN_BITS = 131_072  # 16 KiB: the spec's minimum, for group privacy
MAX_BYTES = 16 * 1024 * 1024  # the most a fetched list may unpack to: a small GZIP bomb cannot fill memory
PURPOSES = ("revocation", "suspension")
ENTRY_TYPE = "BitstringStatusListEntry"
LIST_CREDENTIAL_TYPE = "BitstringStatusListCredential"
LIST_TYPE = "BitstringStatusList"
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"

_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
_INDEX = re.compile(r"[0-9]{1,30}")  # far beyond any list, and quick to read as an int
_PICK_TRIES = 64  # random draws before falling back to counting the free indexes
_NOT_BASE64URL = gettext_noop("The encoded status list is not base64url without padding after its u prefix.")


class MalformedStatusList(InvalidInput):
    """The spec's MALFORMED_VALUE_ERROR; each raise says which layer of the encoding is wrong."""

    code = "malformed_status_list"
    template = gettext_noop("The encoded status list is not valid.")


class StatusListLengthError(InvalidInput):
    """The spec's STATUS_LIST_LENGTH_ERROR."""

    code = "status_list_length"
    template = gettext_noop(
        "A status list must hold at least %(minimum)s entries (16 KiB) in whole bytes; this one holds %(length)s."
    )


class StatusIndexOutOfRange(InvalidInput):
    """The spec's RANGE_ERROR."""

    code = "status_index_out_of_range"
    template = gettext_noop(
        "Index %(index)s is not in the status list, whose indexes run from 0 to %(last)s."
    )


class UnknownStatusPurpose(InvalidInput):
    code = "unknown_status_purpose"
    template = gettext_noop(
        "%(purpose)s is not a status purpose creditbank supports; use revocation or suspension."
    )


class StatusListFull(Conflict):
    code = "status_list_full"
    template = gettext_noop("All %(length)s indexes of the status list are in use; start a new status list.")


def _check_purpose(purpose: str) -> None:
    if purpose not in PURPOSES:
        raise UnknownStatusPurpose(purpose=purpose)


@dataclass(frozen=True)
class StatusList:
    """A bitstring of statuses, immutable: ``with_bit`` returns a new list, to store in place of the old."""

    data: bytes

    def __post_init__(self) -> None:
        if len(self.data) * 8 < MIN_BITS:
            raise StatusListLengthError(minimum=MIN_BITS, length=len(self.data) * 8)

    def __repr__(self) -> str:  # not 16 KiB of bytes
        return f"StatusList(length={self.length}, set={len(self.set_indexes())})"

    @classmethod
    def empty(cls, length: int = MIN_BITS) -> StatusList:
        if length < MIN_BITS or length % 8:
            raise StatusListLengthError(minimum=MIN_BITS, length=length)
        return cls(bytes(length // 8))

    @classmethod
    def from_indexes(cls, indexes: Iterable[int], length: int = MIN_BITS) -> StatusList:
        """A list of ``length`` bits with exactly the given indexes set."""
        data = bytearray(cls.empty(length).data)
        for index in indexes:
            _check_index(index, length)
            data[index // 8] |= 0x80 >> (index % 8)
        return cls(bytes(data))

    @property
    def length(self) -> int:
        return len(self.data) * 8

    def is_set(self, index: int) -> bool:
        _check_index(index, self.length)
        return bool(self.data[index // 8] & (0x80 >> (index % 8)))

    def with_bit(self, index: int, value: bool = True) -> StatusList:
        _check_index(index, self.length)
        data = bytearray(self.data)
        mask = 0x80 >> (index % 8)
        data[index // 8] = data[index // 8] | mask if value else data[index // 8] & ~mask
        return StatusList(bytes(data))

    def set_indexes(self) -> frozenset[int]:
        return frozenset(
            i * 8 + bit
            for i, byte in enumerate(self.data)
            if byte
            for bit in range(8)
            if byte & (0x80 >> bit)
        )

    def encode(self) -> str:
        """The spec's encodedList; ``mtime=0`` makes the same list always encode to the same text."""
        compressed = gzip.compress(self.data, compresslevel=9, mtime=0)
        return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, encoded: str) -> StatusList:
        """Read an encodedList, strictly: any other multibase, base64 alphabet, padding, trailing data or
        a list shorter than the minimum is an error, since a verifier must not guess at a status."""
        if not encoded:
            raise MalformedStatusList(gettext_noop("The encoded status list is empty."))
        if not encoded.startswith("u"):
            raise MalformedStatusList(
                gettext_noop(
                    "The encoded status list starts with %(prefix)s; it must start with u, "
                    "the multibase prefix of base64url."
                ),
                prefix=encoded[:1],
            )
        text = encoded[1:]
        if not _BASE64URL.fullmatch(text) or len(text) % 4 == 1:
            raise MalformedStatusList(_NOT_BASE64URL)
        try:
            compressed = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
        except binascii.Error:
            raise MalformedStatusList(_NOT_BASE64URL) from None
        return cls(_gunzip(compressed))


def _gunzip(compressed: bytes) -> bytes:
    # One GZIP member read with a size cap (gzip.decompress has none) and nothing after it.
    reader = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = reader.decompress(compressed, MAX_BYTES + 1)
    except zlib.error:
        raise MalformedStatusList(
            gettext_noop("The encoded status list is base64url but not GZIP-compressed data.")
        ) from None
    if len(data) > MAX_BYTES:
        raise MalformedStatusList(
            gettext_noop("The status list unpacks to more than %(limit)s bytes, more than creditbank reads."),
            limit=MAX_BYTES,
        )
    if not reader.eof or reader.unused_data:
        raise MalformedStatusList(
            gettext_noop("The GZIP data of the status list is cut short or followed by other data.")
        )
    return data


def _check_index(index: int, length: int) -> None:
    if isinstance(index, bool) or not isinstance(index, int):
        raise TypeError(f"a status list index is an int, not {type(index).__name__}")
    if not 0 <= index < length:
        raise StatusIndexOutOfRange(index=index, last=length - 1)


def status_entry(list_url: str, index: int, purpose: str, length: int = MIN_BITS) -> dict[str, str]:
    """The ``credentialStatus`` entry pointing a credential at bit ``index`` of the list of ``length``
    bits published at ``list_url``."""
    _check_purpose(purpose)
    _check_index(index, length)
    return {
        "id": f"{list_url}#{index}",
        "type": ENTRY_TYPE,
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_list_credential(
    list_url: str,
    status_list: StatusList,
    *,
    issuer: str | Mapping[str, Any],
    purpose: str,
    valid_from: str,
) -> dict[str, Any]:
    """The unsigned status list credential published at ``list_url``; it is signed elsewhere."""
    _check_purpose(purpose)
    return {
        "@context": [VC_V2_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
        "issuer": issuer if isinstance(issuer, str) else dict(issuer),
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": LIST_TYPE,
            "statusPurpose": purpose,
            "encodedList": status_list.encode(),
        },
    }


def pick_free_index(below: Callable[[int], int], used: Collection[int], length: int = MIN_BITS) -> int:
    """A random index of a list of ``length`` bits that is not in ``used``, for a new credential.

    ``below(n)`` returns a uniformly random int in ``[0, n)``: ``secrets.randbelow`` in production,
    ``random.Random(seed).randrange`` in tests. The result is uniform over the free indexes: random draws
    while they are plenty, then a draw among the ones left, so a nearly full list still ends quickly.
    """
    taken = {i for i in used if 0 <= i < length}
    free = length - len(taken)
    if free <= 0:
        raise StatusListFull(length=length)
    for _ in range(_PICK_TRIES):
        index = _draw(below, length)
        if index not in taken:
            return index
    free_indexes = (i for i in range(length) if i not in taken)
    return next(itertools.islice(free_indexes, _draw(below, free), None))


def _draw(below: Callable[[int], int], n: int) -> int:
    value = below(n)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < n:
        raise ValueError(f"the random source returned {value!r}, not an int in [0, {n})")
    return value


class Outcome(enum.StrEnum):
    REVOKED = "revoked"
    NOT_REVOKED = "not_revoked"
    SUSPENDED = "suspended"
    NOT_SUSPENDED = "not_suspended"
    UNKNOWN = "unknown"  # the entry could not be checked; the check's problem says why


_DESCRIPTIONS = {
    Outcome.REVOKED: reason(gettext_noop("the credential has been revoked by its issuer"), False),
    Outcome.NOT_REVOKED: reason(gettext_noop("the credential has not been revoked")),
    Outcome.SUSPENDED: reason(gettext_noop("the credential is suspended by its issuer"), False),
    Outcome.NOT_SUSPENDED: reason(gettext_noop("the credential is not suspended")),
}


@dataclass(frozen=True)
class StatusCheck:
    """What one ``credentialStatus`` entry says; ``problem`` is set exactly when it could not be checked.

    The other fields are whatever could be read before the problem, for showing next to it.
    """

    entry_id: str | None
    purpose: str | None
    list_url: str | None
    index: int | None
    is_set: bool | None
    problem: Reason | None = None

    @property
    def outcome(self) -> Outcome:
        if self.problem is not None or self.is_set is None:
            return Outcome.UNKNOWN
        if self.purpose == "revocation":
            return Outcome.REVOKED if self.is_set else Outcome.NOT_REVOKED
        return Outcome.SUSPENDED if self.is_set else Outcome.NOT_SUSPENDED

    def describe(self) -> Reason:
        """One line for a verifier page: the status, or what is wrong with the entry."""
        if self.problem is not None:
            return self.problem
        return _DESCRIPTIONS[self.outcome]


class _Unreadable(Exception):
    """One entry's problem, caught where the check is built; never leaves this module."""

    def __init__(self, problem: Reason) -> None:
        super().__init__(problem.render())
        self.problem = problem


def _problem(template: str, /, **params: Any) -> _Unreadable:
    return _Unreadable(reason(template, False, **params))


def check_status(
    credential_status: object, fetch: Callable[[str], Mapping[str, Any]]
) -> tuple[StatusCheck, ...]:
    """Check each entry of a credential's ``credentialStatus`` (one entry or a list; none gives ``()``).

    ``fetch(url)`` returns the status list credential published at ``url``, or raises ``DomainError``
    when it cannot. The caller MUST have ``fetch`` verify that credential's proof, that its issuer is
    the one it trusts for this credential and that it is within its validity period (the spec's
    STATUS_VERIFICATION_ERROR cases this module cannot see): this module only reads the bits. Each URL
    is fetched once per call.
    """
    if credential_status is None:
        return ()
    entries = credential_status if isinstance(credential_status, list) else [credential_status]
    lists: dict[str, _Published | _Unreadable] = {}
    return tuple(_check_entry(entry, fetch, lists) for entry in entries)


def _check_entry(
    entry: object, fetch: Callable[[str], Mapping[str, Any]], lists: dict[str, _Published | _Unreadable]
) -> StatusCheck:
    if not isinstance(entry, Mapping):
        problem = reason(gettext_noop("a credentialStatus entry is not an object"), False)
        return StatusCheck(None, None, None, None, None, problem)
    entry_id, purpose, url, index = _text(entry, "id"), _text(entry, "statusPurpose"), None, None
    try:
        kinds = _field(entry, "type")
        if kinds != ENTRY_TYPE and not (isinstance(kinds, list) and ENTRY_TYPE in kinds):
            raise _problem(
                gettext_noop(
                    "the status entry is of type %(type)s; creditbank checks only BitstringStatusListEntry"
                ),
                type=kinds,
            )
        purpose = _string_field(entry, "statusPurpose")
        if purpose not in PURPOSES:
            raise _problem(
                gettext_noop(
                    "the status purpose %(purpose)s is not one creditbank checks (revocation or suspension)"
                ),
                purpose=purpose,
            )
        if entry.get("statusSize", 1) not in (1, "1"):
            raise _problem(
                gettext_noop(
                    "the status entry has statusSize %(size)s; creditbank reads only one-bit statuses"
                ),
                size=entry["statusSize"],
            )
        url = _string_field(entry, "statusListCredential")
        index = _read_index(_field(entry, "statusListIndex"))
        published = _load(url, fetch, lists)
        if purpose not in published.purposes:
            raise _problem(
                gettext_noop(
                    "the status entry is for %(purpose)s but the status list %(url)s is for %(purposes)s"
                ),
                purpose=purpose,
                url=url,
                purposes=", ".join(published.purposes),
            )
        if index >= published.status_list.length:
            raise _problem(
                gettext_noop(
                    "index %(index)s is beyond the status list %(url)s, which has %(length)s entries"
                ),
                index=index,
                url=url,
                length=published.status_list.length,
            )
        return StatusCheck(entry_id, purpose, url, index, published.status_list.is_set(index))
    except _Unreadable as unreadable:
        return StatusCheck(entry_id, purpose, url, index, None, unreadable.problem)


def _text(entry: Mapping[str, Any], name: str) -> str | None:
    value = entry.get(name)
    return value if isinstance(value, str) else None


def _field(entry: Mapping[str, Any], name: str) -> Any:
    if entry.get(name) in (None, ""):
        raise _problem(gettext_noop("the status entry has no %(field)s"), field=name)
    return entry[name]


def _string_field(entry: Mapping[str, Any], name: str) -> str:
    value = _field(entry, name)
    if not isinstance(value, str):
        raise _problem(gettext_noop("the status entry's %(field)s is not a string"), field=name)
    return value


def _read_index(value: object) -> int:
    if not isinstance(value, str) or not _INDEX.fullmatch(value):
        raise _problem(
            gettext_noop(
                "the statusListIndex %(index)s is not a string of 1 to 30 digits (a whole number of 0 or more)"
            ),
            index=value if not isinstance(value, str) or len(value) <= 40 else value[:40] + "…",
        )
    return int(value)


@dataclass(frozen=True)
class _Published:
    status_list: StatusList
    purposes: tuple[str, ...]


def _load(
    url: str, fetch: Callable[[str], Mapping[str, Any]], lists: dict[str, _Published | _Unreadable]
) -> _Published:
    if url not in lists:
        try:
            lists[url] = _read_list_credential(url, fetch)
        except _Unreadable as unreadable:
            lists[url] = unreadable
    loaded = lists[url]
    if isinstance(loaded, _Unreadable):
        raise loaded
    return loaded


def _read_list_credential(url: str, fetch: Callable[[str], Mapping[str, Any]]) -> _Published:
    try:
        credential = fetch(url)
    except DomainError as exc:
        raise _problem(
            gettext_noop("the status list %(url)s cannot be retrieved: %(why)s"),
            **{**exc.params, "url": url, "why": exc.template},
        ) from None
    types = credential.get("type") if isinstance(credential, Mapping) else None
    if not (types == LIST_CREDENTIAL_TYPE or (isinstance(types, list) and LIST_CREDENTIAL_TYPE in types)):
        raise _problem(
            gettext_noop("the document at %(url)s is not a BitstringStatusListCredential"), url=url
        )
    assert isinstance(credential, Mapping)
    if credential.get("id", url) != url:
        # Another list of the same issuer served at this address would otherwise pass.
        raise _problem(
            gettext_noop("the status list credential at %(url)s names itself %(id)s"),
            url=url,
            id=credential.get("id"),
        )
    subject = credential.get("credentialSubject")
    if not isinstance(subject, Mapping) or subject.get("type") != LIST_TYPE:
        raise _problem(
            gettext_noop("the status list credential %(url)s has no BitstringStatusList subject"), url=url
        )
    purposes = subject.get("statusPurpose")
    purposes = [purposes] if isinstance(purposes, str) else purposes
    encoded = subject.get("encodedList")
    if not isinstance(purposes, list) or not purposes or not all(isinstance(p, str) for p in purposes):
        raise _problem(gettext_noop("the status list %(url)s has no statusPurpose"), url=url)
    if not isinstance(encoded, str):
        raise _problem(gettext_noop("the status list %(url)s has no encodedList"), url=url)
    try:
        status_list = StatusList.decode(encoded)
    except InvalidInput as exc:
        raise _problem(
            gettext_noop("the status list %(url)s cannot be read: %(why)s"),
            **{**exc.params, "url": url, "why": exc.template},
        ) from None
    return _Published(status_list, tuple(purposes))
