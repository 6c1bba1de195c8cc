"""Quiz grading: validating raw form values into typed responses (with user-facing
messages, never exceptions) and scoring them with Moodle's rules."""

from __future__ import annotations

import pytest

from app.questions.spec import BLANK, Choice, MatchPair, NumericalAnswer, QType, Question
from app.quizzes.grading import (
    Grade,
    correct_answer_text,
    grade,
    numerical_answer_accepts,
    quiz_percent,
    short_answer_matches,
)
from app.quizzes.responses import (
    ESSAY_MAX_CHARS,
    MSG_ESSAY_TOO_LONG,
    MSG_NOT_A_CHOICE,
    MSG_NOT_A_NUMBER,
    MSG_ONLY_ONE,
    MSG_SHORT_TOO_LONG,
    MSG_UNREADABLE,
    SHORT_MAX_CHARS,
    matching_answers,
    matching_pair_indexes,
    parse_number,
    parse_response,
    response_form_values,
)

# --- questions used throughout ------------------------------------------------------------


def single_q() -> Question:
    return Question(
        type=QType.single,
        text="What is the capital of France?",
        choices=[
            Choice("London", 0.0, "No, that is the UK."),
            Choice("Paris", 1.0, "Right."),
            Choice("Lyon", 0.5, "Second city, half a point."),
            Choice("Berlin", -0.5, "Penalty."),
        ],
    )


def multiple_q() -> Question:
    return Question(
        type=QType.multiple,
        text="Which are primary colours?",
        choices=[
            Choice("Red", 0.5, "Red yes."),
            Choice("Green", -1.0, "Green no."),
            Choice("Blue", 0.5, "Blue yes."),
            Choice("Orange", -0.5, ""),
        ],
    )


def truefalse_q(correct: bool = True) -> Question:
    return Question(
        type=QType.truefalse,
        text="The sky is blue.",
        correct=correct,
        true_feedback="You said true.",
        false_feedback="You said false.",
    )


def short_q(*choices: Choice) -> Question:
    return Question(type=QType.short, text=f"Name it: {BLANK}", choices=list(choices))


def numerical_q(*answers: NumericalAnswer) -> Question:
    return Question(type=QType.numerical, text="How much?", numerical=list(answers))


def matching_q() -> Question:
    return Question(
        type=QType.matching,
        text="Match the countries with their capitals.",
        pairs=[
            MatchPair("France", "Paris"),
            MatchPair("Germany", "Berlin"),
            MatchPair("", "Madrid"),  # distractor
            MatchPair("Italy", "Rome"),
            MatchPair("Vatican", "Rome"),  # duplicate answer text
            MatchPair("", "Lisbon"),  # distractor
        ],
    )


def essay_q() -> Question:
    return Question(type=QType.essay, text="Describe your strategy.")


def description_q() -> Question:
    return Question(type=QType.description, text="Read this first.")


# --- parse_response: single ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["0"], 0),
        (["1"], 1),
        (["3"], 3),
        ([" 2 "], 2),
        (["", "2"], 2),
        (["02"], 2),
    ],
)
def test_parse_single_valid(values: list[str], expected: int) -> None:
    response, error = parse_response(single_q(), values)
    assert error is None
    assert response == expected
    assert type(response) is int


@pytest.mark.parametrize(
    "values",
    [
        ["4"],  # one past the end
        ["99"],
        ["-1"],
        ["abc"],
        ["1.0"],
        ["+1"],
        ["choice-1234"],  # a choice id from another question
        ["8f14e45f-ceea-467f-a0e6-0c6a5e1c0a7b"],
        ["1" * 50],
        ["\u0663"],  # Arabic-Indic digit three: not ASCII
    ],
)
def test_parse_single_bad_index(values: list[str]) -> None:
    assert parse_response(single_q(), values) == (None, MSG_NOT_A_CHOICE)


@pytest.mark.parametrize("values", [[], [""], ["   "], ["", ""]])
def test_parse_single_unanswered(values: list[str]) -> None:
    assert parse_response(single_q(), values) == (None, None)


