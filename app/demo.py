"""Demo content for a first look: one account per role, two cohorts, the shipped courses
and a small programme of sample executives in flight for HR's dashboard. Idempotent:
running it again changes nothing that is already there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session

from app.admin import service
from app.auth.service import set_password
from app.authoring.import_export import ImportReport
from app.authoring.publishing import record
from app.config import Settings
from app.courses.package import load_package
from app.courses.service import LessonRef, course_outline
from app.courses.spec import ACTIVITY_KINDS
from app.enrolments.service import enrol_users
from app.learning.completion import complete_activity, complete_lesson
from app.learning.progress import get_enrolment
from app.learning.reading import record_open
from app.models import (
    Cohort,
    Course,
    Enrolment,
    Lesson,
    QuizAttempt,
    Role,
    User,
    Workbook,
    utcnow,
)

DEMO_PASSWORD = "podium-demo-2026"  # noqa: S105 (published on purpose; `podium demo` is dev-only)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role: Role
    department: str


DEMO_ACCOUNTS = (
    DemoAccount("executive@demo.podium.example", "Alex Morgan", Role.executive, "Executive Board"),
    DemoAccount("trainer@demo.podium.example", "Sam Whitfield", Role.trainer, "Communications"),
    DemoAccount("hr@demo.podium.example", "Jordan Lee", Role.hr, "People & Culture"),
    DemoAccount("admin@demo.podium.example", "Robin Admin", Role.admin, "IT"),
)
DEMO_COHORT = "EMEA leadership 2027-Q1"
DEMO_DUE_IN_DAYS = 42


def load_demo(session: Session, settings: Settings,
              ) -> tuple[list[tuple[DemoAccount, bool]], list[ImportReport]]:
    """Create what is missing: accounts (and whether each was created now), the courses
    under ``courses/`` (imported or updated), and the demo executive's enrolments."""
    cohort = service.get_cohort_by_name(session, DEMO_COHORT)
    if cohort is None:
        cohort = service.create_cohort(session, name=DEMO_COHORT, start_date=date(2027, 1, 11))
    results = []
    for account in DEMO_ACCOUNTS:
        user = service.get_user_by_email(session, account.email)
        created = user is None
        if user is None:
            user = service.create_user(session, settings, email=account.email,
                                       full_name=account.full_name, role=account.role,
                                       department=account.department)
            set_password(session, settings, user=user, password=DEMO_PASSWORD)
            if account.role == Role.executive:
                service.add_user_to_cohorts(session, user=user, cohort_ids=[cohort.id])
        results.append((account, created))

    reports = [record(session, load_package(folder), author=None,
                      message=f"Loaded from courses/{folder.name} by podium demo").report
               for folder in sorted(settings.courses_dir.iterdir())
               if (folder / "course.yaml").is_file()]
    executive = service.get_user_by_email(session, DEMO_ACCOUNTS[0].email)
    assert executive is not None
    for report in reports:
        if get_enrolment(session, user_id=executive.id, course_id=report.course.id) is None:
            enrol_users(session, course=report.course, users=[executive],
                        due_date=date.today() + timedelta(days=DEMO_DUE_IN_DAYS))
    if reports:
        sample_learners(session, settings, course=reports[0].course, cohort=cohort)
    rollout(session, settings)
    return results, reports


# Rollout: one pending invitation, and notifications for every role --------------------

DEMO_INVITEE = DemoAccount("jamie.rivera@demo.podium.example", "Jamie Rivera", Role.executive,
                           "Sales")
# A sample executive's persona, submitted for review so the trainer has work waiting.
DEMO_SUBMITTER = "kwame.mensah@demo.podium.example"
DEMO_PERSONA = {
    "role": {"role": "Chief Operating Officer", "company": "Meridian Freight"},
    "expertise": {"expertise-1": "Port operations", "expertise-2": "Rail and road intermodal",
                  "expertise-3": "Safety culture", "interests": "Community football coaching"},
    "audiences": {"audiences": ["customers", "employees"],
                  "audiences-customers": "Your freight moves on a schedule you can plan on.",
                  "audiences-employees": "Safe shifts first; every site, every day."},
    "networks": {"networks": ["linkedin"], "voice": "Plain-spoken, practical, credits the team.",
                 "off_limits": "Labour negotiations in progress"},
    "proof": {"proof_points": "On-time departures up from 87% to 95% in 18 months\n"
                              "Two years without a lost-time injury at the Accra terminal"},
    "x-profile": {"x_name": "", "x_bio": ""},
    "linkedin-profile": {"li_headline": "COO, Meridian Freight | Intermodal logistics | "
                                        "Safety first",
                         "li_about": "I run operations at Meridian Freight: 40 terminals, 3,000 "
                                     "people, one promise to our customers."},
    "messages": {"core_messages-1": "Reliable freight is built shift by shift.",
                 "core_messages-2": "Safety is how we keep our promises, not a cost.",
                 "core_messages-3": "Our people on the ground have the best ideas."},
}


