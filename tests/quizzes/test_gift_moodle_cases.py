"""Every case of Moodle's own GIFT unit tests (``question/format/gift/tests/
giftformat_test.php`` in moodle/moodle), as a test of Podium: the same GIFT text must give
the parsed structure Moodle states (mapped to :mod:`app.questions.spec`), and the same
question must give Moodle's export text to the byte.

The mapping: Moodle's ``questiontext``/``questiontextformat`` are ``text``/``text_format``;
``answer``/``fraction``/``feedback`` of multichoice and shortanswer are ``choices`` (each
text and feedback with its format); numerical answers are ``numerical`` (``*`` is an
answer with ``catch_all``, its tolerance unused); ``subquestions``/``subanswers`` are
``pairs``; ``correctanswer``/``feedbacktrue``/``feedbackfalse`` are ``correct`` and the
true/false feedbacks; ``idnumber``/``tags`` are ``id_number``/``tags``. What Moodle's test
also checks but does not come from the GIFT text (``defaultmark``, ``penalty``, ``length``,
the essay's response settings, ``shuffleanswers``, the empty combined feedbacks, and
``answernumbering``, which comes from the site's setting) are Moodle's defaults for a new
question, which Podium has no field for.

Moodle's export test calls ``writequestion()`` on one question with the database id 666;
:func:`write_question` is the same function, with the number Podium writes in the header
comment instead of a database id.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest

from app.questions.gift.pieces import _metadata
from app.questions.gift.reader import parse_gift
from app.questions.gift.writer import write_question
from app.questions.spec import Choice, MatchPair, NumericalAnswer, QType, Question, TextFormat

MOODLE = TextFormat.moodle
HTML = TextFormat.html
PLAIN = TextFormat.plain
MARKDOWN = TextFormat.markdown


@dataclass(frozen=True)
class ImportCase:
    name: str
    gift: str
    expected: Question


def read_one(gift: str) -> Question:
    """The one question of ``gift``, read as Moodle's file import reads it."""
    questions, warnings = parse_gift(gift)
    assert warnings == []
    assert len(questions) == 1
    return dataclasses.replace(questions[0], line=0)


def multichoice_case(numbering: str) -> ImportCase:
    # test_import_multichoice runs once per answer numbering style of the site's settings
    # (set_config('answernumbering', ...)); the GIFT text and what it gives are the same.
    return ImportCase(
        f"test_import_multichoice[{numbering}]",
        "\n// multiple choice with specified feedback for right and wrong answers\n"
        "::Q2:: What's between orange and green in the spectrum?\n"
        "{\n"
        "    =yellow # right; good!\n"
        "    ~red # [html]wrong, it's yellow\n"
        "    ~[plain]blue # wrong, it's yellow\n"
        "}",
        Question(
            type=QType.single,
            name="Q2",
            text="What's between orange and green in the spectrum?",
            choices=[
                Choice("yellow", 1.0, "right; good!"),
                Choice("red", 0.0, "wrong, it's yellow", feedback_format=HTML),
                Choice("blue", 0.0, "wrong, it's yellow", text_format=PLAIN),
            ],
        ),
    )


SHORTANSWER_GIFT = (
    "\n// question: 666  name: Shortanswer\n"
    "::Shortanswer::Which is the best animal?{\n"
    "    =Frog#Good!\n"
    "    =%50%Cat#What is it with Moodlers and cats?\n"
    "    =%0%*#Completely wrong\n"
)
SHORTANSWER_CHOICES = [
    Choice("Frog", 1.0, "Good!"),
    Choice("Cat", 0.5, "What is it with Moodlers and cats?"),
    Choice("*", 0.0, "Completely wrong"),
]

