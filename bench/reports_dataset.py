"""Generate the HR reports benchmark dataset into an empty, migrated database.

One course (the shipped ``executive-enablement``), 8 cohorts, 12 departments and N
executives, each enrolled in the course with a realistic spread of progress:

* ~15% not started (no progress rows), ~45% in progress (the first 1..n-1 lessons done in
  course order, the next one often opened), ~40% completed (every lesson done, the
  enrolment's ``completed_at`` at the last completion and a certificate code);
* a ``lesson_progress`` row for every lesson opened, quiz attempts for every quiz reached
  (1-2 submitted attempts, the last one passing when the quiz lesson is complete),
  persona and plan workbooks (approved when their activity lesson is complete, a draft,
  in review or sent back when the executive is working on that module);
* an HR account ``hr@bench.podium.example`` (password ``HR_PASSWORD``) for signing in.

Then it fills the enrolments' summary columns with ``app.learning.summary.refresh`` once
for the whole course (the code path of a course update), checks them against what it
generated and prints the table counts and the time of each phase. Deterministic for a
given ``--seed`` (timestamps are relative to the start of the run).

    .venv/bin/podium db upgrade            # with PODIUM_DATABASE_URL=... PODIUM_ENV=development
    .venv/bin/python bench/reports_dataset.py --database-url URL [--executives 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
if str(PROJECT_ROOT) not in sys.path:  # run as `python bench/reports_dataset.py`
    sys.path.insert(0, str(PROJECT_ROOT))
os.environ.setdefault("PODIUM_ENV", "development")

from sqlalchemy import Date, bindparam, event, func, insert, select, text  # noqa: E402
from sqlalchemy.engine import Connection  # noqa: E402

COURSE_SLUG = "executive-enablement"
COURSE_DIR = PROJECT_ROOT / "courses" / COURSE_SLUG
EMAIL_DOMAIN = "bench.podium.example"
HR_EMAIL = f"hr@{EMAIL_DOMAIN}"
HR_PASSWORD = "podium-bench-reports-2026"  # noqa: S105 (a throwaway benchmark database)
INSERT_ROWS = 5_000  # rows per executemany
EXECUTIVES_PER_TRANSACTION = 5_000

SHARE_NOT_STARTED = 0.15
SHARE_IN_PROGRESS = 0.45  # the rest (~40%) completed
SHARE_TWO_COHORTS = 0.10
ENROLLED_WITHIN_DAYS = 180
DUE_AFTER_DAYS = 60

REGIONS = ("EMEA", "Americas", "APAC", "DACH")
DEPARTMENTS = ("Executive Board", "Finance", "Sales", "Marketing", "Operations",
               "People & Culture", "Technology", "Legal", "Strategy", "Communications",
               "Customer Success", "Supply Chain")
FIRST_NAMES = ("Alex", "Sam", "Jordan", "Robin", "Maria", "Chen", "Aisha", "Lukas", "Sofia",
               "Noah", "Emma", "Mateo", "Yuki", "Olivia", "Arjun", "Ingrid", "Kwame", "Lea",
               "Omar", "Hannah", "Diego", "Priya", "Felix", "Zoe")
LAST_NAMES = ("Morgan", "Whitfield", "Lee", "Schmidt", "Rossi", "Garcia", "Nakamura", "Okafor",
              "Johansson", "Dubois", "Kowalski", "Patel", "Silva", "Müller", "O'Brien", "Novak",
              "Haddad", "Andersen", "Fischer", "Costa", "Kim", "Laurent", "Van Dijk", "Moreau")
DRAFT_STATUSES = (("in-progress", 0.5), ("in-review", 0.3), ("changes-requested", 0.2))
PERSONA_DRAFT = json.dumps({"headline": "Leading with clarity", "expertise": "Transformation",
                            "interests": "Sustainability, talent", "voice": "Warm, direct"})
PLAN_DRAFT = json.dumps({"message": "Why our customers trust us", "cadence": "2 posts a week"})


class DatasetError(Exception):
    """The dataset cannot be generated; the message says why."""


# --------------------------------------------------------------------------- the course


@dataclass(frozen=True)
class LessonInfo:
    id: int
    slug: str
    kind: str
    minutes: int
    required: bool
    module_index: int
    time_limit_minutes: int | None  # quizzes only


@dataclass
class Timer:
    """Seconds spent per phase, accumulated over the batches."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(self, phase: str, since: float) -> float:
        now = time.perf_counter()
        self.seconds[phase] += now - since
        return now


