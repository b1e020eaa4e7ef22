"""Reading deposit files: the shared table reader (apps/tables.py) with the deposit template's columns."""

from __future__ import annotations

from typing import Any

from creditbank.apps.tables import MAX_BYTES, check_file, decode_csv, read_table
from creditbank.core.deposits import COLUMNS, missing_columns

__all__ = ["MAX_BYTES", "check_file", "decode_csv", "read_rows", "template_csv"]


def read_rows(raw: bytes, file_name: str) -> list[dict[str, Any]]:
    return read_table(raw, file_name, columns=COLUMNS, missing=missing_columns)


def template_csv() -> str:
    """The documented template: the header and one example row."""
    example = [
        "",
        "cn_ric",
        "11010519900307002X",
        "",
        "SZP-SE-101",
        "2025-06-30",
        "A",
        "formal",
        "https://…",
        "",
    ]
    return ",".join(COLUMNS) + "\n" + ",".join(example) + "\n"
