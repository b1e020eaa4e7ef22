"""Our CREDITBANK options are checked at start-up, and a bad value is explained."""

from __future__ import annotations

import pytest
from django.test import override_settings

from creditbank.config.checks import check_creditbank_options


def ids(errors: list) -> list[str]:
    return [e.id for e in errors]


def test_default_options_pass() -> None:
    assert check_creditbank_options(None) == []


@pytest.mark.parametrize(
    ("options", "error_id"),
    [
        ({"CREDIT_ROUNDING": {"places": 9, "mode": "outward"}}, "creditbank.E003"),
        ({"CREDIT_ROUNDING": {"places": 2, "mode": "nearest"}}, "creditbank.E003"),
        ({"API_KEY_PREFIX_LENGTH": 3}, "creditbank.E004"),
        ({"BACKGROUND_UPLOAD_BYTES": -1}, "creditbank.E005"),
        ({"BACKGROUND_UPLOAD_BYTES": "1 MiB"}, "creditbank.E005"),
        ({"LEDGER_ORIGIN": "my ledger"}, "creditbank.E006"),
        ({"LEDGER_WITNESS_QUORUM": 0}, "creditbank.E007"),
        ({"CHECKPOINT_INTERVAL_SECONDS": 5}, "creditbank.E008"),
        ({"CHECKPOINT_INTERVAL_SECONDS": "10m"}, "creditbank.E008"),
        ({"STATS_INTERVAL_SECONDS": 1}, "creditbank.E011"),
        ({"PUBLIC_URL": "bank.example.org"}, "creditbank.E009"),
        ({"PUBLIC_URL": "https://bank.example.org/"}, "creditbank.E009"),
        ({"BATCH_SCHEDULER": "scheduler:8786"}, "creditbank.E010"),
        ({"BATCH_SCHEDULER": "http://scheduler:8786"}, "creditbank.E010"),
        ({"TYPO_OPTION": 1}, "creditbank.E002"),
    ],
)
def test_bad_option_is_reported_with_a_hint(options: dict, error_id: str) -> None:
    with override_settings(CREDITBANK=options):
        errors = check_creditbank_options(None)
    assert error_id in ids(errors)
    assert all(e.hint or e.id == "creditbank.E001" for e in errors)
