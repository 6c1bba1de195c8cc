"""Fixtures of the daily review: a course whose first lesson has key takeaways and whose
quiz has every kind of question that can (and cannot) become a card."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from app.authoring.import_export import import_course
from app.courses.spec import QuizSettings
from app.db import Database
from app.enrolments.service import enrol_users
from app.models import Course, Lesson, Module, QuizQuestion, RecallCard, Role, User, utcnow
from app.questions.spec import Choice, NumericalAnswer, QType, Question
from app.quizzes.quiz_store import sync_quiz
from app.recall import scheduling
from tests.courses_data import small_spec

QUIZ = "/courses/pilot/quizzes/check"
HELLO = "/courses/pilot/lessons/hello"
TAKEAWAYS = """
> [!TAKEAWAYS]
> - Listen **for a week** before you post.
> - Answer every comment in the first hour.
"""


def questions() -> list[Question]:
    return [
        Question(type=QType.description, text="Answer all questions."),
        Question(type=QType.single, text="Capital of France?", name="Capital",
                 choices=[Choice("Paris", 1.0, "Right: Paris."), Choice("Lyon", 0.0, "No.")],
                 general_feedback="France's capital is Paris."),
        Question(type=QType.truefalse, text="An X post has 280 characters at most.",
                 correct=True, true_feedback="Yes.", false_feedback="It is 280."),
        Question(type=QType.numerical, text="LinkedIn headline limit?",
                 numerical=[NumericalAnswer(220, 0, 1.0, "220 it is.")]),
        Question(type=QType.multiple, text="Pick the networks",
                 choices=[Choice("X", 0.5), Choice("LinkedIn", 0.5), Choice("Fax", -0.5)]),
        Question(type=QType.essay, text="Describe your first post."),
    ]


@pytest.fixture
def course(database: Database) -> tuple[Course, Lesson]:
    """The pilot course with takeaways in "hello" and a quiz "check" (not shuffled)."""
    with database.session(write=True) as s:
        course = import_course(s, small_spec(body_extra=TAKEAWAYS)).course
        module = s.exec(select(Module).where(Module.slug == "basics")).one()
        quiz = Lesson(course_id=course.id, module_id=module.id, slug="check",
                      title="Check your understanding", kind="quiz", minutes=5, required=True,
                      position=10, body_md="", body_html="")
        s.add(quiz)
        course.updated_at = utcnow()
        s.add(course)
        s.flush()
        sync_quiz(s, lesson=quiz, settings=QuizSettings(shuffle=False), questions=questions())
        return course, quiz


@pytest.fixture
def executive(make_user: Callable[..., User], database: Database,
              course: tuple[Course, Lesson]) -> User:
    user = make_user(Role.executive)
    with database.session(write=True) as s:
        enrol_users(s, course=course[0], users=[user], due_date=None)
    return user


def question_ids(database: Database, lesson: Lesson) -> dict[str, int]:
    with database.session() as s:
        rows = s.exec(select(QuizQuestion).where(QuizQuestion.lesson_id == lesson.id)
                      .order_by(QuizQuestion.position)).all()
    return {row.qtype: row.id for row in rows}


def cards_of(database: Database, user: User) -> list[RecallCard]:
    with database.session() as s:
        return list(s.exec(select(RecallCard).where(RecallCard.user_id == user.id)
                           .order_by(RecallCard.key)).all())


def at(day: int, hour: int = 9) -> datetime:
    """A fixed moment: 1 Feb 2027 (+ ``day`` days) at ``hour``:00 UTC."""
    return datetime(2027, 2, 1, hour, tzinfo=UTC) + timedelta(days=day)


def make_card(database: Database, user: User, lesson: Lesson, *, key: str,
              due: datetime, question_id: int | None = None,
              position: int | None = None) -> int:
    """A card due at ``due``, never reviewed."""
    with database.session(write=True) as s:
        fields = scheduling.new_card(now=due)
        card = RecallCard(user_id=user.id, kind="question" if question_id else "takeaway",
                          key=key, lesson_id=lesson.id, question_id=question_id,
                          position=position, created_at=due, **fields)  # type: ignore[arg-type]
        s.add(card)
        s.flush()
        assert card.id is not None
        return card.id
