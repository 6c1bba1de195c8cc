"""The GIFT reader: small inputs per construct and the Question structures they give, the
type-detection rules of Moodle's importer, syntax errors with their line, and warnings."""

from __future__ import annotations

import pytest

from app.questions.gift.reader import parse_gift
from app.questions.gift.syntax import GiftError
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


def parse_one(text: str) -> Question:
    """The only question of ``text``, which must give no warnings."""
    questions, warnings = parse_gift(text)
    assert warnings == []
    assert len(questions) == 1, questions
    return questions[0]


def warned(text: str) -> tuple[Question, list[GiftWarning]]:
    questions, warnings = parse_gift(text)
    assert len(questions) == 1, questions
    return questions[0], warnings


def error(text: str) -> GiftError:
    with pytest.raises(GiftError) as caught:
        parse_gift(text)
    return caught.value


# --------------------------------------------------------------------------- the file


def test_empty_file_has_no_questions() -> None:
    assert parse_gift("") == ([], [])
    assert parse_gift("\n\n  \n// only a comment\n") == ([], [])


def test_questions_are_separated_by_blank_lines() -> None:
    text = "One.{T}\n\n\n\nTwo.{F}\n   \nThree.{TRUE}\n"
    questions, _ = parse_gift(text)
    assert [q.text for q in questions] == ["One.", "Two.", "Three."]
    assert [q.line for q in questions] == [1, 5, 7]


def test_a_question_may_span_lines() -> None:
    question = parse_one("Which\n  one?\n{\n  =a\n  ~b\n}\n")
    assert question.text == "Which\none?"
    assert question.choices == [Choice("a", 1.0), Choice("b", 0.0)]


def test_line_is_the_first_line_of_the_question_text() -> None:
    questions, _ = parse_gift("\n\n// comment\n// [id:x]\n::T::Q{T}\n")
    assert questions[0].line == 5


@pytest.mark.parametrize(
    "text",
    [
        "Q?{=a ~b}\r\n\r\nR?{T}\r\n",
        "\ufeffQ?{=a ~b}\n\nR?{T}\n",
        "Q?{=a ~b}\r\rR?{T}\r",
        "Q?{=a ~b}   \n \t \nR?{T}\t\n",
        "   Q?{=a ~b}\n\n  R?{T}",
    ],
)
def test_crlf_bom_cr_and_blanks_are_tolerated(text: str) -> None:
    questions, warnings = parse_gift(text)
    assert warnings == []
    assert [(q.text, q.type) for q in questions] == [
        ("Q?", QType.single),
        ("R?", QType.truefalse),
    ]
    assert [q.line for q in questions] == [1, 3]


def test_crlf_inside_a_question() -> None:
    question = parse_one("Line one\r\nline two{\r\n=a\r\n~b\r\n}\r\n")
    assert question.text == "Line one\nline two"
    assert [c.text for c in question.choices] == ["a", "b"]


# --------------------------------------------------------------------------- comments


def test_comments_are_ignored() -> None:
    text = "// header\n\n// before\nQ?{\n// inside\n=a\n~b // not a comment\n}\n// after\n"
    question = parse_one(text)
    assert question.text == "Q?"
    assert question.choices == [Choice("a", 1.0), Choice("b // not a comment", 0.0)]
    assert question.id_number == ""
    assert question.tags == []


def test_id_and_tags_from_comments() -> None:
    text = "// [id:Q-1] [tag:geography] [tag:capital cities]\n::T::Q?{=a ~b}\n"
    question = parse_one(text)
    assert question.id_number == "Q-1"
    assert question.tags == ["geography", "capital cities"]


def test_id_and_tags_on_several_comment_lines_and_after_the_question() -> None:
    text = "// question: 12  name: T\n// [tag:one]\nQ?{T}\n// [id: ID 7 ] [tag: two ]\n"
    question = parse_one(text)
    assert question.id_number == "ID 7"
    assert question.tags == ["one", "two"]


def test_escaped_bracket_in_id_and_tags() -> None:
    question = parse_one("// [id:a\\]b] [tag:c\\]d] [tag:]\nQ?{T}\n")
    assert question.id_number == "a]b"
    assert question.tags == ["c]d"]  # an empty tag is dropped


def test_only_the_first_id_counts() -> None:
    assert parse_one("// [id:first] [id:second]\nQ?{T}").id_number == "first"


def test_metadata_separated_by_a_blank_line_is_lost_with_a_warning() -> None:
    questions, warnings = parse_gift("// [id:lost] [tag:lost]\n\nQ?{T}\n")
    assert questions[0].id_number == ""
    assert questions[0].tags == []
    assert [w.line for w in warnings] == [1]
    assert "belong to no question" in warnings[0].message


