"""The editing form of one quiz question: valid forms of every type, the round trips
(form -> question -> GIFT -> question, and question -> form -> question), the error on the
right field with the typed values kept, and the rendered fields."""

from __future__ import annotations

import dataclasses
import re

import pytest
from jinja2 import Environment, FileSystemLoader

from app.authoring import question_parser
from app.authoring.question_forms import GRADE_CHOICES, QuestionForm, form_for
from app.authoring.question_parser import parse_form
from app.questions.gift.reader import parse_gift
from app.questions.gift.syntax import MOODLE_FRACTIONS, GiftError
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

SPECIAL = "a ~ b = c # d { e } f : g \\ h\nsecond line -> end"


def gift_round_trip(question: Question) -> Question:
    again, warnings = parse_gift(write_gift([question]))
    assert warnings == []
    assert len(again) == 1
    return dataclasses.replace(again[0], line=0)


def valid(qtype: QType, values: dict[str, str]) -> Question:
    question, form = parse_form(qtype, values)
    assert form.errors == {}
    assert question is not None
    assert gift_round_trip(question) == question
    return question


def invalid(qtype: QType, values: dict[str, str]) -> QuestionForm:
    question, form = parse_form(qtype, values)
    assert question is None
    assert form.errors
    for key, value in values.items():
        if not key.endswith("-grade"):
            assert form.values[key] == value  # kept as typed
    return form


def render(form: QuestionForm) -> str:
    env = Environment(loader=FileSystemLoader("app/templates"), autoescape=True)
    template = env.from_string(
        '{% from "authoring/_question_form.html" import question_fields %}'
        "{{ question_fields(form, grade_choices) }}"
    )
    return template.render(form=form, grade_choices=GRADE_CHOICES)


SINGLE = {
    "text": "Which network suits a CEO best?",
    "name": "Networks",
    "choice-0-text": "LinkedIn",
    "choice-0-grade": "100",
    "choice-0-feedback": "Yes: it is where peers read.",
    "choice-1-text": "TikTok",
    "choice-1-grade": "0",
    "choice-1-feedback": "",
    "choice-2-text": "Myspace",
    "choice-2-grade": "-50",
    "choice-2-feedback": "It is gone.",
    "choice-3-text": "",
    "choice-3-grade": "0",
    "choice-3-feedback": "",
    "general_feedback": "LinkedIn is the default.",
}
MULTIPLE = {
    "text": "Which are good habits?",
    "choice-0-text": "Post weekly",
    "choice-0-grade": "50",
    "choice-1-text": "Answer comments",
    "choice-1-grade": "50",
    "choice-2-text": "Buy followers",
    "choice-2-grade": "-100",
    "choice-2-feedback": "Never.",
    "choice-3-text": "",
    "choice-3-grade": "0",
}
THIRDS = {
    "text": "Pick the three.",
    "choice-0-text": "a",
    "choice-0-grade": "33.33333",
    "choice-1-text": "b",
    "choice-1-grade": "33.33333",
    "choice-2-text": "c",
    "choice-2-grade": "33.33333",
    "choice-3-text": "d",
    "choice-3-grade": "-33.33333",
}
TRUEFALSE = {
    "text": "A post needs a picture.",
    "correct": "false",
    "true_feedback": "Not always.",
    "false_feedback": "Right: text works too.",
}
SHORT = {
    "text": "Name the network for professionals.",
    "choice-0-text": "LinkedIn",
    "choice-0-grade": "100",
    "choice-1-text": "Linked*",
    "choice-1-grade": "50",
    "choice-1-feedback": "Almost.",
    "choice-2-text": "",
    "choice-2-grade": "100",
}
NUMERICAL = {
    "text": "How many characters fit in a post?",
    "numerical-0-value": "3000",
    "numerical-0-tolerance": "0",
    "numerical-0-grade": "100",
    "numerical-0-feedback": "Exactly.",
    "numerical-1-value": "2999.5",
    "numerical-1-tolerance": "1,5",
    "numerical-1-grade": "50",
    "numerical-2-value": "",
    "numerical-2-tolerance": "",
    "numerical-2-grade": "100",
}
MATCHING = {
    "text": "Match the network to its audience.",
    "pair-0-question": "LinkedIn",
    "pair-0-answer": "Professionals",
    "pair-1-question": "Instagram",
    "pair-1-answer": "Pictures",
    "pair-2-question": "",
    "pair-2-answer": "Fax users",
    "pair-3-question": "",
    "pair-3-answer": "",
}


