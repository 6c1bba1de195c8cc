"""Moodle GIFT: reading quiz questions from GIFT text and writing them back.

The reader follows Moodle's importer (``question/format/gift/format.php`` and the block
splitting of ``qformat_default``) rule for rule, so a file means here what it means in
Moodle:

* Questions are separated by blank lines. Every line is trimmed. Lines starting with
  ``//`` are comments; the ``[id:...]`` and ``[tag:...]`` markers in the comments of a
  question's block become its ``id_number`` and ``tags``.
* ``$CATEGORY: path`` sets the category of the questions that follow.
* ``::title::`` names a question; ``[html]``, ``[moodle]``, ``[plain]`` or ``[markdown]``
  before a text sets its format.
* ``\\~ \\= \\# \\{ \\} \\: \\\\`` are literal characters and ``\\n`` a line break, in every
  text.
* The first ``{...}`` holds the answers. Text after it makes a missing-word question: the
  answer block's place in the text becomes :data:`~app.quizzes.spec.BLANK`.
* The type comes from the answers: none (no braces) is a description, ``{}`` an essay,
  ``{#...}`` numerical, any ``~`` multiple choice (one answer if there is an ``=``, several
  otherwise), ``=`` with ``->`` matching, ``T``/``TRUE``/``F``/``FALSE`` true/false, and
  anything else a short answer.

Where Moodle silently accepts something that is almost certainly a mistake, the reader
accepts it too but returns a :class:`~app.quizzes.spec.GiftWarning`; where Moodle refuses a
question (or would store nonsense), it raises :class:`GiftError` with the line.

The writer produces canonical GIFT that Moodle imports and that this reader reads back into
equal questions.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from app.quizzes.spec import (
    BLANK,
    Choice,
    GiftWarning,
    MatchPair,
    NumericalAnswer,
    QType,
    Question,
    TextFormat,
)

__all__ = ["MOODLE_FRACTIONS", "GiftError", "parse_gift", "write_gift"]


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

# Escaped characters become placeholders while the structure is parsed (as Moodle's
# escapedchar_pre does), and the characters again in the texts (escapedchar_post). The
# placeholders are lone surrogates, which no text decoded from UTF-8 contains, so no
# character of a file can be mistaken for one (a private-use character could).
_ESCAPABLE = ":#={}~n"
_PLACEHOLDER = {c: chr(0xD800 + i) for i, c in enumerate(_ESCAPABLE)}
_UNESCAPE = str.maketrans({ph: ("\n" if c == "n" else c) for c, ph in _PLACEHOLDER.items()})

_FORMATS = {f.value: f for f in TextFormat}

_CATEGORY = "$CATEGORY:"
_ID = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
_TAG = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f\x7f])*)\]")

# Anything that looks like a weight: "%" + digits, signs, dots, spaces + "%".
_WEIGHT_LIKE = re.compile(r"%([-+.\d \t]*\d[-+.\d \t]*)%")
# What Moodle's importer accepts as a weight ($giftanswerweightregex) ...
_MOODLE_WEIGHT = re.compile(r"%-*([0-9]{1,2})\.?([0-9]*)%")
# ... and what of that is a number.
_WEIGHT_NUMBER = re.compile(r"-?\d+(?:\.\d*)?")
# PHP is_numeric(), without hexadecimal and surrounding blanks.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")

_TRUE_FALSE = ("T", "TRUE", "F", "FALSE")

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


def _unescape(text: str) -> str:
    return text.translate(_UNESCAPE)


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


# --------------------------------------------------------------------------- reading


@dataclass
class _Span:
    """A piece of a question's processed text: ``text[start:end]``."""

    start: int
    end: int


