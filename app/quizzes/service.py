"""Quizzes in the database and attempts at them.

An attempt is started, saved answer by answer, and submitted once: the submission is a
single conditional UPDATE (``submitted_at IS NULL``), so two tabs or a double click record
one graded attempt. A time limit is enforced here, on the server: answers after the
deadline are refused and an expired attempt is submitted with what was saved.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app.courses.spec import QuizReveal, QuizSettings, ScorePolicy
from app.courses.urls import quiz_url
from app.learning import summary
from app.learning.completion import complete_lesson
from app.learning.progress import get_enrolment
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
from app.notifications.service import notify
from app.questions.pools import PoolDraw, draw_questions, drawn_count
from app.questions.spec import QType, Question
from app.quizzes import grading
from app.quizzes.answer_store import (  # AttemptClosed and is_expired: the routes' too
    NOT_IN_ATTEMPT,
    TAKES_NO_ANSWER,
    AttemptClosed,
    ensure_open,
    is_expired,
    store_answer,
)
from app.recall import service as recall

RawResponse = list[str] | dict[str, str]




# Storage -------------------------------------------------------------------------------

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
        size = len(grading.matching_answers(question))
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
            response = grading.parse_response(question, raw)[0] if raw is not None else None
            item.grade = grading.grade(question, response)
        view.items.append(item)
    return view


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
    _, error = grading.parse_response(question, raw)
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
        response = grading.parse_response(item.question, raw)[0] if raw is not None else None
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
    _record_score(session, attempt=attempt, marks=marks, course=course, enrolment=enrolment,
                  lesson=lesson)


def _record_score(session: Session, *, attempt: QuizAttempt,
                  marks: list[tuple[float | None, float]], course: Course,
                  enrolment: Enrolment | None, lesson: Lesson) -> None:
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




# Grading essays --------------------------------------------------------------------------

@dataclass(frozen=True)
class PendingAttempt:
    attempt: QuizAttempt
    user_name: str
    course: Course
    lesson: Lesson


def pending_attempts(session: Session) -> list[PendingAttempt]:
    """Submitted attempts waiting for a trainer, oldest first."""
    from app.models import User

    rows = session.exec(
        select(QuizAttempt, User.full_name, Course, Lesson)
        .join(User, User.id == QuizAttempt.user_id)
        .join(Lesson, Lesson.id == QuizAttempt.lesson_id)
        .join(Course, Course.id == Lesson.course_id)
        .where(col(QuizAttempt.needs_grading).is_(True))
        .order_by(QuizAttempt.submitted_at)).all()
    return [PendingAttempt(a, name, c, les) for a, name, c, les in rows]


def get_attempt_by_id(session: Session, attempt_id: int, *,
                      lock: bool = False) -> QuizAttempt | None:
    query = select(QuizAttempt).where(QuizAttempt.id == attempt_id)
    if lock:
        query = query.with_for_update()
    return session.exec(query).first()


def grade_essays(session: Session, *, attempt: QuizAttempt,
                 grades: dict[int, tuple[float, str]],
                 grader_id: int) -> None:
    """Record a trainer's marks (fraction 0 to 1 and comment per essay question id); once no
    answer is left ungraded, the attempt gets its score and may pass the quiz."""
    answers = {a.question_id: a for a in session.exec(
        select(QuizAnswer).where(QuizAnswer.attempt_id == attempt.id))}
    for question_id, (fraction, comment) in grades.items():
        answer = answers.get(question_id)
        if answer is None:
            continue
        answer.fraction = min(1.0, max(0.0, fraction))
        answer.grader_comment = comment or None
        answer.graded_by_id = grader_id
        answer.updated_at = utcnow()
        session.add(answer)
    session.flush()
    view = attempt_view(session, attempt=attempt)
    marks = [(item.answer.fraction if item.answer else 0.0, 1.0) for item in view.graded_items]
    lesson = session.get(Lesson, attempt.lesson_id)
    assert lesson is not None
    course = session.get(Course, lesson.course_id)
    assert course is not None
    enrolment = get_enrolment(session, user_id=attempt.user_id, course_id=course.id)
    _record_score(session, attempt=attempt, marks=marks, course=course, enrolment=enrolment,
                  lesson=lesson)
    if attempt.score is not None:
        notify(session, user_id=attempt.user_id, kind="essay-graded",
               params={"quiz": lesson.title, "course": course.title, "score": attempt.score,
                       "passed": bool(attempt.passed)},
               link=f"{quiz_url(course.slug, lesson.slug)}/attempts/{attempt.number}",
               dedupe_key=f"essay-graded:{attempt.id}")
