"""Question pools: a quiz draws some of its questions at random for each attempt, from the
whole quiz or a fixed number per category. Draws are tested with seeded random sources;
the pages use the system's."""

from __future__ import annotations

import json
import random

from sqlmodel import col, select

from app.courses.spec import QuizSettings
from app.enrolments.service import enrol_users
from app.learning.progress import get_enrolment
from app.models import Course, Lesson, QuizAnswer, QuizAttempt, QuizQuestion, Role
from app.questions.gift.reader import parse_gift
from app.questions.pools import (
    PoolDraw,
    check_draw,
    draw_questions,
    drawn_count,
    pool_name,
    pool_sizes,
)
from app.questions.spec import QType, Question
from app.quizzes import attempts, essay_grading, quiz_store
from app.quizzes.analysis import item_analysis
from app.quizzes.attempt_view import attempt_view
from tests.conftest import csrf_from, login
from tests.quizzes.conftest import QUIZ

GIFT = """\
::Intro::Read each question carefully.

$CATEGORY: $course$/top/Social selling

::Selling intro::Social selling questions follow.

::S1::S1 is true.{T}

::S2::S2 is true.{T}

::S3::S3 is true.{T}

::S4::S4 is true.{T}

::S5::S5 is true.{T}

$CATEGORY: $course$/top/Listening

::L1::L1 is true.{T}

::L2::L2 is true.{T}

::L3::L3 is true.{T}

$CATEGORY: $course$/top/General

::G1::G1 is true.{T}

::G2::G2 is true.{T}

::G3::G3 is true.{T}

::G4::G4 is true.{T}
"""


def questions() -> list[Question]:
    return parse_gift(GIFT)[0]


def names(keys: list[int], qs: list[Question]) -> list[str]:
    return [qs[k].name for k in keys]


def draw_names(rng: random.Random, *, draw: int | None = None,
               pools: list[PoolDraw] | None = None) -> list[str]:
    qs = questions()
    return names(draw_questions(list(enumerate(qs)), draw=draw, pools=pools or [], rng=rng), qs)


# The rules, without a database ----------------------------------------------------------

def test_pool_names_drop_the_context_and_top() -> None:
    assert pool_name("$course$/top/Social selling") == "Social selling"
    assert pool_name("$system$/top/A/B") == "A/B"
    assert pool_name("top/Listening") == "Listening"
    assert pool_name(" Listening ") == "Listening"
    assert pool_name("$course$/top") == pool_name("") == ""
    assert pool_sizes(questions()) == {"Social selling": 5, "Listening": 3, "General": 4}


def test_no_settings_show_every_question_as_written() -> None:
    assert draw_names(random.Random(1)) == [q.name for q in questions()]


def test_draw_alone_takes_n_distinct_graded_questions_in_written_order() -> None:
    order = [q.name for q in questions()]
    seen = set()
    for seed in range(20):
        shown = draw_names(random.Random(seed), draw=5)
        graded = [n for n in shown if n not in ("Intro", "Selling intro")]
        assert len(graded) == len(set(graded)) == 5
        assert shown == sorted(shown, key=order.index)  # the order they are written in
        assert {"Intro", "Selling intro"} <= set(shown)  # descriptions in no pool stay
        seen.add(tuple(graded))
    assert len(seen) > 10  # different attempts get different papers


def test_pools_draw_their_numbers_and_questions_in_no_pool_are_all_shown() -> None:
    for seed in range(20):
        shown = draw_names(random.Random(seed),
                           pools=[PoolDraw("Social selling", 2), PoolDraw("Listening", 1)])
        assert len([n for n in shown if n.startswith("S")]) == 2
        assert len([n for n in shown if n.startswith("L")]) == 1
        assert [n for n in shown if n.startswith("G")] == ["G1", "G2", "G3", "G4"]
        assert "Intro" in shown
        assert "Selling intro" not in shown  # a description in a listed pool is left out
        assert len(shown) == len(set(shown))


def test_draw_with_pools_fills_the_rest_from_questions_in_no_pool() -> None:
    pools = [PoolDraw("$course$/top/Social selling", 2), PoolDraw("Listening", 1)]
    papers = set()
    for seed in range(20):
        shown = draw_names(random.Random(seed), draw=5, pools=pools)
        counts = {p: len([n for n in shown if n.startswith(p)]) for p in "SLG"}
        assert counts == {"S": 2, "L": 1, "G": 2}
        papers.add(tuple(shown))
    assert len(papers) > 5
    assert drawn_count(questions(), 5, pools) == 5
    assert drawn_count(questions(), None, pools) == 2 + 1 + 4
    assert drawn_count(questions(), None, []) == 12


def test_a_seeded_source_gives_the_same_draw() -> None:
    assert draw_names(random.Random(7), draw=4) == draw_names(random.Random(7), draw=4)


def test_settings_the_questions_no_longer_fit_draw_what_they_can() -> None:
    shown = draw_names(random.Random(3), draw=50, pools=[PoolDraw("Listening", 9),
                                                         PoolDraw("Gone", 2)])
    assert [n for n in shown if n[0] in "SLG" and n[1:].isdigit()] == [
        "S1", "S2", "S3", "S4", "S5", "L1", "L2", "L3", "G1", "G2", "G3", "G4"]