# --------------------------------------------------------------------------- grades


def test_grade_choices_are_moodles_grades_best_first() -> None:
    values = [value for value, _ in GRADE_CHOICES]
    assert values[0] == "100"
    assert values[-1] == "-100"
    assert ("0", "0% (wrong)") in GRADE_CHOICES
    assert {"90", "50", "33.33333", "12.5", "5", "-5", "-33.33333"} <= set(values)
    assert len(values) == len(MOODLE_FRACTIONS)
    numbers = [float(v) for v in values]
    assert numbers == sorted(numbers, reverse=True)


# --------------------------------------------------------------------------- valid forms


def test_single() -> None:
    question = valid(QType.single, SINGLE)
    assert question == Question(
        type=QType.single,
        text="Which network suits a CEO best?",
        name="Networks",
        general_feedback="LinkedIn is the default.",
        choices=[
            Choice("LinkedIn", 1.0, "Yes: it is where peers read."),
            Choice("TikTok", 0.0),
            Choice("Myspace", -0.5, "It is gone."),
        ],
    )


def test_multiple() -> None:
    question = valid(QType.multiple, MULTIPLE)
    assert question.type == QType.multiple
    assert question.choices == [
        Choice("Post weekly", 0.5),
        Choice("Answer comments", 0.5),
        Choice("Buy followers", -1.0, "Never."),
    ]


def test_multiple_with_thirds_adds_up() -> None:
    question = valid(QType.multiple, THIRDS)
    assert [c.fraction for c in question.choices] == [0.3333333, 0.3333333, 0.3333333, -0.3333333]


def test_truefalse() -> None:
    question = valid(QType.truefalse, TRUEFALSE)
    assert question == Question(
        type=QType.truefalse,
        text="A post needs a picture.",
        correct=False,
        true_feedback="Not always.",
        false_feedback="Right: text works too.",
    )


def test_short() -> None:
    question = valid(QType.short, SHORT)
    assert question.type == QType.short
    assert question.choices == [Choice("LinkedIn", 1.0), Choice("Linked*", 0.5, "Almost.")]


def test_numerical() -> None:
    question = valid(QType.numerical, NUMERICAL)
    assert question.type == QType.numerical
    assert question.numerical == [
        NumericalAnswer(value=3000.0, tolerance=0.0, fraction=1.0, feedback="Exactly."),
        NumericalAnswer(value=2999.5, tolerance=1.5, fraction=0.5),
    ]


def test_numerical_tolerance_defaults_to_zero() -> None:
    question = valid(
        QType.numerical, {"text": "2 + 2?", "numerical-0-value": "4", "numerical-0-grade": "100"}
    )
    assert question.numerical == [NumericalAnswer(value=4.0, tolerance=0.0, fraction=1.0)]


def test_matching_with_an_extra_answer() -> None:
    question = valid(QType.matching, MATCHING)
    assert question.type == QType.matching
    assert question.pairs == [
        MatchPair("LinkedIn", "Professionals"),
        MatchPair("Instagram", "Pictures"),
        MatchPair("", "Fax users"),
    ]


def test_essay() -> None:
    question = valid(
        QType.essay, {"text": "Draft your first post.", "general_feedback": "Keep it short."}
    )
    assert question == Question(
        type=QType.essay, text="Draft your first post.", general_feedback="Keep it short."
    )


def test_description() -> None:
    question = valid(QType.description, {"text": "Read this first.", "name": "Intro"})
    assert question == Question(type=QType.description, text="Read this first.", name="Intro")


def test_text_format_is_kept() -> None:
    question = valid(QType.essay, {"text": "**Why?**", "text_format": "markdown"})
    assert question.text_format == TextFormat.markdown


def test_texts_are_trimmed_and_line_breaks_normalised() -> None:
    question = valid(
        QType.essay,
        {"text": "  first\r\nsecond\rthird \x00 ", "name": " title ", "general_feedback": " ok "},
    )
    assert question.text == "first\nsecond\nthird"
    assert question.name == "title"
    assert question.general_feedback == "ok"


