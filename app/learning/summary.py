"""The progress summary kept on each enrolment.

Progress is recorded per executive and lesson (and per quiz attempt); reports over a whole
programme need it per enrolment. ``refresh`` recomputes the summary columns of enrolments
from those rows in one set-based UPDATE, so it is the single place that defines them:

- ``started_at``: the first lesson opened or quiz attempt started in the course;
- ``last_activity_at``: the latest lesson opened, read, completed or quiz attempt;
- ``progress_percent``: required live lessons completed, as ``CourseProgress.percent``;
- ``seconds_spent``: reading time credited by heartbeats;
- ``quiz_best_total`` / ``quizzes_scored``: the sum and number of best scores of the
  course's live quizzes with a graded attempt.

Every write to progress calls it for that executive; a change of a course's lessons calls
it for the whole course.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    case,
    func,
    literal,
    select,
    union_all,
    update,
)
from sqlmodel import Session, col

from app.db import Database
from app.models import Course, Enrolment, Lesson, LessonProgress, Module, QuizAttempt, utcnow

_enrolment = Enrolment.__table__  # type: ignore[attr-defined]
_progress = LessonProgress.__table__  # type: ignore[attr-defined]
_attempt = QuizAttempt.__table__  # type: ignore[attr-defined]


# The two writes of the hot paths (a heartbeat, a completion), built once: they run
# while the write lock is held. (Parameters named like a column are SQLAlchemy's own.)
_NOW = bindparam("b_now", type_=_enrolment.c.last_activity_at.type)
_MINE = and_(_enrolment.c.course_id == bindparam("b_course_id"),
             _enrolment.c.user_id == bindparam("b_user_id"))
_ADD_READING_TIME = (
    update(_enrolment).where(_MINE)
    .values(seconds_spent=_enrolment.c.seconds_spent + bindparam("b_seconds"),
            last_activity_at=_NOW,
            started_at=func.coalesce(_enrolment.c.started_at, _NOW)))
_LESSON_COMPLETED = (
    update(_enrolment).where(_MINE)
    .values(progress_percent=bindparam("b_percent"),
            last_activity_at=case((_enrolment.c.last_activity_at > _NOW,
                                   _enrolment.c.last_activity_at), else_=_NOW),
            started_at=func.coalesce(_enrolment.c.started_at, _NOW)))


def add_reading_time(session: Session, *, course_id: int, user_id: int, seconds: int,
                     now: datetime) -> None:
    """A heartbeat's share of ``refresh``, without recounting: reading time grows by what
    was credited and the beat is the latest activity."""
    session.execute(_ADD_READING_TIME, {"b_course_id": course_id, "b_user_id": user_id,
                                        "b_seconds": seconds, "b_now": now})


def lesson_completed(session: Session, *, course_id: int, user_id: int, percent: int,
                     now: datetime) -> None:
    """A completion's share of ``refresh``, without recounting: the percent the caller
    has just computed from this transaction's rows (``CourseProgress.percent``), and the
    completion is the latest activity (and the start, if nothing came before)."""
    session.execute(_LESSON_COMPLETED, {"b_course_id": course_id, "b_user_id": user_id,
                                        "b_percent": percent, "b_now": now})


def structure(session: Session, course_id: int) -> list[tuple[int, str, bool, bool]]:
    """What the summary depends on in a course: each lesson's id, kind, required and live."""
    return sorted(session.exec(
        select(Lesson.id, Lesson.kind, Lesson.required,
               (col(Lesson.retired_at).is_(None) & col(Module.retired_at).is_(None)))
        .join(Module, col(Module.id) == Lesson.module_id)
        .where(Lesson.course_id == course_id)).all())


