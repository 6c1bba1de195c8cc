"""Dates people type (due dates, start dates, filters): YYYY-MM-DD, within years that a
programme can mean. Far-off days are refused here, once, rather than overflowing later in
date arithmetic ("up to and including 9999-12-31" is a day past the last one Python has)."""

from __future__ import annotations

import re
from datetime import date

EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

FORMAT_MESSAGE = "Enter a date as YYYY-MM-DD."
RANGE_MESSAGE = f"Enter a date between {EARLIEST.isoformat()} and {LATEST.isoformat()}."


def parse_date(text: str) -> date:
    """The day ``text`` writes (surrounding blanks ignored); ValueError, whose message is
    the one to show next to the field, when it is no YYYY-MM-DD day in range."""
    value = text.strip()
    if not _ISO_DAY.fullmatch(value):
        raise ValueError(FORMAT_MESSAGE)
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(FORMAT_MESSAGE) from None
    if not EARLIEST <= day <= LATEST:
        raise ValueError(RANGE_MESSAGE)
    return day
