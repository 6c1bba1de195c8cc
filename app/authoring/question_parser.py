"""Reading the editing form of one quiz question back (the form is ``question_forms.py``).

A trainer edits a question as flat form fields (``text``, ``choice-0-text``,
``choice-0-grade``, ``numerical-1-value``, ``pair-2-answer`` ...). ``form_for`` fills
them from an existing question (or leaves them blank for a new one); :func:`parse_form`
validates what was typed and returns the :class:`~app.questions.spec.Question`, or the form
again with the typed values kept and a message next to every field that is wrong.

Quizzes are stored as Moodle GIFT, so the rules are Moodle's (its question edit forms) and
a valid question is one that :func:`~app.questions.gift.writer.write_gift` writes and
:func:`~app.questions.gift.reader.parse_gift` reads back unchanged, without warnings.

Error keys are the field names, plus ``"choices"``, ``"numerical"`` and ``"pairs"`` for a
message about all the rows of a kind, and ``"form"`` for the question as a whole.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from app.authoring.question_forms import (
    _ROW_FIELDS,
    _ROW_PREFIX,
    CHOICE_TYPES,
    QuestionForm,
    _fill_blank_rows,
    _percent,
    _shown_rows,
)
from app.questions.gift.reader import parse_gift
from app.questions.gift.syntax import MOODLE_FRACTIONS, GiftError
from app.questions.gift.writer import write_gift
from app.questions.spec import Choice, MatchPair, NumericalAnswer, QType, Question, TextFormat
from app.quizzes.responses import parse_number

TEXT_MAX_CHARS = 5_000
NAME_MAX_CHARS = 200
ANSWER_MAX_CHARS = 1_000
FEEDBACK_MAX_CHARS = 5_000
MAX_ROW_INDEX = 1_000  # row fields with a larger index are not read (no form renders them)

# Characters the GIFT reader uses internally for escaped characters (U+E000 ...): a text
# holding one would not read back the same.
_RESERVED = re.compile("[\ue000-\ue00f]")
_ROW_KEY = re.compile(r"(choice|numerical|pair)-(\d{1,4})-([a-z]+)")


def _clean(value: str) -> str:
    """Trimmed, without NUL characters (not storable), line breaks as ``\\n``."""
    return value.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _one_line(value: str) -> str:
    """A single-line field: line breaks (only typed by hand-made requests) become spaces."""
    return " ".join(_clean(value).split("\n")).strip()


def _length_error(text: str, limit: int, what: str) -> str | None:
    if len(text) > limit:
        return f"{what} is too long: {len(text):,} characters, at most {limit:,}."
    if _RESERVED.search(text):
        return f"{what} contains a character that cannot be saved (U+E000 to U+E00F)."
    return None


def _parse_grade(raw: str, negatives: bool) -> tuple[float | None, str | None]:
    """A typed percent ("50", "50%", "33.33") as one of Moodle's fractions."""
    text = raw.strip().removesuffix("%").strip()
    if not text:
        return None, "Choose a grade."
    number = parse_number(text)
    if number is None:
        return None, f"'{raw.strip()}' is not a grade: choose one from the list."
    for option in MOODLE_FRACTIONS:
        if abs(number - option * 100) <= 0.01:
            if option < 0 and not negatives:
                return None, "This kind of question cannot have negative grades."
            return option, None
    return (
        None,
        f"{_percent(number / 100)}% is not a grade Moodle accepts: choose one from the list.",
    )


def _canonical_grade(raw: str) -> str:
    """The grade as the list writes it, when it is one ("50.0" -> "50"); else as typed."""
    fraction, error = _parse_grade(raw, negatives=True)
    return raw if error or fraction is None else _percent(fraction)


# --------------------------------------------------------------------------- parse_form


