"""Essays waiting for a trainer: the attempts to grade, and a trainer's marks, after which
the attempt gets its score, may pass the quiz, and the executive is told."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.courses.urls import quiz_url
from app.learning.progress import get_enrolment
from app.models import Course, Lesson, QuizAnswer, QuizAttempt, utcnow
from app.notifications.service import notify
from app.quizzes.attempt_view import attempt_view
from app.quizzes.attempts import record_score


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
    record_score(session, attempt=attempt, marks=marks, course=course, enrolment=enrolment,
                 lesson=lesson)
    if attempt.score is not None:
        notify(session, user_id=attempt.user_id, kind="essay-graded",
               params={"quiz": lesson.title, "course": course.title, "score": attempt.score,
                       "passed": bool(attempt.passed)},
               link=f"{quiz_url(course.slug, lesson.slug)}/attempts/{attempt.number}",
               dedupe_key=f"essay-graded:{attempt.id}")