def test_parse_single_several_values() -> None:
    assert parse_response(single_q(), ["0", "1"]) == (None, MSG_ONLY_ONE)


def test_parse_single_dict_is_unreadable() -> None:
    assert parse_response(single_q(), {"0": "1"}) == (None, MSG_UNREADABLE)


def test_parse_single_non_string_values_are_unreadable() -> None:
    assert parse_response(single_q(), [1]) == (None, MSG_UNREADABLE)  # type: ignore[list-item]


def test_parse_single_without_choices() -> None:
    question = Question(type=QType.single, text="Broken", choices=[])
    assert parse_response(question, ["0"]) == (None, MSG_NOT_A_CHOICE)


# --- parse_response: multiple -------------------------------------------------------------


def test_parse_multiple_valid() -> None:
    response, error = parse_response(multiple_q(), ["2", "0"])
    assert error is None
    assert response == frozenset({0, 2})
    assert isinstance(response, frozenset)


def test_parse_multiple_duplicates_and_blanks_collapse() -> None:
    assert parse_response(multiple_q(), ["1", "", "1", " 3 "]) == (frozenset({1, 3}), None)


@pytest.mark.parametrize("values", [[], [""], ["", " "]])
def test_parse_multiple_empty_is_unanswered(values: list[str]) -> None:
    assert parse_response(multiple_q(), values) == (None, None)


@pytest.mark.parametrize("values", [["0", "4"], ["-1"], ["0", "x"], ["0", "choice-77"]])
def test_parse_multiple_bad_index(values: list[str]) -> None:
    assert parse_response(multiple_q(), values) == (None, MSG_NOT_A_CHOICE)


def test_parse_multiple_dict_is_unreadable() -> None:
    assert parse_response(multiple_q(), {"0": "on"}) == (None, MSG_UNREADABLE)


# --- parse_response: truefalse ------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [(["true"], True), (["false"], False), (["TRUE"], True), ([" False "], False)],
)
def test_parse_truefalse_valid(values: list[str], expected: bool) -> None:
    response, error = parse_response(truefalse_q(), values)
    assert error is None
    assert response is expected


@pytest.mark.parametrize("values", [["yes"], ["1"], ["0"], ["t"], ["truth"]])
def test_parse_truefalse_invalid(values: list[str]) -> None:
    assert parse_response(truefalse_q(), values) == (None, MSG_NOT_A_CHOICE)


def test_parse_truefalse_unanswered_and_several() -> None:
    assert parse_response(truefalse_q(), []) == (None, None)
    assert parse_response(truefalse_q(), ["true", "false"]) == (None, MSG_UNREADABLE)


# --- parse_response: short ----------------------------------------------------------------


def test_parse_short_trims() -> None:
    question = short_q(Choice("Paris", 1.0))
    assert parse_response(question, ["  Paris \n"]) == ("Paris", None)


def test_parse_short_removes_nul_and_newlines() -> None:
    question = short_q(Choice("Paris", 1.0))
    assert parse_response(question, ["Pa\x00ris\r\nFrance"]) == ("Paris France", None)


@pytest.mark.parametrize("values", [[], [""], ["   \t "]])
def test_parse_short_empty_is_unanswered(values: list[str]) -> None:
    assert parse_response(short_q(Choice("Paris", 1.0)), values) == (None, None)


def test_parse_short_length_limit() -> None:
    question = short_q(Choice("Paris", 1.0))
    at_limit = "a" * SHORT_MAX_CHARS
    assert parse_response(question, [f"  {at_limit}  "]) == (at_limit, None)
    assert parse_response(question, [at_limit + "a"]) == (None, MSG_SHORT_TOO_LONG)
    assert "1,000" in MSG_SHORT_TOO_LONG


def test_parse_short_several_values_unreadable() -> None:
    assert parse_response(short_q(), ["a", "b"]) == (None, MSG_UNREADABLE)
    assert parse_response(short_q(), {"answer": "a"}) == (None, MSG_UNREADABLE)


