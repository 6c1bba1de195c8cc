"""A lesson being read: when it was opened (first and last), and the reading time the
page's heartbeat credits to it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col

from app.db import begin_write, insert_for
from app.learning import summary
from app.learning.progress import LessonState
from app.models import Lesson, LessonProgress, utcnow

REOPEN_INTERVAL_MINUTES = 5  # a lesson reopened sooner is not written again
MAX_BEAT_SECONDS = 60  # one heartbeat credits at most this much reading time
TIME_CAP_FACTOR = 4  # and a lesson at most this many times its estimated minutes


def needs_open_record(state: LessonState | None, now: datetime | None = None) -> bool:
    if state is None or state.last_opened_at is None:
        return True
    return (now or utcnow()) - state.last_opened_at >= timedelta(minutes=REOPEN_INTERVAL_MINUTES)


def record_open(
    session: Session, *, user_id: int, course_id: int, lesson_id: int,
    now: datetime | None = None,
) -> None:
    """First and last opened, in one statement (safe when two tabs open at once)."""
    now = now or utcnow()
    insert = insert_for(session)
    statement = insert(LessonProgress).values(
        user_id=user_id,
        lesson_id=lesson_id,
        first_opened_at=now,
        last_opened_at=now,
        seconds_spent=0,
        last_beat_at=now,
    )
    session.exec(
        statement.on_conflict_do_update(
            index_elements=["user_id", "lesson_id"],
            set_={"last_opened_at": now, "last_beat_at": now},
        )
    )
    summary.refresh(session, course_id=course_id, user_ids=[user_id])


def record_reading_time(
    session: Session, *, user_id: int, lesson: Lesson, seconds: int, now: datetime | None = None
) -> None:
    """Credit reading time from a page heartbeat, bounded three ways: per beat, by the
    time since the previous beat, and per lesson (so a tab left open overnight is not
    counted as hours)."""
    now = now or utcnow()
    row = session.get(LessonProgress, (user_id, lesson.id), populate_existing=True)
    if row is None:
        return
    credit = max(0, min(seconds, MAX_BEAT_SECONDS))
    if row.last_beat_at is not None:
        credit = min(credit, int((now - row.last_beat_at).total_seconds()))
    cap = lesson.minutes * 60 * TIME_CAP_FACTOR
    credit = max(0, min(credit, cap - row.seconds_spent))
    previous_beat = row.last_beat_at
    begin_write(session)
    # Written only if no other beat (another tab) was counted since this one was read.
    counted = session.exec(
        update(LessonProgress)
        .where(col(LessonProgress.user_id) == user_id,
               col(LessonProgress.lesson_id) == lesson.id,
               col(LessonProgress.last_beat_at).is_(None) if previous_beat is None
               else col(LessonProgress.last_beat_at) == previous_beat)
        .values(last_beat_at=now, seconds_spent=col(LessonProgress.seconds_spent) + credit)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not counted:
        return
    set_committed_value(row, "last_beat_at", now)  # what the row now holds
    set_committed_value(row, "seconds_spent", row.seconds_spent + credit)
    summary.add_reading_time(session, course_id=lesson.course_id, user_id=user_id,
                             seconds=credit, now=now)

