"""Validating and grading a learner's response to one quiz question (Moodle's rules).

Pure functions, no database and no web framework: the web layer hands over the raw form
values of one question, :func:`parse_response` turns them into a typed *response* or a
user-facing error message (it never raises), and :func:`grade` scores that response.

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
frozenset or dict (``grade`` accepts them anyway and scores them like ``None``).

To store a response or to fill a form in again, :func:`response_form_values` turns it back
into the raw form values ``parse_response`` accepts (lists and dicts of strings, so plain
JSON); parsing them again gives the same response.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TypeAlias

from app.questions.spec import Choice, NumericalAnswer, QType, Question, TextFormat

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

# Relative tolerance for float error when comparing a numerical answer with its range.
NUMERICAL_EPSILON = 1e-9


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one response.

    ``fraction``: share of the question's mark earned, 0.0 to 1.0; ``None`` when a trainer
    must grade it (essay) or when the question is not graded at all (description).
    ``feedback``: the non-empty feedback texts of the chosen answer(s), in the question's
    order (the question's ``general_feedback`` is not included).
    ``correct_answer``: a human-readable statement of the right answer, to reveal after
    submission ("Paris", "True", "3 ± 0.5", "A → 1; B → 2"); empty for essay/description.
    ``feedback_formats``: the text format of each feedback text (not compared: it only
    says how to show them).
    """

    fraction: float | None
    feedback: list[str] = field(default_factory=list)
    correct_answer: str = ""
    feedback_formats: list[TextFormat] = field(default_factory=list, compare=False)

    @property
    def formatted_feedback(self) -> list[tuple[str, TextFormat]]:
        """Each feedback text with its own text format (Moodle's default if unknown)."""
        formats = self.feedback_formats + [TextFormat.moodle] * len(self.feedback)
        return list(zip(self.feedback, formats, strict=False))


# --- helpers shared by parsing and grading ----------------------------------------------


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


def _clamp(value: float) -> float:
    if math.isnan(value):
        return 0.0
    return min(1.0, max(0.0, float(value)))


def _format_number(value: float) -> str:
    """``3.0`` -> ``"3"``, ``0.1`` -> ``"0.1"``; exact (parses back to the same float)."""
    value = float(value)
    if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _is_index(value: object) -> bool:
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
        return [_format_number(float(response))]
    if kind == QType.single and _is_index(response):
        return [str(response)]
    if kind in (QType.short, QType.essay) and isinstance(response, str):
        return [response]
    return []


# --- grading -----------------------------------------------------------------------------


def _normalize_text(text: str) -> str:
    return " ".join(text.split()).casefold()


def _wildcard_regex(accepted: str) -> re.Pattern[str]:
    """``*`` matches any run of characters (possibly none); ``\\*`` is a literal asterisk
    (as in Moodle); everything else is literal. Compared after normalizing whitespace and
    case, like the response."""
    parts = re.split(r"(?<!\\)\*+", _normalize_text(accepted))
    pattern = ".*".join(re.escape(part.replace("\\*", "*")) for part in parts)
    return re.compile(pattern, re.DOTALL)


def short_answer_matches(accepted: str, response: str) -> bool:
    """Whether a short-answer response matches one accepted text: case-insensitive,
    surrounding whitespace ignored, internal whitespace runs compared as one space, ``*``
    a wildcard for any run of characters."""
    return _wildcard_regex(accepted).fullmatch(_normalize_text(response)) is not None


def numerical_answer_accepts(answer: NumericalAnswer, value: float) -> bool:
    """``answer.value - tolerance <= value <= answer.value + tolerance``, inclusive, with a
    relative epsilon of 1e-9 for float error (0.3 ± 0.1 accepts 0.4)."""
    tolerance = abs(answer.tolerance)
    scale = max(abs(answer.value), abs(value), tolerance)
    return abs(value - answer.value) <= tolerance + NUMERICAL_EPSILON * scale


def _best_texts(choices: list[Choice]) -> str:
    """The texts of the choices with the highest positive fraction, joined with " or "."""
    best = max((c.fraction for c in choices), default=0.0)
    if best <= 0:
        return ""
    return " or ".join(c.text for c in choices if c.fraction == best)


def correct_answer_text(question: Question) -> str:
    """A human-readable statement of the right answer of a question (see :class:`Grade`)."""
    kind = question.type
    if kind in (QType.single, QType.short):
        return _best_texts(question.choices)
    if kind == QType.multiple:
        return "; ".join(c.text for c in question.choices if c.fraction > 0)
    if kind == QType.truefalse:
        if question.correct is None:
            return ""
        return "True" if question.correct else "False"
    if kind == QType.numerical:
        answers = [a for a in question.numerical if not a.catch_all]
        best = max((a.fraction for a in answers), default=0.0)
        if best <= 0:
            return ""
        texts = []
        for answer in answers:
            if answer.fraction == best:
                text = _format_number(answer.value)
                if answer.tolerance:
                    text += f" ± {_format_number(abs(answer.tolerance))}"
                texts.append(text)
        return " or ".join(texts)
    if kind == QType.matching:
        return "; ".join(
            f"{question.pairs[i].question} → {question.pairs[i].answer}"
            for i in matching_pair_indexes(question)
        )
    return ""


