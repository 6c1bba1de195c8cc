"""A quiz in the draft: its settings and its questions, kept as the GIFT text of the
package format (so what a trainer builds in forms is what ``courses/`` holds in git)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlmodel import Session, col, select

from app.authoring.draft_fields import DraftError, FormErrors, clean_text
from app.authoring.drafts import Draft
from app.authoring.question_parser import keep_own_formats
from app.authoring.quiz_draw import parse_draw
from app.courses.package.format import (
    ATTEMPTS_RANGE,
    MINUTES_RANGE,
    PASS_MARK_RANGE,
    TIME_LIMIT_RANGE,
)
from app.courses.spec import LessonSpec, QuizReveal, QuizSettings, ScorePolicy
from app.models import Course, Lesson, QuizQuestion
from app.questions.gift.reader import parse_gift
from app.questions.gift.syntax import GiftError
from app.questions.gift.writer import write_gift
from app.questions.spec import QType, Question
from app.quizzes.attempt_view import AttemptItem

MAX_GIFT_BYTES = 1024 * 1024
MAX_QUESTIONS = 200
TYPE_LABELS = {
    QType.single: "Multiple choice, one answer",
    QType.multiple: "Multiple choice, several answers",
    QType.truefalse: "True or false",
    QType.short: "Short answer",
    QType.numerical: "Numerical",
    QType.matching: "Matching",
    QType.essay: "Essay (graded by a trainer)",
    QType.description: "Description (text, no answer)",
}
SETTINGS_FIELDS = ("title", "minutes", "pass_mark", "attempts", "time_limit", "score", "reveal",
                   "draw")
SCORE_LABELS = {ScorePolicy.best: "The best attempt counts", ScorePolicy.last: "The last "
                "attempt counts"}
REVEAL_LABELS = {QuizReveal.after_submit: "After each attempt",
                 QuizReveal.after_pass: "Once passed (or no attempts left)",
                 QuizReveal.never: "Never"}


@dataclass(frozen=True)
class Parsed:
    questions: list[Question]
    error: str | None = None


def read(lesson: LessonSpec) -> Parsed:
    try:
        questions, _ = parse_gift(lesson.body)
    except GiftError as exc:
        return Parsed([], f"line {exc.line}: {exc.message}")
    return Parsed(questions)


def preview_items(questions: list[Question]) -> list[AttemptItem]:
    """The questions as the quiz page shows them (in the written order, nothing chosen)."""
    items, number = [], 0
    for index, question in enumerate(questions, start=1):
        if question.type != QType.description:
            number += 1
        size = len(question.choices) if question.type in (QType.single, QType.multiple) else (
            len({p.answer for p in question.pairs}) if question.type == QType.matching else 0)
        items.append(AttemptItem(number=number, row=QuizQuestion(
            id=index, lesson_id=0, position=index, qtype=question.type.value, data=""),
            question=question, order=list(range(size))))
    return items


def quiz_lesson(draft: Draft, slug: str) -> LessonSpec:
    """The quiz ``slug`` of the draft (LookupError: no such quiz)."""
    _, lesson = draft.lesson(slug)
    if lesson.kind != "quiz":
        raise LookupError(slug)
    return lesson


def _store(draft: Draft, slug: str, questions: list[Question]) -> None:
    if not any(q.graded for q in questions):
        raise DraftError("form", "A quiz needs at least one question to answer.")
    if len(questions) > MAX_QUESTIONS:
        raise DraftError("form", f"A quiz can have at most {MAX_QUESTIONS} questions.")
    try:
        text = write_gift(questions)
    except ValueError as exc:
        raise DraftError("form", str(exc)) from exc
    lesson = quiz_lesson(draft, slug)
    lesson.body = text


def get(lesson: LessonSpec, number: int) -> Question | None:
    questions = read(lesson).questions
    return questions[number - 1] if 1 <= number <= len(questions) else None


def put(draft: Draft, slug: str, number: int, question: Question) -> None:
    """Replace question ``number`` (1-based; 0 adds it at the end). What the form does not
    show (id, tags, category) stays as it was."""
    questions = read(quiz_lesson(draft, slug)).questions
    if number == 0:
        category = questions[-1].category if questions else ""
        questions.append(replace(question, category=category))
    else:
        old = questions[number - 1]
        questions[number - 1] = replace(keep_own_formats(old, question),
                                        id_number=old.id_number, tags=old.tags,
                                        category=old.category)
    _store(draft, slug, questions)


def remove(draft: Draft, slug: str, number: int) -> None:
    questions = read(quiz_lesson(draft, slug)).questions
    if not 1 <= number <= len(questions):
        raise LookupError(number)
    del questions[number - 1]
    _store(draft, slug, questions)


def move(draft: Draft, slug: str, number: int, direction: str) -> None:
    questions = read(quiz_lesson(draft, slug)).questions
    if not 1 <= number <= len(questions):
        raise LookupError(number)
    target = number - 2 if direction == "up" else number
    if 0 <= target < len(questions):
        index = number - 1
        questions[index], questions[target] = questions[target], questions[index]
        _store(draft, slug, questions)


def replace_questions(draft: Draft, slug: str, new: list[Question]) -> None:
    """All questions at once, from another format (Moodle XML); DraftError "form" when
    the quiz cannot hold them."""
    _store(draft, slug, new)


def replace_all(draft: Draft, slug: str, text: str) -> None:
    """All questions from pasted or uploaded GIFT, or none at all if any line is wrong."""
    text = text.replace("\x00", "").replace("\r\n", "\n")
    if len(text.encode()) > MAX_GIFT_BYTES:
        raise DraftError("gift", "The GIFT text can be at most 1 MB.")
    try:
        questions, _ = parse_gift(text)
    except GiftError as exc:
        raise DraftError("gift", f"line {exc.line}: {exc.message}") from exc
    if not any(q.graded for q in questions):
        raise DraftError("gift", "The text has no question to answer.")
    _store(draft, slug, questions)


def _whole(typed: dict[str, str], name: str, bounds: tuple[int, int], errors: dict[str, str],
           *, optional: bool = False) -> int | None:
    value = typed.get(name, "").strip()
    if optional and not value:
        return None
    low, high = bounds
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        errors[name] = f"Enter a whole number from {low} to {high}" + (
            ", or leave it empty." if optional else ".")
        return None
    return int(value)


def update_settings(draft: Draft, slug: str, typed: dict[str, str]) -> None:
    lesson = quiz_lesson(draft, slug)
    errors: dict[str, str] = {}
    try:
        title = clean_text(typed.get("title", ""), "title", limit=200)
    except DraftError as exc:
        errors[exc.field] = str(exc)
    minutes = _whole(typed, "minutes", MINUTES_RANGE, errors)
    pass_mark = _whole(typed, "pass_mark", PASS_MARK_RANGE, errors)
    attempts = _whole(typed, "attempts", ATTEMPTS_RANGE, errors)
    time_limit = _whole(typed, "time_limit", TIME_LIMIT_RANGE, errors, optional=True)
    score = typed.get("score", "")
    if score not in {p.value for p in ScorePolicy}:
        errors["score"] = "Choose which attempt counts."
    reveal = typed.get("reveal", "")
    if reveal not in {r.value for r in QuizReveal}:
        errors["reveal"] = "Choose when answers are shown."
    draw, pools = parse_draw(typed, read(lesson).questions, errors)
    if errors:
        raise FormErrors(errors)
    assert minutes is not None
    assert pass_mark is not None
    assert attempts is not None
    lesson.title, lesson.minutes = title, minutes
    lesson.required = typed.get("required") == "on"
    lesson.quiz = QuizSettings(pass_mark=pass_mark, attempts=attempts,
                               shuffle=typed.get("shuffle") == "on", time_limit=time_limit,
                               score=ScorePolicy(score), reveal=QuizReveal(reveal),
                               draw=draw, pools=pools)


def published_quiz(session: Session, course: Course, slug: str) -> Lesson | None:
    return session.exec(select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == slug,
                                             Lesson.kind == "quiz",
                                             col(Lesson.retired_at).is_(None))).first()
