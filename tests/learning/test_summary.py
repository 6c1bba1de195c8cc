"""The progress summary on each enrolment stays equal to what the progress rows say, after
every kind of write: opening, reading time, completing, quiz attempts, enrolling again and
course changes. Reports rely on it instead of reading the progress rows."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from sqlmodel import select

from app.authoring.import_export import import_course
from app.courses.package import load_package
from app.enrolments.service import enrol_users, unenrol
from app.learning import summary
from app.learning.completion import complete_lesson
from app.learning.progress import course_progress, get_enrolment, get_live_lesson
from app.learning.reading import record_open, record_reading_time
from app.models import Enrolment, Lesson, QuizAttempt, Role, utcnow
from app.quizzes import attempts, quiz_store
from tests.courses_data import SHIPPED, small_spec


def _enrolment(s, user, course) -> Enrolment:
    enrolment = get_enrolment(s, user_id=user.id, course_id=course.id)
    s.refresh(enrolment)
    return enrolment


def _lesson(s, course, slug) -> Lesson:
    lesson = get_live_lesson(s, course=course, slug=slug)
    assert lesson is not None
    return lesson


def test_opening_reading_and_completing_keep_the_summary(database, load_course, make_user,
                                                         enrol):
    course = load_course(small_spec())
    user, other = make_user(Role.executive), make_user(Role.executive)
    enrol(course, user)
    enrol(course, other)
    start = utcnow() - timedelta(hours=2)
    with database.session(write=True) as s:
        fresh = _enrolment(s, user, course)
        assert (fresh.started_at, fresh.last_activity_at, fresh.progress_percent,
                fresh.seconds_spent) == (None, None, 0, 0)
        hello = _lesson(s, course, "hello")
        record_open(s, user_id=user.id, course_id=course.id, lesson_id=hello.id,
                    now=start)
        record_reading_time(s, user_id=user.id, lesson=hello, seconds=45,
                            now=start + timedelta(seconds=50))
        enrolment = _enrolment(s, user, course)
        assert enrolment.started_at == start
        assert enrolment.last_activity_at == start + timedelta(seconds=50)
        assert enrolment.seconds_spent == 45
        assert enrolment.progress_percent == 0
        done_at = start + timedelta(minutes=10)
        complete_lesson(s, user_id=user.id, course=course, lesson=hello,
                        enrolment=enrolment, now=done_at)
        enrolment = _enrolment(s, user, course)
        progress = course_progress(s, course=course, user_id=user.id,
                                   enrolment=enrolment)
        assert enrolment.progress_percent == progress.percent == 33  # 1 of 3 required
        assert enrolment.last_activity_at == done_at
        # the optional lesson does not count
        complete_lesson(s, user_id=user.id, course=course,
                        lesson=_lesson(s, course, "extra"), enrolment=enrolment)
        assert _enrolment(s, user, course).progress_percent == 33
        for slug in ("world", "deep"):
            complete_lesson(s, user_id=user.id, course=course,
                            lesson=_lesson(s, course, slug), enrolment=enrolment)
        enrolment = _enrolment(s, user, course)
        assert enrolment.progress_percent == 100
        assert enrolment.completed_at is not None
        # nobody else's summary moved
        untouched = _enrolment(s, other, course)
        assert (untouched.started_at, untouched.progress_percent, untouched.seconds_spent,
                untouched.quizzes_scored) == (None, 0, 0, 0)


def test_quiz_attempts_give_best_scores_per_executive(database, make_user, enrol):
    with database.session(write=True) as s:
        course = import_course(s, load_package(SHIPPED)).course
    first, second = make_user(Role.executive), make_user(Role.executive)
    enrol(course, first)
    enrol(course, second)
    with database.session(write=True) as s:
        quiz_lessons = s.exec(select(Lesson).where(Lesson.course_id == course.id,
                                                   Lesson.kind == "quiz")
                              .order_by(Lesson.id)).all()
        one, two = quiz_lessons[0], quiz_lessons[1]
        quiz = quiz_store.get_quiz(s, lesson_id=one.id)
        # a real attempt submitted empty: started, scored 0
        attempt = attempts.start_attempt(s, quiz=quiz, user_id=first.id)
        enrolment = _enrolment(s, first, course)
        assert enrolment.started_at == attempt.started_at
        attempts.submit_attempt(s, attempt=attempt, course=course, enrolment=enrolment,
                                lesson=one)
        enrolment = _enrolment(s, first, course)
        assert (enrolment.quizzes_scored, enrolment.quiz_best_total) == (1, 0.0)
        # better attempts later: the best score per quiz counts, once per quiz
        now = utcnow()
        for lesson, number, score in ((one, 2, 80.0), (one, 3, 60.0), (two, 1, 90.0)):
            s.add(QuizAttempt(lesson_id=lesson.id, user_id=first.id, number=number,
                              started_at=now, submitted_at=now, layout="[]", score=score,
                              passed=score >= 70))
        # an attempt waiting for grading has no score yet and does not count
        s.add(QuizAttempt(lesson_id=two.id, user_id=second.id, number=1, started_at=now,
                          submitted_at=now, layout="[]", score=None, needs_grading=True))
        s.flush()
        summary.refresh(s, course_id=course.id)
        mine, theirs = _enrolment(s, first, course), _enrolment(s, second, course)
        assert (mine.quizzes_scored, mine.quiz_best_total) == (2, 170.0)
        assert mine.last_activity_at == now
        assert (theirs.quizzes_scored, theirs.quiz_best_total) == (0, 0.0)
        assert theirs.started_at == now


def _figures(database, user, course) -> tuple[int, bool]:
    """The enrolment's percent, and whether the course says its figures are updating."""
    with database.session() as s:
        course_now = s.get(type(course), course.id)
        return (_enrolment(s, user, course).progress_percent,
                course_now.figures_pending_since is not None)


def test_course_changes_and_enrolling_again_recount(database, load_course, make_user, enrol,
                                                    run_jobs):
    course = load_course(small_spec())
    user = make_user(Role.executive)
    enrol(course, user)
    with database.session(write=True) as s:
        enrolment = _enrolment(s, user, course)
        complete_lesson(s, user_id=user.id, course=course,
                        lesson=_lesson(s, course, "hello"), enrolment=enrolment)
        assert _enrolment(s, user, course).progress_percent == 33
    # a fourth required lesson: 1 of 4
    spec = small_spec()
    spec.modules[1].lessons.append(dataclasses.replace(
        spec.modules[1].lessons[0], slug="more", title="More"))
    load_course(spec)
    # the recount is a background job: until it has run, the course says so
    assert _figures(database, user, course) == (33, True)
    run_jobs()
    assert _figures(database, user, course) == (25, False)
    # "world" (and "more") retired: 1 of 2
    spec = small_spec()
    spec.modules[0].lessons.pop(1)
    load_course(spec)
    run_jobs()
    assert _figures(database, user, course) == (50, False)
    # removed and enrolled again: the progress kept on record counts again
    with database.session(write=True) as s:
        unenrol(s, enrolment=_enrolment(s, user, course))
    with database.session(write=True) as s:
        enrol_users(s, course=course, users=[user], due_date=None)
        again = _enrolment(s, user, course)
        assert again.progress_percent == 50
        assert again.started_at is not None