class _Block:
    """One question's lines, joined with escapes replaced by placeholders, remembering the
    file line of every character."""

    def __init__(self, lines: list[tuple[int, str]]) -> None:
        chars: list[str] = []
        where: list[int] = []
        for number, content in lines:
            if chars:
                chars.append("\n")
                where.append(where[-1])
            i = 0
            while i < len(content):
                char = content[i]
                following = content[i + 1] if i + 1 < len(content) else ""
                if char == "\\" and following == "\\":
                    chars.append("\\")
                    i += 2
                elif char == "\\" and following and following in _ESCAPABLE:
                    chars.append(_PLACEHOLDER[following])
                    i += 2
                else:
                    chars.append(char)
                    i += 1
                where.append(number)
        self.text = "".join(chars)
        self.where = where
        self.first_line = lines[0][0]

    def line(self, position: int) -> int:
        if not self.where:
            return self.first_line
        return self.where[min(max(position, 0), len(self.where) - 1)]

    def trim(self, span: _Span) -> _Span:
        start, end = span.start, span.end
        while start < end and self.text[start] in _WS:
            start += 1
        while end > start and self.text[end - 1] in _WS:
            end -= 1
        return _Span(start, end)

    def piece_line(self, span: _Span) -> int:
        """The line where a piece's text starts (where the piece starts, if it is blank)."""
        trimmed = self.trim(span)
        return self.line(trimmed.start if trimmed.start < trimmed.end else span.start)

    def get(self, span: _Span) -> str:
        return self.text[span.start : span.end]

    def split(self, span: _Span, separators: str, starters: str = "") -> list[_Span]:
        """``span`` cut at every separator (dropped) and before every starter (kept)."""
        pieces: list[_Span] = []
        start = span.start
        for k in range(span.start, span.end):
            char = self.text[k]
            if char in separators:
                pieces.append(_Span(start, k))
                start = k + 1
            elif char in starters:
                pieces.append(_Span(start, k))
                start = k
        pieces.append(_Span(start, span.end))
        return pieces