# --- parse_response: numerical ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", 3.0),
        ("3.5", 3.5),
        ("-2", -2.0),
        ("+2", 2.0),
        ("1e3", 1000.0),
        ("1E-2", 0.01),
        ("3,5", 3.5),
        ("-0,25", -0.25),
        (".5", 0.5),
        ("3.", 3.0),
        ("  42  ", 42.0),
        ("\u22122", -2.0),  # Unicode minus sign
    ],
)
def test_parse_numerical_valid(text: str, expected: float) -> None:
    response, error = parse_response(numerical_q(), [text])
    assert error is None
    assert response == expected
    assert isinstance(response, float)


@pytest.mark.parametrize(
    "text",
    [
        "three",
        "nan",
        "NaN",
        "inf",
        "-Infinity",
        "1e999",  # overflows to inf
        "1,000.5",
        "1.000,5",
        "1 000",
        "1_000",
        "3.5.1",
        "0x10",
        "12abc",
        "e3",
        "-",
        ".",
        "\u0663",  # non-ASCII digit
        "1" * 200,
    ],
)
def test_parse_numerical_invalid(text: str) -> None:
    assert parse_response(numerical_q(), [text]) == (None, MSG_NOT_A_NUMBER)


def test_not_a_number_message() -> None:
    assert MSG_NOT_A_NUMBER == "Enter a number, for example 42 or 3.5."


@pytest.mark.parametrize("values", [[], [""], ["  "]])
def test_parse_numerical_empty_is_unanswered(values: list[str]) -> None:
    assert parse_response(numerical_q(), values) == (None, None)


def test_parse_number_helper() -> None:
    assert parse_number("3,5") == 3.5
    assert parse_number("abc") is None
    assert parse_number("") is None


# --- parse_response: matching -------------------------------------------------------------


def test_matching_helpers() -> None:
    question = matching_q()
    assert matching_pair_indexes(question) == [0, 1, 3, 4]
    assert matching_answers(question) == ["Paris", "Berlin", "Madrid", "Rome", "Lisbon"]


def test_parse_matching_valid() -> None:
    response, error = parse_response(matching_q(), {"0": "0", "1": " 1 ", "3": "3", "4": "4"})
    assert error is None
    assert response == {0: 0, 1: 1, 3: 3, 4: 4}


def test_parse_matching_blank_answers_leave_pairs_unanswered() -> None:
    assert parse_response(matching_q(), {"0": "0", "1": "", "3": " "}) == ({0: 0}, None)


@pytest.mark.parametrize("values", [{}, {"0": "", "1": ""}])
def test_parse_matching_all_blank_is_unanswered(values: dict[str, str]) -> None:
    assert parse_response(matching_q(), values) == (None, None)


@pytest.mark.parametrize(
    "values",
    [
        {"0": "5"},  # answer index out of range (5 distinct answers)
        {"0": "-1"},
        {"0": "Paris"},  # answer text instead of index
        {"2": "0"},  # pair 2 is a distractor, not a question
        {"6": "0"},  # no such pair
        {"x": "0"},
        {"pair-0": "0"},
    ],
)
def test_parse_matching_bad_indexes(values: dict[str, str]) -> None:
    assert parse_response(matching_q(), values) == (None, MSG_NOT_A_CHOICE)


def test_parse_matching_list_is_unreadable() -> None:
    assert parse_response(matching_q(), ["0", "1"]) == (None, MSG_UNREADABLE)


# --- parse_response: essay and description --------------------------------------------------


def test_parse_essay_keeps_newlines_normalised() -> None:
    response, error = parse_response(essay_q(), ["  First line\r\nSecond\rThird\n\n  "])
    assert error is None
    assert response == "First line\nSecond\nThird"


