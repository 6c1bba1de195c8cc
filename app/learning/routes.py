"""The executive's journey: course page, lesson page, completion, certificate; and the
public certificate check."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import Response

from app.courses import service as courses
from app.deps import (
    DatabaseDep,
    Public,
    SessionDep,
    require_executive,
    require_role,
)
from app.learning import service
from app.models import Course, Enrolment, Lesson, Role, User
from app.web import is_htmx, redirect, render

router = APIRouter()

LearnerOrStaff = Annotated[User, Depends(require_role(Role.executive, Role.trainer,
                                                      Role.admin))]
Executive = Annotated[User, Depends(require_executive)]


def _course_for(session: SessionDep, user: User, slug: str) -> tuple[Course, Enrolment | None]:
    """A course the user may see: executives only their own enrolments (anything else
    looks missing); trainers and admins any course, as a preview."""
    course = courses.get_course(session, slug)
    if course is None:
        raise HTTPException(status_code=404)
    enrolment = None
    if user.role == Role.executive:
        enrolment = service.get_enrolment(session, user_id=user.id, course_id=course.id)
        if enrolment is None:
            raise HTTPException(status_code=404)
    return course, enrolment


def _lesson_for(session: SessionDep, course: Course, slug: str) -> Lesson:
    lesson = service.get_live_lesson(session, course=course, slug=slug)
    if lesson is None:
        raise HTTPException(status_code=404)
    return lesson


@router.get("/courses/{slug}")
def course_page(request: Request, slug: str, user: LearnerOrStaff,
                session: SessionDep) -> Response:
    course, enrolment = _course_for(session, user, slug)
    progress = service.course_progress(session, course=course,
                                       user_id=user.id if enrolment else None,
                                       enrolment=enrolment)
    return render(request, "learning/course.html", {"progress": progress, "preview":
                                                     enrolment is None,
                                                     "today": date.today()})


@router.get("/courses/{slug}/lessons/{lesson_slug}")
def lesson_page(request: Request, slug: str, lesson_slug: str, user: LearnerOrStaff,
                session: SessionDep, database: DatabaseDep) -> Response:
    course, enrolment = _course_for(session, user, slug)
    lesson = _lesson_for(session, course, lesson_slug)
    progress = service.course_progress(session, course=course,
                                       user_id=user.id if enrolment else None,
                                       enrolment=enrolment)
    state = progress.state_of(lesson.id)
    module = progress.module_of(lesson.id)
    if enrolment is not None and state is not None and state.locked and module is not None:
        raise HTTPException(status_code=403, detail=f"This lesson is locked. {module.lock_reason}")
    if enrolment is not None:
        with database.session(write=True) as write:
            service.record_open(write, user_id=user.id, lesson_id=lesson.id)
    previous, following = progress.neighbours(lesson.id)
    return render(request, "learning/lesson.html", {
        "progress": progress, "lesson": lesson, "state": state, "module": module,
        "previous": previous, "next": following, "preview": enrolment is None})


@router.post("/courses/{slug}/lessons/{lesson_slug}/complete")
def complete(request: Request, slug: str, lesson_slug: str, user: Executive,
             session: SessionDep) -> Response:
    course, enrolment = _course_for(session, user, slug)
    assert enrolment is not None
    lesson = _lesson_for(session, course, lesson_slug)
    if course.sequential:
        before = service.course_progress(session, course=course, user_id=user.id,
                                         enrolment=enrolment)
        state = before.state_of(lesson.id)
        if state is not None and state.locked:
            raise HTTPException(status_code=403, detail="This lesson is locked.")
    progress = service.complete_lesson(session, user_id=user.id, course=course, lesson=lesson,
                                       enrolment=enrolment)
    if not is_htmx(request):
        return redirect(request, courses.lesson_url(course.slug, lesson.slug))
    _, following = progress.neighbours(lesson.id)
    return render(request, "learning/lesson.html", {
        "progress": progress, "lesson": lesson, "state": progress.state_of(lesson.id),
        "next": following, "oob": True}, block="completion")


@router.post("/courses/{slug}/lessons/{lesson_slug}/time")
def reading_time(slug: str, lesson_slug: str, user: Executive, session: SessionDep,
                 seconds: Annotated[int, Form(ge=0, le=3600)] = 0) -> Response:
    course, _ = _course_for(session, user, slug)
    lesson = _lesson_for(session, course, lesson_slug)
    service.record_reading_time(session, user_id=user.id, lesson=lesson, seconds=seconds)
    return Response(status_code=204)


@router.get("/courses/{slug}/certificate")
def certificate(request: Request, slug: str, user: Executive, session: SessionDep) -> Response:
    course, _ = _course_for(session, user, slug)
    cert = service.certificate_for(session, user_id=user.id, course=course)
    if cert is None:
        raise HTTPException(status_code=404, detail="You have not completed this course yet.")
    return render(request, "learning/certificate.html", {"certificate": cert, "own": True})


@router.get("/certificates", dependencies=[Public])
def verify_form(request: Request, session: SessionDep,
                code: Annotated[str, Query(max_length=64)] = "") -> Response:
    if code.strip():
        cert = service.verify_certificate(session, code=code)
        if cert is not None:
            return redirect(request, f"/certificates/{cert.code}")
        return render(request, "learning/verify.html", {"code": code, "not_found": True},
                      status_code=404)
    return render(request, "learning/verify.html", {"code": "", "not_found": False})


@router.get("/certificates/{code}", dependencies=[Public])
def verify(request: Request, code: str, session: SessionDep) -> Response:
    cert = service.verify_certificate(session, code=code[:64])
    if cert is None:
        return render(request, "learning/verify.html", {"code": code[:64], "not_found": True},
                      status_code=404)
    return render(request, "learning/certificate.html", {"certificate": cert, "own": False})
