"""Item analysis of a quiz for trainers: per question, how many executives answered it,
the share of answers that were right, and the wrong answer chosen most often, so weak
questions stand out. Counted in SQL over submitted attempts; only the handful of
(question, answer) groups come back. A quiz that draws its questions at random counts each
question over the attempts that drew it (only those have an answer row for it). Next to
them, from the daily review's log, the share still recalled after a week and after a month
(``app.recall.retention``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import Integer, case, cast, func
from sqlmodel import Session, col, select

from app.models import QuizAnswer, QuizAttempt
from app.questions.spec import QType, Question
from app.quizzes.quiz_store import live_questions
from app.quizzes.render import describe_response
from app.recall.retention import Retention, retention

RIGHT = 0.999  # a fraction at least this is a right answer
WEAK_SHARE, WEAK_MIN_ANSWERS = 0.5, 5


@dataclass(frozen=True)
class ItemStats:
    position: int
    question: Question
    drawn: int  # submitted attempts that had the question (all of them, unless it draws)
    executives: int  # who answered it at least once
    answers: int  # answers given (an executive may answer in several attempts)
    right: int
    common_wrong: str | None
    common_wrong_count: int
    recall: Retention = field(default_factory=Retention)

    @property
    def share_right(self) -> float | None:
        return None if not self.answers else self.right / self.answers

    @property
    def weak(self) -> bool:
        share = self.share_right
        return share is not None and self.answers >= WEAK_MIN_ANSWERS and share < WEAK_SHARE


def item_analysis(session: Session, *, lesson_id: int) -> list[ItemStats]:
    questions = [(row, question) for row, question in live_questions(session, lesson_id=lesson_id)
                 if question.graded]
    ids = [row.id for row, _ in questions]
    if not ids:
        return []
    answered = col(QuizAnswer.response) != "null"
    submitted = (select(QuizAnswer.question_id)
                 .join(QuizAttempt, col(QuizAttempt.id) == QuizAnswer.attempt_id)
                 .where(col(QuizAnswer.question_id).in_(ids),
                        col(QuizAttempt.submitted_at).is_not(None)))
    # grading writes an answer row for every question an attempt had, answered or not
    drawn = dict(session.execute(
        submitted.add_columns(func.count()).group_by(QuizAnswer.question_id)).all())
    base = submitted.where(col(QuizAnswer.fraction).is_not(None), answered)
    # several columns: execute() gives rows (exec() would give the first column only)
    people = dict(session.execute(
        base.add_columns(func.count(func.distinct(QuizAttempt.user_id)))
        .group_by(QuizAnswer.question_id)).all())
    right = cast(case((col(QuizAnswer.fraction) >= RIGHT, 1), else_=0), Integer)
    groups = session.execute(
        base.add_columns(QuizAnswer.response, right, func.count())
        .group_by(QuizAnswer.question_id, QuizAnswer.response, right)).all()
    totals: dict[int, list[int]] = {qid: [0, 0] for qid in ids}
    wrong: dict[int, tuple[str, int]] = {}
    for question_id, response, is_right, count in groups:
        totals[question_id][0] += count
        if is_right:
            totals[question_id][1] += count
        elif count > wrong.get(question_id, ("", 0))[1]:
            wrong[question_id] = (response, count)
    recalled = retention(session, question_ids=ids)
    stats = []
    for position, (row, question) in enumerate(questions, start=1):
        common = wrong.get(row.id)
        text = None
        if common is not None and question.type != QType.essay:
            text = describe_response(question, json.loads(common[0]))
        stats.append(ItemStats(position=position, question=question,
                               drawn=drawn.get(row.id, 0),
                               executives=people.get(row.id, 0), answers=totals[row.id][0],
                               right=totals[row.id][1], common_wrong=text,
                               common_wrong_count=common[1] if common else 0,
                               recall=recalled.get(row.id, Retention())))
    return stats
