"""A learner's response to one quiz question (Moodle's rules): validating the raw form
values into a typed *response*, and turning a response back into form values.

Pure functions, no database and no web framework: the web layer hands over the raw form
values of one question, :func:`parse_response` turns them into a typed *response* or a
user-facing error message (it never raises), and ``app.quizzes.grading`` scores that
response.

Response shapes, by question type (see the ``*Response`` aliases below):

=============  =========================================================================
single         ``int``: index of the chosen choice in ``question.choices`` (the original
               index, whatever order the choices were shown in).
multiple       ``frozenset[int]``: indexes of the ticked choices in ``question.choices``.
truefalse      ``bool``.
short          ``str``: trimmed, at most 1,000 characters.
numerical      ``float``: finite.
matching       ``dict[int, int]``: index of a pair in ``question.pairs`` (only pairs with a
               question; see :func:`matching_pair_indexes`) -> index of the chosen answer in
               :func:`matching_answers`. Pairs left unanswered are absent.
essay          ``str``: trimmed, newlines as ``"\\n"``, at most 20,000 characters.
description    no response (always ``None``).
=============  =========================================================================

**Unanswered** is represented by the response ``None`` (``parse_response`` returns
``(None, None)``: no response and no error). An empty ``multiple`` selection and an empty
``matching`` answer are unanswered too, so ``parse_response`` never returns an empty
frozenset or dict (``grading.grade`` accepts them anyway and scores them like ``None``).

To store a response or to fill a form in again, :func:`response_form_values` turns it back
into the raw form values ``parse_response`` accepts (lists and dicts of strings, so plain
JSON); parsing them again gives the same response.
"""

from __future__ import annotations

import math
import re
from typing import TypeAlias

from app.questions.spec import QType, Question

SingleResponse: TypeAlias = int
MultipleResponse: TypeAlias = frozenset[int]
TrueFalseResponse: TypeAlias = bool
ShortResponse: TypeAlias = str
NumericalResponse: TypeAlias = float
MatchingResponse: TypeAlias = dict[int, int]
EssayResponse: TypeAlias = str

Response: TypeAlias = int | frozenset[int] | bool | str | float | dict[int, int]
"""Any response; which shape applies depends on the question's type (see the module doc)."""

FormValues: TypeAlias = list[str] | dict[str, str]

SHORT_MAX_CHARS = 1_000
ESSAY_MAX_CHARS = 20_000
_NUMBER_MAX_CHARS = 100

MSG_NOT_A_CHOICE = "That choice is not part of this question."
MSG_ONLY_ONE = "Choose only one answer."
MSG_NOT_A_NUMBER = "Enter a number, for example 42 or 3.5."
MSG_UNREADABLE = "Your answer could not be read. Please try again."
MSG_SHORT_TOO_LONG = f"Your answer is too long: at most {SHORT_MAX_CHARS:,} characters."
MSG_ESSAY_TOO_LONG = f"Your answer is too long: at most {ESSAY_MAX_CHARS:,} characters."


# --- helpers the grading uses too --------------------------------------------------------


def matching_pair_indexes(question: Question) -> list[int]:
    """Indexes in ``question.pairs`` of the pairs to answer (those with a question; a pair
    whose question is empty is only a distractor answer)."""
    return [i for i, pair in enumerate(question.pairs) if pair.question.strip()]


def matching_answers(question: Question) -> list[str]:
    """The answers a learner chooses from in a matching question: every pair's answer,
    distractors included, in order of first appearance, without duplicates. Matching
    responses index into this list."""
    answers: list[str] = []
    for pair in question.pairs:
        if pair.answer not in answers:
            answers.append(pair.answer)
    return answers


