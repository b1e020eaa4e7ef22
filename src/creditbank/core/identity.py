"""Personal and institutional identifiers: validation, normalisation and blind indexes.

One person has one lifelong learning account across institutions, found by identity document.
Numbers are validated by their scheme's check digit where one is published:

* mainland resident identity card (GB 11643, python-stdnum): region, birth date, check digit;
* Hong Kong identity card: the published mod-11 check digit;
* Macao resident identity card and the Mainland Travel Permit for Hong Kong and Macao residents:
  format only (no public check-digit algorithm);
* passports: issuing state (ISO 3166 alpha-3) and document number format.

The bank never looks a person up by the clear number: a keyed HMAC of the normalised identity (a
blind index) finds duplicates and lookups, while the number itself is stored encrypted.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date

from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import ric, uscc

from creditbank.core.errors import InvalidInput, gettext_noop


class InvalidIdentityNumber(InvalidInput):
    code = "invalid_identity_number"
    template = gettext_noop("%(number)s is not a valid %(scheme)s: %(reason)s")


class IdScheme(enum.StrEnum):
    CN_RIC = "cn_ric"
    HK_ID = "hk_id"
    MO_ID = "mo_id"
    TRAVEL_PERMIT = "travel_permit"
    PASSPORT = "passport"

    @property
    def label(self) -> str:
        return SCHEME_LABELS[self]


SCHEME_LABELS = {
    IdScheme.CN_RIC: gettext_noop("mainland resident identity card"),
    IdScheme.HK_ID: gettext_noop("Hong Kong identity card"),
    IdScheme.MO_ID: gettext_noop("Macao resident identity card"),
    IdScheme.TRAVEL_PERMIT: gettext_noop("Mainland Travel Permit for Hong Kong and Macao Residents"),
    IdScheme.PASSPORT: gettext_noop("passport"),
}

_HKID = re.compile(r"^([A-Z]{1,2})(\d{6})\(?([0-9A])\)?$")
_MOID = re.compile(r"^([157])(\d{6})\(?(\d)\)?$")
_PERMIT = re.compile(r"^[HM]\d{8}(\d{2})?$")
_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")
_COUNTRY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True, slots=True)
class Identity:
    scheme: IdScheme
    number: str  # normalised: upper case, no spaces or brackets
    country: str = ""  # issuing state, passports only

    def canonical(self) -> bytes:
        return f"{self.scheme.value}|{self.country}|{self.number}".encode()

    @property
    def masked(self) -> str:
        """Enough to recognise one's own document, not enough to reuse it."""
        return self.number[:2] + "*" * max(len(self.number) - 4, 1) + self.number[-2:]


def _clean(raw: str) -> str:
    return re.sub(r"[\s\-]", "", raw).upper()


def hkid_check_digit(prefix: str, digits: str) -> str:
    """The Hong Kong identity card check digit (weights 9..2; a one-letter prefix counts a space as 36)."""
    letters = prefix if len(prefix) == 2 else " " + prefix
    values = [36 if c == " " else ord(c) - ord("A") + 10 for c in letters] + [int(d) for d in digits]
    total = sum(v * w for v, w in zip(values, range(9, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return "A" if check == 10 else str(check)


def parse_identity(scheme: str, raw: str, *, country: str = "", today: date | None = None) -> Identity:
    """Validate and normalise an identity document number; raise InvalidIdentityNumber saying why."""
    try:
        kind = IdScheme(scheme)
    except ValueError:
        raise InvalidInput(
            gettext_noop("Unknown identity document type %(scheme)s; use one of %(schemes)s."),
            scheme=scheme,
            schemes=", ".join(s.value for s in IdScheme),
        ) from None
    number = _clean(raw)

    def invalid(reason: str) -> InvalidIdentityNumber:
        return InvalidIdentityNumber(number=raw.strip() or "''", scheme=kind.label, reason=reason)

    if not number:
        raise invalid(gettext_noop("it is empty"))
    if kind is IdScheme.CN_RIC:
        try:
            number = ric.validate(number)
        except stdnum_exceptions.InvalidChecksum:
            raise invalid(gettext_noop("the check digit does not match")) from None
        except stdnum_exceptions.ValidationError:
            raise invalid(gettext_noop("it needs 18 characters with a valid region and birth date")) from None
        if today is not None and ric.get_birth_date(number) > today:
            raise invalid(gettext_noop("the birth date is in the future"))
        return Identity(kind, number)
    if kind is IdScheme.HK_ID:
        match = _HKID.match(number.replace("(", "").replace(")", ""))
        if not match:
            raise invalid(
                gettext_noop("it needs one or two letters, six digits and a check digit, e.g. A123456(3)")
            )
        prefix, digits, check = match.groups()
        if hkid_check_digit(prefix, digits) != check:
            raise invalid(gettext_noop("the check digit does not match"))
        return Identity(kind, f"{prefix}{digits}{check}")
    if kind is IdScheme.MO_ID:
        match = _MOID.match(number.replace("/", ""))
        if not match:
            raise invalid(gettext_noop("it needs eight digits starting with 1, 5 or 7, e.g. 1234567(8)"))
        return Identity(kind, "".join(match.groups()))
    if kind is IdScheme.TRAVEL_PERMIT:
        if not _PERMIT.match(number):
            raise invalid(gettext_noop("it needs H or M followed by 8 or 10 digits"))
        return Identity(kind, number)
    country = country.strip().upper()
    if not _COUNTRY.match(country):
        raise invalid(gettext_noop("give the issuing state as a three-letter code, e.g. GBR"))
    if not _PASSPORT.match(number):
        raise invalid(gettext_noop("it needs 5 to 20 letters and digits"))
    return Identity(kind, number, country)


def blind_index(identity: Identity, key: bytes) -> str:
    """A keyed, deterministic digest for finding and de-duplicating people without the clear number."""
    if len(key) < 32:
        raise ValueError("the blind-index key needs at least 32 bytes")
    return hmac.new(key, identity.canonical(), hashlib.sha256).hexdigest()


class InvalidCreditCode(InvalidInput):
    code = "invalid_credit_code"
    template = gettext_noop("%(code)s is not a valid unified social credit code: %(reason)s")


def parse_uscc(raw: str) -> str:
    """A mainland organisation's unified social credit code (GB 32100), normalised."""
    try:
        return str(uscc.validate(raw))
    except stdnum_exceptions.InvalidChecksum:
        raise InvalidCreditCode(code=raw, reason=gettext_noop("the check character does not match")) from None
    except stdnum_exceptions.ValidationError:
        raise InvalidCreditCode(code=raw, reason=gettext_noop("it needs 18 characters")) from None
