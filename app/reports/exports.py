"""Completion reports as CSV and XLSX: one row per executive and course of a view.

Rows are streamed from the database (``yield_per``) and written as they arrive, so memory
stays flat however many rows there are: CSV goes out in chunks while the query runs;
XLSX is written by xlsxwriter in ``constant_memory`` mode to a temporary file, which is
then sent. Every text cell passes through ``safe_cell`` (no spreadsheet ever runs a
cell as a formula); numbers and dates are written as numbers and dates. Times are UTC and
written in ISO 8601.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

import xlsxwriter
from sqlalchemy import and_, case, func, select
from sqlalchemy.dialects import postgresql
from sqlmodel import Session, col

from app.audit.service import record as audit
from app.content.cells import csv_chunks, safe_cell
from app.models import Course, Lesson, Module, QuizAttempt
from app.reports.filters import COMPLETED, IN_PROGRESS, NOT_STARTED, STATUSES
from app.reports.service import CH, CM, E, Scope, U, W
from app.workbooks.service import STATUS_LABELS

C = Course.__table__  # type: ignore[attr-defined]
QA = QuizAttempt.__table__  # type: ignore[attr-defined]
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BATCH = 2_000  # rows fetched from the database at a time

FIXED_HEADERS = [
    "Email", "Name", "Department", "Cohorts", "Course", "Enrolled at (UTC)", "Due date",
    "Status", "Overdue", "Percent complete", "Completed at (UTC)", "Last activity (UTC)",
    "Time spent (minutes)",
]
WORKBOOK_HEADERS = ["Persona status", "Plan status"]
_STATUS_BY_RANK = {2: STATUSES[COMPLETED], 1: STATUSES[IN_PROGRESS], 0: STATUSES[NOT_STARTED]}

Cell = str | int | float | date | datetime | None


@dataclass(frozen=True)
class QuizColumn:
    heading: str
    course_id: int
    lesson_ids: tuple[int, ...]


@dataclass(frozen=True)
class Report:
    headers: list[str]
    rows: Iterator[list[Cell]]


def quiz_columns(session: Session, where: Scope) -> list[QuizColumn]:
    """One column per live module that has live quizzes, in course and module order; the
    course is named too when the view spans several courses."""
    query = (select(Course.id, Course.title, Module.title, Lesson.id)
             .join(Module, col(Module.course_id) == Course.id)
             .join(Lesson, col(Lesson.module_id) == Module.id)
             .where(Lesson.kind == "quiz", col(Lesson.retired_at).is_(None),
                    col(Module.retired_at).is_(None))
             .order_by(Course.title, Course.id, Module.position, Lesson.position))
    if where.course_ids is not None:
        query = query.where(col(Course.id).in_(where.course_ids))
    rows = session.exec(query).all()
    several = len({course_id for course_id, *_ in rows}) > 1
    columns: dict[tuple[int, str], list[int]] = {}
    titles: dict[tuple[int, str], str] = {}
    for course_id, course_title, module_title, lesson_id in rows:
        key = (course_id, module_title)
        columns.setdefault(key, []).append(lesson_id)
        titles[key] = f"{course_title} — {module_title}" if several else module_title
    return [QuizColumn(f"Best quiz score: {titles[key]} (%)", key[0], tuple(ids))
            for key, ids in columns.items()]


def report(session: Session, where: Scope) -> Report:
    quizzes = quiz_columns(session, where)
    persona, plan = W.alias("persona"), W.alias("plan")
    scores = [
        case((E.c.course_id == quiz.course_id,
              select(func.max(QA.c.score))
              .where(QA.c.user_id == E.c.user_id, QA.c.lesson_id.in_(quiz.lesson_ids),
                     QA.c.score.is_not(None)).scalar_subquery()), else_=None)
        for quiz in quizzes]
    statement = (
        select(U.c.email, U.c.full_name, U.c.department, _cohorts(session), C.c.title,
               E.c.enrolled_at, E.c.due_date,
               case((E.c.completed_at.is_not(None), 2), (E.c.started_at.is_not(None), 1),
                    else_=0),
               where.overdue(), E.c.progress_percent, E.c.completed_at, E.c.last_activity_at,
               E.c.seconds_spent, *scores, persona.c.status, plan.c.status)
        .select_from(
            E.join(U, U.c.id == E.c.user_id).join(C, C.c.id == E.c.course_id)
            .outerjoin(persona, and_(persona.c.user_id == E.c.user_id,
                                     persona.c.kind == "persona"))
            .outerjoin(plan, and_(plan.c.user_id == E.c.user_id, plan.c.kind == "plan")))
        .where(*where.where())
        .order_by(C.c.title, func.lower(U.c.full_name), E.c.id)
        .execution_options(yield_per=BATCH))

    def rows() -> Iterator[list[Cell]]:
        for row in session.execute(statement):
            (email, name, department, cohorts, course, enrolled_at, due_date, rank, overdue,
             percent, completed_at, last_activity, seconds, *rest) = row
            *quiz_scores, persona_status, plan_status = rest
            yield [email, name, department or "", cohorts or "", course, enrolled_at, due_date,
                   _STATUS_BY_RANK[rank], "Yes" if overdue else "No", percent, completed_at,
                   last_activity, round(seconds / 60, 1),
                   *[None if s is None else round(float(s), 1) for s in quiz_scores],
                   _workbook_label(persona_status), _workbook_label(plan_status)]

    headers = FIXED_HEADERS + [q.heading for q in quizzes] + WORKBOOK_HEADERS
    return Report(headers=headers, rows=rows())


def _workbook_label(status: str | None) -> str:
    return STATUS_LABELS.get(status or "not-started", status or "")


def _cohorts(session: Session) -> Any:
    """The executive's cohorts, by name, separated by "; " (one correlated subquery)."""
    mine = CH.join(CM, CM.c.cohort_id == CH.c.id)
    if session.get_bind().dialect.name == "postgresql":
        joined = func.string_agg(CH.c.name, postgresql.aggregate_order_by("; ", CH.c.name))
        return select(joined).select_from(mine).where(CM.c.user_id == E.c.user_id) \
            .scalar_subquery()
    ordered = (select(CH.c.name).select_from(mine).where(CM.c.user_id == E.c.user_id)
               .order_by(CH.c.name).correlate(E).subquery())  # correlate: it is in FROM
    return select(func.group_concat(ordered.c.name, "; ")).scalar_subquery()


