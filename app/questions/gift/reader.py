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

from app.questions.gift.answers import _AnswerReader
from app.questions.gift.pieces import _Block, _metadata, _Span, _unescape
from app.questions.gift.syntax import _CATEGORY, _WS, GiftError, _blank_join
from app.questions.spec import GiftWarning, QType, Question, TextFormat

_TRUE_FALSE = ("T", "TRUE", "F", "FALSE")


class _Reader(_AnswerReader):
    def __init__(self) -> None:
        self.warnings: list[GiftWarning] = []
        self.questions: list[Question] = []
        self.category = ""

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