def format_number(value: float) -> str:
    """``3.0`` -> ``"3"``, ``0.1`` -> ``"0.1"``; exact (parses back to the same float)."""
    value = float(value)
    if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def is_index(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# --- parsing -----------------------------------------------------------------------------


def _clean_text(value: str) -> str:
    """Trim, drop NUL characters (not storable in PostgreSQL text), newlines as ``\\n``."""
    return value.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _one_value(form_values: FormValues, several: str) -> tuple[str | None, str | None]:
    """The single non-empty value of a list of form values: ``(value, None)``,
    ``(None, None)`` when there is none, ``(None, message)`` when the input is not a list
    of strings, or ``(None, several)`` when it holds several non-empty values."""
    if not isinstance(form_values, list) or not all(isinstance(v, str) for v in form_values):
        return None, MSG_UNREADABLE
    values = [v for v in form_values if v.strip()]
    if not values:
        return None, None
    if len(values) > 1:
        return None, several
    return values[0], None


def _parse_index(value: str, count: int) -> int | None:
    """An index ``0 <= i < count`` written in ASCII digits, else ``None``."""
    value = value.strip()
    if not value or not value.isascii() or not value.isdigit() or len(value) > 9:
        return None
    index = int(value)
    return index if index < count else None


_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def parse_number(text: str) -> float | None:
    """A finite number typed by a learner, or ``None``: ``"3"``, ``"-2"``, ``"3.5"``,
    ``"3,5"`` (decimal comma), ``".5"``, ``"1e3"``; the Unicode minus sign (U+2212) counts
    as ``-``. Rejects words, ``nan``/``inf``, thousands separators, and values too large
    for a float."""
    text = text.strip().replace("\u2212", "-")
    if len(text) > _NUMBER_MAX_CHARS or not _NUMBER.fullmatch(text):
        return None
    number = float(text.replace(",", "."))
    return number if math.isfinite(number) else None


def parse_response(
    question: Question, form_values: FormValues
) -> tuple[Response | None, str | None]:
    """Validate the raw form values of one question; never raises.

    Returns ``(response, None)`` for a valid answer, ``(None, None)`` when the question was
    left unanswered, and ``(None, message)`` with a user-facing message otherwise.

    Raw input accepted, per type (surrounding whitespace is ignored everywhere):

    - single: a list with one choice index, ``["2"]`` (ASCII digits, an index into
      ``question.choices``). ``[]`` or ``[""]``: unanswered. An index out of range or not a
      number (e.g. a choice id of another question): "That choice is not part of this
      question."; several values: "Choose only one answer."
    - multiple: a list of choice indexes, ``["0", "2"]``; empty strings are ignored and
      duplicates collapse. No index: unanswered. Any bad index: "That choice is not part of
      this question."
    - truefalse: a list with ``"true"`` or ``"false"`` (any case). Anything else: "That
      choice is not part of this question."
    - short: a list with one text, ``["Paris"]``; trimmed, at most 1,000 characters.
    - numerical: a list with one text, ``["3.5"]``; ``"3"``, ``"-2"``, ``"1e3"``, ``"3,5"``
      (= 3.5) are numbers; text, ``nan`` or ``inf``: "Enter a number, for example 42 or
      3.5."; empty: unanswered.
    - essay: a list with one text; trimmed, ``\\r\\n`` becomes ``\\n``, at most 20,000
      characters.
    - matching: a dict ``{"<pair index>": "<answer index>"}``: pair indexes into
      ``question.pairs`` (pairs with a question only, see :func:`matching_pair_indexes`),
      answer indexes into :func:`matching_answers`. An empty answer leaves that pair
      unanswered; all empty: unanswered. A bad pair or answer index: "That choice is not
      part of this question."
    - description: anything; always ``(None, None)``.

    A dict for a type that expects a list (or the reverse), several values for a
    one-value type, or values that are not strings: "Your answer could not be read. Please
    try again." (several non-empty values for single: "Choose only one answer.").
    NUL characters are removed from texts.
    """
    kind = question.type
    if kind == QType.description:
        return None, None
    if kind == QType.matching:
        return _parse_matching(question, form_values)
    if kind == QType.multiple:
        return _parse_multiple(question, form_values)

    value, error = _one_value(form_values, MSG_ONLY_ONE if kind == QType.single else MSG_UNREADABLE)
    if value is None:
        return None, error

    if kind == QType.single:
        index = _parse_index(value, len(question.choices))
        return (None, MSG_NOT_A_CHOICE) if index is None else (index, None)
    if kind == QType.truefalse:
        word = value.strip().lower()
        if word in ("true", "false"):
            return word == "true", None
        return None, MSG_NOT_A_CHOICE
    if kind == QType.numerical:
        number = parse_number(value)
        return (None, MSG_NOT_A_NUMBER) if number is None else (number, None)
    if kind in (QType.short, QType.essay):
        text = _clean_text(value)
        if kind == QType.short:
            text = text.replace("\n", " ")
        limit, message = (
            (SHORT_MAX_CHARS, MSG_SHORT_TOO_LONG)
            if kind == QType.short
            else (ESSAY_MAX_CHARS, MSG_ESSAY_TOO_LONG)
        )
        if not text:
            return None, None
        if len(text) > limit:
            return None, message
        return text, None
    return None, MSG_UNREADABLE  # a question type this module does not know


def _parse_multiple(
    question: Question, form_values: FormValues
) -> tuple[frozenset[int] | None, str | None]:
    if not isinstance(form_values, list) or not all(isinstance(v, str) for v in form_values):
        return None, MSG_UNREADABLE
    chosen: set[int] = set()
    for value in form_values:
        if not value.strip():
            continue
        index = _parse_index(value, len(question.choices))
        if index is None:
            return None, MSG_NOT_A_CHOICE
        chosen.add(index)
    return (frozenset(chosen), None) if chosen else (None, None)


def _parse_matching(
    question: Question, form_values: FormValues
) -> tuple[dict[int, int] | None, str | None]:
    if not isinstance(form_values, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in form_values.items()
    ):
        return None, MSG_UNREADABLE
    real_pairs = set(matching_pair_indexes(question))
    answer_count = len(matching_answers(question))
    response: dict[int, int] = {}
    for key, value in form_values.items():
        pair = _parse_index(key, len(question.pairs))
        if pair is None or pair not in real_pairs:
            return None, MSG_NOT_A_CHOICE
        if not value.strip():
            continue
        answer = _parse_index(value, answer_count)
        if answer is None:
            return None, MSG_NOT_A_CHOICE
        response[pair] = answer
    return (dict(sorted(response.items())), None) if response else (None, None)


def response_form_values(question: Question, response: Response | None) -> FormValues:
    """The raw form values that :func:`parse_response` turns into ``response`` (for
    storing a response as JSON, or for showing a learner's answer in the form again).
    ``None`` gives ``[]`` (``{}`` for matching)."""
    kind = question.type
    if kind == QType.matching:
        if not isinstance(response, dict):
            return {}
        return {str(pair): str(answer) for pair, answer in sorted(response.items())}
    if response is None or kind == QType.description:
        return []
    if kind == QType.multiple and isinstance(response, frozenset | set):
        return [str(i) for i in sorted(response)]
    if kind == QType.truefalse and isinstance(response, bool):
        return ["true" if response else "false"]
    if kind == QType.numerical and isinstance(response, int | float):
        return [format_number(float(response))]
    if kind == QType.single and is_index(response):
        return [str(response)]
    if kind in (QType.short, QType.essay) and isinstance(response, str):
        return [response]
    return []
