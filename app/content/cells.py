"""Spreadsheet cells that cannot run: the guard every CSV and XLSX export passes its text
through (OWASP "CSV injection").

Excel, LibreOffice and Google Sheets read a cell that starts with ``=``, ``+``, ``-`` or
``@`` as a formula, and some also after a leading tab or line break. A user's text such as
``=HYPERLINK("http://evil.example", "Click")`` would then run on the reader's computer.
Prefixing such a text with a single quote makes the spreadsheet show it as plain text; the
quote is visible, which is the accepted price for never evaluating what a user wrote.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar, overload

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
CSV_CHUNK_ROWS = 500  # rows per chunk sent to the browser

T = TypeVar("T")


@overload
def safe_cell(value: str) -> str: ...


@overload
def safe_cell(value: T) -> T: ...


def safe_cell(value: object) -> object:
    """``value`` made safe to write into a spreadsheet cell: a text that a spreadsheet could
    read as a formula gets a leading ``'``; other texts and non-text values (numbers,
    dates, None) are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# CSV files ---------------------------------------------------------------------------

def csv_text(value: Any) -> str:
    """A cell's text: dates in ISO 8601 (UTC), numbers plain, text made safe."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}" if value == int(value) else f"{value:.1f}"
    if isinstance(value, int):
        return str(value)
    return safe_cell(value)


def csv_chunks(headers: Sequence[str], rows: Iterator[Sequence[Any]]) -> Iterator[str]:
    """The CSV file in pieces: a UTF-8 byte-order mark (so spreadsheets read names
    correctly), the header, then ``CSV_CHUNK_ROWS`` rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in headers])
    pending = 0
    first = True
    for row in rows:
        writer.writerow([csv_text(value) for value in row])
        pending += 1
        if pending == CSV_CHUNK_ROWS:
            yield ("\ufeff" if first else "") + buffer.getvalue()
            first, pending = False, 0
            buffer.seek(0)
            buffer.truncate()
    yield ("\ufeff" if first else "") + buffer.getvalue()
