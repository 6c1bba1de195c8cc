"""Taking quizzes: the quiz page, attempts, answers saved as the executive goes, submission
and results."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import ImmutableMultiDict

from app.content.forms import CsrfForm, posted
from app.courses.urls import quiz_url
from app.db import end_write
from app.deps import (
    DatabaseDep,
    ExecutiveUser,
    LearnerOrStaffUser,
    Ordinal,
    RowId,
    SessionDep,
    TrainerUser,
    read_first,
    small_read,
)
from app.learning.access import course_and_lesson_for, ensure_unlocked
from app.learning.progress import CourseProgress, course_progress
from app.models import Course, Enrolment, Lesson, Quiz, QuizAttempt, User
from app.questions.spec import QType
from app.quizzes import attempts, autosave, essay_grading, quiz_store
from app.quizzes.answer_store import AttemptClosed, is_expired
from app.quizzes.attempt_view import RawResponse, attempt_view, unanswered_message
from app.quizzes.forms import AnswersForm, GradeForm, SubmitForm
from app.web import redirect, render

router = APIRouter()

BASE = "/courses/{slug}/quizzes/{quiz_slug}"


def _quiz_context(session: Session, user: User, slug: str, quiz_slug: str,
                  ) -> tuple[Course, Enrolment | None, Lesson, Quiz, CourseProgress]:
    course, enrolment, lesson = course_and_lesson_for(session, user, slug, quiz_slug,
                                                      kind="quiz")
    quiz = quiz_store.get_quiz(session, lesson_id=lesson.id)
    if quiz is None:
        raise HTTPException(status_code=404)
    progress = course_progress(session, course=course,
                               user_id=user.id if enrolment else None,
                               enrolment=enrolment)
    ensure_unlocked(progress, lesson)
    return course, enrolment, lesson, quiz, progress


def _attempt(session: Session, lesson: Lesson, user: User, number: int, *,
             lock: bool = False) -> QuizAttempt:
    attempt = attempts.get_attempt(session, lesson_id=lesson.id, user_id=user.id,
                                   number=number, lock=lock)
    if attempt is None:
        raise HTTPException(status_code=404)
    return attempt


def _attempt_url(course: Course, lesson: Lesson, attempt: QuizAttempt) -> str:
    return f"{quiz_url(course.slug, lesson.slug)}/attempts/{attempt.number}"


def raw_answer(form: ImmutableMultiDict[str, str], question_id: int) -> RawResponse | None:
    """The values posted for one question: ``q<id>`` (one or several values) or, for
    matching, ``q<id>_<pair>`` fields. None when the question was not in the form."""
    prefix = f"q{question_id}_"
    pairs = {key[len(prefix):]: str(value) for key, value in form.multi_items()
             if key.startswith(prefix) and str(value) != ""}
    if any(key.startswith(prefix) for key in form):
        return pairs
    values = [str(v) for v in form.getlist(f"q{question_id}")]
    if f"q{question_id}" not in form:
        return None
    return [v for v in values if v != ""] if len(values) > 1 else values


@router.get(BASE)
@small_read
def quiz_page(request: Request, slug: str, quiz_slug: str, user: LearnerOrStaffUser,
              session: SessionDep) -> Response:
    _, enrolment, lesson, quiz, progress = _quiz_context(session, user, slug, quiz_slug)
    status = attempts.quiz_status(session, quiz=quiz, user_id=user.id)
    previous, following = progress.neighbours(lesson.id)
    marked = {a.id: attempt_view(session, attempt=a).marked_part
              for a in status.submitted if a.needs_grading}
    return render(request, "quizzes/quiz.html", {
        "progress": progress, "lesson": lesson, "quiz": quiz, "status": status,
        "module": progress.module_of(lesson.id), "preview": enrolment is None,
        "previous": previous, "next": following, "error": None, "marked": marked})


@router.post(BASE + "/attempts")
def start(request: Request, slug: str, quiz_slug: str, user: ExecutiveUser,
          session: SessionDep, form: Annotated[CsrfForm, Form()]) -> Response:
    course, _, lesson, quiz, progress = _quiz_context(session, user, slug, quiz_slug)
    try:
        attempt = attempts.start_attempt(session, quiz=quiz, user_id=user.id)
    except AttemptClosed as exc:
        status = attempts.quiz_status(session, quiz=quiz, user_id=user.id)
        return render(request, "quizzes/quiz.html", {
            "progress": progress, "lesson": lesson, "quiz": quiz, "status": status,
            "module": progress.module_of(lesson.id), "preview": False, "error": str(exc),
            "marked": {}}, status_code=400)
    return redirect(request, _attempt_url(course, lesson, attempt))


@router.get(BASE + "/attempts/{number}")
def attempt_page(request: Request, slug: str, quiz_slug: str, number: Ordinal,
                 user: ExecutiveUser, session: SessionDep, database: DatabaseDep) -> Response:
    course, enrolment, lesson, quiz, progress = _quiz_context(session, user, slug, quiz_slug)
    attempt = _attempt(session, lesson, user, number)
    if attempt.submitted_at is None and is_expired(attempt):
        # Time is up: submit what was saved. This read request first hands back its
        # connection, so it never holds two (rare path; the write waits its turn).
        session.close()
        with database.session(write=True) as write:
            locked = _attempt(write, lesson, user, number, lock=True)
            attempts.finish_if_expired(write, attempt=locked, course=course,
                                       enrolment=enrolment, lesson=lesson)
        return redirect(request, _attempt_url(course, lesson, attempt))
    return _render_attempt(request, session, progress, lesson, quiz, attempt, user)


def _render_attempt(request: Request, session: Session, progress: CourseProgress,
                    lesson: Lesson, quiz: Quiz, attempt: QuizAttempt, user: User, *,
                    errors: dict[int, str] | None = None,
                    posted: dict[int, RawResponse] | None = None,
                    unanswered: list[int] | None = None,
                    status_code: int = 200) -> Response:
    view = attempt_view(session, attempt=attempt)
    for item in view.items:  # show what was just typed, even when it was refused
        if posted and item.row.id in posted:
            item.raw = posted[item.row.id]
        if errors and item.row.id in errors:
            item.error = errors[item.row.id]
    status = attempts.quiz_status(session, quiz=quiz, user_id=user.id)
    return render(request, "quizzes/attempt.html", {
        "progress": progress, "lesson": lesson, "quiz": quiz, "view": view, "status": status,
        "reveal": status.reveal_answers(attempt), "has_errors": bool(errors),
        "unanswered": unanswered or [],
        "unanswered_message": unanswered_message(unanswered) if unanswered else "",
        "attempt_url": _attempt_url(progress.course, lesson, attempt)},
        status_code=status_code)


@router.post(BASE + "/attempts/{number}/answers/{question_id}")
@read_first  # an autosave of the answer saved already writes nothing, locks nothing
def save_answer(request: Request, slug: str, quiz_slug: str, number: Ordinal,
                question_id: RowId, user: ExecutiveUser, session: SessionDep,
                form: Annotated[AnswersForm, Form()]) -> Response:
    """The autosave: the checks of ``_quiz_context`` and ``_attempt`` in their order, with
    the quiz and the attempt read in one query and the course's progress only where a
    lesson can be locked (a sequential course)."""
    course, enrolment, lesson = course_and_lesson_for(session, user, slug, quiz_slug,
                                                      kind="quiz")
    quiz_found, attempt = autosave.find_attempt(session, lesson_id=lesson.id,
                                                user_id=user.id, number=number)
    if not quiz_found:
        raise HTTPException(status_code=404)
    if course.sequential:
        ensure_unlocked(course_progress(session, course=course,
                                        user_id=user.id if enrolment else None,
                                        enrolment=enrolment), lesson)
    if attempt is None:
        raise HTTPException(status_code=404)
    raw = raw_answer(posted(form), question_id)
    saved: autosave.Autosaved | None = None
    try:
        saved = autosave.save(session, attempt=attempt, question_id=question_id,
                              raw=raw if raw is not None else [])
        error = saved.error
    except AttemptClosed as exc:
        error = str(exc)
    end_write(session)  # saved: nothing below holds the write lock
    return render(request, "quizzes/attempt.html",
                  {"question_id": question_id, "error": error, "saved": saved},
                  block="answer_status", status_code=200 if error is None else 422)


@router.post(BASE + "/attempts/{number}/submit")
def submit(request: Request, slug: str, quiz_slug: str, number: Ordinal, user: ExecutiveUser,
           session: SessionDep, form: Annotated[SubmitForm, Form()]) -> Response:
    """Save the answers posted and submit. With questions left unanswered and no
    ``confirm_unanswered``, nothing is submitted: the page (answers kept) names them and
    asks to confirm."""
    course, enrolment, lesson, quiz, progress = _quiz_context(session, user, slug, quiz_slug)
    attempt = _attempt(session, lesson, user, number, lock=True)
    url = _attempt_url(course, lesson, attempt)
    if attempt.submitted_at is not None:  # a second click or tab: the same result
        return redirect(request, url)
    errors: dict[int, str] = {}
    typed: dict[int, RawResponse] = {}
    if not is_expired(attempt):
        answers = posted(form)
        for item in attempt_view(session, attempt=attempt).items:
            raw = raw_answer(answers, item.row.id)
            if raw is None or not item.question.graded:
                continue
            typed[item.row.id] = raw
            error = attempts.save_answer(session, attempt=attempt, question_id=item.row.id,
                                         raw=raw)
            if error:
                errors[item.row.id] = error
    if errors:
        return _render_attempt(request, session, progress, lesson, quiz, attempt, user,
                               errors=errors, posted=typed, status_code=400)
    if form.confirm_unanswered != "1" and not is_expired(attempt):
        missing = [i.number for i in attempt_view(session, attempt=attempt).unanswered]
        if missing:
            return _render_attempt(request, session, progress, lesson, quiz, attempt, user,
                                   unanswered=missing, status_code=422)
    attempts.submit_attempt(session, attempt=attempt, course=course, enrolment=enrolment,
                            lesson=lesson)
    return redirect(request, url)


# Trainers grade essays ------------------------------------------------------------------

@router.get("/manage/grading")
def grading_queue(request: Request, user: TrainerUser, session: SessionDep) -> Response:
    return render(request, "quizzes/grading.html",
                  {"pending": essay_grading.pending_attempts(session)})


def _pending_or_404(session: Session, attempt_id: int, *, lock: bool = False) -> QuizAttempt:
    attempt = essay_grading.get_attempt_by_id(session, attempt_id, lock=lock)
    if attempt is None or attempt.submitted_at is None:
        raise HTTPException(status_code=404)
    return attempt


def _grade_page(request: Request, session: Session, attempt: QuizAttempt, *,
                errors: dict[int, str] | None = None, values: dict[int, tuple[str, str]] | None
                = None, status_code: int = 200) -> Response:
    view = attempt_view(session, attempt=attempt)
    learner = session.get(User, attempt.user_id)
    lesson = session.get(Lesson, attempt.lesson_id)
    return render(request, "quizzes/grade_attempt.html", {
        "view": view, "learner": learner, "lesson": lesson, "errors": errors or {},
        "values": values or {}}, status_code=status_code)


@router.get("/manage/grading/{attempt_id}")
def grade_form(request: Request, attempt_id: RowId, user: TrainerUser,
               session: SessionDep) -> Response:
    return _grade_page(request, session, _pending_or_404(session, attempt_id))


@router.post("/manage/grading/{attempt_id}")
def grade(request: Request, attempt_id: RowId, user: TrainerUser, session: SessionDep,
          form: Annotated[GradeForm, Form()]) -> Response:
    attempt = _pending_or_404(session, attempt_id, lock=True)
    view = attempt_view(session, attempt=attempt)
    marks = posted(form)
    grades: dict[int, tuple[float, str]] = {}
    errors: dict[int, str] = {}
    values: dict[int, tuple[str, str]] = {}
    for item in view.items:
        if item.question.type != QType.essay or item.answer is None:
            continue
        qid = item.row.id
        mark = marks.get(f"mark{qid}", "").strip()
        comment = marks.get(f"comment{qid}", "").strip()[:5000]
        values[qid] = (mark, comment)
        try:
            percent = float(mark.replace(",", "."))
        except ValueError:
            errors[qid] = "Enter a mark from 0 to 100."
            continue
        if not 0 <= percent <= 100:
            errors[qid] = "Enter a mark from 0 to 100."
            continue
        grades[qid] = (percent / 100, comment)
    if errors:
        return _grade_page(request, session, attempt, errors=errors, values=values,
                           status_code=400)
    essay_grading.grade_essays(session, attempt=attempt, grades=grades, grader_id=user.id)
    return redirect(request, "/manage/grading", notice="graded")