def course_lessons(session: Any, course_id: int) -> list[LessonInfo]:
    from app.models import Lesson, Module, Quiz

    rows = session.exec(
        select(Lesson.id, Lesson.slug, Lesson.kind, Lesson.minutes, Lesson.required,
               Module.position, Quiz.time_limit_minutes)
        .join(Module, Module.id == Lesson.module_id)
        .outerjoin(Quiz, Quiz.lesson_id == Lesson.id)
        .where(Lesson.course_id == course_id, Lesson.retired_at.is_(None),
               Module.retired_at.is_(None))
        .order_by(Module.position, Lesson.position)).all()
    positions = sorted({row[5] for row in rows})
    return [LessonInfo(id=row[0], slug=row[1], kind=row[2], minutes=max(1, row[3] or 1),
                       required=bool(row[4]), module_index=positions.index(row[5]),
                       time_limit_minutes=row[6]) for row in rows]


# --------------------------------------------------------------------------- executives


@dataclass
class Executive:
    """Everything generated for one executive, before the database assigns its id."""

    number: int
    email: str
    full_name: str
    department: str
    created_at: datetime
    cohorts: list[int]  # indexes into the cohort list
    enrolled_at: datetime
    due_date: date
    state: str  # not-started | in-progress | completed
    progress: list[dict[str, Any]] = field(default_factory=list)  # without user_id
    attempts: list[dict[str, Any]] = field(default_factory=list)
    workbooks: list[dict[str, Any]] = field(default_factory=list)
    completed_at: datetime | None = None


def email_of(number: int, width: int) -> str:
    return f"exec{number:0{width}d}@{EMAIL_DOMAIN}"


