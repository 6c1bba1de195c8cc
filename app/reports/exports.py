"""Completion reports as CSV and XLSX: one row per executive and course of a view.

The rows come from one SELECT whose values are ready to write: labels (status, overdue,
workbook statuses) and the minutes are computed by the database, and each executive's
cohorts and best quiz score of every module in the shape each database does best (see
``_grouped`` and ``_correlated``). Each column has a kind (``app.content.cells``), so a
writer converts only the columns that need it, without looking at each value's type.

Rows are streamed from the database (``yield_per``) and written as they arrive, so memory
stays flat however many rows there are: CSV goes out in chunks while the query runs;
XLSX is written by xlsxwriter in ``constant_memory`` mode to a file. Every text cell
passes through ``safe_cell`` (no spreadsheet ever runs a cell as a formula); numbers and
dates are written as numbers and dates. Times are UTC and written in ISO 8601.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

import xlsxwriter
from sqlalchemy import Float, Select, and_, case, cast, func, literal, select
from sqlalchemy.dialects import postgresql
from sqlmodel import Session, col

from app.audit.service import record as audit
from app.content.cells import (
    DAY,
    DECIMAL,
    INTEGER,
    LABEL,
    STAMP,
    TEXT,
    csv_chunks,
    safe_cell,
)
from app.models import Course, Lesson, Module, QuizAttempt
from app.reports.activity import EXPORT_HEADERS as ACTIVITY_HEADERS
from app.reports.activity import export_columns
from app.reports.filters import COMPLETED, IN_PROGRESS, NOT_STARTED, STATUSES, ReportFilter
from app.reports.service import CH, CM, E, Scope, U, W
from app.workbooks.service import NOT_STARTED as WORKBOOK_NOT_STARTED
from app.workbooks.service import STATUS_LABELS

C = Course.__table__  # type: ignore[attr-defined]
QA = QuizAttempt.__table__  # type: ignore[attr-defined]
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BATCH = 2_000  # rows fetched from the database at a time

FIXED_COLUMNS = [
    ("Email", TEXT), ("Name", TEXT), ("Department", TEXT), ("Cohorts", TEXT), ("Course", TEXT),
    ("Enrolled at (UTC)", STAMP), ("Due date", DAY), ("Status", LABEL), ("Overdue", LABEL),
    ("Percent complete", INTEGER), ("Completed at (UTC)", STAMP),
    ("Last activity (UTC)", STAMP), ("Time spent (minutes)", DECIMAL),
]
FIXED_HEADERS = [heading for heading, _ in FIXED_COLUMNS]
WORKBOOK_HEADERS = ["Persona status", "Plan status"]
# The weekly activity log of the executive's cohorts, in aggregate (``app.reports.activity``):
# the executives of the row's cohorts taken together, never the row's own numbers.
ACTIVITY_KINDS = [INTEGER] + [DECIMAL] * (len(ACTIVITY_HEADERS) - 1)
COHORTS_COLUMN = 3

Cell = str | int | float | date | datetime | None


@dataclass(frozen=True)
class QuizColumn:
    heading: str
    course_id: int
    lesson_ids: tuple[int, ...]


@dataclass(frozen=True)
class Report:
    headers: list[str]
    kinds: list[str]  # one of app.content.cells.KINDS per column
    rows: Iterator[Sequence[Cell]]


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
    """The view's rows, read lazily (the query runs when ``rows`` is first iterated).
    Each row ends with the activity aggregates of its cohorts, worked out beforehand per
    cohort (a handful of values) and looked up by the row's "Cohorts" cell."""
    quizzes = quiz_columns(session, where)
    statement = rows_statement(session, where, quizzes)
    headers = (FIXED_HEADERS + [q.heading for q in quizzes] + WORKBOOK_HEADERS
               + ACTIVITY_HEADERS)
    kinds = ([kind for _, kind in FIXED_COLUMNS] + [DECIMAL] * len(quizzes) + [LABEL, LABEL]
             + ACTIVITY_KINDS)
    activity = export_columns(session, today=where.today)

    def rows() -> Iterator[Sequence[Cell]]:
        for row in session.execute(statement):
            yield (*row, *activity(row[COHORTS_COLUMN]))

    return Report(headers=headers, kinds=kinds, rows=rows())


