"""A small, known dataset for the HR reports, built through the real services (enrolment,
lesson progress, quiz attempts) so the enrolment summary columns are filled by the real
code; every expected figure below is derived by hand from it.

Two courses:

- "Social media essentials" (slug ``essentials``): modules "Voice" and "Reach", each with
  two required readings and a required quiz of two questions (pass mark 50%: one right
  answer of two passes): six required lessons.
- "Brand basics" (slug ``brand``): one module with one required reading, no quiz.

Seven executives (all dates UTC, all due dates far in the past or far in the future so
"overdue" does not depend on the day the tests run):

====== ========== ================= ==================== ========================= =====
who    department cohorts           essentials           (enrolled → completed)    brand
====== ========== ================= ==================== ========================= =====
Alice  Sales      Spring            completed, 5 days    01-01 09:00 → 01-06 09:00 done
Bob    Sales      Spring + Autumn   completed, 10 days   01-01 09:00 → 01-11 09:00 —
Carol  Finance    Autumn            completed, 20 days   02-01 00:00 → 02-21 00:00 —
Dan    Finance    Autumn            in progress 3/6, due 2024-03-31 (overdue)       —
Erin   (none)     (none)            not started, due 2024-03-15 (overdue)           —
Frank  Sales      Spring            in progress 1/6 (+ an unsubmitted attempt)      —
Grace  Finance    Spring            not started, no due date                        not
====== ========== ================= ==================== ========================= =====

Alice's "Brand basics": enrolled 2024-01-10 09:00, completed 2024-01-12 09:00 (2 days).
Grace's "Brand basics": enrolled 2024-03-15 09:00, due 2024-06-01 (overdue), not started.

Best quiz scores (essentials): Alice 100/100 (Reach: 0 then 100), Bob 50/100,
Carol 100/50, Dan 50/— (Voice: 0 then 50), Frank: an attempt never submitted (no score).

Workbooks: persona — Alice approved, Bob approved, Carol in review, Dan changes
requested, Frank in progress; plan — Alice in review, Bob in progress, Dan approved.
Every draft holds a secret marker text that HR must never see.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from app.admin import service as admin_service
from app.courses.spec import CourseSpec, LessonSpec, ModuleSpec, QuizSettings
from app.db import Database
from app.enrolments.service import enrol_users
from app.learning.completion import complete_lesson
from app.learning.reading import record_open, record_reading_time
from app.models import Course, Enrolment, Lesson, Role, User, Workbook
from app.quizzes import attempts, quiz_store
from tests.conftest import login

ESSENTIALS, BRAND = "essentials", "brand"
ESSENTIALS_TITLE, BRAND_TITLE = "Social media essentials", "Brand basics"
SPRING, AUTUMN = "Spring 2024", "Autumn 2024"
SECRET = "ZZ-SECRET-WORKBOOK-TEXT-7f3a"  # in every persona/plan draft; never shown to HR

QUIZ_GIFT = """\
::Capital::What is the capital of France?{=Paris ~London}

