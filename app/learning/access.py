"""Who may see which course, shared by the lesson and quiz pages: executives only the
courses they are enrolled in (anything else looks missing), trainers and admins any
course as a preview."""

from __future__ import annotations

from fastapi import HTTPException
from sqlmodel import Session

from app.courses import service as courses
from app.learning import service
from app.models import Course, Enrolment, Lesson, Role, User


def course_for(session: Session, user: User, slug: str) -> tuple[Course, Enrolment | None]:
    course = courses.get_course(session, slug)
    if course is None:
        raise HTTPException(status_code=404)
    enrolment = None
    if user.role == Role.executive:
        enrolment = service.get_enrolment(session, user_id=user.id, course_id=course.id)
        if enrolment is None:
            raise HTTPException(status_code=404)
    return course, enrolment


def lesson_for(session: Session, course: Course, slug: str, *, kind: str | None = None) -> Lesson:
    lesson = service.get_live_lesson(session, course=course, slug=slug)
    if lesson is None or (kind is not None and lesson.kind != kind):
        raise HTTPException(status_code=404)
    return lesson


def ensure_unlocked(progress: service.CourseProgress, lesson: Lesson) -> None:
    state = progress.state_of(lesson.id)
    module = progress.module_of(lesson.id)
    if progress.enrolment is not None and state is not None and state.locked:
        reason = module.lock_reason if module else ""
        raise HTTPException(status_code=403, detail=f"This item is locked. {reason}".strip())
