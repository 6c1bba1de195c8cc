"""One executive's weekly activity log: entries (one per ISO week, editable), the plan
items that count on their own, streaks, the reminder day, and who may read a log.

Double counting: the post fields of an entry hold posts *outside* the 90-day plan. Plan
items marked "published" whose day falls in the week count automatically (shown beside
the post fields as "N published from your plan"), so a week's posts are the two added
up. The executive's own page always counts the plan as it is now; the entry also keeps
the number as it was when last saved (``plan_posts``), which is what HR's aggregates read
(they never open a plan).

Who reads a log: the executive; a trainer (or admin) who coaches them, that is who
reviewed one of their persona or plan submissions, or who shares a cohort with them;
HR never (only ``app.activity_log.aggregates``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import exists, or_
from sqlmodel import Session, col, select

from app.activity_log import definition as log
from app.db import insert_for
from app.models import (
    ActivityEntry,
    ActivitySetting,
    CohortMember,
    Role,
    User,
    Workbook,
    WorkbookVersion,
    utcnow,
)
from app.planner import definition as plan
from app.workbooks import service as workbooks

SHOWN_WEEKS = 12  # the weeks the page charts and tabulates, this one included
NETWORK_FIELD = {"linkedin": "posts_linkedin", "x": "posts_x"}  # the rest: posts_other


# The plan ---------------------------------------------------------------------------------

@dataclass
class PlanWeek:
    planned: int = 0  # items dated in the week, whatever their status
    published: dict[str, int] = field(default_factory=dict)  # per post field

    @property
    def published_total(self) -> int:
        return sum(self.published.values())


def plan_weeks(session: Session, *, user_id: int) -> dict[dt.date, PlanWeek]:
    """The executive's plan items per week (Monday): planned, and published per network."""
    workbook = workbooks.get_workbook(session, user_id=user_id, kind=plan.KIND)
    weeks: dict[dt.date, PlanWeek] = {}
    for item in plan.items(workbooks.draft(workbook)):
        if item.day is None:
            continue
        week = weeks.setdefault(log.week_start(item.day), PlanWeek())
        week.planned += 1
        if item.status == "published":
            name = NETWORK_FIELD.get(item.network, "posts_other")
            week.published[name] = week.published.get(name, 0) + 1
    return weeks


# Entries ----------------------------------------------------------------------------------

def get_entry(session: Session, *, user_id: int, week: dt.date) -> ActivityEntry | None:
    return session.exec(select(ActivityEntry).where(ActivityEntry.user_id == user_id,
                                                    ActivityEntry.week_start == week)).first()


def save_entry(session: Session, *, user: User, parsed: log.Parsed,
               now: dt.datetime | None = None) -> ActivityEntry:
    """Create or replace the executive's entry for ``parsed.week`` (which must have no
    errors); the plan's published items of that week are counted into ``plan_posts``."""
    assert parsed.week is not None
    assert not parsed.errors
    now = now or utcnow()
    published = plan_weeks(session, user_id=user.id).get(parsed.week, PlanWeek())
    values = {**parsed.counts, **parsed.scores, "plan_posts": published.published_total,
              "updated_at": now}
    insert = insert_for(session)(ActivityEntry).values(
        user_id=user.id, week_start=parsed.week, created_at=now, **values)
    session.exec(insert.on_conflict_do_update(index_elements=["user_id", "week_start"],
                                              set_=values))
    entry = session.exec(select(ActivityEntry).where(
        ActivityEntry.user_id == user.id, ActivityEntry.week_start == parsed.week)
        .execution_options(populate_existing=True)).one()
    return entry


def typed_from(entry: ActivityEntry | None, week: dt.date) -> dict[str, str]:
    """An entry's values as its form shows them (empty fields for a new week)."""
    typed = dict.fromkeys(log.FIELDS, "") | {"week": log.week_label(week)}
    if entry is None:
        return typed
    for item in log.COUNTS:
        typed[item.name] = str(getattr(entry, item.name))
    for score in log.SCORES:
        value = getattr(entry, score.name)
        typed[score.name] = "" if value is None else f"{value:g}"
    return typed


# The log as the page shows it ------------------------------------------------------------

@dataclass
class WeekRow:
    week: dt.date
    entry: ActivityEntry | None
    plan: PlanWeek

    def count(self, name: str) -> int:
        return getattr(self.entry, name) if self.entry is not None else 0

    @property
    def other_posts(self) -> int:
        return sum(self.count(name) for name in log.POST_COUNTS)

    @property
    def posts(self) -> int:
        return self.other_posts + self.plan.published_total

    @property
    def ssi(self) -> float | None:
        return self.entry.ssi_total if self.entry is not None else None

    @property
    def active(self) -> bool:
        return self.posts > 0 or any(self.count(c.name) > 0 for c in log.COUNTS)

    @property
    def label(self) -> str:
        return log.week_label(self.week)


