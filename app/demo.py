"""Demo content for a first look: one account per role, a cohort, and (later) the shipped
courses. Idempotent: running it again changes nothing that is already there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from app.admin import service
from app.auth.service import set_password
from app.config import Settings
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


def load_demo(session: Session, settings: Settings) -> list[tuple[DemoAccount, bool]]:
    """Create what is missing; returns each demo account and whether it was created now."""
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
    return results
