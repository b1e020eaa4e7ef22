"""Scanned documents (evidence files, paper certificates brought to a counter): what a file says it
is must be what it is, so files are checked by their content, not by their name."""

from __future__ import annotations

SIGNATURES = {b"%PDF-": "application/pdf", b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
SUFFIXES = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
MAX_FILE_BYTES = 10 * 1024 * 1024


def sniff(content: bytes) -> str | None:
    """The content type a file's first bytes show (PDF, PNG or JPEG), or None."""
    return next((kind for magic, kind in SIGNATURES.items() if content.startswith(magic)), None)
