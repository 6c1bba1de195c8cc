"""Taking a quiz: the progress and question navigator, the confirmation before submitting
with questions unanswered, and the marked part of a result while an essay waits."""

from __future__ import annotations

import json
import re

from sqlmodel import select

from app.models import QuizAnswer, QuizAttempt, QuizQuestion, Role
from app.questions.spec import Choice, QType, Question
from app.quizzes.attempt_view import unanswered_message
from tests.conftest import csrf_from, login
from tests.quizzes.conftest import QUIZ


def _qids(database, lesson) -> dict[str, int]:
    with database.session() as s:
        rows = s.exec(select(QuizQuestion).where(QuizQuestion.lesson_id == lesson.id)
                      .order_by(QuizQuestion.position)).all()
    return {row.qtype: row.id for row in rows}


def _start(client) -> str:
    response = client.post(QUIZ + "/attempts", data={"csrf_token": csrf_from(client, QUIZ)})
    assert response.status_code == 303
    return response.headers["location"]


def _save(client, url: str, qid: int, value: object):
    token = csrf_from(client, url)
    return client.post(f"{url}/answers/{qid}", data={f"q{qid}": value},
                       headers={"X-CSRF-Token": token, "HX-Request": "true"})


def test_attempt_page_has_progress_navigator_and_a_fieldset_per_question(client, quiz_taker,
                                                                         database):
    _, lesson, _ = quiz_taker()
    q = _qids(database, lesson)
    url = _start(client)
    page = client.get(url).text
    assert re.search(r'<link rel="stylesheet" href="/static/css/quiz\.[0-9a-f]+\.css"', page)
    assert re.search(r'<script src="/static/js/quiz\.[0-9a-f]+\.js"', page)
    progress = re.search(r'<p class="quiz-progress" id="quiz-progress" role="status" '
                         r'aria-live="polite">(.*?)</p>', page, re.S)
    assert progress and re.sub(r"<[^>]+>", "", progress.group(1)).strip() == "Answered 0 of 4"
    nav = re.findall(r'<a id="nav-q(\d+)" href="#question-\1" class="quiz-nav-item"', page)
    assert [int(n) for n in nav] == [q["single"], q["truefalse"], q["numerical"], q["multiple"]]
    assert page.count('<fieldset class="panel question"') == 4
    assert page.count("<legend>") == 4
    # every question is on the page (the no-JavaScript fallback), one page per question
    assert page.count('class="quiz-page"') == 4
    assert "Capital of France?" in page and "Pick the networks" in page


def test_autosave_updates_the_progress_and_the_navigator(client, quiz_taker, database):
    _, lesson, _ = quiz_taker()
    q = _qids(database, lesson)
    url = _start(client)
    saved = _save(client, url, q["truefalse"], "true")
    assert saved.status_code == 200
    assert f'id="status-{q["truefalse"]}"' in saved.text and "Saved" in saved.text
    assert '<span hx-swap-oob="innerHTML:#quiz-progress">Answered <strong>1</strong> of 4' \
        in saved.text
    assert re.search(rf'<a id="nav-q{q["truefalse"]}" [^>]*class="quiz-nav-item is-answered"'
                     rf'[^>]*hx-swap-oob="true"', saved.text)
    # clearing an answer makes it unanswered again
    cleared = _save(client, url, q["numerical"], "")
    assert "Answered <strong>1</strong> of 4" in cleared.text
    page = client.get(url).text
    assert f'<a id="nav-q{q["truefalse"]}" href="#question-{q["truefalse"]}" ' \
        'class="quiz-nav-item is-answered"' in page


def test_submit_with_unanswered_questions_asks_first_and_keeps_the_answers(client, quiz_taker,
                                                                            database):
    _, lesson, _ = quiz_taker()
    q = _qids(database, lesson)
    url = _start(client)
    token = csrf_from(client, url)
    response = client.post(url + "/submit", data={
        "csrf_token": token, f"q{q['single']}": "0", f"q{q['numerical']}": "220"})
    assert response.status_code == 422
    assert "Questions 2 and 4 are unanswered. Submit anyway?" in response.text
    assert 'name="confirm_unanswered" value="1">Submit anyway</button>' in response.text
    assert f'href="#question-{q["truefalse"]}" data-quiz-goto="{q["truefalse"]}">' \
        "Answer question 2</a>" in response.text
    # what was typed is kept: saved, and shown as typed
    assert re.search(rf'name="q{q["single"]}" value="0" checked', response.text)
    assert re.search(rf'name="q{q["numerical"]}"[^>]*value="220"', response.text)
    with database.session() as s:
        attempt = s.exec(select(QuizAttempt)).one()
        assert attempt.submitted_at is None
        saved = {a.question_id: json.loads(a.response) for a in s.exec(select(QuizAnswer))}
    assert saved == {q["single"]: ["0"], q["numerical"]: ["220"]}

    confirmed = client.post(url + "/submit", data={
        "csrf_token": token, f"q{q['single']}": "0", "confirm_unanswered": "1"})
    assert confirmed.status_code == 303
    with database.session() as s:
        attempt = s.exec(select(QuizAttempt)).one()
        assert attempt.submitted_at is not None and attempt.score == 50.0


