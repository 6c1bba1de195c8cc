"""Moodle GIFT: reading quiz questions from GIFT text.

The reader follows Moodle's importer (``question/format/gift/format.php`` and the block
splitting of ``qformat_default``) rule for rule, so a file means here what it means in
Moodle:

* Questions are separated by blank lines. Every line is trimmed. Lines starting with
  ``//`` are comments; the ``[id:...]`` and ``[tag:...]`` markers in the comments of a
  question's block become its ``id_number`` and ``tags``.
* ``$CATEGORY: path`` sets the category of the questions that follow.
* ``::title::`` names a question; ``[html]``, ``[moodle]``, ``[plain]`` or ``[markdown]``
  before a text sets its format: the question text's (Moodle's auto-format by default),
  and each answer's, feedback's, general feedback's and matching sub-question's (the
  question text's by default). Short answers and numerical values have no format.
* ``\\~ \\= \\# \\{ \\} \\: \\\\`` are literal characters and ``\\n`` a line break, in every
  text.
* The first ``{...}`` holds the answers. Text after it makes a missing-word question: the
  answer block's place in the text becomes :data:`~app.questions.spec.BLANK`.
* The type comes from the answers: none (no braces) is a description, ``{}`` an essay,
  ``{#...}`` numerical (``~#feedback`` at its end: any other number), any ``~`` multiple
  choice (one answer if there is an ``=``, several otherwise), ``=`` with ``->`` matching,
  ``T``/``TRUE``/``F``/``FALSE`` true/false, and anything else a short answer.

Where Moodle silently accepts something that is almost certainly a mistake, the reader
accepts it too but returns a :class:`~app.questions.spec.GiftWarning`; where Moodle refuses a
question (or would store nonsense), it raises :class:`GiftError` with the line.

The writer (``writer.py``) writes GIFT as Moodle's exporter does, which this reader reads
back into equal questions.
"""

from __future__ import annotations

import re

from app.questions.gift.pieces import _Block, _metadata, _numerical_value, _Span, _unescape
from app.questions.gift.syntax import (
    _CATEGORY,
    _FORMATS,
    _WS,
    MOODLE_FRACTIONS,
    GiftError,
    _blank_join,
    _percent,
    _snap_fraction,
)
from app.questions.spec import (
    Choice,
    GiftWarning,
    MatchPair,
    NumericalAnswer,
    QType,
    Question,
    TextFormat,
)

# Anything that looks like a weight: "%" + digits, signs, dots, spaces + "%".
_WEIGHT_LIKE = re.compile(r"%([-+.\d \t]*\d[-+.\d \t]*)%")
# What Moodle's importer accepts as a weight ($giftanswerweightregex) ...
_MOODLE_WEIGHT = re.compile(r"%-*([0-9]{1,2})\.?([0-9]*)%")
# ... and what of that is a number.
_WEIGHT_NUMBER = re.compile(r"-?\d+(?:\.\d*)?")

