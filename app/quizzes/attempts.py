"""An executive's attempts at a quiz: where they stand (``QuizStatus``), starting one,
saving its answers, and submitting it.

An attempt is started, saved answer by answer, and submitted once: the submission is a
single conditional UPDATE (``submitted_at IS NULL``), so two tabs or a double click record
one graded attempt. A time limit is enforced here, on the server: answers after the
deadline are refused and an expired attempt is submitted with what was saved.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app.courses.spec import QuizReveal, ScorePolicy
from app.learning import summary
from app.learning.completion import complete_lesson
from app.models import (
    Course,
    Enrolment,
    Lesson,
    Quiz,
    QuizAnswer,
    QuizAttempt,
    QuizQuestion,
    utcnow,
)
from app.questions.pools import draw_questions, drawn_count
from app.questions.spec import QType, Question
from app.quizzes import grading
from app.quizzes.answer_store import (
    NOT_IN_ATTEMPT,
    TAKES_NO_ANSWER,
    AttemptClosed,
    ensure_open,
    is_expired,
    store_answer,
)
from app.quizzes.attempt_view import RawResponse, attempt_view
from app.quizzes.quiz_store import live_questions, quiz_pools
from app.quizzes.responses import matching_answers, parse_response
from app.recall import service as recall

# Status --------------------------------------------------------------------------------

@dataclass
class QuizStatus:
    quiz: Quiz
    attempts: list[QuizAttempt]
    questions: int  # graded questions an attempt shows (drawn from ``pool`` when drawing)
    pool: int | None = None  # graded questions drawn from; None: the quiz draws nothing

    @property
    def submitted(self) -> list[QuizAttempt]:
        return [a for a in self.attempts if a.submitted_at is not None]

    @property
    def in_progress(self) -> QuizAttempt | None:
        return next((a for a in self.attempts if a.submitted_at is None), None)

    @property
    def attempts_left(self) -> int | None:
        if self.quiz.attempts_allowed == 0:
            return None
        return max(0, self.quiz.attempts_allowed - len(self.attempts))

    @property
    def best_score(self) -> float | None:
        scores = [a.score for a in self.submitted if a.score is not None]
        return max(scores) if scores else None

    @property
    def counted_score(self) -> float | None:
        graded = [a for a in self.submitted if a.score is not None]
        if not graded:
            return None
        if self.quiz.score_policy == ScorePolicy.last:
            return graded[-1].score
        return max(a.score for a in graded if a.score is not None)

    @property
    def passed(self) -> bool:
        score = self.counted_score
        return score is not None and score >= self.quiz.pass_mark

    @property
    def pending(self) -> bool:
        return any(a.needs_grading for a in self.submitted)

    @property
    def can_start(self) -> bool:
        left = self.attempts_left
        return self.in_progress is None and (left is None or left > 0)

    def reveal_answers(self, attempt: QuizAttempt) -> bool:
        if attempt.submitted_at is None:
            return False
        if self.quiz.reveal == QuizReveal.after_submit:
            return True
        if self.quiz.reveal == QuizReveal.after_pass:
            return self.passed or self.attempts_left == 0
        return False


# The quiz page's two reads, built once (every quiz and attempt page runs them).
_ATTEMPTS = (select(QuizAttempt)
             .where(col(QuizAttempt.lesson_id) == bindparam("lesson_id"),
                    col(QuizAttempt.user_id) == bindparam("user_id"))
             .order_by(col(QuizAttempt.number)))
_QUESTION_COUNT = (select(func.count()).select_from(QuizQuestion)
                   .where(col(QuizQuestion.lesson_id) == bindparam("lesson_id"),
                          col(QuizQuestion.retired_at).is_(None),
                          col(QuizQuestion.qtype) != QType.description.value))


def quiz_status(session: Session, *, quiz: Quiz, user_id: int) -> QuizStatus:
    attempts = list(session.exec(_ATTEMPTS, params={"lesson_id": quiz.lesson_id,
                                                    "user_id": user_id}).all())
    count = session.exec(_QUESTION_COUNT, params={"lesson_id": quiz.lesson_id}).one()
    if quiz.draw is None and not quiz.pools:
        return QuizStatus(quiz=quiz, attempts=attempts, questions=count)
    questions = [q for _, q in live_questions(session, lesson_id=quiz.lesson_id)]
    return QuizStatus(quiz=quiz, attempts=attempts, pool=count,
                      questions=drawn_count(questions, quiz.draw, quiz_pools(quiz)))


# Attempts ------------------------------------------------------------------------------

def start_attempt(session: Session, *, quiz: Quiz, user_id: int,
                  now: datetime | None = None, rng: random.Random | None = None) -> QuizAttempt:
    """Resume the attempt in progress, or start a new one if attempts are left, with its
    questions drawn (when the quiz draws) from ``rng`` (tests give a seeded one; by
    default the system's random source). Raises AttemptClosed when none are left."""
    now = now or utcnow()
    status = quiz_status(session, quiz=quiz, user_id=user_id)
    if status.in_progress is not None:
        return status.in_progress
    if not status.can_start:
        raise AttemptClosed("You have used all your attempts at this quiz.")
    rng = rng or random.SystemRandom()
    questions = live_questions(session, lesson_id=quiz.lesson_id)
    drawn = set(draw_questions([(row.id, question) for row, question in questions],
                               draw=quiz.draw, pools=quiz_pools(quiz), rng=rng))
    layout = [{"id": row.id, "order": _order(question, quiz.shuffle, rng)}
              for row, question in questions if row.id in drawn]
    attempt = QuizAttempt(
        lesson_id=quiz.lesson_id, user_id=user_id, number=len(status.attempts) + 1,
        started_at=now, layout=json.dumps(layout),
        deadline_at=now + timedelta(minutes=quiz.time_limit_minutes)
        if quiz.time_limit_minutes else None)
    try:
        with session.begin_nested():  # two tabs starting at once: one attempt wins
            session.add(attempt)
    except IntegrityError:
        existing = get_attempt(session, lesson_id=quiz.lesson_id, user_id=user_id,
                               number=attempt.number)
        assert existing is not None
        return existing
    _refresh_summary(session, lesson_id=quiz.lesson_id, user_id=user_id)
    return attempt


def _refresh_summary(session: Session, *, lesson_id: int, user_id: int) -> None:
    course_id = session.exec(select(Lesson.course_id).where(Lesson.id == lesson_id)).one()
    summary.refresh(session, course_id=course_id, user_ids=[user_id])


def _order(question: Question, shuffle: bool, rng: random.Random) -> list[int]:
    """The order in which a question's options are shown in one attempt."""
    if question.type in (QType.single, QType.multiple):
        size = len(question.choices)
    elif question.type == QType.matching:
        size = len(matching_answers(question))
    else:
        return []
    order = list(range(size))
    if shuffle:
        rng.shuffle(order)
    return order


def get_attempt(session: Session, *, lesson_id: int, user_id: int, number: int,
                lock: bool = False) -> QuizAttempt | None:
    """One executive's attempt. ``lock`` serialises saves and submissions of the attempt
    (a row lock on PostgreSQL; SQLite writers are serialised already)."""
    query = select(QuizAttempt).where(QuizAttempt.lesson_id == lesson_id,
                                      QuizAttempt.user_id == user_id,
                                      QuizAttempt.number == number)
    if lock:
        query = query.with_for_update()
    return session.exec(query).first()


def save_answer(session: Session, *, attempt: QuizAttempt, question_id: int,
                raw: RawResponse, now: datetime | None = None) -> str | None:
    """Validate and store one answer; returns a message for the learner if refused.

    An answer equal to the one stored is not written again (autosaves repeat), so it
    takes no lock. A change locks the attempt first and checks again that it is open:
    saves and the submission of one attempt never interleave (see ``store_answer``)."""
    now = now or utcnow()
    ensure_open(attempt, now)
    layout_ids = {entry["id"] for entry in json.loads(attempt.layout)}
    row = session.get(QuizQuestion, question_id) if question_id in layout_ids else None
    if row is None:
        return NOT_IN_ATTEMPT
    question = Question.from_dict(json.loads(row.data))
    if not question.graded:
        return TAKES_NO_ANSWER
    _, error = parse_response(question, raw)
    if error:
        return error
    response = json.dumps(raw)
    stored = session.exec(select(QuizAnswer.response).where(
        QuizAnswer.attempt_id == attempt.id, QuizAnswer.question_id == question_id)).first()
    if stored != response:
        assert attempt.id is not None
        store_answer(session, attempt_id=attempt.id, question_id=question_id,
                     response=response, now=now)
    return None


def submit_attempt(session: Session, *, attempt: QuizAttempt, course: Course,
                   enrolment: Enrolment | None, lesson: Lesson,
                   now: datetime | None = None) -> QuizAttempt:
    """Submit and grade an attempt exactly once; a second submission changes nothing and
    returns the same result."""
    now = now or utcnow()
    claimed = session.exec(update(QuizAttempt)
                           .where(QuizAttempt.id == attempt.id,
                                  col(QuizAttempt.submitted_at).is_(None))
                           .values(submitted_at=now)).rowcount
    session.refresh(attempt)
    if claimed == 1:
        _grade(session, attempt=attempt, course=course, enrolment=enrolment, lesson=lesson)
    return attempt


def _grade(session: Session, *, attempt: QuizAttempt, course: Course,
           enrolment: Enrolment | None, lesson: Lesson) -> None:
    view = attempt_view(session, attempt=attempt)
    marks: list[tuple[float | None, float]] = []
    for item in view.graded_items:
        raw = item.raw
        response = parse_response(item.question, raw)[0] if raw is not None else None
        result = grading.grade(item.question, response)
        fraction = result.fraction
        if item.question.type == QType.essay and raw is None:
            fraction = 0.0  # nothing to grade: an unanswered essay scores zero
        if item.answer is None:
            item.answer = QuizAnswer(attempt_id=attempt.id, question_id=item.row.id,
                                     response=json.dumps(None))
        item.answer.fraction = fraction
        session.add(item.answer)
        marks.append((fraction, 1.0))
    # the questions answered wrong or partly right become daily-review cards
    recall.record_quiz_answers(
        session, user_id=attempt.user_id, lesson_id=attempt.lesson_id,
        answers=[(item.row.id, item.question.type.value, item.answer.fraction)
                 for item in view.graded_items if item.answer is not None],
        now=attempt.submitted_at)
    record_score(session, attempt=attempt, marks=marks, course=course, enrolment=enrolment,
                 lesson=lesson)


def record_score(session: Session, *, attempt: QuizAttempt,
                 marks: list[tuple[float | None, float]], course: Course,
                 enrolment: Enrolment | None, lesson: Lesson) -> None:
    """Score a submitted attempt from each graded question's ``(fraction, max_mark)``:
    pending while an essay waits for a trainer, else passed or not; a passed quiz completes
    the lesson. On submission, and again when a trainer grades the essays."""
    quiz = session.get(Quiz, attempt.lesson_id)
    assert quiz is not None
    score = grading.quiz_percent(marks) if marks else 100.0
    attempt.score = score
    attempt.needs_grading = score is None
    attempt.passed = None if score is None else score >= quiz.pass_mark
    session.add(attempt)
    session.flush()
    status = quiz_status(session, quiz=quiz, user_id=attempt.user_id)
    if status.passed and enrolment is not None:
        complete_lesson(session, user_id=attempt.user_id, course=course, lesson=lesson,
                        enrolment=enrolment)
    summary.refresh(session, course_id=course.id, user_ids=[attempt.user_id])


def finish_if_expired(session: Session, *, attempt: QuizAttempt, course: Course,
                      enrolment: Enrolment | None, lesson: Lesson,
                      now: datetime | None = None) -> bool:
    """Submit an attempt whose time is up with the answers saved before the deadline."""
    if attempt.submitted_at is None and is_expired(attempt, now):
        submit_attempt(session, attempt=attempt, course=course, enrolment=enrolment,
                       lesson=lesson, now=now)
        return True
    return False
