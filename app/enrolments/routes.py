"""Trainer and admin pages: the courses and who is enrolled in them."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response

from app.activities.kinds import KINDS
from app.admin import forms
from app.admin import service as accounts
from app.content.forms import CsrfForm
from app.courses import service as courses
from app.deps import RowId, SessionDep, TrainerUser
from app.enrolments import service
from app.enrolments.forms import EnrolForm
from app.models import Course
from app.web import redirect, render
from app.workbooks import service as workbooks

router = APIRouter(prefix="/manage")


def _course_or_404(session: SessionDep, slug: str) -> Course:
    course = courses.get_course(session, slug)
    if course is None:
        raise HTTPException(status_code=404)
    return course


@router.get("/courses")
def course_list(request: Request, user: TrainerUser, session: SessionDep) -> Response:
    listed = courses.list_courses(session)
    return render(request, "enrolments/courses.html", {
        "courses": listed, "counts": service.enrolment_counts(session),
        "lengths": courses.course_minutes(session, course_ids=[c.id for c in listed if c.id])})


def _course_page(request: Request, session: SessionDep, course: Course, *,
                 errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
                 message: str | None = None, status_code: int = 200) -> Response:
    rows = service.list_enrolments(session, course=course)
    user_ids = [row.user.id for row in rows]
    return render(request, "enrolments/course.html", {
        "course": course, "rows": rows, "cohorts": accounts.list_cohorts(session),
        "workbooks": {kind: workbooks.statuses(session, kind=kind, user_ids=user_ids)
                      for kind in KINDS},
        "kinds": KINDS, "errors": errors or {}, "values": values or {}, "message": message},
        status_code=status_code)


@router.get("/courses/{slug}")
def course_enrolments(request: Request, slug: str, user: TrainerUser,
                      session: SessionDep) -> Response:
    result = service.EnrolmentResult.from_params(request.query_params)
    return _course_page(request, session, _course_or_404(session, slug),
                        message=result.message() if result else None)


@router.post("/courses/{slug}/enrol")
def enrol(request: Request, slug: str, user: TrainerUser, session: SessionDep,
          form: Annotated[EnrolForm, Form()]) -> Response:
    course = _course_or_404(session, slug)
    values = form.model_dump(exclude={"csrf_token"})
    people, errors = service.choose_executives(session, cohort=form.cohort, emails=form.emails)
    due, error = forms.clean_optional_date(form.due_date)
    if error:
        errors["due_date"] = error
    if errors:
        return _course_page(request, session, course, errors=errors, values=values,
                            status_code=400)
    plan = service.plan_enrolment(session, course=course, users=people, due_date=due)
    if plan.needs_choice and form.existing not in service.EXISTING_CHOICES:
        # some are enrolled already with another due date: ask before changing it
        return render(request, "enrolments/confirm.html", {
            "course": course, "plan": plan, "values": values})
    result = service.enrol_users(session, course=course, users=people, due_date=due,
                                 enrolled_by=user,
                                 existing=form.existing or service.CHANGE)
    return redirect(request, f"/manage/courses/{course.slug}?{urlencode(result.params())}")


@router.post("/courses/{slug}/enrolments/{enrolment_id}/remove")
def remove(request: Request, slug: str, enrolment_id: RowId, user: TrainerUser,
           session: SessionDep, form: Annotated[CsrfForm, Form()]) -> Response:
    course = _course_or_404(session, slug)
    enrolment = service.get_enrolment(session, course=course, enrolment_id=enrolment_id)
    if enrolment is None:
        raise HTTPException(status_code=404)
    service.unenrol(session, enrolment=enrolment)
    return redirect(request, f"/manage/courses/{course.slug}", notice="unenrolled")