::Sun::The sun is a star.{T}
"""
RIGHT = {"Capital": ["0"], "Sun": ["true"]}
WRONG = {"Capital": ["1"], "Sun": ["false"]}

EMAILS = {name: f"{name}@corp.example" for name in (
    "alice", "bob", "carol", "dan", "erin", "frank", "grace")}
NAMES = {"alice": "Alice Archer", "bob": "Bob Baker", "carol": "Carol Chen",
         "dan": "Dan Diaz", "erin": "Erin Evans", "frank": "Frank Fox", "grace": "Grace Green"}
DEPARTMENTS = {"alice": "Sales", "bob": "Sales", "carol": "Finance", "dan": "Finance",
               "erin": None, "frank": "Sales", "grace": "Finance"}

# Expected figures, by hand ---------------------------------------------------------------
# Keys: enrolled, started, completed, rate (as shown), overdue, median (as shown), quiz
# (as shown); "—" where there is nothing to show.
ALL = {
    "enrolled": 9,  # 7 in essentials + Alice and Grace in brand
    "started": 6,  # Alice x2, Bob, Carol, Dan, Frank
    "completed": 4,  # Alice x2, Bob, Carol
    "rate": "44%",  # 4 / 9 = 44.4%
    "overdue": 3,  # Dan (due 03-31), Erin (due 03-15), Grace/brand (due 06-01)
    "median": "7.5",  # completions after 2, 5, 10 and 20 days: (5 + 10) / 2
    "quiz": "78.6%",  # best scores 100+100 + 50+100 + 100+50 + 50 = 550 over 7 pairs
}
MEDIAN_DAYS_ALL = 7.5
QUIZ_AVERAGE_ALL = 550 / 7
PERSONA_ALL = {"not-started": 2, "in-progress": 1, "in-review": 1,  # Erin+Grace; Frank; Carol
               "changes-requested": 1, "approved": 2}  # Dan; Alice+Bob (executives, not rows)
PLAN_ALL = {"not-started": 4, "in-progress": 1, "in-review": 1,  # Carol/Erin/Frank/Grace; Bob;
            "changes-requested": 0, "approved": 1}  # Alice; Dan
PERSONA_APPROVED_ENROLMENTS = 3  # Alice x2 + Bob
# Filtered views (the filter's query string values; cohorts by name, replaced by ids).
FILTERED: list[tuple[dict[str, str], dict[str, object]]] = [
    ({"course": ESSENTIALS}, {"enrolled": 7, "started": 5, "completed": 3,
                              "rate": "43%",  # 3 / 7 = 42.9%
                              "overdue": 2,  # Dan, Erin
                              "median": "10.0",  # 5, 10, 20 days
                              "quiz": "78.6%"}),  # every quiz is in this course
    ({"course": BRAND}, {"enrolled": 2, "started": 1, "completed": 1, "rate": "50%",
                         "overdue": 1,  # Grace
                         "median": "2.0", "quiz": "—"}),
    ({"cohort": SPRING}, {"enrolled": 6,  # Alice x2, Bob, Frank, Grace x2
                          "started": 4, "completed": 3, "rate": "50%",
                          "overdue": 1,  # Grace/brand
                          "median": "5.0",  # 2, 5, 10
                          "quiz": "87.5%"}),  # Alice 100+100, Bob 50+100: 350 / 4
    ({"cohort": AUTUMN}, {"enrolled": 3,  # Bob, Carol, Dan
                          "started": 3, "completed": 2, "rate": "67%", "overdue": 1,
                          "median": "15.0",  # 10, 20
                          "quiz": "70.0%"}),  # 150 + 150 + 50 over 5 pairs
    ({"department": "Sales"}, {"enrolled": 4,  # Alice x2, Bob, Frank
                               "started": 4, "completed": 3, "rate": "75%", "overdue": 0,
                               "median": "5.0", "quiz": "87.5%"}),
    ({"department": "Finance"}, {"enrolled": 4,  # Carol, Dan, Grace x2
                                 "started": 2, "completed": 1, "rate": "25%",
                                 "overdue": 2,  # Dan, Grace/brand
                                 "median": "20.0",
                                 "quiz": "66.7%"}),  # 100+50 + 50: 200 / 3
    # Carol enrolled at 02-01 00:00 and Dan at 02-29 23:59 are inside; Erin at 03-01 00:00
    # is not.
    ({"enrolled_from": "2024-02-01", "enrolled_to": "2024-02-29"},
     {"enrolled": 2, "started": 2, "completed": 1, "rate": "50%", "overdue": 1,
      "median": "20.0", "quiz": "66.7%"}),
    ({"enrolled_from": "2024-03-01"},  # Erin, Frank, Grace x2
     {"enrolled": 4, "started": 1, "completed": 0, "rate": "0%", "overdue": 2,
      "median": "—", "quiz": "—"}),
    ({"enrolled_to": "2024-01-01"},  # Alice and Bob in essentials
     {"enrolled": 2, "started": 2, "completed": 2, "rate": "100%", "overdue": 0,
      "median": "7.5", "quiz": "87.5%"}),
    ({"status": "completed"}, {"enrolled": 4, "started": 4, "completed": 4, "rate": "100%",
                               "overdue": 0, "median": "7.5",
                               "quiz": "83.3%"}),  # 500 over 6 pairs
    ({"status": "in-progress"}, {"enrolled": 2,  # Dan, Frank
                                 "started": 2, "completed": 0, "rate": "0%", "overdue": 1,
                                 "median": "—", "quiz": "50.0%"}),  # Dan's 50 only
    ({"status": "not-started"}, {"enrolled": 3,  # Erin, Grace x2
                                 "started": 0, "completed": 0, "rate": "0%", "overdue": 2,
                                 "median": "—", "quiz": "—"}),
    ({"status": "overdue"}, {"enrolled": 3,  # Dan, Erin, Grace/brand
                             "started": 1, "completed": 0, "rate": "0%", "overdue": 3,
                             "median": "—", "quiz": "50.0%"}),
    ({"course": ESSENTIALS, "cohort": SPRING, "department": "Sales"},
     {"enrolled": 3,  # Alice, Bob, Frank
      "started": 3, "completed": 2, "rate": "67%", "overdue": 0, "median": "7.5",
      "quiz": "87.5%"}),
]
# Completions per Monday-starting week, cumulative: Sat 01-06 (week of 01-01); Thu 01-11
# and Fri 01-12 (week of 01-08); Wed 02-21 (week of 02-19).
OVER_TIME_ALL = [(date(2024, 1, 1), 1), (date(2024, 1, 8), 3), (date(2024, 2, 19), 4)]
BY_COHORT_ALL = [("Autumn 2024", 3, 2),  # Bob, Carol, Dan: Bob and Carol done
                 ("Spring 2024", 6, 3),  # Alice x2, Bob, Frank, Grace x2
                 ("No cohort", 1, 0)]  # Erin
BY_DEPARTMENT_ALL = [("Finance", 4, 1), ("Sales", 4, 3), ("No department", 1, 0)]

# Learner table of course=essentials, emails (by name) per sort.
SORTED = {
    "name": ["alice", "bob", "carol", "dan", "erin", "frank", "grace"],
    "-name": ["grace", "frank", "erin", "dan", "carol", "bob", "alice"],
    # Finance, Sales, then no department last either way; ties by name
    "department": ["carol", "dan", "grace", "alice", "bob", "frank", "erin"],
    "-department": ["alice", "bob", "frank", "carol", "dan", "grace", "erin"],
    # Alice and Bob both 01-01 09:00 (tie by name)
    "enrolled": ["alice", "bob", "carol", "dan", "erin", "frank", "grace"],
    "-enrolled": ["grace", "frank", "erin", "dan", "carol", "alice", "bob"],
    # Erin 2024-03-15, Dan 03-31, Frank 2099-01-31, Bob = Carol 2099-06-30, Alice 2099-12-31,
    # Grace none (last either way)
    "due": ["erin", "dan", "frank", "bob", "carol", "alice", "grace"],
    "-due": ["alice", "bob", "carol", "frank", "dan", "erin", "grace"],
    # not started < in progress < completed
    "status": ["erin", "grace", "dan", "frank", "alice", "bob", "carol"],
    "-status": ["alice", "bob", "carol", "dan", "frank", "erin", "grace"],
    # Erin 0, Grace 0, Frank 16, Dan 50, Alice = Bob = Carol 100
    "progress": ["erin", "grace", "frank", "dan", "alice", "bob", "carol"],
    "-progress": ["alice", "bob", "carol", "dan", "frank", "erin", "grace"],
    # Alice 01-06, Bob 01-11, Carol 02-21, Dan 03-10, Frank 03-20; Erin, Grace none (last)
    "last_activity": ["alice", "bob", "carol", "dan", "frank", "erin", "grace"],
    "-last_activity": ["frank", "dan", "carol", "bob", "alice", "erin", "grace"],
    # Dan 50, Bob = Carol 75, Alice 100; Erin, Frank, Grace none (last)
    "score": ["dan", "bob", "carol", "alice", "erin", "frank", "grace"],
    "-score": ["alice", "bob", "carol", "dan", "erin", "frank", "grace"],
}


def at(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2024) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@dataclass
class Dataset:
    essentials: Course
    brand: Course
    cohorts: dict[str, int]  # name → id
    users: dict[str, User]  # "alice" … "grace"

    def params(self, values: dict[str, str]) -> dict[str, str]:
        """Query parameters with a cohort given by name replaced by its id."""
        out = dict(values)
        if "cohort" in out:
            out["cohort"] = str(self.cohorts[out["cohort"]])
        return out


def essentials_spec() -> CourseSpec:
    def quiz(slug: str, title: str) -> LessonSpec:
        return LessonSpec(slug=slug, title=title, minutes=2, body=QUIZ_GIFT, kind="quiz",
                          quiz=QuizSettings(pass_mark=50, shuffle=False))

    return CourseSpec(
        slug=ESSENTIALS, title=ESSENTIALS_TITLE, summary="Voice and reach.",
        audience="Executives", estimated_hours=2,
        modules=[
            ModuleSpec(slug="voice", title="Voice", summary="Find it.", lessons=[
                LessonSpec(slug="voice-why", title="Why a voice", minutes=5, body="Why.\n"),
                LessonSpec(slug="voice-how", title="How to sound", minutes=5, body="How.\n"),
                quiz("voice-quiz", "Voice quiz"),
            ]),
            ModuleSpec(slug="reach", title="Reach", summary="Grow it.", lessons=[
                LessonSpec(slug="reach-who", title="Who listens", minutes=5, body="Who.\n"),
                LessonSpec(slug="reach-when", title="When to post", minutes=5, body="When.\n"),
                quiz("reach-quiz", "Reach quiz"),
            ]),
        ])


def brand_spec() -> CourseSpec:
    return CourseSpec(
        slug=BRAND, title=BRAND_TITLE, summary="The brand.", audience="Executives",
        estimated_hours=1,
        modules=[ModuleSpec(slug="story", title="Story", summary="Tell it.", lessons=[
            LessonSpec(slug="brand-story", title="Our story", minutes=5, body="Story.\n")])])


class Progress:
    """Writes one executive's progress in one course with chosen times."""

    def __init__(self, session: Session, course: Course, user: User) -> None:
        self.session, self.course, self.user = session, course, user
        self.enrolment = session.exec(select(Enrolment).where(
            Enrolment.course_id == course.id, Enrolment.user_id == user.id)).one()

    def lesson(self, slug: str) -> Lesson:
        return self.session.exec(select(Lesson).where(Lesson.course_id == self.course.id,
                                                      Lesson.slug == slug)).one()

    def open(self, slug: str, when: datetime) -> None:
        record_open(self.session, user_id=self.user.id, course_id=self.course.id,
                    lesson_id=self.lesson(slug).id, now=when)

    def complete(self, slug: str, when: datetime) -> None:
        complete_lesson(self.session, user_id=self.user.id, course=self.course,
                        lesson=self.lesson(slug), enrolment=self.enrolment, now=when)

    def attempt(self, slug: str, answers: dict[str, list[str]], submitted: datetime | None,
                started: datetime) -> float | None:
        """An attempt answered with ``answers`` (question name → raw response), submitted
        at ``submitted`` (or left open). A passing attempt's lesson is completed at that
        moment first, so the quiz service's own completion (stamped "now") changes
        nothing."""
        lesson = self.lesson(slug)
        quiz = quiz_store.get_quiz(self.session, lesson_id=lesson.id)
        assert quiz is not None
        attempt = attempts.start_attempt(self.session, quiz=quiz, user_id=self.user.id,
                                         now=started)
        for row, question in quiz_store.live_questions(self.session, lesson_id=lesson.id):
            error = attempts.save_answer(self.session, attempt=attempt, question_id=row.id,
                                         raw=answers[question.name], now=started)
            assert error is None, error
        if submitted is None:
            return None
        right = sum(answers[name] == RIGHT[name] for name in RIGHT)
        if right * 50 >= quiz.pass_mark:
            self.complete(slug, submitted)
        attempts.submit_attempt(self.session, attempt=attempt, course=self.course,
                                enrolment=self.enrolment, lesson=lesson, now=submitted)
        self.session.refresh(attempt)
        assert attempt.score == right * 50.0
        return attempt.score


