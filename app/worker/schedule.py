"""Notifications that come from the calendar rather than from an event: due-date
reminders, the trainers' daily digest and HR's weekly summary. Each is keyed so that it
happens once (per enrolment and due date, per day, per week), however often the
scheduler runs and however many workers run it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from app.courses.urls import course_url
from app.models import Course, Enrolment, Notification, Role, User
from app.notifications.service import notify
from app.quizzes.essay_grading import pending_attempts
from app.reports.filters import ReportFilter
from app.reports.service import figures, scope
from app.workbooks.service import review_queue

REMIND_DAYS_BEFORE = (7, 1)


@dataclass(frozen=True)
class _Due:
    enrolment_id: int
    user_id: int
    course: str
    slug: str
    due_date: date
    percent: int
    enrolled_at: datetime


def _existing(session: Session, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        found.update(session.exec(select(Notification.dedupe_key)
                                  .where(col(Notification.dedupe_key).in_(chunk))).all())
    return found


def _open_enrolments(session: Session, *, until: date) -> list[_Due]:
    """Enrolments of active executives, not completed, due on or before ``until``."""
    rows = session.exec(
        select(Enrolment.id, Enrolment.user_id, Course.title, Course.slug, Enrolment.due_date,
               Enrolment.progress_percent, Enrolment.enrolled_at)
        .join(Course, col(Course.id) == Enrolment.course_id)
        .join(User, col(User.id) == Enrolment.user_id)
        .where(col(Enrolment.due_date).is_not(None), col(Enrolment.due_date) <= until,
               col(Enrolment.completed_at).is_(None), col(User.is_active).is_(True),
               User.role == Role.executive)
        .order_by(Enrolment.id)).all()
    return [_Due(*row) for row in rows]


def due_reminders(session: Session, *, now: datetime, limit: int = 500) -> int:
    """Create up to ``limit`` due reminders that are owed and not yet sent: 7 days before
    the due date (not in the first day after enrolling, when the enrolment itself said
    it), 1 day before, and once a week while overdue. Returns how many were created."""
    today = now.date()
    owed: list[tuple[str, _Due, str, dict]] = []
    for due in _open_enrolments(session, until=today + timedelta(days=REMIND_DAYS_BEFORE[0])):
        days = (due.due_date - today).days
        base = {"course": due.course, "due_date": due.due_date.isoformat(),
                "percent": due.percent}
        if days < 0:
            week = (-days - 1) // 7
            owed.append((f"overdue:{due.enrolment_id}:{due.due_date}:{week}", due, "overdue",
                         base))
        elif days <= 1:
            owed.append((f"due1:{due.enrolment_id}:{due.due_date}", due, "due-soon",
                         {**base, "days": days}))
        elif now - due.enrolled_at >= timedelta(days=1):
            owed.append((f"due7:{due.enrolment_id}:{due.due_date}", due, "due-soon",
                         {**base, "days": days}))
    done = _existing(session, [key for key, *_ in owed])
    created = 0
    for key, due, kind, params in owed:
        if key in done:
            continue
        if notify(session, user_id=due.user_id, kind=kind, params=params,
                  link=course_url(due.slug), dedupe_key=key, now=now) is not None:
            created += 1
            if created >= limit:
                break
    return created


def review_digests(session: Session, *, now: datetime) -> int:
    """One digest a day for each trainer and admin while work waits for them."""
    submissions = review_queue(session)
    essays = pending_attempts(session)
    if not submissions and not essays:
        return 0
    waiting_since = [e.version.created_at for e in submissions] + \
        [a.attempt.submitted_at for a in essays if a.attempt.submitted_at]
    oldest_days = (now - min(waiting_since)).days if waiting_since else 0
    params = {"submissions": len(submissions), "essays": len(essays),
              "oldest_days": oldest_days}
    link = "/manage/reviews" if submissions else "/manage/grading"
    created = 0
    for user_id in _active(session, Role.trainer, Role.admin):
        if notify(session, user_id=user_id, kind="review-digest", params=params, link=link,
                  dedupe_key=f"review-digest:{user_id}:{now.date()}", now=now) is not None:
            created += 1
    return created


def programme_summaries(session: Session, *, now: datetime) -> int:
    """The weekly summary of the whole programme for each HR user and admin."""
    totals = figures(session, scope(session, ReportFilter(), today=now.date()))
    params = {"enrolled": totals.enrolled, "started": totals.started,
              "completed": totals.completed, "overdue": totals.overdue,
              "rate": totals.completion_rate}
    year, week, _ = now.isocalendar()
    created = 0
    for user_id in _active(session, Role.hr, Role.admin):
        if notify(session, user_id=user_id, kind="programme-summary", params=params,
                  link="/reports", dedupe_key=f"programme-summary:{user_id}:{year}-W{week:02d}",
                  now=now) is not None:
            created += 1
    return created


def _active(session: Session, *roles: Role) -> list[int]:
    return list(session.exec(select(User.id).where(col(User.role).in_(roles),
                                                   col(User.is_active).is_(True))
                             .order_by(User.id)).all())