def pick_status(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for status, share in DRAFT_STATUSES:
        total += share
        if roll < total:
            return status
    return DRAFT_STATUSES[-1][0]


class Generator:
    def __init__(self, *, seed: int, now: datetime, lessons: Sequence[LessonInfo],
                 cohorts: int, width: int) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.latest = now - timedelta(minutes=5)  # no generated moment is later than this
        self.lessons = list(lessons)
        self.cohorts = cohorts
        self.width = width
        self.first_in_module: dict[int, int] = {}
        for index, lesson in enumerate(self.lessons):
            self.first_in_module.setdefault(lesson.module_index, index)

    def executive(self, number: int) -> Executive:
        rng = self.rng
        enrolled_at = self.now - timedelta(seconds=rng.uniform(3 * 3600,
                                                               ENROLLED_WITHIN_DAYS * 86400))
        cohorts = [rng.randrange(self.cohorts)]
        if self.cohorts > 1 and rng.random() < SHARE_TWO_COHORTS:
            cohorts.append(rng.choice([c for c in range(self.cohorts) if c != cohorts[0]]))
        roll = rng.random()
        state = ("not-started" if roll < SHARE_NOT_STARTED
                 else "in-progress" if roll < SHARE_NOT_STARTED + SHARE_IN_PROGRESS
                 else "completed")
        person = Executive(
            number=number, email=email_of(number, self.width),
            full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            department=rng.choice(DEPARTMENTS),
            created_at=enrolled_at - timedelta(seconds=rng.uniform(600, 21 * 86400)),
            cohorts=cohorts, enrolled_at=enrolled_at,
            due_date=(enrolled_at + timedelta(days=DUE_AFTER_DAYS)).date(), state=state)
        if state != "not-started":
            self._progress(person)
        return person

    def _progress(self, person: Executive) -> None:
        rng, lessons = self.rng, self.lessons
        n = len(lessons)
        if person.state == "completed" or n == 1:
            person.state = "completed"
            done, opened_next = n, False
        else:
            # Skewed towards the early lessons: executives drop off as they go.
            done = 1 + int((n - 1) * rng.random() ** 1.5)
            opened_next = rng.random() < 0.6
        start = min(person.enrolled_at + timedelta(hours=rng.uniform(0.1, 72)),
                    self.latest - timedelta(hours=2))
        available = (self.latest - timedelta(hours=1) - start).total_seconds()
        if person.state == "completed":
            span = min(available * rng.uniform(0.05, 0.9), rng.uniform(1, 75) * 86400)
        else:
            span = available * rng.uniform(0.1, 1.0)
        count = done + (1 if opened_next else 0)
        moments = sorted(start + timedelta(seconds=rng.uniform(0, span)) for _ in range(count))
        last_completion: datetime | None = None
        for index, opened in enumerate(moments):
            lesson = lessons[index]
            complete = index < done and (lesson.required or rng.random() < 0.7
                                         or person.state != "completed")
            finished = self._lesson(person, lesson, opened, complete=complete)
            if finished is not None:
                last_completion = max(last_completion or finished, finished)
        # Workbooks of activities the executive is working on but has not had approved.
        for kind in ("persona", "plan"):
            if any(w["kind"] == kind for w in person.workbooks):
                continue
            activity = next((i for i, lesson in enumerate(lessons) if lesson.kind == kind), None)
            if activity is None:
                continue
            module_start = self.first_in_module[lessons[activity].module_index]
            if module_start < count and rng.random() < 0.6:
                self._draft(person, kind, moments[min(count - 1, activity)])
        if person.state == "completed":
            person.completed_at = last_completion

    def _clamp(self, moment: datetime) -> datetime:
        return min(moment, self.latest)

    def _lesson(self, person: Executive, lesson: LessonInfo, opened: datetime, *,
                complete: bool) -> datetime | None:
        """The progress row (and attempts, workbook) of one lesson; its completion time."""
        rng = self.rng
        seconds = 0 if lesson.kind == "quiz" else rng.randint(lesson.minutes * 30,
                                                               lesson.minutes * 90)
        if not complete:
            seconds = seconds // 2
        last_beat = self._clamp(opened + timedelta(seconds=seconds))
        completed: datetime | None = None
        if lesson.kind == "quiz":
            completed = self._attempts(person, lesson, opened, passing=complete)
            if not complete:
                completed = None
        elif complete:
            completed = self._clamp(last_beat + timedelta(seconds=rng.uniform(5, 90)))
            if lesson.kind in ("persona", "plan"):
                # The activity is complete when a trainer approves the workbook.
                completed = self._clamp(last_beat + timedelta(seconds=rng.uniform(3600,
                                                                                  5 * 86400)))
                self._approved(person, lesson.kind, opened, last_beat, completed)
        person.progress.append({
            "lesson_id": lesson.id, "first_opened_at": opened, "last_opened_at": opened,
            "completed_at": completed, "seconds_spent": seconds, "last_beat_at": last_beat})
        return completed

    def _attempts(self, person: Executive, lesson: LessonInfo, opened: datetime, *,
                  passing: bool) -> datetime | None:
        rng = self.rng
        if not passing and rng.random() < 0.5:
            return None  # opened the quiz, no attempt yet
        total = 1 if rng.random() < 0.7 else 2
        started = opened + timedelta(seconds=rng.uniform(10, 120))
        submitted: datetime | None = None
        for number in range(1, total + 1):
            passed = passing and number == total
            score = round(rng.uniform(70, 100) if passed else rng.uniform(40, 69.9), 1)
            duration = rng.uniform(120, 900)
            limit = lesson.time_limit_minutes
            if limit:
                duration = min(duration, limit * 60 - 5)
            started = self._clamp(started)
            submitted = self._clamp(started + timedelta(seconds=duration))
            person.attempts.append({
                "lesson_id": lesson.id, "number": number, "started_at": started,
                "deadline_at": started + timedelta(minutes=limit) if limit else None,
                "submitted_at": submitted, "layout": "[]", "score": score,
                "passed": score >= 70, "needs_grading": False})
            started = submitted + timedelta(seconds=rng.uniform(60, 3600))
        return submitted

    def _approved(self, person: Executive, kind: str, opened: datetime, submitted: datetime,
                  approved: datetime) -> None:
        person.workbooks.append({
            "kind": kind, "draft": PERSONA_DRAFT if kind == "persona" else PLAN_DRAFT,
            "status": "approved",
            "starts_on": (approved.date() + timedelta(days=self.rng.randint(0, 14))
                          if kind == "plan" else None),
            "created_at": opened, "updated_at": approved, "submitted_at": submitted,
            "approved_at": approved})

    def _draft(self, person: Executive, kind: str, opened: datetime) -> None:
        status = pick_status(self.rng)
        updated = self._clamp(opened + timedelta(seconds=self.rng.uniform(300, 3 * 86400)))
        person.workbooks.append({
            "kind": kind, "draft": PERSONA_DRAFT if kind == "persona" else PLAN_DRAFT,
            "status": status,
            "starts_on": updated.date() + timedelta(days=7) if kind == "plan" else None,
            "created_at": opened, "updated_at": updated,
            "submitted_at": updated if status != "in-progress" else None,
            "approved_at": None})


SUMMARY_COLUMNS = ("started_at", "last_activity_at", "progress_percent", "seconds_spent",
                   "quiz_best_total", "quizzes_scored")


def expected_summary(person: Executive, *, required: set[int], quizzes: set[int],
                     ) -> tuple[Any, ...]:
    """The summary columns as ``app.learning.summary`` documents them, computed from the
    rows generated for this executive (in ``SUMMARY_COLUMNS`` order)."""
    starts = [row["first_opened_at"] for row in person.progress]
    starts += [row["started_at"] for row in person.attempts]
    moments = [row[key] for row in person.progress
               for key in ("last_opened_at", "last_beat_at", "completed_at")]
    moments += [row[key] for row in person.attempts for key in ("started_at", "submitted_at")]
    moments = [m for m in moments if m is not None]
    done = sum(1 for row in person.progress
               if row["lesson_id"] in required and row["completed_at"] is not None)
    best: dict[int, float] = {}
    for row in person.attempts:
        if row["lesson_id"] in quizzes and row["score"] is not None:
            best[row["lesson_id"]] = max(best.get(row["lesson_id"], 0.0), row["score"])
    return (min(starts) if starts else None, max(moments) if moments else None,
            done * 100 // len(required) if required else 100,
            sum(row["seconds_spent"] for row in person.progress),
            sum(best.values()), len(best))


# --------------------------------------------------------------------------- inserting


def chunks(rows: Sequence[dict[str, Any]], size: int = INSERT_ROWS) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def insert_rows(connection: Connection, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    for part in chunks(rows):
        connection.execute(insert(table), list(part))


def check_empty(session: Any) -> None:
    from app.models import Course, User

    connection = session.connection()
    users = connection.execute(select(func.count()).select_from(User)).scalar_one()
    course = connection.execute(select(Course.id).where(Course.slug == COURSE_SLUG)).first()
    if users or course is not None:
        raise DatasetError(
            f"the database is not empty ({users} accounts"
            f"{', the course ' + COURSE_SLUG if course is not None else ''}): give a freshly "
            "migrated, empty database (podium db upgrade)")


def setup(db: Any, settings: Any, now: datetime) -> tuple[int, list[int], int]:
    """The course, the cohorts and the HR account; (course id, cohort ids, HR user id)."""
    from app.admin import service as admin
    from app.auth.service import set_password
    from app.authoring.import_export import import_course
    from app.courses.package import load_package
    from app.models import Role

    with db.session(write=True) as session:
        check_empty(session)
        course = import_course(session, load_package(COURSE_DIR)).course
        cohort_ids = []
        for quarters_back in (1, 0):
            moment = now - timedelta(days=91 * quarters_back)
            quarter = (moment.month - 1) // 3 + 1
            quarter_start = date(moment.year, 3 * quarter - 2, 1)
            for region in REGIONS:
                cohort = admin.create_cohort(session, name=f"{region} {moment.year}-Q{quarter}",
                                             start_date=quarter_start)
                cohort_ids.append(cohort.id)
        hr = admin.create_user(session, settings, email=HR_EMAIL, full_name="Bench HR",
                               role=Role.hr, department="People & Culture")
        set_password(session, settings, user=hr, password=HR_PASSWORD)
        return course.id, cohort_ids, hr.id


def generate(database_url: str, *, executives: int, seed: int, analyze: bool | None = None,
             lenient: bool = False, log: Any = print) -> dict[str, Any]:
    """Fill the database; returns counts, checks and timings (also printed)."""
    from app.config import Settings
    from app.db import Database
    from app.learning import summary
    from app.models import (
        CohortMember,
        Enrolment,
        LessonProgress,
        QuizAttempt,
        Role,
        User,
        Workbook,
    )

    settings = Settings(database_url=database_url)
    db = Database(database_url)
    if db.is_sqlite:
        @event.listens_for(db.engine, "connect")
        def _fast_writes(dbapi_connection: Any, _record: Any) -> None:
            # After the app's own hook (WAL, synchronous=NORMAL): this generator's
            # connections only. A crash mid-run leaves a database to throw away anyway.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-262144")  # 256 MiB
            cursor.close()

    users_t, members_t = User.__table__, CohortMember.__table__  # type: ignore[attr-defined]
    enrol_t, progress_t = Enrolment.__table__, LessonProgress.__table__  # type: ignore[attr-defined]
    attempt_t, workbook_t = QuizAttempt.__table__, Workbook.__table__  # type: ignore[attr-defined]

    timer = Timer()
    started = time.perf_counter()
    now = datetime.now(UTC).replace(microsecond=0)
    try:
        t = time.perf_counter()
        course_id, cohort_ids, hr_id = setup(db, settings, now)
        with db.session() as session:
            lessons = course_lessons(session, course_id)
        t = timer.add("setup (course, cohorts, HR account)", t)
        log(f"course {COURSE_SLUG}: {len(lessons)} lessons "
            f"({sum(lesson.kind == 'quiz' for lesson in lessons)} quizzes); "
            f"{len(cohort_ids)} cohorts; generating {executives:,} executives")

        width = max(6, len(str(executives)))
        generator = Generator(seed=seed, now=now, lessons=lessons, cohorts=len(cohort_ids),
                              width=width)
        states: dict[str, int] = defaultdict(int)
        completed_total = 0
        required = {lesson.id for lesson in lessons if lesson.required}
        quizzes = {lesson.id for lesson in lessons if lesson.kind == "quiz"}
        expected: dict[int, tuple[Any, ...]] = {}  # user id -> the summary columns
        for first in range(1, executives + 1, EXECUTIVES_PER_TRANSACTION):
            last = min(executives, first + EXECUTIVES_PER_TRANSACTION - 1)
            t = time.perf_counter()
            people = [generator.executive(number) for number in range(first, last + 1)]
            for person in people:
                states[person.state] += 1
            t = timer.add("generate (Python)", t)
            with db.session(write=True) as session:
                connection = session.connection()
                insert_rows(connection, users_t, [{
                    "email": p.email, "full_name": p.full_name, "role": Role.executive,
                    "department": p.department, "locale": "en", "password_hash": None,
                    "is_active": True, "created_at": p.created_at,
                    "updated_at": p.created_at} for p in people])
                ids = dict(connection.execute(
                    select(users_t.c.email, users_t.c.id)
                    .where(users_t.c.email.between(people[0].email, people[-1].email))).all())
                if len(ids) != len(people):
                    raise DatasetError(f"expected {len(people)} new accounts, found {len(ids)}")
                t = timer.add("user_account", t)
                insert_rows(connection, members_t, [
                    {"cohort_id": cohort_ids[c], "user_id": ids[p.email],
                     "added_at": p.created_at} for p in people for c in p.cohorts])
                t = timer.add("cohort_member", t)
                enrolments = []
                for p in people:
                    completed_total += p.completed_at is not None
                    expected[ids[p.email]] = expected_summary(p, required=required,
                                                              quizzes=quizzes)
                    enrolments.append({
                        "user_id": ids[p.email], "course_id": course_id,
                        "enrolled_at": p.enrolled_at, "enrolled_by_id": hr_id,
                        "due_date": p.due_date, "completed_at": p.completed_at,
                        "certificate_code": (f"BENCH-{p.number:012d}"
                                             if p.completed_at is not None else None)})
                insert_rows(connection, enrol_t, enrolments)
                t = timer.add("enrolment", t)
                insert_rows(connection, progress_t, [
                    {"user_id": ids[p.email], **row} for p in people for row in p.progress])
                t = timer.add("lesson_progress", t)
                insert_rows(connection, attempt_t, [
                    {"user_id": ids[p.email], **row} for p in people for row in p.attempts])
                t = timer.add("quiz_attempt", t)
                insert_rows(connection, workbook_t, [
                    {"user_id": ids[p.email], **row} for p in people for row in p.workbooks])
                t = timer.add("workbook", t)
            timer.add("commit", t)
            log(f"  {last:,}/{executives:,} executives "
                f"({time.perf_counter() - started:,.1f} s)")

        t = time.perf_counter()
        with db.session(write=True) as session:
            summary.refresh(session, course_id=course_id)
        t = timer.add("summary.refresh (whole course, one UPDATE)", t)
        log(f"summary.refresh: {timer.seconds['summary.refresh (whole course, one UPDATE)']:.1f} s")

        do_analyze = (not db.is_sqlite) if analyze is None else analyze
        if do_analyze:
            with db.engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
            t = timer.add("ANALYZE", t)

        counts, checks = verify(db, course_id=course_id, executives=executives,
                                completed=completed_total, expected=expected,
                                lenient=lenient, log=log)
        timer.add("verify", t)
    finally:
        db.dispose()

    total = time.perf_counter() - started
    result = {
        "database": "SQLite" if database_url.startswith("sqlite") else "PostgreSQL",
        "executives": executives, "seed": seed, "generated_at": now.isoformat(),
        "course_id": course_id, "cohort_ids": cohort_ids, "hr_email": HR_EMAIL,
        "analyzed": do_analyze,
        "states": dict(states), "counts": counts, "checks": checks,
        "phases_s": {k: round(v, 2) for k, v in timer.seconds.items()},
        "total_s": round(total, 2),
    }
    log(format_result(result))
    return result


def compare_summaries(db: Any, *, course_id: int, expected: dict[int, tuple[Any, ...]],
                      ) -> dict[str, Any]:
    """Per column: on how many enrolments the summary differs from the progress rows,
    with one example."""
    from app.models import Enrolment

    table = Enrolment.__table__  # type: ignore[attr-defined]
    wrong: dict[str, int] = defaultdict(int)
    examples: dict[str, str] = {}
    with db.engine.connect() as connection:
        rows = connection.execute(
            select(table.c.user_id, *(table.c[name] for name in SUMMARY_COLUMNS))
            .where(table.c.course_id == course_id))
        for user_id, *actual in rows:
            want = expected.get(user_id)
            if want is None:
                continue
            for name, got, value in zip(SUMMARY_COLUMNS, actual, want, strict=True):
                same = (abs((got or 0) - value) < 1e-6 if name == "quiz_best_total"
                        else got == value)
                if not same:
                    wrong[name] += 1
                    examples.setdefault(name, f"user {user_id}: expected {value}, got {got}")
    return {"enrolments_checked": len(expected), "wrong": dict(wrong), "examples": examples}


def verify(db: Any, *, course_id: int, executives: int, completed: int,
           expected: dict[int, tuple[Any, ...]], lenient: bool = False, log: Any = print,
           ) -> tuple[dict[str, int], dict[str, Any]]:
    tables = ("user_account", "cohort", "cohort_member", "course", "course_module", "lesson",
              "enrolment", "lesson_progress", "quiz_attempt", "workbook")
    with db.engine.connect() as connection:
        counts = {name: connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()  # noqa: S608
                  for name in tables}
        row = connection.execute(text(
            "SELECT count(*) AS enrolments,"
            " sum(CASE WHEN completed_at IS NOT NULL THEN 1 ELSE 0 END) AS completed,"
            " sum(CASE WHEN progress_percent = 100 THEN 1 ELSE 0 END) AS percent_100,"
            " sum(CASE WHEN completed_at IS NOT NULL AND progress_percent = 100"
            "          THEN 1 ELSE 0 END) AS completed_and_100,"
            " sum(CASE WHEN started_at IS NULL THEN 1 ELSE 0 END) AS not_started,"
            " sum(CASE WHEN last_activity_at IS NOT NULL THEN 1 ELSE 0 END) AS with_activity,"
            " sum(CASE WHEN progress_percent > 0 AND progress_percent < 100"
            "          THEN 1 ELSE 0 END) AS in_progress,"
            " sum(CASE WHEN quizzes_scored > 0 THEN 1 ELSE 0 END) AS with_quiz_scores,"
            " sum(CASE WHEN completed_at IS NULL AND due_date < :today"
            "          THEN 1 ELSE 0 END) AS overdue,"
            " sum(seconds_spent) AS seconds_spent,"
            " round(avg(progress_percent), 1) AS avg_percent"
            " FROM enrolment WHERE course_id = :course")
            .bindparams(bindparam("today", type_=Date)),
            {"course": course_id, "today": datetime.now(UTC).date()}).mappings().one()
        workbooks = dict(connection.execute(text(
            "SELECT kind || ' ' || status, count(*) FROM workbook GROUP BY kind, status"
            " ORDER BY 1")).all())
    checks: dict[str, Any] = {k: (0 if v is None else int(v) if isinstance(v, int)
                                  else float(v)) for k, v in row.items()}
    checks["workbooks"] = workbooks
    problems = []
    if checks["enrolments"] != executives:
        problems.append(f"{checks['enrolments']} enrolments, expected {executives}")
    if not checks["completed"] == checks["percent_100"] == checks["completed_and_100"] \
            == completed:
        problems.append(f"completed {checks['completed']}, progress_percent=100 "
                        f"{checks['percent_100']}, both {checks['completed_and_100']}, "
                        f"generated {completed}: the summary does not match the progress rows")
    if checks["with_activity"] != executives - checks["not_started"]:
        problems.append(f"last_activity_at is set on {checks['with_activity']} enrolments, "
                        f"but {executives - checks['not_started']} were started")
    comparison = checks["summary_vs_rows"] = compare_summaries(db, course_id=course_id,
                                                               expected=expected)
    if comparison["wrong"]:
        problems.append(
            "app.learning.summary.refresh filled summary columns that differ from the "
            "progress rows it summarises: " + "; ".join(
                f"{name} wrong on {count:,} of {comparison['enrolments_checked']:,} "
                f"enrolments (e.g. {comparison['examples'][name]})"
                for name, count in comparison["wrong"].items()))
    if problems:
        if not lenient:
            raise DatasetError("\n".join(problems))
        checks["problems"] = problems
        for problem in problems:
            log(f"WARNING (--lenient): {problem}")
    return counts, checks


def format_result(result: dict[str, Any]) -> str:
    n = result["executives"]
    lines = ["", f"{result['database']}: {n:,} executives, seed {result['seed']}", "",
             f"{'table':<18}{'rows':>12}"]
    lines += [f"{name:<18}{count:>12,}" for name, count in result["counts"].items()]
    c = result["checks"]
    lines += ["", f"states: {', '.join(f'{k} {v:,}' for k, v in sorted(result['states'].items()))}",
              f"summary: completed {c['completed']:,} = progress_percent 100 {c['percent_100']:,};"
              f" not started (started_at NULL) {c['not_started']:,}; in progress "
              f"{c['in_progress']:,}; overdue {c['overdue']:,}; with quiz scores "
              f"{c['with_quiz_scores']:,}; average progress {c['avg_percent']}%",
              "workbooks: " + ", ".join(f"{k} {v:,}" for k, v in c["workbooks"].items()),
              f"summary columns vs the generated rows: "
              f"{c['summary_vs_rows']['enrolments_checked']:,} enrolments checked, "
              + (", ".join(f"{k} wrong on {v:,}" for k, v in c["summary_vs_rows"]["wrong"].items())
                 or "all equal"),
              "", f"{'phase':<44}{'seconds':>10}"]
    lines += [f"{name:<44}{secs:>10.2f}" for name, secs in result["phases_s"].items()]
    lines.append(f"{'total':<44}{result['total_s']:>10.2f}")
    return "\n".join(lines)


def describe(database_url: str) -> dict[str, Any]:
    """What a measuring script needs to know about a generated dataset."""
    from app.db import Database
    from app.models import Cohort, Course, Enrolment, User

    db = Database(database_url)
    try:
        with db.engine.connect() as connection:
            course_id = connection.execute(
                select(Course.id).where(Course.slug == COURSE_SLUG)).scalar_one_or_none()
            hr = connection.execute(
                select(func.count()).select_from(User).where(User.email == HR_EMAIL)).scalar_one()
            if course_id is None or not hr:
                raise DatasetError("the database holds no reports dataset (no course "
                                   f"{COURSE_SLUG} or no {HR_EMAIL}): generate it first")
            cohorts = connection.execute(
                select(Cohort.id, Cohort.name).order_by(Cohort.id)).all()
            enrolments = connection.execute(
                select(func.count()).select_from(Enrolment)
                .where(Enrolment.course_id == course_id)).scalar_one()
    finally:
        db.dispose()
    return {"course_id": course_id, "course_slug": COURSE_SLUG, "enrolments": enrolments,
            "cohorts": [{"id": cid, "name": name} for cid, name in cohorts],
            "hr_email": HR_EMAIL}


def redact(url: str) -> str:
    import re

    return re.sub(r"(//[^:/@]+):[^@]*@", r"\1:***@", url)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate the HR reports benchmark dataset into an EMPTY database "
                    "already migrated with `podium db upgrade`.")
    parser.add_argument("--database-url", required=True,
                        help="sqlite:///path or postgresql+psycopg://... of an empty database")
    parser.add_argument("--executives", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--analyze", action=argparse.BooleanOptionalAction, default=None,
                        help="run ANALYZE at the end (default: on PostgreSQL, where autovacuum "
                             "would soon do it anyway; not on SQLite, where the app never does)")
    parser.add_argument("--lenient", action="store_true",
                        help="keep going (exit 0, with warnings) when the checks of the "
                             "generated data or of the summary columns fail")
    parser.add_argument("--json", type=Path, default=None,
                        help="also write the counts, checks and timings to this file")
    args = parser.parse_args(argv)
    if args.executives < 1:
        parser.error("--executives must be at least 1")
    print(f"reports dataset: {redact(args.database_url)}", flush=True)
    try:
        result = generate(args.database_url, executives=args.executives, seed=args.seed,
                          analyze=args.analyze, lenient=args.lenient,
                          log=lambda message: print(message, flush=True))
    except DatasetError as exc:
        print(f"reports_dataset: error: {exc}", file=sys.stderr)
        return 2
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