# --------------------------------------------------------------------------- categories


def test_category_applies_to_following_questions() -> None:
    text = (
        "A{T}\n\n$CATEGORY: $course$/top/First\n\nB{T}\n\nC{T}\n\n"
        "$CATEGORY:   $course$/top/Second: part 2  \n\nD{T}\n"
    )
    questions, warnings = parse_gift(text)
    assert warnings == []
    assert [(q.text, q.category) for q in questions] == [
        ("A", ""),
        ("B", "$course$/top/First"),
        ("C", "$course$/top/First"),
        ("D", "$course$/top/Second: part 2"),
    ]


def test_category_is_not_a_question_and_may_be_empty() -> None:
    questions, _ = parse_gift("$CATEGORY: x\n\nA{T}\n\n$CATEGORY:\n\nB{T}\n")
    assert [q.category for q in questions] == ["x", ""]


def test_category_must_be_followed_by_a_blank_line() -> None:
    problem = error("$CATEGORY: x\nQ?{T}\n")
    assert problem.line == 2
    assert "$CATEGORY" in problem.message


def test_escaped_category_marker_is_text() -> None:
    question = parse_one("$CATEGORY\\: not a category")
    assert question.type == QType.description
    assert question.text == "$CATEGORY: not a category"


# --------------------------------------------------------------------------- titles


def test_title() -> None:
    question = parse_one("::My title:: What?{T}")
    assert question.name == "My title"
    assert question.text == "What?"


def test_title_with_escapes_and_blanks() -> None:
    question = parse_one("::  A\\: b \\{c\\} ::What?{T}")
    assert question.name == "A: b {c}"


def test_empty_title() -> None:
    question = parse_one("::::What?{T}")
    assert question.name == ""
    assert question.text == "What?"


def test_unclosed_title_is_text_with_a_warning() -> None:
    question, warnings = warned("::Not closed: what?{T}")
    assert question.name == ""
    assert question.text == "Not closed: what?"
    assert [w.line for w in warnings] == [1]
    assert "never closed" in warnings[0].message


def test_title_on_its_own_line() -> None:
    question = parse_one("::Title::\nWhat?{T}")
    assert (question.name, question.text) == ("Title", "What?")


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("", TextFormat.moodle),
        ("[moodle]", TextFormat.moodle),
        ("[html]", TextFormat.html),
        ("[plain]", TextFormat.plain),
        ("[markdown]", TextFormat.markdown),
    ],
)
def test_text_format(prefix: str, expected: TextFormat) -> None:
    question = parse_one(f"::T::{prefix}<b>What</b>?{{T}}")
    assert question.text_format == expected
    assert question.text == "<b>What</b>?"


def test_format_without_title() -> None:
    question = parse_one("[html]<p>What?</p>{T}")
    assert question.text_format == TextFormat.html
    assert question.text == "<p>What?</p>"


@pytest.mark.parametrize("text", ["[HTML]x", "[unknown]x", "[1] x", "x [html]y"])
def test_unknown_format_stays_in_the_text(text: str) -> None:
    question = parse_one(text + "{T}")
    assert question.text_format == TextFormat.moodle
    assert question.text == text


def test_answers_and_feedback_take_the_question_format_by_default() -> None:
    question = parse_one("[html]Q?{=[html]<b>a</b>#[html]<i>yes</i> ~b#no ####<p>gf</p>}")
    html = TextFormat.html
    assert question.choices == [
        Choice("<b>a</b>", 1.0, "<i>yes</i>", text_format=html, feedback_format=html),
        Choice("b", 0.0, "no", text_format=html, feedback_format=html),
    ]
    assert question.general_feedback == "<p>gf</p>"
    assert question.general_feedback_format == html


def test_another_format_on_an_answer_or_feedback_is_kept() -> None:
    question, warnings = warned("Q?{\n=[plain]a\n~b#[html]<b>no</b>\n####[markdown]*gf*\n}")
    assert warnings == []
    assert question.text_format == TextFormat.moodle
    assert question.choices == [
        Choice("a", 1.0, text_format=TextFormat.plain),
        Choice("b", 0.0, "<b>no</b>", feedback_format=TextFormat.html),
    ]
    assert question.general_feedback == "*gf*"
    assert question.general_feedback_format == TextFormat.markdown


