"""The question editor as one flat form: answers as rows with a collapsible feedback and a
template for "Add an answer", and the live preview beside it (nothing saved)."""

from __future__ import annotations

import re

from app.models import Role
from tests.authoring.conftest import QUIZ_SLUG, SLUG, draft_row, token

QUESTIONS = f"/author/{SLUG}/quizzes/{QUIZ_SLUG}/questions"


def preview(client, number: int, values: dict[str, str]):
    return client.post(f"{QUESTIONS}/{number}/preview", data=values,
                       headers={"X-CSRF-Token": token(client), "HX-Request": "true"})


def test_the_editor_shows_rows_a_row_template_and_the_preview(client, trainer, quiz_course):
    page = client.get(f"{QUESTIONS}/1").text  # "Capital of France?" {=Paris ~Lyon ~Nice}
    # one row per answer, a flat group each, feedback folded away but marked when written
    rows = re.findall(r'<fieldset class="au-answer" data-row-index="(\d+)"', page)
    assert rows[:3] == ["0", "1", "2"]
    assert re.search(r'<details class="au-answer-feedback has-value">\s*<summary>Feedback',
                     page)
    # "Add an answer" copies a blank row whose grade starts at 0% (single choice)
    template = re.search(r'<template id="qf-choices-template">(.*?)</template>', page, re.S)
    assert template
    assert 'name="choice-__i__-text"' in template.group(1)
    assert re.search(r'<option value="0" selected>', template.group(1))
    assert 'data-add-row="qf-choices-rows"' in page
    # the preview shows the question as executives will
    preview_html = re.search(r'id="question-preview"[^>]*>(.*?)</aside>', page, re.S).group(1)
    assert "Capital of France?" in preview_html and "Paris" in preview_html
    assert "disabled" in preview_html  # nothing to answer there


def test_the_preview_follows_what_is_typed_and_saves_nothing(client, trainer, database,
                                                           quiz_course):
    values = {"qtype": "single", "text": "Which network is for <work>?", "text_format": "plain",
              "choice-0-text": "LinkedIn", "choice-0-grade": "100",
              "choice-1-text": "TikTok", "choice-1-grade": "0"}
    response = preview(client, 0, values)
    assert response.status_code == 200
    assert "Which network is for &lt;work&gt;?" in response.text
    assert "LinkedIn" in response.text and "<html" not in response.text
    incomplete = preview(client, 0, {"qtype": "single", "text": "No answers yet"})
    assert incomplete.status_code == 200
    assert "The preview appears once the question has its text" in incomplete.text
    assert draft_row(database) is None


def test_the_preview_checks_role_csrf_and_the_quiz(client, trainer, quiz_course, login_as):
    values = {"qtype": "truefalse", "text": "True?", "correct": "true"}
    assert client.post(f"{QUESTIONS}/0/preview", data=values).status_code == 403
    assert client.post(f"/author/{SLUG}/quizzes/nope/questions/0/preview", data=values,
                       headers={"X-CSRF-Token": token(client)}).status_code == 404
    assert preview(client, 0, {**values, "qtype": "nonsense"}).status_code == 400
    login_as(Role.executive)
    assert preview(client, 0, values).status_code == 403
