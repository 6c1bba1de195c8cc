"""Completing a lesson, and with it, once, the course.

A lesson is completed by the executive (or by a quiz passed, or by a trainer approving a
workbook of an activity's kind). When that meets the course's completion rule the moment
is recorded once on the enrolment, with the code of its certificate; the lesson's key
takeaways become daily-review cards.
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.courses.spec import ACTIVITY_KINDS
from app.courses.urls import certificate_url
from app.db import begin_write, insert_for
from app.learning import summary
from app.learning.progress import CourseProgress, course_progress
from app.models import Course, Enrolment, Lesson, LessonProgress, Module, Workbook, utcnow
from app.notifications.service import notify
from app.recall import service as recall


def complete_lesson(
    session: Session,
    *,
    user_id: int,
    course: Course,
    lesson: Lesson,
    enrolment: Enrolment,
    now: datetime | None = None,
    progress: CourseProgress | None = None,
) -> CourseProgress:
    """Mark a lesson complete (idempotent) and, when that meets the course's completion
    rule, record the course's completion and issue its certificate code once.

    ``progress`` is the executive's progress read in this transaction, if the caller has
    it. When it shows the lesson complete already (and the course recorded complete if
    the rule is met) nothing is written and no write lock is taken."""
    now = now or utcnow()
    if progress is None:
        progress = course_progress(session, course=course, user_id=user_id,
                                   enrolment=enrolment)
    state = progress.state_of(lesson.id)
    if state is not None and state.done and not (
            progress.rule_met and enrolment.completed_at is None):
        return progress
    # counted before the write lock (a lesson's Markdown is parsed once per process)
    takeaways = recall.takeaway_count(lesson.body_md) if lesson.kind != "quiz" else 0
    begin_write(session)
    insert = insert_for(session)
    statement = insert(LessonProgress).values(
        user_id=user_id,
        lesson_id=lesson.id,
        first_opened_at=now,
        last_opened_at=now,
        completed_at=now,
        seconds_spent=0,
    )
    changed = session.exec(
        statement.on_conflict_do_update(
            index_elements=["user_id", "lesson_id"],
            set_={"completed_at": statement.excluded.completed_at},
            where=col(LessonProgress.completed_at).is_(None),
        ).returning(LessonProgress.lesson_id)  # a row only when it was written
    ).first()
    # read again: another request may have completed it first
    progress = course_progress(session, course=course, user_id=user_id, enrolment=enrolment)
    if changed is not None:
        summary.lesson_completed(session, course_id=course.id, user_id=user_id,
                                 percent=progress.percent, now=now)
        if takeaways:  # its key takeaways become daily-review cards
            recall.add_takeaway_cards(session, user_id=user_id, lesson=lesson, now=now,
                                      count=takeaways)
    if progress.rule_met and enrolment.completed_at is None:
        code = new_certificate_code()
        completed = session.exec(
            update(Enrolment)
            .where(Enrolment.id == enrolment.id, col(Enrolment.completed_at).is_(None))
            .values(completed_at=now, certificate_code=code)
        ).rowcount
        session.refresh(enrolment)
        progress.enrolment = enrolment
        if completed:
            notify(session, user_id=user_id, kind="certificate",
                   params={"course": course.title, "code": code},
                   link=certificate_url(course.slug), dedupe_key=f"certificate:{enrolment.id}",
                   now=now)
    return progress


def complete_activity(session: Session, *, user_id: int, kind: str,
                      now: datetime | None = None) -> None:
    """A trainer approved the executive's workbook of ``kind``: the activity lessons of
    that kind are complete in every course they are enrolled in."""
    rows = session.exec(
        select(Lesson, Course, Enrolment)
        .join(Course, col(Course.id) == Lesson.course_id)
        .join(Module, col(Module.id) == Lesson.module_id)
        .join(Enrolment, (col(Enrolment.course_id) == Lesson.course_id)
              & (col(Enrolment.user_id) == user_id))
        .where(Lesson.kind == kind, col(Lesson.retired_at).is_(None),
               col(Module.retired_at).is_(None))
    ).all()
    for lesson, course, enrolment in rows:
        complete_lesson(session, user_id=user_id, course=course, lesson=lesson,
                        enrolment=enrolment, now=now)


def complete_approved_activities(session: Session, *, course: Course, user_ids: list[int],
                                 now: datetime | None = None) -> None:
    """Newly enrolled executives whose workbook was approved before: the course's
    activity lessons of that kind are complete from the start."""
    if not user_ids:
        return
    kinds = set(session.exec(
        select(Lesson.kind).where(Lesson.course_id == course.id,
                                  col(Lesson.kind).in_(ACTIVITY_KINDS),
                                  col(Lesson.retired_at).is_(None))
    ).all())
    if not kinds:
        return
    approved = session.exec(
        select(Workbook.user_id, Workbook.kind)
        .where(col(Workbook.user_id).in_(user_ids), col(Workbook.kind).in_(kinds),
               col(Workbook.approved_at).is_not(None))
    ).all()
    for user_id, kind in approved:
        complete_activity(session, user_id=user_id, kind=kind, now=now)


def new_certificate_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(10)).decode()  # 80 bits, 16 characters
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))
