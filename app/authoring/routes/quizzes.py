"""The authoring pages of a quiz: its settings, its questions as GIFT or one by one with a
live preview, and the analysis of how executives answered the published quiz."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import Response

from app.authoring import drafts, lessons, moodle_xml, questions, quiz_draw
from app.authoring import forms as f
from app.authoring.draft_fields import DraftError, FormErrors
from app.authoring.drafts import Draft
from app.authoring.question_forms import GRADE_CHOICES, form_for
from app.authoring.question_forms import QuestionForm as QuestionFormState
from app.authoring.question_parser import parse_form
from app.authoring.routes.common import Edit, _draft, _lesson_or_404
from app.content.forms import posted
from app.courses.service import get_course
from app.deps import Position, SessionDep, TrainerUser
from app.models import User
from app.questions.pools import pool_name
from app.questions.spec import QType
from app.quizzes.analysis import item_analysis
from app.quizzes.quiz_store import get_quiz
from app.web import redirect, render

router = APIRouter()


# A quiz ------------------------------------------------------------------------------

def _quiz(request: Request, draft: Draft, lesson: str, *, status_code: int = 200,
          **context: object) -> Response:
    module, spec = _lesson_or_404(draft, lesson)
    parsed = questions.read(spec)
    return render(request, "authoring/quiz.html", {
        "draft": draft, "module": module, "lesson": spec, "parsed": parsed,
        "items": questions.preview_items(parsed.questions), "types": questions.TYPE_LABELS,
        "base": lessons.fingerprint(spec),
        "pools": quiz_draw.pool_rows(spec, parsed.questions),
        "graded": sum(1 for q in parsed.questions if q.graded),
        "errors": {}, "typed": {}, **context,
        "draw_errors": {} if context.get("errors") else quiz_draw.draw_problems(
            spec, parsed.questions)}, status_code=status_code)


@router.post("/author/{slug}/quizzes/{lesson}/settings")
def quiz_settings(request: Request, slug: str, lesson: str, user: TrainerUser,
                  session: SessionDep, form: Annotated[f.QuizSettingsForm, Form()]) -> Response:
    typed = {name: getattr(form, name) for name in questions.SETTINGS_FIELDS}
    typed |= {key: value for key, value in posted(form).items() if key.startswith("pool-")}
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


@router.post("/author/{slug}/quizzes/{lesson}/xml")
async def quiz_xml(request: Request, slug: str, lesson: str, user: TrainerUser,
                   session: SessionDep, form: Annotated[f.QuizChangeForm, Form()],
                   xml_file: Annotated[UploadFile | None, File()] = None) -> Response:
    """All questions from a Moodle XML file; its notes (skipped types, dropped settings)
    are shown on the quiz page when there are any."""
    data = await xml_file.read(moodle_xml.MAX_XML_BYTES + 1) \
        if xml_file is not None and xml_file.filename else b""
    if not data:
        return _quiz(request, _draft(session, slug), lesson, status_code=422,
                     errors={"xml": "Choose a Moodle XML file (.xml)."})
    imported: list[moodle_xml.MoodleXml] = []

    def edit(draft: Draft) -> None:
        imported.append(moodle_xml.replace_from_xml(
            session, _unchanged(draft, lesson, form.base), lesson, data, user_id=user.id))

    response = _quiz_change(request, session, user, slug, lesson, edit)
    if imported and imported[0].warnings:
        return _quiz(request, _draft(session, slug), lesson,
                     xml_notes=imported[0].warnings)
    return response


@router.get("/author/{slug}/quizzes/{lesson}/moodle.xml")
def quiz_xml_export(slug: str, lesson: str, user: TrainerUser, session: SessionDep) -> Response:
    """The quiz's draft questions as a Moodle XML file."""
    draft = _draft(session, slug)
    try:
        text = moodle_xml.export_xml(session, draft, lesson)
    except LookupError:
        raise HTTPException(status_code=404) from None
    return Response(text, media_type="application/xml", headers={
        "Content-Disposition": f'attachment; filename="{lesson}.xml"'})


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
    if base != lessons.fingerprint(questions.quiz_lesson(draft, lesson)):
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
        "base": lessons.fingerprint(spec), "grade_choices": GRADE_CHOICES,
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
    quiz = get_quiz(session, lesson_id=published.id)
    return render(request, "authoring/analysis.html", {
        "course": course, "lesson": published, "pool_name": pool_name,
        "draws": quiz is not None and (quiz.draw is not None or bool(quiz.pools)),
        "stats": item_analysis(session, lesson_id=published.id)})
