"""The authoring pages of the list of courses and of one course: new courses and package
uploads, the structure of modules and lessons, publishing, discarding, history and the
package download."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import Response
from sqlmodel import Session

from app.authoring import course_structure, drafts, lessons, packages, publishing
from app.authoring import forms as f
from app.authoring.draft_fields import DraftError, FormErrors
from app.authoring.drafts import Draft
from app.authoring.package_zips import MAX_PACKAGE_BYTES
from app.authoring.routes.common import Edit, _draft, _revision
from app.content.forms import CsrfForm
from app.courses.service import get_course
from app.courses.spec import PackageError
from app.deps import SessionDep, TrainerUser
from app.models import User
from app.web import attachment, redirect, render

router = APIRouter()


# The list of courses, new courses and package uploads ----------------------------------

@router.get("/author")
def index(request: Request, user: TrainerUser, session: SessionDep) -> Response:
    return _index(request, session)


def _index(request: Request, session: SessionDep, *, status_code: int = 200,
           **context: object) -> Response:
    return render(request, "authoring/index.html", {
        "entries": drafts.all_drafts(session),
        "typed": {}, "errors": {}, **context}, status_code=status_code)


@router.post("/author/courses")
def create_course(request: Request, user: TrainerUser, session: SessionDep,
                  form: Annotated[f.NewCourseForm, Form()]) -> Response:
    typed = form.model_dump(exclude={"csrf_token"})
    try:
        draft = course_structure.new_course(
            session, slug=typed["slug"], title=typed["title"], summary=typed["summary"],
            audience=typed["audience"], hours=typed["estimated_hours"], user=user)
    except FormErrors as exc:
        return _index(request, session, status_code=422, typed=typed, errors=exc.errors)
    return redirect(request, f"/author/{draft.slug}", notice="course-created")


@router.post("/author/packages", max_body_size=MAX_PACKAGE_BYTES + 1024 * 1024)
async def upload_package(request: Request, user: TrainerUser, session: SessionDep,
                         form: Annotated[f.PackageForm, Form()],
                         package: Annotated[UploadFile, File()]) -> Response:
    data = await package.read(MAX_PACKAGE_BYTES + 1)
    upload = packages.read_upload(data)
    if upload.spec is None:
        return _index(request, session, status_code=422, problems=upload.problems,
                      upload_name=package.filename or "")
    current = drafts.load(session, upload.spec.slug)
    if current is not None and current.changed and form.replace != "on":
        who = drafts.editor_name(session, current.row.updated_by_id if current.row else None)
        return _index(request, session, status_code=409, upload_name=package.filename or "",
                      conflict=f"“{current.spec.title}” has unpublished changes in its draft"
                               f"{f' (last by {who})' if who else ''}. Nothing was changed. "
                               "Tick “Replace unpublished changes” to overwrite them, or "
                               "publish or discard them first.")
    draft = packages.take_upload(session, upload.spec, user=user)
    return redirect(request, f"/author/{draft.slug}", notice="package-uploaded")


# One course ------------------------------------------------------------------------------

@router.get("/author/{slug}")
def course_page(request: Request, slug: str, user: TrainerUser, session: SessionDep) -> Response:
    return _course(request, session, _draft(session, slug))


def _course(request: Request, session: SessionDep, draft: Draft, *, status_code: int = 200,
            **context: object) -> Response:
    return render(request, "authoring/course.html", {
        "draft": draft, "kinds": course_structure.LESSON_KINDS, "errors": {}, "typed": {},
        "states": lessons.lesson_states(draft),
        "updated_by": drafts.editor_name(session, draft.row.updated_by_id if draft.row else None),
        **context}, status_code=status_code)


def _change(request: Request, session: SessionDep, user: User, slug: str, edit: Edit, *,
            notice: str, anchor: str = "", typed: dict[str, str] | None = None,
            save: Callable[[Session, str, User, Edit], object] = drafts.change) -> Response:
    """Apply a structure change to the draft (with ``save``) and go back to the course
    page; a refused change shows the course page with the message next to its field."""
    try:
        save(session, slug, user, edit)
    except LookupError:
        raise HTTPException(status_code=404) from None
    except FormErrors as exc:
        return _course(request, session, _draft(session, slug), status_code=422,
                       errors=exc.errors, typed=typed or {})
    except DraftError as exc:
        return _course(request, session, _draft(session, slug), status_code=422,
                       errors={exc.field: str(exc)}, typed=typed or {})
    return redirect(request, f"/author/{slug}{anchor}", notice=notice)


@router.post("/author/{slug}/settings")
def course_settings(request: Request, slug: str, user: TrainerUser, session: SessionDep,
                    form: Annotated[f.CourseSettingsForm, Form()]) -> Response:
    typed = form.model_dump(exclude={"csrf_token"})
    typed["sequential"] = "on" if form.sequential == "on" else "off"
    return _change(request, session, user, slug, lambda d: course_structure.update_settings(
        d, title=typed["title"], summary=typed["summary"], audience=typed["audience"],
        hours=typed["estimated_hours"], sequential=typed["sequential"] == "on"),
        notice="draft-saved", typed=typed, save=drafts.change_settings)


@router.post("/author/{slug}/modules")
def add_module(request: Request, slug: str, user: TrainerUser, session: SessionDep,
               form: Annotated[f.NewModuleForm, Form()]) -> Response:
    typed = form.model_dump(exclude={"csrf_token"})
    return _change(request, session, user, slug, lambda d: course_structure.add_module(
        d, title=typed["module_title"], slug=typed["module_slug"]), notice="draft-saved",
        typed=typed)


@router.post("/author/{slug}/modules/{module}")
def rename_module(request: Request, slug: str, module: str, user: TrainerUser,
                  session: SessionDep, form: Annotated[f.ModuleForm, Form()]) -> Response:
    typed = {"rename_module": module, "rename_title": form.title,
             "rename_summary": form.summary}
    return _change(request, session, user, slug, lambda d: course_structure.rename_module(
        d, module, title=typed["rename_title"], summary=typed["rename_summary"]),
        notice="draft-saved", anchor=f"#module-{module}", typed=typed)


@router.post("/author/{slug}/modules/{module}/move")
def move_module(request: Request, slug: str, module: str, user: TrainerUser,
                session: SessionDep, form: Annotated[f.MoveForm, Form()]) -> Response:
    return _change(request, session, user, slug, lambda d: course_structure.move_module(
        d, module, form.direction), notice="draft-saved",
        anchor=f"#module-{module}")


@router.post("/author/{slug}/modules/{module}/remove")
def remove_module(request: Request, slug: str, module: str, user: TrainerUser,
                  session: SessionDep, form: Annotated[CsrfForm, Form()]) -> Response:
    return _change(request, session, user, slug,
                   lambda d: course_structure.remove_module(d, module), notice="draft-saved")


@router.post("/author/{slug}/modules/{module}/lessons")
def add_lesson(request: Request, slug: str, module: str, user: TrainerUser, session: SessionDep,
               form: Annotated[f.NewLessonForm, Form()]) -> Response:
    typed = {**form.model_dump(exclude={"csrf_token"}), "module": module}
    return _change(request, session, user, slug, lambda d: course_structure.add_lesson(
        d, module, title=typed["lesson_title"], slug=typed["lesson_slug"], kind=typed["kind"]),
        notice="draft-saved", anchor=f"#module-{module}", typed=typed)


@router.post("/author/{slug}/lessons/{lesson}/move")
def move_lesson(request: Request, slug: str, lesson: str, user: TrainerUser,
                session: SessionDep, form: Annotated[f.MoveForm, Form()]) -> Response:
    return _change(request, session, user, slug, lambda d: course_structure.move_lesson(
        d, lesson, form.direction), notice="draft-saved",
        anchor=f"#lesson-{lesson}")


@router.post("/author/{slug}/lessons/{lesson}/module")
def move_lesson_to_module(request: Request, slug: str, lesson: str, user: TrainerUser,
                          session: SessionDep,
                          form: Annotated[f.MoveToModuleForm, Form()]) -> Response:
    return _change(request, session, user, slug, lambda d: course_structure.move_lesson_to(
        d, lesson, form.module), notice="draft-saved", anchor=f"#lesson-{lesson}")


@router.post("/author/{slug}/order")
def reorder(request: Request, slug: str, user: TrainerUser, session: SessionDep,
            form: Annotated[f.ReorderForm, Form()]) -> Response:
    """The whole structure in the order dragging (or Alt+arrow keys) left it, sent by
    static/js/authoring.js; answers with the message for the page's status line."""
    try:
        drafts.change(session, slug, user, lambda d: course_structure.reorder(
            d, modules=form.modules, lessons=form.lessons))
    except LookupError:
        raise HTTPException(status_code=404) from None
    except DraftError as exc:
        return render(request, "authoring/course.html", {"order_message": str(exc)},
                      block="order_status", status_code=422)
    return render(request, "authoring/course.html", {
        "order_message": "New order saved to the draft."}, block="order_status")


