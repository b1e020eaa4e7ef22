"""What the ledger says of an issuer and an achievement on a given day: whether the institution was
a member of the alliance, and whether the register entry stood accredited. Read from entries alone,
so a verifier's answer does not rest on today's tables."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date


def _day(text: object) -> date | None:
    try:
        return date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def member_on(entries: Iterable[str], on: date) -> bool | None:
    """From ``institution.alliance`` entries (their bodies, in log order): the last recorded joined
    and left dates decide; None when the ledger says nothing of this institution."""
    joined: date | None = None
    left: date | None = None
    seen = False
    for body in entries:
        entry = json.loads(body)
        if entry.get("kind") != "institution.alliance":
            continue
        seen = True
        joined, left = _day(entry["data"].get("joined")), _day(entry["data"].get("left"))
    if not seen:
        return None
    return joined is not None and joined <= on and (left is None or on < left)


def accredited_on(entries: Iterable[str], on: date) -> bool | None:
    """From ``register.*`` entries of one entry (in log order): accredited from its accreditation
    date until a withdrawal logged on or before the day; None when the ledger has no such entry."""
    since: date | None = None
    withdrawn: date | None = None
    seen = False
    for body in entries:
        entry = json.loads(body)
        kind = entry.get("kind", "")
        if not kind.startswith("register."):
            continue
        seen = True
        if kind == "register.accredited":
            since, withdrawn = _day(entry["data"].get("accredited_on")), None
        elif kind == "register.withdrawn":
            withdrawn = _day(entry.get("at"))
    if not seen:
        return None
    return since is not None and since <= on and (withdrawn is None or on < withdrawn)
