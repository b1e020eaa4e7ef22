"""Credentials and verification reports as plain data for the API, the pages and the CLI."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from django.urls import reverse

from creditbank.apps.credentials.models import Credential
from creditbank.apps.credentials.status import public_url
from creditbank.apps.credentials.verify import Report


def verify_url(credential: Credential) -> str:
    """The link a QR code carries: anyone who opens it sees the stored credential verified."""
    return public_url(reverse("verify-stored", args=[credential.id]))


def credential_state(credential: Credential) -> str:
    if credential.revoked_at is not None:
        return "revoked"
    if credential.suspended_at is not None:
        return "suspended"
    return "valid"


def credential_out(credential: Credential, *, document: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": str(credential.id),
        "kind": credential.kind,
        "suite": credential.suite,
        "language": credential.language,
        "learner": credential.learner.public_id,
        "outcome": credential.outcome_id,
        "institution": credential.institution.code if credential.institution else None,
        "issued_at": credential.issued_at.isoformat(),
        "state": credential_state(credential),
        "status_reason": credential.status_reason,
        "verify_url": verify_url(credential),
    }
    if document:
        out["document"] = credential.document
    return out


def report_out(report: Report, gettext: Callable[[str], str]) -> dict[str, Any]:
    verification = report.verification
    failed = verification.failed
    return {
        "verified": verification.verified,
        "failed": failed.name.value if failed else None,
        "failed_because": [r.render(gettext) for r in failed.reasons] if failed else [],
        "revoked": verification.revoked,
        "suspended": verification.suspended,
        "checks": [
            {
                "name": c.name.value,
                "label": gettext(c.label),
                "passed": c.passed,
                "messages": [r.render(gettext) for r in c.reasons],
            }
            for c in verification.checks
        ],
        "credential": asdict(report.summary),
        "equivalents": [{"framework": f, "level": lv} for f, lv in report.standing.equivalents],
        "facts": [{"message": r.render(gettext), "held": r.held} for r in report.facts],
        "embedded": [report_out(e, gettext) for e in report.embedded],
    }
