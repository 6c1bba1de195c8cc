"""Question pools in the quiz editor: the settings form sets how many questions an attempt
draws and how many from each category, shows each category's size, puts problems next to
the fields, and the draft publishes them (revisions kept)."""

from __future__ import annotations

import json

from sqlmodel import select

from app.courses.spec import QuizSettings
from app.models import Quiz, QuizQuestion, Role
from tests.authoring.conftest import (
    QUIZ_SLUG,
    SLUG,
    attempts,
    draft_lesson,
    draft_row,
    field_error,
    input_value,
    lesson_row,
    publish,
    quiz_post,
    quiz_spec,
    revisions,
)
from tests.conftest import csrf_from, login
from tests.quizzes.test_pools import GIFT

SETTINGS_URL = f"/author/{SLUG}/quizzes/{QUIZ_SLUG}/settings"
EDITOR = f"/author/{SLUG}/lessons/{QUIZ_SLUG}"
FORM = {"title": "Check", "minutes": "5", "pass_mark": "70", "attempts": "0",
        "time_limit": "", "score": "best", "reveal": "after-submit"}


def test_the_editor_shows_each_pool_and_its_size(client, trainer, load_course):
    load_course(quiz_spec(GIFT))
    page = client.get(EDITOR)
    assert page.status_code == 200
    assert "Questions per attempt (empty = all 12)" in page.text
    for index, label in enumerate(("From “Social selling” (5 questions)",
                                   "From “Listening” (3 questions)",
                                   "From “General” (4 questions)")):
        assert f'<label for="f-pool-{index}-draw">{label}</label>' in page.text
        assert input_value(page.text, f"pool-{index}-draw") == ""


def test_a_quiz_without_categories_says_how_to_make_pools(client, trainer, load_course):
    load_course(quiz_spec())
    page = client.get(EDITOR)
    assert "No question has a category" in page.text
    assert "Questions per attempt (empty = all 3)" in page.text


def test_draw_and_pools_are_saved_in_the_draft_and_published(client, trainer, load_course,
                                                             database, new_client, make_user,
                                                             enrol):
    course = load_course(quiz_spec(GIFT))
    done = quiz_post(client, SETTINGS_URL, {**FORM, "draw": "5", "pool-0-draw": "2",
                                            "pool-1-draw": " 1 ", "pool-2-draw": ""})
    assert done.status_code == 303, done.text
    quiz = draft_lesson(database, QUIZ_SLUG)["quiz"]
    assert quiz["draw"] == 5
    assert quiz["pools"] == [{"category": "Social selling", "draw": 2},
                             {"category": "Listening", "draw": 1}]
    page = client.get(EDITOR)
    assert input_value(page.text, "draw") == "5"
    assert input_value(page.text, "pool-0-draw") == "2"
    assert input_value(page.text, "pool-2-draw") == ""

    assert publish(client, "Draw five questions").status_code == 303
    with database.session() as s:
        stored = s.get(Quiz, lesson_row(database, QUIZ_SLUG).id)
    assert stored.draw == 5
    assert json.loads(stored.pools) == [{"category": "Social selling", "draw": 2},
                                        {"category": "Listening", "draw": 1}]
    last = json.loads(revisions(database)[-1].spec)
    assert last["modules"][0]["lessons"][-1]["quiz"]["pools"][0]["category"] == "Social selling"
    history = client.get(EDITOR + "/history")
    assert history.status_code == 200
    analysis = client.get(f"/author/{SLUG}/quizzes/{QUIZ_SLUG}/analysis")
    assert analysis.status_code == 200
    assert "Attempts that drew it" in analysis.text
    assert "S1 <span class=\"meta\">(Social selling)</span>" in analysis.text

    executive = make_user(Role.executive)
    enrol(course, executive)
    browser = new_client()
    login(browser, executive.email)
    page = browser.get(f"/courses/{SLUG}/quizzes/{QUIZ_SLUG}")
    assert "<strong>5</strong> questions drawn at random from 12" in page.text

    # clearing the fields draws nothing again
    assert quiz_post(client, SETTINGS_URL, {**FORM, "draw": "", "pool-0-draw": "",
                                            "pool-1-draw": ""}).status_code == 303
    quiz = draft_lesson(database, QUIZ_SLUG)["quiz"]
    assert (quiz["draw"], quiz["pools"]) == (None, [])


