"""What the GIFT reader and writer share: the error of a file that is not GIFT, the blanks
Moodle trims, the text formats and category line, and the grades Moodle accepts.

Names starting with ``_`` are shared by the modules of ``app.questions.gift`` only."""

from __future__ import annotations

from app.questions.spec import BLANK, TextFormat


class GiftError(Exception):
    """A GIFT syntax error at a 1-based ``line``; callers may set ``file``."""

    def __init__(self, line: int, message: str, file: str = "") -> None:
        super().__init__(line, message)
        self.line = line
        self.message = message
        self.file = file

    def __str__(self) -> str:
        if self.file:
            return f"{self.file}:{self.line}: {self.message}"
        return f"line {self.line}: {self.message}"


# PHP's trim() characters: Moodle trims lines and texts with exactly these.
_WS = " \t\n\r\0\x0b"

_FORMATS = {f.value: f for f in TextFormat}

_CATEGORY = "$CATEGORY:"

# The grades Moodle accepts for an answer (question_bank::fraction_options_full());
# importing any other weight fails in Moodle.
_POSITIVE_FRACTIONS = (
    1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3,
    0.25, 0.2, 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05,
)  # fmt: skip
MOODLE_FRACTIONS: tuple[float, ...] = (
    *_POSITIVE_FRACTIONS,
    0.0,
    *(-value for value in _POSITIVE_FRACTIONS),
)
_FRACTION_TOLERANCE = 0.0000001  # as Moodle's match_grade_options()


def _snap_fraction(fraction: float) -> float | None:
    for option in MOODLE_FRACTIONS:
        if abs(fraction - option) < _FRACTION_TOLERANCE:
            return option
    return None


def _percent(fraction: float) -> str:
    text = repr(round(fraction * 100, 5))
    return text[:-2] if text.endswith(".0") else text


def _blank_join(before: str, after: str, blanks: str) -> str:
    """The text of a missing-word question: the answer block's place becomes BLANK, with
    the blanks around it reduced to one space (none where there were none)."""
    left = before.rstrip(blanks)
    right = after.lstrip(blanks)
    if left and len(left) != len(before):
        left += " "
    if right and len(right) != len(after):
        right = " " + right
    return left + BLANK + right
