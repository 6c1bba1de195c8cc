from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import select

from app.courses.spec import QuizReveal, QuizSettings
from app.learning.progress import course_progress
from app.models import LessonProgress, QuizAnswer, QuizAttempt, QuizQuestion, Role
from app.questions.spec import Choice, QType, Question
from tests.conftest import csrf_from, login
from tests.quizzes.conftest import QUIZ


def _qids(database, lesson) -> dict[str, int]:
    with database.session() as s:
        rows = s.exec(
            select(QuizQuestion)
            .where(QuizQuestion.lesson_id == lesson.id)
            .order_by(QuizQuestion.position)
        ).all()
    return {row.qtype: row.id for row in rows}


def _start(client) -> str:
    token = csrf_from(client, QUIZ)
    response = client.post(QUIZ + "/attempts", data={"csrf_token": token})
    assert response.status_code == 303, response.text
    return response.headers["location"]


def _all_right(q: dict[str, int]) -> dict[str, object]:
    return {
        f"q{q['single']}": "0",
        f"q{q['truefalse']}": "true",
        f"q{q['numerical']}": "220",
        f"q{q['multiple']}": ["0", "1"],
    }


def _submit(client, url: str, answers: dict[str, object]):
    token = csrf_from(client, url)
    return client.post(url + "/submit", data={"csrf_token": token, **answers})


def test_take_pass_and_complete_the_quiz(client, quiz_taker, database):
    _course, lesson, user = quiz_taker()
    page = client.get(QUIZ)
    assert page.status_code == 200 and "Start the quiz" in page.text
    assert "<strong>4</strong> questions" in page.text  # the description is not counted
    url = _start(client)
    assert url == QUIZ + "/attempts/1"
    attempt_page = client.get(url)
    assert "Capital of France?" in attempt_page.text
    response = _submit(client, url, _all_right(_qids(database, lesson)))
    assert response.status_code == 303
    result = client.get(url)
    assert "Passed: 100.0%" in result.text
    assert "Right: Paris." in result.text and "France's capital is Paris." in result.text
    with database.session() as s:
        attempt = s.exec(select(QuizAttempt)).one()
        assert attempt.score == 100.0 and attempt.passed is True
        progress = s.get(LessonProgress, (user.id, lesson.id))
        assert progress is not None and progress.completed_at is not None
    course_page = client.get("/courses/pilot")
    assert "Passed, best 100%" in course_page.text


def test_fail_then_retake_and_pass(client, quiz_taker, database):
    _, lesson, user = quiz_taker()
    q = _qids(database, lesson)
    url = _start(client)
    _submit(
        client,
        url,
        {
            f"q{q['single']}": "1",
            f"q{q['truefalse']}": "false",
            f"q{q['numerical']}": "200",
            f"q{q['multiple']}": ["2"],
        },
    )
    result = client.get(url).text
    assert "Not passed: 0.0%" in result and "Retake the quiz" in result
    assert "Not passed yet, best 0%" in client.get("/courses/pilot").text
    second = _start(client)
    assert second == QUIZ + "/attempts/2"
    _submit(client, second, _all_right(q))
    with database.session() as s:
        scores = [a.score for a in s.exec(select(QuizAttempt).order_by(QuizAttempt.number))]
        assert scores == [0.0, 100.0]
        assert s.get(LessonProgress, (user.id, lesson.id)).completed_at is not None


def test_partial_credit_and_negative_weights(client, quiz_taker, database):
    _, lesson, _ = quiz_taker()
    q = _qids(database, lesson)
    url = _start(client)
    _submit(
        client,
        url,
        {
            f"q{q['single']}": "0",
            f"q{q['truefalse']}": "true",
            f"q{q['numerical']}": "220",
            f"q{q['multiple']}": ["0", "2"],
        },
    )
    with database.session() as s:
        attempt = s.exec(select(QuizAttempt)).one()
        assert attempt.score == 75.0  # 3 of 4, the multiple-answer question 0.5 - 0.5 = 0
        answers = {a.question_id: a.fraction for a in s.exec(select(QuizAnswer))}
        assert answers[q["multiple"]] == 0.0


