"""Hot writes that find nothing to write take no write lock: marking a completed lesson
complete runs no INSERT/UPDATE, no ``BEGIN IMMEDIATE`` (SQLite) and no row lock
(PostgreSQL). The first time, the same request does write (so the check can fail)."""

from __future__ import annotations

from sqlmodel import select

from app.models import LessonProgress, Role
from tests.conftest import csrf_from, login
from tests.courses_data import small_spec
from tests.dbutil import statements_of, writes_in

LESSON = "/courses/pilot/lessons/hello"


def test_completing_a_completed_lesson_writes_nothing(client, make_user, load_course, enrol,
                                                      database):
    course = load_course(small_spec())
    user = make_user(Role.executive)
    enrol(course, user)
    login(client, user.email)
    token = csrf_from(client, LESSON)
    headers = {"X-CSRF-Token": token, "HX-Request": "true"}
    with statements_of(database.engine) as first:
        response = client.post(LESSON + "/complete", headers=headers)
    assert response.status_code == 200 and "Completed" in response.text
    assert any(s.startswith("INSERT INTO lesson_progress") for s in writes_in(first))
    with statements_of(database.engine) as again:
        response = client.post(LESSON + "/complete", headers=headers)
    assert response.status_code == 200 and "Completed" in response.text
    assert again, "the request ran no statement at all"
    assert writes_in(again) == []
    with database.session() as s:
        rows = s.exec(select(LessonProgress).where(LessonProgress.user_id == user.id)).all()
        assert [r.completed_at is not None for r in rows] == [True]


def test_a_completion_keeps_the_summary_a_recount_would_give(client, make_user, load_course,
                                                             enrol, database):
    """Completing updates the enrolment's summary in place (no recount under the write
    lock); the figures are those the full recount computes from the progress rows."""
    from app.learning import summary
    from app.models import Enrolment

    course = load_course(small_spec())
    user = make_user(Role.executive)
    enrol(course, user)
    login(client, user.email)
    headers = {"X-CSRF-Token": csrf_from(client, LESSON), "HX-Request": "true"}
    assert client.post(LESSON + "/complete", headers=headers).status_code == 200

    def figures():
        with database.session() as s:
            row = s.exec(select(Enrolment).where(Enrolment.user_id == user.id)).one()
            return row.progress_percent, row.started_at, row.last_activity_at

    after_completion = figures()
    assert after_completion[0] > 0 and after_completion[2] is not None
    with database.session(write=True) as s:
        summary.refresh(s, course_id=course.id, user_ids=[user.id])
    assert figures() == after_completion
