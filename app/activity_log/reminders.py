"""The weekly reminder to fill in the activity log, on the day each executive chose.

The scheduler runs this every hour; an executive is reminded once per ISO week, on their
chosen weekday in their own time zone, from ``REMIND_FROM_HOUR`` o'clock, and only while
that week has no entry yet. The notification's key (person and week) makes a second one
impossible however often or on however many workers the job runs."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from app.activity_log import definition as log
from app.content import moments
from app.models import ActivityEntry, ActivitySetting, Role, User
from app.notifications.service import notify

REMIND_FROM_HOUR = 9
KIND = "activity-reminder"


def dedupe_key(user_id: int, week: str) -> str:
    return f"activity-log:{user_id}:{week}"


def weekly_reminders(session: Session, *, now: datetime, default_zone: str = "UTC") -> int:
    """Remind the executives whose day it is; returns how many were reminded."""
    rows = session.exec(
        select(User.id, User.time_zone, ActivitySetting.reminder_weekday)
        .join(ActivitySetting, col(ActivitySetting.user_id) == User.id)
        .where(col(ActivitySetting.reminder_weekday).is_not(None),
               User.role == Role.executive, col(User.is_active).is_(True))
        .order_by(User.id)).all()
    owed = []
    for user_id, zone_name, weekday in rows:
        local = moments.local(now, moments.zone(zone_name, default_zone))
        if local.weekday() == weekday and local.hour >= REMIND_FROM_HOUR:
            owed.append((user_id, log.week_start(local.date())))
    if not owed:
        return 0
    logged = set(session.exec(
        select(ActivityEntry.user_id, ActivityEntry.week_start)
        .where(col(ActivityEntry.user_id).in_([u for u, _ in owed]),
               col(ActivityEntry.week_start).in_({w for _, w in owed}))).all())
    created = 0
    for user_id, week in owed:
        if (user_id, week) in logged:
            continue
        if notify(session, user_id=user_id, kind=KIND, params={"week": week.isoformat()},
                  link="/activity", dedupe_key=dedupe_key(user_id, log.week_label(week)),
                  now=now) is not None:
            created += 1
    return created