# Writing --------------------------------------------------------------------------------

def write_csv(report: Report, out: TextIO) -> int:
    """Write the whole CSV to a text file opened with ``newline=""``; returns the rows."""
    count = 0

    def counted() -> Iterator[list[Cell]]:
        nonlocal count
        for row in report.rows:
            count += 1
            yield row

    for chunk in csv_chunks(report.headers, counted()):
        out.write(chunk)
    return count


def write_xlsx(report: Report, path: Path) -> int:
    """Write the report as one worksheet, row by row (constant memory); returns the rows."""
    book = xlsxwriter.Workbook(str(path), {
        "constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
        "strings_to_urls": False, "remove_timezone": True,
        "tmpdir": str(path.parent)})
    try:
        sheet = book.add_worksheet("Completion")
        bold = book.add_format({"bold": True, "bottom": 1})
        stamp = book.add_format({"num_format": 'yyyy-mm-dd"T"hh:mm:ss"Z"'})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        for column, heading in enumerate(report.headers):
            sheet.write_string(0, column, safe_cell(heading), bold)
        sheet.freeze_panes(1, 0)
        widths = [max(10, min(40, len(h) + 2)) for h in report.headers]
        for column, width in enumerate(widths):
            sheet.set_column(column, column, width)
        count = 0
        for count, row in enumerate(report.rows, start=1):
            for column, value in enumerate(row):
                _write_cell(sheet, count, column, value, stamp, day)
        if count:
            sheet.autofilter(0, 0, count, len(report.headers) - 1)
    finally:
        book.close()
    return count


def _write_cell(sheet: Any, row: int, column: int, value: Cell, stamp: Any, day: Any) -> None:
    if value is None or value == "":
        return
    if isinstance(value, datetime):
        sheet.write_datetime(row, column, value.astimezone(UTC).replace(tzinfo=None), stamp)
    elif isinstance(value, date):
        sheet.write_datetime(row, column, datetime(value.year, value.month, value.day), day)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        sheet.write_number(row, column, value)
    else:
        sheet.write_string(row, column, safe_cell(str(value)))


def record_export(session: Session, *, where: Scope, fmt: str) -> None:
    """Say in the audit trail that the current user downloaded a report, with its filters
    (personal data left the app)."""
    audit(session, action="report.exported", target_type="report", target_id=fmt,
          target_label=f"Completion report ({fmt.upper()}), "
                       f"{where.filter.course or 'all courses'}",
          details={"format": fmt, **where.filter.params()})


def filename(where: Scope, fmt: str, now: datetime) -> str:
    """A server-chosen name: the course (or "all-courses") and the time of the export."""
    subject = where.filter.course or "all-courses"
    subject = re.sub(r"[^a-z0-9-]+", "-", subject.lower()).strip("-")[:60] or "course"
    return f"podium-completion-{subject}-{now.astimezone(UTC):%Y%m%d-%H%M}.{fmt}"