def test_submit_with_every_question_answered_needs_no_confirmation(client, quiz_taker,
                                                                   database):
    _, lesson, _ = quiz_taker()
    q = _qids(database, lesson)
    url = _start(client)
    response = client.post(url + "/submit", data={
        "csrf_token": csrf_from(client, url), f"q{q['single']}": "1",
        f"q{q['truefalse']}": "false", f"q{q['numerical']}": "1", f"q{q['multiple']}": "2"})
    assert response.status_code == 303
    with database.session() as s:
        assert s.exec(select(QuizAttempt)).one().submitted_at is not None


def test_answers_saved_earlier_count_as_answered(client, quiz_taker, database):
    _, lesson, _ = quiz_taker()
    q = _qids(database, lesson)
    url = _start(client)
    for kind, value in (("single", "0"), ("truefalse", "true"), ("numerical", "220")):
        assert _save(client, url, q[kind], value).status_code == 200
    response = client.post(url + "/submit", data={"csrf_token": csrf_from(client, url)})
    assert response.status_code == 422
    assert "Question 4 is unanswered. Submit anyway?" in response.text


def test_unanswered_message_wording():
    assert unanswered_message([3]) == "Question 3 is unanswered."
    assert unanswered_message([4, 7]) == "Questions 4 and 7 are unanswered."
    assert unanswered_message([1, 4, 7]) == "Questions 1, 4 and 7 are unanswered."


def test_essay_waiting_shows_the_marked_part(client, quiz_taker, database):
    questions = [
        Question(type=QType.essay, text="Describe your voice."),
        Question(type=QType.single, text="Pick A", choices=[Choice("A", 1.0), Choice("B", 0.0)]),
        Question(type=QType.truefalse, text="True?", correct=True),
        Question(type=QType.single, text="Pick C", choices=[Choice("C", 1.0), Choice("D", 0.0)]),
    ]
    quiz_taker(questions=questions)
    q = {}
    with database.session() as s:
        for row in s.exec(select(QuizQuestion).order_by(QuizQuestion.position)):
            q[row.position] = row.id
    url = _start(client)
    response = client.post(url + "/submit", data={
        "csrf_token": csrf_from(client, url), f"q{q[1]}": "Warm.", f"q{q[2]}": "0",
        f"q{q[3]}": "true", f"q{q[4]}": "1"})
    assert response.status_code == 303
    result = client.get(url).text
    assert ("<strong>2 of 3 marks</strong> on the questions marked so far; 1 essay waits for "
            "a trainer's grade, your final score will appear then.") in result
    quiz_page = client.get(QUIZ).text
    assert ("Attempt 1: 2 of 3 marks on the questions marked so far; 1 essay waits for a "
            "trainer's grade, your final score will appear then.") in quiz_page
    assert "2 of 3 marked so far" in quiz_page and "(1 essay to grade)" in quiz_page


def test_unearned_certificate_lists_a_quiz_not_passed(client, quiz_taker):
    quiz_taker()
    page = client.get("/courses/pilot/certificate")
    assert page.status_code == 200
    assert '<a class="cert-left-title" href="/courses/pilot/quizzes/check">' in page.text
    assert "Pass this quiz" in page.text


def test_another_executive_cannot_submit_or_save(client, new_client, quiz_taker, make_user,
                                                 database):
    _, lesson, _ = quiz_taker()
    q = _qids(database, lesson)
    url = _start(client)
    other = new_client()
    login(other, make_user(Role.executive).email)
    token = csrf_from(other, "/account")
    assert other.post(url + "/submit", data={"csrf_token": token,
                                             "confirm_unanswered": "1"}).status_code == 404
    assert other.post(f"{url}/answers/{q['single']}", data={f"q{q['single']}": "0"},
                      headers={"X-CSRF-Token": token}).status_code == 404
