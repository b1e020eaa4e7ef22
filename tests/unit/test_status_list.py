"""Bitstring Status List v1.0: the bitstring and its encoding, the entries and list credentials an
issuer publishes, reading a credential's status, and picking free indexes at random."""

from __future__ import annotations

import base64
import gzip
import random
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creditbank.core.credentials.status_list import (
    ENTRY_TYPE,
    LIST_CREDENTIAL_TYPE,
    LIST_TYPE,
    MAX_BYTES,
    MIN_BITS,
    MalformedStatusList,
    Outcome,
    StatusIndexOutOfRange,
    StatusList,
    StatusListFull,
    StatusListLengthError,
    UnknownStatusPurpose,
    check_status,
    pick_free_index,
    status_entry,
    status_list_credential,
)
from creditbank.core.errors import Conflict, InvalidInput, NotFound, gettext_noop

# The encodedList in the spec's examples: 16 KiB of zero bits, compressed by another implementation
# (its GZIP header bytes differ from ours, so it is decoded, not compared with our encoding).
SPEC_EMPTY_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
REVOCATIONS = "https://bank.example/status/1"
SUSPENSIONS = "https://bank.example/status/2"
ISSUER = "did:key:z6MkIssuer"

indexes = st.frozensets(st.integers(0, MIN_BITS - 1), max_size=40)


def seeded(seed: int) -> random.Random:
    """A reproducible random source for tests; production passes ``secrets.randbelow``."""
    return random.Random(seed)  # noqa: S311  (determinism is the point here)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def published(url: str, purpose: str, revoked: set[int] | frozenset[int] = frozenset()) -> dict[str, Any]:
    return status_list_credential(
        url,
        StatusList.from_indexes(revoked),
        issuer=ISSUER,
        purpose=purpose,
        valid_from="2026-01-01T00:00:00Z",
    )


class Publisher:
    """Stands in for the web: serves the list credentials it holds and counts the fetches."""

    def __init__(self, *credentials: Mapping[str, Any]) -> None:
        self.credentials = {c["id"]: c for c in credentials}
        self.fetches: Counter[str] = Counter()

    def at(self, url: str, credential: Any) -> Publisher:
        self.credentials[url] = credential
        return self

    def __call__(self, url: str) -> Mapping[str, Any]:
        self.fetches[url] += 1
        if url not in self.credentials:
            raise NotFound(gettext_noop("Nothing is published at %(url)s."), url=url)
        credential: Mapping[str, Any] = self.credentials[url]
        return credential


# The bitstring