def test_true_false_feedback_formats_follow_their_answers() -> None:
    question = parse_one("[html]<p>Q</p>{FALSE#[plain]wrong <b>#right####[markdown]*g*}")
    assert question.true_feedback == "wrong <b>"  # the first feedback: for a wrong answer
    assert question.true_feedback_format == TextFormat.plain
    assert question.false_feedback_format == TextFormat.html
    assert question.general_feedback_format == TextFormat.markdown


def test_short_answers_drop_their_format_as_moodle_does() -> None:
    question = parse_one("[html]Q?{=[plain]Paris#[plain]<b>yes</b>}")
    assert question.choices == [
        Choice("Paris", 1.0, "<b>yes</b>", feedback_format=TextFormat.plain)
    ]


def test_general_feedback_format_needs_to_follow_the_separator_directly() -> None:
    # Moodle looks for the format before trimming the general feedback
    question = parse_one("Q?{T#### [html]x}")
    assert question.general_feedback == "[html]x"


# --------------------------------------------------------------------------- escapes


@pytest.mark.parametrize(
    ("escaped", "literal"),
    [
        ("\\~", "~"),
        ("\\=", "="),
        ("\\#", "#"),
        ("\\{", "{"),
        ("\\}", "}"),
        ("\\:", ":"),
        ("\\\\", "\\"),
        ("\\n", "\n"),
    ],
)
def test_every_escape_everywhere(escaped: str, literal: str) -> None:
    e = escaped
    text = (
        f"::Title {e} x::Text {e} x{{\n=Right {e} x#Feedback {e} x\n~Wrong {e} x\n"
        f"####General {e} x\n}}"
    )
    question = parse_one(text)
    assert question.name == f"Title {literal} x"
    assert question.text == f"Text {literal} x"
    assert question.choices == [
        Choice(f"Right {literal} x", 1.0, f"Feedback {literal} x"),
        Choice(f"Wrong {literal} x", 0.0),
    ]
    assert question.general_feedback == f"General {literal} x"


@pytest.mark.parametrize(
    ("escaped", "literal"),
    [("\\~", "~"), ("\\=", "="), ("\\#", "#"), ("\\{", "{"), ("\\:", ":"), ("\\n", "\n")],
)
def test_escapes_in_matching_true_false_and_descriptions(escaped: str, literal: str) -> None:
    match = parse_one(f"M{{=a{escaped}b -> c{escaped}d =e -> f =-> g{escaped}h}}")
    assert match.pairs[0] == MatchPair(f"a{literal}b", f"c{literal}d")
    assert match.pairs[2] == MatchPair("", f"g{literal}h")
    truefalse = parse_one(f"T{{T#w{escaped}#r{escaped}x}}")
    assert (truefalse.false_feedback, truefalse.true_feedback) == (
        f"w{literal}".strip(),
        f"r{literal}x",
    )
    description = parse_one(f"Just {escaped} text")
    assert description.text == f"Just {literal} text"


def test_escaped_backslash_before_a_special_character() -> None:
    question = parse_one("a \\\\{=b ~c}")  # \\ is a backslash; the brace is not escaped
    assert question.text == "a \\"
    assert question.type == QType.single


def test_escaped_backslash_then_escape() -> None:
    assert parse_one("a \\\\\\{ b").text == "a \\{ b"


def test_unknown_escapes_are_kept() -> None:
    assert parse_one("a \\x \\t \\[ b").text == "a \\x \\t \\[ b"


def test_escaped_characters_do_not_change_the_type() -> None:
    question = parse_one("Q?{=a\\~b}")  # no unescaped ~: a short answer
    assert question.type == QType.short
    assert question.choices == [Choice("a~b", 1.0)]


def test_escaped_hash_in_feedback_is_not_general_feedback() -> None:
    question = parse_one("Q?{=a#x \\#\\#\\#\\# y ~b}")
    assert question.choices[0].feedback == "x #### y"
    assert question.general_feedback == ""


def test_escaped_newlines_are_trimmed_at_the_ends() -> None:
    assert parse_one("\\nText\\n{T}").text == "Text"


# --------------------------------------------------------------------------- description, essay


def test_description() -> None:
    question = parse_one("::Intro::[html]<p>Read this first.</p>")
    assert question == Question(
        type=QType.description,
        text="<p>Read this first.</p>",
        name="Intro",
        text_format=TextFormat.html,
        general_feedback_format=TextFormat.html,  # as Moodle: the question text's format
        line=1,
    )
    assert not question.graded


def test_essay() -> None:
    question = parse_one("::E::Write about it.{}")
    assert question == Question(type=QType.essay, text="Write about it.", name="E", line=1)
    assert question.graded and not question.auto_graded