def test_check_draw_messages() -> None:
    qs = questions()
    assert check_draw(qs, None, []) == []
    assert check_draw(qs, 12, []) == []
    assert check_draw(qs, 4, [PoolDraw("Social selling", 2), PoolDraw("Listening", 2)]) == []
    [problem] = check_draw(qs, 13, [])
    assert (problem.pool, problem.message) == (
        None, "cannot draw 13 questions: the quiz has 12 graded questions")
    [problem] = check_draw(qs, None, [PoolDraw("Listening", 1), PoolDraw("Marketing", 1)])
    assert problem.pool == 1
    assert problem.message == ("no graded question is in the category 'Marketing' "
                               "(categories: 'Social selling', 'Listening', 'General')")
    [problem] = check_draw(qs, None, [PoolDraw("Listening", 4)])
    assert problem.message == ("cannot draw 4 questions from 'Listening': it has 3 graded "
                               "questions")
    [problem] = check_draw(qs, 2, [PoolDraw("Listening", 3)])
    assert problem.message == "the pools draw 3 questions, more than the 2 drawn in all"
    [problem] = check_draw(qs, 11, [PoolDraw("Listening", 1)])
    assert problem.message.startswith("the pools draw 1 of the 11 questions; the other 10 "
                                      "cannot come from the 9 graded questions in no pool")
    [problem] = check_draw(qs, None, [PoolDraw("Listening", 0)])
    assert problem.message == "draw at least one question from a pool"


# Attempts --------------------------------------------------------------------------------

SETTINGS = QuizSettings(shuffle=False, draw=5,
                        pools=[PoolDraw("Social selling", 2), PoolDraw("Listening", 1)])


def _layout(attempt: QuizAttempt) -> list[int]:
    return [entry["id"] for entry in json.loads(attempt.layout)]


def _names(database, ids: list[int]) -> list[str]:  # type: ignore[no-untyped-def]
    with database.session() as s:
        rows = {r.id: r for r in s.exec(select(QuizQuestion)
                                         .where(col(QuizQuestion.id).in_(ids))).all()}
    return [json.loads(rows[i].data)["name"] for i in ids]


def _executives(database, make_user, course: Course, count: int):  # type: ignore[no-untyped-def]
    users = [make_user(Role.executive) for _ in range(count)]
    with database.session(write=True) as s:
        enrol_users(s, course=course, users=users, due_date=None)
    return users


def _start(database, lesson: Lesson, user_id: int, seed: int) -> QuizAttempt:  # type: ignore[no-untyped-def]
    with database.session(write=True) as s:
        quiz = quiz_store.get_quiz(s, lesson_id=lesson.id)
        assert quiz is not None
        attempt = attempts.start_attempt(s, quiz=quiz, user_id=user_id, rng=random.Random(seed))
        s.flush()
        s.expunge(attempt)
        return attempt


def _submit(database, course: Course, lesson: Lesson, attempt: QuizAttempt,  # type: ignore[no-untyped-def]
            right: set[int]) -> QuizAttempt:
    """Answer the attempt's questions in ``right`` right, the others wrong, and submit."""
    with database.session(write=True) as s:
        live = essay_grading.get_attempt_by_id(s, attempt.id)
        assert live is not None
        for question_id in _layout(live):
            data = json.loads(s.get(QuizQuestion, question_id).data)
            if data["type"] == QType.truefalse.value:
                answer = "true" if question_id in right else "false"
                assert attempts.save_answer(s, attempt=live, question_id=question_id,
                                            raw=[answer]) is None
        enrolment = get_enrolment(s, user_id=live.user_id, course_id=course.id)
        attempts.submit_attempt(s, attempt=live, course=s.get(Course, course.id),
                                enrolment=enrolment, lesson=s.get(Lesson, lesson.id))
        s.flush()
        s.expunge(live)
        return live


def test_attempts_draw_their_own_questions(database, make_user, quiz_course) -> None:
    course, lesson = quiz_course(questions(), SETTINGS)
    users = _executives(database, make_user, course, 2)
    first = _start(database, lesson, users[0].id, seed=1)
    second = _start(database, lesson, users[1].id, seed=2)
    assert _layout(first) != _layout(second)
    for attempt in (first, second):
        shown = _names(database, _layout(attempt))
        graded = [n for n in shown if n[0] in "SLG" and n[1:].isdigit()]
        assert len(graded) == len(set(graded)) == 5
        assert len([n for n in graded if n[0] == "S"]) == 2
        assert len([n for n in graded if n[0] == "L"]) == 1
        assert shown[0] == "Intro" and "Selling intro" not in shown
    # resuming an attempt keeps its draw
    assert _layout(_start(database, lesson, users[0].id, seed=99)) == _layout(first)


