"""A credential as a printable certificate (PDF, A4 portrait) to hand to an employer.

The certificate shows what the signed document says, in the credential's own language, with a QR
code that leads to the bank's live verification of the stored credential; a revoked or suspended
credential says so across the page. The PDF is a copy for people: only verification is authoritative.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from creditbank.apps.credentials.models import Credential
from creditbank.apps.credentials.presenters import credential_state, verify_url
from creditbank.apps.credentials.qr import qr_svg
from creditbank.apps.credentials.status import public_url
from creditbank.apps.deposits.pdf import PdfUnavailable
from creditbank.core.credentials.badges import read_badge
from creditbank.core.errors import InvalidInput, gettext_noop

# The credential's language (a text key) as a Django language code, and the CJK font it prints in.
DJANGO_LANGUAGES = {"en": "en", "zh_hans": "zh-hans", "zh_hant": "zh-hant"}
TEMPLATE = "credentials/certificate_pdf.html"
FONTS = {"en": "Noto Sans CJK SC", "zh_hans": "Noto Sans CJK SC", "zh_hant": "Noto Sans CJK TC"}


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _credit_system_name(document: Mapping[str, Any]) -> str | None:
    """The credit system's name as issued (the ``ext:CreditSystem`` alignment's framework)."""
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    items = achievement.get("alignment") if isinstance(achievement, Mapping) else None
    for item in items if isinstance(items, list) else []:
        if isinstance(item, Mapping) and item.get("targetType") == "ext:CreditSystem":
            name = item.get("targetFramework")
            return name if isinstance(name, str) and name else None
    return None


def certificate_pdf(credential: Credential) -> bytes:
    """The certificate for one credential, in the credential's language, with its CJK font embedded."""
    if credential.outcome_id is None:  # a whole record (CLR): its printed form is the statement
        raise InvalidInput(
            gettext_noop(
                "A learner record has no certificate of its own; print the learner's statement instead."
            )
        )
    try:
        from weasyprint import HTML  # imported here: it loads Pango, which a minimal server may lack
    except OSError:
        raise PdfUnavailable() from None
    summary = read_badge(credential.document)
    link = verify_url(credential)
    outcome = credential.outcome
    with translation.override(DJANGO_LANGUAGES.get(credential.language, "en")):
        context: dict[str, Any] = {
            "credential": credential,
            "summary": summary,
            "state": credential_state(credential),
            "institution_name": credential.institution.display_name(translation.get_language() or "en")
            if credential.institution
            else summary.issuer_name,
            "kind": outcome.entry.get_kind_display() if outcome is not None else "",
            "credit_system_name": _credit_system_name(credential.document),
            "awarded": _day(summary.awarded),
            "verify_link": link,
            "verify_page": public_url(reverse("verify")),
            "qr": mark_safe(qr_svg(link, scale=4)),  # noqa: S308 (segno's own SVG of our URL)
            "generated": timezone.now(),
            "font": FONTS.get(credential.language, "Noto Sans CJK SC"),
        }
        document = HTML(string=render_to_string(TEMPLATE, context)).render()
        if len(document.pages) > 1:
            # Long names: set tighter rather than split the certificate from its QR code.
            document = HTML(string=render_to_string(TEMPLATE, {**context, "compact": True})).render()
    return bytes(document.write_pdf())
