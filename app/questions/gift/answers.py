"""Moodle GIFT: reading the answers of one question, type by type, as Moodle's importer
(``qformat_gift::readquestion()``) reads them, with each text's own ``[format]``.

Names starting with ``_`` are shared by the modules of ``app.questions.gift`` only."""

from __future__ import annotations

import re

from app.questions.gift.pieces import _Block, _numerical_value, _Span, _unescape
from app.questions.gift.syntax import (
    _FORMATS,
    _WS,
    MOODLE_FRACTIONS,
    GiftError,
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


class _AnswerReader:
    """The answer readers of :class:`app.questions.gift.reader._Reader`."""

    warnings: list[GiftWarning]

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(GiftWarning(line=line, message=message))

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

    # -- the answers of each type

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