class _Parser:
    def __init__(self, qtype: QType, form: Mapping[str, str]) -> None:
        self.qtype = qtype
        self.values: dict[str, str] = {}
        for key, value in form.items():
            if isinstance(key, str) and isinstance(value, str):
                self.values[key] = value
        self.errors: dict[str, str] = {}

    def get(self, key: str) -> str:
        return self.values.get(key, "")

    def error(self, key: str, message: str) -> None:
        self.errors.setdefault(key, message)

    def text_field(self, key: str, what: str, limit: int, *, one_line: bool = False) -> str:
        text = _one_line(self.get(key)) if one_line else _clean(self.get(key))
        message = _length_error(text, limit, what)
        if message:
            self.error(key, message)
        return text

    def row_indexes(self, prefix: str) -> list[int]:
        indexes: set[int] = set()
        for key in self.values:
            match = _ROW_KEY.fullmatch(key)
            if match and match.group(1) == prefix and match.group(3) in _ROW_FIELDS[prefix]:
                index = int(match.group(2))
                if index < MAX_ROW_INDEX:
                    indexes.add(index)
        return sorted(indexes)

    # -- the question

    def parse(self) -> Question:
        qtype = self.qtype
        text = self.text_field("text", "The question text", TEXT_MAX_CHARS)
        if not text and "text" not in self.errors:
            self.error("text", "Write the question text.")
        name = self.text_field("name", "The name", NAME_MAX_CHARS, one_line=True)
        format_value = self.get("text_format").strip() or TextFormat.moodle.value
        try:
            text_format = TextFormat(format_value)
        except ValueError:
            self.error("text_format", "Choose a text format from the list.")
            text_format = TextFormat.moodle
        question = Question(type=qtype, text=text, name=name, text_format=text_format)
        if qtype != QType.description:
            question.general_feedback = self.text_field(
                "general_feedback", "The general feedback", FEEDBACK_MAX_CHARS
            )
        if qtype in CHOICE_TYPES:
            question.choices = self.choices()
        elif qtype == QType.numerical:
            question.numerical = self.numerical()
        elif qtype == QType.matching:
            question.pairs = self.pairs()
        elif qtype == QType.truefalse:
            self.truefalse(question)
        return follow_question_format(question)

    def choices(self) -> list[Choice]:
        qtype = self.qtype
        negatives = qtype != QType.short
        choices: list[Choice] = []
        for i in self.row_indexes("choice"):
            key = f"choice-{i}-"
            text = self.text_field(key + "text", "The answer", ANSWER_MAX_CHARS)
            feedback = self.text_field(key + "feedback", "The feedback", FEEDBACK_MAX_CHARS)
            if not text and not feedback:
                continue  # an empty row (its grade select always has a value)
            if not text:
                self.error(key + "text", "Write the answer, or clear its feedback.")
            if qtype == QType.short:
                if "->" in text:
                    self.error(
                        key + "text",
                        "A short answer cannot contain '->' (GIFT reads it as "
                        "a matching question).",
                    )
                if "->" in feedback:
                    self.error(
                        key + "feedback",
                        "A short answer's feedback cannot contain '->' "
                        "(GIFT reads it as a matching question).",
                    )
            fraction, message = _parse_grade(self.get(key + "grade"), negatives)
            if message:
                self.error(key + "grade", message)
            if text and fraction is not None:
                choices.append(Choice(text=text, fraction=fraction, feedback=feedback))
        if any(k.startswith("choice-") for k in self.errors):
            return choices
        fractions = [c.fraction for c in choices]
        if qtype == QType.short:
            if not choices:
                self.error("choices", "Write at least one accepted answer.")
            elif 1.0 not in fractions:
                self.error("choices", "Give at least one accepted answer a grade of 100%.")
        elif len(choices) < 2:
            self.error("choices", "Write at least 2 answers.")
        elif qtype == QType.single:
            if 1.0 not in fractions:
                self.error("choices", "Give the right answer a grade of 100%.")
            elif all(f == 1.0 for f in fractions):
                self.error(
                    "choices", "At least one answer must be wrong: give it a grade below 100%."
                )
        else:
            total = sum(f for f in fractions if f > 0)
            if total == 0:
                self.error("choices", "Give the right answers positive grades that add up to 100%.")
            elif abs(total - 1) > 0.0001:
                self.error(
                    "choices",
                    f"The positive grades add up to {_percent(total)}%: they must add up to 100%.",
                )
        return choices

    def numerical(self) -> list[NumericalAnswer]:
        answers: list[NumericalAnswer] = []
        for i in self.row_indexes("numerical"):
            key = f"numerical-{i}-"
            value_text = _one_line(self.get(key + "value"))
            tolerance_text = _one_line(self.get(key + "tolerance"))
            feedback = self.text_field(key + "feedback", "The feedback", FEEDBACK_MAX_CHARS)
            if not value_text and not tolerance_text and not feedback:
                continue
            if value_text == "*":  # any other number (Moodle's "*")
                fraction, message = _parse_grade(self.get(key + "grade"), negatives=False)
                if message:
                    self.error(key + "grade", message)
                elif fraction is not None:
                    answers.append(NumericalAnswer(
                        value=0.0, tolerance=0.0, fraction=fraction, feedback=feedback,
                        catch_all=True,
                    ))
                continue
            value = tolerance = None
            if not value_text:
                self.error(key + "value", "Write the right number, or clear this row.")
            else:
                value = parse_number(value_text)
                if value is None:
                    self.error(key + "value", "Write a number, for example 42 or 3.5.")
            if not tolerance_text:
                tolerance = 0.0
            else:
                tolerance = parse_number(tolerance_text)
                if tolerance is None:
                    self.error(
                        key + "tolerance", "Write the margin as a number, for example 0 or 0.5."
                    )
                elif tolerance < 0:
                    self.error(key + "tolerance", "The margin cannot be negative.")
                    tolerance = None
            fraction, message = _parse_grade(self.get(key + "grade"), negatives=False)
            if message:
                self.error(key + "grade", message)
            if value is not None and tolerance is not None and fraction is not None:
                answers.append(
                    NumericalAnswer(
                        value=value, tolerance=tolerance, fraction=fraction, feedback=feedback
                    )
                )
        if any(k.startswith("numerical-") for k in self.errors):
            return answers
        if all(answer.catch_all for answer in answers):
            self.error("numerical", "Write at least one right number.")
        elif 1.0 not in [a.fraction for a in answers]:
            self.error("numerical", "Give at least one number a grade of 100%.")
        return answers

    def pairs(self) -> list[MatchPair]:
        pairs: list[MatchPair] = []
        for i in self.row_indexes("pair"):
            key = f"pair-{i}-"
            question = self.text_field(key + "question", "The question", ANSWER_MAX_CHARS)
            answer = self.text_field(key + "answer", "The answer", ANSWER_MAX_CHARS, one_line=True)
            if not question and not answer:
                continue
            if not answer:
                self.error(key + "answer", "Write the answer that matches, or clear the question.")
            if "->" in question:
                self.error(key + "question", "A matching question cannot contain '->'.")
            if answer:
                pairs.append(MatchPair(question=question, answer=answer))
        if any(k.startswith("pair-") for k in self.errors):
            return pairs
        if sum(1 for p in pairs if p.question) < 2:
            self.error("pairs", "Write at least 2 pairs, each with a question and its answer.")
        elif len(pairs) < 3:
            self.error(
                "pairs",
                "Write at least 3 answers: add a pair, or an extra wrong answer with no question.",
            )
        return pairs

    def truefalse(self, question: Question) -> None:
        correct = self.get("correct").strip().lower()
        if correct in ("true", "false"):
            question.correct = correct == "true"
        else:
            self.error("correct", "Choose whether the statement is true or false.")
        question.true_feedback = self.text_field(
            "true_feedback", "The feedback", FEEDBACK_MAX_CHARS
        )
        question.false_feedback = self.text_field(
            "false_feedback", "The feedback", FEEDBACK_MAX_CHARS
        )

    # -- the GIFT round trip

    def check_round_trip(self, question: Question) -> None:
        try:
            again, warnings = parse_gift(write_gift([question]))
        except GiftError as error:
            self.error("form", f"This question cannot be saved as GIFT: {error.message}")
            return
        except ValueError as error:
            message = str(error)
            if message.startswith("question ") and ": " in message:
                message = message.split(": ", 1)[1]
            self.error("form", f"This question cannot be saved as GIFT: {message}.")
            return
        if warnings:
            self.error("form", f"Check this question: {warnings[0].message}.")
        elif len(again) != 1 or dataclasses.replace(again[0], line=0) != question:
            self.error(
                "form",
                "This question would not read back the same from GIFT: check its texts "
                "for unusual characters.",
            )


