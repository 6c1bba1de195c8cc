"""What an attempt shows: its questions in the order drawn for it, each with the answer
given and, once submitted, its grade; which are answered, the pages, and the marks so far."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from app.models import QuizAnswer, QuizAttempt, QuizQuestion
from app.questions.spec import Question
from app.quizzes import grading
from app.quizzes.responses import parse_response

RawResponse = list[str] | dict[str, str]


@dataclass
class AttemptItem:
    number: int  # as shown: question 1, 2, … (descriptions are not numbered)
    row: QuizQuestion
    question: Question
    order: list[int]
    raw: RawResponse | None = None
    answer: QuizAnswer | None = None
    grade: grading.Grade | None = None
    error: str | None = None

    @property
    def fraction(self) -> float | None:
        return self.answer.fraction if self.answer else (0.0 if self.question.auto_graded
                                                           else None)

    @property
    def answered(self) -> bool:
        return self.question.graded and is_answered(self.raw)


def is_answered(raw: RawResponse | None) -> bool:
    """Whether a response gives anything: a choice, some text, one pair matched."""
    if isinstance(raw, dict):
        return any(str(v).strip() for v in raw.values())
    if isinstance(raw, list):
        return any(str(v).strip() for v in raw)
    return False


def unanswered_message(numbers: list[int]) -> str:
    """"Question 4 is unanswered." / "Questions 2, 4 and 7 are unanswered." """
    if len(numbers) == 1:
        return f"Question {numbers[0]} is unanswered."
    listed = ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"
    return f"Questions {listed} are unanswered."


@dataclass(frozen=True)
class MarkedPart:
    """A submitted attempt's marks so far, while essays wait for a trainer (each question
    is worth one mark)."""

    marks: float
    out_of: int
    waiting: int

    @property
    def marks_text(self) -> str:
        value = round(self.marks, 1)
        return str(int(value)) if value == int(value) else str(value)


@dataclass
class AttemptView:
    attempt: QuizAttempt
    items: list[AttemptItem] = field(default_factory=list)

    @property
    def graded_items(self) -> list[AttemptItem]:
        return [i for i in self.items if i.question.graded]

    @property
    def answered_count(self) -> int:
        return sum(1 for i in self.graded_items if i.answered)

    @property
    def unanswered(self) -> list[AttemptItem]:
        return [i for i in self.graded_items if not i.answered]

    @property
    def pages(self) -> list[list[AttemptItem]]:
        """One page per question, each with the descriptions shown before it (trailing
        descriptions join the last page)."""
        pages: list[list[AttemptItem]] = []
        waiting: list[AttemptItem] = []
        for item in self.items:
            waiting.append(item)
            if item.question.graded:
                pages.append(waiting)
                waiting = []
        if waiting:
            if pages:
                pages[-1].extend(waiting)
            else:
                pages.append(waiting)
        return pages

    @property
    def marked_part(self) -> MarkedPart:
        marked = [i.fraction for i in self.graded_items if i.fraction is not None]
        return MarkedPart(marks=sum(marked), out_of=len(marked),
                          waiting=len(self.graded_items) - len(marked))


def attempt_view(session: Session, *, attempt: QuizAttempt) -> AttemptView:
    layout = json.loads(attempt.layout)
    ids = [entry["id"] for entry in layout]
    rows: dict[int, QuizQuestion] = {}
    answers: dict[int, QuizAnswer] = {}
    for row, answer in session.exec(  # the attempt's questions and answers, one query
            select(QuizQuestion, QuizAnswer)
            .outerjoin(QuizAnswer, (col(QuizAnswer.question_id) == QuizQuestion.id)
                       & (col(QuizAnswer.attempt_id) == attempt.id))
            .where(col(QuizQuestion.id).in_(ids))):
        rows[row.id] = row
        if answer is not None:
            answers[row.id] = answer
    view = AttemptView(attempt=attempt)
    number = 0
    for entry in layout:
        row = rows[entry["id"]]
        question = Question.from_dict(json.loads(row.data))
        if question.graded:
            number += 1
        answer = answers.get(row.id)
        raw = json.loads(answer.response) if answer else None
        item = AttemptItem(number=number, row=row, question=question, order=entry["order"],
                           raw=raw, answer=answer)
        if attempt.submitted_at is not None and question.graded:
            response = parse_response(question, raw)[0] if raw is not None else None
            item.grade = grading.grade(question, response)
        view.items.append(item)
    return view