def test_typed_grades_close_to_moodles_are_accepted() -> None:
    values = dict(THIRDS, **{"choice-0-grade": "33.33%", "choice-1-grade": "33.333"})
    question, form = parse_form(QType.multiple, values)
    assert question is not None
    assert question.choices[0].fraction == 0.3333333
    assert form.values["choice-0-grade"] == "33.33333"  # shown as the list writes it


def test_unknown_fields_are_not_kept() -> None:
    question, form = parse_form(
        QType.essay,
        {"text": "Why?", "csrf_token": "secret", "qtype": "essay", "choice-0-text": "x"},
    )
    assert question is not None
    assert set(form.values) == {"text"}


# --------------------------------------------------------------------------- GIFT specials


@pytest.mark.parametrize(
    ("qtype", "values"),
    [
        (QType.description, {"text": SPECIAL, "name": "::x:: {y}"}),
        (QType.essay, {"text": SPECIAL, "name": "n:a=m~e", "general_feedback": SPECIAL}),
        (
            QType.single,
            {
                "text": SPECIAL,
                "choice-0-text": "= ~ # { }",
                "choice-0-grade": "100",
                "choice-0-feedback": SPECIAL,
                "choice-1-text": "%50% [html] not a weight",
                "choice-1-grade": "0",
            },
        ),
        (
            QType.short,
            {
                "text": "// not a comment :: {brace}",
                "choice-0-text": "a#b~c=d",
                "choice-0-grade": "100",
                "choice-0-feedback": "x\ny",
            },
        ),
        (
            QType.truefalse,
            {"text": "[html] T {", "correct": "true", "true_feedback": "#", "false_feedback": "~="},
        ),
        (
            QType.numerical,
            {
                "text": "{#1:2}",
                "numerical-0-value": "-1.25",
                "numerical-0-tolerance": "0.05",
                "numerical-0-grade": "100",
                "numerical-0-feedback": "= ~ # -> :",
            },
        ),
        (
            QType.matching,
            {
                "text": SPECIAL,
                "pair-0-question": "a = b",
                "pair-0-answer": "c -> d",
                "pair-1-question": "{x}",
                "pair-1-answer": "#~",
                "pair-2-question": "e: f",
                "pair-2-answer": "g\\h",
            },
        ),
    ],
)
def test_gift_special_characters_round_trip(qtype: QType, values: dict[str, str]) -> None:
    question = valid(qtype, values)
    assert question.text == values["text"].strip()
    gift = write_gift([question])
    for char in "~={}#":
        if char in values["text"]:
            assert "\\" + char in gift
    assert "\\n" in gift or "\n" not in values["text"].strip()
    again, _ = parse_form(qtype, form_for(question, qtype).values)
    assert again == question


def test_missing_word_question_round_trips() -> None:
    values = dict(SHORT, text=f"The network for professionals is {BLANK}, mostly.")
    question = valid(QType.short, values)
    assert question.text == values["text"]
    # Moodle writes the gap as _____ in the text and the answers after it
    assert f"professionals is {BLANK}, mostly.{{\n\t=%100%LinkedIn#" in write_gift([question])


# --------------------------------------------------------------------------- form_for


EXISTING = [
    Question(type=QType.description, text="Intro", name="Start", text_format=TextFormat.html,
             general_feedback_format=TextFormat.html),
    Question(type=QType.essay, text="Why?", general_feedback="Because."),
    Question(type=QType.truefalse, text="Sky is blue", correct=True, true_feedback="Yes"),
    Question(
        type=QType.single,
        text="Pick",
        choices=[Choice("a", 1.0, "good"), Choice("b", -0.1428571), Choice("c", 0.0)],
    ),
    Question(
        type=QType.multiple,
        text="Pick some",
        choices=[Choice("a", 0.8333333), Choice("b", 0.1666667), Choice("c", -1.0, "no")],
    ),
    Question(type=QType.short, text="Say", choices=[Choice("x*", 1.0), Choice("y", 0.0, "no")]),
    Question(
        type=QType.numerical,
        text="Pi?",
        numerical=[
            NumericalAnswer(3.14159, 0.00001, 1.0, "yes"),
            NumericalAnswer(3.0, 0.5, 0.1),
            NumericalAnswer(1e20, 0.0, 0.05),
        ],
    ),
    Question(
        type=QType.matching,
        text="Match",
        pairs=[MatchPair("a", "1"), MatchPair("b", "2"), MatchPair("c", "3"), MatchPair("", "4")],
    ),
]


