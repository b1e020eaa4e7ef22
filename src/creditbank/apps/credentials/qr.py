"""QR codes that lead to a credential's verification, as inline SVG for pages and PDFs."""

from __future__ import annotations

import io

import segno


def qr_svg(url: str, *, scale: int = 4) -> str:
    """An inline SVG QR code (no external image: the CSP allows none, and PDFs embed it as is)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=scale, xmldecl=False, svgns=True, title=url)
    return out.getvalue().decode("utf-8")
