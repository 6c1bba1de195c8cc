"""Enrolling executives in courses, one by one or a whole cohort, with an optional due
date. Used by the trainer/admin pages, the CLI and the demo."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.admin import forms
from app.audit.service import record as audit
from app.audit.service import user_label
from app.content.numbers import parse_id
from app.courses.urls import course_url
from app.learning import service as learning
from app.learning import summary
from app.models import (
    CohortMember,
    Course,
    Enrolment,
    Lesson,
    LessonProgress,
    Role,
    User,
    utcnow,
)
from app.notifications.service import notify


@dataclass(frozen=True)
class EnrolmentRow:
    enrolment: Enrolment
    user: User
    required_done: int
    required_total: int
    last_activity: datetime | None

    @property
    def percent(self) -> int:
        if self.required_total == 0:
            return 100
        return int(100 * self.required_done / self.required_total)


def list_enrolments(session: Session, *, course: Course) -> list[EnrolmentRow]:
    """Everyone enrolled in a course with their progress, aggregated in SQL."""
    required = select(func.count()).select_from(Lesson).where(
        Lesson.course_id == course.id, col(Lesson.required).is_(True),
        col(Lesson.retired_at).is_(None)).scalar_subquery()
    done = (select(LessonProgress.user_id.label("user_id"),
                   func.count(col(LessonProgress.completed_at)).label("done"),
                   func.max(LessonProgress.last_opened_at).label("last_activity"))
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .where(Lesson.course_id == course.id, col(Lesson.retired_at).is_(None),
                   col(Lesson.required).is_(True))
            .group_by(LessonProgress.user_id).subquery())
    rows = session.exec(
        select(Enrolment, User, func.coalesce(done.c.done, 0), required, done.c.last_activity)
        .join(User, User.id == Enrolment.user_id)
        .join(done, done.c.user_id == Enrolment.user_id, isouter=True)
        .where(Enrolment.course_id == course.id)
        .order_by(func.lower(User.full_name))
    ).all()
    return [EnrolmentRow(e, u, int(d), int(t or 0), last) for e, u, d, t, last in rows]


def enrol_users(session: Session, *, course: Course, users: list[User], due_date: date | None,
                enrolled_by: User | None = None) -> tuple[int, int]:
    """Enrol users; returns (newly enrolled, already enrolled). An existing enrolment
    keeps its progress; a new due date given here replaces the old one."""
    existing = {e.user_id: e for e in session.exec(
        select(Enrolment).where(Enrolment.course_id == course.id,
                                col(Enrolment.user_id).in_([u.id for u in users])))}
    added: list[int] = []
    for user in users:
        enrolment = existing.get(user.id)
        if enrolment is None:
            session.add(Enrolment(user_id=user.id, course_id=course.id, due_date=due_date,
                                  enrolled_at=utcnow(),
                                  enrolled_by_id=enrolled_by.id if enrolled_by else None))
            added.append(user.id)
            audit(session, action="enrolment.created", target_type="user", target_id=user.id,
                  target_label=user_label(user),
                  details={"course": course.title, "due date": due_date})
        elif due_date is not None and enrolment.due_date != due_date:
            audit(session, action="enrolment.due-date-changed", target_type="user",
                  target_id=user.id, target_label=user_label(user),
                  details={"course": course.title, "from": enrolment.due_date,
                           "to": due_date})
            enrolment.due_date = due_date
            session.add(enrolment)
    session.flush()
    if added:  # progress kept from an earlier enrolment counts again
        summary.refresh(session, course_id=course.id, user_ids=added)
    learning.complete_approved_activities(session, course=course, user_ids=added)
    for user_id in added:
        notify(session, user_id=user_id, kind="enrolled",
               params={"course": course.title,
                       "due_date": due_date.isoformat() if due_date else None},
               link=course_url(course.slug))
    return len(added), len(users) - len(added)


def cohort_executives(session: Session, *, cohort_id: int) -> list[User]:
    return list(session.exec(
        select(User).join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == cohort_id, User.role == Role.executive,
               col(User.is_active).is_(True))).all())


def resolve_emails(session: Session, text: str) -> tuple[list[User], list[str]]:
    """Executives named by email (one per line, or separated by commas/semicolons) and the
    entries that are not an executive's email."""
    found: list[User] = []
    problems: list[str] = []
    for raw in text.replace(",", "\n").replace(";", "\n").splitlines():
        entry = raw.strip()
        if not entry:
            continue
        email, error = forms.clean_email(entry)
        if error:
            problems.append(f"{entry[:80]}: not a valid email address")
            continue
        user = session.exec(select(User).where(User.email == email)).first()
        if user is None:
            problems.append(f"{email}: no account with this email")
        elif user.role != Role.executive:
            problems.append(f"{email}: is a {user.role.label} account, not an executive")
        elif user.id not in {u.id for u in found}:
            found.append(user)
    return found, problems


def choose_executives(session: Session, *, cohort: str, emails: str,
                      ) -> tuple[list[User], dict[str, str]]:
    """The executives an enrolment form names (a cohort and/or emails), or field errors."""
    from app.admin.service import get_cohort

    people: list[User] = []
    errors: dict[str, str] = {}
    if cohort:
        cohort_id = parse_id(cohort)
        found = get_cohort(session, cohort_id) if cohort_id is not None else None
        if found is None:
            errors["cohort"] = "Choose a cohort from the list."
        else:
            people += cohort_executives(session, cohort_id=found.id)
            if not people:
                errors["cohort"] = "This cohort has no active executives."
    if emails.strip():
        found_users, problems = resolve_emails(session, emails)
        if problems:
            errors["emails"] = "; ".join(problems[:10]) + (" …" if len(problems) > 10 else "")
        known = {p.id for p in people}
        people += [u for u in found_users if u.id not in known]
    if not cohort and not emails.strip():
        errors["cohort"] = "Choose a cohort or enter the emails of executives."
    return people, errors


def get_enrolment(session: Session, *, course: Course, enrolment_id: int) -> Enrolment | None:
    enrolment = session.get(Enrolment, enrolment_id)
    return enrolment if enrolment and enrolment.course_id == course.id else None


def unenrol(session: Session, *, enrolment: Enrolment) -> None:
    """Remove an enrolment. Lesson progress stays on record for a later re-enrolment."""
    user, course = session.get(User, enrolment.user_id), session.get(Course, enrolment.course_id)
    audit(session, action="enrolment.removed", target_type="user", target_id=enrolment.user_id,
          target_label=user_label(user) if user else "",
          details={"course": course.title if course else enrolment.course_id,
                   "progress": f"{enrolment.progress_percent}%"})
    session.delete(enrolment)
    session.flush()


def enrolment_counts(session: Session) -> dict[int, int]:
    rows = session.exec(select(Enrolment.course_id, func.count()).group_by(Enrolment.course_id))
    return dict(rows.all())
