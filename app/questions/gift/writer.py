"""Moodle GIFT: writing quiz questions as canonical GIFT text, which Moodle imports and
:func:`app.questions.gift.reader.parse_gift` reads back into equal questions."""

from __future__ import annotations

import math
import re

from app.questions.gift.syntax import (
    _CATEGORY,
    _FORMATS,
    _WS,
    _blank_join,
    _percent,
    _snap_fraction,
)
from app.questions.spec import BLANK, QType, Question, TextFormat

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