_TRUE_FALSE = ("T", "TRUE", "F", "FALSE")


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
                general_feedback_format=text_format,
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
        general_format = text_format
        if separator >= 0:
            general_format, general_feedback = self.formatted(
                text[separator + 4 : answers.end], text_format
            )
            answers = block.trim(_Span(answers.start, separator))

        question = Question(
            type=QType.essay,
            text=question_text,
            name=name,
            text_format=text_format,
            general_feedback=general_feedback,
            general_feedback_format=general_format,
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
        """An answer and its feedback, each with its own format (the question's unless
        marked), as Moodle's commentparser() reads them."""
        text_part, _, feedback_part = raw.partition("#")
        text_format, text = self.formatted(text_part.strip(_WS), question.text_format)
        if not text:
            raise GiftError(line, "an answer has no text")
        feedback_format, feedback = self.formatted(
            feedback_part.strip(_WS), question.text_format
        )
        return Choice(
            text=text,
            fraction=fraction,
            feedback=feedback,
            text_format=text_format,
            feedback_format=feedback_format,
        )

    def read_short(self, block: _Block, answers: _Span, question: Question) -> None:
        question.type = QType.short
        pieces = self.answer_pieces(block, block.split(answers, "="), "'='")
        if not pieces:
            raise GiftError(block.line(answers.start), "a short answer question needs an answer")
        for piece in pieces:
            line = block.piece_line(piece)
            piece = block.trim(piece)
            fraction, raw = self.weight(block.get(piece), line, 1.0)
            choice = self.choice(raw, fraction, question, line)
            # Moodle keeps only the text of a short answer, which is matched as it is: its
            # [format] marker is dropped and the answer has Moodle's default format.
            choice.text_format = TextFormat.moodle
            question.choices.append(choice)
        self.check_full_marks(block.line(answers.start), [c.fraction for c in question.choices])

    def check_full_marks(self, line: int, fractions: list[float]) -> None:
        if max(fractions) != 1:
            best = _percent(max(fractions))
            self.warn(line, f"no answer gives full marks (the best gives {best}%)")

    def read_numerical(self, block: _Block, answers: _Span, question: Question) -> None:
        """Moodle's numerical answers; ``~...`` after them is "any other answer": a
        catch-all answer worth 0 with the feedback after its ``#`` (Moodle stores it as the
        answer ``*``)."""
        question.type = QType.numerical
        text = block.text
        span = _Span(answers.start + 1, answers.end)
        tilde = text.find("~", span.start, span.end)
        other: NumericalAnswer | None = None
        if tilde >= 0:
            ignored, _, feedback_part = text[tilde + 1 : span.end].partition("#")
            if ignored.strip(_WS):
                self.warn(
                    block.line(tilde),
                    f"'{_unescape(ignored.strip(_WS))}' between '~' and '#' is ignored, as "
                    "Moodle does: any other answer is written '~#feedback'",
                )
            feedback_format, feedback = self.formatted(
                feedback_part.strip(_WS), question.text_format
            )
            other = NumericalAnswer(
                value=0.0,
                tolerance=0.0,
                fraction=0.0,
                feedback=feedback,
                feedback_format=feedback_format,
                catch_all=True,
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
            _, value_text = self.formatted(value_part.strip(_WS), question.text_format)
            feedback_format, feedback = self.formatted(
                feedback_part.strip(_WS), question.text_format
            )
            if value_text == "*" or value_text.startswith("*:"):
                question.numerical.append(
                    NumericalAnswer(
                        value=0.0, tolerance=0.0, fraction=fraction, feedback=feedback,
                        feedback_format=feedback_format, catch_all=True,
                    )
                )
                continue
            value, tolerance = _numerical_value(value_text, line)
            if tolerance < 0:
                self.warn(line, "a negative tolerance is read as positive, as Moodle does")
                tolerance = -tolerance
            question.numerical.append(
                NumericalAnswer(
                    value=value,
                    tolerance=tolerance,
                    fraction=fraction,
                    feedback=feedback,
                    feedback_format=feedback_format,
                )
            )
        if other is not None:
            question.numerical.append(other)
        if not any(not answer.catch_all for answer in question.numerical):
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
            sub_format, sub_question = self.formatted(
                raw[:arrow].strip(_WS), question.text_format
            )
            answer = _unescape(raw[arrow + 2 :]).strip(_WS)
            if not answer:
                raise GiftError(line, "a matching pair has no answer after '->'")
            question.pairs.append(
                MatchPair(question=sub_question, answer=answer, question_format=sub_format)
            )
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
        bits = block.get(answers).split("#", 2)
        fmt = question.text_format
        _, answer = self.formatted(bits[0].strip(_WS), fmt)
        wrong = self.formatted(bits[1].strip(_WS), fmt) if len(bits) > 1 else (fmt, "")
        right = self.formatted(bits[2].strip(_WS), fmt) if len(bits) > 2 else (fmt, "")
        # Moodle: the first feedback is for a wrong answer, the second for a right one.
        question.correct = answer in ("T", "TRUE")
        true, false = (right, wrong) if question.correct else (wrong, right)
        question.true_feedback_format, question.true_feedback = true
        question.false_feedback_format, question.false_feedback = false


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
