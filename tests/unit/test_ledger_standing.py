"""Membership and accreditation on a day, read from ledger entries."""

from __future__ import annotations

from datetime import date

from creditbank.core.ledger.entries import entry_bytes
from creditbank.core.ledger.standing import accredited_on, member_on


def alliance(joined: str | None, left: str | None) -> str:
    return entry_bytes(
        "institution.alliance", "2026-01-01T00:00:00Z", {"institution": "x", "joined": joined, "left": left}
    ).decode()


def register(kind: str, at: str, accredited: str | None) -> str:
    return entry_bytes(kind, at, {"code": "U-1", "accredited_on": accredited}).decode()


def test_the_last_recorded_membership_decides() -> None:
    log = [alliance("2021-09-01", None), alliance("2021-09-01", "2025-07-01")]
    assert member_on(log, date(2024, 1, 1)) is True
    assert member_on(log, date(2025, 7, 1)) is False
    assert member_on(log, date(2020, 1, 1)) is False
    assert member_on([], date(2024, 1, 1)) is None


def test_accreditation_runs_from_its_date_until_a_withdrawal() -> None:
    log = [
        register("register.accredited", "2020-06-02T00:00:00Z", "2020-06-01"),
        register("register.withdrawn", "2024-03-01T08:00:00Z", None),
    ]
    assert accredited_on(log, date(2023, 1, 1)) is True
    assert accredited_on(log, date(2020, 5, 31)) is False
    assert accredited_on(log, date(2024, 3, 1)) is False
    assert accredited_on(log[:1], date(2030, 1, 1)) is True
    assert accredited_on([], date(2023, 1, 1)) is None