def test_essay_with_blank_answers_and_general_feedback() -> None:
    assert parse_one("Write.{ \n }").type == QType.essay
    question = parse_one("Write.{####A trainer reads it.}")
    assert question.type == QType.essay
    assert question.general_feedback == "A trainer reads it."


# --------------------------------------------------------------------------- multiple choice


def test_single_answer_multiple_choice() -> None:
    question = parse_one(
        "::Capital::What is the capital of France?{=Paris#Yes ~London#No ~Lyon ####Paris.}"
    )
    assert question == Question(
        type=QType.single,
        text="What is the capital of France?",
        name="Capital",
        general_feedback="Paris.",
        choices=[Choice("Paris", 1.0, "Yes"), Choice("London", 0.0, "No"), Choice("Lyon", 0.0)],
        line=1,
    )


def test_several_right_answers_in_single_choice() -> None:
    question = parse_one("Q?{=a =b ~c}")
    assert question.type == QType.single
    assert [c.fraction for c in question.choices] == [1.0, 1.0, 0.0]


def test_multiple_answers_when_there_is_no_equals_sign() -> None:
    question = parse_one("Which?{~%50%a#half ~%50%b ~%-100%c ~d}")
    assert question.type == QType.multiple
    assert question.choices == [
        Choice("a", 0.5, "half"),
        Choice("b", 0.5),
        Choice("c", -1.0),
        Choice("d", 0.0),
    ]


def test_weight_on_a_tilde_answer_of_a_single_choice_question() -> None:
    question = parse_one("Q?{=a ~%50%b ~%-25%c}")
    assert question.type == QType.single
    assert [c.fraction for c in question.choices] == [1.0, 0.5, -0.25]


def test_equals_sign_in_feedback_makes_an_answer_as_in_moodle() -> None:
    question = parse_one("Q?{~a#x=y ~b}")
    assert question.type == QType.single
    assert question.choices == [Choice("a", 0.0, "x"), Choice("y", 1.0), Choice("b", 0.0)]


def test_multiple_choice_on_one_line_and_many_lines_are_the_same() -> None:
    one = parse_one("Q?{=a#f ~b ~%50%c####g}")
    many = parse_one("Q?\n{\n\t=a # f\n\t~b\n\t~%50%c\n\t#### g\n}")
    one.line = many.line = 0
    one.text = many.text = ""
    assert one == many


@pytest.mark.parametrize(
    ("weight", "fraction"),
    [
        ("100", 1.0),
        ("90", 0.9),
        ("83.33333", 0.8333333),
        ("83.333333", 0.8333333),
        ("66.66667", 0.6666667),
        ("50", 0.5),
        ("33.33333", 0.3333333),
        ("14.28571", 0.1428571),
        ("12.5", 0.125),
        ("5", 0.05),
        ("0", 0.0),
        ("-0", 0.0),
        ("-5", -0.05),
        ("-25", -0.25),
        ("-33.33333", -0.3333333),
        ("-100", -1.0),
        ("50.", 0.5),
        ("050", 0.5),
    ],
)
def test_weights(weight: str, fraction: float) -> None:
    question = parse_one(f"Q?{{~%{weight}%a#fb ~b =c}}")
    assert question.choices[0] == Choice("a", fraction, "fb")
    short = parse_one(f"Q?{{=%{weight}%a =b}}")
    assert short.choices[0] == Choice("a", fraction)


@pytest.mark.parametrize(
    ("weight", "message"),
    [
        ("55", "not a grade Moodle accepts"),
        ("101", "not a grade Moodle accepts"),
        ("1000", "not a grade Moodle accepts"),
        ("-150", "not a grade Moodle accepts"),
        ("33.3", "not a grade Moodle accepts"),
        ("5 0", "malformed weight"),
        ("+50", "malformed weight"),
        ("--50", "malformed weight"),
        (".5", "malformed weight"),
        ("1.2.3", "malformed weight"),
        ("100.0.1", "malformed weight"),
    ],
)
def test_bad_weights_are_errors(weight: str, message: str) -> None:
    problem = error(f"Q?{{\n=a\n~%{weight}%b\n}}")
    assert problem.line == 3
    assert message in problem.message
    assert f"%{weight}%" in problem.message


def test_percent_signs_that_are_not_a_weight_are_text() -> None:
    question = parse_one("Q?{=a ~%about% half ~100% sure}")
    assert [c.text for c in question.choices] == ["a", "%about% half", "100% sure"]


