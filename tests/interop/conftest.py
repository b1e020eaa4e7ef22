"""The interoperability tests need Node.js and the npm packages pinned in tests/interop: when either is
missing they fail, saying what to install, rather than skip (CI must not pass without running them)."""

from __future__ import annotations

import pytest
from tests.interop.digital_bazaar import DigitalBazaar, Unavailable, locate


@pytest.fixture(scope="session")
def digital_bazaar() -> DigitalBazaar:
    try:
        return locate()
    except Unavailable as exc:
        pytest.fail(str(exc), pytrace=False)