def test_parse_essay_length_limit() -> None:
    at_limit = "x" * ESSAY_MAX_CHARS
    assert parse_response(essay_q(), [at_limit]) == (at_limit, None)
    assert parse_response(essay_q(), [at_limit + "x"]) == (None, MSG_ESSAY_TOO_LONG)
    assert "20,000" in MSG_ESSAY_TOO_LONG


def test_parse_essay_empty_is_unanswered() -> None:
    assert parse_response(essay_q(), ["\r\n  "]) == (None, None)


@pytest.mark.parametrize("values", [[], ["anything"], {"0": "1"}])
def test_parse_description_never_has_a_response(values: list[str] | dict[str, str]) -> None:
    assert parse_response(description_q(), values) == (None, None)


# --- form values round trip ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "values"),
    [
        (single_q(), ["2"]),
        (multiple_q(), ["3", "0"]),
        (truefalse_q(), ["false"]),
        (short_q(Choice("x", 1.0)), ["New York"]),
        (numerical_q(), ["3,25"]),
        (numerical_q(), ["1e300"]),
        (numerical_q(), ["0.1"]),
        (matching_q(), {"4": "3", "0": "1"}),
        (essay_q(), ["Line one\nLine two"]),
    ],
)
def test_form_values_round_trip(question: Question, values: list[str] | dict[str, str]) -> None:
    response, error = parse_response(question, values)
    assert error is None
    assert response is not None
    stored = response_form_values(question, response)
    assert parse_response(question, stored) == (response, None)


def test_form_values_shapes() -> None:
    assert response_form_values(multiple_q(), frozenset({3, 0})) == ["0", "3"]
    assert response_form_values(numerical_q(), 3.0) == ["3"]
    assert response_form_values(numerical_q(), 3.5) == ["3.5"]
    assert response_form_values(truefalse_q(), True) == ["true"]
    assert response_form_values(matching_q(), {4: 3, 0: 1}) == {"0": "1", "4": "3"}
    assert response_form_values(single_q(), None) == []
    assert response_form_values(matching_q(), None) == {}


# --- grade: single ------------------------------------------------------------------------


def test_grade_single_correct() -> None:
    assert grade(single_q(), 1) == Grade(1.0, ["Right."], "Paris")


def test_grade_single_wrong() -> None:
    assert grade(single_q(), 0) == Grade(0.0, ["No, that is the UK."], "Paris")


def test_grade_single_partial() -> None:
    assert grade(single_q(), 2).fraction == 0.5


def test_grade_single_negative_clamped_to_zero() -> None:
    result = grade(single_q(), 3)
    assert result.fraction == 0.0
    assert result.feedback == ["Penalty."]


def test_grade_single_over_100_percent_clamped() -> None:
    question = Question(type=QType.single, text="?", choices=[Choice("A", 1.5)])
    assert grade(question, 0).fraction == 1.0


def test_grade_single_out_of_range_earns_nothing() -> None:
    assert grade(single_q(), 10) == Grade(0.0, [], "Paris")
    assert grade(single_q(), -1).fraction == 0.0


def test_grade_single_empty_feedback_omitted() -> None:
    question = Question(type=QType.single, text="?", choices=[Choice("A", 1.0)])
    assert grade(question, 0).feedback == []


def test_grade_single_several_full_marks_in_correct_answer() -> None:
    question = Question(
        type=QType.single, text="?", choices=[Choice("A", 1.0), Choice("B", 0), Choice("C", 1)]
    )
    assert grade(question, 0).correct_answer == "A or C"


# --- grade: multiple ----------------------------------------------------------------------


def test_grade_multiple_all_right() -> None:
    result = grade(multiple_q(), frozenset({0, 2}))
    assert result == Grade(1.0, ["Red yes.", "Blue yes."], "Red; Blue")


def test_grade_multiple_partial_credit_sums() -> None:
    assert grade(multiple_q(), frozenset({2})).fraction == 0.5


def test_grade_multiple_negative_weights_subtract() -> None:
    # 0.5 + 0.5 - 0.5
    assert grade(multiple_q(), frozenset({0, 2, 3})).fraction == pytest.approx(0.5)