def test_weight_after_equals_stays_in_the_text_with_a_warning() -> None:
    question, warnings = warned("Q?{\n~b\n=%50%a\n}")
    assert question.choices[1] == Choice("%50%a", 1.0)
    assert [w.line for w in warnings] == [3]
    assert "'~%50%'" in warnings[0].message


def test_multiple_choice_needs_two_answers() -> None:
    problem = error("Q?\n{~only}")
    assert problem.line == 2
    assert "at least 2 answers" in problem.message


def test_empty_answer_is_an_error() -> None:
    problem = error("Q?{\n=a\n~\n~c\n}")
    assert (problem.line, problem.message) == (3, "an answer has no text")
    assert error("Q?{=a ~#only feedback}").message == "an answer has no text"


def test_text_before_the_first_answer_is_a_wrong_answer_with_a_warning() -> None:
    question, warnings = warned("Q?{stray ~a =b}")
    assert question.choices == [Choice("stray", 0.0), Choice("a", 0.0), Choice("b", 1.0)]
    assert len(warnings) == 1
    assert "'stray' does not start with '~' or '='" in warnings[0].message


def test_positive_weights_of_multiple_answers_should_add_up_to_100() -> None:
    _, warnings = warned("Q?\n{~%50%a ~b}")
    assert [w.line for w in warnings] == [2]
    assert "add up to 50%" in warnings[0].message
    _, warnings = warned("Q?{~a ~b}")
    assert "add up to 0%" in warnings[0].message
    # a third each is close enough, as in Moodle
    assert parse_one("Q?{~%33.33333%a ~%33.33333%b ~%33.33333%c}").type == QType.multiple


# --------------------------------------------------------------------------- missing word


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Grant is {=entombed ~buried} in Grant's tomb.", f"Grant is {BLANK} in Grant's tomb."),
        ("Grant is   {=entombed ~buried}\t in the tomb.", f"Grant is {BLANK} in the tomb."),
        ("Grant is\n{=entombed ~buried}\nin the tomb.", f"Grant is {BLANK} in the tomb."),
        ("{=Paris ~Rome} is the capital.", f"{BLANK} is the capital."),
        ("The answer is {=42 ~41}.", f"The answer is {BLANK}."),
        ("Pre{=fix ~x}ed", f"Pre{BLANK}ed"),
        ("::T::[html]<b>A</b> {=b ~c} <i>d</i>", f"<b>A</b> {BLANK} <i>d</i>"),
        ("Ends with the answers {=a ~b}", "Ends with the answers"),
        ("Ends with the answers{=a ~b}   ", "Ends with the answers"),
    ],
)
def test_missing_word(text: str, expected: str) -> None:
    question = parse_one(text)
    assert question.text == expected
    assert question.type == QType.single


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("The sky is {T} blue.", QType.truefalse),
        ("A {=red =%50%pink} apple.", QType.short),
        ("There are {#7} days in a week.", QType.numerical),
        ("Match {=a -> 1 =b -> 2 =c -> 3} these.", QType.matching),
        ("Write {} words.", QType.essay),
    ],
)
def test_missing_word_of_every_type(text: str, kind: QType) -> None:
    question = parse_one(text)
    assert question.type == kind
    assert BLANK in question.text


# --------------------------------------------------------------------------- true/false


@pytest.mark.parametrize(
    ("answers", "correct"),
    [("T", True), ("TRUE", True), ("F", False), ("FALSE", False), (" TRUE ", True)],
)
def test_true_false(answers: str, correct: bool) -> None:
    question = parse_one(f"::T::Is it?{{{answers}}}")
    assert question.type == QType.truefalse
    assert question.correct is correct
    assert question.true_feedback == question.false_feedback == ""


def test_true_false_feedbacks_first_is_for_a_wrong_answer() -> None:
    question = parse_one("The sun is a star.{T#No, it is one.#Yes, it is.}")
    assert question.correct is True
    assert question.true_feedback == "Yes, it is."  # the right answer
    assert question.false_feedback == "No, it is one."  # the wrong answer
    question = parse_one("The moon is cheese.{FALSE#No, rock.#Right, rock.}")
    assert question.correct is False
    assert question.true_feedback == "No, rock."  # the wrong answer
    assert question.false_feedback == "Right, rock."  # the right answer


def test_true_false_with_one_feedback_and_general_feedback() -> None:
    question = parse_one("Q?{T#wrong####general}")
    assert (question.true_feedback, question.false_feedback) == ("", "wrong")
    assert question.general_feedback == "general"
    question = parse_one("Q?{F##right}")
    assert (question.true_feedback, question.false_feedback) == ("", "right")


