"""Ledger entry bytes are RFC 8785 canonical JSON, whichever encoder writes them."""

from __future__ import annotations

from typing import Any

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from creditbank.core.ledger.entries import entry_bytes

scalars = st.none() | st.booleans() | st.integers(-(2**60), 2**60) | st.text()
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(), documents, max_size=6), st.text())
def test_entry_bytes_are_the_rfc_8785_canonical_form(data: dict[str, Any], kind: str) -> None:
    doc = {"kind": kind, "at": "2026-12-01T00:00:00.000000Z", "data": data}
    try:
        expected = rfc8785.dumps(doc)
    except (rfc8785.CanonicalizationError, UnicodeEncodeError) as exc:
        with pytest.raises(type(exc)):
            entry_bytes(kind, doc["at"], data)
        return
    assert entry_bytes(kind, doc["at"], data) == expected


def test_keys_sort_by_utf16_code_units_and_control_characters_are_escaped() -> None:
    # U+E000 sorts after U+1F600 in UTF-16 (the emoji is a surrogate pair, D83D…) but before it by
    # code point: non-ASCII keys take RFC 8785's own path.
    data = {"\ue000": 1, "\U0001f600": 2, 'a\u0007\n"\\\u2028': "é\u007f"}
    assert entry_bytes("k", "t", data) == rfc8785.dumps({"kind": "k", "at": "t", "data": data})


def test_string_enums_are_written_as_their_value() -> None:
    import enum

    class Status(enum.StrEnum):
        RECORDED = "recorded"

    data = {"status": Status.RECORDED, "n": 3}
    assert entry_bytes("k", "t", data) == b'{"at":"t","data":{"n":3,"status":"recorded"},"kind":"k"}'
