"""The learner's journey as read: what is enrolled, what is done, what comes next.

Progress is stored per executive and lesson; module and course completion are derived
from it (the completion rule "all-required": every live required lesson completed). The
outline of a course comes from its version's cache and one executive's rows from one
query; writing progress is in ``completion`` (completing a lesson) and ``reading``
(opening one, and the time spent on it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from sqlalchemy import bindparam, case, func, literal_column, union_all
from sqlmodel import Session, col, select

from app.courses.service import LessonRef, ModuleRef, course_outline
from app.models import Course, Enrolment, Lesson, LessonProgress, QuizAttempt, User

NOT_STARTED, IN_PROGRESS, COMPLETED = "not-started", "in-progress", "completed"


@dataclass
class LessonState:
    lesson: LessonRef
    status: str = NOT_STARTED
    locked: bool = False
    completed_at: datetime | None = None
    last_opened_at: datetime | None = None
    # Quizzes only: submitted attempts, best score (percent) and whether grading is pending
    quiz_attempts: int = 0
    quiz_best: float | None = None
    quiz_pending: bool = False

    @property
    def done(self) -> bool:
        return self.status == COMPLETED


@dataclass
class ModuleState:
    module: ModuleRef
    lessons: list[LessonState]
    locked: bool = False
    lock_reason: str | None = None

    @cached_property  # a module's lessons are fixed once its state is built
    def required(self) -> list[LessonState]:
        return [s for s in self.lessons if s.lesson.required]

    @property
    def completed(self) -> bool:
        return all(s.done for s in self.required)

    @property
    def completed_at(self) -> datetime | None:
        if not self.completed or not self.required:
            return None
        return max(s.completed_at for s in self.required if s.completed_at)

    @property
    def status(self) -> str:
        if self.completed and self.required:
            return COMPLETED
        if any(s.status != NOT_STARTED for s in self.lessons):
            return IN_PROGRESS
        return NOT_STARTED

    @property
    def minutes_left(self) -> int:
        return sum(s.lesson.minutes for s in self.lessons if not s.done)


@dataclass
class CourseProgress:
    course: Course
    enrolment: Enrolment | None
    modules: list[ModuleState] = field(default_factory=list)

    # Pages ask these many times; ``course_progress`` adds every module before any is read.
    @cached_property
    def lessons(self) -> list[LessonState]:
        return [s for m in self.modules for s in m.lessons]

    @cached_property
    def required_total(self) -> int:
        return sum(len(m.required) for m in self.modules)

    @cached_property
    def required_done(self) -> int:
        return sum(1 for m in self.modules for s in m.required if s.done)

    @cached_property
    def quizzes(self) -> list[LessonState]:
        return [s for s in self.lessons if s.lesson.kind == "quiz"]

    @property
    def quizzes_passed(self) -> int:
        return sum(1 for s in self.quizzes if s.done)

    @property
    def quiz_best_scores(self) -> list[int]:
        """The best score of each quiz attempted, in course order, in whole percent."""
        return [round(s.quiz_best) for s in self.quizzes if s.quiz_best is not None]

    @property
    def percent(self) -> int:
        total = self.required_total
        return 100 if total == 0 else int(100 * self.required_done / total)

    @property
    def minutes_left(self) -> int:
        return sum(m.minutes_left for m in self.modules)

    @property
    def completed(self) -> bool:
        return bool(self.enrolment and self.enrolment.completed_at)

    @property
    def rule_met(self) -> bool:
        return all(m.completed for m in self.modules)

    @property
    def status(self) -> str:
        if self.completed:
            return COMPLETED
        return IN_PROGRESS if any(s.status != NOT_STARTED for s in self.lessons) else NOT_STARTED

    @property
    def remaining(self) -> list[LessonState]:
        """The required items not done yet, in course order: what stands between the
        executive and the certificate."""
        return [s for m in self.modules for s in m.required if not s.done]

    @property
    def next_lesson(self) -> LessonRef | None:
        """Where to continue: the first unlocked lesson not yet completed."""
        for state in self.lessons:
            if not state.done and not state.locked:
                return state.lesson
        return None

    def state_of(self, lesson_id: int) -> LessonState | None:
        return next((s for s in self.lessons if s.lesson.id == lesson_id), None)

    def neighbours(self, lesson_id: int) -> tuple[LessonRef | None, LessonRef | None]:
        lessons = [s.lesson for s in self.lessons]
        for i, lesson in enumerate(lessons):
            if lesson.id == lesson_id:
                return (
                    lessons[i - 1] if i else None,
                    lessons[i + 1] if i + 1 < len(lessons) else None,
                )
        return None, None

    def module_of(self, lesson_id: int) -> ModuleState | None:
        return next(
            (m for m in self.modules if any(s.lesson.id == lesson_id for s in m.lessons)), None
        )


def get_enrolment(session: Session, *, user_id: int, course_id: int) -> Enrolment | None:
    return session.exec(
        select(Enrolment).where(Enrolment.user_id == user_id, Enrolment.course_id == course_id)
    ).first()


_LP = LessonProgress.__table__  # type: ignore[attr-defined]
_QA = QuizAttempt.__table__  # type: ignore[attr-defined]
_LESSON = Lesson.__table__  # type: ignore[attr-defined]
_NONE = literal_column("NULL")
# One executive's rows in one course, in one query built once: progress per lesson, and
# per quiz the submitted attempts, the best score and whether grading is pending.
_PROGRESS = union_all(
    select(_LP.c.lesson_id, _LP.c.completed_at, _LP.c.last_opened_at,
           literal_column("0").label("attempts"), _NONE.label("best"),
           literal_column("0").label("pending"))
    .join(_LESSON, _LESSON.c.id == _LP.c.lesson_id)
    .where(_LP.c.user_id == bindparam("user_id"), _LESSON.c.course_id == bindparam("course_id")),
    select(_QA.c.lesson_id, _NONE, _NONE, func.count(), func.max(_QA.c.score),
           func.max(case((_QA.c.needs_grading.is_(True), 1), else_=0)))
    .join(_LESSON, _LESSON.c.id == _QA.c.lesson_id)
    .where(_QA.c.user_id == bindparam("user_id"), _LESSON.c.course_id == bindparam("course_id"),
           _QA.c.submitted_at.is_not(None))
    .group_by(_QA.c.lesson_id),
)


@dataclass(frozen=True)
class _Rows:
    completed_at: datetime | None = None
    last_opened_at: datetime | None = None


def course_progress(
    session: Session, *, course: Course, user_id: int | None, enrolment: Enrolment | None = None
) -> CourseProgress:
    """Outline and progress of one course for one executive: the outline comes from the
    course version's cache, the executive's rows from one query."""
    outline = course_outline(session, course)
    rows: dict[int, _Rows] = {}
    quiz_summary: dict[int, tuple[int, float | None, bool]] = {}
    if user_id is not None:
        for lesson_id, completed_at, opened_at, attempts, best, pending in session.execute(
                _PROGRESS, {"user_id": user_id, "course_id": course.id}):
            if attempts:
                quiz_summary[lesson_id] = (attempts, best, bool(pending))
            else:
                rows[lesson_id] = _Rows(completed_at, opened_at)
    progress = CourseProgress(course=course, enrolment=enrolment)
    blocked_by: ModuleRef | None = None
    for module, lessons in outline:
        states = []
        for lesson in lessons:
            row = rows.get(lesson.id)
            status = (
                NOT_STARTED if row is None else (COMPLETED if row.completed_at else IN_PROGRESS)
            )
            attempts, best, pending = quiz_summary.get(lesson.id, (0, None, False))
            if status == NOT_STARTED and attempts:
                status = IN_PROGRESS
            states.append(
                LessonState(
                    lesson=lesson, status=status, completed_at=row.completed_at if row else None,
                    last_opened_at=row.last_opened_at if row else None,
                    quiz_attempts=attempts, quiz_best=best, quiz_pending=pending,
                )
            )
        state = ModuleState(module=module, lessons=states)
        if course.sequential and blocked_by is not None:
            state.locked = True
            state.lock_reason = f"Complete “{blocked_by.title}” first."
            for lesson_state in states:
                lesson_state.locked = not lesson_state.done
        if course.sequential and blocked_by is None and not state.completed:
            blocked_by = module
        progress.modules.append(state)
    return progress


@dataclass
class EnrolledCourse:
    progress: CourseProgress

    @property
    def due_date(self) -> date | None:
        return self.progress.enrolment.due_date if self.progress.enrolment else None

    def overdue(self, today: date) -> bool:
        return bool(self.due_date and self.due_date < today and not self.progress.completed)


def my_courses(session: Session, *, user: User) -> list[EnrolledCourse]:
    rows = session.exec(
        select(Enrolment, Course)
        .join(Course, Course.id == Enrolment.course_id)
        .where(Enrolment.user_id == user.id)
        .order_by(Enrolment.enrolled_at, Course.title)
    ).all()
    return [
        EnrolledCourse(
            course_progress(session, course=course, user_id=user.id, enrolment=enrolment)
        )
        for enrolment, course in rows
    ]


@dataclass(frozen=True)
class RecentCompletion:
    lesson: LessonRef
    course: Course
    completed_at: datetime


def recently_completed(courses: list[EnrolledCourse], *, limit: int = 5) -> list[RecentCompletion]:
    """The latest completions in the executive's courses, from the progress already read
    (live lessons only)."""
    done = [RecentCompletion(state.lesson, enrolled.progress.course, state.completed_at)
            for enrolled in courses for state in enrolled.progress.lessons
            if state.completed_at is not None]
    return sorted(done, key=lambda r: r.completed_at, reverse=True)[:limit]


def get_live_lesson(session: Session, *, course: Course, slug: str) -> Lesson | None:
    return session.exec(
        select(Lesson).where(
            Lesson.course_id == course.id, Lesson.slug == slug, col(Lesson.retired_at).is_(None)
        )
    ).first()