IMPORT_CASES = [
    ImportCase(
        "test_import_essay",
        "\n// essay\n::Q8:: How are you? {}",
        Question(type=QType.essay, name="Q8", text="How are you?"),
    ),
    ImportCase(
        "test_import_match",
        "\n// question: 2  name: Moodle activities\n"
        "::Moodle activities::[html]Match the <b>activity</b> to the description.{\n"
        "    =[html]An activity supporting asynchronous discussions. -> Forum\n"
        "    =[moodle]A teacher asks a question and specifies a choice of multiple "
        "responses. -> Choice\n"
        "    =[plain]A bank of record entries which participants can add to. -> Database\n"
        "    =[markdown]A collection of web pages that anyone can add to or edit. -> Wiki\n"
        "    = -> Chat\n"
        "}",
        Question(
            type=QType.matching,
            name="Moodle activities",
            text="Match the <b>activity</b> to the description.",
            text_format=HTML,
            general_feedback_format=HTML,
            pairs=[
                MatchPair("An activity supporting asynchronous discussions.", "Forum", HTML),
                MatchPair(
                    "A teacher asks a question and specifies a choice of multiple responses.",
                    "Choice",
                    MOODLE,
                ),
                MatchPair(
                    "A bank of record entries which participants can add to.", "Database", PLAIN
                ),
                MatchPair(
                    "A collection of web pages that anyone can add to or edit.", "Wiki", MARKDOWN
                ),
                MatchPair("", "Chat", HTML),
            ],
        ),
    ),
    *(multichoice_case(style) for style in ("abc", "ABCD", "123", "iii", "IIII", "none")),
    ImportCase(
        "test_import_multichoice_multi",
        "\n// multiple choice, multiple response with specified feedback for right and wrong "
        "answers\n"
        "::colours:: What's between orange and green in the spectrum?\n"
        "{\n"
        "    ~%50%yellow # right; good!\n"
        "    ~%-100%red # [html]wrong\n"
        "    ~%50%off-beige # right; good!\n"
        "    ~%-100%[plain]blue # wrong\n"
        "}",
        Question(
            type=QType.multiple,
            name="colours",
            text="What's between orange and green in the spectrum?",
            choices=[
                Choice("yellow", 0.5, "right; good!"),
                Choice("red", -1.0, "wrong", feedback_format=HTML),
                Choice("off-beige", 0.5, "right; good!"),
                Choice("blue", -1.0, "wrong", text_format=PLAIN),
            ],
        ),
    ),
    ImportCase(
        "test_import_multichoice_multi_tricky",
        "\n// multiple choice, multiple response with specified feedback for right and wrong "
        "answers\n"
        "::colours:: What's between orange and green in the spectrum?\n"
        "{\n"
        "    ~%100%yellow # right; good!\n"
        "    ~%-50%red # wrong\n"
        "    ~%-50%blue # wrong\n"
        "}",
        Question(
            type=QType.multiple,
            name="colours",
            text="What's between orange and green in the spectrum?",
            choices=[
                Choice("yellow", 1.0, "right; good!"),
                Choice("red", -0.5, "wrong"),
                Choice("blue", -0.5, "wrong"),
            ],
        ),
    ),
    ImportCase(
        "test_import_numerical",
        "\n// math range question\n"
        "::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}",
        Question(
            type=QType.numerical,
            name="Q5",
            text="What is a number from 1 to 5?",
            numerical=[
                NumericalAnswer(3.0, 2.0, 1.0, ""),
                # Moodle: answer '*', fraction 0, tolerance '' (unused), the feedback.
                NumericalAnswer(0.0, 0.0, 0.0, "Completely wrong", catch_all=True),
            ],
        ),
    ),
    ImportCase(
        "test_import_shortanswer",
        SHORTANSWER_GIFT + "}",
        Question(
            type=QType.short,
            name="Shortanswer",
            text="Which is the best animal?",
            choices=SHORTANSWER_CHOICES,
        ),
    ),
    ImportCase(
        "test_import_shortanswer_with_general_feedback",
        SHORTANSWER_GIFT + "    ####[html]Here is some general feedback!\n}",
        Question(
            type=QType.short,
            name="Shortanswer",
            text="Which is the best animal?",
            general_feedback="Here is some general feedback!",
            general_feedback_format=HTML,
            choices=SHORTANSWER_CHOICES,
        ),
    ),
    ImportCase(
        "test_import_truefalse",
        "\n// true/false\n"
        "::Q1:: 42 is the Absolute Answer to everything.{\n"
        "FALSE#42 is the Ultimate Answer.#You gave the right answer.}",
        Question(
            type=QType.truefalse,
            name="Q1",
            text="42 is the Absolute Answer to everything.",
            correct=False,
            true_feedback="42 is the Ultimate Answer.",
            false_feedback="You gave the right answer.",
        ),
    ),
    ImportCase(
        "test_import_truefalse_true_answer1",
        "// name 0-11\n::2-08 TSL::TSL is blablabla.{T}",
        Question(type=QType.truefalse, name="2-08 TSL", text="TSL is blablabla.", correct=True),
    ),
    ImportCase(
        "test_import_truefalse_true_answer2",
        "// name 0-11\n::2-08 TSL::TSL is blablabla.{TRUE}",
        Question(type=QType.truefalse, name="2-08 TSL", text="TSL is blablabla.", correct=True),
    ),
    ImportCase(
        "test_import_backslash",
        "\n// essay\n::double backslash:: A \\\\ B \\\\\\\\ C{}",
        Question(type=QType.essay, name="double backslash", text="A \\ B \\\\ C"),
    ),
    # test_import_pre_content: Moodle's test hands readquestion() untrimmed lines, so its
    # expected text keeps the indentation inside <pre>. That is an artefact of the test:
    # Moodle's file import (qformat_default::readquestions()) trims every line before
    # readquestion() sees it, as Podium does, so an imported file gives the text below,
    # the lines of the <pre> block without their indentation (otherwise the same).
    ImportCase(
        "test_import_pre_content",
        "\n::Q001::[html]<p>What would running the test method print?</p>\n"
        "<pre>\n"
        "    public void test() \\{\n"
        "        method1();\n"
        "        method2();\n"
        "        method3();\n"
        "    \\}\n"
        "</pre>\n"
        "{}",
        Question(
            type=QType.essay,
            name="Q001",
            text="<p>What would running the test method print?</p>\n<pre>\n"
            "public void test() {\nmethod1();\nmethod2();\nmethod3();\n}\n</pre>",
            text_format=HTML,
            general_feedback_format=HTML,
        ),
    ),
    ImportCase(
        "test_import_question_with_tags",
        "\n// This question is to test importing tags: [tag:tag] [tag:other-tag].\n"
        "// And an idnumber: [id:myid].\n"
        "::Question name:: How are you? {}",
        Question(
            type=QType.essay,
            name="Question name",
            text="How are you?",
            tags=["tag", "other-tag"],
            id_number="myid",
        ),
    ),
]

