"""One card as the review page shows it: its lesson and course, and either the quiz
question (in the shape the quiz templates render) or the takeaway's prompt and text."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlmodel import Session, col, select

from app.content.markdown import render_markdown
from app.models import Course, Lesson, QuizQuestion, RecallCard
from app.questions.spec import QType, Question
from app.recall.takeaways import Takeaway, takeaway_count_of

RawResponse = list[str] | dict[str, str]


@dataclass
class CardQuestion:
    """A question card in the shape of a quiz attempt's item (``quizzes/_question.html``)."""

    row: QuizQuestion
    question: Question
    order: list[int]
    number: int = 1
    raw: RawResponse | None = None
    error: str | None = None
    grade: Any = None  # app.quizzes.grading.Grade once answered
    answer: None = None

    @property
    def fraction(self) -> float | None:
        return None if self.grade is None else self.grade.fraction


@dataclass
class CardView:
    card: RecallCard
    lesson_title: str
    course_title: str
    question: CardQuestion | None = None
    takeaway: Takeaway | None = None
    takeaways: int = 0  # how many the lesson has
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def answer_html(self) -> Markup:
        """The takeaway's text, rendered and sanitised like lessons."""
        if self.takeaway is None:
            return Markup()
        return Markup(render_markdown(self.takeaway.source))  # noqa: S704 (sanitised)


def _order(question: Question) -> list[int]:
    if question.type in (QType.single, QType.multiple):
        return list(range(len(question.choices)))
    if question.type == QType.matching:
        return list(range(len(dict.fromkeys(pair.answer for pair in question.pairs))))
    return []


def card_view(session: Session, *, card: RecallCard) -> CardView | None:
    """The card's view, or None when its question or takeaway is gone."""
    lesson, course_title = session.exec(
        select(Lesson, Course.title).join(Course, col(Course.id) == Lesson.course_id)
        .where(Lesson.id == card.lesson_id)).one()
    view = CardView(card=card, lesson_title=lesson.title, course_title=course_title)
    if card.kind == "question":
        row = session.get(QuizQuestion, card.question_id)
        if row is None:
            return None
        question = Question.from_dict(json.loads(row.data))
        view.question = CardQuestion(row=row, question=question, order=_order(question))
        return view
    found = takeaway_count_of(lesson.body_md, card.position or 0)
    if found is None:
        return None
    view.takeaway, view.takeaways = found
    return view