@pytest.mark.parametrize("question", EXISTING, ids=lambda q: q.type.value)
def test_form_round_trip(question: Question) -> None:
    form = form_for(question, question.type)
    assert form.type == question.type
    assert form.errors == {}
    again, shown = parse_form(question.type, form.values)
    assert shown.errors == {}
    assert again == question


def test_form_for_existing_shows_its_values_and_two_blank_rows() -> None:
    question = Question(
        type=QType.single,
        text="Pick",
        choices=[Choice(str(i), 1.0 if i == 0 else 0.0) for i in range(5)],
    )
    form = form_for(question, QType.single)
    assert form.rows == 7
    assert form.values["choice-0-text"] == "0"
    assert form.values["choice-0-grade"] == "100"
    assert form.values["choice-4-grade"] == "0"
    assert form.values["choice-6-text"] == ""
    assert form_for(EXISTING[6], QType.numerical).values["numerical-0-value"] == "3.14159"
    assert form_for(EXISTING[2], QType.truefalse).values["correct"] == "true"


@pytest.mark.parametrize(
    ("qtype", "rows"),
    [
        (QType.single, 4),
        (QType.multiple, 4),
        (QType.short, 4),
        (QType.numerical, 3),
        (QType.matching, 3),
        (QType.truefalse, 0),
        (QType.essay, 0),
        (QType.description, 0),
    ],
)
def test_blank_forms(qtype: QType, rows: int) -> None:
    form = form_for(None, qtype)
    assert form.type == qtype
    assert form.rows == rows
    assert form.values["text"] == ""
    assert ("general_feedback" in form.values) == (qtype != QType.description)
    question, shown = parse_form(qtype, form.values)
    assert question is None
    assert shown.errors["text"] == "Write the question text."


def test_blank_form_defaults() -> None:
    assert form_for(None, QType.single).values["choice-0-grade"] == "100"
    assert form_for(None, QType.single).values["choice-1-grade"] == "0"
    assert form_for(None, QType.multiple).values["choice-0-grade"] == "0"
    assert form_for(None, QType.short).values["choice-0-grade"] == "100"
    assert form_for(None, QType.numerical).values["numerical-2-grade"] == "100"
    assert form_for(None, QType.truefalse).values["correct"] == ""


def test_form_for_another_type_carries_the_answers_over() -> None:
    form = form_for(EXISTING[3], QType.multiple)
    assert form.type == QType.multiple
    assert form.values["text"] == "Pick"
    assert form.values["choice-1-text"] == "b"
    assert form.values["choice-1-grade"] == "-14.28571"


# --------------------------------------------------------------------------- errors


def test_empty_text() -> None:
    form = invalid(QType.essay, {"text": "   "})
    assert form.errors == {"text": "Write the question text."}


def test_text_too_long() -> None:
    form = invalid(QType.essay, {"text": "x" * 6000})
    assert "5,000" in form.errors["text"]
    assert len(form.values["text"]) == 6000


def test_name_too_long() -> None:
    form = invalid(QType.description, {"text": "Intro", "name": "n" * 201})
    assert "200" in form.errors["name"]


def test_unknown_text_format() -> None:
    form = invalid(QType.essay, {"text": "Why?", "text_format": "rtf"})
    assert set(form.errors) == {"text_format"}


def test_reserved_characters_are_refused_on_their_field() -> None:
    form = invalid(QType.essay, {"text": "Why?", "general_feedback": "odd \ue001 char"})
    assert set(form.errors) == {"general_feedback"}


def test_single_without_a_right_answer() -> None:
    values = dict(SINGLE, **{"choice-0-grade": "0"})
    form = invalid(QType.single, values)
    assert form.errors == {"choices": "Give the right answer a grade of 100%."}
    assert form.values["choice-0-text"] == "LinkedIn"


