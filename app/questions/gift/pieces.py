"""The pieces of GIFT text below a question, read as Moodle reads them: escaped
characters, one question's block of lines cut into spans, numbers (value, value:tolerance,
min..max) and the ``[id:...]``/``[tag:...]`` markers of a question's comments."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from app.questions.gift.syntax import _WS, GiftError

# Escaped characters become placeholders while the structure is parsed (as Moodle's
# escapedchar_pre does), and the characters again in the texts (escapedchar_post). The
# placeholders are lone surrogates, which no text decoded from UTF-8 contains, so no
# character of a file can be mistaken for one (a private-use character could).
_ESCAPABLE = ":#={}~n"
_PLACEHOLDER = {c: chr(0xD800 + i) for i, c in enumerate(_ESCAPABLE)}
# A doubled backslash is one backslash, a backslash before an escapable character is a
# placeholder, any other backslash stays (one pass from the left, as Moodle reads them).
_ESCAPE = re.compile(r"\\([\\" + re.escape(_ESCAPABLE) + "])")
_UNESCAPE = str.maketrans({ph: ("\n" if c == "n" else c) for c, ph in _PLACEHOLDER.items()})

_ID = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
_TAG = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f\x7f])*)\]")
# PHP is_numeric(), without hexadecimal and surrounding blanks.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _escaped(match: re.Match[str]) -> str:
    char = match.group(1)
    return "\\" if char == "\\" else _PLACEHOLDER[char]


def _unescape(text: str) -> str:
    return text.translate(_UNESCAPE)


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
            piece = _ESCAPE.sub(_escaped, content) if "\\" in content else content
            chars.append(piece)
            where.extend([number] * len(piece))
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