class _Reader:
    def __init__(self) -> None:
        self.warnings: list[GiftWarning] = []
        self.questions: list[Question] = []
        self.category = ""

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(GiftWarning(line=line, message=message))

    # -- the file

    def read(self, text: str) -> None:
        block: list[tuple[int, str]] = []
        for number, raw in enumerate(re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff")), 1):
            line = raw.strip(_WS)
            if line:
                block.append((number, line))
            elif block:
                self.read_block(block)
                block = []
        if block:
            self.read_block(block)

    def read_block(self, lines: list[tuple[int, str]]) -> None:
        comments = [line for line in lines if line[1].startswith("//")]
        body = [line for line in lines if not line[1].startswith("//")]
        if not body:
            if any("[id:" in text or "[tag:" in text for _, text in comments):
                self.warn(
                    comments[0][0],
                    "this comment's [id:...]/[tag:...] belong to no question: a blank line "
                    "separates it from the next question",
                )
            return
        block = _Block(body)
        if block.text.startswith(_CATEGORY):
            if len(body) > 1:
                raise GiftError(body[1][0], "a $CATEGORY: line must be followed by a blank line")
            self.category = _unescape(block.text[len(_CATEGORY) :]).strip(_WS)
            return
        question = self.read_question(block)
        question.id_number, question.tags = _metadata("\n".join(text for _, text in comments))
        question.category = self.category
        self.questions.append(question)

    # -- texts

    def formatted(self, raw: str, default: TextFormat) -> tuple[TextFormat, str]:
        """Moodle's parse_text_with_format(): an optional [format] prefix, then the text."""
        text_format = default
        if raw.startswith("["):
            close = raw.find("]")
            if close > 0 and raw[1:close] in _FORMATS:
                text_format = _FORMATS[raw[1:close]]
                raw = raw[close + 1 :]
        return text_format, _unescape(raw).strip(_WS)

    def sub_text(self, raw: str, question_format: TextFormat, line: int, what: str) -> str:
        """An answer's or feedback's text; its own format is kept only if it is the
        question's (the only one Podium stores)."""
        text_format, text = self.formatted(raw, question_format)
        if text_format != question_format:
            self.warn(
                line,
                f"the {what} is marked [{text_format.value}] but Podium keeps one text "
                f"format per question: it is shown as [{question_format.value}]",
            )
        return text

    def weight(self, raw: str, line: int, default: float) -> tuple[float, str]:
        """A leading ``%weight%`` as a fraction, and the rest of ``raw``."""
        match = _WEIGHT_LIKE.match(raw)
        if match is None:
            return default, raw
        inner = match.group(1)
        if _MOODLE_WEIGHT.fullmatch(match.group(0)) is None or not _WEIGHT_NUMBER.fullmatch(inner):
            raise GiftError(
                line, f"malformed weight '%{inner}%': write a percentage such as %50% or %-25%"
            )
        fraction = _snap_fraction(float(inner) / 100)
        if fraction is None:
            allowed = ", ".join(_percent(f) for f in MOODLE_FRACTIONS if f > 0)
            raise GiftError(
                line,
                f"weight '%{inner}%' is not a grade Moodle accepts (use one of {allowed}, "
                "or the same negated, or 0)",
            )
        return fraction, raw[match.end() :]

    def answer_pieces(self, block: _Block, pieces: list[_Span], marker: str) -> list[_Span]:
        """Moodle drops the text before the first marker if it is empty and otherwise
        reads it as an answer."""
        first = block.trim(pieces[0])
        if first.start == first.end:
            return pieces[1:]
        self.warn(
            block.line(first.start),
            f"'{_unescape(block.get(first))}' does not start with {marker}: it is read as an "
            "answer, as Moodle does",
        )
        return pieces

    # -- a question

    def read_question(self, block: _Block) -> Question:
        text = block.text
        line = block.first_line
        position = 0
        name = ""
        if text.startswith("::"):
            end = text.find("::", 2)
            if end < 0:
                self.warn(line, "'::' starts a title that is never closed: read as text")
                position = 2
            else:
                name = _unescape(text[2:end]).strip(_WS)
                position = end + 2
                while position < len(text) and text[position] in _WS:
                    position += 1

        start = text.find("{", position)
        end = text.find("}", position)
        if start < 0 and end < 0:
            text_format, question_text = self.formatted(text[position:], TextFormat.moodle)
            if not question_text:
                raise GiftError(line, "the question has no text")
            return Question(
                type=QType.description,
                text=question_text,
                name=name,
                text_format=text_format,
                line=line,
            )
        if start < 0:
            raise GiftError(
                block.line(end), "'}' without an opening '{' (write \\} for a literal brace)"
            )
        if end < 0:
            raise GiftError(
                block.line(start),
                "'{' is never closed: the answers must end with '}' (a blank line ends a question)",
            )
        if end < start:
            raise GiftError(
                block.line(end),
                "'}' before the answers' '{' (write \\} for a literal brace)",
            )
        nested = text.find("{", start + 1, end)
        if nested >= 0:
            raise GiftError(
                block.line(nested),
                "'{' inside the answers (write \\{ for a literal brace)",
            )
        for k in range(end + 1, len(text)):
            if text[k] in "{}":
                raise GiftError(
                    block.line(k),
                    "a question has only one answer block: write \\{ and \\} for literal braces",
                )

        before, after = text[position:start], text[end + 1 :]
        raw_text = before if not after else _blank_join(before, after, _WS)
        text_format, question_text = self.formatted(raw_text, TextFormat.moodle)

        answers = block.trim(_Span(start + 1, end))
        general_feedback = ""
        separator = text.rfind("####", answers.start, answers.end)
        if separator >= 0:
            general_feedback = self.sub_text(
                text[separator + 4 : answers.end],
                text_format,
                block.line(separator),
                "general feedback",
            )
            answers = block.trim(_Span(answers.start, separator))

        question = Question(
            type=QType.essay,
            text=question_text,
            name=name,
            text_format=text_format,
            general_feedback=general_feedback,
            line=line,
        )
        answer_text = block.get(answers)
        if not answer_text:
            return question
        if answer_text.startswith("#"):
            self.read_numerical(block, answers, question)
        elif "~" in answer_text:
            self.read_multichoice(block, answers, question)
        elif "=" in answer_text and "->" in answer_text:
            self.read_matching(block, answers, question)
        else:
            check = answer_text
            hash_at = answer_text.find("#")
            if hash_at > 0:
                check = answer_text[:hash_at].strip(_WS)
            if check in _TRUE_FALSE:
                self.read_truefalse(block, answers, question)
            else:
                if check.upper() in _TRUE_FALSE:
                    self.warn(
                        block.line(answers.start),
                        f"'{{{check}}}' is a short answer '{check}', as in Moodle: true/false "
                        "answers are written T, TRUE, F or FALSE in capitals",
                    )
                self.read_short(block, answers, question)
        return question

    def read_multichoice(self, block: _Block, answers: _Span, question: Question) -> None:
        single = "=" in block.get(answers)
        question.type = QType.single if single else QType.multiple
        pieces = self.answer_pieces(block, block.split(answers, "~", "="), "'~' or '='")
        if len(pieces) < 2:
            raise GiftError(
                block.line(answers.start), "a multiple choice question needs at least 2 answers"
            )
        for piece in pieces:
            line = block.piece_line(piece)
            piece = block.trim(piece)
            raw = block.get(piece)
            if raw.startswith("="):
                fraction = 1.0
                raw = raw[1:]
                weight = _WEIGHT_LIKE.match(raw.lstrip(_WS))
                if weight:
                    self.warn(
                        line,
                        f"'={weight.group(0)}' gives full marks: in a multiple choice "
                        f"question '=' is always 100% and '{weight.group(0)}' stays in the "
                        f"answer's text (write '~{weight.group(0)}' for a partial grade)",
                    )
            else:
                fraction, raw = self.weight(raw, line, 0.0)
            choice = self.choice(raw, fraction, question, line)
            question.choices.append(choice)
        if not single:
            total = round(sum(c.fraction for c in question.choices if c.fraction > 0), 2)
            if total != 1:
                self.warn(
                    block.line(answers.start),
                    f"the positive weights of this multiple-answer question add up to "
                    f"{_percent(total)}%, not 100%",
                )

    def choice(self, raw: str, fraction: float, question: Question, line: int) -> Choice:
        text_part, _, feedback_part = raw.partition("#")
        text = self.sub_text(text_part.strip(_WS), question.text_format, line, "answer")
        if not text:
            raise GiftError(line, "an answer has no text")
        feedback = self.sub_text(
            feedback_part.strip(_WS), question.text_format, line, "answer feedback"
        )
        return Choice(text=text, fraction=fraction, feedback=feedback)

    def read_short(self, block: _Block, answers: _Span, question: Question) -> None:
        question.type = QType.short
        pieces = self.answer_pieces(block, block.split(answers, "="), "'='")
        if not pieces:
            raise GiftError(block.line(answers.start), "a short answer question needs an answer")
        for piece in pieces:
            line = block.piece_line(piece)
            piece = block.trim(piece)
            fraction, raw = self.weight(block.get(piece), line, 1.0)
            question.choices.append(self.choice(raw, fraction, question, line))
        self.check_full_marks(block.line(answers.start), [c.fraction for c in question.choices])

    def check_full_marks(self, line: int, fractions: list[float]) -> None:
        if max(fractions) != 1:
            best = _percent(max(fractions))
            self.warn(line, f"no answer gives full marks (the best gives {best}%)")

    def read_numerical(self, block: _Block, answers: _Span, question: Question) -> None:
        question.type = QType.numerical
        text = block.text
        span = _Span(answers.start + 1, answers.end)
        tilde = text.find("~", span.start, span.end)
        if tilde >= 0:
            self.warn(
                block.line(tilde),
                "feedback for any other answer ('~#...') is not supported in numerical "
                "questions: it is ignored",
            )
            span = _Span(span.start, tilde)
        pieces = block.split(span, "=")
        if block.trim(pieces[0]).start == block.trim(pieces[0]).end:
            pieces = pieces[1:]
        if not pieces:
            raise GiftError(block.line(answers.start), "a numerical question needs an answer")
        for piece in pieces:
            line = block.piece_line(piece)
            piece = block.trim(piece)
            fraction, raw = self.weight(block.get(piece), line, 1.0)
            value_part, _, feedback_part = raw.partition("#")
            value_text = self.sub_text(value_part.strip(_WS), question.text_format, line, "answer")
            feedback = self.sub_text(
                feedback_part.strip(_WS), question.text_format, line, "answer feedback"
            )
            if value_text == "*":
                self.warn(line, "the answer '*' (any answer) is not supported: it is ignored")
                continue
            value, tolerance = _numerical_value(value_text, line)
            if tolerance < 0:
                self.warn(line, "a negative tolerance is read as positive, as Moodle does")
                tolerance = -tolerance
            question.numerical.append(
                NumericalAnswer(
                    value=value, tolerance=tolerance, fraction=fraction, feedback=feedback
                )
            )
        if not question.numerical:
            raise GiftError(block.line(answers.start), "a numerical question needs an answer")
        self.check_full_marks(block.line(answers.start), [a.fraction for a in question.numerical])

    def read_matching(self, block: _Block, answers: _Span, question: Question) -> None:
        question.type = QType.matching
        pieces = self.answer_pieces(block, block.split(answers, "="), "'='")
        if len(pieces) < 2:
            raise GiftError(
                block.line(answers.start),
                "a matching question needs at least 2 '=question -> answer' pairs",
            )
        for piece in pieces:
            line = block.piece_line(piece)
            piece = block.trim(piece)
            raw = block.get(piece)
            arrow = raw.find("->")
            if arrow < 0:
                raise GiftError(
                    line, "'->' is missing: a matching pair is written '=question -> answer'"
                )
            sub_question = self.sub_text(
                raw[:arrow].strip(_WS), question.text_format, line, "matching question"
            )
            answer = _unescape(raw[arrow + 2 :]).strip(_WS)
            if not answer:
                raise GiftError(line, "a matching pair has no answer after '->'")
            question.pairs.append(MatchPair(question=sub_question, answer=answer))
        if sum(1 for pair in question.pairs if pair.question) < 2:
            raise GiftError(
                block.line(answers.start),
                "a matching question needs at least 2 questions ('=question -> answer'; "
                "'= -> answer' is only an extra answer)",
            )
        if len(question.pairs) < 3:
            self.warn(
                block.line(answers.start),
                "Moodle asks for at least 3 answers in a matching question: add a pair or "
                "an extra answer ('= -> answer')",
            )

    def read_truefalse(self, block: _Block, answers: _Span, question: Question) -> None:
        question.type = QType.truefalse
        line = block.line(answers.start)
        bits = block.get(answers).split("#", 2)
        fmt = question.text_format
        answer = self.sub_text(bits[0].strip(_WS), fmt, line, "answer")
        wrong = self.sub_text(bits[1].strip(_WS), fmt, line, "feedback") if len(bits) > 1 else ""
        right = self.sub_text(bits[2].strip(_WS), fmt, line, "feedback") if len(bits) > 2 else ""
        # Moodle: the first feedback is for a wrong answer, the second for a right one.
        question.correct = answer in ("T", "TRUE")
        if question.correct:
            question.true_feedback, question.false_feedback = right, wrong
        else:
            question.true_feedback, question.false_feedback = wrong, right


def _numerical_value(text: str, line: int) -> tuple[float, float]:
    """``value``, ``value:tolerance`` or ``min..max`` as (value, tolerance)."""
    dots = text.find("..")
    colon = text.find(":")
    if dots > 0:
        low, high = text[:dots].strip(_WS), text[dots + 2 :].strip(_WS)
        _check_number(low, line, text)
        _check_number(high, line, text)
        value = (float(high) + float(low)) / 2
        if not math.isfinite(value):  # the sum overflows: 1e308..1.7e308
            raise _not_a_number(line, text)
        return value, float(high) - value
    if colon > 0:
        value_text, tolerance_text = text[:colon].strip(_WS), text[colon + 1 :].strip(_WS)
    else:
        value_text, tolerance_text = text, "0"
    _check_number(value_text, line, text)
    _check_number(tolerance_text, line, text)
    return float(value_text), float(tolerance_text)


def _check_number(text: str, line: int, answer: str) -> None:
    if not _NUMBER.fullmatch(text) or not math.isfinite(float(text)):
        raise _not_a_number(line, answer)


def _not_a_number(line: int, answer: str) -> GiftError:
    return GiftError(
        line,
        f"'{answer}' is not a number: write value, value:tolerance or min..max "
        "(e.g. 3, 3:0.5 or 2..4)",
    )


def _metadata(comments: str) -> tuple[str, list[str]]:
    """The idnumber and tags in a question's comment lines, as Moodle reads them."""
    id_number = ""
    match = _ID.search(comments)
    if match:
        id_number = match.group(1).strip(_WS).replace("\\]", "]")
    tags = [m.strip(_WS).replace("\\]", "]") for m in _TAG.findall(comments)]
    return id_number, [tag for tag in tags if tag]


def parse_gift(text: str, *, file: str = "") -> tuple[list[Question], list[GiftWarning]]:
    """The questions of a GIFT file and warnings about what Podium reads differently from
    what was probably meant; raises :class:`GiftError` (with ``file`` set) at the first
    syntax error."""
    reader = _Reader()
    try:
        reader.read(text)
    except GiftError as error:
        error.file = file
        raise
    return reader.questions, reader.warnings


# --------------------------------------------------------------------------- writing

_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "#": "\\#",
        "=": "\\=",
        "~": "\\~",
        "{": "\\{",
        "}": "\\}",
        ":": "\\:",
        "\n": "\\n",
    }
)
# Blanks that stay blanks in a written line (line breaks are written as \n).
_LINE_BLANKS = " \t\0\x0b"


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _escape(text: str) -> str:
    return _normalise(text).translate(_ESCAPES)


