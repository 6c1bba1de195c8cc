"""Work queues for the home pages of trainers, HR and admins: what is waiting for the
signed-in user, each as a sentence with a count and a link to the page that acts on it.

Every figure comes from a handful of aggregate queries (no query per row), so the home
page stays fast however many executives, submissions or invitations there are:

- trainer: submissions waiting for review, quiz attempts with essays to grade, courses
  whose draft has unpublished changes, executives overdue per course;
- HR: executives overdue, due within 7 days and not started, the completion rate, and
  the same by cohort;
- admin (who has the trainer's and HR's pages too): invitations not accepted, accounts
  disabled and executives in no cohort, plus the trainer's and HR's queues.

Executives have no queues (``home_queues`` returns None for them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import and_, case, exists, func
from sqlmodel import Session, col, select

from app.activities.kinds import KINDS
from app.models import (
    Cohort,
    CohortMember,
    Course,
    CourseDraft,
    CourseRevision,
    Enrolment,
    Invitation,
    QuizAttempt,
    Role,
    SsoIdentity,
    User,
    Workbook,
    WorkbookVersion,
)
from app.reports.filters import NOT_STARTED, OVERDUE
from app.workbooks.service import PENDING

DUE_SOON_DAYS = 7
KIND_NAMES = {"persona": "persona", "plan": "90-day plan"}
KIND_ORDER = {key: number for number, key in enumerate(KINDS)}


@dataclass(frozen=True)
class QueueLink:
    """A secondary link under a queue item (one course, one cohort)."""

    text: str
    url: str


@dataclass(frozen=True)
class QueueItem:
    key: str  # stable, for tests and anchors: "reviews", "grading", …
    count: int
    text: str  # "3 submissions waiting for review"
    calm: str  # what a zero reads: "No submissions waiting for review"
    url: str  # the page that lets the user act on it, filtered where it can be
    detail: str = ""  # "2 personas, 1 plan"
    tone: str = "info"  # "warn" when the count means someone is late
    links: list[QueueLink] = field(default_factory=list)

    @property
    def waiting(self) -> bool:
        return self.count > 0


@dataclass(frozen=True)
class QueueGroup:
    key: str
    title: str
    items: list[QueueItem]

    @property
    def waiting(self) -> int:
        return sum(item.count for item in self.items if item.tone != "figure")


@dataclass(frozen=True)
class CohortFigures:
    cohort_id: int
    name: str
    enrolled: int
    completed: int
    overdue: int
    not_started: int

    @property
    def completion_rate(self) -> int | None:
        return round(100 * self.completed / self.enrolled) if self.enrolled else None

    @property
    def url(self) -> str:
        return _reports(cohort=self.cohort_id)

    @property
    def overdue_url(self) -> str:
        return _reports(cohort=self.cohort_id, status=OVERDUE)

    @property
    def not_started_url(self) -> str:
        return _reports(cohort=self.cohort_id, status=NOT_STARTED)


@dataclass(frozen=True)
class HomeQueues:
    groups: list[QueueGroup]
    cohorts: list[CohortFigures] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        return sum(group.waiting for group in self.groups)


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _reports(**params: object) -> str:
    values = {key: str(value) for key, value in params.items() if value is not None}
    return "/reports" + ("?" + urlencode(values) if values else "")


# Trainer --------------------------------------------------------------------------------

def review_item(session: Session) -> QueueItem:
    """Persona and plan submissions waiting for a trainer's review (one grouped query)."""
    rows = session.exec(
        select(Workbook.kind, func.count())
        .join(WorkbookVersion, col(WorkbookVersion.workbook_id) == Workbook.id)
        .where(WorkbookVersion.outcome == PENDING)
        .group_by(Workbook.kind)).all()
    by_kind = dict(rows)
    total = sum(by_kind.values())
    parts = [_plural(count, KIND_NAMES.get(kind, kind))
             for kind, count in sorted(by_kind.items(), key=lambda kc: KIND_ORDER.get(kc[0], 9))
             if count]
    return QueueItem(
        key="reviews", count=total,
        text=f"{_plural(total, 'submission')} waiting for review",
        calm="No submissions waiting for review", url="/manage/reviews",
        detail=", ".join(parts) if len(parts) > 1 else "")


def grading_item(session: Session) -> QueueItem:
    """Submitted quiz attempts whose essay answers wait for a trainer's marks."""
    total = session.exec(select(func.count()).select_from(QuizAttempt)
                         .where(col(QuizAttempt.needs_grading).is_(True))).one()
    return QueueItem(
        key="grading", count=total,
        text=f"{_plural(total, 'quiz attempt')} with essays to grade",
        calm="No essays waiting to be graded", url="/manage/grading")


def _without_assets(spec_json: str) -> Any:
    data = json.loads(spec_json)
    if isinstance(data, dict):
        data.pop("assets", None)
    return data