def test_answers_are_saved_as_you_go_and_resume(client, quiz_taker, database):
    _, lesson, _ = quiz_taker()
    q = _qids(database, lesson)
    url = _start(client)
    token = csrf_from(client, url)
    saved = client.post(
        f"{url}/answers/{q['single']}",
        data={f"q{q['single']}": "0"},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert saved.status_code == 200 and "Saved" in saved.text and "<html" not in saved.text
    bad = client.post(
        f"{url}/answers/{q['numerical']}",
        data={f"q{q['numerical']}": "lots"},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert bad.status_code == 422 and "Enter a number" in bad.text
    foreign = client.post(
        f"{url}/answers/{q['single']}",
        data={f"q{q['single']}": "7"},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert foreign.status_code == 422 and "not part of this question" in foreign.text
    unknown = client.post(
        f"{url}/answers/999999",
        data={"q999999": "1"},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert unknown.status_code == 422 and "not part of this attempt" in unknown.text
    # leave and come back: the saved answer is still selected, resume keeps attempt 1
    assert _start(client) == url
    page = client.get(url).text
    assert re.search(rf'name="q{q["single"]}" value="0" checked', page)


def test_invalid_answer_on_submit_keeps_everything_and_submits_nothing(
    client, quiz_taker, database
):
    _, lesson, _ = quiz_taker()
    q = _qids(database, lesson)
    url = _start(client)
    answers = _all_right(q)
    answers[f"q{q['numerical']}"] = "two hundred"
    response = _submit(client, url, answers)
    assert response.status_code == 400
    assert "Nothing was submitted." in response.text and "Enter a number" in response.text
    assert 'value="two hundred"' in response.text
    with database.session() as s:
        attempt = s.exec(select(QuizAttempt)).one()
        assert attempt.submitted_at is None
        saved = {a.question_id for a in s.exec(select(QuizAnswer))}
        assert q["single"] in saved  # the valid answers were kept


def test_submitted_attempt_cannot_change_and_double_submit_counts_once(
    client, quiz_taker, database
):
    _, lesson, _ = quiz_taker()
    q = _qids(database, lesson)
    url = _start(client)
    assert _submit(client, url, _all_right(q)).status_code == 303
    again = _submit(client, url, {f"q{q['single']}": "1"})
    assert again.status_code == 303
    token = csrf_from(client, url)
    late = client.post(
        f"{url}/answers/{q['single']}",
        data={f"q{q['single']}": "1"},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert late.status_code == 422 and "has been submitted" in late.text
    with database.session() as s:
        attempts = s.exec(select(QuizAttempt)).all()
        assert len(attempts) == 1 and attempts[0].score == 100.0


def test_an_answer_saved_after_the_submission_it_did_not_see_is_refused(
    client, quiz_taker, database
):
    """The autosave reads the attempt open, the submission lands before its write: the
    write, conditional on the locked attempt being open, stores nothing."""
    from app.quizzes import autosave
    from app.quizzes.answer_store import AttemptClosed

    _, lesson, user = quiz_taker()
    q = _qids(database, lesson)
    url = _start(client)
    with database.session() as s:
        found, attempt = autosave.find_attempt(s, lesson_id=lesson.id, user_id=user.id,
                                               number=1)
    assert found and attempt is not None and attempt.submitted_at is None
    assert _submit(client, url, {"confirm_unanswered": "1"}).status_code == 303
    with database.session(write=True) as s, \
            pytest.raises(AttemptClosed, match="has been submitted"):
        autosave.save(s, attempt=attempt, question_id=q["single"], raw=["0"])
    with database.session() as s:
        answer = s.exec(select(QuizAnswer).where(QuizAnswer.question_id == q["single"])).one()
        assert answer.response == "null"  # as the submission recorded it: unanswered


def test_an_answer_to_a_quiz_locked_meanwhile_is_refused(client, quiz_taker, database):
    """The course turned sequential and the quiz moved behind an unfinished module: its
    attempt can no longer be answered (403), and nothing is written."""
    from app.models import Course, Lesson, Module, utcnow

    course, lesson, _ = quiz_taker()
    q = _qids(database, lesson)
    url = _start(client)
    with database.session(write=True) as s:
        advanced = s.exec(select(Module).where(Module.slug == "advanced")).one()
        s.exec(update(Lesson).where(Lesson.id == lesson.id).values(module_id=advanced.id))
        s.exec(update(Course).where(Course.id == course.id)
               .values(sequential=True, updated_at=utcnow()))  # the outline changed
    token = csrf_from(client, "/account")
    locked = client.post(f"{url}/answers/{q['single']}", data={f"q{q['single']}": "0"},
                         headers={"X-CSRF-Token": token, "HX-Request": "true"})
    assert locked.status_code == 403
    with database.session() as s:
        assert s.exec(select(QuizAnswer)).all() == []


def _tabs_of_one_executive(app, make_user, database, course, count: int = 4):  # type: ignore[no-untyped-def]
    """Several browser tabs signed in as one enrolled executive."""
    from app.enrolments.service import enrol_users

    user = make_user(Role.executive)
    with database.session(write=True) as s:
        enrol_users(s, course=course, users=[user], due_date=None)
    tabs = []
    for _ in range(count):
        tab = TestClient(app, base_url="https://testserver", follow_redirects=False)
        login(tab, user.email)
        tabs.append(tab)
    return tabs


def test_concurrent_submissions_record_one_graded_attempt(app, make_user, quiz_course, database):
    course, lesson = quiz_course()
    tabs = _tabs_of_one_executive(app, make_user, database, course)
    url = _start(tabs[0])
    q = _qids(database, lesson)
    tokens = [csrf_from(tab, url) for tab in tabs]

    def submit(i: int) -> int:
        return (
            tabs[i]
            .post(url + "/submit", data={"csrf_token": tokens[i], **_all_right(q)})
            .status_code
        )

    with ThreadPoolExecutor(max_workers=4) as pool:
        codes = list(pool.map(submit, range(4)))
    for tab in tabs:
        tab.close()
    assert codes == [303] * 4
    with database.session() as s:
        attempts = s.exec(select(QuizAttempt)).all()
        assert len(attempts) == 1 and attempts[0].submitted_at is not None
        assert attempts[0].score == 100.0
        assert len(s.exec(select(QuizAnswer)).all()) == 4


def test_time_limit_is_enforced_on_the_server(client, quiz_taker, database):
    _, lesson, _ = quiz_taker(settings=QuizSettings(shuffle=False, time_limit=10))
    q = _qids(database, lesson)
    url = _start(client)
    token = csrf_from(client, url)
    assert "Time limit: submit by" in client.get(url).text
    client.post(
        f"{url}/answers/{q['single']}",
        data={f"q{q['single']}": "0"},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    with database.session(write=True) as s:  # eleven minutes pass
        attempt = s.exec(select(QuizAttempt)).one()
        s.exec(
            update(QuizAttempt)
            .where(QuizAttempt.id == attempt.id)
            .values(deadline_at=attempt.started_at - timedelta(minutes=1))
        )
    late = client.post(
        f"{url}/answers/{q['truefalse']}",
        data={f"q{q['truefalse']}": "true"},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert late.status_code == 422 and "time limit has passed" in late.text
    page = client.get(url)  # opening it again submits what was saved in time
    assert page.status_code == 303
    result = client.get(url).text
    assert "Not passed: 25.0%" in result
    with database.session() as s:
        assert s.exec(select(QuizAttempt)).one().submitted_at is not None


def test_attempt_limit(client, quiz_taker):
    quiz_taker(settings=QuizSettings(shuffle=False, attempts=1))
    url = _start(client)
    _submit(client, url, {"confirm_unanswered": "1"})
    page = client.get(QUIZ).text
    assert "You have used all your attempts." in page
    token = csrf_from(client, QUIZ)
    refused = client.post(QUIZ + "/attempts", data={"csrf_token": token})
    assert refused.status_code == 400 and "used all your attempts" in refused.text


def test_answer_key_is_not_in_the_attempt_page(client, quiz_taker):
    quiz_taker(settings=QuizSettings(shuffle=False, reveal=QuizReveal.after_submit))
    page = client.get(_start(client)).text
    for secret in (
        "Right: Paris.",
        "France's capital is Paris.",
        "220 it is.",
        "Right answer",
        "fraction",
    ):
        assert secret not in page


def test_reveal_never_hides_feedback_after_submission(client, quiz_taker, database):
    _, lesson, _ = quiz_taker(settings=QuizSettings(shuffle=False, reveal=QuizReveal.never))
    url = _start(client)
    _submit(client, url, _all_right(_qids(database, lesson)))
    result = client.get(url).text
    assert "Passed: 100.0%" in result
    assert "Right: Paris." not in result and "Right answer" not in result


def test_other_executives_cannot_see_or_change_an_attempt(
    client, new_client, quiz_taker, make_user, database
):
    course, lesson, _ = quiz_taker()
    url = _start(client)
    other = new_client()
    intruder = make_user(Role.executive)
    from app.enrolments.service import enrol_users

    with database.session(write=True) as s:
        enrol_users(s, course=course, users=[intruder], due_date=None)
    login(other, intruder.email)
    assert other.get(url).status_code == 404
    token = csrf_from(other, QUIZ)
    q = _qids(database, lesson)
    assert other.post(url + "/submit", data={"csrf_token": token}).status_code == 404
    assert (
        other.post(
            f"{url}/answers/{q['single']}",
            data={f"q{q['single']}": "0"},
            headers={"X-CSRF-Token": token},
        ).status_code
        == 404
    )
    trainer = new_client()
    login(trainer, make_user(Role.trainer).email)
    assert trainer.get(QUIZ).status_code == 200  # preview
    token = csrf_from(trainer, QUIZ)
    assert trainer.post(QUIZ + "/attempts", data={"csrf_token": token}).status_code == 403


def test_essay_makes_the_result_pending(client, quiz_taker, database):
    questions = [
        Question(type=QType.essay, text="Describe your voice."),
        Question(type=QType.single, text="Pick A", choices=[Choice("A", 1.0), Choice("B", 0.0)]),
    ]
    _, lesson, user = quiz_taker(questions=questions)
    q = _qids(database, lesson)
    url = _start(client)
    _submit(client, url, {f"q{q['essay']}": "Plain, warm and direct.", f"q{q['single']}": "0"})
    result = client.get(url).text
    assert "waiting for a trainer" in result.lower()
    with database.session() as s:
        attempt = s.exec(select(QuizAttempt)).one()
        assert attempt.score is None and attempt.needs_grading and attempt.passed is None
        assert s.get(LessonProgress, (user.id, lesson.id)) is None
    assert "Grading pending" in client.get("/courses/pilot").text


def test_shuffled_layout_keeps_original_choice_indexes(client, quiz_taker, database):
    choices = [Choice(f"Option {i}", 1.0 if i == 3 else 0.0) for i in range(6)]
    _, lesson, _ = quiz_taker(
        questions=[Question(type=QType.single, text="Which?", choices=choices)],
        settings=QuizSettings(shuffle=True),
    )
    url = _start(client)
    page = client.get(url).text
    shown = re.findall(r'value="(\d)"[^>]*> Option (\d)', page)
    assert len(shown) == 6 and all(v == o for v, o in shown)
    q = _qids(database, lesson)
    _submit(client, url, {f"q{q['single']}": "3"})
    assert "Passed: 100.0%" in client.get(url).text


def test_progress_counts_the_quiz_toward_module_completion(database, quiz_taker, client):
    course, _lesson, user = quiz_taker()
    with database.session() as s:
        progress = course_progress(s, course=course, user_id=user.id)
        assert progress.required_total == 4  # hello, world, deep and the quiz
        assert progress.modules[0].completed is False


def test_concurrent_starts_open_one_attempt(app, make_user, quiz_course, database):
    course, _ = quiz_course()
    tabs = [(tab, csrf_from(tab, QUIZ))
            for tab in _tabs_of_one_executive(app, make_user, database, course)]

    def start(i: int) -> tuple[int, str]:
        tab, token = tabs[i]
        response = tab.post(QUIZ + "/attempts", data={"csrf_token": token})
        return response.status_code, response.headers.get("location", "")

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(start, range(4)))
    for tab, _ in tabs:
        tab.close()
    assert results == [(303, QUIZ + "/attempts/1")] * 4
    with database.session() as s:
        assert len(s.exec(select(QuizAttempt)).all()) == 1


def test_trainer_grades_an_essay_and_the_quiz_passes(
    client, new_client, quiz_taker, make_user, database
):
    questions = [
        Question(
            type=QType.essay,
            text="Describe your voice.",
            general_feedback="Look for a concrete example.",
        ),
        Question(type=QType.single, text="Pick A", choices=[Choice("A", 1.0), Choice("B", 0.0)]),
    ]
    _, lesson, user = quiz_taker(questions=questions)
    q = _qids(database, lesson)
    url = _start(client)
    _submit(client, url, {f"q{q['essay']}": "<b>Warm</b> and direct.", f"q{q['single']}": "0"})

    trainer = new_client()
    login(trainer, make_user(Role.trainer).email)
    queue = trainer.get("/manage/grading")
    assert user.full_name in queue.text
    with database.session() as s:
        attempt_id = s.exec(select(QuizAttempt)).one().id
    form = trainer.get(f"/manage/grading/{attempt_id}").text
    assert "&lt;b&gt;Warm&lt;/b&gt; and direct." in form  # the executive's text, escaped
    assert "Look for a concrete example." in form
    token = csrf_from(trainer, f"/manage/grading/{attempt_id}")
    bad = trainer.post(
        f"/manage/grading/{attempt_id}",
        data={"csrf_token": token, f"mark{q['essay']}": "150", f"comment{q['essay']}": "Good"},
    )
    assert bad.status_code == 400 and "Enter a mark from 0 to 100." in bad.text
    assert 'value="150"' in bad.text and ">Good</textarea>" in bad.text
    ok = trainer.post(
        f"/manage/grading/{attempt_id}",
        data={
            "csrf_token": token,
            f"mark{q['essay']}": "80",
            f"comment{q['essay']}": "Clear voice.",
        },
    )
    assert ok.status_code == 303
    with database.session() as s:
        attempt = s.exec(select(QuizAttempt)).one()
        assert attempt.score == 90.0 and attempt.passed and not attempt.needs_grading
        assert s.get(LessonProgress, (user.id, lesson.id)).completed_at is not None
    result = client.get(url).text
    assert "Passed: 90.0%" in result and "Clear voice." in result
    assert user.full_name not in trainer.get("/manage/grading").text
    executive_view = client.get("/manage/grading")
    assert executive_view.status_code == 403


def test_home_shows_quiz_status_and_best_score(client, quiz_taker, database):
    _, lesson, _ = quiz_taker()
    assert "Quizzes passed: 0 of 1" in client.get("/").text
    url = _start(client)
    q = _qids(database, lesson)
    _submit(client, url, {f"q{q['single']}": "0", f"q{q['truefalse']}": "true",
                          "confirm_unanswered": "1"})
    assert "Quizzes passed: 0 of 1 (best scores 50%)" in client.get("/").text
    _submit(client, _start(client), _all_right(q))
    assert "Quizzes passed: 1 of 1 (best scores 100%)" in client.get("/").text


def test_result_page_names_unanswered_questions(client, quiz_taker, database):
    _, lesson, _ = quiz_taker()
    q = _qids(database, lesson)
    url = _start(client)
    _submit(client, url, {f"q{q['numerical']}": "", f"q{q['single']}": "0",
                          "confirm_unanswered": "1"})
    result = client.get(url).text
    assert result.count("<strong>Your answer:</strong> No answer") == 3
    assert "<strong>Your answer:</strong> Paris" in result


def test_saving_the_same_answer_again_writes_and_locks_nothing(client, quiz_taker, database):
    from tests.dbutil import statements_of, writes_in

    _, lesson, _ = quiz_taker()
    q = _qids(database, lesson)
    url = _start(client)
    headers = {"X-CSRF-Token": csrf_from(client, url), "HX-Request": "true"}
    answer = f"{url}/answers/{q['single']}"
    with statements_of(database.engine) as first:
        saved = client.post(answer, data={f"q{q['single']}": "0"}, headers=headers)
    assert saved.status_code == 200 and "Saved" in saved.text
    assert any(s.startswith("INSERT INTO quiz_answer") for s in writes_in(first))
    with statements_of(database.engine) as again:
        saved = client.post(answer, data={f"q{q['single']}": "0"}, headers=headers)
    assert saved.status_code == 200 and "Saved" in saved.text
    assert again and writes_in(again) == []
    with statements_of(database.engine) as changed:
        saved = client.post(answer, data={f"q{q['single']}": "1"}, headers=headers)
    assert saved.status_code == 200
    assert any(s.startswith("INSERT INTO quiz_answer") for s in writes_in(changed))
    with database.session() as s:
        assert [a.response for a in s.exec(select(QuizAnswer))] == ['["1"]']
