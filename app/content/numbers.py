"""Numbers typed into URLs: ids written in ASCII digits, within the range of a row id
("²".isdigit() is true and "٣" is a digit too, but neither is an id)."""

from __future__ import annotations

MAX_ROW_ID = 2**31 - 1  # Integer columns: 32 bits on PostgreSQL


def parse_id(text: str) -> int | None:
    """The id ``text`` writes, or None when it is not one (empty, not ASCII digits, 0, too
    large)."""
    value = text.strip()
    if not value or len(value) > 10 or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ROW_ID else None
