"""Moodle GIFT: writing quiz questions as Moodle's exporter writes them
(``qformat_gift::writequestion()`` and the category lines of ``qformat_default``), which
:func:`app.questions.gift.reader.parse_gift` reads back into equal questions.

Where Moodle's own output would read back as another question (a text that starts like a
``[format]`` marker or a weight, an empty question text in another format than Moodle's,
a numerical "any other answer" that is not the last or is worth something, a name that
looks like an ``[id:...]`` in the header comment), Podium writes the smallest change that
reads back the same; nothing else differs from Moodle. As in Moodle, an empty answer or
feedback has no marker: it reads back in its question's format."""

from __future__ import annotations

import math
import re
from decimal import Decimal

from app.questions.gift.syntax import (
    _CATEGORY,
    _FORMATS,
    _WS,
    _snap_fraction,
)
from app.questions.spec import QType, Question, TextFormat

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


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _escape(text: str) -> str:
    return _normalise(text).translate(_ESCAPES)


def _starts_with_format(text: str) -> bool:
    close = text.find("]")
    return text.startswith("[") and close > 0 and text[1:close] in _FORMATS


def _text(
    text: str, text_format: TextFormat, default: TextFormat, *, weighted: bool = False
) -> str:
    """Moodle's write_questiontext(): ``[format]`` when a non-empty text's format is not
    ``default``, then the escaped text. The marker is also written where the text itself
    would otherwise be read as a marker (or, where a weight may stand, as a weight): Moodle
    omits it there and reads back another text."""
    marker = text != "" and text_format != default
    if _starts_with_format(text) or (weighted and text.startswith("%")):
        marker = True
    return (f"[{text_format.value}]" if marker else "") + _escape(text)


def _php_number(value: float) -> str:
    """A number as PHP prints a float (``(string)$float``, 14 significant digits: ``3``,
    ``0.5``, ``1.0E-5``, ``1.0E+15``), but with every digit Python's shortest repr needs,
    so that a number with more than 14 reads back unchanged."""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"cannot write the number {value!r} in GIFT")
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    text = "".join(map(str, digits))
    point = len(text) + int(exponent)  # the value is 0.<text> * 10**point
    minus = "-" if sign else ""
    if point < -3 or point > max(14, len(text)):
        mantissa = text[0] + "." + (text[1:] or "0")
        power = point - 1
        return f"{minus}{mantissa}E{'+' if power >= 0 else '-'}{abs(power)}"
    if point <= 0:
        return f"{minus}0.{'0' * -point}{text}"
    if point >= len(text):
        return minus + text + "0" * (point - len(text))
    return f"{minus}{text[:point]}.{text[point:]}"


def _weight(fraction: float) -> str:
    """A fraction as Moodle writes its weight: ``100 * fraction`` printed by PHP."""
    return f"%{_php_number(round(fraction * 100, 5))}%"


def _general_feedback(question: Question, indent: str) -> str:
    """Moodle's write_general_feedback(): ``####`` and the text (with ``indent`` before it
    and a line break after it if ``indent`` is not empty), or nothing."""
    text = _text(question.general_feedback, question.general_feedback_format,
                 question.text_format)
    if not text:
        return ""
    return f"{indent}####{text}\n" if indent else f"####{text}"


def _feedback(text: str, text_format: TextFormat, question: Question) -> str:
    return _text(text, text_format, question.text_format)


def _choice_lines(question: Question) -> list[str]:
    lines: list[str] = []
    single = question.type == QType.single
    for choice in question.choices:
        if choice.fraction == 1 and single:
            marker = "="
        elif choice.fraction == 0:
            marker = "~"
        else:
            marker = "~" + _weight(choice.fraction)
        line = marker + _text(choice.text, choice.text_format, question.text_format,
                              weighted=True)
        if choice.feedback != "":
            line += "#" + _feedback(choice.feedback, choice.feedback_format, question)
        lines.append(line)
    return lines


def _short_lines(question: Question) -> list[str]:
    # A short answer has no format: Moodle writes its text escaped, without a marker (one is
    # added only where the text would be read as one).
    return [
        "=" + _weight(choice.fraction)
        + _text(choice.text, TextFormat.moodle, TextFormat.moodle)
        + "#" + _feedback(choice.feedback, choice.feedback_format, question)
        for choice in question.choices
    ]


def _numerical_lines(question: Question) -> list[str]:
    lines: list[str] = []
    last = len(question.numerical) - 1
    for index, answer in enumerate(question.numerical):
        feedback = _feedback(answer.feedback, answer.feedback_format, question)
        if answer.catch_all and answer.fraction == 0 and index == last:
            lines.append("~#" + feedback)  # Moodle's "any other answer"
        elif answer.catch_all:
            # Moodle writes every "*" as "~#": here that would drop the grade, or take the
            # answers after it as its feedback. "=%weight%*" is the same answer to Moodle.
            lines.append(f"={_weight(answer.fraction)}*#{feedback}")
        else:
            value = f"{_php_number(answer.value)}:{_php_number(answer.tolerance)}"
            lines.append(f"={_weight(answer.fraction)}{value}#{feedback}")
    return lines


