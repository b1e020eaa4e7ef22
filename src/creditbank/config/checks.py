"""System checks for our options: a bad CREDITBANK value is explained at start-up, not at first use."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from creditbank.core.credits import RoundingMode

DEFAULTS: dict[str, Any] = {
    "CREDIT_ROUNDING": {"places": 2, "mode": "outward"},
    "API_KEY_PREFIX_LENGTH": 8,
    "BACKGROUND_UPLOAD_BYTES": 256 * 1024,
    "LEDGER_ORIGIN": "creditbank.localhost/ledger",
    "LEDGER_WITNESS_QUORUM": 1,
    "CHECKPOINT_INTERVAL_SECONDS": 600,
    "STATS_INTERVAL_SECONDS": 3600,
    "PUBLIC_URL": "http://127.0.0.1:8000",
    "BATCH_SCHEDULER": "",
}


def option(name: str) -> Any:
    """One CREDITBANK option, with its default when the deployment does not set it."""
    return {**DEFAULTS, **getattr(settings, "CREDITBANK", {})}[name]


@register("creditbank")
def check_creditbank_options(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    options = getattr(settings, "CREDITBANK", None)
    if not isinstance(options, dict):
        return [Error("CREDITBANK must be a dict of options.", id="creditbank.E001")]
    errors: list[CheckMessage] = []
    unknown = sorted(set(options) - set(DEFAULTS))
    if unknown:
        errors.append(
            Error(
                f"Unknown CREDITBANK options: {', '.join(unknown)}.",
                hint=f"Known options: {', '.join(sorted(DEFAULTS))}.",
                id="creditbank.E002",
            )
        )
    rounding = options.get("CREDIT_ROUNDING", DEFAULTS["CREDIT_ROUNDING"])
    modes = ", ".join(m.value for m in RoundingMode)
    if (
        not isinstance(rounding, dict)
        or not isinstance(rounding.get("places"), int)
        or not 0 <= rounding["places"] <= 6
        or rounding.get("mode") not in {m.value for m in RoundingMode}
    ):
        errors.append(
            Error(
                f"CREDITBANK['CREDIT_ROUNDING'] is {rounding!r}.",
                hint=f"Use {{'places': 0..6, 'mode': one of {modes}}}; 'outward' keeps exact ranges inside.",
                id="creditbank.E003",
            )
        )
    length = options.get("API_KEY_PREFIX_LENGTH", DEFAULTS["API_KEY_PREFIX_LENGTH"])
    if not isinstance(length, int) or not 6 <= length <= 16:
        errors.append(
            Error(
                f"CREDITBANK['API_KEY_PREFIX_LENGTH'] is {length!r}.",
                hint="Use a whole number from 6 to 16.",
                id="creditbank.E004",
            )
        )
    background = options.get("BACKGROUND_UPLOAD_BYTES", DEFAULTS["BACKGROUND_UPLOAD_BYTES"])
    if not isinstance(background, int) or background < 0:
        errors.append(
            Error(
                f"CREDITBANK['BACKGROUND_UPLOAD_BYTES'] is {background!r}.",
                hint="Use a whole number of bytes, 0 or more (0 sends every uploaded file to the worker).",
                id="creditbank.E005",
            )
        )
    ledger_origin = options.get("LEDGER_ORIGIN", DEFAULTS["LEDGER_ORIGIN"])
    if (
        not isinstance(ledger_origin, str)
        or not ledger_origin
        or any(c.isspace() for c in ledger_origin)
        or "+" in ledger_origin
    ):
        errors.append(
            Error(
                f"CREDITBANK['LEDGER_ORIGIN'] is {ledger_origin!r}.",
                hint="Name the ledger like a URL without its scheme, e.g. 'bank.example.org/ledger' (no spaces or '+').",
                id="creditbank.E006",
            )
        )
    quorum = options.get("LEDGER_WITNESS_QUORUM", DEFAULTS["LEDGER_WITNESS_QUORUM"])
    if not isinstance(quorum, int) or quorum < 1:
        errors.append(
            Error(
                f"CREDITBANK['LEDGER_WITNESS_QUORUM'] is {quorum!r}.",
                hint="Use a whole number of witnesses, 1 or more.",
                id="creditbank.E007",
            )
        )
    for name, what, code in (
        ("CHECKPOINT_INTERVAL_SECONDS", "sign checkpoints", "creditbank.E008"),
        ("STATS_INTERVAL_SECONDS", "count the dashboards' figures", "creditbank.E011"),
    ):
        interval = options.get(name, DEFAULTS[name])
        if not isinstance(interval, int) or isinstance(interval, bool) or (interval != 0 and interval < 10):
            errors.append(
                Error(
                    f"CREDITBANK['{name}'] is {interval!r}.",
                    hint=f"Use a whole number of seconds, at least 10, or 0 to {what} only on demand.",
                    id=code,
                )
            )
    public_url = options.get("PUBLIC_URL", DEFAULTS["PUBLIC_URL"])
    parsed = urlsplit(public_url) if isinstance(public_url, str) else None
    if (
        parsed is None
        or parsed.scheme not in ("http", "https")
        or not parsed.netloc
        or public_url.endswith("/")
        or parsed.query
        or parsed.fragment
    ):
        errors.append(
            Error(
                f"CREDITBANK['PUBLIC_URL'] is {public_url!r}.",
                hint="Give the bank's address as seen from outside, e.g. 'https://bank.example.org', without a trailing slash.",
                id="creditbank.E009",
            )
        )
    scheduler = options.get("BATCH_SCHEDULER", DEFAULTS["BATCH_SCHEDULER"])
    if not isinstance(scheduler, str) or (
        scheduler not in ("", "local") and urlsplit(scheduler).scheme not in ("tcp", "tls")
    ):
        errors.append(
            Error(
                f"CREDITBANK['BATCH_SCHEDULER'] is {scheduler!r}.",
                hint="Use '' (batch work in the worker itself), 'local' (a Dask cluster of this machine's "
                "cores) or a Dask scheduler's address such as 'tcp://scheduler:8786'.",
                id="creditbank.E010",
            )
        )
    return errors