def _starts_with_format(text: str) -> bool:
    close = text.find("]")
    return text.startswith("[") and close > 0 and text[1:close] in _FORMATS


def _sub(text: str, question: Question, *, weighted: bool = False) -> str:
    """An answer's or feedback's text, with the question's [format] in front where the
    text itself would otherwise be read as a format or a weight."""
    if _starts_with_format(text) or (weighted and text.startswith("%")):
        return f"[{question.text_format.value}]" + _escape(text)
    return _escape(text)


def _number(value: float) -> str:
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"cannot write the number {value!r} in GIFT")
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _weight(fraction: float) -> str:
    return f"%{_percent(fraction)}%"


def _check_fraction(fraction: float, question: Question) -> None:
    if _snap_fraction(fraction) != fraction:
        raise ValueError(
            f"question {_label(question)}: the grade {fraction!r} is not one Moodle accepts"
        )


def _label(question: Question) -> str:
    return repr(question.name or question.text[:40])


def _check_writable(question: Question) -> None:
    label = _label(question)
    if "\n" in _normalise(question.category):
        raise ValueError(f"question {label}: a category cannot contain a line break")
    for tag in question.tags:
        if re.search(r"[<>`\x00-\x1f\x7f]", tag) or "[id:" in tag or not tag.strip(_WS):
            raise ValueError(f"question {label}: the tag {tag!r} cannot be written in GIFT")
    if re.search(r"[\x00-\x1f\x7f]", question.id_number) or "[tag:" in question.id_number:
        raise ValueError(f"question {label}: the id {question.id_number!r} cannot be written")
    for choice in question.choices:
        _check_fraction(choice.fraction, question)
        if not choice.text.strip(_WS):
            raise ValueError(f"question {label}: an answer has no text")
    for answer in question.numerical:
        _check_fraction(answer.fraction, question)
    kind = question.type
    if kind == QType.description:
        if not question.text.strip(_WS):
            raise ValueError(f"question {label}: a description needs a text")
        if question.general_feedback:
            raise ValueError(f"question {label}: a description cannot have general feedback")
    elif kind == QType.single:
        fractions = [c.fraction for c in question.choices]
        if len(fractions) < 2 or 1.0 not in fractions or all(f == 1.0 for f in fractions):
            raise ValueError(
                f"question {label}: a single-answer multiple choice question needs at "
                "least 2 answers, one of them worth 100% and one not"
            )
    elif kind == QType.multiple:
        if len(question.choices) < 2:
            raise ValueError(f"question {label}: a multiple choice question needs 2 answers")
    elif kind == QType.short:
        if not question.choices:
            raise ValueError(f"question {label}: a short answer question needs an answer")
        if any("->" in c.text or "->" in c.feedback for c in question.choices):
            raise ValueError(f"question {label}: '->' in a short answer would make it matching")
    elif kind == QType.numerical:
        if not question.numerical:
            raise ValueError(f"question {label}: a numerical question needs an answer")
    elif kind == QType.matching:
        if len(question.pairs) < 2 or sum(1 for p in question.pairs if p.question) < 2:
            raise ValueError(f"question {label}: a matching question needs 2 questions")
        for pair in question.pairs:
            if "->" in pair.question or not pair.answer.strip(_WS):
                raise ValueError(f"question {label}: the pair {pair!r} cannot be written")
    elif kind == QType.truefalse and question.correct is None:
        raise ValueError(f"question {label}: a true/false question needs its answer")


