"""Properties of the GIFT reader and writer (``app/questions/gift/``).

* Any text, however broken, gives questions (and warnings) or a :class:`GiftError` with a
  line of the text, never another exception; and what is read is in the reader's normal
  form (trimmed texts, Moodle grades, finite numbers, no character that was not in the
  file).
* What is read is written back into GIFT that reads as the same questions, unless the
  writer refuses it with its documented ``ValueError``; the written text is canonical
  (writing it again gives the same text).
* Questions built from the spec types, in the reader's normal form, come back equal from
  ``parse_gift(write_gift(questions))``.
"""

from __future__ import annotations

import dataclasses
import math
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.questions.gift.reader import parse_gift
from app.questions.gift.syntax import MOODLE_FRACTIONS, GiftError
from app.questions.gift.writer import write_gift
from app.questions.spec import (
    BLANK,
    Choice,
    GiftWarning,
    MatchPair,
    NumericalAnswer,
    QType,
    Question,
    TextFormat,
)
from tests.gift_settled import settled
from tests.properties.conftest import GIFT_TOKENS, NASTY, fixed, hostile_text

WS = " \t\n\r\0\x0b"  # what the reader trims (PHP's trim())


def line_count(text: str) -> int:
    return len(re.split(r"\r\n|\r|\n", text))


def without_lines(questions: list[Question]) -> list[Question]:
    return [dataclasses.replace(q, line=0) for q in questions]


def texts_of(question: Question) -> list[str]:
    texts = [
        question.text, question.name, question.general_feedback, question.true_feedback,
        question.false_feedback, question.id_number, question.category, *question.tags,
    ]  # fmt: skip
    for choice in question.choices:
        texts += [choice.text, choice.feedback]
    texts += [answer.feedback for answer in question.numerical]
    for pair in question.pairs:
        texts += [pair.question, pair.answer]
    return texts


def check_read(text: str, questions: list[Question], warnings: list[GiftWarning]) -> None:
    """What the reader promises about the questions it returns."""
    lines = line_count(text)
    # Every character of a question comes from the file, apart from the line breaks of
    # "\n" escapes and the BLANK of missing-word questions with a space around it.
    allowed = set(text) | {"\n", "_", " "}
    for warning in warnings:
        assert isinstance(warning, GiftWarning)
        assert 1 <= warning.line <= lines
        warning.message.encode("utf-8")  # no escape placeholder (a lone surrogate) leaks out
        assert warning.message
    for question in questions:
        assert isinstance(question, Question)
        assert 1 <= question.line <= lines
        for piece in texts_of(question):
            assert piece == piece.strip(WS), piece
            assert set(piece) <= allowed, set(piece) - allowed
        assert all(choice.text for choice in question.choices)
        fractions = [c.fraction for c in question.choices] + [
            a.fraction for a in question.numerical
        ]
        assert all(f in MOODLE_FRACTIONS for f in fractions)
        for answer in question.numerical:
            assert math.isfinite(answer.value), answer
            assert math.isfinite(answer.tolerance), answer
            assert answer.tolerance >= 0, answer
        kind = question.type
        if kind == QType.description:
            assert question.text
        elif kind == QType.single:
            assert len(question.choices) >= 2
            assert 1.0 in fractions
        elif kind == QType.multiple:
            assert len(question.choices) >= 2
        elif kind == QType.short:
            assert question.choices
        elif kind == QType.numerical:
            assert question.numerical
        elif kind == QType.matching:
            assert sum(1 for pair in question.pairs if pair.question) >= 2
            assert all(pair.answer for pair in question.pairs)
        elif kind == QType.truefalse:
            assert isinstance(question.correct, bool)


def read_or_error(text: str) -> tuple[list[Question], list[GiftWarning]] | None:
    """The questions of ``text``, or None after checking its GiftError."""
    try:
        questions, warnings = parse_gift(text, file="quiz.gift")
    except GiftError as exc:
        error = exc
    else:
        check_read(text, questions, warnings)
        return questions, warnings
    assert error.file == "quiz.gift"
    assert 1 <= error.line <= line_count(text), (error.line, line_count(text))
    assert error.message
    assert str(error) == f"quiz.gift:{error.line}: {error.message}"
    error.message.encode("utf-8")  # no escape placeholder (a lone surrogate) leaks out
    return None


# --------------------------------------------------------------------------- GIFT-shaped text

