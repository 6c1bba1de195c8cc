"""Enrolling executives in courses, one by one or a whole cohort, with an optional due
date. Used by the trainer/admin pages, the CLI and the demo."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.admin import forms
from app.audit.service import record as audit
from app.audit.service import user_label
from app.content.numbers import parse_id
from app.courses.urls import course_url
from app.learning import summary
from app.learning.completion import complete_approved_activities
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


# What an existing enrolment's due date becomes when its executive is enrolled again
CHANGE, KEEP = "change", "keep"
EXISTING_CHOICES = (CHANGE, KEEP)


@dataclass(frozen=True)
class DueDateChange:
    """An executive already enrolled, not complete, whose due date the new one would
    replace."""

    user: User
    enrolment: Enrolment
    old: date | None
    new: date


@dataclass(frozen=True)
class EnrolmentPlan:
    """What enrolling ``users`` would do, before anything is written."""

    due_date: date | None
    new: list[User]
    changes: list[DueDateChange]  # would get the new due date (the caller asks first)
    completed: list[User]  # completed, with another due date: never changed
    same: list[User]  # already enrolled with this due date, or no due date given

    @property
    def needs_choice(self) -> bool:
        return bool(self.changes)


@dataclass(frozen=True)
class EnrolmentResult:
    """What enrolling did: the counts the result page says in words."""

    enrolled: int = 0
    changed: int = 0
    kept: int = 0  # not complete; their due date kept as the trainer chose
    completed: int = 0  # completed, due date left as it was
    same: int = 0
    due_date_given: bool = True

    FIELDS = ("enrolled", "changed", "kept", "completed", "same")

    def params(self) -> dict[str, str]:
        """The result as query parameters of the page shown after the redirect."""
        values = {name: str(getattr(self, name)) for name in self.FIELDS}
        values["due"] = "1" if self.due_date_given else "0"
        return values

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> EnrolmentResult | None:
        """The result read back from the query string; None unless every count is a small
        whole number (only numbers travel in the URL, never text)."""
        counts: dict[str, int] = {}
        for name in cls.FIELDS:
            raw = params.get(name, "")
            if not (raw.isascii() and raw.isdigit() and len(raw) <= 6):
                return None
            counts[name] = int(raw)
        return cls(**counts, due_date_given=params.get("due") != "0")

    def message(self) -> str:
        def people(count: int) -> str:
            return f"{count} new executive{'' if count == 1 else 's'}"

        parts = [f"Enrolled {people(self.enrolled)}"]
        if self.changed:
            parts.append(f"changed the due date for {self.changed}")
        if self.kept:
            parts.append(f"kept the due date of {self.kept} already enrolled, as you chose")
        if self.completed:
            parts.append(f"kept {self.completed} completed enrolment"
                         f"{'' if self.completed == 1 else 's'} unchanged")
        if self.same:
            were = "was" if self.same == 1 else "were"
            parts.append(f"{self.same} {were} already enrolled with this due date"
                         if self.due_date_given else
                         f"{self.same} {were} already enrolled (due date unchanged)")
        return "; ".join(parts) + "."


def plan_enrolment(session: Session, *, course: Course, users: list[User],
                   due_date: date | None) -> EnrolmentPlan:
    """Sort ``users`` into new enrolments, due dates that would change, completed
    enrolments (never changed) and enrolments already as asked. One query."""
    existing = {e.user_id: e for e in session.exec(
        select(Enrolment).where(Enrolment.course_id == course.id,
                                col(Enrolment.user_id).in_([u.id for u in users])))}
    new: list[User] = []
    changes: list[DueDateChange] = []
    completed: list[User] = []
    same: list[User] = []
    for user in users:
        enrolment = existing.get(user.id or 0)
        if enrolment is None:
            new.append(user)
        elif due_date is None or enrolment.due_date == due_date:
            same.append(user)
        elif enrolment.completed_at is not None:
            completed.append(user)
        else:
            changes.append(DueDateChange(user, enrolment, enrolment.due_date, due_date))
    changes.sort(key=lambda c: c.user.full_name.lower())
    return EnrolmentPlan(due_date=due_date, new=new, changes=changes, completed=completed,
                         same=same)


def enrol_users(session: Session, *, course: Course, users: list[User], due_date: date | None,
                enrolled_by: User | None = None, existing: str = CHANGE) -> EnrolmentResult:
    """Enrol users. An existing enrolment keeps its progress; a completed one keeps its due
    date too. For the others, a new due date replaces theirs when ``existing`` is CHANGE
    and leaves it when KEEP (the enrolment page asks the trainer which)."""
    plan = plan_enrolment(session, course=course, users=users, due_date=due_date)
    added: list[int] = []
    for user in plan.new:
        session.add(Enrolment(user_id=user.id, course_id=course.id, due_date=due_date,
                              enrolled_at=utcnow(),
                              enrolled_by_id=enrolled_by.id if enrolled_by else None))
        added.append(user.id)
        audit(session, action="enrolment.created", target_type="user", target_id=user.id,
              target_label=user_label(user),
              details={"course": course.title, "due date": due_date})
    if existing == CHANGE:
        for change in plan.changes:
            audit(session, action="enrolment.due-date-changed", target_type="user",
                  target_id=change.user.id, target_label=user_label(change.user),
                  details={"course": course.title, "from": change.old, "to": change.new})
            change.enrolment.due_date = change.new
            session.add(change.enrolment)
    session.flush()
    if added:  # progress kept from an earlier enrolment counts again
        summary.refresh(session, course_id=course.id, user_ids=added)
    complete_approved_activities(session, course=course, user_ids=added)
    for user_id in added:
        notify(session, user_id=user_id, kind="enrolled",
               params={"course": course.title,
                       "due_date": due_date.isoformat() if due_date else None},
               link=course_url(course.slug))
    changed = len(plan.changes) if existing == CHANGE else 0
    return EnrolmentResult(enrolled=len(added), changed=changed,
                           kept=len(plan.changes) - changed, completed=len(plan.completed),
                           same=len(plan.same), due_date_given=due_date is not None)


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
