"""Completion figures, breakdowns and the learner table for HR, aggregated in SQL.

Every figure is computed from one row per enrolment: the progress summary kept on the
enrolment by ``app.learning.summary`` (started, last activity, percent, time, quiz
scores) plus ``completed_at`` and ``due_date``. So the cost of a view grows with the
number of enrolments, never with the number of lessons opened or quiz attempts, and
nothing is added up in Python beyond the handful of rows each query returns.

HR sees statuses and scores only: nothing here reads persona or plan text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    Date,
    Float,
    Select,
    and_,
    case,
    cast,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from app.content.keys import text_key
from app.courses.service import course_outline
from app.models import (
    Cohort,
    CohortMember,
    Course,
    Enrolment,
    Lesson,
    LessonProgress,
    Module,
    User,
    Workbook,
)
from app.reports.filters import (
    COMPLETED,
    IN_PROGRESS,
    NOT_STARTED,
    OVERDUE,
    PAGE_SIZE,
    ReportFilter,
    ReportQuery,
)
from app.workbooks import service as workbooks

E = Enrolment.__table__  # type: ignore[attr-defined]
U = User.__table__  # type: ignore[attr-defined]
C = Course.__table__  # type: ignore[attr-defined]
W = Workbook.__table__  # type: ignore[attr-defined]
CM = CohortMember.__table__  # type: ignore[attr-defined]
CH = Cohort.__table__  # type: ignore[attr-defined]

WORKBOOK_STATUSES = tuple(workbooks.STATUS_LABELS)  # not-started … approved
NO_COHORT, NO_DEPARTMENT = "No cohort", "No department"


# The view's enrolments ----------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """A filter resolved against the database: the WHERE clause of every query."""

    filter: ReportFilter
    today: date
    course_ids: tuple[int, ...] | None  # None: every course
    sqlite: bool = False

    @property
    def one_course(self) -> bool:
        return self.course_ids is not None and len(self.course_ids) == 1

    def where(self) -> list[ColumnElement[bool]]:
        flt, conditions = self.filter, []
        if self.course_ids is not None:
            # SQLite would read a large course through its course_id index, row by row in
            # index order; scanning the table is several times faster, so the index is
            # ruled out there (SQLite's documented unary "+" idiom). PostgreSQL's planner
            # decides from its statistics.
            course = (0 + E.c.course_id) if self.sqlite else E.c.course_id
            conditions.append(course.in_(self.course_ids))
        if flt.cohort is not None:
            member = CM.alias("member")  # by_cohort joins cohort_member itself
            conditions.append(exists().where(member.c.user_id == E.c.user_id,
                                             member.c.cohort_id == flt.cohort))
        if flt.department is not None:
            conditions.append(U.c.department == flt.department)
        if flt.enrolled_from is not None:
            conditions.append(E.c.enrolled_at >= _midnight(flt.enrolled_from))
        if flt.enrolled_to is not None:
            conditions.append(E.c.enrolled_at < _midnight(flt.enrolled_to + timedelta(days=1)))
        if flt.status == COMPLETED:
            conditions.append(E.c.completed_at.is_not(None))
        elif flt.status == IN_PROGRESS:
            conditions.append(and_(E.c.completed_at.is_(None), E.c.started_at.is_not(None)))
        elif flt.status == NOT_STARTED:
            conditions.append(and_(E.c.completed_at.is_(None), E.c.started_at.is_(None)))
        elif flt.status == OVERDUE:
            conditions.append(self.overdue())
        return conditions

    def overdue(self) -> ColumnElement[bool]:
        return and_(E.c.completed_at.is_(None), E.c.due_date < self.today)

    def select_from(self, *columns: Any, users: bool = False) -> Select[Any]:
        """A query over the view's enrolments (joined to their executives when ``users``
        or when a filter needs them)."""
        joined = users or self.filter.department is not None
        source = E.join(U, U.c.id == E.c.user_id) if joined else E
        return select(*columns).select_from(source).where(*self.where())


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def scope(session: Session, flt: ReportFilter, *, today: date) -> Scope:
    course_ids: tuple[int, ...] | None = None
    if flt.course is not None:
        course_ids = tuple(session.exec(
            select(Course.id).where(Course.slug == flt.course)).scalars().all())
    return Scope(filter=flt, today=today, course_ids=course_ids,
                 sqlite=session.get_bind().dialect.name == "sqlite")


def courses_updating(session: Session, where: Scope) -> list[str]:
    """Titles of the view's courses whose figures a background job is still recounting
    (after a change of their required lessons)."""
    query = select(Course.title).where(col(Course.figures_pending_since).is_not(None))
    if where.course_ids is not None:
        query = query.where(col(Course.id).in_(where.course_ids))
    return list(session.exec(query.order_by(Course.title)).scalars().all())


@dataclass(frozen=True)
class Choices:
    """What the filter fields offer."""

    courses: list[tuple[str, str]]  # slug, title
    cohorts: list[tuple[int, str]]
    departments: list[str]


def choices(session: Session) -> Choices:
    courses = session.exec(select(Course.slug, Course.title).order_by(Course.title)).all()
    cohorts = session.exec(select(Cohort.id, Cohort.name).order_by(Cohort.name)).all()
    departments = session.exec(  # from the department index alone
        select(User.department).where(col(User.department).is_not(None),
                                      User.department != "")
        .distinct().order_by(User.department)).scalars().all()
    return Choices(courses=[tuple(c) for c in courses],  # type: ignore[misc]
                   cohorts=[tuple(c) for c in cohorts],  # type: ignore[misc]
                   departments=[d for d in departments if d])


def cohort_id_by_name(session: Session, name: str) -> int | None:
    return session.exec(select(Cohort.id).where(Cohort.name_key == text_key(name))
                        ).scalars().first()


def check_filter(session: Session, query: ReportQuery) -> dict[str, str]:
    """Messages for filter values that name nothing (a course or cohort that does not
    exist), on top of the ones parsing found."""
    errors = dict(query.errors)
    flt = query.filter
    if flt.course is not None and session.exec(
            select(Course.id).where(Course.slug == flt.course)).first() is None:
        errors["course"] = "There is no course with this name. Choose one from the list."
    if flt.cohort is not None and session.get(Cohort, flt.cohort) is None:
        errors["cohort"] = "There is no such cohort. Choose one from the list."
    return errors


# Figures --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Figures:
    enrolled: int
    started: int
    completed: int
    overdue: int
    median_days: float | None  # enrolment to completion
    quiz_average: float | None  # mean of the best score of every quiz taken
    persona: dict[str, int]  # workbook status → executives
    plan: dict[str, int]
    persona_approved_enrolments: int

    @property
    def completion_rate(self) -> float | None:
        return None if not self.enrolled else 100 * self.completed / self.enrolled

    @property
    def in_progress(self) -> int:
        return self.started - self.completed

    @property
    def not_started(self) -> int:
        return self.enrolled - self.started


def _started() -> ColumnElement[bool]:
    return or_(E.c.started_at.is_not(None), E.c.completed_at.is_not(None))


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def figures(session: Session, where: Scope) -> Figures:
    """All figures in one pass over the view's enrolments (and the median in a second)."""
    persona, plan = W.alias("persona"), W.alias("plan")

    def executives(condition: ColumnElement[bool]) -> ColumnElement[Any]:
        # one course: one enrolment per executive; across courses, count each one once
        if where.one_course:
            return _count_if(condition)
        return func.count(func.distinct(case((condition, E.c.user_id), else_=None)))

    def status_of(table: Any, name: str) -> ColumnElement[bool]:
        if name == workbooks.NOT_STARTED:
            return table.c.status.is_(None)
        return table.c.status == name

    joined = E.join(U, U.c.id == E.c.user_id) if where.filter.department is not None else E
    row = session.exec(
        select(func.count(), _count_if(_started()), _count_if(E.c.completed_at.is_not(None)),
               _count_if(where.overdue()), func.sum(E.c.quiz_best_total),
               func.sum(E.c.quizzes_scored), _count_if(persona.c.status == workbooks.APPROVED),
               *(executives(status_of(persona, name)) for name in WORKBOOK_STATUSES),
               *(executives(status_of(plan, name)) for name in WORKBOOK_STATUSES))
        .select_from(joined
                     .outerjoin(persona, and_(persona.c.user_id == E.c.user_id,
                                              persona.c.kind == "persona"))
                     .outerjoin(plan, and_(plan.c.user_id == E.c.user_id, plan.c.kind == "plan")))
        .where(*where.where())).one()
    enrolled, started, completed, overdue, quiz_total, quiz_count, approved = row[:7]
    count = len(WORKBOOK_STATUSES)
    return Figures(
        enrolled=enrolled, started=started, completed=completed, overdue=overdue,
        median_days=_median_days(session, where, completed),
        quiz_average=(quiz_total / quiz_count) if quiz_count else None,
        persona=dict(zip(WORKBOOK_STATUSES, row[7:7 + count], strict=True)),
        plan=dict(zip(WORKBOOK_STATUSES, row[7 + count:], strict=True)),
        persona_approved_enrolments=approved)


