"""Grading a learner's response to one quiz question (Moodle's rules), and a quiz's
percent over its questions.

Pure functions, no database and no web framework: :func:`grade` scores a response that
``app.quizzes.responses.parse_response`` read from the form (the response shapes, by
question type, are described there), and :func:`quiz_percent` totals the marks.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from app.questions.spec import Choice, NumericalAnswer, QType, Question, TextFormat
from app.quizzes.responses import (
    Response,
    format_number,
    is_index,
    matching_answers,
    matching_pair_indexes,
)

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


def _clamp(value: float) -> float:
    if math.isnan(value):
        return 0.0
    return min(1.0, max(0.0, float(value)))


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
                text = format_number(answer.value)
                if answer.tolerance:
                    text += f" ± {format_number(abs(answer.tolerance))}"
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
        if is_index(response) and 0 <= response < len(question.choices):
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
            is_index(chosen)
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