# extract_idnumber_and_tags_from_comment_testcases: (name, idnumber, tags, comment), the
# comment as the PHP test writes it (its \' is a backslash and a quote in PHP's "...").
COMMENT_CASES = [
    ("blank comment", "", [], ""),
    ("nothing in comment", "", [], "// A basic comment."),
    ("idnumber only", "frog", [], "// A comment with [id:frog] <-- an idnumber."),
    ("tags only", "", ["frog", "toad"], "// Look tags: [tag:frog] [tag:toad]."),
    ("everything", "four", ["add", "basic"], "// [tag:add] [tag:basic] [id:four]"),
    (
        "everything mixed up",
        "four",
        ["basic", "add"],
        "// [tag:  basic] Here is  \n// a [id:   four   ] que[tag:add   ]stion.",
    ),
    ("split over line", "", [], "// Ceci n\\'est pas une [tag:\n\\ frog]."),
    ("escape ] idnumber", "i]d", [], "// [id:i\\]d]."),
    ("escape ] tag", "", ["t]ag"], "// [tag:t\\]ag]."),
]


@pytest.mark.parametrize("case", IMPORT_CASES, ids=[case.name for case in IMPORT_CASES])
def test_moodle_import_case(case: ImportCase) -> None:
    assert read_one(case.gift) == case.expected


@pytest.mark.parametrize(
    ("idnumber", "tags", "comment"),
    [case[1:] for case in COMMENT_CASES],
    ids=[case[0] for case in COMMENT_CASES],
)
def test_moodle_extract_idnumber_and_tags_from_comment(
    idnumber: str, tags: list[str], comment: str
) -> None:
    # _metadata is Podium's extract_idnumber_and_tags_from_comment(): it reads the joined
    # comment lines of a question's block.
    assert _metadata(comment) == (idnumber, tags)


