"""The learner statement as a PDF (WeasyPrint), with CJK fonts embedded, in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from creditbank.apps.deposits.selectors import Statement
from creditbank.core.errors import DomainError, gettext_noop


class PdfUnavailable(DomainError):
    code = "pdf_unavailable"
    status = 503
    template = gettext_noop(
        "PDF export needs the Pango text library on the server (Debian: libpango-1.0-0 libpangoft2-1.0-0)."
    )


def statement_pdf(statement: Statement, transferred: Iterable[Any] = ()) -> bytes:
    """The statement, and the credit accepted by receiving institutions (``transferred``: accepted
    transfer items, with their application, rule and outcome)."""
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
        },
    )
    return bytes(HTML(string=html).write_pdf())