def test_true_false_third_hash_belongs_to_the_right_feedback() -> None:
    question = parse_one("Q?{T#w#r#more}")
    assert question.true_feedback == "r#more"


@pytest.mark.parametrize("answer", ["true", "t", "False", "f", "True"])
def test_true_false_is_case_sensitive_as_in_moodle(answer: str) -> None:
    question, warnings = warned(f"Q?{{{answer}}}")
    assert question.type == QType.short
    assert question.choices == [Choice(answer, 1.0)]
    assert any("capitals" in w.message for w in warnings)


# --------------------------------------------------------------------------- short answer


def test_short_answer() -> None:
    question = parse_one("Who's buried in Grant's tomb?{=no one =nobody#Also right =%50%Grant}")
    assert question.type == QType.short
    assert question.choices == [
        Choice("no one", 1.0),
        Choice("nobody", 1.0, "Also right"),
        Choice("Grant", 0.5),
    ]


def test_short_answer_wildcard_and_zero_weight() -> None:
    question = parse_one("Q?{=exact =%0%*#Anything else is wrong.}")
    assert question.choices == [
        Choice("exact", 1.0),
        Choice("*", 0.0, "Anything else is wrong."),
    ]


def test_answer_without_equals_is_a_short_answer_with_a_warning() -> None:
    question, warnings = warned("Capital of France?{Paris}")
    assert question.type == QType.short
    assert question.choices == [Choice("Paris", 1.0)]
    assert "'Paris' does not start with '='" in warnings[0].message


def test_short_answer_without_full_marks_warns() -> None:
    question, warnings = warned("Q?\n{=%50%half}")
    assert question.choices == [Choice("half", 0.5)]
    assert [w.line for w in warnings] == [2]
    assert "no answer gives full marks" in warnings[0].message


def test_empty_short_answer_is_an_error() -> None:
    assert error("Q?{=}").message == "an answer has no text"
    assert error("Q?{=a\n=#fb}").line == 2


# --------------------------------------------------------------------------- numerical


@pytest.mark.parametrize(
    ("answers", "value", "tolerance"),
    [
        ("#3", 3.0, 0.0),
        ("#3:2", 3.0, 2.0),
        ("# 3 : 2 ", 3.0, 2.0),
        ("#1..5", 3.0, 2.0),
        ("#-5..-1", -3.0, 2.0),
        ("#1822:5", 1822.0, 5.0),
        ("#3.14159:0.0005", 3.14159, 0.0005),
        ("#-2.5:.5", -2.5, 0.5),
        ("#1e3:1E1", 1000.0, 10.0),
        ("#+7", 7.0, 0.0),
        ("#=3:0.1", 3.0, 0.1),
        ("#0.1..0.3", 0.2, 0.3 - 0.2),
    ],
)
def test_numerical_forms(answers: str, value: float, tolerance: float) -> None:
    question = parse_one(f"Q?{{{answers}}}")
    assert question.type == QType.numerical
    assert question.numerical == [NumericalAnswer(value, tolerance, 1.0)]


def test_numerical_range_is_midpoint_and_half_width_as_in_moodle() -> None:
    (answer,) = parse_one("Q?{#0.1..0.3}").numerical
    assert answer.value == (0.3 + 0.1) / 2
    assert answer.tolerance == 0.3 - (0.3 + 0.1) / 2


def test_numerical_graded_alternatives_with_feedback() -> None:
    question = parse_one(
        "Q?{#\n=3.3333:0.0001#Exact.\n=%50%3.33:0.01#Nearly.\n=%-50%1..2#No.\n####GF\n}"
    )
    assert question.numerical == [
        NumericalAnswer(3.3333, 0.0001, 1.0, "Exact."),
        NumericalAnswer(3.33, 0.01, 0.5, "Nearly."),
        NumericalAnswer(1.5, 0.5, -0.5, "No."),
    ]
    assert question.general_feedback == "GF"


def test_numerical_with_feedback() -> None:
    question = parse_one("Q?{#3:2#Close enough.}")
    assert question.numerical == [NumericalAnswer(3.0, 2.0, 1.0, "Close enough.")]


def test_numerical_any_other_answer_is_a_catch_all() -> None:
    question, warnings = warned("Q?{#3:1\n~#[html]<b>Wrong</b>, try again.}")
    assert warnings == []
    assert question.type == QType.numerical
    assert question.numerical == [
        NumericalAnswer(3.0, 1.0, 1.0),
        NumericalAnswer(0.0, 0.0, 0.0, "<b>Wrong</b>, try again.",
                        feedback_format=TextFormat.html, catch_all=True),
    ]