def count_rows(session: Session, where: Scope) -> int:
    """How many rows the view's report has (one per enrolment), without reading them."""
    return session.exec(where.select_from(func.count())).one()[0]


def rows_statement(session: Session, where: Scope, quizzes: Sequence[QuizColumn]) -> Select[Any]:
    """The SELECT of the report's rows, in the order of its columns."""
    persona, plan = W.alias("persona"), W.alias("plan")
    source = E.join(U, U.c.id == E.c.user_id).join(C, C.c.id == E.c.course_id)
    if session.get_bind().dialect.name == "postgresql":
        source, cohorts, scores = _grouped(source, where, quizzes)
    else:
        cohorts, scores = _correlated(quizzes)
    source = (source
              .outerjoin(persona, and_(persona.c.user_id == E.c.user_id,
                                       persona.c.kind == "persona"))
              .outerjoin(plan, and_(plan.c.user_id == E.c.user_id, plan.c.kind == "plan")))
    # a quiz column belongs to one course: empty on the executive's other courses' rows
    scores = [case((E.c.course_id == quiz.course_id, score), else_=None)
              for quiz, score in zip(quizzes, scores, strict=True)]
    return (
        select(U.c.email, U.c.full_name, U.c.department, cohorts, C.c.title,
               E.c.enrolled_at, E.c.due_date,
               case((E.c.completed_at.is_not(None), literal(STATUSES[COMPLETED])),
                    (E.c.started_at.is_not(None), literal(STATUSES[IN_PROGRESS])),
                    else_=literal(STATUSES[NOT_STARTED])),
               case((where.overdue(), literal("Yes")), else_=literal("No")),
               E.c.progress_percent, E.c.completed_at, E.c.last_activity_at,
               cast(E.c.seconds_spent, Float) / 60.0,
               *scores, _workbook_label(persona.c.status), _workbook_label(plan.c.status))
        .select_from(source)
        .where(*where.where())
        .order_by(C.c.title, func.lower(U.c.full_name), E.c.id)
        .execution_options(yield_per=BATCH))


def _workbook_label(status: Any) -> Any:
    """The status as people read it; no workbook: "Not started"."""
    return case({name: literal(label) for name, label in STATUS_LABELS.items()},
                value=func.coalesce(status, WORKBOOK_NOT_STARTED), else_=status)


# Each executive's cohorts and best quiz scores, in the shape each database does best:
# PostgreSQL evaluates a correlated subquery per row and column as a subplan (seven per row
# here: seconds for 100,000 rows, plus the JIT compiling them), and aggregates the view's
# executives in one hashed pass within work_mem; SQLite answers each correlated lookup
# from an index in microseconds, but keeps grouped subqueries it joins in memory (about
# 16 MiB more per 100,000 rows), which an export must not do.

def _grouped(source: Any, where: Scope,
             quizzes: Sequence[QuizColumn]) -> tuple[Any, Any, list[Any]]:
    """PostgreSQL: the view's executives' cohorts and best scores as grouped subqueries,
    joined; returns the joined source, the cohorts column and one column per quiz."""
    view = where.select_from(E.c.user_id).correlate(None)  # the view's executives
    mine = CH.join(CM, CM.c.cohort_id == CH.c.id)
    names = func.string_agg(CH.c.name, postgresql.aggregate_order_by("; ", CH.c.name))
    cohorts = (select(CM.c.user_id, names.label("names")).select_from(mine)
               .where(CM.c.user_id.in_(view)).group_by(CM.c.user_id).subquery("cohorts"))
    source = source.outerjoin(cohorts, cohorts.c.user_id == E.c.user_id)
    if not quizzes:
        return source, cohorts.c.names, []
    lesson_ids = [lesson_id for quiz in quizzes for lesson_id in quiz.lesson_ids]
    best = (select(QA.c.user_id,
                   *(func.max(case((QA.c.lesson_id.in_(quiz.lesson_ids), QA.c.score),
                                   else_=None)).label(f"quiz_{n}")
                     for n, quiz in enumerate(quizzes)))
            .where(QA.c.lesson_id.in_(lesson_ids), QA.c.score.is_not(None),
                   QA.c.user_id.in_(view))
            .group_by(QA.c.user_id).subquery("best"))
    source = source.outerjoin(best, best.c.user_id == E.c.user_id)
    return source, cohorts.c.names, [best.c[f"quiz_{n}"] for n in range(len(quizzes))]