def _pair_lines(question: Question) -> list[str]:
    return [
        "=" + _text(pair.question, pair.question_format, question.text_format)
        + " -> " + _escape(pair.answer)
        for pair in question.pairs
    ]


_LINES = {
    QType.single: _choice_lines,
    QType.multiple: _choice_lines,
    QType.short: _short_lines,
    QType.numerical: _numerical_lines,
    QType.matching: _pair_lines,
}


def _truefalse_block(question: Question) -> str:
    true = _feedback(question.true_feedback, question.true_feedback_format, question)
    false = _feedback(question.false_feedback, question.false_feedback_format, question)
    answer, right, wrong = ("TRUE", true, false) if question.correct else ("FALSE", false, true)
    if wrong:
        answer += "#" + wrong
    elif right:
        answer += "#"
    if right:
        answer += "#" + right
    return "{" + answer + _general_feedback(question, "") + "}\n"


def _question_text(question: Question) -> str:
    """The name and the question text, as Moodle's write_name() and write_questiontext()."""
    text = _normalise(question.text)
    head = f"::{_escape(question.name)}::" if question.name else ""
    # Without a name, a text starting with "//" would be a comment (and a byte order mark
    # dropped): the [format] marker keeps it a text.
    protect = not head and text.startswith(("//", "\ufeff"))
    # An empty question text keeps its marker too: the other texts' formats follow it.
    if protect or (not text and question.text_format != TextFormat.moodle):
        return head + f"[{question.text_format.value}]" + _escape(text)
    return head + _text(text, question.text_format, TextFormat.moodle)


def _header_name(name: str) -> str:
    """The name in the header comment, on one line and without [id:...]/[tag:...] markers
    (which the comment would otherwise give the question)."""
    name = re.sub(r"[\r\n]+", " ", name)
    return re.sub(r"\[(id|tag):", r"[ \1:", name)


def write_question(question: Question, *, number: int) -> str:
    """One question as Moodle's writequestion() writes it: the comment
    ``// question: <number>  name: <name>`` (Moodle writes its database id; Podium the
    question's number in its file), the ``[id:...]``/``[tag:...]`` comment, the question,
    and the blank line after it."""
    _check_writable(question)
    out = f"// question: {number}  name: {_header_name(question.name)}\n"
    markers: list[str] = []
    if question.id_number.strip(_WS):
        markers.append(f"[id:{_marker(question.id_number)}]")
    markers += [f"[tag:{_marker(tag)}]" for tag in question.tags]
    if markers:
        out += "// " + " ".join(markers) + "\n"
    out += _question_text(question)
    kind = question.type
    if kind == QType.essay:
        out += "{" + _general_feedback(question, "") + "}\n"
    elif kind == QType.truefalse:
        out += _truefalse_block(question)
    elif kind != QType.description:
        opening = "{#\n" if kind == QType.numerical else "{\n"
        lines = "".join(f"\t{line}\n" for line in _LINES[kind](question))
        out += opening + lines + _general_feedback(question, "\t") + "}\n"
    return out + "\n"


def _category(path: str) -> str:
    """Moodle's category line, written as a question of its own (number 0)."""
    path = _normalise(path).replace("\\", "\\\\")
    return f"// question: 0  name: Switch category to {path}\n{_CATEGORY} {path}\n\n"


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
        if not answer.catch_all:
            _php_number(answer.value)
            _php_number(answer.tolerance)
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
        if all(answer.catch_all for answer in question.numerical):
            raise ValueError(f"question {label}: a numerical question needs an answer")
    elif kind == QType.matching:
        if len(question.pairs) < 2 or sum(1 for p in question.pairs if p.question) < 2:
            raise ValueError(f"question {label}: a matching question needs 2 questions")
        for pair in question.pairs:
            if "->" in pair.question or not pair.answer.strip(_WS):
                raise ValueError(f"question {label}: the pair {pair!r} cannot be written")
    elif kind == QType.truefalse and question.correct is None:
        raise ValueError(f"question {label}: a true/false question needs its answer")


def _marker(value: str) -> str:
    """An id or tag inside its ``[id:...]``/``[tag:...]``: ``]`` escaped, and a blank
    before the closing ``]`` after a final backslash, which would otherwise escape it (the
    reader trims the blank, as Moodle does)."""
    value = value.replace("]", "\\]")
    return value + " " if value.endswith("\\") else value


def write_gift(questions: list[Question]) -> str:
    """The GIFT file Moodle's exporter writes for ``questions``: a ``$CATEGORY:`` line
    where the category changes, each question (numbered from 1 in its header comment)
    followed by an empty line. :func:`parse_gift` reads it back into equal questions (apart
    from ``line``). Raises ValueError for a question GIFT cannot express (e.g. a
    single-answer question without a 100% answer)."""
    parts: list[str] = []
    category = ""
    for number, question in enumerate(questions, start=1):
        if question.category != category:
            category = question.category
            parts.append(_category(category) + "\n")
        parts.append(write_question(question, number=number) + "\n")
    return "".join(parts)
