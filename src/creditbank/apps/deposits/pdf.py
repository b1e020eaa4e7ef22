"""The learner statement as a PDF (WeasyPrint), with CJK fonts embedded, in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from creditbank.apps.credentials.qr import qr_svg
from creditbank.apps.deposits.selectors import Statement
from creditbank.core.errors import DomainError, gettext_noop


class PdfUnavailable(DomainError):
    code = "pdf_unavailable"
    status = 503
    template = gettext_noop(
        "PDF export needs the Pango text library on the server (Debian: libpango-1.0-0 libpangoft2-1.0-0)."
    )


def statement_pdf(statement: Statement, transferred: Iterable[Any] = (), verify_link: str = "") -> bytes:
    """The statement, and the credit accepted by receiving institutions (``transferred``: accepted
    transfer items, with their application, rule and outcome). ``verify_link`` is where the learner's
    record credential is verified: printed with its QR code, so the paper can be checked."""
    try:
        from weasyprint import HTML  # imported here: it loads Pango, which a minimal server may lack
    except OSError:
        raise PdfUnavailable() from None
    language = get_language() or "en"
    html = render_to_string(
        "deposits/statement_pdf.html",
        {
            "statement": statement,
            "transferred": list(transferred),
            "generated": timezone.now(),
            "font": "Noto Sans CJK TC" if language == "zh-hant" else "Noto Sans CJK SC",
            "verify_link": verify_link,
            "qr": mark_safe(qr_svg(verify_link, scale=3)) if verify_link else "",  # noqa: S308 (segno's SVG)
        },
    )
    return bytes(HTML(string=html).write_pdf())