def unpublished_courses(session: Session) -> list[tuple[str, str]]:
    """(slug, title) of the courses whose draft differs from what executives see: a course
    never published, or a draft unlike the latest published revision. Two queries."""
    drafts = session.exec(
        select(CourseDraft.slug, CourseDraft.spec, Course.id, Course.title)
        .join(Course, col(Course.slug) == CourseDraft.slug, isouter=True)
        .order_by(CourseDraft.slug)).all()
    course_ids = [course_id for _, _, course_id, _ in drafts if course_id is not None]
    latest: dict[int, str] = {}
    if course_ids:
        newest = (select(CourseRevision.course_id,
                         func.max(CourseRevision.number).label("number"))
                  .where(col(CourseRevision.course_id).in_(course_ids))
                  .group_by(CourseRevision.course_id).subquery())
        latest = dict(session.exec(
            select(CourseRevision.course_id, CourseRevision.spec)
            .join(newest, and_(newest.c.course_id == CourseRevision.course_id,
                               newest.c.number == CourseRevision.number))).all())
    changed: list[tuple[str, str]] = []
    for slug, spec, course_id, course_title in drafts:
        draft = _without_assets(spec)
        published = latest.get(course_id) if course_id is not None else None
        if published is not None and draft == _without_assets(published):
            continue  # a draft row saved back to what is published: no change
        if course_id is not None and published is None and not _draft_changed(session, slug):
            continue  # published before revisions were kept: compared the long way
        title = draft.get("title") if isinstance(draft, dict) else None
        changed.append((slug, str(title or course_title or slug)))
    return changed


def _draft_changed(session: Session, slug: str) -> bool:
    from app.authoring import drafts

    draft = drafts.load(session, slug)
    return draft is not None and draft.changed


def drafts_item(session: Session) -> QueueItem:
    courses = unpublished_courses(session)
    url = f"/author/{courses[0][0]}" if len(courses) == 1 else "/author"
    return QueueItem(
        key="drafts", count=len(courses),
        text=f"{_plural(len(courses), 'course')} with unpublished changes",
        calm="No unpublished changes in any course", url=url,
        links=[QueueLink(title, f"/author/{slug}") for slug, title in courses]
        if len(courses) > 1 else [])


def overdue_by_course_item(session: Session, *, today: date) -> QueueItem:
    """Executives past their due date, not complete, per course (one grouped query)."""
    rows = session.exec(
        select(Course.slug, Course.title, func.count(func.distinct(Enrolment.user_id)))
        .join(Enrolment, col(Enrolment.course_id) == Course.id)
        .where(col(Enrolment.completed_at).is_(None), col(Enrolment.due_date) < today)
        .group_by(Course.id, Course.slug, Course.title)
        .order_by(Course.title)).all()
    total = session.exec(
        select(func.count(func.distinct(Enrolment.user_id)))
        .where(col(Enrolment.completed_at).is_(None), col(Enrolment.due_date) < today)
    ).one() if rows else 0
    url = f"/manage/courses/{rows[0][0]}" if len(rows) == 1 else "/manage/courses"
    return QueueItem(
        key="overdue-courses", count=total,
        text=f"{_plural(total, 'executive')} overdue in your courses",
        calm="Nobody is overdue in your courses", url=url, tone="warn",
        links=[QueueLink(f"{title}: {count} overdue", f"/manage/courses/{slug}")
               for slug, title, count in rows] if len(rows) > 1 else [])


# HR -------------------------------------------------------------------------------------

