"""Reading tabular uploads (deposits, rosters): CSV in UTF-8 (with or without BOM) or GB18030/GBK as
Chinese Excel saves it, and XLSX. Headers are matched case-insensitively; the first row is the header."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from creditbank.core.errors import InvalidInput, gettext_noop

MAX_BYTES = 20 * 1024 * 1024


def decode_csv(raw: bytes) -> str:
    """UTF-8 first (BOM or not); GB18030 (a superset of GBK and GB2312) when that fails."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            raise InvalidInput(gettext_noop("The file is neither UTF-8 nor GB18030/GBK text.")) from None


def check_file(raw: bytes, file_name: str) -> None:
    """What can be told before reading: the size and the kind of file."""
    if not raw:
        raise InvalidInput(gettext_noop("The file is empty."))
    if len(raw) > MAX_BYTES:
        raise InvalidInput(gettext_noop("The file is larger than 20 MiB; split it."))
    if not file_name.lower().endswith((".xlsx", ".csv", ".txt")):
        raise InvalidInput(gettext_noop("Send a .csv or .xlsx file (the template's columns)."))


def read_table(
    raw: bytes, file_name: str, *, columns: Sequence[str], missing: Callable[[tuple[str, ...]], list[str]]
) -> list[dict[str, Any]]:
    """The rows of a CSV or XLSX file as dicts by lower-case header; ``missing(header)`` names the
    columns the file lacks (``columns`` are listed in the error, as the template has them)."""
    check_file(raw, file_name)
    if file_name.lower().endswith(".xlsx"):
        header, body = _xlsx(raw)
    else:
        reader = csv.reader(io.StringIO(decode_csv(raw), newline=""))
        header, body = next(reader, []), list(reader)
    names = tuple(str(h or "").strip().lower() for h in header)
    lacking = missing(names)
    if lacking:
        raise InvalidInput(
            gettext_noop("The file lacks columns: %(missing)s. Expected: %(columns)s."),
            missing=", ".join(lacking),
            columns=", ".join(columns),
        )
    rows = []
    for values in body:
        if not any(str(v or "").strip() for v in values):
            continue  # blank lines, e.g. at the end of an Excel sheet
        rows.append({name: values[i] if i < len(values) else "" for i, name in enumerate(names) if name})
    return rows


def _xlsx(raw: bytes) -> tuple[list[Any], list[list[Any]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        sheet = load_workbook(io.BytesIO(raw), read_only=True, data_only=True).worksheets[0]
    except (InvalidFileException, KeyError, OSError, ValueError):
        raise InvalidInput(gettext_noop("The file is not a readable .xlsx workbook.")) from None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    if not rows:
        return [], []
    # Excel stores dates as dates: write them the way the template does (YYYY-MM-DD).
    body = [[v.isoformat()[:10] if isinstance(v, date | datetime) else v for v in r] for r in rows[1:]]
    return rows[0], body