def _answer_items(question: Question) -> list[str]:
    """The answers of a question, one GIFT item each."""
    items: list[str] = []
    kind = question.type
    if kind in (QType.single, QType.multiple):
        for choice in question.choices:
            if kind == QType.single and choice.fraction == 1.0:
                marker = "="
            elif choice.fraction == 0:
                marker = "~"
            else:
                marker = "~" + _weight(choice.fraction)
            item = marker + _sub(choice.text, question, weighted=True)
            if choice.feedback:
                item += "#" + _sub(choice.feedback, question)
            items.append(item)
    elif kind == QType.short:
        for choice in question.choices:
            marker = "=" if choice.fraction == 1.0 else "=" + _weight(choice.fraction)
            item = marker + _sub(choice.text, question, weighted=True)
            if choice.feedback:
                item += "#" + _sub(choice.feedback, question)
            items.append(item)
    elif kind == QType.numerical:
        only = len(question.numerical) == 1 and question.numerical[0].fraction == 1.0
        for answer in question.numerical:
            marker = "=" if answer.fraction == 1.0 else "=" + _weight(answer.fraction)
            if only:
                marker = ""  # the plain {#value:tolerance}
            item = f"{marker}{_number(answer.value)}:{_number(answer.tolerance)}"
            if answer.feedback:
                item += "#" + _sub(answer.feedback, question)
            items.append(item)
    elif kind == QType.matching:
        for pair in question.pairs:
            items.append(f"={_sub(pair.question, question)} -> {_escape(pair.answer)}")
    return items


