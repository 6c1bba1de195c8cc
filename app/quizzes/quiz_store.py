"""A quiz in the database: its settings and its questions. Questions are never changed in
place: a new version retires the old rows, and attempts keep the questions they started
with."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime

from sqlmodel import Session, col, select

from app.courses.spec import QuizReveal, QuizSettings, ScorePolicy
from app.models import Lesson, Quiz, QuizQuestion, utcnow
from app.questions.pools import PoolDraw
from app.questions.spec import Question


def sync_quiz(session: Session, *, lesson: Lesson, settings: QuizSettings,
              questions: list[Question], now: datetime | None = None) -> bool:
    """Store a quiz's settings and questions. Returns True when the questions changed (the
    old rows are retired, never deleted: attempts keep the questions they started with)."""
    now = now or utcnow()
    quiz = session.get(Quiz, lesson.id) or Quiz(lesson_id=lesson.id)
    quiz.pass_mark, quiz.attempts_allowed = settings.pass_mark, settings.attempts
    quiz.shuffle, quiz.time_limit_minutes = settings.shuffle, settings.time_limit
    quiz.score_policy, quiz.reveal = settings.score.value, settings.reveal.value
    quiz.draw = settings.draw
    quiz.pools = json.dumps([asdict(p) for p in settings.pools]) if settings.pools else None
    session.add(quiz)
    current = live_questions(session, lesson_id=lesson.id)
    wanted = [_canonical(q) for q in questions]
    if [_canonical(q) for _, q in current] == wanted:
        return False
    for row, _ in current:
        row.retired_at = now
        session.add(row)
    for position, question in enumerate(questions, start=1):
        session.add(QuizQuestion(lesson_id=lesson.id, position=position,
                                 qtype=question.type.value, data=json.dumps(question.to_dict()),
                                 created_at=now))
    session.flush()
    return True


def _canonical(question: Question) -> str:
    data = question.to_dict()
    data.pop("line", None)
    return json.dumps(data, sort_keys=True)


def live_questions(session: Session, *, lesson_id: int) -> list[tuple[QuizQuestion, Question]]:
    rows = session.exec(select(QuizQuestion).where(QuizQuestion.lesson_id == lesson_id,
                                                   col(QuizQuestion.retired_at).is_(None))
                        .order_by(QuizQuestion.position)).all()
    return [(row, Question.from_dict(json.loads(row.data))) for row in rows]


def get_quiz(session: Session, *, lesson_id: int) -> Quiz | None:
    return session.get(Quiz, lesson_id)


def quiz_settings(quiz: Quiz) -> QuizSettings:
    return QuizSettings(pass_mark=quiz.pass_mark, attempts=quiz.attempts_allowed,
                        shuffle=quiz.shuffle, time_limit=quiz.time_limit_minutes,
                        score=ScorePolicy(quiz.score_policy), reveal=QuizReveal(quiz.reveal),
                        draw=quiz.draw, pools=quiz_pools(quiz))


def quiz_pools(quiz: Quiz) -> list[PoolDraw]:
    return [PoolDraw(**pool) for pool in json.loads(quiz.pools)] if quiz.pools else []
