"""The executive's journey: course page, lesson page, completion, certificate; and the
public certificate check."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, HTTPException, Query, Request
from fastapi.responses import Response

from app.activities.kinds import KINDS
from app.config import Settings
from app.content.forms import CsrfForm
from app.content.markdown import outline
from app.courses import service as courses
from app.courses.urls import quiz_url
from app.db import end_write
from app.deps import (
    CurrentUser,
    DatabaseDep,
    ExecutiveUser,
    LearnerOrStaffUser,
    OptionalUser,
    Public,
    SessionDep,
    SettingsDep,
    read_first,
    small_read,
)
from app.learning import certificates
from app.learning.access import course_and_lesson_for, course_for, ensure_unlocked
from app.learning.completion import complete_lesson
from app.learning.forms import ReadingTimeForm
from app.learning.progress import course_progress
from app.learning.reading import needs_open_record, record_open, record_reading_time
from app.models import Role, User
from app.web import attachment, is_htmx, redirect, render
from app.workbooks import service as workbooks

router = APIRouter()

STAFF = frozenset({Role.trainer, Role.hr, Role.admin})  # may download anyone's certificate



@router.get("/courses/{slug}")
@small_read
def course_page(request: Request, slug: str, user: LearnerOrStaffUser,
                session: SessionDep) -> Response:
    course, enrolment = course_for(session, user, slug)
    progress = course_progress(session, course=course,
                               user_id=user.id if enrolment else None,
                               enrolment=enrolment)
    return render(request, "learning/course.html", {"progress": progress, "preview":
                                                     enrolment is None,
                                                     "today": date.today()})


@router.get("/courses/{slug}/lessons/{lesson_slug}")
@small_read
def lesson_page(request: Request, slug: str, lesson_slug: str, user: LearnerOrStaffUser,
                session: SessionDep, database: DatabaseDep,
                background: BackgroundTasks) -> Response:
    course, enrolment, lesson = course_and_lesson_for(session, user, slug, lesson_slug)
    if lesson.kind == "quiz":
        return redirect(request, quiz_url(course.slug, lesson.slug))
    progress = course_progress(session, course=course,
                               user_id=user.id if enrolment else None,
                               enrolment=enrolment)
    ensure_unlocked(progress, lesson)
    state = progress.state_of(lesson.id)
    module = progress.module_of(lesson.id)
    if enrolment is not None and needs_open_record(state):
        background.add_task(database.run_write, partial(record_open, user_id=user.id,
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
@read_first  # completing a completed lesson writes nothing and takes no write lock
def complete(request: Request, slug: str, lesson_slug: str, user: ExecutiveUser,
             session: SessionDep, form: Annotated[CsrfForm, Form()]) -> Response:
    # quizzes complete by being passed, activities by a trainer's approval
    course, enrolment, lesson = course_and_lesson_for(session, user, slug, lesson_slug,
                                                      kind="reading")
    assert enrolment is not None
    progress = course_progress(session, course=course, user_id=user.id,
                               enrolment=enrolment)
    if course.sequential:
        ensure_unlocked(progress, lesson)
    progress = complete_lesson(session, user_id=user.id, course=course, lesson=lesson,
                               enrolment=enrolment, progress=progress)
    end_write(session)  # written (or nothing to write): the answer holds no write lock
    if not is_htmx(request):
        return redirect(request, courses.lesson_url(course.slug, lesson.slug))
    _, following = progress.neighbours(lesson.id)
    return render(request, "learning/lesson.html", {
        "progress": progress, "lesson": lesson, "state": progress.state_of(lesson.id),
        "next": following, "oob": True}, block="completion")


@router.post("/courses/{slug}/lessons/{lesson_slug}/time")
@read_first
def reading_time(slug: str, lesson_slug: str, user: ExecutiveUser, session: SessionDep,
                 form: Annotated[ReadingTimeForm, Form()]) -> Response:
    _, _, lesson = course_and_lesson_for(session, user, slug, lesson_slug)
    record_reading_time(session, user_id=user.id, lesson=lesson, seconds=form.seconds)
    return Response(status_code=204)


def _certificate_page(request: Request, settings: Settings, cert: certificates.Certificate, *,
                      own: bool, user: User | None) -> Response:
    may_download = user is not None and (user.id == cert.user_id or user.role in STAFF)
    return render(request, "learning/certificate.html", {
        "certificate": cert, "own": own, "may_download": may_download,
        "verify_url": certificates.verify_url(settings.public_url, cert),
        "linkedin_url": certificates.linkedin_url(cert, organisation=settings.organisation_name,
                                                  public_url=settings.public_url),
        "organisation": settings.organisation_name})


@router.get("/courses/{slug}/certificate")
def certificate(request: Request, slug: str, user: ExecutiveUser, session: SessionDep,
                settings: SettingsDep) -> Response:
    """The executive's certificate; before it is earned, what is left to earn it."""
    course, enrolment = course_for(session, user, slug)
    cert = certificates.certificate_for(session, user_id=user.id, course=course)
    if cert is None:
        progress = course_progress(session, course=course, user_id=user.id,
                                   enrolment=enrolment)
        return render(request, "learning/certificate_pending.html", {"progress": progress})
    return _certificate_page(request, settings, cert, own=True, user=user)


@router.get("/certificates/{code}/pdf")
def certificate_pdf(code: str, user: CurrentUser, session: SessionDep,
                    settings: SettingsDep) -> Response:
    """The certificate as a one-page PDF, for its owner and the staff who follow them."""
    cert = certificates.verify_certificate(session, code=code[:64])
    if cert is None or (user.id != cert.user_id and user.role not in STAFF):
        raise HTTPException(status_code=404)
    content = certificates.certificate_pdf(cert, organisation=settings.organisation_name,
                                           public_url=settings.public_url)
    return attachment(content, filename=certificates.pdf_filename(cert),
                      media_type="application/pdf")


@router.get("/certificates", dependencies=[Public])
def verify_form(request: Request, session: SessionDep,
                code: Annotated[str, Query(max_length=64)] = "") -> Response:
    if code.strip():
        cert = certificates.verify_certificate(session, code=code)
        if cert is not None:
            return redirect(request, f"/certificates/{cert.code}")
        return render(request, "learning/verify.html", {"code": code, "not_found": True},
                      status_code=404)
    return render(request, "learning/verify.html", {"code": "", "not_found": False})


@router.get("/certificates/{code}", dependencies=[Public])
def verify(request: Request, code: str, session: SessionDep, settings: SettingsDep,
           user: OptionalUser) -> Response:
    cert = certificates.verify_certificate(session, code=code[:64])
    if cert is None:
        return render(request, "learning/verify.html", {"code": code[:64], "not_found": True},
                      status_code=404)
    return _certificate_page(request, settings, cert, own=False, user=user)