def test_moodle_comment_cases_as_file_comments() -> None:
    # The same, through a whole file: a question's comment lines (trimmed, as Moodle's file
    # import trims them) give its id and tags.
    question = read_one("// [tag:  basic] Here is\n// a [id:   four   ] que[tag:add   ]stion.\nQ{}")
    assert (question.id_number, question.tags) == ("four", ["basic", "add"])


# --------------------------------------------------------------------------- export


@dataclass(frozen=True)
class ExportCase:
    name: str
    question: Question
    number: int
    expected: str


SHORTANSWER_EXPORTED = (
    "// question: 666  name: Shortanswer\n"
    "::Shortanswer::Which is the best animal?{\n"
    "\t=%100%Frog#Good!\n"
    "\t=%50%Cat#What is it with Moodlers and cats?\n"
    "\t=%0%*#Completely wrong\n"
)

EXPORT_CASES = [
    ExportCase(
        "test_export_essay",
        Question(type=QType.essay, name="Q8", text="How are you?"),
        666,
        "// question: 666  name: Q8\n::Q8::How are you?{}\n\n",
    ),
    ExportCase(
        "test_export_match",
        Question(
            type=QType.matching,
            name="Moodle activities",
            text="Match the <b>activity</b> to the description.",
            text_format=HTML,
            general_feedback_format=HTML,
            pairs=[
                MatchPair(
                    '<div class="frog">An activity supporting asynchronous discussions.</div>',
                    "Forum",
                    HTML,
                ),
                MatchPair(
                    "A teacher asks a question and specifies a choice of multiple responses.",
                    "Choice",
                    MOODLE,
                ),
                MatchPair(
                    "A bank of record entries which participants can add to.", "Database", PLAIN
                ),
                MatchPair(
                    "A collection of web pages that anyone can add to or edit.", "Wiki", MARKDOWN
                ),
                MatchPair("", "Chat", MARKDOWN),
            ],
        ),
        666,
        "// question: 666  name: Moodle activities\n"
        "::Moodle activities::[html]Match the <b>activity</b> to the description.{\n"
        '\t=<div class\\="frog">An activity supporting asynchronous discussions.</div>'
        " -> Forum\n"
        "\t=[moodle]A teacher asks a question and specifies a choice of multiple responses."
        " -> Choice\n"
        "\t=[plain]A bank of record entries which participants can add to. -> Database\n"
        "\t=[markdown]A collection of web pages that anyone can add to or edit. -> Wiki\n"
        "\t= -> Chat\n"
        "}\n\n",
    ),
    ExportCase(
        "test_export_multichoice",
        Question(
            type=QType.single,
            name="Q8",
            text="What's between orange and green in the spectrum?",
            choices=[
                Choice("yellow", 1.0, "right; good!"),
                Choice("red", 0.0, "wrong, it's yellow", feedback_format=HTML),
                Choice("blue", 0.0, "wrong, it's yellow", text_format=PLAIN),
            ],
        ),
        666,
        "// question: 666  name: Q8\n"
        "::Q8::What's between orange and green in the spectrum?{\n"
        "\t=yellow#right; good!\n"
        "\t~red#[html]wrong, it's yellow\n"
        "\t~[plain]blue#wrong, it's yellow\n"
        "}\n\n",
    ),
    ExportCase(
        "test_export_multichoice_multi_tricky",
        Question(
            type=QType.multiple,
            name="Q8",
            text="What's between orange and green in the spectrum?",
            choices=[
                Choice("yellow", 1.0, "right; good!"),
                Choice("red", -0.5, "wrong, it's yellow"),
                Choice("blue", -0.5, "wrong, it's yellow"),
            ],
        ),
        666,
        "// question: 666  name: Q8\n"
        "::Q8::What's between orange and green in the spectrum?{\n"
        "\t~%100%yellow#right; good!\n"
        "\t~%-50%red#wrong, it's yellow\n"
        "\t~%-50%blue#wrong, it's yellow\n"
        "}\n\n",
    ),
    ExportCase(
        "test_export_numerical",
        Question(
            type=QType.numerical,
            name="Q5",
            text="What is a number from 1 to 5?",
            numerical=[
                NumericalAnswer(3.0, 2.0, 1.0),
                NumericalAnswer(0.0, 0.0, 0.0, "Completely wrong", catch_all=True),
            ],
        ),
        666,
        "// question: 666  name: Q5\n"
        "::Q5::What is a number from 1 to 5?{#\n"
        "\t=%100%3:2#\n"
        "\t~#Completely wrong\n"
        "}\n\n",
    ),
    ExportCase(
        "test_export_shortanswer",
        Question(
            type=QType.short,
            name="Shortanswer",
            text="Which is the best animal?",
            choices=SHORTANSWER_CHOICES,
        ),
        666,
        SHORTANSWER_EXPORTED + "}\n\n",
    ),
    ExportCase(
        "test_export_shortanswer_with_general_feedback",
        Question(
            type=QType.short,
            name="Shortanswer",
            text="Which is the best animal?",
            general_feedback="Here is some general feedback!",
            general_feedback_format=HTML,
            choices=SHORTANSWER_CHOICES,
        ),
        666,
        SHORTANSWER_EXPORTED + "\t####[html]Here is some general feedback!\n}\n\n",
    ),
    ExportCase(
        "test_export_truefalse",
        Question(
            type=QType.truefalse,
            name="Q1",
            text="42 is the Absolute Answer to everything.",
            correct=True,
            true_feedback="You gave the right answer.",
            false_feedback="42 is the Ultimate Answer.",
            false_feedback_format=HTML,
        ),
        666,
        "// question: 666  name: Q1\n"
        "::Q1::42 is the Absolute Answer to everything.{TRUE#[html]42 is the Ultimate "
        "Answer.#You gave the right answer.}\n\n",
    ),
    ExportCase(
        "test_export_backslash",
        Question(type=QType.essay, name="backslash", text="A \\ B \\\\ C"),
        666,
        "// question: 666  name: backslash\n::backslash::A \\\\ B \\\\\\\\ C{}\n\n",
    ),
    # The question Moodle's test generator makes (a true/false question whose texts are
    # all HTML), with its idnumber and two tags; its database id is unknown in the test.
    ExportCase(
        "test_export_question_with_tags_and_idnumber",
        Question(
            type=QType.truefalse,
            name="True/false question",
            text="The answer is true.",
            text_format=HTML,
            general_feedback="You should have selected true.",
            general_feedback_format=HTML,
            correct=True,
            true_feedback="This is the right answer.",
            true_feedback_format=HTML,
            false_feedback="This is the wrong answer.",
            false_feedback_format=HTML,
            id_number="myid",
            tags=["tag1", "tag2"],
        ),
        42,
        "// question: 42  name: True/false question\n"
        "// [id:myid] [tag:tag1] [tag:tag2]\n"
        "::True/false question::[html]The answer is true.{TRUE#This is the wrong answer."
        "#This is the right answer.####You should have selected true.}\n\n",
    ),
]


@pytest.mark.parametrize("case", EXPORT_CASES, ids=[case.name for case in EXPORT_CASES])
def test_moodle_export_case(case: ExportCase) -> None:
    assert write_question(case.question, number=case.number) == case.expected


@pytest.mark.parametrize("case", EXPORT_CASES, ids=[case.name for case in EXPORT_CASES])
def test_moodle_export_reads_back_the_same_question(case: ExportCase) -> None:
    again = read_one(case.expected)
    expected = case.question
    if expected.type == QType.matching:
        # The extra answer's sub-question is empty: no marker is written for an empty text
        # (as Moodle writes none), so it reads back in the question's format.
        pairs = [
            pair if pair.question else dataclasses.replace(pair, question_format=HTML)
            for pair in expected.pairs
        ]
        expected = dataclasses.replace(expected, pairs=pairs)
    assert again == expected


def test_every_case_of_moodles_test_file_is_here() -> None:
    # giftformat_test.php: 19 import cases (test_import_multichoice once per numbering
    # style) and 9 comment cases, 28 in all; 10 export cases.
    assert len(IMPORT_CASES) + len(COMMENT_CASES) == 28
    assert len(EXPORT_CASES) == 10
