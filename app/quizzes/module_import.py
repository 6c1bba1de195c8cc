"""Question files (GIFT, Moodle XML) into a module from the command line: replace a module
quiz's questions, or add a quiz to the module, from questions already read without
errors. The quiz itself is kept in step by ``quiz_store.sync_quiz``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from app.courses.spec import QuizSettings
from app.models import Course, Lesson, utcnow
from app.questions.spec import Question
from app.quizzes.quiz_store import get_quiz, quiz_settings, sync_quiz


@dataclass(frozen=True)
class GiftImport:
    lesson: Lesson
    created: bool
    changed: bool
    counts: dict[str, int]


def module_quizzes(session: Session, *, module_id: int) -> list[Lesson]:
    return list(session.exec(select(Lesson).where(Lesson.module_id == module_id,
                                                  Lesson.kind == "quiz",
                                                  col(Lesson.retired_at).is_(None))
                             .order_by(Lesson.position)).all())


def import_gift_into_module(session: Session, *, course: Course, module_id: int,
                            module_slug: str, text: str, questions: list[Question],
                            quiz_slug: str | None = None, title: str | None = None) -> GiftImport:
    """Replace a module quiz's questions (or add a quiz to the module) from GIFT text that
    has already been parsed without errors."""
    existing = module_quizzes(session, module_id=module_id)
    if quiz_slug:
        lesson = next((q for q in existing if q.slug == quiz_slug), None)
    else:
        lesson = existing[0] if len(existing) == 1 else None
        quiz_slug = lesson.slug if lesson else f"{module_slug}-quiz"
    created = lesson is None
    if lesson is None:
        position = session.exec(select(func.max(Lesson.position))
                                .where(Lesson.module_id == module_id)).one() or 0
        graded = sum(1 for q in questions if q.graded)
        lesson = Lesson(course_id=course.id, module_id=module_id, slug=quiz_slug,
                        title=title or "Check your understanding", kind="quiz",
                        minutes=max(1, min(graded, 120)), required=True,
                        position=position + 1, body_md=text, body_html="")
    elif title:
        lesson.title = title
    lesson.body_md = text
    lesson.updated_at = utcnow()
    session.add(lesson)
    session.flush()
    quiz = get_quiz(session, lesson_id=lesson.id)
    settings = quiz_settings(quiz) if quiz else QuizSettings()
    changed = sync_quiz(session, lesson=lesson, settings=settings, questions=questions)
    counts: dict[str, int] = {}
    for question in questions:
        counts[question.type.value] = counts.get(question.type.value, 0) + 1
    return GiftImport(lesson=lesson, created=created, changed=changed, counts=counts)