def follow_question_format(question: Question) -> Question:
    """The form has one text format: every text of the question takes it, as GIFT reads
    texts without a marker (a short answer, matched as it is, keeps Moodle's default)."""
    fmt = question.text_format
    question.general_feedback_format = fmt
    if question.type == QType.truefalse:
        question.true_feedback_format = question.false_feedback_format = fmt
    for choice in question.choices:
        choice.text_format = TextFormat.moodle if question.type == QType.short else fmt
        choice.feedback_format = fmt
    for answer in question.numerical:
        answer.feedback_format = fmt
    for pair in question.pairs:
        pair.question_format = fmt
    return question


def keep_own_formats(old: Question, new: Question) -> Question:
    """``new`` (from the form) with the formats ``old`` gave its texts of their own: a text
    the trainer did not change, at the same place, keeps a format that differed from its
    question's (e.g. an answer imported as ``[plain]`` in an ``[html]`` question)."""
    def kept(old_text: str, old_format: TextFormat, new_text: str, new_format: TextFormat
             ) -> TextFormat:
        if old_text == new_text and old_format != old.text_format:
            return old_format
        return new_format

    new.general_feedback_format = kept(old.general_feedback, old.general_feedback_format,
                                       new.general_feedback, new.general_feedback_format)
    if old.type == QType.truefalse and new.type == QType.truefalse:
        new.true_feedback_format = kept(old.true_feedback, old.true_feedback_format,
                                        new.true_feedback, new.true_feedback_format)
        new.false_feedback_format = kept(old.false_feedback, old.false_feedback_format,
                                         new.false_feedback, new.false_feedback_format)
    for before, after in zip(old.choices, new.choices, strict=False):
        if new.type != QType.short:
            after.text_format = kept(before.text, before.text_format,
                                     after.text, after.text_format)
        after.feedback_format = kept(before.feedback, before.feedback_format,
                                     after.feedback, after.feedback_format)
    for before_n, after_n in zip(old.numerical, new.numerical, strict=False):
        after_n.feedback_format = kept(before_n.feedback, before_n.feedback_format,
                                       after_n.feedback, after_n.feedback_format)
    for before_p, after_p in zip(old.pairs, new.pairs, strict=False):
        after_p.question_format = kept(before_p.question, before_p.question_format,
                                       after_p.question, after_p.question_format)
    return new