def test_single_with_only_right_answers() -> None:
    values = {"text": "Q", "choice-0-text": "a", "choice-0-grade": "100"}
    values |= {"choice-1-text": "b", "choice-1-grade": "100"}
    form = invalid(QType.single, values)
    assert "below 100%" in form.errors["choices"]


def test_single_needs_two_answers() -> None:
    form = invalid(QType.single, {"text": "Q", "choice-0-text": "a", "choice-0-grade": "100"})
    assert form.errors == {"choices": "Write at least 2 answers."}


def test_grade_not_in_the_list() -> None:
    form = invalid(QType.single, dict(SINGLE, **{"choice-1-grade": "45"}))
    assert set(form.errors) == {"choice-1-grade"}
    assert "45%" in form.errors["choice-1-grade"]
    assert form.values["choice-1-grade"] == "45"


def test_grade_that_is_not_a_number() -> None:
    form = invalid(QType.single, dict(SINGLE, **{"choice-0-grade": "lots"}))
    assert set(form.errors) == {"choice-0-grade"}


def test_short_answers_cannot_have_negative_grades() -> None:
    form = invalid(QType.short, dict(SHORT, **{"choice-1-grade": "-50"}))
    assert set(form.errors) == {"choice-1-grade"}


def test_short_answer_needs_full_marks() -> None:
    form = invalid(QType.short, {"text": "Q", "choice-0-text": "a", "choice-0-grade": "50"})
    assert "100%" in form.errors["choices"]


def test_short_answer_with_an_arrow() -> None:
    form = invalid(QType.short, dict(SHORT, **{"choice-0-text": "a -> b"}))
    assert set(form.errors) == {"choice-0-text"}


def test_half_filled_choice_row() -> None:
    form = invalid(QType.single, dict(SINGLE, **{"choice-3-feedback": "orphan feedback"}))
    assert set(form.errors) == {"choice-3-text"}
    assert form.values["choice-3-feedback"] == "orphan feedback"


def test_multiple_grades_must_add_up() -> None:
    form = invalid(QType.multiple, dict(MULTIPLE, **{"choice-1-grade": "40"}))
    assert form.errors == {
        "choices": "The positive grades add up to 90%: they must add up to 100%."
    }


def test_multiple_without_positive_grades() -> None:
    values = dict(MULTIPLE, **{"choice-0-grade": "0", "choice-1-grade": "0"})
    form = invalid(QType.multiple, values)
    assert set(form.errors) == {"choices"}


def test_truefalse_needs_the_answer() -> None:
    form = invalid(QType.truefalse, dict(TRUEFALSE, correct=""))
    assert set(form.errors) == {"correct"}
    form = invalid(QType.truefalse, dict(TRUEFALSE, correct="maybe"))
    assert set(form.errors) == {"correct"}


def test_numerical_value_not_a_number() -> None:
    form = invalid(QType.numerical, dict(NUMERICAL, **{"numerical-0-value": "three thousand"}))
    assert form.errors == {"numerical-0-value": "Write a number, for example 42 or 3.5."}
    assert form.values["numerical-0-value"] == "three thousand"


def test_numerical_tolerance() -> None:
    form = invalid(QType.numerical, dict(NUMERICAL, **{"numerical-1-tolerance": "-1"}))
    assert set(form.errors) == {"numerical-1-tolerance"}
    form = invalid(QType.numerical, dict(NUMERICAL, **{"numerical-1-tolerance": "a bit"}))
    assert set(form.errors) == {"numerical-1-tolerance"}


def test_numerical_half_filled_row() -> None:
    form = invalid(QType.numerical, dict(NUMERICAL, **{"numerical-2-tolerance": "1"}))
    assert set(form.errors) == {"numerical-2-value"}


def test_numerical_needs_an_answer_worth_full_marks() -> None:
    form = invalid(QType.numerical, dict(NUMERICAL, **{"numerical-0-grade": "90"}))
    assert set(form.errors) == {"numerical"}
    form = invalid(QType.numerical, {"text": "How many?"})
    assert set(form.errors) == {"numerical"}


def test_matching_half_filled_pair() -> None:
    form = invalid(QType.matching, dict(MATCHING, **{"pair-3-question": "Fax"}))
    assert set(form.errors) == {"pair-3-answer"}
    assert form.values["pair-3-question"] == "Fax"