def test_grade_multiple_negative_weights_clamped_at_zero() -> None:
    result = grade(multiple_q(), frozenset({1, 2, 3}))  # -1 + 0.5 - 0.5
    assert result.fraction == 0.0
    assert result.feedback == ["Green no.", "Blue yes."]  # in question order, blanks omitted


def test_grade_multiple_everything_ticked() -> None:
    assert grade(multiple_q(), frozenset({0, 1, 2, 3})).fraction == 0.0


def test_grade_multiple_more_than_100_percent_clamped() -> None:
    question = Question(
        type=QType.multiple, text="?", choices=[Choice("A", 0.75), Choice("B", 0.75)]
    )
    assert grade(question, frozenset({0, 1})).fraction == 1.0


def test_grade_multiple_empty_or_unanswered() -> None:
    assert grade(multiple_q(), frozenset()).fraction == 0.0
    assert grade(multiple_q(), None) == Grade(0.0, [], "Red; Blue")


def test_grade_multiple_ignores_indexes_out_of_range() -> None:
    assert grade(multiple_q(), frozenset({0, 9})).fraction == 0.5


# --- grade: truefalse ---------------------------------------------------------------------


def test_grade_truefalse_true_answered_true() -> None:
    assert grade(truefalse_q(True), True) == Grade(1.0, ["You said true."], "True")


def test_grade_truefalse_true_answered_false() -> None:
    assert grade(truefalse_q(True), False) == Grade(0.0, ["You said false."], "True")


def test_grade_truefalse_false_answered_false() -> None:
    assert grade(truefalse_q(False), False) == Grade(1.0, ["You said false."], "False")


def test_grade_truefalse_false_answered_true() -> None:
    assert grade(truefalse_q(False), True) == Grade(0.0, ["You said true."], "False")


def test_grade_truefalse_unanswered() -> None:
    assert grade(truefalse_q(True), None) == Grade(0.0, [], "True")


# --- grade: short answer ------------------------------------------------------------------


def test_grade_short_case_insensitive_exact() -> None:
    question = short_q(Choice("Paris", 1.0, "Yes!"))
    assert grade(question, "PARIS") == Grade(1.0, ["Yes!"], "Paris")
    assert grade(question, "paris").fraction == 1.0
    assert grade(question, "Pari").fraction == 0.0
    assert grade(question, "Pariss").fraction == 0.0


def test_grade_short_unicode_case_folding() -> None:
    question = short_q(Choice("Straße", 1.0))
    assert grade(question, "STRASSE").fraction == 1.0
    assert grade(question, "ÉTÉ").fraction == 0.0
    assert grade(short_q(Choice("été", 1.0)), "ÉTÉ").fraction == 1.0


def test_grade_short_whitespace() -> None:
    question = short_q(Choice("  New   York ", 1.0))
    assert grade(question, "new york").fraction == 1.0
    assert grade(question, "  NEW \t York  ").fraction == 1.0
    assert grade(question, "newyork").fraction == 0.0


@pytest.mark.parametrize(
    ("accepted", "response", "matches"),
    [
        ("*ball", "football", True),
        ("*ball", "ball", True),  # the run may be empty
        ("*ball", "balls", False),
        ("foot*", "football", True),
        ("foot*", "foo", False),
        ("f*l", "football", True),
        ("f*l", "fool", True),
        ("f*l", "footballs", False),
        ("*o*a*", "football", True),
        ("**", "anything at all", True),
        ("a.c", "a.c", True),
        ("a.c", "abc", False),  # "." is literal
        ("(x+1)", "(X+1)", True),
        ("(x+1)", "xx1", False),  # "(" and "+" are literal
        ("x+", "xx", False),
        ("[abc]", "a", False),
        ("[abc]", "[ABC]", True),
        ("a?b", "ab", False),
        ("a|b", "a", False),
        ("^start$", "^START$", True),
        ("c:\\dir", "C:\\DIR", True),
        ("5 \\* 3", "5 * 3", True),  # \* is a literal asterisk (Moodle)
        ("5 \\* 3", "5 x 3", False),
        ("$1.50*", "$1.50 each", True),
        ("$1.50*", "$1x50 each", False),
    ],
)
def test_short_answer_wildcards(accepted: str, response: str, matches: bool) -> None:
    assert short_answer_matches(accepted, response) is matches