def grade(question: Question, response: Response | None) -> Grade:
    """Grade one response with Moodle's rules; never raises.

    - single: the chosen choice's fraction, clamped to [0, 1].
    - multiple: the sum of the chosen choices' fractions, clamped to [0, 1].
    - truefalse: 1.0 when the response equals ``question.correct``, else 0.0; feedback
      ``true_feedback`` when the learner answered true, else ``false_feedback``.
    - short: the fraction of the first choice whose text matches (see
      :func:`short_answer_matches`), clamped; no match: 0.0.
    - numerical: the highest fraction among the answers whose range holds the value (the
      first of equals gives the feedback); none: 0.0.
    - matching: pairs answered correctly / pairs with a question. A chosen answer with the
      same text as the pair's answer is correct (duplicate answers are merged).
    - essay: ``None`` (a trainer grades it); description: ``None`` (not graded).
    - unanswered (``None``): 0.0, no feedback (essay and description: ``None``).

    A response that does not fit the question (another shape, or indexes that no longer
    exist after the question was edited) earns nothing for the parts that do not fit.
    """
    kind = question.type
    answer_text = correct_answer_text(question)
    if kind in (QType.essay, QType.description):
        return Grade(None, [], answer_text)
    if response is None:
        return Grade(0.0, [], answer_text)

    fraction = 0.0
    feedback: list[tuple[str, TextFormat]] = []
    if kind == QType.single:
        if _is_index(response) and 0 <= response < len(question.choices):
            choice = question.choices[response]
            fraction = _clamp(choice.fraction)
            feedback = [(choice.feedback, choice.feedback_format)]
    elif kind == QType.multiple:
        if isinstance(response, frozenset | set):
            chosen = [c for i, c in enumerate(question.choices) if i in response]
            fraction = _clamp(sum(c.fraction for c in chosen))
            feedback = [(c.feedback, c.feedback_format) for c in chosen]
    elif kind == QType.truefalse:
        if isinstance(response, bool):
            if question.correct is not None:
                fraction = 1.0 if response == question.correct else 0.0
            feedback = [
                (question.true_feedback, question.true_feedback_format)
                if response
                else (question.false_feedback, question.false_feedback_format)
            ]
    elif kind == QType.short:
        if isinstance(response, str):
            for choice in question.choices:
                if short_answer_matches(choice.text, response):
                    fraction = _clamp(choice.fraction)
                    feedback = [(choice.feedback, choice.feedback_format)]
                    break
    elif kind == QType.numerical:
        if isinstance(response, int | float) and not isinstance(response, bool):
            best = _numerical_match(question, float(response))
            if best is not None:
                fraction = _clamp(best.fraction)
                feedback = [(best.feedback, best.feedback_format)]
    elif kind == QType.matching:
        fraction = _grade_matching(question, response)
    kept = [(text, text_format) for text, text_format in feedback if text]
    return Grade(
        fraction,
        [text for text, _ in kept],
        answer_text,
        feedback_formats=[text_format for _, text_format in kept],
    )


def _numerical_match(question: Question, value: float) -> NumericalAnswer | None:
    """The answer a number earns: the best of the answers whose range holds it, or the
    first catch-all answer if none before it does."""
    if not math.isfinite(value):
        return None
    best: NumericalAnswer | None = None
    for answer in question.numerical:
        if answer.catch_all:
            if best is None:
                return answer
            continue
        accepted = numerical_answer_accepts(answer, value)
        if accepted and (best is None or answer.fraction > best.fraction):
            best = answer
    return best


def _grade_matching(question: Question, response: Response) -> float:
    pairs = matching_pair_indexes(question)
    if not pairs or not isinstance(response, dict):
        return 0.0
    answers = matching_answers(question)
    right = 0
    for i in pairs:
        chosen = response.get(i)
        if (
            _is_index(chosen)
            and 0 <= chosen < len(answers)
            and answers[chosen] == question.pairs[i].answer
        ):
            right += 1
    return right / len(pairs)


def quiz_percent(marks: list[tuple[float | None, float]]) -> float | None:
    """The percent 0 to 100 (rounded to 2 decimals) earned over graded questions, given each
    one's ``(fraction, max_mark)``; ``None`` when any fraction is ``None`` (pending manual
    grading). Questions with a mark of 0 or less do not count; with no marks at all the
    percent is 0.0."""
    if any(fraction is None for fraction, _ in marks):
        return None
    total = 0.0
    earned = 0.0
    for fraction, max_mark in marks:
        if max_mark <= 0:
            continue
        total += max_mark
        earned += _clamp(fraction or 0.0) * max_mark
    if total <= 0:
        return 0.0
    return round(min(100.0, 100.0 * earned / total), 2)