def _correlated(quizzes: Sequence[QuizColumn]) -> tuple[Any, list[Any]]:
    """SQLite: the cohorts column and one column per quiz, as correlated subqueries."""
    mine = CH.join(CM, CM.c.cohort_id == CH.c.id)
    ordered = (select(CH.c.name).select_from(mine).where(CM.c.user_id == E.c.user_id)
               .order_by(CH.c.name).correlate(E).subquery())  # correlate: it is in FROM
    # group_concat keeps the order of the rows it is given
    cohorts = select(func.group_concat(ordered.c.name, "; ")).scalar_subquery()
    scores = [select(func.max(QA.c.score))
              .where(QA.c.user_id == E.c.user_id, QA.c.lesson_id.in_(quiz.lesson_ids),
                     QA.c.score.is_not(None)).scalar_subquery()
              for quiz in quizzes]
    return cohorts, scores


# Writing --------------------------------------------------------------------------------

def csv_file(report: Report) -> Iterator[str]:
    """The report as CSV text, in chunks."""
    return csv_chunks(report.headers, report.rows, report.kinds)


def write_csv(report: Report, out: TextIO) -> int:
    """Write the whole CSV to a text file opened with ``newline=""``; returns the rows."""
    count = 0

    def counted() -> Iterator[Sequence[Cell]]:
        nonlocal count
        for row in report.rows:
            count += 1
            yield row

    for chunk in csv_chunks(report.headers, counted(), report.kinds):
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
        writers = list(enumerate(_xlsx_writer(sheet, kind, stamp, day) for kind in report.kinds))
        count = 0
        for count, row in enumerate(report.rows, start=1):
            for column, write in writers:
                value = row[column]
                if value is not None and value != "":
                    write(count, column, value)
        if count:
            sheet.autofilter(0, 0, count, len(report.headers) - 1)
    finally:
        book.close()
    return count


def _xlsx_writer(sheet: Any, kind: str, stamp: Any, day: Any) -> Any:
    """How a cell of a column of this kind is written: text as text (a person's words
    made safe), numbers as numbers (measures rounded to one decimal), moments and dates
    as spreadsheet dates."""
    if kind == TEXT:
        return lambda row, column, value: sheet.write_string(row, column, safe_cell(value))
    if kind == LABEL:
        return sheet.write_string
    if kind == INTEGER:
        return sheet.write_number
    if kind == DECIMAL:
        return lambda row, column, value: sheet.write_number(row, column, round(value, 1))
    if kind == STAMP:
        return lambda row, column, value: sheet.write_datetime(
            row, column, value.astimezone(UTC).replace(tzinfo=None), stamp)
    if kind == DAY:
        return lambda row, column, value: sheet.write_datetime(
            row, column, datetime(value.year, value.month, value.day), day)
    raise ValueError(f"unknown column kind {kind!r}")


def record_export(session: Session, *, flt: ReportFilter, fmt: str) -> None:
    """Say in the audit trail that the current user downloaded a report, with its filters
    (personal data left the app)."""
    audit(session, action="report.exported", target_type="report", target_id=fmt,
          target_label=f"Completion report ({fmt.upper()}), {flt.course or 'all courses'}",
          details={"format": fmt, **flt.params()})


def filename(where: Scope, fmt: str, now: datetime) -> str:
    """A server-chosen name: the course (or "all-courses") and the time of the export."""
    subject = where.filter.course or "all-courses"
    subject = re.sub(r"[^a-z0-9-]+", "-", subject.lower()).strip("-")[:60] or "course"
    return f"podium-completion-{subject}-{now.astimezone(UTC):%Y%m%d-%H%M}.{fmt}"