def test_bad_draw_input_is_shown_next_to_the_fields_and_kept(client, trainer, load_course,
                                                             database):
    load_course(quiz_spec(GIFT))
    bad = quiz_post(client, SETTINGS_URL, {**FORM, "draw": "x", "pool-0-draw": "0",
                                           "pool-1-draw": "2"})
    assert bad.status_code == 422
    assert field_error(bad.text, "draw") == (
        "Enter a whole number from 1 to 1000, or leave it empty.")
    assert field_error(bad.text, "pool-0-draw").startswith("Enter a whole number from 1")
    assert input_value(bad.text, "draw") == "x"
    assert input_value(bad.text, "pool-1-draw") == "2"
    assert draft_row(database) is None

    too_many = quiz_post(client, SETTINGS_URL, {**FORM, "pool-1-draw": "4"})
    assert too_many.status_code == 422
    assert field_error(too_many.text, "pool-1-draw") == (
        "Cannot draw 4 questions from 'Listening': it has 3 graded questions.")

    short = quiz_post(client, SETTINGS_URL, {**FORM, "draw": "2", "pool-0-draw": "3"})
    assert short.status_code == 422
    assert field_error(short.text, "draw") == (
        "The pools draw 3 questions, more than the 2 drawn in all.")
    assert input_value(short.text, "pool-0-draw") == "3"

    rest = quiz_post(client, SETTINGS_URL, {**FORM, "draw": "12", "pool-0-draw": "1"})
    assert rest.status_code == 422
    assert "the other 11 cannot come from the 7 graded questions in no pool" in field_error(
        rest.text, "draw")

    forged = quiz_post(client, SETTINGS_URL, {**FORM, "pool-0-category": "Marketing",
                                              "pool-0-draw": "1"})
    assert forged.status_code == 422
    assert "No graded question is in the category 'Marketing'" in field_error(
        forged.text, "pool-0-draw")
    assert draft_row(database) is None


def test_questions_that_no_longer_fit_the_pools_are_flagged_and_not_published(
        client, trainer, load_course, database):
    load_course(quiz_spec(GIFT))
    assert quiz_post(client, SETTINGS_URL, {**FORM, "pool-1-draw": "3"}).status_code == 303
    fewer = GIFT.split("$CATEGORY: $course$/top/General")[0].replace("::L3::L3 is true.{T}\n", "")
    replaced = quiz_post(client, f"/author/{SLUG}/quizzes/{QUIZ_SLUG}/gift", {"gift": fewer})
    assert replaced.status_code == 303
    page = client.get(EDITOR)
    assert "These settings no longer fit the questions" in page.text
    assert field_error(page.text, "pool-1-draw") == (
        "Cannot draw 3 questions from 'Listening': it has 2 graded questions.")
    refused = publish(client, "Fewer questions")
    assert refused.status_code == 422
    assert "module.yaml:" in refused.text and "quiz &#39;check&#39;, pool" in refused.text


def test_only_trainers_change_draw_settings(client, load_course, make_user, database):
    load_course(quiz_spec(GIFT))
    login(client, make_user(Role.executive).email)
    token = csrf_from(client, "/account")
    response = client.post(SETTINGS_URL, data={"csrf_token": token, **FORM, "draw": "3"})
    assert response.status_code in (403, 404)
    assert draft_row(database) is None


def test_an_attempt_in_progress_keeps_its_draw_when_the_quiz_is_published_again(
        client, trainer, load_course, database, new_client, make_user, enrol):
    course = load_course(quiz_spec(GIFT, settings=QuizSettings(shuffle=False, draw=3)))
    executive = make_user(Role.executive)
    enrol(course, executive)
    browser = new_client()
    login(browser, executive.email)
    quiz_url = f"/courses/{SLUG}/quizzes/{QUIZ_SLUG}"
    started = browser.post(quiz_url + "/attempts", data={"csrf_token": csrf_from(browser,
                                                                                quiz_url)})
    assert started.status_code == 303
    attempt_url = started.headers["location"]
    [attempt] = attempts(database, executive)
    drawn = [entry["id"] for entry in json.loads(attempt.layout)]
    assert len(drawn) == 5  # the two descriptions (no pool is listed) and 3 drawn questions

    changed = GIFT.replace("is true", "holds")
    assert quiz_post(client, f"/author/{SLUG}/quizzes/{QUIZ_SLUG}/gift",
                     {"gift": changed}).status_code == 303
    assert publish(client, "Reworded").status_code == 303
    with database.session() as s:
        rows = s.exec(select(QuizQuestion).where(QuizQuestion.lesson_id == attempt.lesson_id)
                      ).all()
    assert all(row.retired_at is not None for row in rows if row.id in drawn)
    live = [row.id for row in rows if row.retired_at is None]
    assert len(live) == 14 and not set(live) & set(drawn)

    page = browser.get(attempt_url)
    assert page.status_code == 200
    assert page.text.count(" is true.") == 3 and " holds." not in page.text
    answers = {f"q{qid}": "true" for qid in drawn[2:]}
    done = browser.post(attempt_url + "/submit",
                        data={"csrf_token": csrf_from(browser, attempt_url), **answers})
    assert done.status_code == 303
    assert "✓ Passed: 100.0%" in browser.get(attempt_url).text

    again = browser.post(quiz_url + "/attempts", data={"csrf_token": csrf_from(browser,
                                                                              quiz_url)})
    assert again.status_code == 303
    second = attempts(database, executive)[-1]
    assert {entry["id"] for entry in json.loads(second.layout)} <= set(live)