def _duration_days(session: Session) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", E.c.completed_at - E.c.enrolled_at) / 86400.0
    return func.julianday(E.c.completed_at) - func.julianday(E.c.enrolled_at)


def _median_days(session: Session, where: Scope, completed: int) -> float | None:
    """The middle value (or the mean of the two middle ones), found by the database
    sorting the durations and returning only those."""
    if not completed:
        return None
    duration = cast(_duration_days(session), Float).label("days")
    middle = session.exec(
        where.select_from(duration).where(E.c.completed_at.is_not(None))
        .order_by(duration).offset((completed - 1) // 2).limit(2 - completed % 2)).all()
    values = [max(0.0, float(row[0])) for row in middle]
    return sum(values) / len(values)


# Breakdowns for the charts --------------------------------------------------------------

@dataclass(frozen=True)
class Group:
    label: str
    enrolled: int
    completed: int

    @property
    def rate(self) -> float | None:
        return None if not self.enrolled else 100 * self.completed / self.enrolled


def by_cohort(session: Session, where: Scope) -> list[Group]:
    """Enrolled and completed per cohort (an executive in two cohorts counts in both)."""
    joined = E.join(U, U.c.id == E.c.user_id) if where.filter.department is not None else E
    rows = session.exec(
        select(CM.c.cohort_id, func.count(), _count_if(E.c.completed_at.is_not(None)))
        .select_from(joined.outerjoin(CM, CM.c.user_id == E.c.user_id))
        .where(*where.where()).group_by(CM.c.cohort_id)).all()
    names = dict(session.exec(select(Cohort.id, Cohort.name).where(
        col(Cohort.id).in_([cohort_id for cohort_id, *_ in rows if cohort_id]))).all())
    groups = [Group(names.get(cohort_id, NO_COHORT), enrolled, completed)
              for cohort_id, enrolled, completed in rows]
    return sorted(groups, key=lambda g: (g.label == NO_COHORT, g.label.casefold()))


def by_department(session: Session, where: Scope) -> list[Group]:
    department = func.coalesce(func.nullif(U.c.department, ""), NO_DEPARTMENT)
    rows = session.exec(
        where.select_from(department, func.count(), _count_if(E.c.completed_at.is_not(None)),
                          users=True)
        .group_by(department)).all()
    groups = [Group(name, enrolled, completed) for name, enrolled, completed in rows]
    return sorted(groups, key=lambda g: (g.label == NO_DEPARTMENT, g.label.casefold()))


def _day(session: Session, column: Any) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return func.date(column)


def completions_over_time(session: Session, where: Scope) -> list[tuple[date, int]]:
    """Cumulative completions at the end of each week (or month, over long spans): the
    database counts per day; only those few rows are bucketed here."""
    day = _day(session, E.c.completed_at).label("day")
    rows = session.exec(
        where.select_from(day, func.count()).where(E.c.completed_at.is_not(None))
        .group_by(day).order_by(day)).all()
    per_day = [(d if isinstance(d, date) else date.fromisoformat(d), n) for d, n in rows]
    if not per_day:
        return []
    monthly = (per_day[-1][0] - per_day[0][0]).days > 26 * 7

    def bucket(d: date) -> date:
        return d.replace(day=1) if monthly else d - timedelta(days=d.weekday())

    points: dict[date, int] = {}
    total = 0
    for d, n in per_day:
        total += n
        points[bucket(d)] = total
    return sorted(points.items())


# The learner table ----------------------------------------------------------------------

@dataclass(frozen=True)
class ModuleCell:
    title: str
    done: int
    required: int


@dataclass
class LearnerRow:
    user_id: int
    full_name: str
    email: str
    department: str | None
    course_slug: str
    course_title: str
    enrolled_at: datetime
    due_date: date | None
    started_at: datetime | None
    completed_at: datetime | None
    last_activity_at: datetime | None
    percent: int
    seconds_spent: int
    quiz_average: float | None
    overdue: bool
    persona: str = workbooks.NOT_STARTED
    plan: str = workbooks.NOT_STARTED
    modules: list[ModuleCell] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.completed_at is not None:
            return COMPLETED
        return IN_PROGRESS if self.started_at is not None else NOT_STARTED


@dataclass(frozen=True)
class LearnerPage:
    rows: list[LearnerRow]
    total: int
    page: int
    pages: int


def _quiz_average() -> ColumnElement[Any]:
    return case((E.c.quizzes_scored > 0, E.c.quiz_best_total / E.c.quizzes_scored), else_=None)


def _status_rank() -> ColumnElement[Any]:
    return case((E.c.completed_at.is_not(None), 2), (E.c.started_at.is_not(None), 1), else_=0)


def _sort_key(sort: str) -> ColumnElement[Any]:
    return {
        "name": func.lower(U.c.full_name),
        "department": func.lower(U.c.department),
        "enrolled": E.c.enrolled_at,
        "due": E.c.due_date,
        "status": _status_rank(),
        "progress": E.c.progress_percent,
        "last_activity": E.c.last_activity_at,
        "score": _quiz_average(),
    }[sort]


def learners(session: Session, where: Scope, query: ReportQuery, *, total: int,
             page_size: int = PAGE_SIZE) -> LearnerPage:
    """One page of the view's enrolments, sorted (empty values last either way)."""
    pages = max(1, -(-total // page_size))
    page = min(query.page, pages)
    key = _sort_key(query.sort)
    order = (key.desc() if query.descending else key.asc()).nulls_last()
    rows = session.exec(
        select(E.c.user_id, U.c.full_name, U.c.email, U.c.department, C.c.slug, C.c.title,
               E.c.enrolled_at, E.c.due_date, E.c.started_at, E.c.completed_at,
               E.c.last_activity_at, E.c.progress_percent, E.c.seconds_spent, _quiz_average(),
               where.overdue(), E.c.course_id)
        .select_from(E.join(U, U.c.id == E.c.user_id).join(C, C.c.id == E.c.course_id))
        .where(*where.where())
        .order_by(order, func.lower(U.c.full_name), E.c.id)
        .offset((page - 1) * page_size).limit(page_size)).all()
    result = [LearnerRow(*row[:14], overdue=bool(row[14])) for row in rows]
    course_of = {(row[0], row[4]): row[15] for row in rows}
    _attach_modules(session, result, course_of)
    _attach_workbooks(session, result)
    return LearnerPage(rows=result, total=total, page=page, pages=pages)


def _attach_modules(session: Session, rows: Sequence[LearnerRow],
                    course_of: dict[tuple[int, str], int]) -> None:
    """Required lessons done per live module, for the page's rows only (one query)."""
    if not rows:
        return
    course_ids = set(course_of.values())
    done = {
        (user_id, module_id): count
        for user_id, module_id, count in session.exec(
            select(LessonProgress.user_id, Lesson.module_id, func.count())
            .join(Lesson, col(Lesson.id) == LessonProgress.lesson_id)
            .join(Module, col(Module.id) == Lesson.module_id)
            .where(col(LessonProgress.user_id).in_({r.user_id for r in rows}),
                   col(Lesson.course_id).in_(course_ids), col(Lesson.required).is_(True),
                   col(Lesson.retired_at).is_(None), col(Module.retired_at).is_(None),
                   col(LessonProgress.completed_at).is_not(None))
            .group_by(LessonProgress.user_id, Lesson.module_id)).all()
    }
    outlines = {course.id: course_outline(session, course) for course in session.exec(
        select(Course).where(col(Course.id).in_(course_ids))).scalars()}
    for row in rows:
        outline = outlines[course_of[(row.user_id, row.course_slug)]]
        row.modules = [
            ModuleCell(module.title, done.get((row.user_id, module.id), 0),
                       sum(1 for lesson in lessons if lesson.required))
            for module, lessons in outline]


def _attach_workbooks(session: Session, rows: Sequence[LearnerRow]) -> None:
    if not rows:
        return
    found = {(user_id, kind): status for user_id, kind, status in session.exec(
        select(Workbook.user_id, Workbook.kind, Workbook.status)
        .where(col(Workbook.user_id).in_({r.user_id for r in rows}))).all()}
    for row in rows:
        row.persona = found.get((row.user_id, "persona"), workbooks.NOT_STARTED)
        row.plan = found.get((row.user_id, "plan"), workbooks.NOT_STARTED)