def test_score_is_out_of_the_drawn_questions(database, make_user, quiz_course) -> None:
    course, lesson = quiz_course(questions(), SETTINGS)
    [user] = _executives(database, make_user, course, 1)
    attempt = _start(database, lesson, user.id, seed=5)
    drawn = _layout(attempt)[1:]  # after the description
    done = _submit(database, course, lesson, attempt, right=set(drawn))
    assert done.score == 100.0 and done.passed
    with database.session() as s:
        answers = s.exec(select(QuizAnswer).where(QuizAnswer.attempt_id == attempt.id)).all()
    assert sorted(a.question_id for a in answers) == sorted(drawn)  # only drawn questions
    second = _start(database, lesson, user.id, seed=6)
    graded = _layout(second)[1:]
    done = _submit(database, course, lesson, second, right=set(graded[:2]))
    assert done.score == 40.0  # 2 of the 5 drawn, not of the 12 in the quiz


def test_item_analysis_counts_only_attempts_that_drew_a_question(database, make_user,
                                                                 quiz_course) -> None:
    course, lesson = quiz_course(questions(), SETTINGS)
    users = _executives(database, make_user, course, 4)
    drawn: dict[int, int] = {}
    for seed, user in enumerate(users):
        attempt = _start(database, lesson, user.id, seed=seed)
        for question_id in _layout(attempt):
            drawn[question_id] = drawn.get(question_id, 0) + 1
        _submit(database, course, lesson, attempt, right=set(_layout(attempt)))
    with database.session() as s:
        stats = item_analysis(s, lesson_id=lesson.id)
        ids = [row.id for row, q in quiz_store.live_questions(s, lesson_id=lesson.id) if q.graded]
    assert len(stats) == 12
    for row_id, item in zip(ids, stats, strict=True):
        assert item.drawn == item.answers == item.right == item.executives == drawn.get(row_id, 0)
    assert sum(item.drawn for item in stats) == 4 * 5
    assert len({item.drawn for item in stats}) > 1  # questions were drawn unevenly


def test_an_attempt_keeps_its_draw_across_a_publish(database, make_user, quiz_course) -> None:
    course, lesson = quiz_course(questions(), SETTINGS)
    [user] = _executives(database, make_user, course, 1)
    attempt = _start(database, lesson, user.id, seed=11)
    before = _layout(attempt)
    changed = questions()
    for question in changed:
        question.text = question.text.replace("is true", "holds")
    with database.session(write=True) as s:  # a publish: old rows retired, new ones added
        assert quiz_store.sync_quiz(s, lesson=s.get(Lesson, lesson.id), settings=SETTINGS,
                                    questions=changed)
    with database.session() as s:
        retired = s.exec(select(QuizQuestion).where(col(QuizQuestion.id).in_(before))).all()
        assert all(row.retired_at is not None for row in retired)
        view = attempt_view(s, attempt=essay_grading.get_attempt_by_id(s, attempt.id))
        assert [item.row.id for item in view.items] == before
        assert all("is true" in item.question.text for item in view.graded_items)
    done = _submit(database, course, lesson, attempt, right=set(before))
    assert done.score == 100.0
    after = _start(database, lesson, user.id, seed=11)
    assert not set(_layout(after)) & set(before)  # the next attempt draws the new questions
    with database.session() as s:
        view = attempt_view(s, attempt=essay_grading.get_attempt_by_id(s, after.id))
    assert len(view.graded_items) == 5
    assert all("holds" in item.question.text for item in view.graded_items)


# Pages ----------------------------------------------------------------------------------

def test_quiz_page_says_how_many_are_drawn(client, quiz_taker, database) -> None:
    quiz_taker(questions(), SETTINGS)
    page = client.get(QUIZ)
    assert page.status_code == 200
    assert "<strong>5</strong> questions drawn at random from 12" in page.text


def test_taking_a_pooled_quiz_shows_and_grades_the_drawn_questions(
        client, new_client, quiz_taker, make_user, database) -> None:
    course, _lesson, user = quiz_taker(questions(), SETTINGS)
    token = csrf_from(client, QUIZ)
    started = client.post(QUIZ + "/attempts", data={"csrf_token": token})
    assert started.status_code == 303
    url = started.headers["location"]
    page = client.get(url)
    with database.session() as s:
        [attempt] = s.exec(select(QuizAttempt).where(QuizAttempt.user_id == user.id)).all()
    ids = _layout(attempt)
    shown = _names(database, ids)
    for name in ("S1", "S2", "S3", "S4", "S5", "L1", "L2", "L3", "G1", "G2", "G3", "G4"):
        assert (f"{name} is true." in page.text) == (name in shown)
    answers = {f"q{i}": "true" for i in ids[1:]}
    done = client.post(url + "/submit", data={"csrf_token": csrf_from(client, url), **answers})
    assert done.status_code == 303
    result = client.get(url)
    assert "✓ Passed: 100.0%" in result.text
    # access rules are unchanged: another executive's browser cannot see the attempt
    other = new_client()
    intruder = make_user(Role.executive)
    with database.session(write=True) as s:
        enrol_users(s, course=course, users=[intruder], due_date=None)
    login(other, intruder.email)
    assert other.get(url).status_code == 404
    not_enrolled = new_client()
    login(not_enrolled, make_user(Role.executive).email)
    assert not_enrolled.get(QUIZ).status_code == 404