def refresh(session: Session, *, course_id: int, user_ids: Iterable[int] | None = None,
            structure_only: bool = False, id_range: tuple[int, int] | None = None) -> None:
    """Recompute the summary of the course's enrolments (or only those of ``user_ids``, or
    with ids in ``id_range``, both ends included). ``structure_only``: after the course's
    lessons changed, only what depends on which lessons are required and live (percent
    and quiz scores)."""
    lessons = structure(session, course_id)
    every = [lesson_id for lesson_id, *_ in lessons]
    required = [lesson_id for lesson_id, _, req, live in lessons if req and live]
    quizzes = [lesson_id for lesson_id, kind, _, live in lessons if kind == "quiz" and live]

    mine = _progress.c.user_id == _enrolment.c.user_id
    in_course = _progress.c.lesson_id.in_(every)
    my_attempts = and_(_attempt.c.user_id == _enrolment.c.user_id,
                       _attempt.c.lesson_id.in_(every))

    # Subqueries in FROM do not correlate on their own: each names the enrolment row.
    starts = union_all(
        select(_progress.c.first_opened_at.label("at")).where(mine, in_course)
        .correlate(_enrolment),
        select(_attempt.c.started_at).where(my_attempts).correlate(_enrolment),
    ).subquery()
    moments = union_all(
        select(_progress.c.last_opened_at.label("at")).where(mine, in_course)
        .correlate(_enrolment),
        select(_progress.c.last_beat_at).where(mine, in_course).correlate(_enrolment),
        select(_progress.c.completed_at).where(mine, in_course).correlate(_enrolment),
        select(_attempt.c.started_at).where(my_attempts).correlate(_enrolment),
        select(_attempt.c.submitted_at).where(my_attempts).correlate(_enrolment),
    ).subquery()
    done = (select(func.count()).select_from(_progress)
            .where(mine, _progress.c.lesson_id.in_(required),
                   _progress.c.completed_at.is_not(None)))
    best = (select(func.max(_attempt.c.score).label("best"))
            .where(_attempt.c.user_id == _enrolment.c.user_id,
                   _attempt.c.lesson_id.in_(quizzes), _attempt.c.score.is_not(None))
            .group_by(_attempt.c.lesson_id).correlate(_enrolment).subquery())

    percent: ColumnElement[Any] = (
        literal(100) if not required
        else (done.scalar_subquery() * 100) // len(required))
    values: dict[str, Any] = {
        "progress_percent": percent,
        "quiz_best_total": func.coalesce(select(func.sum(best.c.best)).scalar_subquery(), 0.0),
        "quizzes_scored": select(func.count()).select_from(best).scalar_subquery(),
    }
    if not structure_only:
        values |= {
            "started_at": select(func.min(starts.c.at)).scalar_subquery(),
            "last_activity_at": select(func.max(moments.c.at)).scalar_subquery(),
            "seconds_spent": func.coalesce(
                select(func.sum(_progress.c.seconds_spent)).where(mine, in_course)
                .scalar_subquery(), 0),
        }
    statement = update(_enrolment).values(**values).where(_enrolment.c.course_id == course_id)
    if user_ids is not None:
        statement = statement.where(_enrolment.c.user_id.in_(list(user_ids)))
    if id_range is not None:
        statement = statement.where(_enrolment.c.id.between(*id_range))
    session.exec(statement)  # type: ignore[call-overload]


# Recounting a whole course in the background ---------------------------------------------

RECOUNT_CHUNK = 2_000


def request_recount(session: Session, *, course_id: int) -> bool:
    """After the course's required lessons or quizzes changed: mark its figures as being
    updated and queue the recount, in the caller's transaction. Nothing to do (False)
    for a course nobody is enrolled in."""
    from app.jobs.queue import defer

    enrolled = session.exec(select(_enrolment.c.id)  # type: ignore[call-overload]
                            .where(_enrolment.c.course_id == course_id).limit(1)).first()
    if enrolled is None:
        return False
    session.exec(update(Course).where(col(Course.id) == course_id)  # type: ignore[call-overload]
                 .values(figures_pending_since=utcnow()))
    defer(session, "recount_course", queueing_lock=f"recount:{course_id}", course_id=course_id)
    return True


def recount(database: Database, *, course_id: int, chunk: int = RECOUNT_CHUNK) -> int:
    """The recount job: every enrolment of the course, ``chunk`` at a time, each chunk in
    its own short transaction (so progress writes never wait long behind it). Clears the
    course's "being updated" mark unless a later change set it again meanwhile. Returns
    the number of enrolments recounted."""
    with database.session() as session:
        mark = session.exec(select(Course.figures_pending_since)  # type: ignore[call-overload]
                            .where(col(Course.id) == course_id)).scalar()
    done, last_id = 0, 0
    while True:
        with database.session(write=True) as session:
            ids = session.exec(select(_enrolment.c.id)  # type: ignore[call-overload]
                               .where(_enrolment.c.course_id == course_id,
                                      _enrolment.c.id > last_id)
                               .order_by(_enrolment.c.id).limit(chunk)).scalars().all()
            if not ids:
                break
            refresh(session, course_id=course_id, structure_only=True,
                    id_range=(ids[0], ids[-1]))
        done, last_id = done + len(ids), ids[-1]
    with database.session(write=True) as session:
        session.exec(update(Course)  # type: ignore[call-overload]
                     .where(col(Course.id) == course_id,
                            col(Course.figures_pending_since).is_not_distinct_from(mark))
                     .values(figures_pending_since=None))
    return done