def test_grade_short_first_matching_choice_wins() -> None:
    question = short_q(
        Choice("Paris", 1.0, "Exactly."),
        Choice("Par*", 0.5, "Almost."),
        Choice("P*", 0.25, "Starts right."),
    )
    assert grade(question, "paris") == Grade(1.0, ["Exactly."], "Paris")
    assert grade(question, "Parisian") == Grade(0.5, ["Almost."], "Paris")
    assert grade(question, "Pompidou") == Grade(0.25, ["Starts right."], "Paris")
    assert grade(question, "London") == Grade(0.0, [], "Paris")


def test_grade_short_first_in_order_even_if_lower() -> None:
    question = short_q(Choice("*", 0.1, "Catch-all."), Choice("Paris", 1.0, "Yes."))
    assert grade(question, "Paris") == Grade(0.1, ["Catch-all."], "Paris")


def test_grade_short_fraction_clamped() -> None:
    assert grade(short_q(Choice("wrong", -1.0)), "wrong").fraction == 0.0
    assert grade(short_q(Choice("great", 2.0)), "great").fraction == 1.0


def test_grade_short_unanswered() -> None:
    assert grade(short_q(Choice("Paris", 1.0)), None) == Grade(0.0, [], "Paris")


# --- grade: numerical ---------------------------------------------------------------------


def test_grade_numerical_exact() -> None:
    question = numerical_q(NumericalAnswer(42, 0, 1.0, "Right."))
    assert grade(question, 42.0) == Grade(1.0, ["Right."], "42")
    assert grade(question, 42.0001).fraction == 0.0


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        (3.0, True),
        (2.5, True),  # exactly at -tolerance
        (3.5, True),  # exactly at +tolerance
        (2.4999999, False),  # just outside
        (3.5000001, False),
        (2.0, False),
        (-3.0, False),
    ],
)
def test_grade_numerical_tolerance_boundaries(value: float, accepted: bool) -> None:
    question = numerical_q(NumericalAnswer(3, 0.5, 1.0))
    assert grade(question, value).fraction == (1.0 if accepted else 0.0)
    assert grade(question, value).correct_answer == "3 ± 0.5"


def test_numerical_boundary_with_float_error() -> None:
    # 0.4 - 0.3 is 0.10000000000000003 in floats; the epsilon accepts it
    answer = NumericalAnswer(0.3, 0.1, 1.0)
    assert numerical_answer_accepts(answer, 0.4)
    assert numerical_answer_accepts(answer, 0.2)
    assert not numerical_answer_accepts(answer, 0.4000001)
    assert not numerical_answer_accepts(answer, 0.1999999)


def test_numerical_epsilon_is_relative() -> None:
    assert numerical_answer_accepts(NumericalAnswer(1e12, 0, 1.0), 1e12 + 1e-4)
    assert numerical_answer_accepts(NumericalAnswer(1e12, 0, 1.0), 1e12 + 900)
    assert not numerical_answer_accepts(NumericalAnswer(1e12, 0, 1.0), 1e12 + 2000)
    assert not numerical_answer_accepts(NumericalAnswer(1e-12, 0, 1.0), 2e-12)
    assert numerical_answer_accepts(NumericalAnswer(0, 0, 1.0), 0.0)
    assert not numerical_answer_accepts(NumericalAnswer(0, 0, 1.0), 1e-300)