def test_a_new_list_has_the_spec_minimum_of_16_kib_and_no_bit_set() -> None:
    status_list = StatusList.empty()
    assert status_list.length == MIN_BITS == 16 * 1024 * 8
    assert len(status_list.data) == 16 * 1024
    assert status_list.set_indexes() == frozenset()
    assert not any(status_list.is_set(i) for i in (0, 1, MIN_BITS // 2, MIN_BITS - 1))


def test_index_0_is_the_most_significant_bit_of_the_first_byte() -> None:
    assert StatusList.empty().with_bit(0).data[:2] == bytes([0x80, 0x00])
    assert StatusList.empty().with_bit(7).data[:2] == bytes([0x01, 0x00])
    assert StatusList.empty().with_bit(8).data[:2] == bytes([0x00, 0x80])
    assert StatusList.empty().with_bit(MIN_BITS - 1).data[-1] == 0x01


def test_setting_a_bit_returns_a_new_list_and_leaves_the_old_one_as_it_was() -> None:
    before = StatusList.empty()
    after = before.with_bit(42)
    assert after.is_set(42)
    assert not before.is_set(42)
    assert after.with_bit(42, False) == before


@given(indexes)
def test_a_list_holds_exactly_the_indexes_set_in_it(chosen: frozenset[int]) -> None:
    one_by_one = StatusList.empty()
    for index in chosen:
        one_by_one = one_by_one.with_bit(index)
    assert one_by_one == StatusList.from_indexes(chosen)
    assert one_by_one.set_indexes() == chosen
    assert all(one_by_one.is_set(i) for i in chosen)


@given(indexes, st.integers(0, 64))
def test_encoding_then_decoding_gives_back_the_same_list(chosen: frozenset[int], extra_bytes: int) -> None:
    length = MIN_BITS + 8 * extra_bytes
    status_list = StatusList.from_indexes(chosen, length)
    decoded = StatusList.decode(status_list.encode())
    assert decoded == status_list
    assert decoded.length == length
    assert decoded.set_indexes() == chosen


def test_the_encoding_is_gzip_in_multibase_base64url_without_padding_and_deterministic() -> None:
    status_list = StatusList.from_indexes({3, 1000, MIN_BITS - 1})
    encoded = status_list.encode()
    assert encoded == status_list.encode()
    assert encoded.startswith("u")
    assert not set(encoded) & set("+/=")
    compressed = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    assert compressed[4:8] == bytes(4)  # GZIP MTIME 0: the same list encodes the same at any time
    assert gzip.decompress(compressed) == status_list.data


def test_the_spec_example_decodes_to_131072_zero_bits() -> None:
    status_list = StatusList.decode(SPEC_EMPTY_LIST)
    assert status_list.length == 131_072
    assert status_list.data == bytes(16 * 1024)
    assert status_list == StatusList.empty()


@pytest.mark.parametrize("index", [-1, MIN_BITS, MIN_BITS + 8])
def test_an_index_outside_the_list_is_refused(index: int) -> None:
    status_list = StatusList.empty()
    with pytest.raises(StatusIndexOutOfRange) as excinfo:
        status_list.is_set(index)
    assert str(MIN_BITS - 1) in excinfo.value.message
    with pytest.raises(StatusIndexOutOfRange):
        status_list.with_bit(index)
    with pytest.raises(StatusIndexOutOfRange):
        StatusList.from_indexes([index])


@pytest.mark.parametrize("index", [True, 1.0, "1"])
def test_an_index_must_be_an_int(index: Any) -> None:
    with pytest.raises(TypeError):
        StatusList.empty().is_set(index)


@pytest.mark.parametrize("length", [0, 8, MIN_BITS - 8, MIN_BITS + 1])
def test_a_list_shorter_than_16_kib_or_not_in_whole_bytes_is_refused(length: int) -> None:
    with pytest.raises(StatusListLengthError) as excinfo:
        StatusList.empty(length)
    assert excinfo.value.params == {"minimum": MIN_BITS, "length": length}


def test_a_list_of_too_few_bytes_is_refused() -> None:
    with pytest.raises(StatusListLengthError):
        StatusList(bytes(MIN_BITS // 8 - 1))


# Decoding what others publish


def gzip_of(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


MALFORMED = {
    "empty": "",
    "base58btc multibase": "z" + b64url(gzip_of(bytes(MIN_BITS // 8))),
    "no multibase prefix": b64url(gzip_of(bytes(MIN_BITS // 8))),
    "standard base64 alphabet": "u" + base64.b64encode(b"\xfb\xff" * 30).decode(),
    "base64 padding": "u" + base64.urlsafe_b64encode(b"\x1f\x8b\x08").decode() + "=",
    "impossible base64 length": "uAAAAA",
    "not gzip": "u" + b64url(b"plain bytes, not compressed" * 10),
    "gzip cut short": "u" + b64url(gzip_of(bytes(MIN_BITS // 8))[:-6]),
    "data after the gzip": "u" + b64url(gzip_of(bytes(MIN_BITS // 8)) + b"more"),
}


@pytest.mark.parametrize("encoded", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_encoded_list_is_refused(encoded: str) -> None:
    with pytest.raises(MalformedStatusList) as excinfo:
        StatusList.decode(encoded)
    assert excinfo.value.code == "malformed_status_list"
    assert isinstance(excinfo.value, InvalidInput)


def test_each_kind_of_malformed_list_gets_its_own_message() -> None:
    messages = {}
    for case in ("empty", "base58btc multibase", "standard base64 alphabet", "not gzip", "gzip cut short"):
        with pytest.raises(MalformedStatusList) as excinfo:
            StatusList.decode(MALFORMED[case])
        messages[case] = excinfo.value.message
    assert len(set(messages.values())) == len(messages)
    assert "z" in messages["base58btc multibase"]
    assert "base64url" in messages["standard base64 alphabet"]
    assert "GZIP" in messages["not gzip"]


def test_a_decoded_list_shorter_than_16_kib_is_refused() -> None:
    with pytest.raises(StatusListLengthError) as excinfo:
        StatusList.decode("u" + b64url(gzip_of(bytes(1024))))
    assert excinfo.value.params["length"] == 1024 * 8


def test_a_list_that_unpacks_beyond_the_size_cap_is_refused() -> None:
    bomb = "u" + b64url(gzip.compress(bytes(MAX_BYTES + 1), compresslevel=9, mtime=0))
    with pytest.raises(MalformedStatusList) as excinfo:
        StatusList.decode(bomb)
    assert excinfo.value.params["limit"] == MAX_BYTES


# What an issuer publishes


@pytest.mark.parametrize("purpose", ["revocation", "suspension"])
def test_a_status_entry_points_at_one_index_of_one_list(purpose: str) -> None:
    assert status_entry(REVOCATIONS, 94567, purpose) == {
        "id": f"{REVOCATIONS}#94567",
        "type": ENTRY_TYPE,
        "statusPurpose": purpose,
        "statusListIndex": "94567",
        "statusListCredential": REVOCATIONS,
    }


@pytest.mark.parametrize("purpose", ["message", "refresh", "Revocation", ""])
def test_only_revocation_and_suspension_are_supported(purpose: str) -> None:
    with pytest.raises(UnknownStatusPurpose) as excinfo:
        status_entry(REVOCATIONS, 1, purpose)
    assert excinfo.value.params["purpose"] == purpose
    with pytest.raises(UnknownStatusPurpose):
        published(REVOCATIONS, purpose)


@pytest.mark.parametrize(
    ("index", "length"), [(-1, MIN_BITS), (MIN_BITS, MIN_BITS), (MIN_BITS * 2, MIN_BITS * 2)]
)
def test_a_status_entry_must_point_inside_its_list(index: int, length: int) -> None:
    with pytest.raises(StatusIndexOutOfRange):
        status_entry(REVOCATIONS, index, "revocation", length)


def test_a_status_entry_may_point_into_a_longer_list() -> None:
    entry = status_entry(REVOCATIONS, MIN_BITS, "revocation", MIN_BITS * 2)
    assert entry["statusListIndex"] == str(MIN_BITS)


def test_the_status_list_credential_carries_the_encoded_list_unsigned() -> None:
    status_list = StatusList.from_indexes({5, 77})
    credential = status_list_credential(
        SUSPENSIONS, status_list, issuer=ISSUER, purpose="suspension", valid_from="2026-03-01T09:00:00Z"
    )
    subject = credential.pop("credentialSubject")
    assert credential == {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": SUSPENSIONS,
        "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
        "issuer": ISSUER,
        "validFrom": "2026-03-01T09:00:00Z",
    }
    assert subject.pop("encodedList") == status_list.encode()
    assert subject == {"id": f"{SUSPENSIONS}#list", "type": LIST_TYPE, "statusPurpose": "suspension"}


def test_the_issuer_may_be_an_object() -> None:
    issuer = {"id": ISSUER, "name": "Credit bank"}
    credential = status_list_credential(
        REVOCATIONS,
        StatusList.empty(),
        issuer=issuer,
        purpose="revocation",
        valid_from="2026-01-01T00:00:00Z",
    )
    assert credential["issuer"] == issuer


# Reading a credential's status


def test_a_revoked_credential_reads_as_revoked() -> None:
    fetch = Publisher(published(REVOCATIONS, "revocation", {7, 42}))
    (check,) = check_status(status_entry(REVOCATIONS, 42, "revocation"), fetch)
    assert check.outcome is Outcome.REVOKED
    assert check.is_set is True
    assert check.problem is None
    assert (check.purpose, check.list_url, check.index) == ("revocation", REVOCATIONS, 42)
    assert check.entry_id == f"{REVOCATIONS}#42"
    assert not check.describe().held
    assert "revoked" in check.describe().render()


def test_a_credential_whose_bit_is_not_set_reads_as_not_revoked() -> None:
    fetch = Publisher(published(REVOCATIONS, "revocation", {7, 42}))
    (check,) = check_status([status_entry(REVOCATIONS, 43, "revocation")], fetch)
    assert check.outcome is Outcome.NOT_REVOKED
    assert check.is_set is False
    assert check.describe().held


@pytest.mark.parametrize(("index", "outcome"), [(9, Outcome.SUSPENDED), (10, Outcome.NOT_SUSPENDED)])
def test_a_suspension_list_reads_as_suspended_or_not(index: int, outcome: Outcome) -> None:
    fetch = Publisher(published(SUSPENSIONS, "suspension", {9}))
    (check,) = check_status(status_entry(SUSPENSIONS, index, "suspension"), fetch)
    assert check.outcome is outcome
    assert check.describe().held is (outcome is Outcome.NOT_SUSPENDED)


def test_each_entry_is_read_in_order_and_each_list_is_fetched_once() -> None:
    fetch = Publisher(published(REVOCATIONS, "revocation", {1}), published(SUSPENSIONS, "suspension", {2}))
    checks = check_status(
        [
            status_entry(REVOCATIONS, 1, "revocation"),
            status_entry(SUSPENSIONS, 1, "suspension"),
            status_entry(REVOCATIONS, 2, "revocation"),
            status_entry(SUSPENSIONS, 2, "suspension"),
        ],
        fetch,
    )
    assert [c.outcome for c in checks] == [
        Outcome.REVOKED,
        Outcome.NOT_SUSPENDED,
        Outcome.NOT_REVOKED,
        Outcome.SUSPENDED,
    ]
    assert fetch.fetches == {REVOCATIONS: 1, SUSPENSIONS: 1}


def test_a_list_published_for_several_purposes_serves_each() -> None:
    credential = published(REVOCATIONS, "revocation", {3})
    credential["credentialSubject"]["statusPurpose"] = ["revocation", "suspension"]
    (check,) = check_status(status_entry(REVOCATIONS, 3, "suspension"), Publisher(credential))
    assert check.outcome is Outcome.SUSPENDED


@given(indexes, st.integers(0, MIN_BITS - 1))
@settings(max_examples=25)
def test_the_status_read_is_the_bit_the_issuer_set(revoked: frozenset[int], index: int) -> None:
    fetch = Publisher(published(REVOCATIONS, "revocation", revoked))
    (check,) = check_status(status_entry(REVOCATIONS, index, "revocation"), fetch)
    assert check.is_set is (index in revoked)


@pytest.mark.parametrize("credential_status", [None, []])
def test_a_credential_without_status_has_nothing_to_check(credential_status: Any) -> None:
    assert check_status(credential_status, Publisher()) == ()


def unknown(check_result: tuple[Any, ...]) -> str:
    """The one check's problem, rendered, after asserting it could not be read."""
    (check,) = check_result
    assert check.outcome is Outcome.UNKNOWN
    assert check.is_set is None
    assert check.problem is not None
    assert check.describe() == check.problem
    assert not check.problem.held
    message: str = check.problem.render()
    return message


def entry_with(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = status_entry(REVOCATIONS, 42, "revocation")
    for key, value in changes.items():
        if value is None:
            del entry[key]
        else:
            entry[key] = value
    return entry


REVOCATION_LIST = published(REVOCATIONS, "revocation", {42})


@pytest.mark.parametrize("credential_status", ["revoked", 42, ["revoked"]])
def test_an_entry_that_is_not_an_object_is_a_problem(credential_status: Any) -> None:
    assert "not an object" in unknown(check_status(credential_status, Publisher(REVOCATION_LIST)))


@pytest.mark.parametrize("field", ["type", "statusPurpose", "statusListIndex", "statusListCredential"])
def test_an_entry_missing_a_field_names_the_field(field: str) -> None:
    message = unknown(check_status(entry_with(**{field: None}), Publisher(REVOCATION_LIST)))
    assert field in message


@pytest.mark.parametrize("field", ["statusPurpose", "statusListCredential"])
def test_an_entry_whose_field_is_not_a_string_names_the_field(field: str) -> None:
    message = unknown(check_status(entry_with(**{field: ["x"]}), Publisher(REVOCATION_LIST)))
    assert field in message


@pytest.mark.parametrize("kind", ["StatusList2021Entry", "TokenStatusList"])
def test_an_entry_of_another_status_type_is_a_problem(kind: str) -> None:
    assert kind in unknown(check_status(entry_with(type=kind), Publisher(REVOCATION_LIST)))


def test_an_entry_whose_type_is_an_array_holding_the_entry_type_is_read() -> None:
    (check,) = check_status(entry_with(type=[ENTRY_TYPE]), Publisher(REVOCATION_LIST))
    assert check.outcome is Outcome.REVOKED


@pytest.mark.parametrize("purpose", ["message", "refresh"])
def test_an_entry_for_another_purpose_is_a_problem(purpose: str) -> None:
    message = unknown(check_status(entry_with(statusPurpose=purpose), Publisher(REVOCATION_LIST)))
    assert purpose in message


@pytest.mark.parametrize("index", ["-1", "1.5", "4e2", " 42", "٤٢", "", 42, "9" * 31])
def test_an_index_that_is_not_a_non_negative_integer_string_is_a_problem(index: Any) -> None:
    fetch = Publisher(REVOCATION_LIST)
    message = unknown(check_status(entry_with(statusListIndex=index), fetch))
    assert "statusListIndex" in message


def test_an_index_beyond_the_list_is_a_problem_naming_the_list_length() -> None:
    (check,) = check_status(entry_with(statusListIndex=str(MIN_BITS)), Publisher(REVOCATION_LIST))
    assert check.index == MIN_BITS
    message = unknown((check,))
    assert str(MIN_BITS) in message
    assert REVOCATIONS in message


def test_a_multi_bit_status_size_is_a_problem() -> None:
    assert "statusSize" in unknown(check_status(entry_with(statusSize=2), Publisher(REVOCATION_LIST)))


def test_a_status_size_of_one_is_read() -> None:
    (check,) = check_status(entry_with(statusSize=1), Publisher(REVOCATION_LIST))
    assert check.outcome is Outcome.REVOKED


def test_an_entry_whose_purpose_differs_from_its_list_is_a_problem() -> None:
    fetch = Publisher(published(REVOCATIONS, "suspension", {42}))
    message = unknown(check_status(status_entry(REVOCATIONS, 42, "revocation"), fetch))
    assert "revocation" in message
    assert "suspension" in message


def test_a_list_that_cannot_be_fetched_is_a_problem_saying_why() -> None:
    message = unknown(check_status(status_entry(REVOCATIONS, 1, "revocation"), Publisher()))
    assert f"Nothing is published at {REVOCATIONS}" in message


def altered_list(change: Callable[[dict[str, Any]], None]) -> Publisher:
    credential = published(REVOCATIONS, "revocation", {42})
    change(credential)
    return Publisher().at(REVOCATIONS, credential)


WRONG_LISTS: dict[str, Callable[[dict[str, Any]], None]] = {
    "credential type": lambda c: c.update(type=["VerifiableCredential", "StatusList2021Credential"]),
    "no credential type": lambda c: c.pop("type"),
    "subject type": lambda c: c["credentialSubject"].update(type="StatusList2021"),
    "subject not an object": lambda c: c.update(credentialSubject=["list"]),
    "another list's id": lambda c: c.update(id=SUSPENSIONS),
    "no purpose": lambda c: c["credentialSubject"].pop("statusPurpose"),
    "no encoded list": lambda c: c["credentialSubject"].pop("encodedList"),
    "malformed encoded list": lambda c: c["credentialSubject"].update(encodedList="zQm"),
    "short encoded list": lambda c: c["credentialSubject"].update(
        encodedList="u" + b64url(gzip_of(bytes(8)))
    ),
}


@pytest.mark.parametrize("change", WRONG_LISTS.values(), ids=WRONG_LISTS.keys())
def test_a_list_credential_that_is_not_a_proper_status_list_is_a_problem(
    change: Callable[[dict[str, Any]], None],
) -> None:
    message = unknown(check_status(status_entry(REVOCATIONS, 42, "revocation"), altered_list(change)))
    assert REVOCATIONS in message


def test_a_document_that_is_not_an_object_is_a_problem() -> None:
    fetch = Publisher().at(REVOCATIONS, ["not", "a", "credential"])
    message = unknown(check_status(status_entry(REVOCATIONS, 1, "revocation"), fetch))
    assert "BitstringStatusListCredential" in message


def test_a_list_problem_is_rendered_in_the_readers_language() -> None:
    fetch = altered_list(lambda c: c["credentialSubject"].update(encodedList="zQm"))
    (check,) = check_status(status_entry(REVOCATIONS, 42, "revocation"), fetch)
    assert check.problem is not None
    catalog = {
        check.problem.template: "状态列表 %(url)s 无法读取：%(why)s",
        check.problem.params["why"]: "编码以 %(prefix)s 开头",
    }
    assert (
        check.problem.render(lambda s: catalog.get(s, s)) == f"状态列表 {REVOCATIONS} 无法读取：编码以 z 开头"
    )


def test_one_bad_entry_does_not_hide_the_others() -> None:
    fetch = Publisher(REVOCATION_LIST)
    checks = check_status(
        [entry_with(statusListIndex="x"), status_entry(REVOCATIONS, 42, "revocation")], fetch
    )
    assert [c.outcome for c in checks] == [Outcome.UNKNOWN, Outcome.REVOKED]


# Picking indexes


@given(st.integers(0, 2**32), st.frozensets(st.integers(0, MIN_BITS - 1), max_size=200))
def test_a_picked_index_is_free_and_in_the_list(seed: int, used: frozenset[int]) -> None:
    index = pick_free_index(seeded(seed).randrange, used)
    assert 0 <= index < MIN_BITS
    assert index not in used


@given(st.integers(0, 2**32))
def test_the_same_seed_picks_the_same_indexes(seed: int) -> None:
    def picks(rng: random.Random) -> list[int]:
        used: set[int] = set()
        for _ in range(5):
            used.add(pick_free_index(rng.randrange, used))
        return sorted(used)

    assert picks(seeded(seed)) == picks(seeded(seed))


def test_different_seeds_pick_different_indexes() -> None:
    picked = {pick_free_index(seeded(seed).randrange, ()) for seed in range(20)}
    assert len(picked) > 1


def test_picking_in_a_nearly_full_list_finds_the_free_index() -> None:
    free = 98_765
    used = set(range(MIN_BITS)) - {free}
    assert pick_free_index(seeded(1).randrange, used) == free


def test_a_source_that_keeps_drawing_used_indexes_still_ends_with_a_free_one() -> None:
    used = set(range(0, MIN_BITS, 2))
    index = pick_free_index(lambda n: 0, used)  # always the first candidate, which is used
    assert index not in used


def test_picking_in_a_larger_list_can_use_its_upper_part() -> None:
    used = set(range(MIN_BITS))
    index = pick_free_index(seeded(3).randrange, used, MIN_BITS * 2)
    assert MIN_BITS <= index < MIN_BITS * 2


def test_a_full_list_has_no_free_index() -> None:
    with pytest.raises(StatusListFull) as excinfo:
        pick_free_index(seeded(1).randrange, range(MIN_BITS))
    assert isinstance(excinfo.value, Conflict)
    assert str(MIN_BITS) in excinfo.value.message


@pytest.mark.parametrize("value", [-1, MIN_BITS, 1.5, True])
def test_a_random_source_returning_values_out_of_range_is_refused(value: Any) -> None:
    with pytest.raises(ValueError, match="random source"):
        pick_free_index(lambda n: value, ())