def _count_if(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _distinct_if(condition: Any) -> Any:
    return func.count(func.distinct(case((condition, Enrolment.user_id), else_=None)))


def programme_items(session: Session, *, today: date) -> list[QueueItem]:
    """HR's queue over every enrolment, in one pass: executives overdue, due soon, not
    started, and the completion rate."""
    not_complete = col(Enrolment.completed_at).is_(None)
    overdue = and_(not_complete, col(Enrolment.due_date) < today)
    due_soon = and_(not_complete, col(Enrolment.due_date) >= today,
                    col(Enrolment.due_date) <= today + timedelta(days=DUE_SOON_DAYS))
    not_started = and_(not_complete, col(Enrolment.started_at).is_(None))
    enrolled, completed, overdue_n, due_soon_n, not_started_n = session.exec(
        select(func.count(), _count_if(col(Enrolment.completed_at).is_not(None)),
               _distinct_if(overdue), _distinct_if(due_soon), _distinct_if(not_started))
    ).one()
    rate = round(100 * completed / enrolled) if enrolled else None
    return [
        QueueItem(key="overdue", count=overdue_n,
                  text=f"{_plural(overdue_n, 'executive')} overdue",
                  calm="Nobody is overdue", url=_reports(status=OVERDUE), tone="warn",
                  detail="Their due date has passed and they have not completed."),
        QueueItem(key="due-soon", count=due_soon_n,
                  text=f"{_plural(due_soon_n, 'executive')} due within {DUE_SOON_DAYS} days",
                  calm=f"Nobody is due within the next {DUE_SOON_DAYS} days",
                  url=_reports(sort="due")),
        QueueItem(key="not-started", count=not_started_n,
                  text=f"{_plural(not_started_n, 'executive')} not started yet",
                  calm="Everyone enrolled has started", url=_reports(status=NOT_STARTED)),
        QueueItem(key="completion", count=completed, tone="figure",
                  text=(f"{rate}% complete: {completed} of "
                        f"{_plural(enrolled, 'enrolment')}") if enrolled else "",
                  calm="Nobody is enrolled in a course yet", url=_reports()
                  if enrolled else "/manage/courses"),
    ]


def cohort_figures(session: Session, *, today: date) -> list[CohortFigures]:
    """The same figures per cohort (one grouped query; cohorts with no enrolment too)."""
    not_complete = col(Enrolment.completed_at).is_(None)
    rows = session.exec(
        select(Cohort.id, Cohort.name, func.count(col(Enrolment.id)),
               _count_if(col(Enrolment.completed_at).is_not(None)),
               _count_if(and_(not_complete, col(Enrolment.due_date) < today)),
               _count_if(and_(not_complete, col(Enrolment.started_at).is_(None),
                              col(Enrolment.id).is_not(None))))
        .select_from(Cohort)
        .join(CohortMember, col(CohortMember.cohort_id) == Cohort.id, isouter=True)
        .join(Enrolment, col(Enrolment.user_id) == CohortMember.user_id, isouter=True)
        .group_by(Cohort.id, Cohort.name)
        .order_by(func.lower(Cohort.name))).all()
    return [CohortFigures(int(cid), name, int(n), int(done), int(late), int(idle))
            for cid, name, n, done, late, idle in rows]


# Admin ----------------------------------------------------------------------------------

def accounts_items(session: Session, *, now: datetime) -> list[QueueItem]:
    """Invitations not accepted (pending, expired), accounts disabled, executives in no
    cohort: three aggregate queries."""
    newest = (select(Invitation.user_id, func.max(Invitation.id).label("id"))
              .group_by(Invitation.user_id).subquery())
    pending, expired = session.exec(
        select(_count_if(Invitation.expires_at > now), _count_if(Invitation.expires_at <= now))
        .select_from(Invitation)
        .join(newest, newest.c.id == Invitation.id)
        .join(User, col(User.id) == Invitation.user_id)
        .where(col(Invitation.accepted_at).is_(None), col(Invitation.revoked_at).is_(None),
               col(User.is_active).is_(True), col(User.password_hash).is_(None),
               ~exists().where(SsoIdentity.user_id == User.id))).one()
    disabled = session.exec(select(func.count()).select_from(User)
                            .where(col(User.is_active).is_(False))).one()
    no_cohort = session.exec(
        select(func.count()).select_from(User)
        .where(User.role == Role.executive, col(User.is_active).is_(True),
               ~exists().where(CohortMember.user_id == User.id))).one()
    waiting = pending + expired
    detail = []
    if pending:
        detail.append(f"{pending} pending")
    if expired:
        detail.append(f"{expired} expired: resend or revoke them")
    return [
        QueueItem(key="invitations", count=waiting,
                  text=f"{_plural(waiting, 'invitation')} not accepted",
                  calm="Every invitation has been accepted", url="/admin/users?status=invited",
                  detail=", ".join(detail), tone="warn" if expired else "info"),
        QueueItem(key="no-cohort", count=no_cohort,
                  text=f"{_plural(no_cohort, 'executive')} in no cohort",
                  calm="Every executive is in a cohort",
                  url="/admin/users?role=executive&status=no-cohort"),
        QueueItem(key="disabled", count=disabled,
                  text=f"{_plural(disabled, 'account')} disabled",
                  calm="No account is disabled", url="/admin/users?status=disabled"),
    ]


# The home page --------------------------------------------------------------------------

def home_queues(session: Session, *, user: User, today: date,
                now: datetime) -> HomeQueues | None:
    """What waits for ``user``, by the pages their role may open (see app/deps.py): the
    trainer's for trainers and admins, HR's for HR and admins, accounts for admins."""
    if user.role == Role.executive:
        return None
    groups: list[QueueGroup] = []
    cohorts: list[CohortFigures] = []
    if user.role in (Role.trainer, Role.admin):
        items = [review_item(session), grading_item(session), drafts_item(session)]
        if user.role == Role.trainer:  # admins see overdue executives in HR's group
            items.append(overdue_by_course_item(session, today=today))
        groups.append(QueueGroup("teaching", "Courses and learners", items))
    if user.role in (Role.hr, Role.admin):
        groups.append(QueueGroup("programme", "Programme", programme_items(session,
                                                                           today=today)))
        cohorts = cohort_figures(session, today=today)
    if user.role == Role.admin:
        groups.append(QueueGroup("accounts", "Accounts", accounts_items(session, now=now)))
    return HomeQueues(groups=groups, cohorts=cohorts)


