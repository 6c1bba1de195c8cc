"""Spreadsheet cells that cannot run: the guard every CSV and XLSX export passes its text
through (OWASP "CSV injection").

Excel, LibreOffice and Google Sheets read a cell that starts with ``=``, ``+``, ``-`` or
``@`` as a formula, and some also after a leading tab or line break. A user's text such as
``=HYPERLINK("http://evil.example", "Click")`` would then run on the reader's computer.
Prefixing such a text with a single quote makes the spreadsheet show it as plain text; the
quote is visible, which is the accepted price for never evaluating what a user wrote.
"""

from __future__ import annotations

from typing import TypeVar, overload

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")

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
