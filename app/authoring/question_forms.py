"""The editing form of one quiz question, for every question type.

A trainer edits a question as flat form fields (``text``, ``choice-0-text``,
``choice-0-grade``, ``numerical-1-value``, ``pair-2-answer`` ...). :func:`form_for` fills
them from an existing question (or leaves them blank for a new one);
:func:`~app.authoring.question_parser.parse_form` reads them back. Names starting with
``_`` are shared with ``question_parser.py`` only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from app.questions.gift.syntax import MOODLE_FRACTIONS
from app.questions.spec import QType, Question, TextFormat

BLANK_ROWS = 2  # blank rows shown after the filled ones

CHOICE_TYPES = (QType.single, QType.multiple, QType.short)
MIN_ROWS = {
    QType.single: 4,
    QType.multiple: 4,
    QType.short: 4,
    QType.numerical: 3,
    QType.matching: 3,
}
_ROW_PREFIX = {
    QType.single: "choice",
    QType.multiple: "choice",
    QType.short: "choice",
    QType.numerical: "numerical",
    QType.matching: "pair",
}
_ROW_FIELDS = {
    "choice": ("text", "grade", "feedback"),
    "numerical": ("value", "tolerance", "grade", "feedback"),
    "pair": ("question", "answer"),
}
# The grade a blank row starts with.
_DEFAULT_GRADE = {
    QType.single: "0",
    QType.multiple: "0",
    QType.short: "100",
    QType.numerical: "100",
}


def _percent(fraction: float) -> str:
    """A fraction as the percent string of the grade lists: 0.5 -> "50", 1/3 -> "33.33333"
    (as the GIFT writer writes weights)."""
    text = repr(round(fraction * 100, 5))
    return text[:-2] if text.endswith(".0") else text


def _grade_label(fraction: float) -> str:
    if fraction == 0:
        return "0% (wrong)"
    return f"{_percent(fraction)}%"


# The grades Moodle accepts for an answer, best first: (percent string, label).
GRADE_CHOICES: list[tuple[str, str]] = [
    (_percent(f), _grade_label(f)) for f in sorted(MOODLE_FRACTIONS, reverse=True)
]



@dataclass
class QuestionForm:
    """What the form shows: the typed values (strings, kept as typed) and messages per field."""

    type: QType
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    rows: int = 0  # choice/numerical/pair rows to show (filled + 2 blank, at least MIN_ROWS)

    @property
    def row_prefix(self) -> str:
        """``"choice"``, ``"numerical"``, ``"pair"``, or ``""`` for types without rows."""
        return _ROW_PREFIX.get(self.type, "")

    @property
    def default_grade(self) -> str:
        """The grade a new blank row starts with."""
        return _DEFAULT_GRADE.get(self.type, "")

    @property
    def allows_negative_grades(self) -> bool:
        return self.type in (QType.single, QType.multiple)


# --------------------------------------------------------------------------- helpers


def _format_number(value: float) -> str:
    value = float(value)
    if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _shown_rows(qtype: QType, filled: int) -> int:
    if qtype not in MIN_ROWS:
        return 0
    return max(MIN_ROWS[qtype], filled + BLANK_ROWS)


def _fill_blank_rows(qtype: QType, values: dict[str, str], start: int, rows: int) -> None:
    """Blank rows' fields (so the template shows them), with the type's default grade."""
    prefix = _ROW_PREFIX.get(qtype)
    if prefix is None:
        return
    for i in range(start, rows):
        for name in _ROW_FIELDS[prefix]:
            key = f"{prefix}-{i}-{name}"
            if key not in values:
                default = _DEFAULT_GRADE.get(qtype, "") if name == "grade" else ""
                values[key] = default


# --------------------------------------------------------------------------- form_for


def form_for(question: Question | None, qtype: QType) -> QuestionForm:
    """The form of ``question`` (blank for a new question of ``qtype`` when ``None``).

    The form is of ``qtype``; with a question of another type, what both types share (the
    texts, the answers) is carried over, so a trainer can change a question's type."""
    values: dict[str, str] = {
        "text": "",
        "name": "",
        "text_format": TextFormat.moodle.value,
    }
    if qtype != QType.description:
        values["general_feedback"] = ""
    if qtype == QType.truefalse:
        values.update(correct="", true_feedback="", false_feedback="")
    filled = 0
    if question is not None:
        values["text"] = question.text
        values["name"] = question.name
        values["text_format"] = question.text_format.value
        if qtype != QType.description:
            values["general_feedback"] = question.general_feedback
        if qtype in CHOICE_TYPES:
            for i, choice in enumerate(question.choices):
                values[f"choice-{i}-text"] = choice.text
                values[f"choice-{i}-grade"] = _percent(choice.fraction)
                values[f"choice-{i}-feedback"] = choice.feedback
            filled = len(question.choices)
        elif qtype == QType.numerical:
            for i, answer in enumerate(question.numerical):
                values[f"numerical-{i}-value"] = (
                    "*" if answer.catch_all else _format_number(answer.value))
                values[f"numerical-{i}-tolerance"] = (
                    "" if answer.catch_all else _format_number(answer.tolerance))
                values[f"numerical-{i}-grade"] = _percent(answer.fraction)
                values[f"numerical-{i}-feedback"] = answer.feedback
            filled = len(question.numerical)
        elif qtype == QType.matching:
            for i, pair in enumerate(question.pairs):
                values[f"pair-{i}-question"] = pair.question
                values[f"pair-{i}-answer"] = pair.answer
            filled = len(question.pairs)
        elif qtype == QType.truefalse:
            if question.correct is not None:
                values["correct"] = "true" if question.correct else "false"
            values["true_feedback"] = question.true_feedback
            values["false_feedback"] = question.false_feedback
    rows = _shown_rows(qtype, filled)
    if question is None and qtype == QType.single:
        values["choice-0-grade"] = "100"
    _fill_blank_rows(qtype, values, filled, rows)
    return QuestionForm(type=qtype, values=values, errors={}, rows=rows)