def test_numerical_text_between_tilde_and_hash_is_ignored_with_a_warning() -> None:
    question, warnings = warned("Q?{#3~nope#Wrong}")
    assert question.numerical[1] == NumericalAnswer(0.0, 0.0, 0.0, "Wrong", catch_all=True)
    assert "'nope'" in warnings[0].message


def test_numerical_tilde_without_feedback_is_a_catch_all_without_feedback() -> None:
    question = parse_one("Q?{#3~}")
    assert question.numerical[1] == NumericalAnswer(0.0, 0.0, 0.0, catch_all=True)


def test_numerical_star_answer_is_a_catch_all_with_its_grade() -> None:
    question, warnings = warned("Q?{#=3 =%0%*#Wrong}")
    assert warnings == []
    assert question.numerical == [
        NumericalAnswer(3.0, 0.0, 1.0),
        NumericalAnswer(0.0, 0.0, 0.0, "Wrong", catch_all=True),
    ]


def test_numerical_needs_an_answer_besides_a_catch_all() -> None:
    with pytest.raises(GiftError, match="needs an answer"):
        parse_gift("Q?{#=*#any}")


def test_negative_tolerance_is_read_as_positive() -> None:
    question, warnings = warned("Q?{#5..1}")
    assert question.numerical == [NumericalAnswer(3.0, 2.0, 1.0)]
    assert "negative tolerance" in warnings[0].message


def test_numerical_without_full_marks_warns() -> None:
    _, warnings = warned("Q?{#=%50%3}")
    assert "no answer gives full marks" in warnings[0].message


@pytest.mark.parametrize(
    "answers",
    ["#three", "#3:x", "#3:", "#..5", "#1..", "#1..x", "#inf", "#nan", "#1_000", "#0x1A", "#="],
)
def test_numerical_with_a_non_number_is_an_error(answers: str) -> None:
    problem = error(f"::N::Q?\n{{{answers}}}")
    assert problem.line == 2
    assert "is not a number" in problem.message


def test_numerical_error_is_reported_on_the_answer_line() -> None:
    problem = error("Q?{#\n=3:1\n=%50%4:x\n}")
    assert problem.line == 3


@pytest.mark.parametrize("answers", ["#", "# ", "#~#only wrong feedback"])
def test_numerical_without_answers_is_an_error(answers: str) -> None:
    with pytest.raises(GiftError, match="needs an answer"):
        parse_gift(f"Q?{{{answers}}}")


# --------------------------------------------------------------------------- matching


def test_matching_with_distractors() -> None:
    question = parse_one(
        "Match.{\n=Canada -> Ottawa\n=Italy->Rome\n=-> Madrid\n= -> Lisbon\n####G7\n}"
    )
    assert question.type == QType.matching
    assert question.pairs == [
        MatchPair("Canada", "Ottawa"),
        MatchPair("Italy", "Rome"),
        MatchPair("", "Madrid"),
        MatchPair("", "Lisbon"),
    ]
    assert question.general_feedback == "G7"


def test_matching_arrow_in_the_answer_and_format_on_questions() -> None:
    question = parse_one("[html]M{=[html]<b>a</b> -> -> b =[plain]c -> d =e -> f}")
    assert question.pairs[0] == MatchPair("<b>a</b>", "-> b", TextFormat.html)
    assert question.pairs[1] == MatchPair("c", "d", TextFormat.plain)


def test_matching_needs_two_pairs() -> None:
    problem = error("Q?\n{=a -> 1}")
    assert problem.line == 2
    assert "at least 2" in problem.message


def test_matching_needs_two_questions() -> None:
    problem = error("Q?{=a -> 1 =-> 2 =-> 3}")
    assert "at least 2 questions" in problem.message


def test_matching_pair_without_arrow_is_an_error_on_its_line() -> None:
    problem = error("::M::Match\n{\n=a -> 1\n=b 2\n=c -> 3\n}")
    assert problem.line == 4
    assert "'->' is missing" in problem.message


def test_matching_pair_without_answer_is_an_error() -> None:
    problem = error("M{\n=a -> 1\n=b ->\n=c -> 3}")
    assert problem.line == 3
    assert "no answer" in problem.message


def test_matching_with_fewer_than_three_answers_warns() -> None:
    question, warnings = warned("M{=a -> 1 =b -> 2}")
    assert len(question.pairs) == 2
    assert "at least 3 answers" in warnings[0].message


def test_matching_without_leading_equals_warns() -> None:
    question, warnings = warned("M{a -> 1 =b -> 2 =c -> 3}")
    assert question.pairs[0] == MatchPair("a", "1")
    assert "does not start with '='" in warnings[0].message


