"""What the Moodle XML reader and writer share: the text format names, the grades Moodle
accepts, the size limit and the error of a file Podium refuses."""

from __future__ import annotations

from app.questions.gift.syntax import MOODLE_FRACTIONS
from app.questions.spec import TextFormat

# The same limit as GIFT in the quiz editor (app/authoring/questions.py MAX_GIFT_BYTES);
# callers that read files from disk (the command line) may pass a larger one.
MAX_XML_BYTES = 1024 * 1024

# Moodle's names of the text formats (qformat_xml::get_format / trans_format).
FORMAT_NAMES: dict[TextFormat, str] = {
    TextFormat.moodle: "moodle_auto_format",
    TextFormat.html: "html",
    TextFormat.plain: "plain_text",
    TextFormat.markdown: "markdown",
}
FORMATS_BY_NAME: dict[str, TextFormat] = {name: fmt for fmt, name in FORMAT_NAMES.items()}

# PHP's trim() characters: Moodle trims every text it reads with exactly these.
PHP_BLANKS = " \t\n\r\0\x0b"

# Moodle's match_grade_options() tolerance ("slightly fuzzy test").
_GRADE_TOLERANCE = 0.00001


class MoodleXmlError(ValueError):
    """The file cannot be imported; ``errors`` name the question and element of each
    problem found (all of them, not just the first)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def snap_grade(fraction: float) -> float | None:
    """The Moodle grade ``fraction`` stands for, or None when Moodle has no such grade."""
    for option in MOODLE_FRACTIONS:
        if abs(fraction - option) < _GRADE_TOLERANCE:
            return option
    return None


def php_number(value: float) -> str:
    """A number as PHP prints a float (14 significant digits): 100, 33.33333, -50."""
    text = format(value, ".14g")
    return "0" if text == "-0" else text


def exact_number(value: float) -> str:
    """A number that reads back as exactly ``value``: 42, 3.14, 0.5."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)
