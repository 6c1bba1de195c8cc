"""The authoring pages of one lesson: the editor with its live preview, the history of the
lesson across revisions, and the images lessons show (uploaded here, served to anyone
signed in)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import Response

from app.authoring import draft_fields, drafts, lessons, publishing
from app.authoring import forms as f
from app.authoring.draft_fields import DraftError, FormErrors
from app.authoring.drafts import Draft
from app.authoring.lessons import Conflict
from app.authoring.routes.common import _draft, _lesson_or_404, _revision
from app.authoring.routes.quizzes import _quiz
from app.content.forms import CsrfForm
from app.courses.service import asset_url, get_asset, render_lesson, store_assets
from app.deps import CurrentUser, SessionDep, TrainerUser
from app.security.images import MAX_IMAGE_BYTES, UploadError, check_image
from app.web import redirect, render

router = APIRouter()


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
        "minutes": "" if spec.minutes == draft_fields.estimate_minutes(spec.body) else
        str(spec.minutes), "required": spec.required}
    return render(request, "authoring/lesson.html", {
        "draft": draft, "module": module, "lesson": spec, "typed": typed, "errors": {},
        "base": lessons.fingerprint(spec),
        "estimate": draft_fields.estimate_minutes(str(typed["body"])),
        "preview": render_lesson(draft.spec, module.slug, str(typed["body"])), **context},
        status_code=status_code)


@router.post("/author/{slug}/lessons/{lesson}")
def save_lesson(request: Request, slug: str, lesson: str, user: TrainerUser,
                session: SessionDep, form: Annotated[f.LessonForm, Form()]) -> Response:
    typed: dict[str, object] = {"title": form.title, "body": form.body,
                                "minutes": form.minutes, "required": form.required == "on"}
    try:
        drafts.change(session, slug, user, lambda d: lessons.edit_lesson(
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
    body = form.body[:draft_fields.MAX_BODY]
    return render(request, "authoring/lesson.html", {
        "preview": render_lesson(draft.spec, module.slug, body),
        "estimate": draft_fields.estimate_minutes(body), "fragment": True}, block="preview")


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