def test_matching_needs_two_questions_and_three_answers() -> None:
    form = invalid(QType.matching, dict(MATCHING, **{"pair-2-answer": ""}))
    assert "3 answers" in form.errors["pairs"]
    form = invalid(QType.matching, dict(MATCHING, **{"pair-1-question": ""}))
    assert "2 pairs" in form.errors["pairs"]


def test_matching_question_with_an_arrow() -> None:
    form = invalid(QType.matching, dict(MATCHING, **{"pair-0-question": "a -> b"}))
    assert set(form.errors) == {"pair-0-question"}


def test_invalid_form_shows_filled_rows_and_two_blank_ones() -> None:
    values = dict(SINGLE, **{"choice-0-grade": "0", "choice-5-text": "far down"})
    form = invalid(QType.single, values)
    assert form.rows == 8
    assert form.values["choice-7-text"] == ""
    assert form.values["choice-7-grade"] == "0"


def test_writer_refusal_becomes_a_form_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(questions: list[Question]) -> str:
        raise ValueError("question 'x': the answer cannot be written")

    monkeypatch.setattr(question_parser, "write_gift", refuse)
    form = invalid(QType.essay, {"text": "Why?"})
    assert form.errors == {
        "form": "This question cannot be saved as GIFT: the answer cannot be written."
    }


def test_reader_error_becomes_a_form_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(text: str, file: str = "") -> None:
        raise GiftError(1, "something odd")

    monkeypatch.setattr(question_parser, "parse_gift", fail)
    form = invalid(QType.essay, {"text": "Why?"})
    assert form.errors == {"form": "This question cannot be saved as GIFT: something odd"}


# --------------------------------------------------------------------------- the template


def test_render_escapes_typed_values_and_shows_errors() -> None:
    values = dict(SINGLE, text="<script>alert(1)</script>", **{"choice-1-grade": "45"})
    values["choice-0-feedback"] = '"><b>x</b>'
    form = invalid(QType.single, values)
    html = render(form)
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;b&gt;x&lt;/b&gt;" in html
    assert '<input type="hidden" name="qtype" value="single">' in html
    assert re.search(
        r'id="qf-choice-1-grade" name="choice-1-grade" aria-invalid="true" '
        r'aria-describedby="qf-choice-1-grade-error"',
        html,
    )
    error = form.errors["choice-1-grade"]
    assert f'<p class="field-error" id="qf-choice-1-grade-error">{error}</p>' in html
    assert '<option value="45" selected>' in html
    assert "style=" not in html
    assert "<fieldset" in html and "<legend>Answer 1</legend>" in html
    assert '<label for="qf-text">' in html


def test_render_every_type() -> None:
    for qtype in QType:
        html = render(form_for(None, qtype))
        assert f'name="qtype" value="{qtype.value}"' in html
        assert 'name="text"' in html
        assert ('name="general_feedback"' in html) == (qtype != QType.description)
        assert "<script" not in html
        assert "style=" not in html
        for name in re.findall(r'id="(qf-[^"]+)"', html):
            assert html.count(f'id="{name}"') == 1  # ids are unique


def test_render_rows_per_type() -> None:
    html = render(form_for(None, QType.numerical))
    assert 'name="numerical-2-tolerance"' in html
    assert 'name="numerical-3-value"' not in html
    html = render(form_for(None, QType.matching))
    assert 'name="pair-2-answer"' in html
    html = render(form_for(EXISTING[2], QType.truefalse))
    assert 'id="qf-correct-true" name="correct" value="true" checked' in html
    assert 'value="false" checked' not in html


def test_render_negative_grades_only_for_choice_questions() -> None:
    assert 'value="-50"' in render(form_for(None, QType.multiple))
    assert 'value="-50"' not in render(form_for(None, QType.short))
    assert 'value="-50"' not in render(form_for(None, QType.numerical))


def test_render_group_and_form_errors() -> None:
    form = invalid(QType.single, dict(SINGLE, **{"choice-0-grade": "0"}))
    html = render(form)
    assert '<p class="field-error" id="qf-choices-error">Give the right answer' in html
    assert 'aria-describedby="qf-choices-hint qf-choices-error"' in html
    form.errors["form"] = "Whole <question> wrong"
    assert "Whole &lt;question&gt; wrong" in render(form)
