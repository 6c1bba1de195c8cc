"""Who may see which course, shared by the lesson and quiz pages: executives only the
courses they are enrolled in (anything else looks missing), trainers and admins any
course as a preview.

These run on every lesson and quiz request, so each is one query, built once."""

from __future__ import annotations

from fastapi import HTTPException
from sqlalchemy import and_, bindparam
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from app.learning.progress import CourseProgress
from app.models import Course, Enrolment, Lesson, Role, User

NOBODY = 0  # no account has this id: staff preview a course without an enrolment

_COURSE = (
    select(Course, Enrolment)
    .outerjoin(Enrolment, and_(col(Enrolment.course_id) == Course.id,
                               col(Enrolment.user_id) == bindparam("user_id")))
    .where(Course.slug == bindparam("slug"))
)
_COURSE_AND_LESSON = (
    select(Course, Enrolment, Lesson)
    .join(Lesson, and_(col(Lesson.course_id) == Course.id,
                       col(Lesson.slug) == bindparam("lesson_slug"),
                       col(Lesson.retired_at).is_(None)))
    .outerjoin(Enrolment, and_(col(Enrolment.course_id) == Course.id,
                               col(Enrolment.user_id) == bindparam("user_id")))
    .where(Course.slug == bindparam("slug"))
    .options(defer(Lesson.body_md))  # pages show the rendered body only
)


def _learner_id(user: User) -> int:
    return user.id if user.role == Role.executive and user.id is not None else NOBODY


def course_for(session: Session, user: User, slug: str) -> tuple[Course, Enrolment | None]:
    row = session.exec(_COURSE, params={"slug": slug, "user_id": _learner_id(user)}).first()
    if row is None:
        raise HTTPException(status_code=404)
    course, enrolment = row
    if user.role == Role.executive and enrolment is None:
        raise HTTPException(status_code=404)
    return course, enrolment


def course_and_lesson_for(session: Session, user: User, slug: str, lesson_slug: str, *,
                          kind: str | None = None) -> tuple[Course, Enrolment | None, Lesson]:
    """The course (as ``course_for``) and its live lesson ``lesson_slug``, in one query."""
    row = session.exec(_COURSE_AND_LESSON, params={
        "slug": slug, "lesson_slug": lesson_slug, "user_id": _learner_id(user)}).first()
    if row is None:
        raise HTTPException(status_code=404)
    course, enrolment, lesson = row
    if (user.role == Role.executive and enrolment is None) or (
            kind is not None and lesson.kind != kind):
        raise HTTPException(status_code=404)
    return course, enrolment, lesson


def ensure_unlocked(progress: CourseProgress, lesson: Lesson) -> None:
    state = progress.state_of(lesson.id)
    module = progress.module_of(lesson.id)
    if progress.enrolment is not None and state is not None and state.locked:
        reason = module.lock_reason if module else ""
        raise HTTPException(status_code=403, detail=f"This item is locked. {reason}".strip())
