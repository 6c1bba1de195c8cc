"""A question imported with a format for each text (GIFT's [html], [plain], ... on answers
and feedback) and a numerical "any other answer" keeps them through an edit in the
question editor, which shows one text format per question."""

from __future__ import annotations

import dataclasses

from app.authoring.question_forms import form_for
from app.questions.gift.reader import parse_gift
from app.questions.spec import TextFormat
from tests.authoring.conftest import QUIZ_SLUG, SLUG, draft_lesson, quiz_spec, submit

QUESTIONS = f"/author/{SLUG}/quizzes/{QUIZ_SLUG}/questions"

GIFT = """\
::Capital::[html]<p>Capital of France?</p>{
\t=[plain]<Paris>#[markdown]*Right*
\t~Lyon#No.
\t####[moodle]General
}

::Headline::LinkedIn headline limit?{#
\t=%100%220:0#Yes.
\t~#[html]<em>No.</em>
}
"""


def _edit(client, number: int, question, **changes: str):
    values = dict(form_for(question, question.type).values, **changes)
    action = f"{QUESTIONS}/{number}"
    return submit(client, action, action, values)


def test_an_edit_of_the_stem_keeps_every_other_texts_format(client, trainer, database,
                                                             load_course):
    load_course(quiz_spec(GIFT))
    questions, _ = parse_gift(GIFT)
    response = _edit(client, 1, questions[0], text="<p>The capital of France?</p>")
    assert response.status_code == 303, response.text
    again, warnings = parse_gift(draft_lesson(database, QUIZ_SLUG)["body"])
    assert warnings == []
    edited = again[0]
    assert edited.text == "<p>The capital of France?</p>"
    assert edited.text_format == TextFormat.html
    assert (edited.choices[0].text, edited.choices[0].text_format) == ("<Paris>", TextFormat.plain)
    assert edited.choices[0].feedback_format == TextFormat.markdown
    assert edited.choices[1].text_format == TextFormat.html  # it followed the question's
    assert edited.general_feedback_format == TextFormat.moodle
    assert again[1] == dataclasses.replace(questions[1], line=again[1].line)  # untouched


def test_a_changed_text_takes_the_questions_format(client, trainer, database, load_course):
    load_course(quiz_spec(GIFT))
    questions, _ = parse_gift(GIFT)
    response = _edit(client, 1, questions[0], **{"choice-0-text": "Paris"})
    assert response.status_code == 303, response.text
    edited = parse_gift(draft_lesson(database, QUIZ_SLUG)["body"])[0][0]
    assert (edited.choices[0].text, edited.choices[0].text_format) == ("Paris", TextFormat.html)
    assert edited.choices[0].feedback_format == TextFormat.markdown  # unchanged: kept


def test_an_edit_keeps_the_numerical_catch_all(client, trainer, database, load_course):
    load_course(quiz_spec(GIFT))
    questions, _ = parse_gift(GIFT)
    assert form_for(questions[1], questions[1].type).values["numerical-1-value"] == "*"
    response = _edit(client, 2, questions[1], text="LinkedIn's headline limit?")
    assert response.status_code == 303, response.text
    edited = parse_gift(draft_lesson(database, QUIZ_SLUG)["body"])[0][1]
    assert edited.text == "LinkedIn's headline limit?"
    other = edited.numerical[1]
    assert other.catch_all and other.fraction == 0.0
    assert (other.feedback, other.feedback_format) == ("<em>No.</em>", TextFormat.html)
    assert "\t~#[html]<em>No.</em>\n" in draft_lesson(database, QUIZ_SLUG)["body"]
