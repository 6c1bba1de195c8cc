"""The executive's journey: course page, lesson page, completion, certificate; and the
public certificate check."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, HTTPException, Query, Request
from fastapi.responses import Response

from app.content.forms import CsrfForm
from app.content.markdown import outline
from app.courses import service as courses
from app.courses.urls import quiz_url
from app.deps import DatabaseDep, ExecutiveUser, LearnerOrStaffUser, Public, SessionDep
from app.learning import service
from app.learning.access import course_for, ensure_unlocked, lesson_for
from app.learning.forms import ReadingTimeForm
from app.web import is_htmx, redirect, render
from app.workbooks import service as workbooks
from app.workbooks.kinds import KINDS

router = APIRouter()



@router.get("/courses/{slug}")
def course_page(request: Request, slug: str, user: LearnerOrStaffUser,
                session: SessionDep) -> Response:
    course, enrolment = course_for(session, user, slug)
    progress = service.course_progress(session, course=course,
                                       user_id=user.id if enrolment else None,
                                       enrolment=enrolment)
    return render(request, "learning/course.html", {"progress": progress, "preview":
                                                     enrolment is None,
                                                     "today": date.today()})


@router.get("/courses/{slug}/lessons/{lesson_slug}")
def lesson_page(request: Request, slug: str, lesson_slug: str, user: LearnerOrStaffUser,
                session: SessionDep, database: DatabaseDep,
                background: BackgroundTasks) -> Response:
    course, enrolment = course_for(session, user, slug)
    lesson = lesson_for(session, course, lesson_slug)
    progress = service.course_progress(session, course=course,
                                       user_id=user.id if enrolment else None,
                                       enrolment=enrolment)
    if lesson.kind == "quiz":
        return redirect(request, quiz_url(course.slug, lesson.slug))
    ensure_unlocked(progress, lesson)
    state = progress.state_of(lesson.id)
    module = progress.module_of(lesson.id)
    if enrolment is not None and service.needs_open_record(state):
        background.add_task(database.run_write, partial(service.record_open, user_id=user.id,
                                                        course_id=course.id, lesson_id=lesson.id))
    previous, following = progress.neighbours(lesson.id)
    activity = None
    if lesson.kind in KINDS:
        activity = KINDS[lesson.kind]
        activity_status = workbooks.status_for(session, user_id=user.id, kind=lesson.kind)
    body_html, sections = outline(lesson.body_html)
    return render(request, "learning/lesson.html", {
        "progress": progress, "lesson": lesson, "state": state, "module": module,
        "body_html": body_html, "sections": sections,
        "previous": previous, "next": following, "preview": enrolment is None,
        "activity": activity, "activity_status": activity_status if activity else None})


@router.post("/courses/{slug}/lessons/{lesson_slug}/complete")
def complete(request: Request, slug: str, lesson_slug: str, user: ExecutiveUser,
             session: SessionDep, form: Annotated[CsrfForm, Form()]) -> Response:
    course, enrolment = course_for(session, user, slug)
    assert enrolment is not None
    lesson = lesson_for(session, course, lesson_slug)
    if lesson.kind != "reading":
        # quizzes complete by being passed, activities by a trainer's approval
        raise HTTPException(status_code=404)
    if course.sequential:
        ensure_unlocked(service.course_progress(session, course=course, user_id=user.id,
                                                enrolment=enrolment), lesson)
    progress = service.complete_lesson(session, user_id=user.id, course=course, lesson=lesson,
                                       enrolment=enrolment)
    if not is_htmx(request):
        return redirect(request, courses.lesson_url(course.slug, lesson.slug))
    _, following = progress.neighbours(lesson.id)
    return render(request, "learning/lesson.html", {
        "progress": progress, "lesson": lesson, "state": progress.state_of(lesson.id),
        "next": following, "oob": True}, block="completion")


@router.post("/courses/{slug}/lessons/{lesson_slug}/time")
def reading_time(slug: str, lesson_slug: str, user: ExecutiveUser, session: SessionDep,
                 form: Annotated[ReadingTimeForm, Form()]) -> Response:
    course, _ = course_for(session, user, slug)
    lesson = lesson_for(session, course, lesson_slug)
    service.record_reading_time(session, user_id=user.id, lesson=lesson, seconds=form.seconds)
    return Response(status_code=204)


@router.get("/courses/{slug}/certificate")
def certificate(request: Request, slug: str, user: ExecutiveUser, session: SessionDep) -> Response:
    course, _ = course_for(session, user, slug)
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
