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

from sqlalchemy import ColumnElement, and_, func, literal, select, union_all, update
from sqlmodel import Session, col

from app.models import Enrolment, Lesson, LessonProgress, Module, QuizAttempt

_enrolment = Enrolment.__table__  # type: ignore[attr-defined]
_progress = LessonProgress.__table__  # type: ignore[attr-defined]
_attempt = QuizAttempt.__table__  # type: ignore[attr-defined]


def add_reading_time(session: Session, *, course_id: int, user_id: int, seconds: int,
                     now: datetime) -> None:
    """A heartbeat's share of ``refresh``, without recounting: reading time grows by what
    was credited and the beat is the latest activity."""
    session.exec(update(_enrolment)  # type: ignore[call-overload]
                 .where(_enrolment.c.course_id == course_id, _enrolment.c.user_id == user_id)
                 .values(seconds_spent=_enrolment.c.seconds_spent + seconds,
                         last_activity_at=now,
                         started_at=func.coalesce(_enrolment.c.started_at, now)))


def structure(session: Session, course_id: int) -> list[tuple[int, str, bool, bool]]:
    """What the summary depends on in a course: each lesson's id, kind, required and live."""
    return sorted(session.exec(
        select(Lesson.id, Lesson.kind, Lesson.required,
               (col(Lesson.retired_at).is_(None) & col(Module.retired_at).is_(None)))
        .join(Module, col(Module.id) == Lesson.module_id)
        .where(Lesson.course_id == course_id)).all())


def refresh(session: Session, *, course_id: int, user_ids: Iterable[int] | None = None,
            structure_only: bool = False) -> None:
    """Recompute the summary of the course's enrolments (or only those of ``user_ids``).
    ``structure_only``: after the course's lessons changed, only what depends on which
    lessons are required and live (percent and quiz scores)."""
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
    session.exec(statement)  # type: ignore[call-overload]