_piece = hostile_text(GIFT_TOKENS, max_pieces=6)
_item = st.builds(
    lambda marker, body: marker + body,
    st.sampled_from(["=", "~", "~%50%", "=%50%", "~%-100%", "=%10%", "#", "->", "####", ""]),
    _piece,
)
_block = st.builds(
    lambda comment, title, head, items, tail, sep: (
        comment + title + head + "{" + sep.join(items) + "}" + tail
    ),
    st.sampled_from(["", "// [id:Q1] [tag:a b]\n", "// c\n", "$CATEGORY: top/x\n\n"]),
    st.one_of(st.just(""), _piece.map(lambda name: f"::{name}::")),
    _piece,
    st.lists(_item, max_size=5),
    st.one_of(st.just(""), _piece),
    st.sampled_from([" ", "\n", "\r\n\t"]),
)
gift_like = st.lists(st.one_of(_block, _piece), max_size=5).map("\n\n".join)
any_text = st.one_of(hostile_text(GIFT_TOKENS), st.text(), gift_like)


# --------------------------------------------------------------------------- any text


@fixed(500)
@given(any_text)
@example("Q{#1e308..1.7e308}")  # an overflowing range read as an infinite number
@example("Q\ue000{T}")  # a private-use character was the reader's own escape placeholder
@example("A \ue002 B {=\ue001x ~y}")
def test_any_text_gives_questions_or_a_gift_error(text: str) -> None:
    read_or_error(text)


@pytest.mark.parametrize("text", ["Q{#1e308..1.7e308}", "Q{#-1.7e308..-1e308 #fb}"])
def test_a_range_too_large_for_a_number_is_a_gift_error(text: str) -> None:
    with pytest.raises(GiftError, match="not a number"):
        parse_gift(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Q\ue000{T}", "Q\ue000"),
        ("Q\ue003\ue004 \\: {T}", "Q\ue003\ue004 :"),
        ("A \ue002 B {=\ue001x ~y}", "A \ue002 B"),
    ],
)
def test_private_use_characters_are_text(text: str, expected: str) -> None:
    (question,), _ = parse_gift(text)
    assert question.text == expected
    if question.choices:
        assert question.choices[0].text == "\ue001x"


@fixed(400)
@given(st.one_of(gift_like, hostile_text(GIFT_TOKENS)))
def test_what_is_read_is_written_back_the_same(text: str) -> None:
    read = read_or_error(text)
    if read is None:
        return
    questions, _ = read
    try:
        written = write_gift(questions)
    except ValueError:
        return  # documented: a question GIFT cannot express
    again = read_or_error(written)
    assert again is not None, written
    assert without_lines(again[0]) == settled(without_lines(questions))
    assert write_gift(again[0]) == written


# --------------------------------------------------------------------------- spec questions

_TEXT_TOKENS = [t for t in GIFT_TOKENS if "\r" not in t] + [f" {BLANK} ", "\\", "[id:x]"]
_CHARS = st.characters(exclude_categories=("Cs",), exclude_characters="\r")
_raw = st.lists(
    st.one_of(
        st.sampled_from(_TEXT_TOKENS),
        st.sampled_from([c for c in NASTY if "\r" not in c]),
        st.text(_CHARS, max_size=5),
    ),
    max_size=8,
).map("".join)
# The reader's normal form: texts are trimmed, and never contain "\r" (a line break).
texts = _raw.map(lambda text: text.strip(WS))
filled = texts.filter(bool)
arrowless = filled.filter(lambda text: "->" not in text)
formats = st.sampled_from(list(TextFormat))
fractions = st.sampled_from(MOODLE_FRACTIONS)
numbers = st.floats(allow_nan=False, allow_infinity=False)
markers = texts.filter(lambda text: not re.search(r"[\x00-\x1f\x7f]", text))
ids = markers.filter(lambda text: "[tag:" not in text)
tags = st.lists(
    markers.filter(lambda text: text and "[id:" not in text and not re.search("[<>`]", text)),
    max_size=3,
)
categories = st.one_of(
    st.sampled_from(["", "top", "top/Sub: 1"]), texts.filter(lambda text: "\n" not in text)
)


def _question(kind: QType, **fields: st.SearchStrategy[object]) -> st.SearchStrategy[Question]:
    return st.builds(
        Question,
        type=st.just(kind),
        text=filled if kind == QType.description else texts,
        name=texts,
        text_format=formats,
        id_number=ids,
        tags=tags,
        category=categories,
        **fields,
    )


def _single(choices: list[Choice]) -> list[Choice]:
    """At least one answer worth 100% and one not (what GIFT can say with '=' and '~')."""
    choices = [dataclasses.replace(c) for c in choices]
    choices[0].fraction = 1.0
    if all(c.fraction == 1.0 for c in choices):
        choices[-1].fraction = 0.0
    return choices