def _shows(qtype: QType, key: str) -> bool:
    """Whether the form of ``qtype`` has the field ``key``."""
    if key in ("text", "name", "text_format"):
        return True
    if key == "general_feedback":
        return qtype != QType.description
    if key in ("correct", "true_feedback", "false_feedback"):
        return qtype == QType.truefalse
    match = _ROW_KEY.fullmatch(key)
    return bool(
        match
        and match.group(1) == _ROW_PREFIX.get(qtype)
        and match.group(3) in _ROW_FIELDS[match.group(1)]
        and int(match.group(2)) < MAX_ROW_INDEX
    )


def parse_form(qtype: QType, form: Mapping[str, str]) -> tuple[Question | None, QuestionForm]:
    """The question typed in ``form`` and the form to show again: ``(question, form)`` when
    it is valid, ``(None, form)`` with the typed values and the errors when not."""
    parser = _Parser(qtype, form)
    question = parser.parse()
    if not parser.errors:
        parser.check_round_trip(question)
    prefix = _ROW_PREFIX.get(qtype)
    values = {key: value for key, value in parser.values.items() if _shows(qtype, key)}
    filled = 0
    if prefix is not None:
        for i in parser.row_indexes(prefix):
            row = [values.get(f"{prefix}-{i}-{name}", "") for name in _ROW_FIELDS[prefix]]
            if any(
                v.strip()
                for name, v in zip(_ROW_FIELDS[prefix], row, strict=True)
                if name != "grade"
            ):
                filled = i + 1
            key = f"{prefix}-{i}-grade"
            if key in values:
                values[key] = _canonical_grade(values[key])
    rows = _shown_rows(qtype, filled)
    _fill_blank_rows(qtype, values, 0, rows)
    result = QuestionForm(type=qtype, values=values, errors=parser.errors, rows=rows)
    if parser.errors:
        return None, result
    return question, result