HALF = {"Capital": ["0"], "Sun": ["false"]}  # one right of two: 50%


def _set_enrolled(session: Session, course: Course, user: User, when: datetime,
                  due: date | None) -> None:
    enrolment = session.exec(select(Enrolment).where(
        Enrolment.course_id == course.id, Enrolment.user_id == user.id)).one()
    enrolment.enrolled_at, enrolment.due_date = when, due
    session.add(enrolment)
    session.flush()


def build_dataset(database: Database, load_course: Callable[..., Course],
                  make_user: Callable[..., User]) -> Dataset:
    essentials = load_course(essentials_spec())
    brand = load_course(brand_spec())
    users = {key: make_user(Role.executive, email=EMAILS[key], full_name=NAMES[key],
                            department=DEPARTMENTS[key], password=None) for key in NAMES}
    m = timedelta(minutes=10)
    with database.session(write=True) as s:
        spring = admin_service.create_cohort(s, name=SPRING)
        autumn = admin_service.create_cohort(s, name=AUTUMN)
        for key, cohort_ids in (("alice", [spring.id]), ("bob", [spring.id, autumn.id]),
                                ("carol", [autumn.id]), ("dan", [autumn.id]),
                                ("frank", [spring.id]), ("grace", [spring.id])):
            admin_service.add_user_to_cohorts(s, user=users[key], cohort_ids=cohort_ids)
        cohorts = {SPRING: spring.id, AUTUMN: autumn.id}

        # Every essentials enrolment first (lower ids), then brand.
        enrol_users(s, course=essentials, users=list(users.values()), due_date=None)
        enrol_users(s, course=brand, users=[users["alice"], users["grace"]], due_date=None)
        for key, when, due in (
                ("alice", at(1, 1), date(2099, 12, 31)),
                ("bob", at(1, 1), date(2099, 6, 30)),
                ("carol", at(2, 1, 0), date(2099, 6, 30)),
                ("dan", at(2, 29, 23, 59), date(2024, 3, 31)),
                ("erin", at(3, 1, 0), date(2024, 3, 15)),
                ("frank", at(3, 1, 12), date(2099, 1, 31)),
                ("grace", at(3, 15), None)):
            _set_enrolled(s, essentials, users[key], when, due)
        _set_enrolled(s, brand, users["alice"], at(1, 10), None)
        _set_enrolled(s, brand, users["grace"], at(3, 15), date(2024, 6, 1))

        alice = Progress(s, essentials, users["alice"])
        alice.open("voice-why", at(1, 2))
        # 60 + 30 seconds of reading: 1.5 minutes
        record_reading_time(s, user_id=users["alice"].id, lesson=alice.lesson("voice-why"),
                            seconds=60, now=at(1, 2, 9, 1))
        record_reading_time(s, user_id=users["alice"].id, lesson=alice.lesson("voice-why"),
                            seconds=30, now=at(1, 2, 9, 2))
        alice.complete("voice-why", at(1, 2, 10))
        alice.complete("voice-how", at(1, 2, 11))
        alice.attempt("voice-quiz", RIGHT, at(1, 3, 10), started=at(1, 3, 10) - m)
        alice.complete("reach-who", at(1, 4, 10))
        alice.complete("reach-when", at(1, 5, 10))
        alice.attempt("reach-quiz", WRONG, at(1, 5, 11, 10), started=at(1, 5, 11))
        alice.attempt("reach-quiz", RIGHT, at(1, 6), started=at(1, 6) - m)  # completes
        Progress(s, brand, users["alice"]).complete("brand-story", at(1, 12))

        bob = Progress(s, essentials, users["bob"])
        bob.complete("voice-why", at(1, 3))
        bob.complete("voice-how", at(1, 4))
        bob.attempt("voice-quiz", HALF, at(1, 5), started=at(1, 5) - m)
        bob.complete("reach-who", at(1, 8))
        bob.complete("reach-when", at(1, 9))
        bob.attempt("reach-quiz", RIGHT, at(1, 11), started=at(1, 11) - m)  # completes

        carol = Progress(s, essentials, users["carol"])
        carol.complete("voice-why", at(2, 5))
        carol.complete("voice-how", at(2, 6))
        carol.attempt("voice-quiz", RIGHT, at(2, 7), started=at(2, 7) - m)
        carol.complete("reach-who", at(2, 10))
        carol.complete("reach-when", at(2, 15))
        carol.attempt("reach-quiz", HALF, at(2, 21, 0), started=at(2, 21, 0) - m)  # completes

        dan = Progress(s, essentials, users["dan"])
        dan.complete("voice-why", at(3, 2, 10))
        dan.complete("voice-how", at(3, 3, 10))
        dan.attempt("voice-quiz", WRONG, at(3, 5, 10), started=at(3, 5, 10) - m)
        dan.attempt("voice-quiz", HALF, at(3, 10, 10), started=at(3, 10, 10) - m)

        frank = Progress(s, essentials, users["frank"])
        frank.open("voice-why", at(3, 2, 12))
        frank.complete("voice-why", at(3, 18, 12))
        frank.attempt("voice-quiz", RIGHT, None, started=at(3, 20, 12))  # never submitted

        for key, kind, status in (
                ("alice", "persona", "approved"), ("bob", "persona", "approved"),
                ("carol", "persona", "in-review"), ("dan", "persona", "changes-requested"),
                ("frank", "persona", "in-progress"), ("alice", "plan", "in-review"),
                ("bob", "plan", "in-progress"), ("dan", "plan", "approved")):
            s.add(Workbook(user_id=users[key].id, kind=kind, status=status,
                           draft=json.dumps({"role": f"{SECRET} {kind} of {key}",
                                             "voice": f"{SECRET}-{key}"}),
                           approved_at=at(4, 1) if status == "approved" else None))
    return Dataset(essentials=essentials, brand=brand, cohorts=cohorts, users=users)


@pytest.fixture
def dataset(database: Database, load_course: Callable[..., Course],
            make_user: Callable[..., User]) -> Dataset:
    return build_dataset(database, load_course, make_user)


@pytest.fixture
def hr_client(client, make_user):  # type: ignore[no-untyped-def]
    """The test browser signed in as HR."""
    user = make_user(Role.hr, email="hr@corp.example", full_name="Hanna HR")
    login(client, user.email)
    return client
