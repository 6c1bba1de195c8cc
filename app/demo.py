"""Demo content for a first look: one account per role, a cohort, and (later) the shipped
courses. Idempotent: running it again changes nothing that is already there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from app.admin import service
from app.auth.service import set_password
from app.config import Settings
from app.courses.package import load_package
from app.courses.service import ImportReport, import_course
from app.enrolments.service import enrol_users
from app.learning.service import get_enrolment
from app.models import Role

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

    reports = [import_course(session, load_package(folder))
               for folder in sorted(settings.courses_dir.iterdir())
               if (folder / "course.yaml").is_file()]
    executive = service.get_user_by_email(session, DEMO_ACCOUNTS[0].email)
    assert executive is not None
    for report in reports:
        if get_enrolment(session, user_id=executive.id, course_id=report.course.id) is None:
            enrol_users(session, course=report.course, users=[executive],
                        due_date=date.today() + timedelta(days=DEMO_DUE_IN_DAYS))
    return results, reports
