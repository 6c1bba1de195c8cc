"""The autosave of one answer while an attempt is taken: a hot path (every answer the
executive changes, and again when they leave a field), so it reads only what it needs in
two queries built once (no ORM objects), writes at most one statement, and computes the
progress it shows from what it read, without reading the attempt again.

Its rules are ``attempts.save_answer``'s: an answer equal to the one stored writes nothing
and takes no lock; a change is written only while the attempt, locked, is still open."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, case, select
from sqlmodel import Session

from app.models import Quiz, QuizAnswer, QuizAttempt, QuizQuestion, utcnow
from app.questions.spec import QType, Question
from app.quizzes.answer_store import (
    NOT_IN_ATTEMPT,
    TAKES_NO_ANSWER,
    OpenAttempt,
    ensure_open,
    store_answer,
)
from app.quizzes.attempt_view import RawResponse, is_answered
from app.quizzes.responses import parse_response

_QUIZ = Quiz.__table__  # type: ignore[attr-defined]
_ATTEMPT = QuizAttempt.__table__  # type: ignore[attr-defined]
_QUESTION = QuizQuestion.__table__  # type: ignore[attr-defined]
_ANSWER = QuizAnswer.__table__  # type: ignore[attr-defined]

# The quiz of the lesson and, when there is one, the executive's attempt number n.
_QUIZ_AND_ATTEMPT = (
    select(_QUIZ.c.lesson_id, _ATTEMPT.c.id, _ATTEMPT.c.submitted_at, _ATTEMPT.c.deadline_at,
           _ATTEMPT.c.layout)
    .select_from(_QUIZ.outerjoin(_ATTEMPT, and_(
        _ATTEMPT.c.lesson_id == _QUIZ.c.lesson_id,
        _ATTEMPT.c.user_id == bindparam("user_id"),
        _ATTEMPT.c.number == bindparam("number"))))
    .where(_QUIZ.c.lesson_id == bindparam("lesson_id"))
)
# The attempt's questions (their type; the text of the one answered only) and answers.
_QUESTIONS_AND_ANSWERS = (
    select(_QUESTION.c.id, _QUESTION.c.qtype,
           case((_QUESTION.c.id == bindparam("question_id"), _QUESTION.c.data)),
           _ANSWER.c.response)
    .select_from(_QUESTION.outerjoin(_ANSWER, and_(
        _ANSWER.c.question_id == _QUESTION.c.id,
        _ANSWER.c.attempt_id == bindparam("attempt_id"))))
    .where(_QUESTION.c.id.in_(bindparam("ids", expanding=True)))
)
_DESCRIPTION = QType.description.value


def find_attempt(session: Session, *, lesson_id: int, user_id: int,
                 number: int) -> tuple[bool, OpenAttempt | None]:
    """Whether the lesson has a quiz, and the executive's attempt ``number`` at it."""
    row = session.execute(_QUIZ_AND_ATTEMPT, {
        "lesson_id": lesson_id, "user_id": user_id, "number": number}).first()
    if row is None:
        return False, None
    _, attempt_id, submitted_at, deadline_at, layout = row
    if attempt_id is None:
        return True, None
    return True, OpenAttempt(attempt_id, submitted_at, deadline_at, layout)


@dataclass(frozen=True)
class NavEntry:
    """A question's entry in the attempt's navigator."""

    question_id: int
    number: int  # as shown: question 1, 2, …
    answered: bool


@dataclass(frozen=True)
class Autosaved:
    """What the answer's status shows: the message if it was refused, the attempt's
    progress, and the question's navigator entry (None for a question without one)."""

    error: str | None
    answered: int
    questions: int
    entry: NavEntry | None


def save(session: Session, *, attempt: OpenAttempt, question_id: int, raw: RawResponse,
         now: datetime | None = None) -> Autosaved:
    """Validate and store one answer as ``attempts.save_answer`` does, and count the
    progress as the attempt page does (``AttemptView``) once it is saved. Raises
    AttemptClosed when the attempt was submitted or its time is up."""
    now = now or utcnow()
    ensure_open(attempt, now)
    layout = [entry["id"] for entry in json.loads(attempt.layout)]
    rows: dict[int, tuple[str, str | None, str | None]] = {
        qid: (qtype, data, response) for qid, qtype, data, response in session.execute(
            _QUESTIONS_AND_ANSWERS,
            {"ids": layout, "attempt_id": attempt.id, "question_id": question_id})}
    error: str | None = None
    row = rows.get(question_id) if question_id in layout else None
    if row is None:
        error = NOT_IN_ATTEMPT
    else:
        qtype, data, stored = row
        assert data is not None
        question = Question.from_dict(json.loads(data))
        if not question.graded:
            error = TAKES_NO_ANSWER
        else:
            _, error = parse_response(question, raw)
        if error is None:
            response = json.dumps(raw)
            if response != stored:
                store_answer(session, attempt_id=attempt.id, question_id=question_id,
                             response=response, now=now)
                rows[question_id] = (qtype, data, response)
    answered = number = 0
    entry = None
    for qid in layout:
        qtype, _, response = rows[qid]
        if qtype == _DESCRIPTION:
            continue
        number += 1
        done = response is not None and is_answered(json.loads(response))
        answered += done
        if qid == question_id:
            entry = NavEntry(qid, number, done)
    return Autosaved(error=error, answered=answered, questions=number, entry=entry)