# --------------------------------------------------------------------------- type detection


@pytest.mark.parametrize(
    ("answers", "kind"),
    [
        ("", QType.essay),
        ("####gf", QType.essay),
        ("#3", QType.numerical),
        ("#3 ~#x", QType.numerical),  # '#' first wins over '~'
        ("=a ~b", QType.single),
        ("~a ~b", QType.multiple),
        ("~a -> b ~c", QType.multiple),  # '~' wins over '->'
        ("=a -> 1 =b -> 2 =c -> 3", QType.matching),
        ("=a->1 =b->2 =c->3", QType.matching),
        ("T", QType.truefalse),
        ("FALSE#fb", QType.truefalse),
        ("=TRUE", QType.short),
        ("=a", QType.short),
        ("=a =b", QType.short),  # several '=' but no '~': short answer
    ],
)
def test_type_detection(answers: str, kind: QType) -> None:
    questions, _ = parse_gift(f"Q?{{{answers}}}")
    assert questions[0].type == kind


def test_arrow_and_equals_anywhere_make_matching() -> None:
    # "=" and "->" anywhere in the answers make Moodle read a matching question
    problem = error("Q?{=a#b -> c}")
    assert "matching question needs at least 2" in problem.message


# --------------------------------------------------------------------------- syntax errors


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("Q?{=a ~b", 1, "never closed"),
        ("A{T}\n\n::T::\nQ?\n{=a\n~b\n\n}", 5, "never closed"),  # a blank line ends it
        ("Q?\n=a ~b}", 2, "without an opening"),
        ("Q?\n} text {=a}", 2, "before the answers"),
        ("Q?{=a\n{~b}", 2, "inside the answers"),
        ("Q?{=a ~b} and\n{=c ~d}", 2, "only one answer block"),
        ("Q?{=a ~b} and }", 1, "only one answer block"),
        ("A{T}\n\n::Only a title::", 3, "no text"),
        ("A{T}\n\n$CATEGORY: x\nB{T}", 4, "blank line"),
    ],
)
def test_syntax_errors_with_line(text: str, line: int, fragment: str) -> None:
    problem = error(text)
    assert problem.line == line, problem
    assert fragment in problem.message


def test_first_error_stops_parsing() -> None:
    problem = error("A{T}\n\nB{=a\n\nC{#x}\n")
    assert problem.line == 3


def test_gift_error_string_with_and_without_file() -> None:
    problem = GiftError(3, "something is wrong")
    assert (problem.line, problem.message, problem.file) == (3, "something is wrong", "")
    assert str(problem) == "line 3: something is wrong"
    problem.file = "quiz.gift"
    assert str(problem) == "quiz.gift:3: something is wrong"


def test_parse_gift_sets_the_file_of_errors() -> None:
    with pytest.raises(GiftError) as caught:
        parse_gift("ok{T}\n\nbad{", file="m/quiz.gift")
    assert str(caught.value) == "m/quiz.gift:3: " + caught.value.message
    assert caught.value.file == "m/quiz.gift"


# --------------------------------------------------------------------------- everything together


def test_a_small_file() -> None:
    text = (
        "// Quiz\n\n$CATEGORY: top/Quiz\n\n"
        "// [id:q1] [tag:t]\n::One::[html]<p>Pick</p>{=a#yes ~b#no ####gf}\n\n"
        "::Two::Sun?{TRUE#Wrong.#Right.}\n\n"
        "::Three::N?{#2..4}\n"
    )
    questions, warnings = parse_gift(text)
    assert warnings == []
    assert questions == [
        Question(
            type=QType.single,
            text="<p>Pick</p>",
            name="One",
            text_format=TextFormat.html,
            general_feedback="gf",
            general_feedback_format=TextFormat.html,
            choices=[
                Choice("a", 1.0, "yes", TextFormat.html, TextFormat.html),
                Choice("b", 0.0, "no", TextFormat.html, TextFormat.html),
            ],
            id_number="q1",
            tags=["t"],
            category="top/Quiz",
            line=6,
        ),
        Question(
            type=QType.truefalse,
            text="Sun?",
            name="Two",
            correct=True,
            true_feedback="Right.",
            false_feedback="Wrong.",
            category="top/Quiz",
            line=8,
        ),
        Question(
            type=QType.numerical,
            text="N?",
            name="Three",
            numerical=[NumericalAnswer(3.0, 1.0, 1.0)],
            category="top/Quiz",
            line=10,
        ),
    ]
