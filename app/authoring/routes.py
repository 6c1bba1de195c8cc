"""Trainers author courses in the browser: structure, lessons with a live preview, quizzes,
images, publishing with revisions, history and packages (trainers and admins only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import Response
from sqlmodel import Session

from app.authoring import drafts, packages, publishing, questions
from app.authoring import forms as f
from app.authoring.drafts import Conflict, Draft, DraftError, FormErrors
from app.authoring.package_zips import MAX_PACKAGE_BYTES
from app.authoring.question_forms import GRADE_CHOICES, form_for, parse_form
from app.authoring.question_forms import QuestionForm as QuestionFormState
from app.content.forms import CsrfForm, posted
from app.courses.service import asset_url, get_asset, get_course, render_lesson, store_assets
from app.courses.spec import PackageError
from app.deps import CurrentUser, Position, SessionDep, TrainerUser
from app.models import User
from app.questions.spec import QType
from app.quizzes.analysis import item_analysis
from app.security.images import MAX_IMAGE_BYTES, UploadError, check_image
from app.web import attachment, redirect, render

router = APIRouter()

Edit = Callable[[Draft], object]


def _draft(session: SessionDep, slug: str) -> Draft:
    draft = drafts.load(session, slug)
    if draft is None:
        raise HTTPException(status_code=404)
    return draft


def _lesson_or_404(draft: Draft, slug: str) -> tuple[drafts.ModuleSpec, drafts.LessonSpec]:
    try:
        return draft.lesson(slug)
    except LookupError:
        raise HTTPException(status_code=404) from None


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
        draft = drafts.new_course(session, slug=typed["slug"], title=typed["title"],
                                  summary=typed["summary"], audience=typed["audience"],
                                  hours=typed["estimated_hours"], user=user)
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
        "draft": draft, "kinds": drafts.LESSON_KINDS, "errors": {}, "typed": {},
        "states": drafts.lesson_states(draft),
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
    return _change(request, session, user, slug, lambda d: drafts.update_settings(
        d, title=typed["title"], summary=typed["summary"], audience=typed["audience"],
        hours=typed["estimated_hours"], sequential=typed["sequential"] == "on"),
        notice="draft-saved", typed=typed, save=drafts.change_settings)


@router.post("/author/{slug}/modules")
def add_module(request: Request, slug: str, user: TrainerUser, session: SessionDep,
               form: Annotated[f.NewModuleForm, Form()]) -> Response:
    typed = form.model_dump(exclude={"csrf_token"})
    return _change(request, session, user, slug, lambda d: drafts.add_module(
        d, title=typed["module_title"], slug=typed["module_slug"]), notice="draft-saved",
        typed=typed)


@router.post("/author/{slug}/modules/{module}")
def rename_module(request: Request, slug: str, module: str, user: TrainerUser,
                  session: SessionDep, form: Annotated[f.ModuleForm, Form()]) -> Response:
    typed = {"rename_module": module, "rename_title": form.title,
             "rename_summary": form.summary}
    return _change(request, session, user, slug, lambda d: drafts.rename_module(
        d, module, title=typed["rename_title"], summary=typed["rename_summary"]),
        notice="draft-saved", anchor=f"#module-{module}", typed=typed)


@router.post("/author/{slug}/modules/{module}/move")
def move_module(request: Request, slug: str, module: str, user: TrainerUser,
                session: SessionDep, form: Annotated[f.MoveForm, Form()]) -> Response:
    return _change(request, session, user, slug, lambda d: drafts.move_module(
        d, module, form.direction), notice="draft-saved",
        anchor=f"#module-{module}")


@router.post("/author/{slug}/modules/{module}/remove")
def remove_module(request: Request, slug: str, module: str, user: TrainerUser,
                  session: SessionDep, form: Annotated[CsrfForm, Form()]) -> Response:
    return _change(request, session, user, slug, lambda d: drafts.remove_module(d, module),
                   notice="draft-saved")


@router.post("/author/{slug}/modules/{module}/lessons")
def add_lesson(request: Request, slug: str, module: str, user: TrainerUser, session: SessionDep,
               form: Annotated[f.NewLessonForm, Form()]) -> Response:
    typed = {**form.model_dump(exclude={"csrf_token"}), "module": module}
    return _change(request, session, user, slug, lambda d: drafts.add_lesson(
        d, module, title=typed["lesson_title"], slug=typed["lesson_slug"], kind=typed["kind"]),
        notice="draft-saved", anchor=f"#module-{module}", typed=typed)


@router.post("/author/{slug}/lessons/{lesson}/move")
def move_lesson(request: Request, slug: str, lesson: str, user: TrainerUser,
                session: SessionDep, form: Annotated[f.MoveForm, Form()]) -> Response:
    return _change(request, session, user, slug, lambda d: drafts.move_lesson(
        d, lesson, form.direction), notice="draft-saved",
        anchor=f"#lesson-{lesson}")


@router.post("/author/{slug}/lessons/{lesson}/module")
def move_lesson_to_module(request: Request, slug: str, lesson: str, user: TrainerUser,
                          session: SessionDep,
                          form: Annotated[f.MoveToModuleForm, Form()]) -> Response:
    return _change(request, session, user, slug, lambda d: drafts.move_lesson_to(
        d, lesson, form.module), notice="draft-saved", anchor=f"#lesson-{lesson}")


@router.post("/author/{slug}/order")
def reorder(request: Request, slug: str, user: TrainerUser, session: SessionDep,
            form: Annotated[f.ReorderForm, Form()]) -> Response:
    """The whole structure in the order dragging (or Alt+arrow keys) left it, sent by
    static/js/authoring.js; answers with the message for the page's status line."""
    try:
        drafts.change(session, slug, user, lambda d: drafts.reorder(
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
    return _change(request, session, user, slug, lambda d: drafts.remove_lesson(d, lesson),
                   notice="draft-saved")


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


def _revision(session: SessionDep, draft: Draft, number: str) -> publishing.RevisionEntry:
    entry = publishing.revision(session, draft.course, number) if draft.course else None
    if entry is None:
        raise HTTPException(status_code=404)
    return entry


# Images ----------------------------------------------------------------------------------

@router.post("/author/{slug}/assets")
async def upload_image(request: Request, slug: str, user: TrainerUser, session: SessionDep,
                       form: Annotated[CsrfForm, Form()],
                       image: Annotated[UploadFile, File()]) -> Response:
    draft = _draft(session, slug)
    data = await image.read(MAX_IMAGE_BYTES + 1)
    try:
        checked = check_image(data)
    except UploadError as exc:
        return render(request, "authoring/lesson.html", {"draft": draft, "image_error": str(exc)},
                      block="image_result", status_code=422)
    store_assets(session, course_slug=slug, assets={checked.name: checked.data},
                 created_by_id=user.id)
    return render(request, "authoring/lesson.html", {
        "draft": draft, "image": checked, "image_url": asset_url(slug, checked.name),
        "image_markdown": f"![Describe the image](../assets/{checked.name})"},
        block="image_result")


@router.get("/courses/{slug}/assets/{name}")
def asset(slug: str, name: str, user: CurrentUser, session: SessionDep) -> Response:
    row = get_asset(session, slug, name)
    if row is None:
        raise HTTPException(status_code=404)
    headers = {"Cache-Control": "private, max-age=31536000, immutable",
               "X-Content-Type-Options": "nosniff",
               # an SVG opened on its own runs nothing and loads nothing
               "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                          "sandbox"}
    return Response(bytes(row.data), media_type=row.content_type, headers=headers)


# A lesson ------------------------------------------------------------------------------

@router.get("/author/{slug}/lessons/{lesson}")
def lesson_page(request: Request, slug: str, lesson: str, user: TrainerUser,
                session: SessionDep) -> Response:
    draft = _draft(session, slug)
    module, spec = _lesson_or_404(draft, lesson)
    if spec.kind == "quiz":
        return _quiz(request, draft, lesson)
    return _lesson(request, draft, module, spec)


def _lesson(request: Request, draft: Draft, module: drafts.ModuleSpec,
            spec: drafts.LessonSpec, *, status_code: int = 200, **context: object) -> Response:
    typed = context.pop("typed", None) or {
        "title": spec.title, "body": spec.body.rstrip("\n"),
        "minutes": "" if spec.minutes == drafts.estimate_minutes(spec.body) else
        str(spec.minutes), "required": spec.required}
    return render(request, "authoring/lesson.html", {
        "draft": draft, "module": module, "lesson": spec, "typed": typed, "errors": {},
        "base": drafts.fingerprint(spec), "estimate": drafts.estimate_minutes(str(typed["body"])),
        "preview": render_lesson(draft.spec, module.slug, str(typed["body"])), **context},
        status_code=status_code)


@router.post("/author/{slug}/lessons/{lesson}")
def save_lesson(request: Request, slug: str, lesson: str, user: TrainerUser,
                session: SessionDep, form: Annotated[f.LessonForm, Form()]) -> Response:
    typed: dict[str, object] = {"title": form.title, "body": form.body,
                                "minutes": form.minutes, "required": form.required == "on"}
    try:
        drafts.change(session, slug, user, lambda d: drafts.edit_lesson(
            d, lesson, base=form.base, title=form.title, minutes=form.minutes,
            required=form.required == "on", body=form.body, force=form.overwrite == "yes"))
    except LookupError:
        raise HTTPException(status_code=404) from None
    except FormErrors as exc:
        draft = _draft(session, slug)
        return _lesson(request, draft, *_lesson_or_404(draft, lesson), status_code=422,
                       typed=typed, errors=exc.errors)
    except Conflict as conflict:
        draft = _draft(session, slug)
        return _lesson(request, draft, *_lesson_or_404(draft, lesson), status_code=409,
                       typed=typed, conflict=conflict,
                       conflict_diff=publishing.diff_lessons(conflict.theirs, conflict.yours),
                       saved_by=drafts.editor_name(session, conflict.saved_by))
    return redirect(request, f"/author/{slug}/lessons/{lesson}", notice="draft-saved")


@router.post("/author/{slug}/lessons/{lesson}/preview")
def preview(request: Request, slug: str, lesson: str, user: TrainerUser, session: SessionDep,
            form: Annotated[f.PreviewForm, Form()]) -> Response:
    draft = _draft(session, slug)
    module, _ = _lesson_or_404(draft, lesson)
    body = form.body[:drafts.MAX_BODY]
    return render(request, "authoring/lesson.html", {
        "preview": render_lesson(draft.spec, module.slug, body),
        "estimate": drafts.estimate_minutes(body), "fragment": True}, block="preview")


@router.get("/author/{slug}/lessons/{lesson}/history")
def lesson_history(request: Request, slug: str, lesson: str, user: TrainerUser,
                   session: SessionDep, a: str = "", b: str = "") -> Response:
    draft = _draft(session, slug)
    entries = publishing.revisions(session, draft.course) if draft.course else []
    changed = publishing.lesson_history(entries, lesson)
    try:
        current = draft.lesson(lesson)[1]
    except LookupError:
        current = None
    if current is None and not changed:
        raise HTTPException(status_code=404)
    by_number = {str(e.number): e for e in entries}
    if (a and a not in by_number) or (b and b not in by_number):
        raise HTTPException(status_code=400, detail="Choose two revisions from the list.")
    older = by_number.get(a) or (changed[1] if len(changed) > 1 else None)
    newer = by_number.get(b) or (changed[0] if changed else None)
    diff = None
    if older is not None and newer is not None:
        diff = publishing.diff_lessons(older.lesson(lesson), newer.lesson(lesson))
    return render(request, "authoring/lesson_history.html", {
        "draft": draft, "slug": lesson, "current": current, "changed": changed,
        "older": older, "newer": newer, "diff": diff,
        "draft_diff": publishing.diff_lessons(changed[0].lesson(lesson), current)
        if changed and current is not None else None})


@router.post("/author/{slug}/lessons/{lesson}/restore")
def restore_lesson(request: Request, slug: str, lesson: str, user: TrainerUser,
                   session: SessionDep, form: Annotated[f.RestoreForm, Form()]) -> Response:
    entry = _revision(session, _draft(session, slug), form.revision)
    try:
        publishing.restore_lesson(session, slug, user, entry, lesson)
    except LookupError:
        raise HTTPException(status_code=404) from None
    except DraftError as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from exc
    return redirect(request, f"/author/{slug}/lessons/{lesson}", notice="revision-restored")


# A quiz ------------------------------------------------------------------------------

def _quiz(request: Request, draft: Draft, lesson: str, *, status_code: int = 200,
          **context: object) -> Response:
    module, spec = _lesson_or_404(draft, lesson)
    parsed = questions.read(spec)
    return render(request, "authoring/quiz.html", {
        "draft": draft, "module": module, "lesson": spec, "parsed": parsed,
        "items": questions.preview_items(parsed.questions), "types": questions.TYPE_LABELS,
        "base": drafts.fingerprint(spec),
        "errors": {}, "typed": {}, **context}, status_code=status_code)


@router.post("/author/{slug}/quizzes/{lesson}/settings")
def quiz_settings(request: Request, slug: str, lesson: str, user: TrainerUser,
                  session: SessionDep, form: Annotated[f.QuizSettingsForm, Form()]) -> Response:
    typed = {name: getattr(form, name) for name in questions.SETTINGS_FIELDS}
    typed["shuffle"] = "on" if form.shuffle == "on" else ""
    typed["required"] = "on" if form.required == "on" else ""
    base = form.base
    return _quiz_change(request, session, user, slug, lesson, lambda d: questions.update_settings(
        _unchanged(d, lesson, base), lesson, typed), typed=typed)


@router.post("/author/{slug}/quizzes/{lesson}/gift")
async def quiz_gift(request: Request, slug: str, lesson: str, user: TrainerUser,
                    session: SessionDep, form: Annotated[f.GiftForm, Form()],
                    gift_file: Annotated[UploadFile | None, File()] = None) -> Response:
    text = form.gift
    if gift_file is not None and gift_file.filename:
        raw = await gift_file.read(questions.MAX_GIFT_BYTES + 1)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            draft = _draft(session, slug)
            return _quiz(request, draft, lesson, status_code=422,
                         errors={"gift": "The file is not UTF-8 text."}, typed={"gift": ""})
    base = form.base
    return _quiz_change(request, session, user, slug, lesson,
                        lambda d: questions.replace_all(_unchanged(d, lesson, base), lesson, text),
                        typed={"gift": text})


@router.post("/author/{slug}/quizzes/{lesson}/questions/{number}/move")
def move_question(request: Request, slug: str, lesson: str, number: Position,
                  user: TrainerUser, session: SessionDep,
                  form: Annotated[f.MoveQuestionForm, Form()]) -> Response:
    return _quiz_change(request, session, user, slug, lesson, lambda d: questions.move(
        _unchanged(d, lesson, form.base), lesson, number, form.direction))


@router.post("/author/{slug}/quizzes/{lesson}/questions/{number}/remove")
def remove_question(request: Request, slug: str, lesson: str, number: Position,
                    user: TrainerUser, session: SessionDep,
                    form: Annotated[f.QuizChangeForm, Form()]) -> Response:
    return _quiz_change(request, session, user, slug, lesson, lambda d: questions.remove(
        _unchanged(d, lesson, form.base), lesson, number))


QUIZ_CHANGED = ("Someone else changed this quiz meanwhile, so nothing was changed. Here it "
                "is as it is now; try again.")
QUESTION_CHANGED = ("Someone else changed this quiz while you were editing, so nothing was "
                    "saved. Compare with the quiz's current questions, then save again to "
                    "keep yours.")


def _unchanged(draft: Draft, lesson: str, base: str, message: str = QUIZ_CHANGED) -> Draft:
    """Questions are addressed by position: refuse when the quiz changed since the page
    was shown (someone else moved or removed a question meanwhile)."""
    if base != drafts.fingerprint(questions.quiz_lesson(draft, lesson)):
        raise DraftError("form", message)
    return draft


def _quiz_change(request: Request, session: SessionDep, user: User, slug: str, lesson: str,
                 edit: Edit, *, typed: dict[str, str] | None = None) -> Response:
    try:
        drafts.change(session, slug, user, edit)
    except LookupError:
        raise HTTPException(status_code=404) from None
    except FormErrors as exc:
        return _quiz(request, _draft(session, slug), lesson, status_code=422,
                     errors=exc.errors, typed=typed or {})
    except DraftError as exc:
        return _quiz(request, _draft(session, slug), lesson, status_code=422,
                     errors={exc.field: str(exc)}, typed=typed or {})
    return redirect(request, f"/author/{slug}/lessons/{lesson}", notice="draft-saved")


@router.get("/author/{slug}/quizzes/{lesson}/questions/{number}")
def question_page(request: Request, slug: str, lesson: str, number: Position,
                  user: TrainerUser,
                  session: SessionDep, type: str = "") -> Response:
    draft = _draft(session, slug)
    _, spec = _lesson_or_404(draft, lesson)
    existing = questions.get(spec, number)  # number 0: a new question
    if existing is None and number != 0:
        raise HTTPException(status_code=404)
    qtype = _qtype(type) if type else (existing.type if existing else QType.single)
    return _question(request, draft, spec, number, form_for(existing, qtype))


def _qtype(value: str) -> QType:
    try:
        return QType(value)
    except ValueError:
        raise HTTPException(status_code=400, detail="Unknown question type.") from None


def _question(request: Request, draft: Draft, spec: drafts.LessonSpec, number: int,
              form: QuestionFormState, *, status_code: int = 200) -> Response:
    return render(request, "authoring/question.html", {
        "draft": draft, "lesson": spec, "number": number, "form": form,
        "base": drafts.fingerprint(spec), "grade_choices": GRADE_CHOICES,
        "types": questions.TYPE_LABELS, "preview_item": _preview_item(form)},
        status_code=status_code)


def _preview_item(form: QuestionFormState) -> object | None:
    """The question as the quiz page will show it, when the form holds a whole question."""
    question, _ = parse_form(form.type, form.values)
    return questions.preview_items([question])[0] if question is not None else None


@router.post("/author/{slug}/quizzes/{lesson}/questions/{number}/preview")
def question_preview(request: Request, slug: str, lesson: str, number: Position,
                     user: TrainerUser, session: SessionDep,
                     form: Annotated[f.QuestionForm, Form()]) -> Response:
    """The live preview beside the question editor (nothing is saved)."""
    _lesson_or_404(_draft(session, slug), lesson)
    _, shown = parse_form(_qtype(form.qtype), dict(posted(form).items()))
    return render(request, "authoring/question.html", {"preview_item": _preview_item(shown)},
                  block="question_preview")


@router.post("/author/{slug}/quizzes/{lesson}/questions/{number}")
def save_question(request: Request, slug: str, lesson: str, number: Position,
                  user: TrainerUser, session: SessionDep,
                  form: Annotated[f.QuestionForm, Form()]) -> Response:
    qtype = _qtype(form.qtype)
    question, shown = parse_form(qtype, dict(posted(form).items()))
    draft = _draft(session, slug)
    _, spec = _lesson_or_404(draft, lesson)
    if number and questions.get(spec, number) is None:
        raise HTTPException(status_code=404)
    if question is None:
        return _question(request, draft, spec, number, shown, status_code=422)
    try:
        drafts.change(session, slug, user, lambda d: questions.put(
            _unchanged(d, lesson, form.base, QUESTION_CHANGED), lesson, number, question))
    except LookupError:
        raise HTTPException(status_code=404) from None
    except DraftError as exc:
        # after someone else's change (questions are addressed by position) or a
        # question GIFT cannot hold: nothing saved, the form shown again as typed
        shown.errors["form"] = str(exc)
        draft = _draft(session, slug)
        return _question(request, draft, _lesson_or_404(draft, lesson)[1], number, shown,
                         status_code=409 if str(exc) == QUESTION_CHANGED else 422)
    return redirect(request, f"/author/{slug}/lessons/{lesson}", notice="draft-saved")


@router.get("/author/{slug}/quizzes/{lesson}/analysis")
def analysis(request: Request, slug: str, lesson: str, user: TrainerUser,
             session: SessionDep) -> Response:
    course = get_course(session, slug)
    if course is None:
        raise HTTPException(status_code=404)
    published = questions.published_quiz(session, course, lesson)
    if published is None:
        raise HTTPException(status_code=404)
    return render(request, "authoring/analysis.html", {
        "course": course, "lesson": published,
        "stats": item_analysis(session, lesson_id=published.id)})