@router.post("/author/{slug}/lessons/{lesson}/remove")
def remove_lesson(request: Request, slug: str, lesson: str, user: TrainerUser,
                  session: SessionDep, form: Annotated[CsrfForm, Form()]) -> Response:
    return _change(request, session, user, slug,
                   lambda d: course_structure.remove_lesson(d, lesson), notice="draft-saved")


@router.post("/author/{slug}/publish")
def publish(request: Request, slug: str, user: TrainerUser, session: SessionDep,
            form: Annotated[f.PublishForm, Form()]) -> Response:
    message = form.message
    draft = drafts.load(session, slug, lock=True)
    if draft is None:
        raise HTTPException(status_code=404)
    try:
        published = publishing.publish(session, draft, author=user, message=message)
    except DraftError as exc:
        return _course(request, session, draft, status_code=422,
                       errors={exc.field: str(exc)}, typed={"message": message})
    except PackageError as exc:
        return _course(request, session, draft, status_code=422, problems=exc.problems,
                       typed={"message": message})
    return redirect(request, f"/author/{slug}",
                    notice="published-recount" if published.report.recount_queued
                    else "published")


@router.post("/author/{slug}/discard")
def discard(request: Request, slug: str, user: TrainerUser, session: SessionDep,
            form: Annotated[CsrfForm, Form()]) -> Response:
    draft = drafts.load(session, slug, lock=True)
    if draft is None:
        raise HTTPException(status_code=404)
    if draft.course is None:
        raise HTTPException(status_code=409, detail="A course that was never published has "
                                                    "only its draft; it cannot be discarded.")
    drafts.discard(session, draft)
    return redirect(request, f"/author/{slug}", notice="draft-discarded")


@router.get("/author/{slug}/package.zip")
def download_package(slug: str, user: TrainerUser, session: SessionDep) -> Response:
    course = get_course(session, slug)
    if course is None:
        raise HTTPException(status_code=404)
    return attachment(packages.package_zip(session, course), filename=f"{course.slug}.zip",
                      media_type="application/zip")


@router.get("/author/{slug}/history")
def history(request: Request, slug: str, user: TrainerUser, session: SessionDep) -> Response:
    draft = _draft(session, slug)
    entries = publishing.revisions(session, draft.course) if draft.course else []
    return render(request, "authoring/history.html", {"draft": draft, "entries": entries})


@router.post("/author/{slug}/restore")
def restore_course(request: Request, slug: str, user: TrainerUser, session: SessionDep,
                   form: Annotated[f.RestoreForm, Form()]) -> Response:
    entry = _revision(session, _draft(session, slug), form.revision)
    publishing.restore_course(session, slug, user, entry)
    return redirect(request, f"/author/{slug}", notice="revision-restored")