def rollout(session: Session, settings: Settings, *, now: datetime | None = None) -> None:
    """What a programme in flight looks like to each role: a pending invitation in the
    admins' mailbox, a persona waiting for review, and the notifications the scheduler
    sends (due-date reminders, the trainers' digest, HR's weekly summary)."""
    from app.invitations import service as invitations
    from app.worker import schedule

    now = now or utcnow()
    admin = service.get_user_by_email(session, DEMO_ACCOUNTS[3].email)
    assert admin is not None
    invitee = service.get_user_by_email(session, DEMO_INVITEE.email)
    if invitee is None:
        invitee = service.create_user(session, settings, email=DEMO_INVITEE.email,
                                      full_name=DEMO_INVITEE.full_name, role=DEMO_INVITEE.role,
                                      department=DEMO_INVITEE.department)
        invitations.invite(session, settings, user=invitee, invited_by=admin, now=now)
    submitter = service.get_user_by_email(session, DEMO_SUBMITTER)
    if submitter is not None:
        _submit_demo_persona(session, user=submitter, now=now)
    schedule.due_reminders(session, now=now, limit=1000)
    schedule.review_digests(session, now=now)
    schedule.programme_summaries(session, now=now)


def _submit_demo_persona(session: Session, *, user: User, now: datetime) -> None:
    from starlette.datastructures import ImmutableMultiDict

    from app.persona import service as persona
    from app.persona.definition import KIND, STEPS
    from app.workbooks import service as workbooks

    workbook = workbooks.get_workbook(session, user_id=user.id, kind=KIND)
    if workbook is not None and workbook.submitted_at is not None:
        return
    for step in STEPS:
        values = DEMO_PERSONA[step.slug]
        form = ImmutableMultiDict([(key, item) for key, value in values.items()
                                   for item in (value if isinstance(value, list) else [value])])
        persona.save_step(session, user=user, step=step, form=form, now=now)
    workbook = workbooks.get_workbook(session, user_id=user.id, kind=KIND)
    assert workbook is not None
    workbooks.submit(session, workbook=workbook, now=now)


@dataclass(frozen=True)
class SampleLearner:
    """An executive of the demo programme (no password: they only fill HR's dashboard)."""

    email: str
    full_name: str
    department: str
    cohorts: tuple[str, ...]
    enrolled_days_ago: int
    due_in_days: int
    share_done: float  # of the course's lessons, in course order
    quiz_score: float
    persona: str | None  # workbook status, None: not started
    plan: str | None


SECOND_COHORT = "Americas leadership 2027-Q1"
SAMPLE_LEARNERS = (
    SampleLearner("priya.natarajan@demo.podium.example", "Priya Natarajan", "Finance",
                  (DEMO_COHORT,), 40, 2, 1.0, 92, "approved", "approved"),
    SampleLearner("tomas.herrera@demo.podium.example", "Tomás Herrera", "Sales",
                  (SECOND_COHORT,), 35, 7, 1.0, 84, "approved", "approved"),
    SampleLearner("hannah.becker@demo.podium.example", "Hannah Becker", "Executive Board",
                  (DEMO_COHORT,), 50, -5, 0.6, 76, "in-progress", None),
    SampleLearner("kwame.mensah@demo.podium.example", "Kwame Mensah", "Operations",
                  (SECOND_COHORT,), 21, 21, 0.3, 74, "in-review", None),  # see rollout()
    SampleLearner("mei.lin@demo.podium.example", "Mei Lin", "Marketing",
                  (DEMO_COHORT, SECOND_COHORT), 20, 22, 1.0, 95, "approved", "approved"),
    SampleLearner("oliver.grant@demo.podium.example", "Oliver Grant", "Finance",
                  (SECOND_COHORT,), 45, -3, 0.0, 0, None, None),
    SampleLearner("sofia.rossi@demo.podium.example", "Sofia Rossi", "Marketing",
                  (DEMO_COHORT,), 28, 14, 0.8, 88, "approved", "in-progress"),
    SampleLearner("daniel.okafor@demo.podium.example", "Daniel Okafor", "Sales", (),
                  12, 30, 0.1, 72, None, None),
    SampleLearner("elena.petrova@demo.podium.example", "Elena Petrova", "Operations",
                  (DEMO_COHORT,), 5, 37, 0.0, 0, None, None),
    SampleLearner("lucas.martin@demo.podium.example", "Lucas Martin", "Executive Board",
                  (SECOND_COHORT,), 60, -18, 1.0, 79, "approved", "approved"),
)


