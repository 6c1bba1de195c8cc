"""The GIFT writer: canonical export against golden files, import -> export -> import
equality, export as a fixed point, and questions that need care to stay the same."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from pathlib import Path

import pytest

from app.questions.gift.reader import parse_gift
from app.questions.gift.writer import write_gift
from app.questions.spec import (
    BLANK,
    Choice,
    MatchPair,
    NumericalAnswer,
    QType,
    Question,
    TextFormat,
)
from tests.gift_settled import settled

GOLDEN = Path(__file__).resolve().parent / "golden"


def read(name: str) -> str:
    return (GOLDEN / name).read_text(encoding="utf-8")


def without_lines(questions: list[Question]) -> list[Question]:
    return [dataclasses.replace(q, line=0) for q in questions]


def round_trip(questions: list[Question]) -> list[Question]:
    """``questions`` written and read back; the export must read without warnings."""
    again, warnings = parse_gift(write_gift(questions))
    assert warnings == []
    return settled(without_lines(again))


# --------------------------------------------------------------------------- golden files


def test_every_construct_exports_to_the_golden_file() -> None:
    questions, warnings = parse_gift(read("every_construct.gift"))
    assert warnings == []
    assert write_gift(questions) == read("every_construct.expected.gift")


@pytest.mark.parametrize(
    "name", ["every_construct.gift", "every_construct.expected.gift", "large.gift"]
)
def test_import_export_import_gives_equal_questions(name: str) -> None:
    questions, _ = parse_gift(read(name))
    assert round_trip(questions) == settled(without_lines(questions))


@pytest.mark.parametrize("name", ["every_construct.gift", "large.gift"])
def test_export_is_a_fixed_point(name: str) -> None:
    questions, _ = parse_gift(read(name))
    exported = write_gift(questions)
    assert write_gift(parse_gift(exported)[0]) == exported


def test_the_expected_golden_file_is_canonical() -> None:
    text = read("every_construct.expected.gift")
    assert write_gift(parse_gift(text)[0]) == text


def test_every_construct_covers_every_type() -> None:
    questions, _ = parse_gift(read("every_construct.gift"))
    assert {q.type for q in questions} == set(QType)
    assert {q.text_format for q in questions} == set(TextFormat)
    assert any(BLANK in q.text for q in questions)
    assert any(q.id_number and q.tags for q in questions)
    assert len({q.category for q in questions}) == 2


def test_large_file() -> None:
    questions, warnings = parse_gift(read("large.gift"))
    assert warnings == []
    assert len(questions) == 69
    assert Counter(q.type for q in questions) == {
        QType.single: 14,
        QType.multiple: 8,
        QType.truefalse: 11,
        QType.short: 9,
        QType.numerical: 10,
        QType.matching: 7,
        QType.essay: 5,
        QType.description: 5,
    }
    assert sum(1 for q in questions if BLANK in q.text) == 9
    assert len({q.category for q in questions}) == 6
    assert sum(1 for q in questions if q.id_number) == 6
    assert sum(1 for q in questions if q.general_feedback) == 13
    assert all(q.name for q in questions)
    assert round_trip(questions) == settled(without_lines(questions))


def test_large_file_lines_point_at_the_titles() -> None:
    text = read("large.gift")
    lines = text.split("\n")
    questions, _ = parse_gift(text)
    for question in questions:
        assert lines[question.line - 1].startswith(f"::{question.name}::")


# --------------------------------------------------------------------------- canonical form


def test_canonical_form_of_each_type() -> None:
    questions = [
        Question(type=QType.description, text="Intro: read this.", name="Intro"),
        Question(
            type=QType.single,
            text="Pick one.",
            general_feedback="General.",
            choices=[Choice("a", 1.0, "Yes."), Choice("b", 0.0), Choice("c", -0.5, "No.")],
            id_number="Q1",
            tags=["x", "y z"],
        ),
        Question(
            type=QType.multiple,
            text="Pick some.",
            choices=[Choice("a", 0.5), Choice("b", 0.5), Choice("c", 0.0), Choice("d", -1.0)],
            category="top/Sub",
        ),
        Question(
            type=QType.truefalse,
            text="True?",
            correct=True,
            true_feedback="Right.",
            false_feedback="Wrong.",
            category="top/Sub",
        ),
        Question(type=QType.truefalse, text="False?", correct=False, false_feedback="Right."),
        Question(type=QType.short, text="Say it.", choices=[Choice("it", 1.0)]),
        Question(
            type=QType.short,
            text="Say them.",
            choices=[Choice("one", 1.0), Choice("two", 0.3333333, "A third.")],
        ),
        Question(
            type=QType.numerical, text="How many?", numerical=[NumericalAnswer(3.0, 0.5, 1.0)]
        ),
        Question(
            type=QType.numerical,
            text="How much?",
            numerical=[NumericalAnswer(2.5, 0.0, 1.0, "Exact."), NumericalAnswer(2.5, 1, 0.5)],
        ),
        Question(
            type=QType.matching,
            text="Match.",
            pairs=[MatchPair("a", "1"), MatchPair("b", "2"), MatchPair("", "3")],
        ),
        Question(type=QType.essay, text="Write.", general_feedback="Read later."),
        Question(type=QType.single, text=f"A {BLANK} b.", choices=[Choice("x", 1), Choice("y", 0)]),
    ]
    assert write_gift(questions) == (
        "// question: 1  name: Intro\n"
        "::Intro::Intro\\: read this.\n"
        "\n"
        "// question: 2  name: \n"
        "// [id:Q1] [tag:x] [tag:y z]\n"
        "Pick one.{\n"
        "\t=a#Yes.\n"
        "\t~b\n"
        "\t~%-50%c#No.\n"
        "\t####General.\n"
        "}\n"
        "\n"
        "\n"
        "// question: 0  name: Switch category to top/Sub\n"
        "$CATEGORY: top/Sub\n"
        "\n"
        "\n"
        "// question: 3  name: \n"
        "Pick some.{\n"
        "\t~%50%a\n"
        "\t~%50%b\n"
        "\t~c\n"
        "\t~%-100%d\n"
        "}\n"
        "\n"
        "\n"
        "// question: 4  name: \n"
        "True?{TRUE#Wrong.#Right.}\n"
        "\n"
        "\n"
        "// question: 0  name: Switch category to \n"
        "$CATEGORY: \n"
        "\n"
        "\n"
        "// question: 5  name: \n"
        "False?{FALSE##Right.}\n"
        "\n"
        "\n"
        "// question: 6  name: \n"
        "Say it.{\n"
        "\t=%100%it#\n"
        "}\n"
        "\n"
        "\n"
        "// question: 7  name: \n"
        "Say them.{\n"
        "\t=%100%one#\n"
        "\t=%33.33333%two#A third.\n"
        "}\n"
        "\n"
        "\n"
        "// question: 8  name: \n"
        "How many?{#\n"
        "\t=%100%3:0.5#\n"
        "}\n"
        "\n"
        "\n"
        "// question: 9  name: \n"
        "How much?{#\n"
        "\t=%100%2.5:0#Exact.\n"
        "\t=%50%2.5:1#\n"
        "}\n"
        "\n"
        "\n"
        "// question: 10  name: \n"
        "Match.{\n"
        "\t=a -> 1\n"
        "\t=b -> 2\n"
        "\t= -> 3\n"
        "}\n"
        "\n"
        "\n"
        "// question: 11  name: \n"
        "Write.{####Read later.}\n"
        "\n"
        "\n"
        "// question: 12  name: \n"
        "A _____ b.{\n"
        "\t=x\n"
        "\t~y\n"
        "}\n"
        "\n"
        "\n"
    )
    assert round_trip(questions) == settled(questions)


def test_full_marks_in_a_multiple_answer_question_are_a_weight() -> None:
    question = Question(type=QType.multiple, text="Q", choices=[Choice("a", 1.0), Choice("b", 0.0)])
    assert write_gift([question]) == "// question: 1  name: \nQ{\n\t~%100%a\n\t~b\n}\n\n\n"
    assert round_trip([question]) == settled([question])


def test_empty_list() -> None:
    assert write_gift([]) == ""


# --------------------------------------------------------------------------- careful cases

SPECIAL_TEXTS = [
    "plain",
    "a ~ b = c # d { e } f : g \\ h",
    "line one\nline two",
    "\\n is not a line break here",
    "ends with a backslash \\",
    "[html] looks like a format",
    "[moodle]",
    "%50% looks like a weight",
    "%",
    "// looks like a comment",
    "::looks:: like a title",
    "$CATEGORY: looks like a category",
    "#### looks like general feedback",
    "-> an arrow",
    "T",
    "FALSE",
    "unicode: é ü ß 漢字 🙂",
    f"with a {BLANK} in it",
]


@pytest.mark.parametrize("text", SPECIAL_TEXTS)
def test_special_texts_survive_everywhere(text: str) -> None:
    arrow_free = text.replace("->", "=>")
    questions = [
        Question(type=QType.description, text=text, name=text),
        Question(
            type=QType.single,
            text=text,
            name=text,
            general_feedback=text,
            choices=[Choice(text, 1.0, text), Choice(text + " 2", 0.0, text)],
        ),
        Question(
            type=QType.multiple,
            text=text,
            choices=[Choice(text, 0.5, text), Choice("b", 0.5), Choice(text, -1.0)],
        ),
        Question(
            type=QType.short,
            text=text,
            choices=[Choice(arrow_free, 1.0, arrow_free), Choice(arrow_free, 0.5)],
        ),
        Question(
            type=QType.numerical,
            text=text,
            general_feedback=text,
            numerical=[NumericalAnswer(1.0, 0.5, 1.0, text)],
        ),
        Question(
            type=QType.matching,
            text=text,
            general_feedback=text,
            pairs=[
                MatchPair(arrow_free, text),
                MatchPair(arrow_free + " 2", text),
                MatchPair("", text + " 3"),
            ],
        ),
        Question(
            type=QType.truefalse,
            text=text,
            correct=False,
            true_feedback=text,
            false_feedback=text,
            general_feedback=text,
        ),
        Question(type=QType.essay, text=text, general_feedback=text),
    ]
    assert round_trip(questions) == settled(questions)


@pytest.mark.parametrize("text_format", list(TextFormat))
def test_formats_survive(text_format: TextFormat) -> None:
    questions = [
        Question(
            type=QType.single,
            text="<b>Q</b>",
            text_format=text_format,
            general_feedback="[plain] not a format",
            choices=[Choice("[html]a", 1.0, "[markdown]f"), Choice("b", 0.0)],
        ),
        Question(type=QType.essay, text="", text_format=text_format),
        Question(
            type=QType.short, text="[html]x", text_format=text_format, choices=[Choice("a", 1)]
        ),
    ]
    assert round_trip(questions) == settled(questions)


@pytest.mark.parametrize(
    "text",
    [
        f"{BLANK} at the start",
        f"at the end {BLANK}",
        f"at the end with punctuation {BLANK}.",
        f"two  spaces  {BLANK}  around",
        f"a line break\n{BLANK}\nhere",
        f"tab\t{BLANK}\tafter",
        f"no{BLANK}spaces",
        f"two {BLANK} blanks {BLANK} here",
        BLANK,
    ],
)
def test_missing_word_texts_survive(text: str) -> None:
    questions = [
        Question(type=QType.single, text=text, choices=[Choice("a", 1.0), Choice("b", 0.0)]),
        Question(type=QType.numerical, text=text, numerical=[NumericalAnswer(7, 0, 1)]),
        Question(type=QType.truefalse, text=text, correct=True),
        Question(type=QType.essay, text=text),
    ]
    assert round_trip(questions) == settled(questions)


def test_missing_word_is_written_as_moodle_stores_it() -> None:
    # Moodle stores the gap as _____ in the text and writes the answers after the text,
    # which reads back as the same question (a text ending with "}" gets no gap).
    question = Question(type=QType.short, text=f"A  {BLANK} apple.", choices=[Choice("red", 1.0)])
    assert write_gift([question]) == (
        f"// question: 1  name: \nA  {BLANK} apple.{{\n\t=%100%red#\n}}\n\n\n"
    )
    assert round_trip([question]) == settled([question])


@pytest.mark.parametrize(
    "value", [0.0, -0.0, 1e-9, 1822.0, -2.5, 0.1 + 0.2, 1e20, 123456789.123, 2 / 3]
)
def test_numbers_survive(value: float) -> None:
    question = Question(
        type=QType.numerical,
        text="N?",
        numerical=[NumericalAnswer(value, abs(value) / 3, 1.0), NumericalAnswer(value, 0, 0.5)],
    )
    assert round_trip([question]) == settled([question])


def test_every_moodle_grade_survives() -> None:
    from app.questions.gift.syntax import MOODLE_FRACTIONS

    choices = [Choice(f"c{i}", fraction) for i, fraction in enumerate(MOODLE_FRACTIONS)]
    questions = [
        Question(type=QType.multiple, text="M", choices=choices),
        Question(type=QType.short, text="S", choices=choices),
        Question(
            type=QType.numerical,
            text="N",
            numerical=[NumericalAnswer(i, 0, f) for i, f in enumerate(MOODLE_FRACTIONS)],
        ),
    ]
    again, _ = parse_gift(write_gift(questions))
    assert without_lines(again) == questions


def test_metadata_and_categories_survive() -> None:
    questions = [
        Question(type=QType.essay, text="A", id_number="id ] with bracket", tags=["t]1", "t 2"]),
        Question(type=QType.essay, text="B", category="top/one: 1"),
        Question(type=QType.essay, text="C", category="top/one: 1", id_number="x"),
        Question(type=QType.essay, text="D", category="back\\slash"),
        Question(type=QType.essay, text="E", category=""),
        Question(type=QType.essay, text="F", name="Named", tags=["only a tag"]),
    ]
    text = write_gift(questions)
    assert text.count("$CATEGORY:") == 3
    assert round_trip(questions) == settled(questions)


def test_true_false_feedback_combinations_survive() -> None:
    questions = [
        Question(
            type=QType.truefalse,
            text="Q",
            correct=correct,
            true_feedback=true_feedback,
            false_feedback=false_feedback,
            general_feedback=general,
        )
        for correct in (True, False)
        for true_feedback in ("", "t")
        for false_feedback in ("", "f")
        for general in ("", "g")
    ]
    assert round_trip(questions) == settled(questions)


# --------------------------------------------------------------------------- what GIFT cannot say


@pytest.mark.parametrize(
    ("question", "fragment"),
    [
        (
            Question(type=QType.single, text="Q", choices=[Choice("a", 0.5), Choice("b", 0)]),
            "100%",
        ),
        (
            Question(type=QType.single, text="Q", choices=[Choice("a", 1), Choice("b", 1)]),
            "100%",
        ),
        (Question(type=QType.multiple, text="Q", choices=[Choice("a", 1)]), "2 answers"),
        (
            Question(type=QType.multiple, text="Q", choices=[Choice("a", 0.55), Choice("b", 0)]),
            "grade",
        ),
        (
            Question(type=QType.single, text="Q", choices=[Choice("", 1), Choice("b", 0)]),
            "no text",
        ),
        (Question(type=QType.short, text="Q", choices=[Choice("a -> b", 1)]), "'->'"),
        (Question(type=QType.short, text="Q"), "needs an answer"),
        (Question(type=QType.numerical, text="Q"), "needs an answer"),
        (
            Question(
                type=QType.numerical, text="Q", numerical=[NumericalAnswer(float("inf"), 0, 1)]
            ),
            "cannot write the number",
        ),
        (
            Question(
                type=QType.matching,
                text="Q",
                pairs=[MatchPair("a -> b", "1"), MatchPair("c", "2")],
            ),
            "cannot be written",
        ),
        (
            Question(type=QType.matching, text="Q", pairs=[MatchPair("a", "1")]),
            "2 questions",
        ),
        (Question(type=QType.truefalse, text="Q"), "needs its answer"),
        (Question(type=QType.description, text=""), "needs a text"),
        (Question(type=QType.description, text="D", general_feedback="g"), "general feedback"),
        (Question(type=QType.essay, text="Q", tags=["<b>"]), "tag"),
        (Question(type=QType.essay, text="Q", id_number="a\nb"), "id"),
        (Question(type=QType.essay, text="Q", category="a\nb"), "line break"),
    ],
)
def test_questions_gift_cannot_express_are_refused(question: Question, fragment: str) -> None:
    with pytest.raises(ValueError, match=re.escape(fragment)):
        write_gift([question])


# --------------------------------------------------------------------------- Moodle's details


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (3.0, "3"), (-2.5, "-2.5"), (0.005, "0.005"), (0.0001, "0.0001"), (1e-5, "1.0E-5"),
        (1.5e-7, "1.5E-7"), (1e13, "10000000000000"), (1e14, "1.0E+14"), (2.5e20, "2.5E+20"),
        (1822.0, "1822"), (0.1 + 0.2, "0.30000000000000004"),
    ],
)
def test_numbers_are_written_as_php_prints_them(value: float, written: str) -> None:
    # PHP's (string)$float: 14 significant digits, exponent below 1e-4 and from 1e15 on;
    # a number needing more digits keeps them all, so that it reads back unchanged.
    question = Question(type=QType.numerical, text="N?",
                        numerical=[NumericalAnswer(value, 0.5, 1.0)])
    assert f"\t=%100%{written}:0.5#\n" in write_gift([question])
    assert round_trip([question]) == settled([question])


def test_each_text_gets_its_marker_where_its_format_is_not_the_questions() -> None:
    question = Question(
        type=QType.single,
        text="<p>Q</p>",
        text_format=TextFormat.html,
        general_feedback="*g*",
        general_feedback_format=TextFormat.markdown,
        choices=[
            Choice("a", 1.0, "<em>yes</em>", TextFormat.html, TextFormat.html),
            Choice("<b>", 0.0, "no", TextFormat.plain, TextFormat.moodle),
        ],
    )
    assert write_gift([question]) == (
        "// question: 1  name: \n"
        "[html]<p>Q</p>{\n\t=a#<em>yes</em>\n\t~[plain]<b>#[moodle]no\n\t####[markdown]*g*\n}\n\n\n"
    )
    assert round_trip([question]) == settled([question])


def test_numerical_catch_alls_are_written_so_they_read_back() -> None:
    last = Question(type=QType.numerical, text="N?", numerical=[
        NumericalAnswer(3, 1, 1.0), NumericalAnswer(0, 0, 0.0, "No", catch_all=True)])
    assert "\t~#No\n}" in write_gift([last])  # Moodle's "any other answer"
    middle = Question(type=QType.numerical, text="N?", numerical=[
        NumericalAnswer(0, 0, 0.0, "Any", catch_all=True), NumericalAnswer(3, 1, 1.0)])
    worth = Question(type=QType.numerical, text="N?", numerical=[
        NumericalAnswer(3, 1, 1.0), NumericalAnswer(0, 0, 0.5, "Half", catch_all=True)])
    # Moodle writes "~#" for every "*": the answers after it, or its grade, would be lost
    assert "\t=%0%*#Any\n" in write_gift([middle])
    assert "\t=%50%*#Half\n" in write_gift([worth])
    assert round_trip([last, middle, worth]) == settled([last, middle, worth])


def test_the_header_comment_cannot_give_the_question_an_id_or_tags() -> None:
    question = Question(type=QType.essay, text="E", name="Two\nlines [id:x] [tag:y]")
    assert write_gift([question]).startswith(
        "// question: 1  name: Two lines [ id:x] [ tag:y]\n::Two\\nlines [id\\:x] [tag\\:y]::E{}"
    )
    assert round_trip([question]) == settled([question])