@dataclass
class Streaks:
    current: int  # active weeks in a row up to this week (or last week, this one not over)
    longest: int


def streaks(active_weeks: set[dt.date], *, this_week: dt.date) -> Streaks:
    """Runs of consecutive active weeks. The current run ends this week, or last week
    while this week has no activity yet (the week is not over)."""
    week = this_week if this_week in active_weeks else this_week - dt.timedelta(weeks=1)
    current = 0
    while week in active_weeks:
        current += 1
        week -= dt.timedelta(weeks=1)
    longest = run = 0
    previous: dt.date | None = None
    for monday in sorted(active_weeks):
        run = run + 1 if previous is not None and monday - previous == dt.timedelta(weeks=1) \
            else 1
        longest = max(longest, run)
        previous = monday
    return Streaks(current, longest)


@dataclass
class LogView:
    executive: User
    this_week: dt.date
    rows: list[WeekRow]  # the shown weeks, oldest first
    streaks: Streaks
    ssi: list[tuple[dt.date, float]]  # every recorded total, oldest first
    reminder_weekday: int | None

    @property
    def recorded(self) -> int:
        return sum(1 for row in self.rows if row.entry is not None)


def log_view(session: Session, *, executive: User, today: dt.date,
             weeks: int = SHOWN_WEEKS) -> LogView:
    this_week = log.week_start(today)
    entries = {e.week_start: e for e in session.exec(
        select(ActivityEntry).where(ActivityEntry.user_id == executive.id,
                                    ActivityEntry.week_start <= this_week)
        .order_by(col(ActivityEntry.week_start))).all()}
    planned = plan_weeks(session, user_id=executive.id)
    every = {week: WeekRow(week, entries.get(week), planned.get(week, PlanWeek()))
             for week in entries.keys() | {w for w in planned if w <= this_week}}
    shown = [this_week - dt.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    rows = [every.get(week) or WeekRow(week, None, PlanWeek()) for week in shown]
    active = {week for week, row in every.items() if row.active}
    ssi = [(week, e.ssi_total) for week, e in sorted(entries.items())
           if e.ssi_total is not None]
    return LogView(executive, this_week, rows, streaks(active, this_week=this_week), ssi,
                   reminder_weekday(session, user_id=executive.id))


# The reminder day ------------------------------------------------------------------------

def reminder_weekday(session: Session, *, user_id: int) -> int | None:
    setting = session.get(ActivitySetting, user_id)
    return setting.reminder_weekday if setting is not None else None


def parse_weekday(text: str) -> tuple[int | None, str | None]:
    """A posted reminder day: "" (no reminder) or 0-6; returns (day, error)."""
    text = text.strip()
    if not text:
        return None, None
    if text.isdigit() and 0 <= int(text) <= 6:
        return int(text), None
    return None, "Choose a day from the list, or no reminder."


def set_reminder(session: Session, *, user: User, weekday: int | None) -> None:
    values = {"reminder_weekday": weekday, "updated_at": utcnow()}
    insert = insert_for(session)(ActivitySetting).values(user_id=user.id, **values)
    session.exec(insert.on_conflict_do_update(index_elements=["user_id"], set_=values))


# Who coaches whom ------------------------------------------------------------------------

def _coached_condition(trainer_id: int):  # type: ignore[no-untyped-def]
    reviewed = exists().where(Workbook.user_id == User.id,
                              WorkbookVersion.workbook_id == Workbook.id,
                              WorkbookVersion.reviewed_by_id == trainer_id)
    mine, theirs = CohortMember.__table__.alias("mine"), CohortMember.__table__.alias("theirs")  # type: ignore[attr-defined]
    shared = exists().where(theirs.c.user_id == User.id, mine.c.user_id == trainer_id,
                            mine.c.cohort_id == theirs.c.cohort_id)
    return or_(reviewed, shared)


def coached_executives(session: Session, *, trainer: User) -> list[User]:
    """The executives ``trainer`` coaches (see the module's docstring), by name."""
    return list(session.exec(
        select(User).where(User.role == Role.executive, _coached_condition(trainer.id))
        .order_by(User.full_name, User.id)).all())


def coached_executive(session: Session, *, trainer: User, executive_id: int) -> User | None:
    """The executive ``executive_id`` if ``trainer`` coaches them, else None."""
    return session.exec(
        select(User).where(User.id == executive_id, User.role == Role.executive,
                           _coached_condition(trainer.id))).first()