def test_grade_numerical_range() -> None:
    # GIFT {#1..5} is stored as midpoint 3, half-width 2
    question = numerical_q(NumericalAnswer(3, 2, 1.0))
    assert grade(question, 1.0).fraction == 1.0
    assert grade(question, 5.0).fraction == 1.0
    assert grade(question, 4.2).fraction == 1.0
    assert grade(question, 0.99).fraction == 0.0
    assert grade(question, 5.01).fraction == 0.0


def test_grade_numerical_best_alternative() -> None:
    question = numerical_q(
        NumericalAnswer(2000, 50, 0.5, "Close enough."),
        NumericalAnswer(2000, 0, 1.0, "Exact!"),
        NumericalAnswer(2000, 500, 0.25, "Roughly."),
        NumericalAnswer(1500, 0, 0.0, "That was the old value."),
    )
    assert grade(question, 2000.0) == Grade(1.0, ["Exact!"], "2000")
    assert grade(question, 2030.0) == Grade(0.5, ["Close enough."], "2000")
    assert grade(question, 2400.0) == Grade(0.25, ["Roughly."], "2000")
    assert grade(question, 1500.0) == Grade(0.25, ["Roughly."], "2000")
    assert grade(question, 3000.0) == Grade(0.0, [], "2000")


def test_grade_numerical_zero_fraction_answer_gives_feedback() -> None:
    question = numerical_q(
        NumericalAnswer(10, 0, 1.0, "Yes."), NumericalAnswer(5, 0, 0.0, "That is half.")
    )
    assert grade(question, 5.0) == Grade(0.0, ["That is half."], "10")


def test_grade_numerical_ties_keep_first_feedback() -> None:
    question = numerical_q(
        NumericalAnswer(10, 1, 1.0, "First."), NumericalAnswer(10, 2, 1.0, "Second.")
    )
    result = grade(question, 10.5)
    assert result.feedback == ["First."]
    assert result.correct_answer == "10 ± 1 or 10 ± 2"


def test_grade_numerical_negative_and_decimal_values() -> None:
    question = numerical_q(NumericalAnswer(-2.5, 0.25, 1.0))
    assert grade(question, -2.3).fraction == 1.0
    assert grade(question, 2.5).fraction == 0.0
    assert grade(question, -2.3).correct_answer == "-2.5 ± 0.25"


def test_grade_numerical_parsed_comma() -> None:
    question = numerical_q(NumericalAnswer(3.5, 0, 1.0))
    response, error = parse_response(question, ["3,5"])
    assert error is None
    assert grade(question, response).fraction == 1.0


def test_grade_numerical_accepts_int_and_rejects_non_finite() -> None:
    question = numerical_q(NumericalAnswer(3, 0, 1.0))
    assert grade(question, 3).fraction == 1.0
    assert grade(question, float("nan")).fraction == 0.0
    assert grade(numerical_q(NumericalAnswer(3, 1e308, 1.0)), float("inf")).fraction == 0.0


# --- grade: matching ----------------------------------------------------------------------


def test_grade_matching_all_right() -> None:
    result = grade(matching_q(), {0: 0, 1: 1, 3: 3, 4: 3})
    assert result.fraction == 1.0
    assert result.feedback == []
    assert result.correct_answer == "France → Paris; Germany → Berlin; Italy → Rome; Vatican → Rome"


def test_grade_matching_partial_with_distractors() -> None:
    # France right; Germany -> Madrid (distractor) wrong; Italy -> Lisbon wrong; Vatican right
    assert grade(matching_q(), {0: 0, 1: 2, 3: 4, 4: 3}).fraction == 0.5


def test_grade_matching_unanswered_pairs_count_as_wrong() -> None:
    assert grade(matching_q(), {0: 0}).fraction == 0.25
    assert grade(matching_q(), {}).fraction == 0.0
    assert grade(matching_q(), None).fraction == 0.0


def test_grade_matching_same_answer_for_two_questions() -> None:
    assert grade(matching_q(), {3: 3, 4: 3}).fraction == 0.5
    assert grade(matching_q(), {0: 3}).fraction == 0.0  # Rome is not France's capital


