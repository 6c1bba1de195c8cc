"""The learner's journey: what is enrolled, what is done, what comes next.

Progress is stored per executive and lesson; module and course completion are derived
from it (the completion rule "all-required": every live required lesson completed). The
moment a course becomes complete is recorded once on the enrolment, with the code of its
certificate.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from sqlalchemy import bindparam, case, func, literal_column, union_all, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from app.courses.service import LessonRef, ModuleRef, course_outline
from app.courses.spec import ACTIVITY_KINDS
from app.courses.urls import certificate_url
from app.db import begin_write, insert_for
from app.learning import summary
from app.models import (
    Course,
    Enrolment,
    Lesson,
    LessonProgress,
    Module,
    QuizAttempt,
    User,
    Workbook,
    utcnow,
)
from app.notifications.service import notify
from app.recall import service as recall

MAX_BEAT_SECONDS = 60  # one heartbeat credits at most this much reading time
TIME_CAP_FACTOR = 4  # and a lesson at most this many times its estimated minutes

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


REOPEN_INTERVAL_MINUTES = 5  # a lesson reopened sooner is not written again


def needs_open_record(state: LessonState | None, now: datetime | None = None) -> bool:
    if state is None or state.last_opened_at is None:
        return True
    return (now or utcnow()) - state.last_opened_at >= timedelta(minutes=REOPEN_INTERVAL_MINUTES)


def record_open(
    session: Session, *, user_id: int, course_id: int, lesson_id: int,
    now: datetime | None = None,
) -> None:
    """First and last opened, in one statement (safe when two tabs open at once)."""
    now = now or utcnow()
    insert = insert_for(session)
    statement = insert(LessonProgress).values(
        user_id=user_id,
        lesson_id=lesson_id,
        first_opened_at=now,
        last_opened_at=now,
        seconds_spent=0,
        last_beat_at=now,
    )
    session.exec(
        statement.on_conflict_do_update(
            index_elements=["user_id", "lesson_id"],
            set_={"last_opened_at": now, "last_beat_at": now},
        )
    )
    summary.refresh(session, course_id=course_id, user_ids=[user_id])


def complete_lesson(
    session: Session,
    *,
    user_id: int,
    course: Course,
    lesson: Lesson,
    enrolment: Enrolment,
    now: datetime | None = None,
    progress: CourseProgress | None = None,
) -> CourseProgress:
    """Mark a lesson complete (idempotent) and, when that meets the course's completion
    rule, record the course's completion and issue its certificate code once.

    ``progress`` is the executive's progress read in this transaction, if the caller has
    it. When it shows the lesson complete already (and the course recorded complete if
    the rule is met) nothing is written and no write lock is taken."""
    now = now or utcnow()
    if progress is None:
        progress = course_progress(session, course=course, user_id=user_id,
                                   enrolment=enrolment)
    state = progress.state_of(lesson.id)
    if state is not None and state.done and not (
            progress.rule_met and enrolment.completed_at is None):
        return progress
    # counted before the write lock (a lesson's Markdown is parsed once per process)
    takeaways = recall.takeaway_count(lesson.body_md) if lesson.kind != "quiz" else 0
    begin_write(session)
    insert = insert_for(session)
    statement = insert(LessonProgress).values(
        user_id=user_id,
        lesson_id=lesson.id,
        first_opened_at=now,
        last_opened_at=now,
        completed_at=now,
        seconds_spent=0,
    )
    changed = session.exec(
        statement.on_conflict_do_update(
            index_elements=["user_id", "lesson_id"],
            set_={"completed_at": statement.excluded.completed_at},
            where=col(LessonProgress.completed_at).is_(None),
        ).returning(LessonProgress.lesson_id)  # a row only when it was written
    ).first()
    # read again: another request may have completed it first
    progress = course_progress(session, course=course, user_id=user_id, enrolment=enrolment)
    if changed is not None:
        summary.lesson_completed(session, course_id=course.id, user_id=user_id,
                                 percent=progress.percent, now=now)
        if takeaways:  # its key takeaways become daily-review cards
            recall.add_takeaway_cards(session, user_id=user_id, lesson=lesson, now=now,
                                      count=takeaways)
    if progress.rule_met and enrolment.completed_at is None:
        code = new_certificate_code()
        completed = session.exec(
            update(Enrolment)
            .where(Enrolment.id == enrolment.id, col(Enrolment.completed_at).is_(None))
            .values(completed_at=now, certificate_code=code)
        ).rowcount
        session.refresh(enrolment)
        progress.enrolment = enrolment
        if completed:
            notify(session, user_id=user_id, kind="certificate",
                   params={"course": course.title, "code": code},
                   link=certificate_url(course.slug), dedupe_key=f"certificate:{enrolment.id}",
                   now=now)
    return progress


def complete_activity(session: Session, *, user_id: int, kind: str,
                      now: datetime | None = None) -> None:
    """A trainer approved the executive's workbook of ``kind``: the activity lessons of
    that kind are complete in every course they are enrolled in."""
    rows = session.exec(
        select(Lesson, Course, Enrolment)
        .join(Course, col(Course.id) == Lesson.course_id)
        .join(Module, col(Module.id) == Lesson.module_id)
        .join(Enrolment, (col(Enrolment.course_id) == Lesson.course_id)
              & (col(Enrolment.user_id) == user_id))
        .where(Lesson.kind == kind, col(Lesson.retired_at).is_(None),
               col(Module.retired_at).is_(None))
    ).all()
    for lesson, course, enrolment in rows:
        complete_lesson(session, user_id=user_id, course=course, lesson=lesson,
                        enrolment=enrolment, now=now)


def complete_approved_activities(session: Session, *, course: Course, user_ids: list[int],
                                 now: datetime | None = None) -> None:
    """Newly enrolled executives whose workbook was approved before: the course's
    activity lessons of that kind are complete from the start."""
    if not user_ids:
        return
    kinds = set(session.exec(
        select(Lesson.kind).where(Lesson.course_id == course.id,
                                  col(Lesson.kind).in_(ACTIVITY_KINDS),
                                  col(Lesson.retired_at).is_(None))
    ).all())
    if not kinds:
        return
    approved = session.exec(
        select(Workbook.user_id, Workbook.kind)
        .where(col(Workbook.user_id).in_(user_ids), col(Workbook.kind).in_(kinds),
               col(Workbook.approved_at).is_not(None))
    ).all()
    for user_id, kind in approved:
        complete_activity(session, user_id=user_id, kind=kind, now=now)


def record_reading_time(
    session: Session, *, user_id: int, lesson: Lesson, seconds: int, now: datetime | None = None
) -> None:
    """Credit reading time from a page heartbeat, bounded three ways: per beat, by the
    time since the previous beat, and per lesson (so a tab left open overnight is not
    counted as hours)."""
    now = now or utcnow()
    row = session.get(LessonProgress, (user_id, lesson.id), populate_existing=True)
    if row is None:
        return
    credit = max(0, min(seconds, MAX_BEAT_SECONDS))
    if row.last_beat_at is not None:
        credit = min(credit, int((now - row.last_beat_at).total_seconds()))
    cap = lesson.minutes * 60 * TIME_CAP_FACTOR
    credit = max(0, min(credit, cap - row.seconds_spent))
    previous_beat = row.last_beat_at
    begin_write(session)
    # Written only if no other beat (another tab) was counted since this one was read.
    counted = session.exec(
        update(LessonProgress)
        .where(col(LessonProgress.user_id) == user_id,
               col(LessonProgress.lesson_id) == lesson.id,
               col(LessonProgress.last_beat_at).is_(None) if previous_beat is None
               else col(LessonProgress.last_beat_at) == previous_beat)
        .values(last_beat_at=now, seconds_spent=col(LessonProgress.seconds_spent) + credit)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not counted:
        return
    set_committed_value(row, "last_beat_at", now)  # what the row now holds
    set_committed_value(row, "seconds_spent", row.seconds_spent + credit)
    summary.add_reading_time(session, course_id=lesson.course_id, user_id=user_id,
                                 seconds=credit, now=now)


def new_certificate_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(10)).decode()  # 80 bits, 16 characters
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


@dataclass(frozen=True)
class Certificate:
    code: str
    full_name: str
    course_title: str
    completed_at: datetime
    user_id: int
    course_slug: str


def certificate_for(session: Session, *, user_id: int, course: Course) -> Certificate | None:
    enrolment = get_enrolment(session, user_id=user_id, course_id=course.id)
    if enrolment is None or not enrolment.completed_at or not enrolment.certificate_code:
        return None
    return verify_certificate(session, code=enrolment.certificate_code)


def verify_certificate(session: Session, *, code: str) -> Certificate | None:
    normalised = code.strip().upper()
    row = session.exec(
        select(Enrolment, User, Course)
        .join(User, User.id == Enrolment.user_id)
        .join(Course, Course.id == Enrolment.course_id)
        .where(Enrolment.certificate_code == normalised)
    ).first()
    if row is None or row[0].completed_at is None:
        return None
    enrolment, user, course = row
    return Certificate(
        code=normalised,
        full_name=user.full_name,
        course_title=course.title,
        completed_at=enrolment.completed_at,
        user_id=user.id,
        course_slug=course.slug,
    )