def sample_learners(session: Session, settings: Settings, *, course: Course,
                    cohort: Cohort) -> None:
    """A small programme in flight, written through the same services as real progress:
    lessons completed over the weeks since enrolment, a passed attempt per quiz reached,
    and persona and plan workbooks at various stages."""
    second = service.get_cohort_by_name(session, SECOND_COHORT) or service.create_cohort(
        session, name=SECOND_COHORT, start_date=date(2027, 1, 18))
    cohorts = {DEMO_COHORT: cohort.id, SECOND_COHORT: second.id}
    lessons = [lesson for _, module_lessons in course_outline(session, course)
               for lesson in module_lessons]
    now = utcnow()
    for sample in SAMPLE_LEARNERS:
        if service.get_user_by_email(session, sample.email) is not None:
            continue
        user = service.create_user(session, settings, email=sample.email,
                                   full_name=sample.full_name, role=Role.executive,
                                   department=sample.department)
        service.add_user_to_cohorts(session, user=user,
                                    cohort_ids=[cohorts[name] for name in sample.cohorts])
        enrolled_at = now - timedelta(days=sample.enrolled_days_ago)
        enrol_users(session, course=course, users=[user],
                    due_date=date.today() + timedelta(days=sample.due_in_days))
        enrolment = get_enrolment(session, user_id=user.id, course_id=course.id)
        assert enrolment is not None
        enrolment.enrolled_at = enrolled_at
        session.add(enrolment)
        _sample_progress(session, sample, user_id=user.id, course=course, lessons=lessons,
                         enrolment=enrolment, start=enrolled_at, now=now)


def _sample_progress(session: Session, sample: SampleLearner, *, user_id: int, course: Course,
                     lessons: list[LessonRef], enrolment: Enrolment, start: datetime,
                     now: datetime) -> None:
    for kind, status in (("persona", sample.persona), ("plan", sample.plan)):
        if status is not None:
            session.add(Workbook(user_id=user_id, kind=kind, status=status,
                                 approved_at=now if status == "approved" else None))
    session.flush()
    to_do = [lesson for lesson in lessons if lesson.kind not in ACTIVITY_KINDS]
    count = round(len(to_do) * sample.share_done)
    span = (now - start) / 2  # the sample's pace: half the time since enrolment
    for index, ref in enumerate(to_do[:count], start=1):
        at = start + span * index / max(count, 1)
        lesson = session.get(Lesson, ref.id)
        assert lesson is not None
        record_open(session, user_id=user_id, course_id=course.id, lesson_id=lesson.id,
                    now=at - timedelta(minutes=ref.minutes))
        if lesson.kind == "quiz":
            session.add(QuizAttempt(lesson_id=lesson.id, user_id=user_id, number=1,
                                    started_at=at - timedelta(minutes=8), submitted_at=at,
                                    layout="[]", score=sample.quiz_score,
                                    passed=sample.quiz_score >= 70))
            session.flush()
        complete_lesson(session, user_id=user_id, course=course, lesson=lesson,
                        enrolment=enrolment, now=at)
    for kind, status in (("persona", sample.persona), ("plan", sample.plan)):
        if status == "approved" and count == len(to_do):
            complete_activity(session, user_id=user_id, kind=kind, now=start + span)