def _matching(pairs: list[MatchPair], extra: list[MatchPair], where: int) -> list[MatchPair]:
    return pairs[:where] + extra + pairs[where:]


_choice = st.builds(Choice, text=filled, fraction=fractions, feedback=texts)
_short_choice = st.builds(
    Choice, text=arrowless, fraction=fractions, feedback=arrowless | st.just("")
)
questions = st.one_of(
    _question(QType.description),
    _question(QType.essay, general_feedback=texts),
    _question(
        QType.truefalse,
        correct=st.booleans(),
        true_feedback=texts,
        false_feedback=texts,
        general_feedback=texts,
    ),
    _question(
        QType.single,
        choices=st.lists(_choice, min_size=2, max_size=4).map(_single),
        general_feedback=texts,
    ),
    _question(
        QType.multiple,
        choices=st.lists(_choice, min_size=2, max_size=4),
        general_feedback=texts,
    ),
    _question(
        QType.short, choices=st.lists(_short_choice, min_size=1, max_size=3), general_feedback=texts
    ),
    _question(
        QType.numerical,
        numerical=st.lists(
            st.builds(
                NumericalAnswer,
                value=numbers,
                tolerance=numbers.map(abs),
                fraction=fractions,
                feedback=texts,
            ),
            min_size=1,
            max_size=3,
        ),
        general_feedback=texts,
    ),
    _question(
        QType.matching,
        pairs=st.builds(
            _matching,
            st.lists(
                st.builds(MatchPair, question=arrowless, answer=filled), min_size=2, max_size=4
            ),
            st.lists(st.builds(MatchPair, question=st.just(""), answer=filled), max_size=2),
            st.integers(min_value=0, max_value=4),
        ),
        general_feedback=texts,
    ),
)


@fixed(400)
@given(st.lists(questions, min_size=1, max_size=4))
@example([Question(type=QType.essay, text="Q", id_number="ends with a backslash \\")])
@example([Question(type=QType.essay, text="Q", id_number="a\\", tags=["b\\", "c"])])
@example([Question(type=QType.essay, text="\ue000 is text")])
@example([Question(type=QType.description, text="\ufeffstarts with a BOM")])
def test_questions_written_read_back_equal(qs: list[Question]) -> None:
    written = write_gift(qs)
    again, _ = parse_gift(written)
    assert without_lines(again) == settled(qs)
    assert write_gift(again) == written


@pytest.mark.parametrize(
    "question",
    [
        Question(type=QType.essay, text="Q", id_number="ends with a backslash \\"),
        Question(type=QType.essay, text="Q", id_number="a\\", tags=["b\\", "c"]),
        Question(type=QType.essay, text="Q", tags=["\\", "x"]),
        Question(type=QType.essay, text="\ue000 is text"),
        Question(type=QType.description, text="\ufeffstarts with a BOM"),
    ],
)
def test_hard_cases_written_read_back_equal(question: Question) -> None:
    (again,), warnings = parse_gift(write_gift([question]))
    assert warnings == []
    assert without_lines([again]) == settled(without_lines([question]))


# --------------------------------------------------------------------------- any question

_any_text = st.one_of(_raw, st.text(), hostile_text(GIFT_TOKENS, max_pieces=5))
_any_number = st.floats() | st.sampled_from(MOODLE_FRACTIONS)
any_questions = st.builds(
    Question,
    type=st.sampled_from(list(QType)),
    text=_any_text,
    name=_any_text,
    text_format=formats,
    general_feedback=_any_text,
    choices=st.lists(st.builds(Choice, _any_text, _any_number, _any_text), max_size=3),
    numerical=st.lists(
        st.builds(NumericalAnswer, _any_number, _any_number, _any_number, _any_text), max_size=2
    ),
    pairs=st.lists(st.builds(MatchPair, _any_text, _any_text), max_size=3),
    correct=st.none() | st.booleans(),
    true_feedback=_any_text,
    false_feedback=_any_text,
    id_number=_any_text,
    tags=st.lists(_any_text, max_size=2),
    category=_any_text,
)


@fixed(300)
@given(st.lists(any_questions, min_size=1, max_size=3))
def test_the_writer_refuses_or_writes_what_the_reader_reads(qs: list[Question]) -> None:
    """Any questions (not only the reader's normal form): the writer raises its documented
    ValueError or writes GIFT that reads as questions of the same types."""
    try:
        written = write_gift(qs)
    except ValueError:
        return
    again = read_or_error(written)
    assert again is not None, written
    assert [q.type for q in again[0]] == [q.type for q in qs]