def _answer_block(question: Question, *, inline: bool) -> str:
    general = ""
    if question.general_feedback:
        general = "####" + _sub(question.general_feedback, question)
    kind = question.type
    if kind == QType.essay:
        return "{" + general + "}"
    if kind == QType.truefalse:
        if question.correct:
            text, right, wrong = "TRUE", question.true_feedback, question.false_feedback
        else:
            text, right, wrong = "FALSE", question.false_feedback, question.true_feedback
        if wrong:
            text += "#" + _sub(wrong, question)
        elif right:
            text += "#"
        if right:
            text += "#" + _sub(right, question)
        return "{" + text + general + "}"
    opening = "{#" if kind == QType.numerical else "{"
    items = _answer_items(question)
    if inline:
        return opening + " ".join(items + ([general] if general else [])) + "}"
    lines = [opening, *("\t" + item for item in items)]
    if general:
        lines.append("\t" + general)
    return "\n".join(lines) + "\n}"


def _write_question(question: Question) -> str:
    _check_writable(question)
    text = _normalise(question.text)
    head = f"::{_escape(question.name)}::" if question.name else ""
    if (
        question.text_format != TextFormat.moodle
        or _starts_with_format(text)
        or (not head and text.startswith(("//", "\ufeff")))  # a comment; the file's BOM
    ):
        head += f"[{question.text_format.value}]"
    if question.type == QType.description:
        return head + _escape(text)
    blank = text.find(BLANK)
    if blank >= 0:
        before, after = text[:blank], text[blank + len(BLANK) :]
        if after.strip(_WS) and _blank_join(before, after, _LINE_BLANKS) == text:
            block = _answer_block(question, inline=True)
            return head + _escape(before) + block + _escape(after)
    inline = question.type in (QType.essay, QType.truefalse) or (
        len(question.choices) + len(question.numerical) == 1
    )
    separator = " " if text else ""
    return head + _escape(text) + separator + _answer_block(question, inline=inline)


def _marker(value: str) -> str:
    """An id or tag inside its ``[id:...]``/``[tag:...]``: ``]`` escaped, and a blank
    before the closing ``]`` after a final backslash, which would otherwise escape it (the
    reader trims the blank, as Moodle does)."""
    value = value.replace("]", "\\]")
    return value + " " if value.endswith("\\") else value


def write_gift(questions: list[Question]) -> str:
    """Canonical GIFT for ``questions``: Moodle imports it, and :func:`parse_gift` reads it
    back into equal questions (apart from ``line``). Raises ValueError for a question GIFT
    cannot express (e.g. a single-answer question without a 100% answer)."""
    blocks: list[str] = []
    category = ""
    for question in questions:
        if question.category != category:
            category = question.category
            path = _normalise(category).replace("\\", "\\\\")
            blocks.append(f"{_CATEGORY} {path}" if path else _CATEGORY)
        lines: list[str] = []
        markers: list[str] = []
        if question.id_number.strip(_WS):
            markers.append(f"[id:{_marker(question.id_number)}]")
        markers += [f"[tag:{_marker(tag)}]" for tag in question.tags]
        if markers:
            lines.append("// " + " ".join(markers))
        lines.append(_write_question(question))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n" if blocks else ""
