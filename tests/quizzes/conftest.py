from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import select

from app.authoring.import_export import import_course
from app.courses.spec import QuizSettings
from app.db import Database
from app.enrolments.service import enrol_users
from app.models import Course, Lesson, Module, Role, User, utcnow
from app.questions.spec import Choice, MatchPair, NumericalAnswer, QType, Question
from app.quizzes.quiz_store import sync_quiz
from tests.conftest import login
from tests.courses_data import small_spec

QUIZ = "/courses/pilot/quizzes/check"


def sample_questions() -> list[Question]:
    return [
        Question(type=QType.description, text="Answer all questions."),
        Question(
            type=QType.single,
            text="Capital of France?",
            name="Capital",
            choices=[Choice("Paris", 1.0, "Right: Paris."), Choice("Lyon", 0.0, "No.")],
            general_feedback="France's capital is Paris.",
        ),
        Question(
            type=QType.truefalse,
            text="An X post has 280 characters at most.",
            correct=True,
            true_feedback="Yes.",
            false_feedback="It is 280.",
        ),
        Question(
            type=QType.numerical,
            text="LinkedIn headline limit?",
            numerical=[NumericalAnswer(220, 0, 1.0, "220 it is.")],
        ),
        Question(
            type=QType.multiple,
            text="Pick the networks",
            choices=[Choice("X", 0.5), Choice("LinkedIn", 0.5), Choice("Fax", -0.5)],
        ),
    ]


@pytest.fixture
def quiz_course(database: Database) -> Callable[..., tuple[Course, Lesson]]:
    def make(
        questions: list[Question] | None = None,
        settings: QuizSettings | None = None,
    ) -> tuple[Course, Lesson]:
        with database.session(write=True) as s:
            course = import_course(s, small_spec()).course
            module = s.exec(select(Module).where(Module.slug == "basics")).one()
            lesson = Lesson(
                course_id=course.id,
                module_id=module.id,
                slug="check",
                title="Check your understanding",
                kind="quiz",
                minutes=5,
                required=True,
                position=10,
                body_md="",
                body_html="",
            )
            s.add(lesson)
            course.updated_at = utcnow()  # the outline changed
            s.add(course)
            s.flush()
            sync_quiz(
                s,
                lesson=lesson,
                settings=settings or QuizSettings(shuffle=False),
                questions=questions or sample_questions(),
            )
            return course, lesson

    return make


@pytest.fixture
def quiz_taker(client, make_user, database, quiz_course):  # type: ignore[no-untyped-def]
    def make(questions=None, settings=None) -> tuple[Course, Lesson, User]:  # type: ignore[no-untyped-def]
        course, lesson = quiz_course(questions, settings)
        user = make_user(Role.executive)
        with database.session(write=True) as s:
            enrol_users(s, course=course, users=[user], due_date=None)
        login(client, user.email)
        return course, lesson, user

    return make


__all__ = ["QUIZ", "MatchPair", "sample_questions"]
