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
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar, overload

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
CSV_CHUNK_ROWS = 1_000  # rows per chunk sent to the browser

# What a column of a table holds, so that a writer converts it without looking at every
# value's type: a person's words (guarded), words of ours (written as they are), whole
# numbers, measures shown with one decimal, moments (UTC) and calendar dates.
TEXT, LABEL, INTEGER, DECIMAL, STAMP, DAY = "text", "label", "integer", "decimal", "stamp", "day"
KINDS = (TEXT, LABEL, INTEGER, DECIMAL, STAMP, DAY)

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

def csv_stamp(value: datetime) -> str:
    """A moment in ISO 8601, UTC, to the second: 2027-01-12T09:30:00Z."""
    return value.astimezone(UTC).isoformat(timespec="seconds")[:19] + "Z"


def csv_decimal(value: float) -> str:
    """A measure with one decimal, without a trailing ".0": 1.5, 100."""
    return f"{value:.1f}".removesuffix(".0")


def csv_text(value: Any) -> str:
    """A cell's text when its column's kind is not known: dates in ISO 8601 (UTC),
    numbers plain, text made safe."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return csv_stamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return csv_decimal(value)
    if isinstance(value, int):
        return str(value)
    return safe_cell(value)


_CSV_CONVERT: dict[str, Callable[[Any], str] | None] = {
    TEXT: safe_cell, LABEL: None, INTEGER: None,  # None: the csv module writes it as it is
    DECIMAL: csv_decimal, STAMP: csv_stamp, DAY: date.isoformat,
}


def _csv_row(kinds: Sequence[str] | None) -> Callable[[Sequence[Any]], Sequence[Any]]:
    """A function that turns one row into the values the csv module writes: with the
    columns' kinds, only the columns that need it are converted (empty cells, None, are
    written empty by the csv module)."""
    if kinds is None:
        return lambda row: [csv_text(value) for value in row]
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown column kinds: {sorted(unknown)}")
    converted = [(index, convert) for index, kind in enumerate(kinds)
                 if (convert := _CSV_CONVERT[kind]) is not None]

    def row_values(row: Sequence[Any]) -> Sequence[Any]:
        values = list(row)
        for index, convert in converted:
            value = values[index]
            if value is not None:
                values[index] = convert(value)
        return values

    return row_values


def csv_chunks(headers: Sequence[str], rows: Iterator[Sequence[Any]],
               kinds: Sequence[str] | None = None) -> Iterator[str]:
    """The CSV file in pieces: a UTF-8 byte-order mark (so spreadsheets read names
    correctly), the header, then ``CSV_CHUNK_ROWS`` rows at a time. ``kinds`` (one of
    ``KINDS`` per column) says how each column is written; without it every value's type
    decides."""
    if kinds is not None and len(kinds) != len(headers):
        raise ValueError("one kind per column")
    row_values = _csv_row(kinds)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in headers])
    pending = 0
    for row in rows:
        writer.writerow(row_values(row))
        pending += 1
        if pending == CSV_CHUNK_ROWS:
            yield buffer.getvalue()
            pending = 0
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