def test_grade_matching_ignores_bad_indexes() -> None:
    assert grade(matching_q(), {0: 0, 2: 2, 1: 99, 7: 0}).fraction == 0.25


def test_grade_matching_thirds() -> None:
    question = Question(
        type=QType.matching,
        text="?",
        pairs=[MatchPair("A", "1"), MatchPair("B", "2"), MatchPair("C", "3")],
    )
    assert grade(question, {0: 0, 1: 0, 2: 2}).fraction == pytest.approx(2 / 3)
    assert grade(question, {0: 0}).correct_answer == "A → 1; B → 2; C → 3"


# --- grade: essay, description, unanswered ------------------------------------------------


def test_grade_essay_is_pending() -> None:
    assert grade(essay_q(), "My long answer.") == Grade(None, [], "")
    assert grade(essay_q(), None).fraction is None


def test_grade_description_is_not_graded() -> None:
    assert grade(description_q(), None) == Grade(None, [], "")


@pytest.mark.parametrize(
    "question",
    [single_q(), multiple_q(), truefalse_q(), short_q(Choice("x", 1)), numerical_q(), matching_q()],
)
def test_grade_unanswered_is_zero(question: Question) -> None:
    result = grade(question, None)
    assert result.fraction == 0.0
    assert result.feedback == []


def test_grade_response_of_the_wrong_shape_earns_nothing() -> None:
    assert grade(single_q(), True).fraction == 0.0  # a bool is not a choice index
    assert grade(single_q(), "1").fraction == 0.0
    assert grade(multiple_q(), 0).fraction == 0.0
    assert grade(truefalse_q(True), 1).fraction == 0.0
    assert grade(short_q(Choice("1", 1.0)), 1).fraction == 0.0
    assert grade(numerical_q(NumericalAnswer(1, 0, 1.0)), True).fraction == 0.0
    assert grade(matching_q(), frozenset({0})).fraction == 0.0


def test_correct_answer_texts() -> None:
    assert correct_answer_text(single_q()) == "Paris"
    assert correct_answer_text(truefalse_q(False)) == "False"
    assert correct_answer_text(numerical_q(NumericalAnswer(0.1, 0, 1.0))) == "0.1"
    assert correct_answer_text(numerical_q()) == ""
    assert correct_answer_text(Question(type=QType.truefalse, text="?")) == ""


# --- quiz_percent -------------------------------------------------------------------------


def test_quiz_percent_weighted() -> None:
    assert quiz_percent([(1.0, 1.0), (0.5, 1.0), (0.0, 2.0)]) == 37.5


def test_quiz_percent_rounding() -> None:
    assert quiz_percent([(1.0, 1.0), (1.0, 1.0), (0.0, 1.0)]) == 66.67
    assert quiz_percent([(1 / 3, 1.0)]) == 33.33


def test_quiz_percent_full_and_zero() -> None:
    assert quiz_percent([(1.0, 2.0), (1.0, 3.0)]) == 100.0
    assert quiz_percent([(0.0, 2.0)]) == 0.0


def test_quiz_percent_pending() -> None:
    assert quiz_percent([(1.0, 1.0), (None, 5.0)]) is None
    assert quiz_percent([(None, 0.0)]) is None


def test_quiz_percent_ignores_zero_marks_and_empty() -> None:
    assert quiz_percent([(0.0, 0.0), (1.0, 2.0)]) == 100.0
    assert quiz_percent([]) == 0.0


def test_quiz_percent_from_grades() -> None:
    questions = [single_q(), multiple_q(), truefalse_q(), matching_q()]
    responses: list[object] = [2, frozenset({0, 2}), False, {0: 0, 1: 1}]
    marks = [
        (grade(q, r).fraction, 1.0)  # type: ignore[arg-type]
        for q, r in zip(questions, responses, strict=True)
    ]
    assert quiz_percent(marks) == 50.0  # (0.5 + 1 + 0 + 0.5) / 4
    assert quiz_percent([*marks, (grade(essay_q(), "text").fraction, 1.0)]) is None
